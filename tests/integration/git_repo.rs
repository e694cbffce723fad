//! Throwaway git repositories built at test time with the real `git` command.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// A repository in a temporary directory, isolated from the user's git configuration.
pub struct TestRepo {
    dir: TempDir,
}

impl TestRepo {
    /// `git init` on branch `main`.
    pub fn new() -> TestRepo {
        let repo = TestRepo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// The working tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The working tree as a string argument.
    pub fn arg(&self) -> &str {
        self.path().to_str().expect("UTF-8 temp path")
    }

    /// Runs git in the working tree and returns its standard output, trimmed.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    /// Writes `name` (creating directories), stages everything and commits.
    /// Returns the new commit id.
    pub fn commit_file(&self, name: &str, text: &str, message: &str) -> String {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.head()
    }

    /// The commit HEAD points at.
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    /// The `.git` directory.
    pub fn git_dir(&self) -> PathBuf {
        self.path().join(".git")
    }
}

/// `git` in `dir` with a fixed identity and date and no user or system configuration.
pub fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.invalid")
        .env("GIT_AUTHOR_DATE", "2024-05-01T12:00:00+02:00")
        .env("GIT_COMMITTER_DATE", "2024-05-01T12:00:00+02:00");
    command
}

/// Runs git in `dir` (see [`git_command`]), asserts it succeeded, and returns its
/// standard output, trimmed.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir).args(args).output().unwrap_or_else(|err| {
        panic!("git is required for these tests ({err}); .ci/run installs it")
    });
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
