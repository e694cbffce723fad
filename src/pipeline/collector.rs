//! The visitor each scanning thread runs: the engine on every blob, its matches made
//! findings and filtered, every skipped path counted or noted.

use std::path::PathBuf;

use crate::decode::utf16;
use crate::engine::Match;
use crate::filter::LineContext;
use crate::finding::{Finding, Origin, PairedFinding, fingerprint, line_hash, number_line_hashes};
use crate::outcome::{Level, Note, Outcome};
use crate::rules::{Confidence, Rule};
use crate::source::{Blob, Skip, Visitor};
use crate::text::{LineCursor, line_bounds};

use super::Settings;

/// A per-thread visitor: runs the engine on each blob and keeps what it finds.
pub(super) struct Collector<'s> {
    settings: &'s Settings,
    /// What this thread found.
    pub(super) outcome: Outcome,
}

impl<'s> Collector<'s> {
    /// A collector applying `settings`, with nothing found yet.
    pub(super) fn new(settings: &'s Settings) -> Self {
        Collector {
            settings,
            outcome: Outcome::default(),
        }
    }

    /// Records a note about `path`.
    pub(super) fn note(&mut self, level: Level, path: PathBuf, message: String) {
        self.outcome.notes.push(Note {
            level,
            path,
            message,
        });
    }
}

impl Visitor for Collector<'_> {
    fn blob(&mut self, blob: Blob<'_>) {
        let stats = &mut self.outcome.stats;
        stats.files += 1;
        stats.bytes += blob.data.len() as u64;
        // UTF-16 text is scanned as UTF-8: its lines and columns stay the same.
        let encoding = utf16::detect(blob.data);
        let transcoded = encoding.map(|order| utf16::to_utf8(blob.data, order));
        let data = transcoded.as_deref().unwrap_or(blob.data);
        if encoding.is_none() && std::str::from_utf8(data).is_err() {
            stats.not_utf8 += 1;
            let message = "not valid UTF-8; scanned as bytes".to_owned();
            self.note(Level::Info, blob.origin.path().to_path_buf(), message);
        }
        let engine = &self.settings.engine;
        let mut matches = engine.scan(data);
        if let Some(lines) = &blob.lines {
            // The ranges are sorted and apart: only the first that does not end above the
            // match can overlap it.
            matches.retain(|found| {
                let first = lines.partition_point(|range| *range.end() < found.start.line);
                lines
                    .get(first)
                    .is_some_and(|range| *range.start() <= found.end.line)
            });
        }
        if matches.is_empty() {
            return;
        }
        let offsets: Vec<usize> = matches.iter().map(|found| found.secret.start).collect();
        let mut findings = findings_of(engine.rules(), &blob.origin, data, matches);
        if let Some(order) = encoding {
            for finding in &mut findings {
                finding.decoded_from = Some(order.name());
            }
        }
        let Some(suppressor) = &self.settings.suppressor else {
            return self.outcome.findings.extend(findings);
        };
        // Findings come in position order: each line's context is worked out once.
        let mut lines = LineCursor::new(data);
        let mut context = LineContext::default();
        for (finding, offset) in findings.into_iter().zip(offsets) {
            if let Some(line) = lines.enter(offset) {
                let previous = (line.start > 0).then(|| &data[line_bounds(data, line.start - 1)]);
                context = suppressor.line_context(&data[line], previous);
            }
            match suppressor.reason(&finding, engine.rules(), &context) {
                Some(mechanism) => *self.outcome.suppressed.entry(mechanism).or_default() += 1,
                None => self.outcome.findings.push(finding),
            }
        }
    }

    fn skipped(&mut self, path: PathBuf, reason: Skip) {
        let stats = &mut self.outcome.stats;
        let level = match reason {
            Skip::Binary => return stats.skipped_binary += 1,
            Skip::Symlink => return stats.skipped_symlinks += 1,
            Skip::BrokenSymlink => {
                stats.skipped_symlinks += 1;
                Level::Info
            }
            Skip::LfsPointer => return stats.skipped_lfs += 1,
            Skip::Submodule => {
                stats.skipped_submodules += 1;
                Level::Info
            }
            Skip::TooLarge { .. } => {
                stats.skipped_too_large += 1;
                Level::Warning
            }
            Skip::SpecialFile => {
                stats.skipped_special += 1;
                Level::Info
            }
            Skip::SymlinkLoop | Skip::BadIgnoreFile(_) => Level::Warning,
            Skip::Unreadable(_) => {
                stats.errors += 1;
                Level::Error
            }
        };
        self.note(level, path, reason.to_string());
    }
}

/// The findings of one blob from the engine's matches (in position order).
pub fn findings_of(
    rules: &[Rule],
    origin: &Origin,
    data: &[u8],
    matches: Vec<Match>,
) -> Vec<Finding> {
    // Matches come in position order: each line's bounds are found once.
    let mut lines = LineCursor::new(data);
    let mut findings: Vec<Finding> = matches
        .into_iter()
        .map(|found| {
            let line = lines.line(found.secret.start);
            let rule = &rules[found.rule];
            let secret = String::from_utf8_lossy(&data[found.secret.clone()]).into_owned();
            let pair = found.pair.map(|pair| PairedFinding {
                rule: pair.rule,
                start: pair.start,
                end: pair.end,
                value: String::from_utf8_lossy(&data[pair.secret]).into_owned(),
            });
            let confidence = if pair.is_some() {
                Confidence::High
            } else {
                rule.confidence
            };
            Finding {
                rule: found.rule,
                origin: origin.clone(),
                start: found.start,
                end: found.end,
                severity: rule.severity,
                confidence,
                fingerprint: fingerprint(&rule.id, &secret),
                line_hash: line_hash(data, line, found.secret),
                secret,
                pair,
                decoded_from: None,
            }
        })
        .collect();
    number_line_hashes(&mut findings);
    findings
}
