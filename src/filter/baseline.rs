//! Baseline files: the findings a team has accepted, by fingerprint (rule id + hash of
//! the secret, never the secret), with rule and path for people to read. Sorted, one
//! entry per line and without timestamps, so they merge cleanly.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, FileProblem};
use crate::files::{self, Confinement};
use crate::finding::Finding;
use crate::rules::Rule;
use crate::text::without_values;

/// Format version written to and required in baseline files.
const VERSION: u32 = 1;

/// What to do about a baseline keyscan cannot read.
const REWRITE: &str = "fix it, or write a new one with `keyscan baseline`";

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The rule that found it.
    pub rule_id: String,
    /// Where it was when accepted (for people; matching uses only the fingerprint).
    pub path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    keyscan_baseline: u32,
    findings: Vec<Entry>,
}

/// Accepted findings, keyed by fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeMap<String, Entry>,
}

impl Baseline {
    /// A baseline accepting `findings`.
    pub fn from_findings(findings: &[Finding], rules: &[Rule]) -> Baseline {
        let mut entries = BTreeMap::new();
        for finding in findings {
            entries
                .entry(finding.fingerprint.clone())
                .or_insert_with(|| Entry {
                    fingerprint: finding.fingerprint.clone(),
                    rule_id: rules[finding.rule].id.clone(),
                    path: finding.origin.path().to_string_lossy().into_owned(),
                });
        }
        Baseline { entries }
    }

    /// Reads a baseline file; one a scanned repository's configuration names must lie
    /// `within` it.
    pub fn load(path: &Path, within: Option<&Confinement>) -> Result<Baseline, Error> {
        let error = |line: Option<usize>, message: String| {
            Error::Baseline(FileProblem::new(path, line, message))
        };
        let text = files::read_text(path, files::MAX_BASELINE, within)
            .map_err(|err| error(None, format!("cannot read: {err}")))?;
        let file: File = serde_json::from_str(&text).map_err(|err| {
            // serde_json ends its message with the position, which the prefix already gives.
            let message = err.to_string();
            let at = format!(" at line {} column {}", err.line(), err.column());
            let reason = without_values(message.strip_suffix(&at).unwrap_or(&message));
            error(
                Some(err.line()),
                format!("not a keyscan baseline: {reason}; {REWRITE}"),
            )
        })?;
        if file.keyscan_baseline != VERSION {
            return Err(error(
                None,
                format!(
                    "baseline format {} is not supported (expected {VERSION}); {REWRITE}",
                    file.keyscan_baseline
                ),
            ));
        }
        let mut entries = BTreeMap::new();
        for mut entry in file.findings {
            // keyscan writes lowercase hex; an entry edited to uppercase must still match.
            entry.fingerprint.make_ascii_lowercase();
            if entry.fingerprint.len() != 32
                || !entry.fingerprint.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return Err(error(
                    None,
                    format!("an entry's fingerprint is not 32 hex digits; {REWRITE}"),
                ));
            }
            entries.insert(entry.fingerprint.clone(), entry);
        }
        Ok(Baseline { entries })
    }

    /// The accepted fingerprints.
    pub fn fingerprints(&self) -> HashSet<String> {
        self.entries.keys().cloned().collect()
    }

    /// Number of accepted findings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// This baseline without the entries that match none of `findings`.
    pub fn pruned(&self, findings: &[Finding]) -> Baseline {
        let current: HashSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
        let entries = self
            .entries
            .iter()
            .filter(|(fingerprint, _)| current.contains(fingerprint.as_str()))
            .map(|(fingerprint, entry)| (fingerprint.clone(), entry.clone()))
            .collect();
        Baseline { entries }
    }

    /// The file's text: sorted by fingerprint, one entry per line.
    pub fn to_text(&self) -> String {
        let mut text = format!("{{\n  \"keyscan_baseline\": {VERSION},\n  \"findings\": [");
        for (index, entry) in self.entries.values().enumerate() {
            let separator = if index == 0 { "\n" } else { ",\n" };
            let line = serde_json::to_string(entry).expect("entries serialize");
            text.push_str(&format!("{separator}    {line}"));
        }
        text.push_str(if self.entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(fingerprint: &str, path: &str) -> Entry {
        Entry {
            fingerprint: fingerprint.into(),
            rule_id: "github-pat".into(),
            path: path.into(),
        }
    }

    #[test]
    fn text_is_sorted_one_entry_per_line_and_round_trips() {
        let mut baseline = Baseline::default();
        for (fingerprint, path) in [("b".repeat(32), "z.txt"), ("a".repeat(32), "y.txt")] {
            baseline
                .entries
                .insert(fingerprint.clone(), entry(&fingerprint, path));
        }
        let text = baseline.to_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7, "{text}");
        assert!(lines[3].contains(&"a".repeat(32)) && lines[4].contains(&"b".repeat(32)));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(Baseline::load(&path, None).unwrap(), baseline);
        std::fs::write(&path, Baseline::default().to_text()).unwrap();
        assert!(Baseline::load(&path, None).unwrap().is_empty());
    }

    #[test]
    fn uppercase_fingerprints_match_what_keyscan_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let upper = "ABCDEF0123456789ABCDEF0123456789";
        let text = format!(
            "{{\"keyscan_baseline\": 1, \"findings\": [{{\"fingerprint\": \"{upper}\", \"rule_id\": \"r\", \"path\": \"p\"}}]}}"
        );
        std::fs::write(&path, text).unwrap();
        let baseline = Baseline::load(&path, None).unwrap();
        assert!(
            baseline
                .fingerprints()
                .contains(&upper.to_ascii_lowercase())
        );
    }

    #[test]
    fn malformed_files_are_errors_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        for (text, expect) in [
            ("not json", "not a keyscan baseline"),
            (
                "{\"keyscan_baseline\": 7, \"findings\": []}",
                "format 7 is not supported",
            ),
            (
                "{\"keyscan_baseline\": 1, \"findings\": [{\"fingerprint\": \"xyz\", \"rule_id\": \"r\", \"path\": \"p\"}]}",
                "fingerprint is not 32 hex digits",
            ),
            (
                "{\"keyscan_baseline\": 1, \"findings\": [], \"extra\": 1}",
                "unknown field",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = Baseline::load(&path, None).unwrap_err().to_string();
            assert!(
                err.starts_with(path.to_str().unwrap()) && err.contains(expect),
                "{err}"
            );
        }
    }
}
