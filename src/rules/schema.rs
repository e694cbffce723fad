//! The on-disk TOML shape of a rule file, before compilation.

use serde::Deserialize;
use toml::Spanned;

use super::{Confidence, Example, Severity, Validator};

/// One rule file: a provider and its rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleFile {
    pub provider: String,
    /// The scanner the rules were imported from (`keyscan config import-gitleaks`):
    /// such rules may come without examples and counterexamples.
    pub imported_from: Option<String>,
    #[serde(default)]
    pub rules: Vec<Spanned<RawRule>>,
}

/// A rule as written in a rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub id: String,
    pub name: String,
    pub description: String,
    pub severity: Severity,
    #[serde(default = "default_confidence")]
    pub confidence: Confidence,
    pub keywords: Vec<String>,
    pub pattern: String,
    pub entropy: Option<f64>,
    pub validate: Option<Validator>,
    #[serde(default = "yes")]
    pub placeholder_check: bool,
    #[serde(default = "yes")]
    pub report_unpaired: bool,
    #[serde(default)]
    pub paths: Vec<String>,
    pub pair: Option<RawPair>,
    #[serde(default)]
    pub references: Vec<String>,
    pub remediation: Option<String>,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub counterexamples: Vec<String>,
}

/// `[rules.pair]`: the identifier rule a secret rule pairs with.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPair {
    pub with: String,
    #[serde(default = "default_within_lines")]
    pub within_lines: usize,
    #[serde(default)]
    pub across_files: bool,
}

fn default_confidence() -> Confidence {
    Confidence::Medium
}

fn yes() -> bool {
    true
}

fn default_within_lines() -> usize {
    5
}
