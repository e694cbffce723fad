//! Allowlists from the configuration: `[allowlist]` (paths, secret and line patterns,
//! stopwords, for every rule) and `[[allowlists]]` entries, each for some rules or all,
//! allowing a finding when any or all of its criteria hold.

use std::path::Path;

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
    /// The `[[allowlists]]` entries.
    pub entries: Vec<AllowlistEntry>,
}

impl Default for Allowlist {
    fn default() -> Self {
        Allowlist {
            paths: Gitignore::empty(),
            secrets: Vec::new(),
            lines: Vec::new(),
            stopwords: Vec::new(),
            entries: Vec::new(),
        }
    }
}

/// One `[[allowlists]]` entry: for the findings of `rules` (all when empty), the
/// criteria that allow one. With `all`, every criterion given must hold; otherwise
/// any one does.
#[derive(Debug, Clone)]
pub struct AllowlistEntry {
    /// Rule ids it is for; every rule when empty.
    pub rules: Vec<String>,
    /// Whether every criterion given must hold (`condition = "and"`).
    pub all: bool,
    /// Gitignore-style globs, relative to the configuration file's directory.
    pub paths: Gitignore,
    /// Patterns matched against the finding's path as reports show it.
    pub path_patterns: Vec<Regex>,
    /// Patterns matched against the secret.
    pub secrets: Vec<Regex>,
    /// Patterns matched against the secret's line.
    pub lines: Vec<Regex>,
    /// Lowercase words that mark a value as not secret.
    pub stopwords: Vec<String>,
    /// Commit ids (or prefixes of at least 7 digits) whose findings are allowed.
    pub commits: Vec<String>,
}

/// What an [`AllowlistEntry`] is asked about one finding.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The finding's rule id.
    pub rule: &'a str,
    /// Its path as reports show it.
    pub path: &'a Path,
    /// What `path` is relative to, for matching globs.
    pub base: &'a Path,
    /// The secret.
    pub secret: &'a str,
    /// The secret's line.
    pub line: &'a [u8],
    /// The commit it was introduced in, for history scans.
    pub commit: Option<&'a str>,
}

impl AllowlistEntry {
    /// Whether the entry allows `candidate`.
    pub fn allows(&self, candidate: &Candidate<'_>) -> bool {
        if !self.rules.is_empty() && !self.rules.iter().any(|rule| rule == candidate.rule) {
            return false;
        }
        let lower = candidate.secret.to_lowercase();
        let criteria = [
            (!self.paths.is_empty())
                .then(|| globs_match(&self.paths, candidate.base, candidate.path)),
            (!self.path_patterns.is_empty()).then(|| {
                let path = candidate.path.to_string_lossy();
                self.path_patterns
                    .iter()
                    .any(|pattern| pattern.is_match(path.as_bytes()))
            }),
            any_match(&self.secrets, candidate.secret.as_bytes()),
            any_match(&self.lines, candidate.line),
            (!self.stopwords.is_empty()).then(|| {
                self.stopwords
                    .iter()
                    .any(|word| lower.contains(word.as_str()))
            }),
            (!self.commits.is_empty()).then(|| {
                candidate.commit.is_some_and(|commit| {
                    self.commits
                        .iter()
                        .any(|listed| listed.len() >= 7 && commit.starts_with(listed.as_str()))
                })
            }),
        ];
        let mut given = criteria.into_iter().flatten().peekable();
        if given.peek().is_none() {
            return false;
        }
        if self.all {
            given.all(|held| held)
        } else {
            given.any(|held| held)
        }
    }
}

/// Whether `globs` match `path` (relative to `base` unless absolute). Globs are
/// relative to the configuration's directory: nothing outside it matches (and the
/// matcher requires paths under its root). No globs match nothing, and cost nothing.
pub fn globs_match(globs: &Gitignore, base: &Path, path: &Path) -> bool {
    if globs.is_empty() {
        return false;
    }
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let full = std::path::absolute(&full).unwrap_or(full);
    full.starts_with(globs.path()) && globs.matched_path_or_any_parents(&full, false).is_ignore()
}

/// Whether any of `patterns` matches `text`; `None` when there are none.
fn any_match(patterns: &[Regex], text: &[u8]) -> Option<bool> {
    (!patterns.is_empty()).then(|| patterns.iter().any(|pattern| pattern.is_match(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AllowlistEntry {
        AllowlistEntry {
            rules: Vec::new(),
            all: false,
            paths: Gitignore::empty(),
            path_patterns: Vec::new(),
            secrets: Vec::new(),
            lines: Vec::new(),
            stopwords: Vec::new(),
            commits: Vec::new(),
        }
    }

    fn candidate<'a>(rule: &'a str, path: &'a str, secret: &'a str) -> Candidate<'a> {
        Candidate {
            rule,
            path: Path::new(path),
            base: Path::new(""),
            secret,
            line: b"token = 'x'",
            commit: Some("0123456789abcdef0123456789abcdef01234567"),
        }
    }

    #[test]
    fn an_entry_allows_on_any_criterion_or_on_all_of_them() {
        let mut either = entry();
        either.path_patterns = vec![Regex::new(r"^tests/").unwrap()];
        either.stopwords = vec!["fake".into()];
        assert!(either.allows(&candidate("r", "tests/a.py", "real")));
        assert!(either.allows(&candidate("r", "src/a.py", "my_FAKE_one")));
        assert!(!either.allows(&candidate("r", "src/a.py", "real")));
        let both = AllowlistEntry {
            all: true,
            ..either
        };
        assert!(!both.allows(&candidate("r", "tests/a.py", "real")));
        assert!(both.allows(&candidate("r", "tests/a.py", "fake_value")));
    }

    #[test]
    fn an_entry_is_for_its_rules_only_and_an_empty_one_allows_nothing() {
        let mut scoped = entry();
        scoped.rules = vec!["github-pat".into()];
        scoped.commits = vec!["0123456".into()];
        assert!(scoped.allows(&candidate("github-pat", "a", "s")));
        assert!(!scoped.allows(&candidate("aws-secret-access-key", "a", "s")));
        let mut short = scoped.clone();
        short.commits = vec!["0123".into()];
        assert!(
            !short.allows(&candidate("github-pat", "a", "s")),
            "prefixes need 7 digits"
        );
        assert!(!entry().allows(&candidate("github-pat", "a", "s")));
    }
}
