//! Rules: the schema of rule files, loading them and compiling their patterns. A leaf
//! of the crate: it knows nothing of the engine that runs them (which checks their
//! examples, `engine::check_examples`) or of where blobs come from.

mod load;
mod pattern;
mod schema;

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::files::Confinement;

pub use load::{MAX_KEYWORD_LEN, RuleProblem, RuleSource, load_rule_set, parse_rule_file};
pub use pattern::Pattern;
pub(crate) use pattern::build as build_pattern;

/// How much damage a leaked credential of this kind can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Limited impact, e.g. test-mode keys.
    Low,
    /// Scoped access to one service.
    Medium,
    /// Broad access to a service or account.
    High,
    /// Account-wide or infrastructure-wide access, private keys.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name used in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure a match is to be a real secret rather than a look-alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Shape or context only loosely identifies the credential.
    Low,
    /// Context-anchored or generic shape.
    Medium,
    /// Distinctive prefix, checksum or structure.
    High,
}

impl Confidence {
    /// The lowercase name used in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Structural checks a secret must pass after the pattern matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// A JSON Web Token whose header decodes to a JSON object with `alg`.
    Jwt,
    /// A GitHub-style token whose last six characters are a base62 CRC32.
    GithubChecksum,
}

impl Validator {
    /// The name rule files give it.
    pub fn as_str(self) -> &'static str {
        match self {
            Validator::Jwt => "jwt",
            Validator::GithubChecksum => "github-checksum",
        }
    }
}

/// Pairing of a secret rule with the identifier rule it is used with.
#[derive(Debug, Clone, Copy)]
pub struct Pairing {
    /// Index of the identifier rule in the rule set.
    pub with: usize,
    /// Largest line distance between the identifier and the secret.
    pub within_lines: usize,
    /// Whether a secret with no identifier in its own file pairs with the one
    /// identifier of its pairing rule in another file of its directory (of the same
    /// commit, in history): a `.env` beside a `config.yaml`.
    pub across_files: bool,
}

/// An example text a rule must match, optionally with the exact secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Example {
    /// The rule must match somewhere in this text.
    Text(String),
    /// The rule must match and capture exactly `secret`.
    WithSecret {
        /// Text to scan.
        text: String,
        /// Secret the rule must capture.
        secret: String,
    },
}

impl Example {
    /// The text to scan.
    pub fn text(&self) -> &str {
        match self {
            Example::Text(text) | Example::WithSecret { text, .. } => text,
        }
    }
}

/// A compiled detection rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable kebab-case identifier, unique in a rule set.
    pub id: String,
    /// Short human title.
    pub name: String,
    /// What the credential is and how the rule recognises it.
    pub description: String,
    /// Provider the credential belongs to.
    pub provider: String,
    /// Impact of a leak.
    pub severity: Severity,
    /// Likelihood that a match is real.
    pub confidence: Confidence,
    /// Literals of which at least one must occur for the pattern to run.
    pub keywords: Vec<String>,
    /// The pattern, compiled on first use.
    pub pattern: Pattern,
    /// Minimum Shannon entropy of the secret, bits per byte.
    pub entropy: Option<f64>,
    /// Structural check of the secret.
    pub validate: Option<Validator>,
    /// Whether documentation placeholders are dropped.
    pub placeholder_check: bool,
    /// Whether a match is reported when it is not part of a pair.
    pub report_unpaired: bool,
    /// When not empty, the rule's findings are kept only in files whose path (as
    /// reports show it) one of these matches. The pattern still runs on every blob:
    /// scanning never depends on where a blob was seen.
    pub paths: Vec<regex::Regex>,
    /// The identifier rule this secret rule pairs with.
    pub pair: Option<Pairing>,
    /// Provider documentation.
    pub references: Vec<String>,
    /// How to revoke and rotate the credential.
    pub remediation: Option<String>,
    /// Texts the rule must match.
    pub examples: Vec<Example>,
    /// Texts the rule must not match.
    pub counterexamples: Vec<String>,
    /// Where the rule was loaded from.
    pub source: RuleSource,
    /// The line of `source` its `[[rules]]` table starts on.
    pub line: usize,
}

impl Rule {
    /// Whether the rule's findings are reported at `path` (as reports show it): any
    /// path, unless the rule lists `paths`.
    pub fn applies_to(&self, path: &std::path::Path) -> bool {
        self.paths.is_empty() || {
            let path = path.to_string_lossy();
            self.paths.iter().any(|pattern| pattern.is_match(&path))
        }
    }
}

/// An ordered, validated collection of rules with unique ids.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// All rules, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rules for which `keep` holds. A secret rule whose identifier rule is dropped
    /// loses its pairing and reports alone.
    pub fn select(self, keep: impl Fn(&Rule) -> bool) -> RuleSet {
        let kept: Vec<bool> = self.rules.iter().map(&keep).collect();
        let mut new_index = Vec::with_capacity(kept.len());
        let mut next = 0;
        for &keep in &kept {
            new_index.push(keep.then_some(next));
            next += usize::from(keep);
        }
        let rules = self
            .rules
            .into_iter()
            .zip(kept)
            .filter(|(_, keep)| *keep)
            .map(|(mut rule, _)| {
                rule.pair = rule
                    .pair
                    .and_then(|pair| new_index[pair.with].map(|with| Pairing { with, ..pair }));
                rule
            })
            .collect();
        RuleSet { rules }
    }
}

/// Where to find rule files beyond the built-in ones.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Whether to load the rules compiled into the binary.
    pub builtin: bool,
    /// Extra rule files, or directories of `*.toml` rule files, that the user named.
    pub paths: Vec<PathBuf>,
    /// Rule files or directories a scanned repository's configuration names: read
    /// only inside that repository.
    pub repository: Option<RepositoryRules>,
    /// Rule files given as text, each with the name problems call it by (the rules a
    /// `.gitleaks.toml` defines, translated).
    pub texts: Vec<(String, String)>,
}

impl RuleOptions {
    /// The built-in rules and nothing else.
    pub fn builtin_only() -> RuleOptions {
        RuleOptions {
            builtin: true,
            ..RuleOptions::default()
        }
    }
}

/// Rule files or directories named by a scanned repository's own configuration.
#[derive(Debug, Clone)]
pub struct RepositoryRules {
    /// The repository they must stay in.
    pub within: Confinement,
    /// The files and directories.
    pub paths: Vec<PathBuf>,
}
