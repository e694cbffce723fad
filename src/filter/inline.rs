//! Inline allow markers: `keyscan:allow` on a secret's line (or the markers other
//! scanners use), `keyscan:allow-next-line` on the line above, optionally narrowed to
//! rule ids or fingerprint prefixes.

use std::cell::OnceCell;

use crate::finding::Finding;
use crate::fingerprint::{Fingerprinter, legacy};
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

/// Whether the words after a marker cover the finding: a bare marker, or one followed
/// by plain comment text, covers every finding; one followed by rule ids or
/// fingerprint prefixes (of the current fingerprint, or of the version 1 one a marker
/// written before may hold) covers only the findings one of them names.
pub(super) fn covers(
    after: &[u8],
    rule: &Rule,
    finding: &Finding,
    rules: &[Rule],
    fingerprinter: &Fingerprinter,
) -> bool {
    let fingerprints = OnceCell::new();
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
                && fingerprints
                    .get_or_init(|| {
                        [
                            fingerprinter.of(&rule.id, &finding.secret),
                            legacy(&rule.id, &finding.secret),
                        ]
                    })
                    .iter()
                    .any(|fingerprint| {
                        fingerprint
                            .as_bytes()
                            .get(..word.len())
                            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(word))
                    });
            if names_rule || names_fingerprint {
                return true;
            }
        }
    }
    !narrowed
}
