//! Coming from gitleaks: a repository's `.gitleaks.toml` and `.gitleaksignore` read
//! as they are, and `keyscan config import-gitleaks` writing keyscan's own.

use std::path::Path;

use serde_json::Value;

use crate::common::{expect_exit, fake_github_token, keyscan, run_expect, stderr, stdout, write};
use crate::git_repo::TestRepo;

/// A gitleaks configuration with one rule of its own (`acme-token`, its secret in a
/// group), a rule allowlist, a path allowlist and a key keyscan does not know.
const GITLEAKS_TOML: &str = r#"
title = "Acme"

[extend]
useDefault = true

[[rules]]
id = "acme-token"
description = "Acme service token"
regex = '''acme_(?:live|test)_([a-z0-9]{24})'''
secretGroup = 1
keywords = ["acme_live", "acme_test"]

[[rules.allowlists]]
regexTarget = "line"
regexes = ['''documented example''']

[allowlist]
description = "test fixtures"
paths = ['''^fixtures/''']

[[rules]]
id = "internal-env-file"
path = '''\.env\.internal$'''
"#;

/// An Acme token that looks random: `seed` varies it.
fn acme_token(seed: u32) -> String {
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    let body: String = (0..24)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            b"abcdefghijklmnopqrstuvwxyz0123456789"[(state % 36) as usize] as char
        })
        .collect();
    format!("acme_live_{body}")
}

/// The (rule, path, line) of each finding of a JSON report, sorted.
fn found(report: &str) -> Vec<(String, String, u64)> {
    let report: Value = serde_json::from_str(report).unwrap();
    let mut found: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["rule_id"].as_str().unwrap().to_owned(),
                finding["path"].as_str().unwrap().to_owned(),
                finding["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

/// A working tree with the gitleaks configuration and files for each of its parts.
fn tree(dir: &Path) {
    write(dir, ".gitleaks.toml", GITLEAKS_TOML);
    write(
        dir,
        "src/app.py",
        format!(
            "ACME = '{}'\nDOC = '{}'  # documented example\nGH = '{}'\n",
            acme_token(1),
            acme_token(2),
            fake_github_token(901)
        ),
    );
    write(
        dir,
        "fixtures/sample.py",
        format!("ACME = '{}'\n", acme_token(3)),
    );
}

/// `keyscan ARGS -f json` in `dir` (exit 1), its report and standard error.
fn scan_in(dir: &Path, args: &[&str]) -> (String, String) {
    let mut command = keyscan();
    command
        .current_dir(dir)
        .args(args)
        .args(["--format", "json"]);
    let output = expect_exit(&mut command, 1);
    (stdout(&output), stderr(&output))
}

#[test]
fn a_gitleaks_toml_is_read_when_there_is_no_keyscan_toml() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let (report, err) = scan_in(dir.path(), &["."]);
    assert_eq!(
        found(&report),
        [
            ("acme-token".to_owned(), "src/app.py".to_owned(), 1),
            ("github-pat".to_owned(), "src/app.py".to_owned(), 3),
        ],
        "its own rule and keyscan's (useDefault); the allowlisted line and path are not reported"
    );
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["suppressed"]["allowlist-entry"], 2, "{report}");
    // What keyscan cannot do is said once, naming the rule.
    assert_eq!(
        err.matches("rule `internal-env-file` is not used").count(),
        1,
        "{err}"
    );
    // A .keyscan.toml beside it wins.
    write(
        dir.path(),
        ".keyscan.toml",
        "[rules]\ndisable = [\"github-pat\"]\n",
    );
    let output = run_expect(0, &[dir.path().to_str().unwrap(), "-q"]);
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn without_use_default_only_the_gitleaks_files_own_rules_run() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let own_only = GITLEAKS_TOML.replace("useDefault = true", "");
    write(dir.path(), ".gitleaks.toml", own_only);
    let (report, err) = scan_in(dir.path(), &["."]);
    assert_eq!(
        found(&report),
        [("acme-token".to_owned(), "src/app.py".to_owned(), 1)]
    );
    assert!(err.contains("only this file's rules run"), "{err}");
}

#[test]
fn gitleaksignore_fingerprints_accept_findings_in_files_and_in_history() {
    let repo = TestRepo::new();
    tree(repo.path());
    let added = repo.commit_file(
        "config/.env",
        &format!("GH={}\n", fake_github_token(902)),
        "add",
    );
    write(
        repo.path(),
        ".gitleaksignore",
        format!(
            "# accepted in review\n\
             src/app.py:github-pat:3\n\
             {added}:config/.env:github-pat:1\n\
             src/app.py:some-rule-keyscan-lacks:9\n"
        ),
    );
    let (report, err) = scan_in(repo.path(), &["."]);
    assert_eq!(
        found(&report),
        [
            ("acme-token".to_owned(), "src/app.py".to_owned(), 1),
            ("github-pat".to_owned(), "config/.env".to_owned(), 1),
        ],
        "the entry without a commit is for files; the one with a commit for history"
    );
    assert!(
        err.contains("lines that name a rule keyscan has no counterpart of")
            && err.contains(": 1;"),
        "{err}"
    );
    let (history, _) = scan_in(repo.path(), &["git", "."]);
    let history = found(&history);
    assert!(
        history.contains(&("github-pat".to_owned(), "src/app.py".to_owned(), 3)),
        "a path:rule:line entry does not accept a history finding: {history:?}"
    );
    assert!(
        !history.iter().any(|(_, path, _)| path == "config/.env"),
        "{history:?}"
    );
}

#[test]
fn import_gitleaks_writes_a_keyscan_toml_that_finds_the_same() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let (read_directly, _) = scan_in(dir.path(), &["."]);
    let mut import = keyscan();
    import
        .current_dir(dir.path())
        .args(["config", "import-gitleaks"]);
    let output = expect_exit(&mut import, 0);
    assert!(
        stdout(&output).contains("wrote .keyscan.toml and .keyscan-rules.toml (1 rule)"),
        "{}",
        stdout(&output)
    );
    let config = std::fs::read_to_string(dir.path().join(".keyscan.toml")).unwrap();
    assert!(
        config.contains("# - rule `internal-env-file` is not used"),
        "what differs is written down: {config}"
    );
    std::fs::remove_file(dir.path().join(".gitleaks.toml")).unwrap();
    let (imported, err) = scan_in(dir.path(), &["."]);
    assert_eq!(found(&imported), found(&read_directly));
    assert!(!err.contains("gitleaks"), "{err}");
    // It never writes over a configuration unless told to.
    write(dir.path(), ".gitleaks.toml", GITLEAKS_TOML);
    let mut again = keyscan();
    again
        .current_dir(dir.path())
        .args(["config", "import-gitleaks"]);
    let refused = expect_exit(&mut again, 2);
    assert!(
        stderr(&refused).contains("already exists"),
        "{}",
        stderr(&refused)
    );
    let mut forced = keyscan();
    forced
        .current_dir(dir.path())
        .args(["config", "import-gitleaks", ".gitleaks.toml", "--force"]);
    expect_exit(&mut forced, 0);
}

#[test]
fn a_gitleaks_toml_keyscan_cannot_read_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitleaks.toml", "[[rules]\nid = 3\n");
    write(dir.path(), "a.txt", "nothing\n");
    let output = run_expect(2, &[dir.path().to_str().unwrap()]);
    assert!(
        stderr(&output).contains(".gitleaks.toml")
            && stderr(&output).contains("gitleaks configuration"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_rules_path_limits_where_its_findings_are_reported_in_files_and_history() {
    let repo = TestRepo::new();
    write(
        repo.path(),
        ".gitleaks.toml",
        r#"
[extend]
useDefault = true

[[rules]]
id = "acme-deploy-key"
regex = '''acmedeploy_[a-z0-9]{24}'''
path = '''\.tf$'''
"#,
    );
    let key = |seed| acme_token(seed).replace("acme_live_", "acmedeploy_");
    write(
        repo.path(),
        "infra/main.tf",
        format!("key = \"{}\"\n", key(5)),
    );
    repo.commit_file("src/app.py", &format!("KEY = '{}'\n", key(6)), "add");
    repo.git(&["gc", "-q"]);
    let expected = [("acme-deploy-key".to_owned(), "infra/main.tf".to_owned(), 1)];
    let (files, err) = scan_in(repo.path(), &["."]);
    assert_eq!(found(&files), expected, "{err}");
    assert!(
        !err.contains("acme-deploy-key"),
        "the path is honoured: {err}"
    );
    // History scans blobs before their paths are known; the path still decides.
    for threads in ["1", "2"] {
        let (history, _) = scan_in(repo.path(), &["git", ".", "-j", threads]);
        assert_eq!(found(&history), expected, "-j {threads}");
    }
}

#[test]
fn an_extend_path_is_read_inside_the_repository_only() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    tree(&repo);
    write(&repo, "security/base.toml", GITLEAKS_TOML);
    write(
        &repo,
        ".gitleaks.toml",
        "[extend]\npath = \"security/base.toml\"\n",
    );
    let (report, err) = scan_in(&repo, &["."]);
    assert_eq!(
        found(&report),
        [
            ("acme-token".to_owned(), "src/app.py".to_owned(), 1),
            ("github-pat".to_owned(), "src/app.py".to_owned(), 3),
        ],
        "the base's rules, allowlists and useDefault: {err}"
    );
    // A repository's configuration cannot make keyscan read files outside it.
    write(dir.path(), "outside.toml", GITLEAKS_TOML);
    write(
        &repo,
        ".gitleaks.toml",
        "[extend]\npath = \"../outside.toml\"\n",
    );
    let output = run_expect(2, &[repo.to_str().unwrap()]);
    assert!(
        stderr(&output).contains("../outside.toml") && stderr(&output).contains("outside"),
        "{}",
        stderr(&output)
    );
}
