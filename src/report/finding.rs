//! The finding model: a match with its origin, fingerprint and redacted form.

use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::engine::{LineCursor, Match, Position};
use crate::rules::{Confidence, Rule, Severity};
use crate::source::Origin;

/// A secret found in a blob, ready for reporting.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// Where the blob was seen.
    pub origin: Origin,
    /// Start of the secret.
    pub start: Position,
    /// End of the secret (exclusive column).
    pub end: Position,
    /// Impact, from the rule.
    pub severity: Severity,
    /// The rule's confidence, raised to high when the secret is paired with its identifier.
    pub confidence: Confidence,
    /// The secret itself; printed only with `--show-secrets`.
    pub secret: String,
    /// Stable identity: a hash of rule id and secret, independent of where it is.
    pub fingerprint: String,
    /// A hash of the finding's line with the secret blanked, plus `:occurrence`, as
    /// GitHub's `primaryLocationLineHash` expects.
    pub line_hash: String,
    /// The identifier this secret was found with.
    pub pair: Option<PairedFinding>,
}

/// The identifier half of a paired finding.
#[derive(Debug, Clone)]
pub struct PairedFinding {
    /// Index of the identifier rule.
    pub rule: usize,
    /// Where the identifier starts.
    pub start: Position,
    /// The identifier's value; printed only with `--show-secrets`.
    pub value: String,
}

impl Finding {
    /// Builds the findings of one blob from the engine's matches.
    pub fn from_matches(
        rules: &[Rule],
        origin: &Origin,
        data: &[u8],
        matches: Vec<Match>,
    ) -> Vec<Finding> {
        // Matches come in position order: each line's bounds are found once.
        let mut lines = LineCursor::new(data);
        let mut findings: Vec<Finding> = matches
            .into_iter()
            .map(|found| {
                let line = lines.line(found.secret.start);
                let rule = &rules[found.rule];
                let secret = String::from_utf8_lossy(&data[found.secret.clone()]).into_owned();
                let pair = found.pair.map(|pair| PairedFinding {
                    rule: pair.rule,
                    start: pair.start,
                    value: String::from_utf8_lossy(&data[pair.secret]).into_owned(),
                });
                let confidence = if pair.is_some() {
                    Confidence::High
                } else {
                    rule.confidence
                };
                Finding {
                    rule: found.rule,
                    origin: origin.clone(),
                    start: found.start,
                    end: found.end,
                    severity: rule.severity,
                    confidence,
                    fingerprint: fingerprint(&rule.id, &secret),
                    line_hash: line_hash(data, line, found.secret),
                    secret,
                    pair,
                }
            })
            .collect();
        number_line_hashes(&mut findings);
        findings
    }
}

/// `sha256("keyscan:v1", rule id, secret)` in hex, first 128 bits.
pub fn fingerprint(rule_id: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    for part in ["keyscan:v1", rule_id, secret] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex(&hasher.finalize()[..16])
}

/// Bytes of the line on each side of a secret that its line hash covers: the whole of
/// an ordinary line, and a bounded part of a minified one, which may hold thousands of
/// findings.
const LINE_HASH_CONTEXT: usize = 256;

/// Hash of the whitespace-trimmed `line` around `secret` (up to [`LINE_HASH_CONTEXT`]
/// bytes each side), with the secret itself left out.
fn line_hash(data: &[u8], line: Range<usize>, secret: Range<usize>) -> String {
    let start = line
        .start
        .max(secret.start.saturating_sub(LINE_HASH_CONTEXT));
    let before = data[start..secret.start].trim_ascii_start();
    let after_start = secret.end.min(line.end).max(secret.start);
    let after_end = line
        .end
        .max(secret.start)
        .min(after_start + LINE_HASH_CONTEXT);
    let after = &data[after_start..after_end];
    let mut hasher = Sha256::new();
    hasher.update(before);
    hasher.update([0]);
    hasher.update(after.trim_ascii_end());
    hex(&hasher.finalize()[..8])
}

/// Appends `:N` to each line hash: the Nth finding with that hash in the blob.
fn number_line_hashes(findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for finding in findings {
        let count = seen.entry(finding.line_hash.clone()).or_default();
        *count += 1;
        finding.line_hash = format!("{}:{count}", finding.line_hash);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The secret as reports show it: at most its first 4 characters (fewer for short
/// secrets), then a fixed mask that reveals nothing about its length.
pub fn redact(secret: &str) -> String {
    let visible = (secret.chars().count() / 8).min(4);
    let prefix: String = secret
        .chars()
        .take(visible)
        .filter(|c| !c.is_control())
        .collect();
    format!("{prefix}********")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_contains_the_secret() {
        for secret in [
            "short",
            "q7Vz2LmN9pR4tX8w",
            "ghp_FAKE0aB1cD2eF3gH4iJ5kL6mN7oP8q9rS0tU",
        ] {
            let shown = redact(secret);
            assert!(!shown.contains(secret));
            assert!(shown.ends_with("********"));
            assert!(shown.chars().count() <= 12);
        }
        assert_eq!(redact("short"), "********");
        assert_eq!(redact("q7Vz2LmN9pR4tX8w"), "q7********");
        assert_eq!(
            redact("ghp_FAKE0aB1cD2eF3gH4iJ5kL6mN7oP8q9rS0tU"),
            "ghp_********"
        );
    }

    #[test]
    fn fingerprint_depends_on_rule_and_secret_only() {
        let a = fingerprint("aws-access-key-id", "AKIAFAKE");
        assert_eq!(a, fingerprint("aws-access-key-id", "AKIAFAKE"));
        assert_ne!(a, fingerprint("other-rule", "AKIAFAKE"));
        assert_ne!(a, fingerprint("aws-access-key-id", "AKIAFAKF"));
        assert_eq!(a.len(), 32);
        assert!(!a.contains("AKIAFAKE"));
    }

    #[test]
    fn line_hash_ignores_indentation_and_the_secret_value() {
        let one = b"    token = 'abc123'\n";
        let two = b"token = 'zzz999'   \n";
        assert_eq!(line_hash(one, 0..20, 13..19), line_hash(two, 0..19, 9..15));
        assert_ne!(
            line_hash(one, 0..20, 13..19),
            line_hash(b"key = 'abc123'\n", 0..14, 7..13)
        );
    }

    #[test]
    fn line_hash_of_a_minified_line_covers_only_the_text_near_the_secret() {
        let mut line = "x".repeat(10_000).into_bytes();
        line.extend(b" k='abc123' ");
        line.extend("y".repeat(10_000).into_bytes());
        let secret = 10_004..10_010;
        let hash = line_hash(&line, 0..line.len(), secret.clone());
        let mut far_edit = line.clone();
        far_edit[0] = b'z';
        assert_eq!(hash, line_hash(&far_edit, 0..line.len(), secret.clone()));
        let mut near_edit = line.clone();
        near_edit[10_001] = b'j';
        assert_ne!(hash, line_hash(&near_edit, 0..line.len(), secret));
    }
}
