//! A `.gitleaksignore`: the findings a gitleaks user already accepted, one fingerprint a
//! line, `path:rule:line` for files and staged changes or `commit:path:rule:line` for
//! history. Read so that a team moving to keyscan keeps them accepted.

use std::collections::HashSet;

/// The file name gitleaks reads at the scanned root.
pub const GITLEAKSIGNORE_FILE: &str = ".gitleaksignore";

/// One accepted finding: where it is and the keyscan rules its gitleaks rule maps to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Entry {
    commit: Option<String>,
    path: String,
    rule: String,
    line: usize,
}

/// The entries of a `.gitleaksignore` whose rules keyscan has, and how many name a
/// rule it does not.
#[derive(Debug, Clone, Default)]
pub struct GitleaksIgnore {
    entries: HashSet<Entry>,
    /// Entries that name a rule keyscan has no counterpart of: they accept nothing.
    pub unmapped: usize,
    /// Lines that are not fingerprints: they accept nothing.
    pub malformed: usize,
}

impl GitleaksIgnore {
    /// Reads the fingerprints in `text`; `keyscan_rules` gives the keyscan rule ids a
    /// gitleaks rule id stands for (none when keyscan has no such rule).
    pub fn parse(text: &str, keyscan_rules: impl Fn(&str) -> Vec<String>) -> GitleaksIgnore {
        let mut ignore = GitleaksIgnore::default();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((commit, path, rule, number)) = fields(line) else {
                ignore.malformed += 1;
                continue;
            };
            let rules = keyscan_rules(rule);
            if rules.is_empty() {
                ignore.unmapped += 1;
            }
            for rule in rules {
                ignore.entries.insert(Entry {
                    commit: commit.map(str::to_ascii_lowercase),
                    path: path.to_owned(),
                    rule,
                    line: number,
                });
            }
        }
        ignore
    }

    /// Whether the finding of `rule` at `path` (as reports show it), starting on
    /// `line`, introduced by `commit` in history scans, is accepted.
    pub fn accepts(&self, commit: Option<&str>, path: &str, rule: &str, line: usize) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        self.entries.contains(&Entry {
            commit: commit.map(str::to_ascii_lowercase),
            path: path.to_owned(),
            rule: rule.to_owned(),
            line,
        })
    }

    /// Whether it accepts nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The commit (if any), path, rule id and line of a fingerprint. The path may hold
/// colons, so the rule and line are taken from the right and a commit only when the
/// line starts with a full hexadecimal commit id.
fn fields(line: &str) -> Option<(Option<&str>, &str, &str, usize)> {
    let mut right = line.rsplitn(3, ':');
    let number = right.next()?.parse().ok()?;
    let rule = right.next().filter(|rule| !rule.is_empty())?;
    let rest = right.next()?;
    let (commit, path) = match rest.split_once(':') {
        Some((commit, path)) if is_commit_id(commit) => (Some(commit), path),
        _ => (None, rest),
    };
    (!path.is_empty()).then_some((commit, path, rule, number))
}

/// Whether `text` is a full SHA-1 or SHA-256 commit id.
fn is_commit_id(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

    fn known(rule: &str) -> Vec<String> {
        match rule {
            "aws-access-token" => vec!["aws-access-key-id".into()],
            "github-pat" => vec!["github-pat".into()],
            _ => Vec::new(),
        }
    }

    #[test]
    fn fingerprints_of_files_and_of_history_are_read() {
        let text = format!(
            "# accepted in review\n\
             config/dev.env:github-pat:3\n\
             {COMMIT}:deploy/a:b.yaml:aws-access-token:12\n\
             \n\
             docs/x.md:some-rule-keyscan-lacks:1\n\
             not a fingerprint\n"
        );
        let ignore = GitleaksIgnore::parse(&text, known);
        assert!(ignore.accepts(None, "config/dev.env", "github-pat", 3));
        assert!(!ignore.accepts(None, "config/dev.env", "github-pat", 4));
        assert!(!ignore.accepts(Some(COMMIT), "config/dev.env", "github-pat", 3));
        assert!(ignore.accepts(Some(COMMIT), "deploy/a:b.yaml", "aws-access-key-id", 12));
        assert!(!ignore.accepts(None, "deploy/a:b.yaml", "aws-access-key-id", 12));
        assert_eq!((ignore.unmapped, ignore.malformed), (1, 1));
    }
}
