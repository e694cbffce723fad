//! Repositories built in one pass with `git fast-import`: histories and commits far
//! larger than `git add` and `git commit` could build in a test's time.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

/// A bare repository being filled by `git fast-import`; commits go on `main`.
pub struct FastImport {
    child: Child,
    input: BufWriter<ChildStdin>,
    commits: u64,
}

impl FastImport {
    /// `git init --bare` in `dir` and a `git fast-import` reading what follows.
    pub fn new(dir: &Path) -> FastImport {
        let status = Command::new("git")
            .args(["init", "-q", "--bare", "."])
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git is installed (.ci/run installs it)");
        assert!(status.success());
        let mut child = Command::new("git")
            .args(["fast-import", "--quiet"])
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(Stdio::piped())
            .spawn()
            .expect("git fast-import runs");
        let input = BufWriter::new(child.stdin.take().expect("piped stdin"));
        FastImport {
            child,
            input,
            commits: 0,
        }
    }

    /// Adds a commit on `main` that writes each `(path, content)` of `files`, a minute
    /// after the previous one.
    pub fn commit(&mut self, message: &str, files: impl IntoIterator<Item = (String, String)>) {
        write!(
            self.input,
            "commit refs/heads/main\ncommitter Test <test@example.invalid> {} +0000\n\
             data {}\n{message}\n",
            1_600_000_000 + self.commits * 60,
            message.len() + 1,
        )
        .unwrap();
        for (path, content) in files {
            write!(
                self.input,
                "M 100644 inline {path}\ndata {}\n{content}\n",
                content.len()
            )
            .unwrap();
        }
        self.commits += 1;
    }

    /// Ends the import and waits for git to write the pack.
    pub fn finish(self) {
        let FastImport {
            mut child, input, ..
        } = self;
        drop(input.into_inner().expect("flush fast-import input"));
        assert!(child.wait().unwrap().success(), "git fast-import failed");
    }
}
