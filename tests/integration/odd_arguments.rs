//! Every subcommand with the odd arguments people give it — `.`, a file, a directory,
//! a place that is not a repository, a bare repository, a repository with no commits —
//! ends with an exit code and a message, never a panic (issue 15, §4).

use std::path::Path;
use std::time::Duration;

use crate::common::{fake_github_token, keyscan, stderr, write};
use crate::git_repo::{TestRepo, git_in};

/// Runs keyscan in `dir` with `args`: the exit code must be 0, 1 or 2, and standard
/// error must not report an internal error (a panic).
#[track_caller]
fn clean_exit(dir: &Path, args: &[&str]) -> i32 {
    let output = keyscan()
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("keyscan runs");
    let code = output.status.code();
    let err = stderr(&output);
    assert!(
        matches!(code, Some(0..=2)) && !err.contains("internal error"),
        "keyscan {args:?} in {}: {code:?}\n{err}",
        dir.display()
    );
    code.unwrap_or(-1)
}

#[test]
fn every_subcommand_ends_cleanly_on_odd_arguments() {
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "a.txt", "nothing\n");
    let empty = tempfile::tempdir().unwrap();
    git_in(empty.path(), &["init", "-q"]);
    let bare = tempfile::tempdir().unwrap();
    git_in(bare.path(), &["init", "-q", "--bare"]);
    let repo = TestRepo::new();
    repo.commit_file("src/app.env", "LOG=debug\n", "first");
    std::fs::create_dir_all(repo.path().join("docs")).unwrap();
    let places = [plain.path(), empty.path(), bare.path(), repo.path()];
    let commands: &[&[&str]] = &[
        &[],
        &["."],
        &["a.txt"],
        &["no-such-path"],
        &["git"],
        &["git", "."],
        &["git", "a.txt"],
        &["staged"],
        &["staged", "."],
        &["staged", "docs"],
        &["staged", "a.txt"],
        &["staged", "/"],
        &["baseline", "-o", "/dev/null/x"],
        &["baseline", "git", "."],
        &["rules", "list"],
        &["rules", "check", "."],
        &["install-hook"],
    ];
    for place in places {
        for args in commands {
            clean_exit(place, args);
        }
    }
}

#[test]
fn staged_works_on_a_directory_and_from_a_subdirectory() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "first");
    let token = fake_github_token(610);
    write(repo.path(), "src/app/.env", format!("T={token}\n"));
    write(repo.path(), "docs/notes.md", "nothing\n");
    repo.git(&["add", "."]);
    let src = repo.path().join("src");
    // From the root: `.` and `src` hold the staged secret, `docs` does not.
    assert_eq!(clean_exit(repo.path(), &["staged", "."]), 1);
    assert_eq!(clean_exit(repo.path(), &["staged", "src"]), 1);
    assert_eq!(clean_exit(repo.path(), &["staged", "docs"]), 0);
    // From a subdirectory, as `git diff --cached` works.
    assert_eq!(clean_exit(&src, &["staged"]), 1);
    assert_eq!(clean_exit(&src, &["staged", "."]), 1);
    assert_eq!(clean_exit(&src, &["staged", "app/.env"]), 1);
    // A path outside the work tree is an error, not a silent pass.
    assert_eq!(clean_exit(repo.path(), &["staged", "/etc"]), 2);
}
