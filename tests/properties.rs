//! Property tests on the library: a planted fake key is found wherever it sits, at
//! exactly its line and column; redaction never shows a secret; fingerprints survive
//! moves. Case counts are modest so the file runs in a few seconds.

// The fake-token generator is shared with the integration tests, not copied.
#[path = "support/fake_keys.rs"]
mod fake_keys;

use std::sync::LazyLock;

use keyscan::engine::{Engine, is_placeholder};
use keyscan::finding::{Finding, Origin};
use keyscan::pipeline::findings_of;
use keyscan::report::redact;
use keyscan::rules::{RuleOptions, load_rule_set};
use keyscan::text::Position;
use proptest::prelude::*;

use fake_keys::fake_github_token;

/// Cases per property; each scans a few hundred bytes.
const CASES: u32 = 64;

/// The mask every redacted secret ends with.
const MASK: &str = "********";

/// The engine over the built-in rules, built once for all cases.
static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let options = RuleOptions::builtin_only();
    Engine::new(load_rule_set(&options).expect("built-in rules load"))
});

/// A fake classic GitHub token with a valid checksum that the placeholder filter
/// keeps (a rare body ending in `xxxx`, say, would be dropped, rightly).
fn token() -> impl Strategy<Value = String> {
    any::<u32>()
        .prop_map(fake_github_token)
        .prop_filter("not a placeholder", |token| {
            !is_placeholder(token.as_bytes())
        })
}

/// What a random token can contain by chance and a documentation value contains on
/// purpose.
const LOOK_ALIKES: &[&str] = &[
    "xxxx",
    "XXXX",
    "Example",
    "EXAMPLE",
    "abcdef",
    "123456",
    "654321",
    "aaaaaa",
    "Redacted",
    "placeholder",
    "your",
    "changeme",
];

/// A fake Stripe live secret key, `sk_live_FAKE` and 24 to 247 characters in all after
/// `sk_live_` (the longest Stripe issues), with a look-alike between random
/// characters: not a placeholder, so it must be found.
fn stripe_key_with_look_alike() -> impl Strategy<Value = String> {
    (
        "[0-9A-Za-z]{10,116}",
        prop::sample::select(LOOK_ALIKES),
        "[0-9A-Za-z]{10,116}",
    )
        .prop_map(|(left, word, right)| format!("sk_live_FAKE{left}{word}{right}"))
}

/// Printable text over several lines: ASCII, some non-ASCII letters and symbols
/// (columns count characters, not bytes), tabs, and `\n` or `\r\n` line breaks.
fn text() -> impl Strategy<Value = String> {
    "([ -~\t]|é|ß|中|€|😀|\n|\r\n){0,200}"
}

/// What a file puts before a value: whitespace, an assignment, a quote, a bracket;
/// or nothing, for a value at the start of the file.
fn before_value() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "", " ", "\t", "\n", "=", "= ", ": ", "=\"", ": '", "(\"", "[", ",", "`", "\r\n",
    ])
}

/// What a file puts after a value; nothing for a value at the end of the file.
fn after_value() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "", " ", "\n", "\r\n", "\"", "'", ")", ";", ",", "\",\n", "`", "]", "\t#",
    ])
}

/// `prefix + before + token + after + suffix`, and the token's byte offset. An empty
/// `before` puts the token at the start of the file, an empty `after` at its end (a
/// token glued to a letter is not a token and rightly not found).
fn plant(prefix: &str, before: &str, token: &str, after: &str, suffix: &str) -> (String, usize) {
    let prefix = if before.is_empty() { "" } else { prefix };
    let suffix = if after.is_empty() { "" } else { suffix };
    let offset = prefix.len() + before.len();
    (format!("{prefix}{before}{token}{after}{suffix}"), offset)
}

/// The findings of `text`, as a scan of a file would build them.
fn findings(text: &str) -> Vec<Finding> {
    let origin = Origin::File {
        path: "planted.txt".into(),
        relative: "planted.txt".into(),
    };
    let matches = ENGINE.scan(text.as_bytes());
    findings_of(ENGINE.rules(), &origin, text.as_bytes(), matches)
}

/// The finding of rule `github-pat` for `token` in `findings`, if any.
fn github_finding<'a>(findings: &'a [Finding], token: &str) -> Option<&'a Finding> {
    findings
        .iter()
        .find(|f| ENGINE.rules()[f.rule].id == "github-pat" && f.secret == token)
}

/// Line and column of byte `offset` in `text`, the way an editor counts them.
fn editor_position(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: 1 + before.matches('\n').count(),
        column: 1 + before[line_start..].chars().count(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// The token is found, as exactly its own bytes, whatever surrounds it.
    #[test]
    fn a_planted_token_is_found_anywhere(
        token in token(),
        prefix in text(),
        before in before_value(),
        after in after_value(),
        suffix in text(),
    ) {
        let (text, offset) = plant(&prefix, before, &token, after, &suffix);
        let matches = ENGINE.scan(text.as_bytes());
        let found = matches.iter().any(|m| {
            ENGINE.rules()[m.rule].id == "github-pat" && m.secret == (offset..offset + token.len())
        });
        prop_assert!(found, "not found in {text:?}: {matches:?}");
    }

    /// A long key with a placeholder look-alike inside is found whole: the filter
    /// judges the whole value, not a substring of it.
    #[test]
    fn a_key_with_a_look_alike_inside_is_found_whole(
        key in stripe_key_with_look_alike(),
        prefix in text(),
        before in before_value(),
        after in after_value(),
        suffix in text(),
    ) {
        let (text, offset) = plant(&prefix, before, &key, after, &suffix);
        let matches = ENGINE.scan(text.as_bytes());
        let found = matches.iter().any(|m| {
            ENGINE.rules()[m.rule].id == "stripe-secret-key" && m.secret == (offset..offset + key.len())
        });
        prop_assert!(found, "{key} not found in {text:?}: {matches:?}");
    }

    /// Start and end (exclusive) line and column point exactly at the token.
    #[test]
    fn positions_point_exactly_at_the_token(
        token in token(),
        prefix in text(),
        before in before_value(),
        after in after_value(),
        suffix in text(),
    ) {
        let (text, offset) = plant(&prefix, before, &token, after, &suffix);
        let findings = findings(&text);
        let finding = github_finding(&findings, &token).expect("the token is found");
        let start = editor_position(&text, offset);
        prop_assert_eq!(finding.start, start);
        let end = Position { line: start.line, column: start.column + token.chars().count() };
        prop_assert_eq!(finding.end, end);
        prop_assert_eq!(editor_position(&text, offset + token.len()), end);
    }

    /// Redaction shows at most 4 characters, always fewer than the secret has, and
    /// never the whole secret, for secrets of any length including very short ones.
    /// (A secret made only of `*` is trivially inside the mask, hence no `*` here.)
    #[test]
    fn redaction_never_contains_the_secret(
        secret in prop_oneof![
            "[^*]{1,8}",
            "[A-Za-z0-9_+/=.-]{1,80}",
            "[^*\n]{9,120}",
        ],
    ) {
        let shown = redact(&secret);
        prop_assert!(!shown.contains(&secret), "{shown:?} shows {secret:?}");
        // A private key shows its armour line (names the kind of key only).
        if let Some(armour) = shown.strip_suffix(" ****") {
            prop_assert!(armour.starts_with("-----BEGIN ") || armour.starts_with("PuTTY-User-Key-File-"));
            prop_assert!(secret.starts_with(armour) && secret.len() > armour.len());
            return Ok(());
        }
        let prefix = shown.strip_suffix(MASK).expect("redaction ends with the mask");
        let visible = prefix.chars().count();
        prop_assert!(visible <= 4 && visible < secret.chars().count(), "{shown:?}");
        prop_assert!(secret.starts_with(prefix) || prefix.is_empty()
            || secret.chars().any(char::is_control), "{shown:?} is not a prefix of {secret:?}");
    }

    /// What a finding shows of a real, planted token does not contain the token.
    #[test]
    fn a_found_token_is_redacted(token in token(), prefix in text(), suffix in text()) {
        let (text, _) = plant(&prefix, "=", &token, "\n", &suffix);
        let findings = findings(&text);
        let finding = github_finding(&findings, &token).expect("the token is found");
        let shown = redact(&finding.secret);
        prop_assert!(!shown.contains(&token), "{shown:?}");
        prop_assert!(!shown.contains(&token[4..]), "{shown:?}");
    }

    /// Inserting or removing lines above a secret moves its finding but keeps its
    /// fingerprint (and the hash of its line, GitHub's `primaryLocationLineHash`).
    #[test]
    fn the_fingerprint_survives_lines_moving_above(
        token in token(),
        above in prop::collection::vec("[ -~]{0,40}", 0..12),
        inserted in prop::collection::vec("[ -~]{0,40}", 0..12),
        removed in 0usize..12,
        below in text(),
    ) {
        let line = format!("GITHUB_TOKEN=\"{token}\"\n");
        let file = |lines: &[String]| -> String {
            let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
            text.push_str(&line);
            text.push_str(&below);
            text
        };
        let original = findings(&file(&above));
        let original = github_finding(&original, &token).expect("the token is found");
        prop_assert_eq!(original.start.line, above.len() + 1);

        let mut more = inserted.clone();
        more.extend(above.iter().cloned());
        let fewer = &above[removed.min(above.len())..];
        for lines in [&more[..], fewer] {
            let moved = findings(&file(lines));
            let moved = github_finding(&moved, &token).expect("the moved token is found");
            prop_assert_eq!(moved.start.line, lines.len() + 1);
            prop_assert_eq!(&moved.fingerprint, &original.fingerprint);
            prop_assert_eq!(&moved.line_hash, &original.line_hash);
        }
    }
}
