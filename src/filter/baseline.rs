//! Baseline files: the findings a team has accepted, by fingerprint (never the secret:
//! see [`crate::fingerprint`]), with rule and path for people to read, and the salt
//! their fingerprints are made with. Sorted, one entry per line and without
//! timestamps, so they merge cleanly.
//!
//! Version 1 files (unsalted fingerprints) are still read and matched; `keyscan
//! baseline --prune` rewrites one as version 2.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, FileProblem};
use crate::files::{self, Confinement};
use crate::finding::Finding;
use crate::fingerprint::legacy;
use crate::rules::Rule;
use crate::text::without_values;

/// Format version written to baseline files.
const VERSION: u32 = 2;

/// The format version whose fingerprints are unsalted ([`legacy`]): still read.
const LEGACY_VERSION: u32 = 1;

/// Where baselines go when no path is given.
pub const DEFAULT_PATH: &str = ".keyscan-baseline.json";

/// Longest salt a baseline may carry.
const MAX_SALT: usize = 256;

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
    #[serde(default)]
    salt: Option<String>,
    findings: Vec<Entry>,
}

/// Accepted findings, keyed by fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeMap<String, Entry>,
    /// The salt of the fingerprints; `None` for a version 1 baseline, whose
    /// fingerprints are unsalted.
    salt: Option<String>,
}

/// The fingerprints a baseline accepts, as a scan checks findings against them.
#[derive(Debug, Clone, Default)]
pub struct Accepted {
    current: HashSet<String>,
    legacy: HashSet<String>,
}

impl Accepted {
    /// Whether nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.current.is_empty() && self.legacy.is_empty()
    }

    /// Whether the finding of `secret` by rule `rule_id`, whose fingerprint is
    /// `fingerprint`, is accepted (by that, or by its version 1 fingerprint).
    pub fn accepts(&self, fingerprint: &str, rule_id: &str, secret: &str) -> bool {
        self.current.contains(fingerprint)
            || (!self.legacy.is_empty() && self.legacy.contains(&legacy(rule_id, secret)))
    }
}

impl Baseline {
    /// A baseline accepting `findings`, whose fingerprints were made with `salt`.
    pub fn from_findings(findings: &[Finding], rules: &[Rule], salt: &str) -> Baseline {
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
        Baseline {
            entries,
            salt: Some(salt.to_owned()),
        }
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
        let salt = match (file.keyscan_baseline, file.salt) {
            (VERSION, Some(salt)) if !salt.is_empty() && salt.len() <= MAX_SALT => Some(salt),
            (VERSION, _) => {
                let message =
                    format!("a version {VERSION} baseline needs a salt of 1 to {MAX_SALT} bytes");
                return Err(error(None, format!("{message}; {REWRITE}")));
            }
            (LEGACY_VERSION, _) => None,
            (version, _) => {
                return Err(error(
                    None,
                    format!(
                        "baseline format {version} is not supported (expected {VERSION}); {REWRITE}"
                    ),
                ));
            }
        };
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
        Ok(Baseline { entries, salt })
    }

    /// The salt of this baseline's fingerprints; `None` for version 1.
    pub fn salt(&self) -> Option<&str> {
        self.salt.as_deref()
    }

    /// The accepted fingerprints.
    pub fn accepted(&self) -> Accepted {
        let fingerprints = self.entries.keys().cloned().collect();
        match self.salt {
            Some(_) => Accepted {
                current: fingerprints,
                legacy: HashSet::new(),
            },
            None => Accepted {
                current: HashSet::new(),
                legacy: fingerprints,
            },
        }
    }

    /// Number of accepted findings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// This baseline without the entries that match none of `findings` (whose
    /// fingerprints were made with `salt`). A version 1 baseline comes back as version
    /// 2: each entry kept under its finding's salted fingerprint.
    pub fn pruned(&self, findings: &[Finding], rules: &[Rule], salt: &str) -> Baseline {
        let mut entries = BTreeMap::new();
        for finding in findings {
            let rule_id = &rules[finding.rule].id;
            let old = match self.salt {
                Some(_) => finding.fingerprint.clone(),
                None => legacy(rule_id, &finding.secret),
            };
            if let Some(entry) = self.entries.get(&old) {
                let entry = Entry {
                    fingerprint: finding.fingerprint.clone(),
                    ..entry.clone()
                };
                entries.insert(finding.fingerprint.clone(), entry);
            }
        }
        Baseline {
            entries,
            salt: Some(salt.to_owned()),
        }
    }

    /// The file's text: sorted by fingerprint, one entry per line.
    pub fn to_text(&self) -> String {
        let version = if self.salt.is_some() {
            VERSION
        } else {
            LEGACY_VERSION
        };
        let salt = self.salt.as_ref().map_or_else(String::new, |salt| {
            format!("\n  \"salt\": {},", json_string(salt))
        });
        let mut text = format!("{{\n  \"keyscan_baseline\": {version},{salt}\n  \"findings\": [");
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

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
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
        let mut baseline = Baseline {
            salt: Some("0f1e2d3c".to_owned()),
            ..Baseline::default()
        };
        for (fingerprint, path) in [("b".repeat(32), "z.txt"), ("a".repeat(32), "y.txt")] {
            baseline
                .entries
                .insert(fingerprint.clone(), entry(&fingerprint, path));
        }
        let text = baseline.to_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 8, "{text}");
        assert_eq!(lines[1], "  \"keyscan_baseline\": 2,");
        assert_eq!(lines[2], "  \"salt\": \"0f1e2d3c\",");
        assert!(lines[4].contains(&"a".repeat(32)) && lines[5].contains(&"b".repeat(32)));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(Baseline::load(&path, None).unwrap(), baseline);
        // A version 1 file reads back as version 1, its fingerprints as unsalted ones.
        let legacy = Baseline {
            salt: None,
            ..baseline
        };
        std::fs::write(&path, legacy.to_text()).unwrap();
        let read = Baseline::load(&path, None).unwrap();
        assert_eq!(read, legacy);
        assert!(read.accepted().legacy.contains(&"a".repeat(32)));
        assert!(read.accepted().current.is_empty());
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
                .accepted()
                .legacy
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
            (
                "{\"keyscan_baseline\": 2, \"findings\": []}",
                "needs a salt",
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
