//! The visitor each scanning thread runs: the engine on every blob, its matches made
//! findings and filtered, every skipped path counted or noted.

use std::path::PathBuf;

use crate::decode::{self, utf16, utf16::Utf16};
use crate::filter::LineContext;
use crate::outcome::{Level, Note, Outcome};
use crate::source::{Blob, Skip, Visitor};
use crate::text::{LineCursor, line_bounds};

use super::Settings;
use super::findings::{Hit, build, view_hits};

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
        let keywords = engine.keyword_hits(data);
        let mut matches = engine.scan_rules(data, &keywords.rules);
        let views = decode::views(data, &keywords.markers, !keywords.rules.is_empty());
        let mut hits = view_hits(engine, data, &views, &mut matches);
        hits.extend(matches.into_iter().map(|found| Hit {
            decoded_from: encoding.map(Utf16::name),
            ..Hit::raw(data, found)
        }));
        if let Some(lines) = &blob.lines {
            // The ranges are sorted and apart: only the first that does not end above the
            // match can overlap it.
            hits.retain(|hit| {
                let found = &hit.found;
                let first = lines.partition_point(|range| *range.end() < found.start.line);
                lines
                    .get(first)
                    .is_some_and(|range| *range.start() <= found.end.line)
            });
        }
        if hits.is_empty() {
            return;
        }
        hits.sort_by_key(|hit| (hit.found.secret.start, hit.found.rule));
        let offsets: Vec<usize> = hits.iter().map(|hit| hit.found.secret.start).collect();
        let findings = build(engine.rules(), &blob.origin, data, hits);
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
