//! `keyscan staged`: only secrets on lines the commit adds, from the index.

use std::process::Output;

use serde_json::Value;

use crate::common::{expect_exit, fake_github_token, keyscan, stderr, stdout};
use crate::git_repo::TestRepo;

/// Runs `keyscan staged [args]` in the repository and returns (exit code, (path, line)s).
fn staged(repo: &TestRepo, args: &[&str]) -> (Option<i32>, Vec<(String, u64)>, Output) {
    let output = keyscan()
        .args(["staged", "--format", "jsonl"])
        .args(args)
        .current_dir(repo.path())
        .output()
        .expect("keyscan runs");
    let found = stdout(&output)
        .lines()
        .map(|line| {
            let finding: Value = serde_json::from_str(line).unwrap();
            (
                finding["path"].as_str().unwrap().to_owned(),
                finding["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (output.status.code(), found, output)
}

fn write(repo: &TestRepo, name: &str, text: &str) {
    let path = repo.path().join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_staged_secret_blocks_and_says_what_to_do() {
    let repo = TestRepo::new();
    repo.commit_file("app.py", "print('hi')\n", "init");
    write(
        &repo,
        "app.py",
        &format!("print('hi')\nTOKEN = '{}'\n", fake_github_token(300)),
    );
    repo.git(&["add", "app.py"]);
    let (code, found, output) = staged(&repo, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(found, vec![("app.py".to_owned(), 2)]);
    assert!(
        stderr(&output).contains("commit refused"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_old_secret_elsewhere_in_the_file_does_not_block_unrelated_work() {
    let repo = TestRepo::new();
    repo.commit_file(
        "config.py",
        &format!("OLD = '{}'\nA = 1\n", fake_github_token(301)),
        "old",
    );
    write(
        &repo,
        "config.py",
        &format!("OLD = '{}'\nA = 2\nB = 3\n", fake_github_token(301)),
    );
    repo.git(&["add", "config.py"]);
    let (code, found, output) = staged(&repo, &[]);
    assert_eq!((code, found), (Some(0), vec![]), "{}", stderr(&output));
}

#[test]
fn only_the_index_counts_not_the_working_tree() {
    let repo = TestRepo::new();
    repo.commit_file("a.txt", "one\n", "init");
    // Staged: a clean change. Not staged: a secret (as after `git add -p`).
    write(&repo, "a.txt", "one\ntwo\n");
    repo.git(&["add", "a.txt"]);
    write(
        &repo,
        "a.txt",
        &format!("one\ntwo\n{}\n", fake_github_token(302)),
    );
    let (code, found, _) = staged(&repo, &[]);
    assert_eq!((code, found), (Some(0), vec![]));
    // Staged: the secret. Working tree: the secret removed again.
    repo.git(&["add", "a.txt"]);
    write(&repo, "a.txt", "one\ntwo\n");
    let (code, found, _) = staged(&repo, &[]);
    assert_eq!((code, found), (Some(1), vec![("a.txt".to_owned(), 3)]));
}

#[test]
fn works_before_the_first_commit() {
    let repo = TestRepo::new();
    write(
        &repo,
        "first.env",
        &format!("X=1\nT={}\n", fake_github_token(303)),
    );
    repo.git(&["add", "first.env"]);
    let (code, found, _) = staged(&repo, &[]);
    assert_eq!((code, found), (Some(1), vec![("first.env".to_owned(), 2)]));
}

#[test]
fn deletions_renames_and_binaries_do_not_block() {
    let repo = TestRepo::new();
    repo.commit_file("old.env", &format!("T={}\n", fake_github_token(304)), "old");
    repo.commit_file(
        "gone.env",
        &format!("T={}\n", fake_github_token(305)),
        "gone",
    );
    repo.git(&["mv", "old.env", "renamed.env"]);
    repo.git(&["rm", "-q", "gone.env"]);
    let mut binary = b"\x00\x01binary".to_vec();
    binary.extend(fake_github_token(306).as_bytes());
    std::fs::write(repo.path().join("blob.bin"), binary).unwrap();
    repo.git(&["add", "blob.bin"]);
    let (code, found, output) = staged(&repo, &[]);
    assert_eq!((code, found), (Some(0), vec![]), "{}", stderr(&output));
}

#[test]
fn named_files_without_staged_changes_are_scanned_whole() {
    let repo = TestRepo::new();
    repo.commit_file(
        "tracked.env",
        &format!("T={}\n", fake_github_token(307)),
        "old",
    );
    write(
        &repo,
        "untracked.env",
        &format!("T={}\n", fake_github_token(308)),
    );
    let (code, found, _) = staged(&repo, &["tracked.env", "untracked.env"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        vec![
            ("tracked.env".to_owned(), 1),
            ("untracked.env".to_owned(), 1)
        ]
    );
}

#[test]
fn named_files_limit_the_scan_to_those_files() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    write(&repo, "a.env", &format!("T={}\n", fake_github_token(309)));
    write(&repo, "b.txt", "clean\n");
    repo.git(&["add", "a.env", "b.txt"]);
    let (code, found, _) = staged(&repo, &["b.txt"]);
    assert_eq!(
        (code, found),
        (Some(0), vec![]),
        "a.env is another run's business"
    );
    let (code, found, _) = staged(&repo, &["a.env"]);
    assert_eq!((code, found), (Some(1), vec![("a.env".to_owned(), 1)]));
}

#[test]
fn outside_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = expect_exit(keyscan().arg("staged").current_dir(dir.path()), 2);
    assert!(stderr(&output).contains("not a git repository"));
}
