//! What a scan produced: findings, notes about paths, counts, suppressions, and what
//! was scanned. The reports' input; built by the pipeline.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::finding::Finding;
use crate::shard::Shard;

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
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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
    /// Blobs a partial clone never fetched, not scanned (the result is incomplete).
    pub not_fetched: u64,
    /// Commits walked (history scans).
    pub commits: u64,
    /// Commit and annotated tag messages scanned (history scans).
    pub messages: u64,
    /// Files that are not valid UTF-8 (scanned as bytes).
    pub not_utf8: u64,
    /// Paths that could not be read.
    pub errors: u64,
    /// Wall-clock time of the scan.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

impl Stats {
    /// Adds `other`'s counts to these (not its time).
    pub(crate) fn add(&mut self, other: &Stats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.skipped_binary += other.skipped_binary;
        self.skipped_too_large += other.skipped_too_large;
        self.skipped_symlinks += other.skipped_symlinks;
        self.skipped_special += other.skipped_special;
        self.skipped_submodules += other.skipped_submodules;
        self.skipped_lfs += other.skipped_lfs;
        self.not_fetched += other.not_fetched;
        self.commits += other.commits;
        self.messages += other.messages;
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
    /// The scanned roots (directories, files, or the repository's working tree).
    pub roots: Vec<PathBuf>,
    /// For git scans: the repository's origin and revision.
    pub provenance: Option<Provenance>,
    /// The part of a scan split over several runs (`--shard`) this is, if it is one.
    pub shard: Option<Shard>,
    /// For a scan of several repositories in one run: each one's summary, in the order
    /// they were given. Findings name theirs by index ([`Finding::repository`]).
    pub repositories: Vec<Repository>,
}

impl Outcome {
    /// Combines per-thread outcomes, sorted for stable output.
    pub(crate) fn merge(parts: impl Iterator<Item = Outcome>) -> Outcome {
        let mut outcome = Outcome::default();
        for part in parts {
            outcome.stats.add(&part.stats);
            outcome.findings.extend(part.findings);
            outcome.notes.extend(part.notes);
            for (mechanism, count) in part.suppressed {
                *outcome.suppressed.entry(mechanism).or_default() += count;
            }
        }
        outcome.findings.sort_by(Finding::report_order);
        outcome
            .notes
            .sort_by(|a, b| (b.level, &a.path, &a.message).cmp(&(a.level, &b.path, &b.message)));
        outcome
    }

    /// Whether content that should have been scanned was not.
    pub fn is_incomplete(&self) -> bool {
        self.notes.iter().any(|note| note.level == Level::Error)
    }
}

/// Why a finding was not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mechanism {
    /// A `keyscan:allow` (or `gitleaks:allow`, `pragma: allowlist secret`) marker.
    Inline,
    /// The path matches `allowlist.paths`.
    AllowlistPath,
    /// The secret matches `allowlist.secrets`.
    AllowlistSecret,
    /// The line matches `allowlist.lines`.
    AllowlistLine,
    /// The secret contains an `allowlist.stopwords` word.
    Stopword,
    /// An `[[allowlists]]` entry allows it.
    AllowlistEntry,
    /// The finding is below `rules.min_severity`.
    MinSeverity,
    /// The finding's fingerprint is in the baseline.
    Baseline,
    /// A `.gitleaksignore` line names it.
    Gitleaksignore,
    /// `--only-live`, and its provider did not accept the secret.
    NotLive,
}

impl Mechanism {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::Inline => "inline",
            Mechanism::AllowlistPath => "allowlist-path",
            Mechanism::AllowlistSecret => "allowlist-secret",
            Mechanism::AllowlistLine => "allowlist-line",
            Mechanism::Stopword => "stopword",
            Mechanism::AllowlistEntry => "allowlist-entry",
            Mechanism::MinSeverity => "min-severity",
            Mechanism::Baseline => "baseline",
            Mechanism::Gitleaksignore => "gitleaksignore",
            Mechanism::NotLive => "not-live",
        }
    }
}

/// One repository of a scan of several: what it is, and what its scan came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Repository {
    /// The path it was given as.
    pub path: PathBuf,
    /// Its working tree (or git directory, when bare), which its findings' paths are
    /// relative to; `None` when it could not be opened.
    pub root: Option<PathBuf>,
    /// Its origin and revision.
    pub provenance: Option<Provenance>,
    /// What its scan read and skipped.
    pub stats: Stats,
    /// How many findings it gave.
    pub findings: usize,
    /// Whether its result is incomplete: content went unscanned, or it could not be
    /// scanned at all.
    pub incomplete: bool,
}

/// Where a repository's origin and current commit are, for SARIF's
/// `versionControlProvenance`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The `origin` remote's URL, with any user name or password removed.
    pub repository_uri: Option<String>,
    /// The commit `HEAD` points at.
    pub revision_id: Option<String>,
    /// The branch `HEAD` is on.
    pub branch: Option<String>,
}
