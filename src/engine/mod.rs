//! The matching engine: pure, thread-safe, no I/O. Given bytes, it returns the
//! secrets the rule set finds in them.

mod check;
mod filters;
mod near;
mod pairing;
mod prefilter;
mod validate;

use std::fmt;
use std::ops::Range;

use regex_automata::Input;

pub use check::check_examples;
pub use filters::{is_placeholder, shannon_entropy, spells_name};
pub use pairing::specificity;
pub use validate::is_valid;

use crate::decode;
use crate::rules::{Rule, RuleSet, Validator};
use crate::text::Position;
use prefilter::Prefilter;

/// One secret found in a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in the engine's rule set.
    pub rule: usize,
    /// Byte range of the secret in the blob.
    pub secret: Range<usize>,
    /// Where the secret starts.
    pub start: Position,
    /// Where the secret ends (exclusive column).
    pub end: Position,
    /// The identifier this secret was paired with, if any.
    pub pair: Option<PairedId>,
    /// An identifier that no secret in the haystack paired with and that is not
    /// reported alone: not a finding, but kept so that a secret found elsewhere (in a
    /// decoded view of the blob, in another file) can still be paired with it.
    pub loose: bool,
}

/// The identifier half of a paired finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedId {
    /// Index of the identifier rule.
    pub rule: usize,
    /// Byte range of the identifier in the blob.
    pub secret: Range<usize>,
    /// Where the identifier starts.
    pub start: Position,
    /// Where the identifier ends (exclusive column).
    pub end: Position,
}

/// What the keyword pass found in a blob.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeywordHits {
    /// Indexes of the rules with a keyword in the blob.
    pub rules: Vec<usize>,
    /// Indexes into [`decode::MARKERS`] of the markers in the blob.
    pub markers: Vec<usize>,
    /// Where the rules' keywords are in the blob, ordered by where they end.
    pub spans: Vec<Range<usize>>,
    /// For each of `rules`, the parts of a large blob near its keywords, where its
    /// pattern runs; empty when the blob is searched whole.
    near: Vec<Vec<Range<usize>>>,
}

/// A match before positions and pairing: a rule and the secret's byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    rule: usize,
    secret: Range<usize>,
}

/// The compiled rule set plus its keyword prefilter, shared by all scanning threads.
#[derive(Debug, Clone)]
pub struct Engine {
    rules: RuleSet,
    prefilter: Prefilter,
}

impl Engine {
    /// Builds the engine for `rules`.
    pub fn new(rules: RuleSet) -> Engine {
        let prefilter = Prefilter::new(rules.rules(), &decode::MARKERS);
        Engine { rules, prefilter }
    }

    /// The rules this engine applies.
    pub fn rules(&self) -> &[Rule] {
        self.rules.rules()
    }

    /// All secrets in `haystack`, ordered by position.
    pub fn scan(&self, haystack: &[u8]) -> Vec<Match> {
        self.scan_rules(haystack, &self.keyword_hits(haystack))
    }

    /// What one keyword pass over `haystack` finds: the rules with a keyword in it
    /// (the only ones whose patterns can match) and the markers of decoded views.
    pub fn keyword_hits(&self, haystack: &[u8]) -> KeywordHits {
        let occurrences = self.prefilter.occurrences(haystack);
        let mut rules = self.prefilter.slots(&occurrences);
        let first_marker = rules.partition_point(|&slot| slot < self.rules().len());
        let markers = rules
            .split_off(first_marker)
            .into_iter()
            .map(|slot| slot - self.rules().len())
            .collect();
        let near = if haystack.len() > near::WHOLE_BLOB {
            near::windows(&occurrences, &rules, haystack.len(), |keyword| {
                self.prefilter.slots_of(keyword)
            })
        } else {
            Vec::new()
        };
        let rule_count = self.rules().len();
        let spans = occurrences
            .iter()
            .filter(|occurrence| self.prefilter.slots_of(occurrence.keyword)[0] < rule_count)
            .map(|occurrence| occurrence.span.clone())
            .collect();
        KeywordHits {
            rules,
            markers,
            spans,
            near,
        }
    }

    /// Whether any keyword of the rule at `rule` occurs in `haystack`.
    pub fn keyword_hit(&self, haystack: &[u8], rule: usize) -> bool {
        self.keyword_hits(haystack).rules.contains(&rule)
    }

    /// Secrets in `haystack` found by the rule at `rule` alone, keywords and pairing
    /// aside, for checking a rule's examples.
    pub fn scan_with_rule(&self, haystack: &[u8], rule: usize) -> Vec<Range<usize>> {
        self.candidates(haystack, &[rule], &[])
            .into_iter()
            .map(|candidate| candidate.secret)
            .collect()
    }

    /// What the pattern of the rule at `rule` captures in `haystack` and its filters
    /// refuse, each with why: what `keyscan rules check` says of an example that does
    /// not match.
    pub fn rejections(&self, haystack: &[u8], rule: usize) -> Vec<(Range<usize>, Rejection)> {
        let rule = &self.rules()[rule];
        let (regex, secret_group) = rule.pattern.regex();
        regex
            .captures_iter(Input::new(haystack))
            .filter_map(|captures| {
                let secret = captures.get_group(secret_group)?.range();
                let name = captures
                    .get_group_by_name("name")
                    .map(|name| &haystack[name.range()]);
                let rejection = verdict(rule, &haystack[secret.clone()], name).err()?;
                Some((secret, rejection))
            })
            .collect()
    }

    /// All secrets in `haystack` found by the rules of `hits` (from
    /// [`Engine::keyword_hits`] on the same haystack), ordered by position.
    pub fn scan_rules(&self, haystack: &[u8], hits: &KeywordHits) -> Vec<Match> {
        if hits.rules.is_empty() {
            return Vec::new();
        }
        let candidates = self.candidates(haystack, &hits.rules, &hits.near);
        pairing::resolve(haystack, candidates, self.rules())
    }

    /// Matches of `rules` that pass their filters and validators, each rule's sought
    /// in its ranges of `near`, or in the whole haystack.
    fn candidates(
        &self,
        haystack: &[u8],
        rules: &[usize],
        near: &[Vec<Range<usize>>],
    ) -> Vec<Candidate> {
        let all = 0..haystack.len();
        let whole = std::slice::from_ref(&all);
        let mut out = Vec::new();
        for (position, &index) in rules.iter().enumerate() {
            let rule = &self.rules()[index];
            let (regex, secret_group) = rule.pattern.regex();
            let windows = near.get(position).map_or(whole, Vec::as_slice);
            for window in windows {
                let input = Input::new(haystack).range(window.clone());
                for captures in regex.captures_iter(input) {
                    let Some(secret) = captures.get_group(secret_group) else {
                        continue;
                    };
                    let name = captures
                        .get_group_by_name("name")
                        .map(|name| &haystack[name.range()]);
                    if verdict(rule, &haystack[secret.range()], name).is_ok() {
                        out.push(Candidate {
                            rule: index,
                            secret: secret.range(),
                        });
                    }
                }
            }
        }
        out
    }
}

/// Why a value the pattern captured is not a secret of its rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// The `secret` group captured nothing.
    Empty,
    /// It reads as a documentation value (see [`is_placeholder`]).
    Placeholder,
    /// It spells the name it is assigned to (see [`spells_name`]).
    SpellsName,
    /// Its Shannon entropy is below the rule's minimum.
    Entropy {
        /// Bits per character of the value.
        found: f64,
        /// The rule's minimum.
        minimum: f64,
    },
    /// The rule's structural check refused it.
    Validator(Validator),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Empty => f.write_str("the secret group captured nothing"),
            Rejection::Placeholder => {
                f.write_str("the placeholder check took it for a documentation value")
            }
            Rejection::SpellsName => {
                f.write_str("it spells the name it is assigned to, as made-up samples do")
            }
            Rejection::Entropy { found, minimum } => write!(
                f,
                "its entropy, {found:.2} bits a character, is below the rule's {minimum:.2}"
            ),
            Rejection::Validator(validator) => {
                write!(f, "the {} validator refused it", validator.as_str())
            }
        }
    }
}

/// Whether a captured secret survives the rule's entropy, placeholder and validator
/// checks (and, when the pattern captured the `name` it is assigned to, does not spell
/// it), and if not, the first that refused it.
fn verdict(rule: &Rule, secret: &[u8], name: Option<&[u8]>) -> Result<(), Rejection> {
    if secret.is_empty() {
        return Err(Rejection::Empty);
    }
    if rule.placeholder_check && is_placeholder(secret) {
        return Err(Rejection::Placeholder);
    }
    if rule.placeholder_check && name.is_some_and(|name| spells_name(name, secret)) {
        return Err(Rejection::SpellsName);
    }
    if let Some(minimum) = rule.entropy {
        let found = shannon_entropy(secret);
        if found < minimum {
            return Err(Rejection::Entropy { found, minimum });
        }
    }
    match rule.validate {
        Some(validator) if !is_valid(validator, secret) => Err(Rejection::Validator(validator)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    const RULES: &str = r#"
provider = "Test"

[[rules]]
id = "test-key-id"
name = "Test key id"
description = "Identifier half of a test pair."
severity = "medium"
confidence = "medium"
keywords = ["test_key_id"]
pattern = '''(?i)test_key_id\s*=\s*(?P<secret>TK[A-Z0-9]{10})'''
report_unpaired = false
examples = ["test_key_id = TK7Q2M9Z4R1W"]
counterexamples = ["test_key_id = none"]

[[rules]]
id = "test-secret"
name = "Test secret"
description = "Secret half of a test pair."
severity = "high"
confidence = "medium"
keywords = ["test_secret"]
pattern = '''(?i)test_secret\s*=\s*(?P<secret>[A-Za-z0-9]{16})'''
entropy = 3.0
examples = ["test_secret = q7vz2lmn9pr4tx8w"]
counterexamples = ["test_secret = aaaaaaaaaaaaaaaa"]
[rules.pair]
with = "test-key-id"
within_lines = 2

[[rules]]
id = "test-any-key-id"
name = "Any key ID"
description = "The same identifiers, more confidently, pairing with nothing: it must not take them from the pair."
severity = "medium"
confidence = "high"
keywords = ["key_id"]
pattern = '''(?i)key_id\s*=\s*(?P<secret>TK[A-Z0-9]{10})'''
report_unpaired = false
examples = ["key_id = TK7Q2M9Z4R1W"]
counterexamples = ["key_id = none"]

[[rules]]
id = "test-generic-secret"
name = "Generic secret"
description = "Any 16-character value after secret =, more severe but not paired."
severity = "critical"
confidence = "medium"
keywords = ["@generic"]
pattern = '''(?i)secret\s*=\s*(?P<secret>[A-Za-z0-9]{16})'''
examples = ["@generic\nsecret = q7vz2lmn9pr4tx8w"]
counterexamples = ["@generic\nsecret = short"]

[[rules]]
id = "test-signed"
name = "Test signed token"
description = "A JWT in a signed header."
severity = "high"
confidence = "high"
keywords = ["x-signed"]
pattern = '''(?i)x-signed:\s*(?P<secret>[A-Za-z0-9._-]{20,})'''
validate = "jwt"
examples = ["x-signed: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"]
counterexamples = ["x-signed: notajwtnotajwtnotajwt"]

[[rules]]
id = "test-signed-unverified"
name = "Test unverified value"
description = "Any value in the signed header."
severity = "medium"
confidence = "low"
keywords = ["x-signed"]
pattern = '''(?i)x-signed:\s*(?P<secret>[A-Za-z0-9._-]{20,})'''
examples = ["x-signed: notajwtnotajwtnotajwt"]
counterexamples = ["x-signed: short"]
"#;

    fn engine() -> Engine {
        Engine::new(parse_rule_file("test.toml", RULES).expect("test rules load"))
    }

    /// The rule ids of the matches that are reported (loose identifiers are not).
    fn ids(engine: &Engine, matches: &[Match]) -> Vec<String> {
        matches
            .iter()
            .filter(|m| !m.loose)
            .map(|m| engine.rules()[m.rule].id.clone())
            .collect()
    }

    #[test]
    fn engine_is_shareable_across_threads() {
        fn assert_sync<T: Send + Sync>() {}
        assert_sync::<Engine>();
    }

    #[test]
    fn patterns_run_only_when_a_keyword_occurs_in_any_case() {
        let engine = engine();
        assert!(engine.scan(b"unrelated text q7vz2lmn9pr4tx8w").is_empty());
        let found = engine.scan(b"TEST_SECRET = q7vz2lmn9pr4tx8w");
        assert_eq!(ids(&engine, &found), ["test-secret"]);
    }

    #[test]
    fn nearby_id_and_secret_form_one_paired_finding() {
        let engine = engine();
        let text = b"test_key_id = TK7Q2M9Z4R1W\nother = 1\ntest_secret = q7vz2lmn9pr4tx8w\n";
        let found = engine.scan(text);
        assert_eq!(ids(&engine, &found), ["test-secret"]);
        let pair = found[0].pair.as_ref().expect("paired");
        assert_eq!(&text[pair.secret.clone()], b"TK7Q2M9Z4R1W");
        assert_eq!(
            pair.start,
            Position {
                line: 1,
                column: 15
            }
        );
        assert_eq!(
            found[0].start,
            Position {
                line: 3,
                column: 15
            }
        );
    }

    #[test]
    fn a_paired_secret_outranks_a_generic_rule_on_the_same_span() {
        let engine = engine();
        let paired = b"@generic\ntest_key_id = TK7Q2M9Z4R1W\ntest_secret = q7vz2lmn9pr4tx8w\n";
        assert_eq!(ids(&engine, &engine.scan(paired)), ["test-secret"]);
        let alone = b"@generic\ntest_secret = q7vz2lmn9pr4tx8w\n";
        assert_eq!(ids(&engine, &engine.scan(alone)), ["test-generic-secret"]);
    }

    #[test]
    fn distant_id_is_not_paired_and_unpaired_ids_stay_silent() {
        let engine = engine();
        let text = b"test_key_id = TK7Q2M9Z4R1W\n\n\n\ntest_secret = q7vz2lmn9pr4tx8w\n";
        let found = engine.scan(text);
        assert_eq!(ids(&engine, &found), ["test-secret"]);
        let secret = found.iter().find(|m| !m.loose).expect("the secret");
        assert!(secret.pair.is_none());
        let alone = engine.scan(b"test_key_id = TK7Q2M9Z4R1W");
        assert!(ids(&engine, &alone).is_empty());
        assert!(
            alone.iter().all(|m| m.loose),
            "kept for pairing, not reported"
        );
    }

    #[test]
    fn specific_rule_wins_overlaps_and_fallback_reports_the_rest() {
        let engine = engine();
        let jwt = b"x-signed: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        assert_eq!(ids(&engine, &engine.scan(jwt)), ["test-signed"]);
        let opaque = b"x-signed: notajwtnotajwtnotajwt";
        assert_eq!(
            ids(&engine, &engine.scan(opaque)),
            ["test-signed-unverified"]
        );
    }

    #[test]
    fn placeholders_and_low_entropy_values_are_dropped() {
        let engine = engine();
        assert!(engine.scan(b"test_secret = aaaaaaaaaaaaaaaa").is_empty());
        assert!(engine.scan(b"test_secret = abababababababab").is_empty());
        assert!(engine.scan(b"test_secret = YOURSECRETKEY123").is_empty());
    }

    #[test]
    fn positions_point_at_the_secret() {
        let engine = engine();
        let text = "// é\n  test_secret = q7vz2lmn9pr4tx8w".as_bytes();
        let found = engine.scan(text);
        assert_eq!(
            found[0].start,
            Position {
                line: 2,
                column: 17
            }
        );
        assert_eq!(
            found[0].end,
            Position {
                line: 2,
                column: 33
            }
        );
        assert_eq!(&text[found[0].secret.clone()], b"q7vz2lmn9pr4tx8w");
    }

    #[test]
    fn in_a_large_blob_patterns_run_near_their_keywords_only() {
        let engine = engine();
        let filler = "let filler = 1;\n".repeat(near::WHOLE_BLOB / 16 + 1);
        // A pattern that holds its keyword is found anywhere, even at the very end.
        let large = format!("{filler}test_secret = q7vz2lmn9pr4tx8w");
        assert_eq!(
            ids(&engine, &engine.scan(large.as_bytes())),
            ["test-secret"]
        );
        // A keyword that only marks the blob reaches 16 KiB, not across a large one.
        let far = format!("@generic\n{filler}secret = q7vz2lmn9pr4tx8w");
        assert!(ids(&engine, &engine.scan(far.as_bytes())).is_empty());
        let near = format!("{filler}@generic\nsecret = q7vz2lmn9pr4tx8w");
        assert_eq!(
            ids(&engine, &engine.scan(near.as_bytes())),
            ["test-generic-secret"]
        );
        let small = "@generic\nlet filler = 1;\nsecret = q7vz2lmn9pr4tx8w";
        assert_eq!(
            ids(&engine, &engine.scan(small.as_bytes())),
            ["test-generic-secret"]
        );
    }

    #[test]
    fn invalid_utf8_is_scanned_as_bytes() {
        let engine = engine();
        let found = engine.scan(b"\xff\xfe latin-1 \xe9\ntest_secret = q7vz2lmn9pr4tx8w");
        assert_eq!(ids(&engine, &found), ["test-secret"]);
    }

    #[test]
    fn test_rules_pass_their_own_examples() {
        assert_eq!(check_examples(&engine()), vec![]);
    }
}
