//! Arbitrary bytes as a repository's `.gitleaks.toml`, through `keyscan::config::load`,
//! which translates it: whatever it accepts must give rules that load and allowlists
//! naming only rules that exist, and whatever it refuses is refused without a line of
//! the translation (which the user never wrote).

#![no_main]

mod scratch;

use keyscan::Error;
use keyscan::config;
use keyscan::rules::{RuleOptions, load_rule_set};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = scratch::write(".gitleaks.toml", data);
    match config::load(&path, config::Source::Found) {
        Ok(config) => {
            let mut options = RuleOptions::builtin_only();
            options.texts = config.rule_texts.clone();
            let rules = load_rule_set(&options).expect("translated rules load");
            let known: Vec<&str> = rules.rules().iter().map(|rule| rule.id.as_str()).collect();
            assert!(config.unknown_rule_ids(&known).is_empty());
        }
        Err(Error::Config(problems)) => {
            for problem in problems {
                assert_eq!(problem.path, path);
                assert_eq!(problem.line, None, "{problem}");
            }
        }
        Err(other) => unreachable!("not a configuration error: {other}"),
    }
});
