//! Directory scanning: findings, exit codes, ignore files, redaction.

use tempfile::TempDir;

use crate::common::{fake_github_token, run, stderr, stdout, write};

fn dir_with(files: &[(&str, String)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

#[test]
fn a_clean_tree_exits_zero() {
    let dir = dir_with(&[("src/main.rs", "fn main() { println!(\"hi\"); }\n".into())]);
    let output = run(&[dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("no secrets found in 1 files"));
}

#[test]
fn a_token_is_reported_with_location_and_redacted() {
    let token = fake_github_token(1);
    let dir = dir_with(&[("app/config.py", format!("import os\n\nGH = \"{token}\"\n"))]);
    let output = run(&[dir.path().to_str().unwrap(), "--color", "never"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("app/config.py:3:7"), "{text}");
    assert!(text.contains("github-pat"), "{text}");
    assert!(text.contains("ghp_********"), "{text}");
    assert!(!text.contains(&token), "the secret leaked: {text}");
    assert!(!stderr(&output).contains(&token));
    assert!(text.contains("1 finding (1 high)"), "{text}");
}

#[test]
fn show_secrets_prints_the_value() {
    let token = fake_github_token(2);
    let dir = dir_with(&[("a.env", format!("TOKEN={token}\n"))]);
    let output = run(&[dir.path().to_str().unwrap(), "--show-secrets"]);
    assert!(stdout(&output).contains(&token));
}

#[test]
fn documentation_placeholders_from_provider_docs_are_not_findings() {
    let docs = "X-TC-AUTHENTICATION-ID: {User Access Key}\n\
                X-TC-AUTHENTICATION-SECRET: {Secret Access Key}\n\
                X-TC-APP-KEY: {project integrated Appkey}\n\
                {\"auth_mode\": \"apikey\", \"apikey\": \"\", \"secretkey\": \"\"}\n\
                token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
    let dir = dir_with(&[("README.md", docs.into())]);
    let output = run(&[dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn hidden_files_are_scanned_but_git_internals_are_not() {
    let token = fake_github_token(3);
    let dir = dir_with(&[
        (".env", format!("GH_TOKEN={token}\n")),
        (".git/config", format!("token = {}\n", fake_github_token(4))),
    ]);
    let output = run(&[dir.path().to_str().unwrap(), "--format", "jsonl"]);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("\".env\"") || text.contains("/.env\""),
        "{text}"
    );
}

#[test]
fn ignore_files_are_honoured_unless_no_ignore() {
    let dir = dir_with(&[
        (".gitignore", "build/\n".into()),
        (".keyscanignore", "testdata/\n".into()),
        ("build/out.txt", format!("{}\n", fake_github_token(5))),
        ("testdata/keys.txt", format!("{}\n", fake_github_token(6))),
        ("kept.txt", format!("{}\n", fake_github_token(7))),
    ]);
    let root = dir.path().to_str().unwrap();
    let output = run(&[root, "--format", "jsonl"]);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("kept.txt"));
    let everything = run(&[root, "--format", "jsonl", "--no-ignore"]);
    assert_eq!(
        stdout(&everything).lines().count(),
        3,
        "{}",
        stdout(&everything)
    );
}

#[test]
fn several_paths_and_single_files_can_be_scanned() {
    let dir = dir_with(&[
        ("one/a.txt", format!("{}\n", fake_github_token(8))),
        ("two/b.txt", format!("{}\n", fake_github_token(9))),
        ("three/c.txt", format!("{}\n", fake_github_token(10))),
    ]);
    let one = dir.path().join("one");
    let file = dir.path().join("two/b.txt");
    let output = run(&[
        one.to_str().unwrap(),
        file.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(!text.contains("c.txt"));
}

#[test]
fn findings_are_identical_across_thread_counts() {
    let files: Vec<(String, String)> = (0..200)
        .map(|i| {
            (
                format!("d{}/f{i}.txt", i % 7),
                format!("line\nkey = \"{}\"\n", fake_github_token(i)),
            )
        })
        .collect();
    let borrowed: Vec<(&str, String)> =
        files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let dir = dir_with(&borrowed);
    let root = dir.path().to_str().unwrap();
    let single = stdout(&run(&[root, "--format", "jsonl", "-j", "1"]));
    let many = stdout(&run(&[root, "--format", "jsonl", "-j", "4"]));
    assert_eq!(single.lines().count(), 200);
    assert_eq!(single, many);
}
