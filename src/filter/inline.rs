//! Inline allow markers: `keyscan:allow` on a secret's line (or the markers other
//! scanners use), `keyscan:allow-next-line` on the line above, optionally narrowed to
//! rule ids or fingerprint prefixes.

use crate::finding::Finding;
use crate::fingerprint::legacy;
use crate::rules::Rule;

/// Markers that allow every finding on their line, from keyscan and other scanners.
pub(super) const SAME_LINE: &[&str] = &[
    "keyscan:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];
/// Markers that allow every finding on the next line.
pub(super) const NEXT_LINE: &[&str] = &[
    "keyscan:allow-next-line",
    "pragma: allowlist nextline secret",
];
/// Shortest fingerprint prefix a marker may name.
const FINGERPRINT_PREFIX: usize = 8;

/// Allow markers a line may hold that are looked at: far more than a person writes,
/// and a bound on the work for each finding on a hostile line full of markers.
const MARKERS_PER_LINE: usize = 64;

/// The text after each of `markers` in `line` (see [`covers`] for what it may say).
/// Markers are matched ignoring ASCII case, without copying the line (which may be a
/// whole minified file).
pub(super) fn marker_tails<'a>(line: &'a [u8], markers: &[&str]) -> Vec<&'a [u8]> {
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

/// What the words after a marker say about a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cover {
    /// It covers the finding: a bare marker, plain comment text, or the finding's
    /// rule id.
    Yes,
    /// It names other rules only.
    No,
    /// It covers the finding if its fingerprint (or its version 1 fingerprint) starts
    /// with one of these lowercase prefixes: known only once fingerprints are made.
    IfFingerprint(Vec<String>),
}

/// What the words after a marker say about `finding`: a bare marker, or one followed
/// by plain comment text, covers every finding; one followed by rule ids or
/// fingerprint prefixes covers only the findings one of them names.
pub(super) fn covers(after: &[u8], rule: &Rule, rules: &[Rule]) -> Cover {
    let words = after
        .split(|&b| b.is_ascii_whitespace() || b == b',')
        .filter(|word| !word.is_empty())
        .take(MARKER_WORDS);
    let mut narrowed = false;
    let mut prefixes = Vec::new();
    for word in words {
        if rule.id.as_bytes().eq_ignore_ascii_case(word) {
            return Cover::Yes;
        }
        if word.len() >= FINGERPRINT_PREFIX && word.iter().all(u8::is_ascii_hexdigit) {
            prefixes.push(String::from_utf8_lossy(word).to_ascii_lowercase());
            narrowed = true;
        } else if rules
            .iter()
            .any(|known| known.id.as_bytes().eq_ignore_ascii_case(word))
        {
            narrowed = true;
        }
    }
    match (narrowed, prefixes.is_empty()) {
        (false, _) => Cover::Yes,
        (true, true) => Cover::No,
        (true, false) => Cover::IfFingerprint(prefixes),
    }
}

/// Whether one of `prefixes` (from [`Cover::IfFingerprint`]) begins the fingerprint
/// of `finding` or its version 1 fingerprint.
pub(super) fn names_fingerprint(prefixes: &[String], rule: &Rule, finding: &Finding) -> bool {
    if prefixes.is_empty() {
        return false;
    }
    let old = legacy(&rule.id, &finding.secret);
    prefixes.iter().any(|prefix| {
        finding.fingerprint.starts_with(prefix.as_str()) || old.starts_with(prefix.as_str())
    })
}
