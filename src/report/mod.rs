//! Reports: the finding model and the output formats. Reporters only format;
//! nothing upstream knows which format was asked for.

mod finding;
mod human;
mod json;
mod sarif;
mod stream;
pub mod text;

use std::io::{self, Write};
use std::path::PathBuf;

pub use finding::{Finding, PairedFinding, fingerprint, redact};

use crate::rules::Rule;
use crate::scan::Outcome;
use crate::source::git::Provenance;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable text with a summary, coloured on a terminal.
    Human,
    /// One JSON document with findings, notes and counts.
    Json,
    /// One JSON object per finding per line.
    Jsonl,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
    Sarif,
}

/// Choices that affect how a report is written.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Print secrets in full instead of redacted.
    pub show_secrets: bool,
    /// Use ANSI colours (human format).
    pub color: bool,
    /// List informational notes (human format).
    pub verbose: bool,
    /// Describe every rule in SARIF, not only those that fired.
    pub all_rules: bool,
    /// The scanned roots; SARIF locations are relative to the first.
    pub roots: Vec<PathBuf>,
    /// For git scans: the repository's origin and revision.
    pub provenance: Option<Provenance>,
}

/// Writes `outcome` in `format`.
pub fn write(
    format: Format,
    out: &mut dyn Write,
    rules: &[Rule],
    outcome: &Outcome,
    options: &ReportOptions,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, rules, outcome, options),
        Format::Json => json::write(out, rules, outcome, options),
        Format::Jsonl => json::write_lines(out, rules, outcome, options),
        Format::Sarif => sarif::write(out, rules, outcome, options),
    }
}

/// What a report shows of a secret: redacted unless the user asked to see it.
fn shown(secret: &str, options: &ReportOptions) -> String {
    if options.show_secrets {
        secret.to_owned()
    } else {
        redact(secret)
    }
}
