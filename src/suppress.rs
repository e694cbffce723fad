//! Deciding which findings not to report, and why: inline markers, allowlists, a
//! minimum severity and a baseline. Every suppression is counted by mechanism, so
//! nothing is silenced invisibly.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Allowlist;
use crate::report::Finding;
use crate::rules::{Rule, Severity};

/// Why a finding was not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mechanism {
    /// A `keyscan:allow` (or `gitleaks:allow`, `pragma: allowlist secret`) marker.
    Inline,
    /// The path matches `allowlist.paths`.
    AllowlistPath,
    /// The secret matches `allowlist.secrets`.
    AllowlistSecret,
    /// The line matches `allowlist.lines`.
    AllowlistLine,
    /// The secret contains an `allowlist.stopwords` word.
    Stopword,
    /// The finding is below `rules.min_severity`.
    MinSeverity,
    /// The finding's fingerprint is in the baseline.
    Baseline,
}

impl Mechanism {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::Inline => "inline",
            Mechanism::AllowlistPath => "allowlist-path",
            Mechanism::AllowlistSecret => "allowlist-secret",
            Mechanism::AllowlistLine => "allowlist-line",
            Mechanism::Stopword => "stopword",
            Mechanism::MinSeverity => "min-severity",
            Mechanism::Baseline => "baseline",
        }
    }
}

/// Markers that allow every finding on their line, from keyscan and other scanners.
const SAME_LINE: &[&str] = &[
    "keyscan:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];
/// Markers that allow every finding on the next line.
const NEXT_LINE: &[&str] = &[
    "keyscan:allow-next-line",
    "pragma: allowlist nextline secret",
];
/// Shortest fingerprint prefix a marker may name.
const FINGERPRINT_PREFIX: usize = 8;

/// The suppression rules in force for a scan.
#[derive(Debug, Clone, Default)]
pub struct Suppressor {
    /// Allowlists from the configuration.
    pub allowlist: Allowlist,
    /// Findings below this severity are not reported.
    pub min_severity: Option<Severity>,
    /// Fingerprints of accepted findings.
    pub baseline: HashSet<String>,
    /// What relative finding paths are relative to (the working directory, or the
    /// repository root for git scans), for matching path globs.
    pub base: PathBuf,
}

/// What a line and the line above it say about the findings on it: its allow markers
/// and whether an allowlisted line pattern matches it. Worked out once per line, as a
/// minified line can hold thousands of findings.
#[derive(Debug, Clone, Default)]
pub struct LineContext<'a> {
    /// The text after each allow marker on the line.
    same_line: Vec<&'a [u8]>,
    /// The text after each allow-next-line marker on the line above.
    next_line: Vec<&'a [u8]>,
    /// Whether a pattern of `allowlist.lines` matches the line.
    allowlisted: bool,
}

impl Suppressor {
    /// The context of findings on `line`, below `previous`.
    pub fn line_context<'a>(&self, line: &'a [u8], previous: Option<&'a [u8]>) -> LineContext<'a> {
        LineContext {
            same_line: marker_tails(line, SAME_LINE),
            next_line: previous.map_or_else(Vec::new, |above| marker_tails(above, NEXT_LINE)),
            allowlisted: self
                .allowlist
                .lines
                .iter()
                .any(|pattern| pattern.is_match(line)),
        }
    }

    /// Why `finding`, on the line `context` describes, is not reported, or `None` if it
    /// is.
    pub fn reason(
        &self,
        finding: &Finding,
        rules: &[Rule],
        context: &LineContext<'_>,
    ) -> Option<Mechanism> {
        let rule = &rules[finding.rule];
        let covered = |tails: &[&[u8]]| {
            tails
                .iter()
                .any(|after| covers(after, rule, finding, rules))
        };
        if covered(&context.same_line) || covered(&context.next_line) {
            return Some(Mechanism::Inline);
        }
        if self.path_allowed(&finding.origin.path) {
            return Some(Mechanism::AllowlistPath);
        }
        if self
            .allowlist
            .secrets
            .iter()
            .any(|pattern| pattern.is_match(finding.secret.as_bytes()))
        {
            return Some(Mechanism::AllowlistSecret);
        }
        if context.allowlisted {
            return Some(Mechanism::AllowlistLine);
        }
        let lower = finding.secret.to_lowercase();
        if self
            .allowlist
            .stopwords
            .iter()
            .any(|word| lower.contains(word.as_str()))
        {
            return Some(Mechanism::Stopword);
        }
        if self
            .min_severity
            .is_some_and(|minimum| finding.severity < minimum)
        {
            return Some(Mechanism::MinSeverity);
        }
        if self.baseline.contains(&finding.fingerprint) {
            return Some(Mechanism::Baseline);
        }
        None
    }

    fn path_allowed(&self, path: &Path) -> bool {
        if self.allowlist.paths.is_empty() {
            return false;
        }
        let full = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base.join(path)
        };
        let full = std::path::absolute(&full).unwrap_or(full);
        // Globs are relative to the configuration's directory: nothing outside it matches
        // (and the matcher requires paths under its root).
        full.starts_with(self.allowlist.paths.path())
            && self
                .allowlist
                .paths
                .matched_path_or_any_parents(&full, false)
                .is_ignore()
    }
}

/// Allow markers a line may hold that are looked at: far more than a person writes,
/// and a bound on the work for each finding on a hostile line full of markers.
const MARKERS_PER_LINE: usize = 64;

/// The text after each of `markers` in `line` (see [`covers`] for what it may say).
/// Markers are matched ignoring ASCII case, without copying the line (which may be a
/// whole minified file).
fn marker_tails<'a>(line: &'a [u8], markers: &[&str]) -> Vec<&'a [u8]> {
    let mut tails = Vec::new();
    for marker in markers {
        let mut rest = line;
        while let Some(at) = find_ignoring_case(rest, marker.as_bytes()) {
            let after = &rest[at + marker.len()..];
            // `keyscan:allow` must not match the start of `keyscan:allow-next-line`.
            if !after.starts_with(b"-") {
                if tails.len() == MARKERS_PER_LINE {
                    return tails;
                }
                tails.push(after);
            }
            rest = after;
        }
    }
    tails
}

/// The first position of `needle` (non-empty) in `haystack`, ignoring ASCII case.
fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        haystack,
    )
    .find(|&at| {
        haystack
            .get(at..at + needle.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(needle))
    })
}

/// How many words after a marker may name rules or fingerprints: enough for any list
/// a person writes, and a bound on the work for a marker in a megabyte-long line.
const MARKER_WORDS: usize = 32;

/// Whether the words after a marker cover the finding: a bare marker, or one followed
/// by plain comment text, covers every finding; one followed by rule ids or
/// fingerprint prefixes covers only the findings one of them names.
fn covers(after: &[u8], rule: &Rule, finding: &Finding, rules: &[Rule]) -> bool {
    let words = after
        .split(|&b| b.is_ascii_whitespace() || b == b',')
        .filter(|word| !word.is_empty())
        .take(MARKER_WORDS);
    let mut narrowed = false;
    for word in words {
        let is_rule = rules
            .iter()
            .any(|known| known.id.as_bytes().eq_ignore_ascii_case(word));
        let is_fingerprint =
            word.len() >= FINGERPRINT_PREFIX && word.iter().all(u8::is_ascii_hexdigit);
        if is_rule || is_fingerprint {
            narrowed = true;
            let names_rule = rule.id.as_bytes().eq_ignore_ascii_case(word);
            let names_fingerprint = is_fingerprint
                && finding
                    .fingerprint
                    .as_bytes()
                    .get(..word.len())
                    .is_some_and(|prefix| prefix.eq_ignore_ascii_case(word));
            if names_rule || names_fingerprint {
                return true;
            }
        }
    }
    !narrowed
}
