//! Hooks: `keyscan install-hook`, and `.pre-commit-hooks.yaml` driven by the real
//! pre-commit framework (installed from PyPI by `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{expect_exit, fake_github_token, keyscan, stderr, stdout};
use crate::git_repo::{TestRepo, git_command, git_in};

/// `git commit` in `dir` with the test identity, hooks enabled; returns its output.
fn try_commit(dir: &Path, message: &str) -> Output {
    git_command(dir)
        .args(["commit", "-q", "-m", message])
        .output()
        .expect("git runs")
}

/// `keyscan install-hook [args]` in `dir`; checks that it exits with `code`.
#[track_caller]
fn install_hook(code: i32, dir: &Path, args: &[&str]) -> Output {
    expect_exit(
        keyscan().arg("install-hook").args(args).current_dir(dir),
        code,
    )
}

#[test]
fn installed_hook_refuses_a_commit_with_a_secret_and_lets_clean_ones_through() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    let output = install_hook(0, repo.path(), &[]);
    let hook = repo.git_dir().join("hooks/pre-commit");
    assert!(stdout(&output).contains(hook.to_str().unwrap()));
    std::fs::write(repo.path().join("clean.txt"), "fine\n").unwrap();
    repo.git(&["add", "clean.txt"]);
    assert!(try_commit(repo.path(), "clean").status.success());
    std::fs::write(
        repo.path().join("leak.env"),
        format!("T={}\n", fake_github_token(400)),
    )
    .unwrap();
    repo.git(&["add", "leak.env"]);
    let refused = try_commit(repo.path(), "leak");
    assert!(!refused.status.success(), "the commit must be refused");
    let said = format!("{}{}", stdout(&refused), stderr(&refused));
    assert!(
        said.contains("leak.env:1:3") && said.contains("commit refused"),
        "{said}"
    );
}

#[test]
fn install_hook_never_overwrites_without_force() {
    let repo = TestRepo::new();
    let hook = repo.git_dir().join("hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    let output = install_hook(2, repo.path(), &[]);
    assert!(stderr(&output).contains("already exists") && stderr(&output).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    install_hook(0, repo.path(), &["--force"]);
    assert!(std::fs::read_to_string(&hook).unwrap().contains("staged"));
}

#[test]
fn install_hook_works_from_a_linked_worktree() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    let parent = tempfile::tempdir().unwrap();
    let worktree = parent.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "wt",
        worktree.to_str().unwrap(),
    ]);
    install_hook(0, &worktree, &[]);
    assert!(
        repo.git_dir().join("hooks/pre-commit").is_file(),
        "hooks live in the common git dir"
    );
    std::fs::write(
        worktree.join("leak.env"),
        format!("T={}\n", fake_github_token(401)),
    )
    .unwrap();
    git_in(&worktree, &["add", "leak.env"]);
    assert!(!try_commit(&worktree, "leak").status.success());
}

/// The `pre-commit` command from PyPI, which `.ci/run` installs, by its full path (a
/// test may run it with another `PATH`).
fn pre_commit() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("pre-commit"))
        .find(|candidate| {
            Command::new(candidate)
                .arg("--version")
                .output()
                .is_ok_and(|output| output.status.success())
        })
        .unwrap_or_else(|| {
            panic!(
                "the pre-commit framework is required for this test: `pip install pre-commit` \
                 (as .ci/run does)"
            )
        })
}

fn run_pre_commit(dir: &Path, args: &[&str]) -> Output {
    run_pre_commit_with(dir, args, &std::env::var_os("PATH").unwrap_or_default())
}

/// [`run_pre_commit`] with `path` as `PATH`.
fn run_pre_commit_with(dir: &Path, args: &[&str], path: &std::ffi::OsStr) -> Output {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR"));
    Command::new(pre_commit())
        .args(args)
        .env("PATH", path)
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", cache.join("pre-commit-home"))
        // The hook environment is built with `cargo install`; share compiled dependencies.
        .env("CARGO_TARGET_DIR", cache.join("pre-commit-target"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("pre-commit runs")
}

/// Runs the hook as committed at this repository's `HEAD` (pre-commit clones by rev).
#[test]
fn the_pre_commit_framework_runs_this_repositorys_hook() {
    let this_repo = env!("CARGO_MANIFEST_DIR");
    let rev = git_in(Path::new(this_repo), &["rev-parse", "HEAD"]);
    let repo = TestRepo::new();
    let config = format!("repos:\n- repo: {this_repo}\n  rev: {rev}\n  hooks:\n  - id: keyscan\n");
    repo.commit_file(".pre-commit-config.yaml", &config, "use keyscan");
    let secret = format!("T={}\n", fake_github_token(402));
    repo.commit_file(
        "old.env",
        &secret,
        "an old secret, committed before the hook",
    );
    // Install and build the hook environment once, through `pre-commit run` on no files.
    let installed = run_pre_commit(repo.path(), &["install", "--install-hooks"]);
    assert!(
        installed.status.success(),
        "{}{}",
        stdout(&installed),
        stderr(&installed)
    );

    std::fs::write(repo.path().join("clean.txt"), "fine\n").unwrap();
    repo.git(&["add", "clean.txt"]);
    let clean = run_pre_commit(repo.path(), &["run"]);
    assert!(
        clean.status.success(),
        "clean change refused: {}{}",
        stdout(&clean),
        stderr(&clean)
    );
    repo.git(&["commit", "-q", "--no-verify", "-m", "clean"]);

    std::fs::write(
        repo.path().join("leak.env"),
        format!("T={}\n", fake_github_token(403)),
    )
    .unwrap();
    repo.git(&["add", "leak.env"]);
    let refused = run_pre_commit(repo.path(), &["run"]);
    let said = stdout(&refused);
    assert!(
        !refused.status.success(),
        "a staged secret must fail the hook: {said}"
    );
    assert!(
        said.contains("leak.env:1:3") && !said.contains("old.env"),
        "{said}"
    );
    repo.git(&["reset", "-q", "leak.env"]);
    std::fs::remove_file(repo.path().join("leak.env")).unwrap();

    let all = run_pre_commit(repo.path(), &["run", "--all-files"]);
    let said = stdout(&all);
    assert!(
        !all.status.success(),
        "--all-files must scan committed files: {said}"
    );
    assert!(said.contains("old.env:1:3"), "{said}");
}

/// The `keyscan-system` hook runs the keyscan on `PATH`: here, the one under test.
#[test]
fn the_system_hook_runs_the_installed_keyscan_and_builds_nothing() {
    let this_repo = env!("CARGO_MANIFEST_DIR");
    let rev = git_in(Path::new(this_repo), &["rev-parse", "HEAD"]);
    let repo = TestRepo::new();
    let config =
        format!("repos:\n- repo: {this_repo}\n  rev: {rev}\n  hooks:\n  - id: keyscan-system\n");
    repo.commit_file(".pre-commit-config.yaml", &config, "use keyscan");
    let binary = assert_cmd::cargo::cargo_bin("keyscan");
    let mut path = std::ffi::OsString::from(binary.parent().expect("a directory"));
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    std::fs::write(
        repo.path().join("leak.env"),
        format!("T={}\n", fake_github_token(404)),
    )
    .unwrap();
    repo.git(&["add", "leak.env"]);
    let refused = run_pre_commit_with(repo.path(), &["run"], &path);
    let said = stdout(&refused);
    assert!(!refused.status.success(), "{said}{}", stderr(&refused));
    assert!(said.contains("leak.env:1:3"), "{said}");
    // Without keyscan on PATH the hook fails, saying so; it does not pass.
    let system_only = std::ffi::OsString::from("/usr/bin:/bin");
    let missing = run_pre_commit_with(repo.path(), &["run"], &system_only);
    assert!(!missing.status.success(), "{}", stdout(&missing));
}
