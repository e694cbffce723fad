//! Arbitrary bytes as a `.keyscan.toml`, through `keyscan::config::load` (which reads
//! the file itself, so bytes that are not UTF-8 reach it as they would from disk):
//! TOML, allowlist regexes and globs, sizes, rule ids with their lines.

#![no_main]

mod scratch;

use keyscan::Error;
use keyscan::config::{self, CONFIG_FILE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = scratch::write(CONFIG_FILE, data);
    let lines = 1 + data.iter().filter(|&&b| b == b'\n').count();
    match config::load(&path, config::Source::Found) {
        Ok(config) => {
            for error in config.unknown_rule_ids(&["github-pat", "generic-jwt"]) {
                assert!((1..=lines).contains(&error.line.expect("a line")));
                let _ = error.to_string();
            }
            let _ = config.runs_rule("github-pat");
            let token = b"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";
            for regex in config
                .allowlist
                .secrets
                .iter()
                .chain(&config.allowlist.lines)
            {
                let _ = regex.is_match(token);
            }
            let root = path.parent().expect("a directory");
            let _ = config
                .allowlist
                .paths
                .matched_path_or_any_parents(root.join("src/app.py"), false);
        }
        Err(Error::Config(problems)) => {
            for problem in problems {
                assert_eq!(problem.path, path);
                if let Some(line) = problem.line {
                    assert!((1..=lines).contains(&line), "line {line} of {lines}");
                }
                let _ = problem.to_string();
            }
        }
        Err(other) => unreachable!("not a configuration error: {other}"),
    }
});
