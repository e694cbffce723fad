//! The matching engine: pure, thread-safe, no I/O. Given bytes, it returns the
//! secrets the rule set finds in them.

mod filters;
mod pairing;
mod position;
mod prefilter;
mod validate;

use std::ops::Range;

pub use filters::{is_placeholder, shannon_entropy};
pub use position::{Position, line_bounds};
pub use validate::is_valid;

use crate::rules::{Rule, RuleSet};
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
        let prefilter = Prefilter::new(rules.rules());
        Engine { rules, prefilter }
    }

    /// The rules this engine applies.
    pub fn rules(&self) -> &[Rule] {
        self.rules.rules()
    }

    /// All secrets in `haystack`, ordered by position.
    pub fn scan(&self, haystack: &[u8]) -> Vec<Match> {
        self.scan_rules(haystack, &self.prefilter.candidate_rules(haystack))
    }

    /// Whether any keyword of the rule at `rule` occurs in `haystack`.
    pub fn keyword_hit(&self, haystack: &[u8], rule: usize) -> bool {
        self.prefilter.candidate_rules(haystack).contains(&rule)
    }

    /// Secrets in `haystack` found by the rule at `rule` alone, keywords and pairing
    /// aside, for checking a rule's examples.
    pub fn scan_with_rule(&self, haystack: &[u8], rule: usize) -> Vec<Range<usize>> {
        self.candidates(haystack, &[rule]).into_iter().map(|candidate| candidate.secret).collect()
    }

    fn scan_rules(&self, haystack: &[u8], rules: &[usize]) -> Vec<Match> {
        if rules.is_empty() {
            return Vec::new();
        }
        let candidates = pairing::resolve_overlaps(self.candidates(haystack, rules), self.rules());
        pairing::pair(haystack, candidates, self.rules())
    }

    /// Matches of `rules` that pass their filters and validators.
    fn candidates(&self, haystack: &[u8], rules: &[usize]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for &index in rules {
            let rule = &self.rules()[index];
            for captures in rule.regex.captures_iter(haystack) {
                let Some(secret) = captures.get(rule.secret_group) else { continue };
                if accepts(rule, secret.as_bytes()) {
                    out.push(Candidate { rule: index, secret: secret.range() });
                }
            }
        }
        out
    }
}

/// Whether a captured secret survives the rule's entropy, placeholder and validator checks.
fn accepts(rule: &Rule, secret: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    if rule.placeholder_check && is_placeholder(secret) {
        return false;
    }
    if rule.entropy.is_some_and(|minimum| shannon_entropy(secret) < minimum) {
        return false;
    }
    rule.validate.is_none_or(|validator| is_valid(validator, secret))
}
