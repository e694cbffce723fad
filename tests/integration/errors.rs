//! Errors a person can act on: each names what failed and where (file and line,
//! path, revision) and what to do; none is debug formatting or a backtrace; and a
//! result with holes in it exits 2 and says so last, whatever the format.

use std::path::Path;
use std::process::Output;

use super::common::{expect_exit, fake_github_token, keyscan, stderr, write};
use super::git_repo::TestRepo;

/// Runs keyscan in `dir` without the user's environment in the way, and checks that it
/// exits with `code`.
#[track_caller]
fn run_in(code: i32, dir: &Path, args: &[&str]) -> Output {
    expect_exit(keyscan().current_dir(dir).args(args), code)
}

/// Asserts that keyscan run in `dir` with `args` refuses (exit 2, no report) with a
/// message that contains each of `expected`, in keyscan's words rather than a Rust
/// type's.
fn assert_refused(dir: &Path, args: &[&str], expected: &[&str]) {
    let output = run_in(2, dir, args);
    let err = stderr(&output);
    assert!(
        output.stdout.is_empty(),
        "no report: {}",
        super::common::stdout(&output)
    );
    assert!(err.starts_with("keyscan: error: "), "{err}");
    for text in expected {
        assert!(err.contains(text), "expected {text:?} in: {err}");
    }
    for debug in [
        "panicked",
        "backtrace",
        "Os {",
        "Custom {",
        "kind: ",
        "Error {",
    ] {
        assert!(!err.contains(debug), "debug output reached the user: {err}");
    }
}

#[test]
fn configuration_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean.txt", "nothing here\n");
    write(
        dir.path(),
        ".keyscan.toml",
        "# settings\n[scan]\nmax_file_size = \"lots\"\n",
    );
    assert_refused(
        dir.path(),
        &["."],
        &[".keyscan.toml:3: scan.max_file_size: \"lots\" is not a size like 100MB"],
    );
    write(
        dir.path(),
        ".keyscan.toml",
        "[rules]\n\ndisable = [\"no-such-rule\"]\n",
    );
    assert_refused(
        dir.path(),
        &["."],
        &[
            ".keyscan.toml:3: rules.disable: no rule has the id `no-such-rule`",
            "keyscan rules list",
        ],
    );
}

#[test]
fn rule_file_errors_name_the_file_the_line_and_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean.txt", "nothing here\n");
    let rule = |id: &str, pattern: &str| {
        format!(
            "[[rules]]\nid = \"{id}\"\nname = \"N\"\ndescription = \"D\"\nseverity = \"high\"\n\
             keywords = [\"mine_\"]\npattern = '''{pattern}'''\nexamples = [\"mine_abcdefgh\"]\n\
             counterexamples = [\"mine_\"]\n"
        )
    };
    let text = format!(
        "provider = \"Mine\"\n\n{}\n{}",
        rule("good-one", "mine_(?P<secret>[a-z]{8})"),
        rule("broken-one", "mine_(?P<secret>[a-z]{8}"),
    );
    write(dir.path(), "mine.toml", &text);
    // The rule's `[[rules]]` header, the line above its id.
    let broken_line = text
        .lines()
        .position(|line| line.contains("broken-one"))
        .unwrap();
    assert_refused(
        dir.path(),
        &["clean.txt", "--rules", "mine.toml"],
        &[&format!(
            "mine.toml:{broken_line}: rule `broken-one`: invalid pattern"
        )],
    );
    write(
        dir.path(),
        "typo.toml",
        "provider = \"Mine\"\n[[rules]]\nid = \"x\"\nseverty = \"high\"\n",
    );
    assert_refused(
        dir.path(),
        &["clean.txt", "--rules", "typo.toml"],
        &["typo.toml:4: invalid rule file: unknown field `severty`"],
    );
}

#[test]
fn a_baseline_keyscan_cannot_read_says_where_and_how_to_replace_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean.txt", "nothing here\n");
    write(
        dir.path(),
        "accepted.json",
        "{\"keyscan_baseline\": 1,\n \"findings\": [\n",
    );
    assert_refused(
        dir.path(),
        &[".", "--baseline", "accepted.json"],
        &[
            "accepted.json:3: not a keyscan baseline",
            "`keyscan baseline`",
        ],
    );
}

#[test]
fn git_errors_name_the_repository_or_revision_and_what_to_give_instead() {
    let plain = tempfile::tempdir().unwrap();
    assert_refused(
        plain.path(),
        &["git", "."],
        &[".: not a git repository, nor inside one"],
    );
    assert_refused(
        plain.path(),
        &["staged"],
        &[
            "not a git repository",
            "run `keyscan staged` inside the repository",
        ],
    );
    let repo = TestRepo::new();
    repo.commit_file("a.txt", "a\n", "first");
    assert_refused(
        repo.path(),
        &["git", "--branch", "no-such-branch"],
        &[
            "no-such-branch: no branch, tag or commit has this name",
            "git branch -a",
        ],
    );
    // `abc` looks like a short commit id to git; the message must still name it.
    assert_refused(
        repo.path(),
        &["git", "--range", "main..abc"],
        &["range main..abc: abc: no branch, tag or commit has this name"],
    );
    assert_refused(
        repo.path(),
        &["git", "--range", "main...nosuch"],
        &["range main...nosuch: nosuch: no branch, tag or commit has this name"],
    );
    assert_refused(
        repo.path(),
        &["git", "--branch", "main^{tree}"],
        &["main^{tree}: names a tree, not a commit"],
    );
}

#[test]
fn a_report_that_cannot_be_written_names_its_destination() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean.txt", "nothing here\n");
    let output = run_in(2, dir.path(), &[".", "--output", "missing-dir/report.json"]);
    assert!(
        stderr(&output).contains("cannot write the report to missing-dir/report.json"),
        "{}",
        stderr(&output)
    );
}

/// Moves a chain of directories inside another so that `file` ends up deeper than
/// PATH_MAX (4,096 bytes) below `dir`, though each step was short enough to make.
fn nest_past_path_max(dir: &Path, file: &str, text: &str) {
    let name = "d".repeat(255);
    let chain = |top: &str| {
        let mut path = dir.join(top);
        for _ in 0..10 {
            path.push(&name);
        }
        std::fs::create_dir_all(&path).unwrap();
        path
    };
    let outer = chain("outer");
    let inner = chain("inner");
    std::fs::write(inner.join(file), text).unwrap();
    std::fs::rename(dir.join("inner"), outer.join("inner")).unwrap();
}

#[test]
fn a_path_too_long_to_open_is_named_and_the_result_is_marked_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "top.env",
        format!("T={}\n", fake_github_token(601)),
    );
    nest_past_path_max(
        dir.path(),
        "deep.env",
        &format!("T={}\n", fake_github_token(602)),
    );
    for format in ["human", "json"] {
        let output = run_in(2, dir.path(), &[".", "--no-config", "--format", format]);
        let err = stderr(&output);
        assert!(
            err.contains("the path is longer than the operating system allows")
                && err.contains(".keyscanignore"),
            "{err}"
        );
        assert!(
            err.trim_end().lines().last().unwrap().starts_with(
                "keyscan: error: incomplete result: 1 path was not scanned or not checked (errors above)"
            ),
            "the closing line says the result has holes: {err}"
        );
        assert!(
            super::common::stdout(&output).contains("top.env"),
            "the rest is still scanned and reported"
        );
    }
}

#[test]
fn a_dangling_symbolic_link_is_not_an_error_when_following_links() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean.txt", "nothing here\n");
    std::os::unix::fs::symlink("gone.txt", dir.path().join("dangling.txt")).unwrap();
    let output = run_in(
        0,
        dir.path(),
        &[".", "--no-config", "--follow-symlinks", "-f", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["incomplete"], false);
    assert_eq!(report["stats"]["skipped_symlinks"], 1);
}
