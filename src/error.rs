//! The library's one error type: every way keyscan can fail to start or finish a
//! command, each kind with what a person needs to act on it (the file and line, the
//! revision, the path).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub use crate::files::describe_io;
use crate::rules::RuleProblem;

/// Why a command could not run or could not finish.
#[derive(Debug)]
pub enum Error {
    /// A configuration file is wrong, or names rules that do not exist: every problem
    /// found, each with its file and line.
    Config(Vec<FileProblem>),
    /// Rule files are wrong, or their examples fail: every problem found.
    Rules(Vec<RuleProblem>),
    /// A baseline file cannot be used.
    Baseline(FileProblem),
    /// A repository cannot be opened or walked, or a revision does not resolve.
    Git(String),
    /// A path given to scan does not exist.
    NotFound(PathBuf),
    /// The command line names something else that does not exist (a command, say),
    /// with what would: the message says both.
    Usage(String),
    /// A file could not be read or written.
    Io {
        /// What keyscan was doing, as the message's start: "cannot write".
        action: &'static str,
        /// The file; `None` for standard output.
        path: Option<PathBuf>,
        /// What went wrong.
        source: io::Error,
    },
    /// keyscan would have replaced a file it did not write.
    Exists {
        /// The file that is already there.
        path: PathBuf,
        /// What to do instead, if there is more to say than to remove it.
        advice: Option<&'static str>,
    },
    /// The scan was incomplete, so its result must not be used for `consequence`.
    Incomplete {
        /// What was not done because of it: "the baseline was not written".
        consequence: &'static str,
    },
}

/// A problem in a configuration or baseline file: the file, the line when known,
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file.
    pub path: PathBuf,
    /// The 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// What is wrong, without quoting the file's content.
    pub message: String,
}

impl FileProblem {
    /// A problem in `path`, at `line` when known.
    pub fn new(path: &Path, line: Option<usize>, message: impl Into<String>) -> FileProblem {
        FileProblem {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl Error {
    /// An I/O failure while doing `action` ("cannot write") to `path`.
    pub fn io(action: &'static str, path: &Path, source: io::Error) -> Error {
        Error::Io {
            action,
            path: Some(path.to_path_buf()),
            source,
        }
    }

    /// A file (a configuration, a baseline, a report) that could not be read, and why.
    pub fn unreadable(path: &Path, reason: impl std::fmt::Display) -> Error {
        Error::Config(vec![FileProblem::new(
            path,
            None,
            format!("cannot read: {reason}"),
        )])
    }

    /// One message per problem, for printing one line each: a rule or configuration
    /// error lists every problem found, so that a person fixes them all at once.
    pub fn messages(&self) -> Vec<String> {
        match self {
            Error::Config(problems) => problems.iter().map(ToString::to_string).collect(),
            Error::Rules(problems) => {
                let mut messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
                if problems.len() > 1 {
                    messages.push(format!("{} problems in rule files", problems.len()));
                }
                messages
            }
            single => vec![single.to_string()],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(_) | Error::Rules(_) => f.write_str(&self.messages().join("\n")),
            Error::Baseline(problem) => problem.fmt(f),
            Error::Git(message) => f.write_str(message),
            Error::NotFound(path) => write!(f, "{}: no such file or directory", path.display()),
            Error::Usage(message) => f.write_str(message),
            Error::Io {
                action,
                path,
                source,
            } => {
                let target = path
                    .as_ref()
                    .map_or("standard output".into(), |path| path.display().to_string());
                write!(f, "{action} {target}: {}", describe_io(source))
            }
            Error::Exists { path, advice } => {
                write!(
                    f,
                    "{} already exists; keyscan did not touch it",
                    path.display()
                )?;
                match advice {
                    Some(advice) => write!(f, " ({advice})"),
                    None => Ok(()),
                }
            }
            Error::Incomplete { consequence } => {
                write!(f, "the scan is incomplete (see above); {consequence}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSource;

    fn rule_problem(line: usize) -> RuleProblem {
        RuleProblem {
            source: RuleSource::Inline("r.toml".into()),
            line: Some(line),
            rule_id: Some("r".into()),
            message: "bad".into(),
        }
    }

    #[test]
    fn every_problem_is_its_own_message() {
        let config = Error::Config(vec![
            FileProblem::new(Path::new("c.toml"), Some(2), "one"),
            FileProblem::new(Path::new("c.toml"), None, "two"),
        ]);
        assert_eq!(config.messages(), ["c.toml:2: one", "c.toml: two"]);
        let rules = Error::Rules(vec![rule_problem(3), rule_problem(9)]);
        assert_eq!(
            rules.messages(),
            [
                "r.toml:3: rule `r`: bad",
                "r.toml:9: rule `r`: bad",
                "2 problems in rule files"
            ]
        );
        assert_eq!(Error::Rules(vec![rule_problem(3)]).messages().len(), 1);
    }

    #[test]
    fn single_errors_say_what_failed_where() {
        let io = Error::io(
            "cannot write",
            Path::new("out/x.json"),
            io::Error::from(io::ErrorKind::PermissionDenied),
        );
        assert!(
            io.to_string()
                .starts_with("cannot write out/x.json: permission denied;"),
            "{io}"
        );
        let exists = Error::Exists {
            path: PathBuf::from(".keyscan.toml"),
            advice: None,
        };
        assert_eq!(
            exists.to_string(),
            ".keyscan.toml already exists; keyscan did not touch it"
        );
        let stdout = Error::Io {
            action: "cannot write the report to",
            path: None,
            source: io::Error::other("disk full"),
        };
        assert_eq!(
            stdout.to_string(),
            "cannot write the report to standard output: disk full"
        );
    }
}
