//! Pins keyscan's findings on a fixed corpus, so an optimisation cannot trade accuracy
//! for speed unnoticed.
//!
//! The corpus is built at test time from every built-in rule's examples and
//! counterexamples (one file per rule file, with filler lines in between) plus the seed
//! fixtures; the history is that corpus committed in three steps with edits and
//! deletions. The findings (path, line, column, rule, pair, fingerprint, commit) must
//! equal the snapshots in `tests/pinned/`. A deliberate change to the rules or the
//! engine regenerates them with `KEYSCAN_UPDATE_PINNED=1 cargo test --locked pinned`;
//! review the snapshot diff like code.

use std::fmt::Write as _;
use std::path::Path;

use keyscan::rules::{RuleOptions, RuleSource, load_rule_set};
use serde_json::{Value, json};

use crate::common::{expect_exit, keyscan, write};
use crate::git_repo::TestRepo;

const SNAPSHOTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pinned");
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");

/// Deterministic filler lines that look like code but match no rule.
fn filler(seed: usize, count: usize) -> String {
    let words = [
        "config", "token", "handler", "secret", "buffer", "client", "region", "bucket", "password",
        "value", "request", "session",
    ];
    let mut text = String::new();
    let mut state = (seed as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for _ in 0..count {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let a = words[(state >> 33) as usize % words.len()];
        let b = words[(state >> 45) as usize % words.len()];
        let _ = writeln!(
            text,
            "    let {a}_{b} = load_{b}(\"{a}\", {});",
            state >> 54
        );
    }
    text
}

/// One text per built-in rule file: each rule's examples and counterexamples, in
/// order, separated by filler, named `<file stem>.txt`.
fn rule_corpus() -> Vec<(String, String)> {
    let rules = load_rule_set(&RuleOptions::builtin_only()).expect("built-in rules load");
    let mut files: Vec<(String, String)> = Vec::new();
    for (index, rule) in rules.rules().iter().enumerate() {
        let RuleSource::Builtin(file) = rule.source else {
            panic!("{} is not a built-in rule", rule.id)
        };
        let name = format!("{}.txt", file.trim_end_matches(".toml"));
        if files.last().is_none_or(|(last, _)| *last != name) {
            files.push((name, String::new()));
        }
        let text = &mut files.last_mut().expect("just pushed").1;
        let samples = rule.examples.iter().map(|example| example.text());
        let samples = samples.chain(rule.counterexamples.iter().map(String::as_str));
        for (sample, text_seed) in samples.zip(index * 100..) {
            text.push_str(&filler(text_seed, 1 + text_seed % 4));
            text.push_str(sample);
            text.push('\n');
        }
    }
    files
}

/// Copies the seed fixtures into `dir/seeds/`.
fn copy_seeds(dir: &Path) {
    for entry in walk(Path::new(SEEDS)) {
        let relative = entry.strip_prefix(SEEDS).expect("under seeds");
        let text = std::fs::read(&entry).expect("read seed fixture");
        write(dir, &format!("seeds/{}", relative.display()), text);
    }
}

/// Every file under `dir`, sorted.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The pinned fields of each JSONL finding, paths relative to `root`, sorted.
fn pinned_fields(jsonl: &str, root: &Path) -> Vec<Value> {
    let mut findings: Vec<Value> = jsonl
        .lines()
        .map(|line| {
            let finding: Value = serde_json::from_str(line).expect("JSONL finding");
            let path = Path::new(finding["path"].as_str().expect("path"));
            let path = path.strip_prefix(root).unwrap_or(path);
            json!({
                "path": path.to_str().expect("UTF-8 path"),
                "line": finding["line"],
                "column": finding["column"],
                "end_line": finding["end_line"],
                "end_column": finding["end_column"],
                "rule_id": finding["rule_id"],
                "pair": finding["pair"]["rule_id"],
                "fingerprint": finding["fingerprint"],
                "commit": finding["commit"]["id"],
                "history_only": finding["history_only"],
            })
        })
        .collect();
    findings.sort_by_key(|finding| finding.to_string());
    findings
}

/// Compares `findings` with the snapshot `name`, or rewrites it when
/// `KEYSCAN_UPDATE_PINNED` is set.
fn assert_pinned(name: &str, findings: &[Value]) {
    let path = Path::new(SNAPSHOTS).join(name);
    let mut actual = String::new();
    for finding in findings {
        actual.push_str(&finding.to_string());
        actual.push('\n');
    }
    if std::env::var_os("KEYSCAN_UPDATE_PINNED").is_some() {
        std::fs::create_dir_all(SNAPSHOTS).expect("create snapshot dir");
        std::fs::write(&path, &actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "{}: {err}; run with KEYSCAN_UPDATE_PINNED=1",
            path.display()
        )
    });
    if actual != expected {
        let expected: Vec<&str> = expected.lines().collect();
        let actual: Vec<&str> = actual.lines().collect();
        let lost: Vec<_> = expected
            .iter()
            .filter(|line| !actual.contains(line))
            .collect();
        let new: Vec<_> = actual
            .iter()
            .filter(|line| !expected.contains(line))
            .collect();
        panic!(
            "findings differ from {} ({} pinned, {} now)\nno longer found:\n{lost:#?}\nnewly found:\n{new:#?}\n\
             If the change is intended, rerun with KEYSCAN_UPDATE_PINNED=1 and review the diff.",
            path.display(),
            expected.len(),
            actual.len(),
        );
    }
}

/// Runs keyscan with `args` (JSONL output, no project config) and returns stdout.
fn scan_jsonl(args: &[&str]) -> String {
    let output = expect_exit(
        keyscan()
            .args(args)
            .args(["--format", "jsonl", "--no-config"]),
        1,
    );
    String::from_utf8(output.stdout).expect("UTF-8 JSONL")
}

#[test]
fn directory_findings_match_the_pinned_snapshot() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in rule_corpus() {
        write(dir.path(), &format!("rules/{name}"), text);
    }
    copy_seeds(dir.path());
    let findings = scan_jsonl(&[dir.path().to_str().expect("UTF-8 temp path")]);
    let findings = pinned_fields(&findings, dir.path());
    assert!(findings.len() > 300, "only {} findings", findings.len());
    assert_pinned("directory.jsonl", &findings);
}

#[test]
fn history_findings_match_the_pinned_snapshot() {
    let repo = TestRepo::new();
    let corpus = rule_corpus();
    let (first, second) = corpus.split_at(corpus.len() / 2);
    for (name, text) in first {
        write(repo.path(), &format!("rules/{name}"), text);
    }
    copy_seeds(repo.path());
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "first half"]);
    // The second half arrives while the first half loses its first 40 lines.
    for (name, text) in second {
        write(repo.path(), &format!("rules/{name}"), text);
    }
    for (name, text) in first {
        let trimmed: Vec<&str> = text.lines().skip(40).collect();
        write(repo.path(), &format!("rules/{name}"), trimmed.join("\n"));
    }
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "second half, first half trimmed"]);
    for (name, _) in second.iter().step_by(3) {
        repo.git(&["rm", "-q", &format!("rules/{name}")]);
    }
    repo.git(&[
        "commit",
        "-q",
        "-m",
        "delete every third file of the second half",
    ]);
    let findings = scan_jsonl(&["git", repo.arg()]);
    let findings = pinned_fields(&findings, repo.path());
    assert!(
        findings
            .iter()
            .any(|finding| finding["history_only"] == true),
        "the deletions leave history-only findings"
    );
    assert_pinned("history.jsonl", &findings);
    // The same objects in a pack are read another way (whole-pack decoding).
    repo.git(&["repack", "-a", "-d", "-q"]);
    repo.git(&["prune-packed"]);
    let packed = scan_jsonl(&["git", repo.arg()]);
    assert_eq!(
        pinned_fields(&packed, repo.path()),
        findings,
        "the packed repository"
    );
}
