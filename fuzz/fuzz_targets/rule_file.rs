//! Arbitrary text as a user's rule file (`keyscan --rules`, `keyscan rules check`):
//! parsed and validated by `parse_rule_file`; a file that loads is built into an
//! engine, its examples checked as `keyscan rules check` does, and the engine run
//! over a sample text and over the rule file itself.

#![no_main]

mod findings;

use keyscan::engine::{Engine, check_examples};
use keyscan::rules::parse_rule_file;
use libfuzzer_sys::fuzz_target;

/// Text for the fuzzed rules to scan besides the rule file itself.
const SAMPLE: &[u8] =
    b"token = \"kw_q7vz2lmn9pr4\"\nAKIAQ7VZ2LMN9PR4TX8W\n\xff\xfe \xc3\xa9 x-key: abc.def.ghi\r\n";

fuzz_target!(|data: &[u8]| {
    // Rule files are read with `read_to_string`: text that is not UTF-8 is an I/O
    // error before the parser sees it.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rules = match parse_rule_file("fuzz.toml", text) {
        Ok(rules) => rules,
        Err(problems) => {
            assert!(!problems.is_empty());
            for problem in problems {
                let _ = problem.to_string();
            }
            return;
        }
    };
    let engine = Engine::new(rules);
    for problem in check_examples(&engine) {
        let _ = problem.to_string();
    }
    for haystack in [SAMPLE, data] {
        let matches = engine.scan(haystack);
        findings::check(engine.rules(), haystack, matches);
    }
});
