//! Reports: redaction and the output formats. Reporters only format an [`Outcome`];
//! nothing upstream knows which format was asked for.

mod history;
mod human;
mod json;
mod redact;
mod sarif;
mod stream;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

pub use human::summary;
pub use redact::redact;

use crate::finding::Finding;
use crate::outcome::{Outcome, Repository};
use crate::rules::Rule;
use redact::shown;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl Format {
    /// Every format, in the order help lists them.
    pub const ALL: [Format; 4] = [Format::Human, Format::Json, Format::Jsonl, Format::Sarif];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
        }
    }

    /// What the format is for, in a few words (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            Format::Human => "readable text with a summary, coloured on a terminal",
            Format::Json => "one JSON document with findings, notes and counts",
            Format::Jsonl => "one JSON object per finding per line",
            Format::Sarif => "SARIF 2.1.0 for GitHub code scanning",
        }
    }
}

/// A format name keyscan does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Format::ALL.iter().map(|format| format.name()).collect();
        write!(f, "unknown format {:?}; use {}", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|format| format.name() == name)
            .ok_or_else(|| UnknownFormat(name.to_owned()))
    }
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

/// The repository `finding` was found in, in a scan of several.
fn repository_of<'a>(outcome: &'a Outcome, finding: &Finding) -> Option<&'a Repository> {
    finding
        .repository
        .and_then(|index| outcome.repositories.get(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_named_and_parsed_back() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
        }
        let err = "xml".parse::<Format>().unwrap_err().to_string();
        assert_eq!(err, "unknown format \"xml\"; use human, json, jsonl, sarif");
    }
}
