//! Deciding which findings not to report, and why: inline markers, allowlists, a
//! minimum severity and a baseline. Every suppression is counted by mechanism
//! ([`Mechanism`]), so nothing is silenced invisibly.

mod allowlist;
pub mod baseline;
mod gitleaksignore;
mod inline;

use std::path::PathBuf;

pub use allowlist::{Allowlist, AllowlistEntry};
use allowlist::{Candidate, globs_match};
pub use baseline::Accepted;
pub use gitleaksignore::{GITLEAKSIGNORE_FILE, GitleaksIgnore};

use crate::finding::Finding;
use crate::outcome::Mechanism;
use crate::rules::{Rule, Severity};
use inline::{Cover, NEXT_LINE, SAME_LINE, covers, marker_tails, names_fingerprint};

/// The suppression rules in force for a scan.
#[derive(Debug, Clone, Default)]
pub struct Suppressor {
    /// Allowlists from the configuration.
    pub allowlist: Allowlist,
    /// Findings below this severity are not reported.
    pub min_severity: Option<Severity>,
    /// Fingerprints of accepted findings.
    pub baseline: Accepted,
    /// The findings a `.gitleaksignore` accepts.
    pub gitleaks_ignore: GitleaksIgnore,
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
    /// The line itself, for the line patterns of `[[allowlists]]` entries.
    line: &'a [u8],
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
            line,
        }
    }

    /// Why `finding`, on the line `context` describes, is not reported, or `None` if
    /// it may be. What depends on its fingerprint, which is made later for every kept
    /// finding at once, is left in `finding.marker_prefixes` for
    /// [`Suppressor::reason_by_fingerprint`].
    pub fn reason(
        &self,
        finding: &mut Finding,
        rules: &[Rule],
        context: &LineContext<'_>,
    ) -> Option<Mechanism> {
        let rule = &rules[finding.rule];
        for after in context.same_line.iter().chain(&context.next_line) {
            match covers(after, rule, rules) {
                Cover::Yes => return Some(Mechanism::Inline),
                Cover::No => {}
                Cover::IfFingerprint(prefixes) => finding.marker_prefixes.extend(prefixes),
            }
        }
        let commit = finding.origin.commit().map(|commit| commit.id.as_str());
        let shown = finding.origin.path().to_string_lossy();
        if self
            .gitleaks_ignore
            .accepts(commit, &shown, &rule.id, finding.start.line)
        {
            return Some(Mechanism::Gitleaksignore);
        }
        if globs_match(&self.allowlist.paths, &self.base, finding.origin.path()) {
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
        let candidate = Candidate {
            rule: &rule.id,
            path: finding.origin.path(),
            base: &self.base,
            secret: &finding.secret,
            line: context.line,
            commit,
        };
        if self
            .allowlist
            .entries
            .iter()
            .any(|entry| entry.allows(&candidate))
        {
            return Some(Mechanism::AllowlistEntry);
        }
        if self
            .min_severity
            .is_some_and(|minimum| finding.severity < minimum)
        {
            return Some(Mechanism::MinSeverity);
        }
        None
    }

    /// Why `finding`, whose fingerprint is made, is not reported after all: an allow
    /// marker names its fingerprint, or the baseline accepts it.
    pub fn reason_by_fingerprint(&self, finding: &Finding, rules: &[Rule]) -> Option<Mechanism> {
        let rule = &rules[finding.rule];
        if names_fingerprint(&finding.marker_prefixes, rule, finding) {
            return Some(Mechanism::Inline);
        }
        self.baseline
            .accepts(&finding.fingerprint, &rule.id, &finding.secret)
            .then_some(Mechanism::Baseline)
    }
}
