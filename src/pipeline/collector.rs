//! The visitor each scanning thread runs: the engine on every blob, its matches made
//! findings and filtered, every skipped path counted or noted.

use std::path::PathBuf;

use std::ops::RangeInclusive;

use crate::decode::{self, archive, utf16, utf16::Utf16};
use crate::filter::LineContext;
use crate::finding::Origin;
use crate::outcome::{Level, Note, Outcome, Stats};
use crate::source::{Blob, Skip, Visitor};
use crate::text::{LineCursor, line_bounds};

use super::Settings;
use super::findings::{Hit, build, view_hits};
use super::pairing::{LooseId, pair_in_blob};

/// A per-thread visitor: runs the engine on each blob and keeps what it finds.
pub(super) struct Collector<'s> {
    settings: &'s Settings,
    /// What this thread found.
    pub(super) outcome: Outcome,
    /// Identifiers no secret in their own blob paired with, which a secret in another
    /// file of their directory may (rules that pair `across_files`).
    pub(super) loose: Vec<LooseId>,
}

impl<'s> Collector<'s> {
    /// A collector applying `settings`, with nothing found yet.
    pub(super) fn new(settings: &'s Settings) -> Self {
        Collector {
            settings,
            outcome: Outcome::default(),
            loose: Vec::new(),
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

/// What content visited ahead of its origin counted, when nothing else came of it:
/// most often one file or message of some bytes, kept in 16 bytes for the hundreds of
/// thousands of objects of a long history.
pub(super) enum Tally {
    /// One file scanned, of this many bytes.
    File(u64),
    /// One commit or tag message scanned, of this many bytes.
    Message(u64),
    /// Anything else (a binary skipped, an archive's members).
    Other(Box<Stats>),
}

impl Tally {
    /// `stats` in the smallest form that holds them.
    fn of(stats: Stats) -> Tally {
        let bytes = stats.bytes;
        if stats
            == (Stats {
                files: 1,
                bytes,
                ..Stats::default()
            })
        {
            Tally::File(bytes)
        } else if stats
            == (Stats {
                messages: 1,
                bytes,
                ..Stats::default()
            })
        {
            Tally::Message(bytes)
        } else {
            Tally::Other(Box::new(stats))
        }
    }
}

impl Visitor for Collector<'_> {
    type Tally = Tally;

    fn ahead(&mut self, visit: impl FnOnce(&mut Self)) -> Option<Tally> {
        let own = std::mem::take(&mut self.outcome);
        let loose = self.loose.len();
        visit(self);
        let visited = std::mem::replace(&mut self.outcome, own);
        let only_counts = visited.findings.is_empty()
            && visited.notes.is_empty()
            && visited.suppressed.is_empty()
            && self.loose.len() == loose;
        self.loose.truncate(loose);
        only_counts.then(|| Tally::of(visited.stats))
    }

    fn tally(&mut self, tally: &Tally) {
        let stats = &mut self.outcome.stats;
        match tally {
            Tally::File(bytes) => {
                stats.files += 1;
                stats.bytes += bytes;
            }
            Tally::Message(bytes) => {
                stats.messages += 1;
                stats.bytes += bytes;
            }
            Tally::Other(counted) => stats.add(counted),
        }
    }

    fn blob(&mut self, blob: Blob<'_>) {
        self.outcome.stats.bytes += blob.data.len() as u64;
        let limits = self.settings.limits;
        match archive::detect(blob.data).filter(|_| limits.archives) {
            Some(kind) => self.archive(&blob.origin, blob.data, kind),
            None => self.content(&blob.origin, blob.data, blob.lines.as_deref(), None),
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
            Skip::NotFetched => return stats.not_fetched += 1,
            Skip::Submodule => {
                stats.skipped_submodules += 1;
                Level::Info
            }
            Skip::TooLarge { .. } | Skip::StreamTooLarge { .. } => {
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

impl Collector<'_> {
    /// Scans the members of an archive, each as a file at `archive!member`; what the
    /// bounds stopped is an error note (the result is incomplete).
    fn archive(&mut self, origin: &Origin, data: &[u8], kind: archive::Kind) {
        let bounds = archive::Bounds::for_file_size(self.settings.limits.max_file_size);
        let name = origin
            .path()
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let expanded = archive::expand(data, kind, &name, bounds);
        for problem in expanded.problems {
            self.outcome.stats.errors += 1;
            let message = format!("archive not fully scanned: {problem}");
            self.note(Level::Error, origin.path().to_path_buf(), message);
        }
        for member in expanded.members {
            let inner = origin.member(&member.path);
            match self.settings.limits.skip_content(&member.data) {
                Some(reason) => self.skipped(inner.path().to_path_buf(), reason),
                None => self.content(&inner, &member.data, None, Some(&member.chain)),
            }
        }
    }

    /// Scans one file's (or archive member's) content: as it is and in its decoded
    /// views, reporting only secrets on `lines` when given. `outer` names the archives
    /// it came out of.
    fn content(
        &mut self,
        origin: &Origin,
        data: &[u8],
        lines: Option<&[RangeInclusive<usize>]>,
        outer: Option<&str>,
    ) {
        let decode = self.settings.decode;
        let stats = &mut self.outcome.stats;
        match origin {
            Origin::GitMessage { .. } => stats.messages += 1,
            _ => stats.files += 1,
        }
        // UTF-16 text is scanned as UTF-8: its lines and columns stay the same.
        let encoding = utf16::detect(data).filter(|_| decode);
        let transcoded = encoding.map(|order| utf16::to_utf8(data, order));
        let data = transcoded.as_deref().unwrap_or(data);
        if encoding.is_none() && std::str::from_utf8(data).is_err() {
            stats.not_utf8 += 1;
            let message = "not valid UTF-8; scanned as bytes".to_owned();
            self.note(Level::Info, origin.path().to_path_buf(), message);
        }
        let engine = &self.settings.engine;
        let keywords = engine.keyword_hits(data);
        let mut matches = engine.scan_rules(data, &keywords);
        let views = if decode {
            decode::views(data, &keywords.markers, &keywords.spans)
        } else {
            Vec::new()
        };
        let mut hits = view_hits(engine, data, &views, &mut matches);
        hits.extend(matches.into_iter().map(|found| Hit::raw(data, found)));
        for hit in pair_in_blob(&mut hits, engine.rules()) {
            let rule = hit.found.rule;
            let wanted = engine.rules().iter().filter_map(|other| other.pair);
            if wanted
                .into_iter()
                .any(|pairing| pairing.across_files && pairing.with == rule)
            {
                self.loose.push(LooseId {
                    rule,
                    origin: origin.clone(),
                    start: hit.found.start,
                    end: hit.found.end,
                    value: hit.secret,
                });
            }
        }
        if let Some(lines) = lines {
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
        // The decodings that made `data`, outermost first: archives, then UTF-16.
        let chain: Vec<&str> = outer.into_iter().chain(encoding.map(Utf16::name)).collect();
        let findings = build(engine.rules(), origin, data, hits, &chain);
        let rules = engine.rules();
        let Some(suppressor) = &self.settings.suppressor else {
            return self.outcome.findings.extend(findings);
        };
        // Findings come in position order: each line's context is worked out once.
        let mut lines = LineCursor::new(data);
        let mut context = LineContext::default();
        for (mut finding, offset) in findings.into_iter().zip(offsets) {
            if let Some(line) = lines.enter(offset) {
                let previous = (line.start > 0).then(|| &data[line_bounds(data, line.start - 1)]);
                context = suppressor.line_context(&data[line], previous);
            }
            match suppressor.reason(&mut finding, rules, &context) {
                Some(mechanism) => *self.outcome.suppressed.entry(mechanism).or_default() += 1,
                None => self.outcome.findings.push(finding),
            }
        }
    }
}
