//! The README's examples work as written: its YAML parses, and every `keyscan` command
//! in its code blocks names only commands, flags and values that exist.

use std::io::Write;
use std::process::{Command as Process, Stdio};

use crate::common::{keyscan, stderr};

/// The README's fenced code blocks: (language, text).
fn code_blocks() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in readme.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(language)) => open = Some((language.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some((_, text)), None) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// The `keyscan` commands of `line`, as words: shell punctuation, comments and
/// GitHub expressions (`${{ matrix.shard }}` is 1) taken out.
fn commands(line: &str) -> Vec<Vec<String>> {
    let line = line.split(" #").next().unwrap_or_default();
    let mut line = line.to_owned();
    while let Some(start) = line.find("${{") {
        let end = line[start..]
            .find("}}")
            .map_or(line.len(), |end| start + end + 2);
        line.replace_range(start..end, "1");
    }
    line.split(['|', ';', '>'])
        .filter_map(|part| {
            let part = part.trim().trim_start_matches("- run:").trim();
            let part = part.strip_prefix("run:").unwrap_or(part).trim();
            let rest = part.strip_prefix("keyscan ")?;
            let rest = rest.split("&&").next().unwrap_or_default();
            Some(shell_words(rest))
        })
        .collect()
}

/// `text` split into words as a shell splits it: at spaces outside quotes.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[test]
fn the_readmes_yaml_parses_and_its_commands_name_real_flags() {
    let blocks = code_blocks();
    let yaml: Vec<&String> = blocks
        .iter()
        .filter(|(language, _)| language == "yaml")
        .map(|(_, text)| text)
        .collect();
    assert!(
        yaml.len() >= 3,
        "the Action, pre-commit and sharding examples"
    );
    for text in &yaml {
        let mut python = Process::new("python3")
            .args(["-c", "import sys, yaml; yaml.safe_load(sys.stdin)"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs (with PyYAML, which .ci/run installs with pre-commit)");
        python
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let output = python.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "YAML that does not parse (or no PyYAML: pip install pre-commit, as .ci/run does):\n{text}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut checked = 0;
    for (language, text) in &blocks {
        if !matches!(language.as_str(), "yaml" | "sh" | "bash" | "") {
            continue;
        }
        for words in text.lines().flat_map(commands) {
            // With --help last, every argument before it is parsed and checked, and
            // nothing is scanned.
            let output = keyscan().args(&words).arg("--help").output().unwrap();
            assert!(
                output.status.success(),
                "`keyscan {}` from the README: {}",
                words.join(" "),
                stderr(&output)
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} commands found");
}
