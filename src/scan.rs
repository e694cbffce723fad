//! Drives a scan: a source's blobs through the engine into findings, with the
//! counts and notes that make every skipped or troubled path visible.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use std::collections::{BTreeMap, HashMap};

use crate::engine::{Engine, LineCursor, line_bounds};
use crate::progress::Progress;
use crate::report::Finding;
use crate::source::dir::{self, DirOptions};
use crate::source::git::GitError;
use crate::source::git::history::{self, HistoryOptions};
use crate::source::git::staged;
use crate::source::{Blob, Limits, Skip, Visitor};
use crate::suppress::{LineContext, Mechanism, Suppressor};

/// What a scan applies: the engine, and the suppressions in force (`None` reports
/// everything, as `--no-suppress` asks).
#[derive(Debug)]
pub struct Scanner {
    /// The matching engine.
    pub engine: Engine,
    /// Inline markers, allowlists, minimum severity and baseline.
    pub suppressor: Option<Suppressor>,
}

/// How much a note matters to the trust in the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing; listed in JSON and with `--verbose`.
    Info,
    /// Always shown; the result is still complete.
    Warning,
    /// Content that should have been scanned was not: the result is incomplete.
    Error,
}

/// Something about one path that the user should be able to see.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// How much it matters.
    pub level: Level,
    /// The path it is about.
    pub path: PathBuf,
    /// What happened, in words.
    pub message: String,
}

/// Counts of what a scan read and skipped.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Files scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Files skipped as binary.
    pub skipped_binary: u64,
    /// Files skipped for exceeding the size cap.
    pub skipped_too_large: u64,
    /// Symbolic links not followed.
    pub skipped_symlinks: u64,
    /// FIFOs, sockets and devices skipped.
    pub skipped_special: u64,
    /// Git submodules skipped.
    pub skipped_submodules: u64,
    /// Git LFS pointer files skipped.
    pub skipped_lfs: u64,
    /// Commits walked (history scans).
    pub commits: u64,
    /// Files that are not valid UTF-8 (scanned as bytes).
    pub not_utf8: u64,
    /// Paths that could not be read.
    pub errors: u64,
    /// Wall-clock time of the scan.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.skipped_binary += other.skipped_binary;
        self.skipped_too_large += other.skipped_too_large;
        self.skipped_symlinks += other.skipped_symlinks;
        self.skipped_special += other.skipped_special;
        self.skipped_submodules += other.skipped_submodules;
        self.skipped_lfs += other.skipped_lfs;
        self.commits += other.commits;
        self.not_utf8 += other.not_utf8;
        self.errors += other.errors;
    }
}

fn seconds<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// Everything a scan produced, sorted for stable output.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Findings, by path, line and column.
    pub findings: Vec<Finding>,
    /// Notes about paths, by level and path.
    pub notes: Vec<Note>,
    /// What was read and skipped.
    pub stats: Stats,
    /// Findings not reported, counted by why.
    pub suppressed: BTreeMap<Mechanism, u64>,
}

impl Outcome {
    /// Combines per-thread outcomes, sorted for stable output.
    fn merge(parts: impl Iterator<Item = Outcome>, started: Instant) -> Outcome {
        let mut outcome = Outcome::default();
        for part in parts {
            outcome.stats.add(&part.stats);
            outcome.findings.extend(part.findings);
            outcome.notes.extend(part.notes);
            for (mechanism, count) in part.suppressed {
                *outcome.suppressed.entry(mechanism).or_default() += count;
            }
        }
        outcome.findings.sort_by(|a, b| {
            (&a.origin.path, a.start, a.rule).cmp(&(&b.origin.path, b.start, b.rule))
        });
        outcome
            .notes
            .sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.path.cmp(&b.path)));
        outcome.stats.elapsed = started.elapsed();
        outcome
    }

    /// Whether content that should have been scanned was not.
    pub fn is_incomplete(&self) -> bool {
        self.notes.iter().any(|note| note.level == Level::Error)
    }
}

/// Scans files and directories under `roots`.
pub fn scan_dirs(scanner: &Scanner, roots: &[PathBuf], options: &DirOptions) -> Outcome {
    let started = Instant::now();
    let visitors = dir::walk(roots, options, || Collector::new(scanner));
    Outcome::merge(visitors.into_iter().map(|visitor| visitor.outcome), started)
}

/// Scans the history of `repo`: every blob of the selected commits, once.
pub fn scan_history(
    scanner: &Scanner,
    repo: &git2::Repository,
    options: &HistoryOptions,
    progress: &Progress,
) -> Result<Outcome, GitError> {
    let started = Instant::now();
    let plan = history::plan(repo, options, progress)?;
    let mut walked = Collector::new(scanner);
    walked.outcome.stats.commits = plan.commits;
    if plan.shallow {
        let message = "shallow clone: commits before the shallow boundary are not in the \
                       repository and were not scanned (fetch with --unshallow for all history)";
        walked.note(
            Level::Warning,
            repo.path().to_path_buf(),
            message.to_owned(),
        );
    }
    for (path, reason) in &plan.skipped {
        walked.skipped(path.clone(), reason.clone());
    }
    let visitors = history::read(repo.path(), &plan, options, progress, || {
        Collector::new(scanner)
    });
    let outcomes = std::iter::once(walked)
        .chain(visitors)
        .map(|visitor| visitor.outcome);
    let mut outcome = Outcome::merge(outcomes, started);
    keep_first_introduction(&mut outcome.findings);
    Ok(outcome)
}

/// Keeps, of the findings of one secret at one path, the one in the earliest commit: a
/// file whose other lines change is a new blob each time, but the secret in it was
/// introduced once. It is history-only only if no version of it is in `HEAD`.
/// Findings stay in report order.
fn keep_first_introduction(findings: &mut Vec<Finding>) {
    let order = |finding: &Finding| {
        finding
            .origin
            .commit
            .as_ref()
            .map_or(0, |commit| commit.order)
    };
    // For each (path, secret): the earliest finding, and whether any version is in HEAD.
    let mut groups: HashMap<(PathBuf, String), (usize, bool)> = HashMap::new();
    for (index, finding) in findings.iter().enumerate() {
        let key = (finding.origin.path.clone(), finding.fingerprint.clone());
        let in_head = !finding.origin.history_only;
        let group = groups.entry(key).or_insert((index, in_head));
        if order(finding) < order(&findings[group.0]) {
            group.0 = index;
        }
        group.1 |= in_head;
    }
    let kept: HashMap<usize, bool> = groups.into_values().collect();
    let mut index = 0;
    findings.retain_mut(|finding| {
        let verdict = kept.get(&index).copied();
        index += 1;
        match verdict {
            Some(in_head) => {
                finding.origin.history_only = !in_head;
                true
            }
            None => false,
        }
    });
}

/// Scans what is staged in `repo`, reporting only secrets on the lines the commit adds;
/// `files` with no staged change are scanned whole (see [`staged::read`]).
pub fn scan_staged(
    scanner: &Scanner,
    repo: &git2::Repository,
    files: &[PathBuf],
    limits: Limits,
) -> Result<Outcome, GitError> {
    let started = Instant::now();
    let mut collector = Collector::new(scanner);
    staged::read(repo, files, limits, &mut collector)?;
    Ok(Outcome::merge(std::iter::once(collector.outcome), started))
}

/// A per-thread visitor: runs the engine on each blob and keeps what it finds.
struct Collector<'s> {
    scanner: &'s Scanner,
    outcome: Outcome,
}

impl<'s> Collector<'s> {
    fn new(scanner: &'s Scanner) -> Self {
        Collector {
            scanner,
            outcome: Outcome::default(),
        }
    }

    fn note(&mut self, level: Level, path: PathBuf, message: String) {
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
        if std::str::from_utf8(blob.data).is_err() {
            stats.not_utf8 += 1;
            let message = "not valid UTF-8; scanned as bytes".to_owned();
            self.note(Level::Info, blob.origin.path.clone(), message);
        }
        let engine = &self.scanner.engine;
        let mut matches = engine.scan(blob.data);
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
        let findings = Finding::from_matches(engine.rules(), &blob.origin, blob.data, matches);
        let Some(suppressor) = &self.scanner.suppressor else {
            return self.outcome.findings.extend(findings);
        };
        // Findings come in position order: each line's context is worked out once.
        let data = blob.data;
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
