//! Allowlists from the configuration: paths, secret and line patterns, stopwords.

use ignore::gitignore::Gitignore;
use regex::bytes::Regex;

/// Findings that are not reported: paths, secret and line patterns, stopwords.
#[derive(Debug, Clone)]
pub struct Allowlist {
    /// Gitignore-style globs, relative to the configuration file's directory.
    pub paths: Gitignore,
    /// Patterns matched against the secret.
    pub secrets: Vec<Regex>,
    /// Patterns matched against the secret's line.
    pub lines: Vec<Regex>,
    /// Lowercase words that mark a value as not secret.
    pub stopwords: Vec<String>,
}

impl Default for Allowlist {
    fn default() -> Self {
        Allowlist {
            paths: Gitignore::empty(),
            secrets: Vec::new(),
            lines: Vec::new(),
            stopwords: Vec::new(),
        }
    }
}
