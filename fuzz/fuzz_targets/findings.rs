//! Checks every match the engine reports and turns the matches into findings,
//! as `keyscan::pipeline` does, checking their redaction. (Fingerprints are made
//! once a finding is kept, with a salt: `keyscan::fingerprint` has its own tests.)

use keyscan::engine::Match;
use keyscan::finding::Origin;
use keyscan::pipeline::findings_of;
use keyscan::report::redact;
use keyscan::rules::Rule;
use keyscan::text::Position;

/// The mask `redact` ends every redacted secret with.
const MASK: &str = "********";

/// The mask after a private key's armour line.
const ARMOUR_MASK: &str = " ****";

/// Asserts what must hold of `matches` found in `haystack` by `rules`, then builds
/// their findings and asserts what must hold of those.
pub fn check(rules: &[Rule], haystack: &[u8], matches: Vec<Match>) {
    for found in &matches {
        assert!(found.rule < rules.len(), "rule index out of range");
        let range = &found.secret;
        assert!(
            range.start < range.end && range.end <= haystack.len(),
            "{range:?}"
        );
        assert_eq!(
            found.start,
            position(haystack, range.start),
            "start of {range:?}"
        );
        assert_eq!(found.end, position(haystack, range.end), "end of {range:?}");
        if let Some(pair) = &found.pair {
            assert!(pair.rule < rules.len() && pair.secret.end <= haystack.len());
            assert_eq!(pair.start, position(haystack, pair.secret.start));
        }
    }
    let origin = Origin::File {
        path: "fuzz.txt".into(),
        relative: "fuzz.txt".into(),
    };
    for finding in findings_of(rules, &origin, haystack, matches) {
        let secret = &finding.secret;
        let shown = redact(secret);
        // A private key shows its armour line, which names the kind of key only.
        if let Some(armour) = shown.strip_suffix(ARMOUR_MASK) {
            assert!(
                armour.starts_with("-----BEGIN ") || armour.starts_with("PuTTY-User-Key-File-"),
                "{shown:?}"
            );
            assert!(secret.starts_with(armour) && secret.len() > armour.len());
            continue;
        }
        let prefix = shown
            .strip_suffix(MASK)
            .expect("redaction ends with the mask");
        let visible = prefix.chars().count();
        assert!(
            visible <= 4 && visible < secret.chars().count(),
            "{shown:?}"
        );
        if !secret.contains('*') {
            assert!(
                !shown.contains(secret.as_str()),
                "redaction shows the secret"
            );
        }
    }
}

/// Line and column of `offset`, computed naively: lines split at `\n`, columns count
/// bytes that do not continue a UTF-8 sequence.
fn position(haystack: &[u8], offset: usize) -> Position {
    let before = &haystack[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Position {
        line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
        column: 1 + before[line_start..]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count(),
    }
}
