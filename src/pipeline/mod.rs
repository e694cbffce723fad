//! One scan, whatever is scanned: a [`Source`]'s blobs through the engine into
//! findings, through the filters, into one [`Outcome`] with the counts and notes that
//! make every skipped or troubled path visible.

mod collector;
mod findings;
mod pairing;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use git2::Repository;

pub use findings::findings_of;

use crate::engine::Engine;
use crate::error::Error;
use crate::filter::Suppressor;
use crate::fingerprint::{Fingerprinter, SLOW_BUDGET};
use crate::outcome::{Level, Note, Outcome};
use crate::shard::Shard;
use crate::source::dir::{self, DirOptions};
use crate::source::git::blobs::{self, Reading};
use crate::source::git::history::{self, HistoryScope};
use crate::source::git::{self, ahead, staged};
use crate::source::progress::Progress;
use crate::source::{Limits, Visitor};
use collector::Collector;

/// What to scan.
pub enum Source {
    /// Files and directories.
    Paths(Vec<PathBuf>),
    /// A repository's history: every blob of the selected commits, once, attributed to
    /// the commit that introduced it.
    History {
        /// The repository.
        repo: Repository,
        /// Which commits.
        scope: HistoryScope,
    },
    /// What is staged in a repository: only secrets on the lines the commit adds.
    Staged {
        /// The repository.
        repo: Repository,
        /// Files as the pre-commit framework names them: staged ones by the lines they
        /// add, others whole. Empty: every staged change.
        files: Vec<PathBuf>,
    },
}

/// Everything a scan runs with, resolved from flags, configuration and defaults.
#[derive(Debug)]
pub struct Settings {
    /// The matching engine over the rules in force.
    pub engine: Engine,
    /// Inline markers, allowlists, minimum severity and baseline; `None` reports
    /// everything, as `--no-suppress` asks.
    pub suppressor: Option<Suppressor>,
    /// The fingerprints of the findings reported, salted as the baseline says.
    pub fingerprinter: Fingerprinter,
    /// Size cap and binary handling.
    pub limits: Limits,
    /// Honour .gitignore, .ignore and .keyscanignore (directory scans).
    pub ignore_files: bool,
    /// Follow symbolic links (directory scans).
    pub follow_symlinks: bool,
    /// The path findings in standard input are reported at (a root of `-`).
    pub stdin_name: PathBuf,
    /// Scan what decodes from a blob too: UTF-16 text, base64 values, escaped JSON
    /// strings.
    pub decode: bool,
    /// Worker threads; 0 picks one per core.
    pub threads: usize,
    /// Which part of the scan this run is ([`Shard::WHOLE`] for all of it).
    pub shard: Shard,
    /// Counters a progress display can watch (history scans bump them).
    pub progress: Arc<Progress>,
}

/// Scans `source` with `settings`. An error means the scan could not start (a
/// revision that does not resolve, a repository that cannot be read); content that
/// could not be read is a note in the outcome, which is then incomplete.
pub fn scan(source: &Source, settings: &Settings) -> Result<Outcome, Error> {
    let started = Instant::now();
    let mut outcome = match source {
        Source::Paths(roots) => {
            let options = DirOptions {
                limits: settings.limits,
                ignore_files: settings.ignore_files,
                follow_symlinks: settings.follow_symlinks,
                threads: settings.threads,
                stdin_name: settings.stdin_name.clone(),
                shard: settings.shard,
            };
            let visitors = dir::walk(roots, &options, || Collector::new(settings));
            let mut outcome = finish(visitors, settings);
            outcome.roots = roots.clone();
            outcome
        }
        Source::History { repo, scope } => {
            let mut outcome = scan_history(repo, scope, settings)?;
            outcome.roots = vec![git::root(repo)];
            outcome.provenance = Some(git::provenance(repo));
            outcome
        }
        Source::Staged { repo, files } => {
            let mut collector = Collector::new(settings);
            staged::read(repo, files, settings.limits, &mut collector)?;
            let mut outcome = finish([collector], settings);
            outcome.roots = vec![git::root(repo)];
            outcome
        }
    };
    let over_budget = settings.fingerprinter.over_budget();
    if over_budget > 0
        && let Some(root) = outcome.roots.first()
    {
        outcome.notes.push(Note {
            level: Level::Warning,
            path: root.clone(),
            message: format!(
                "more than {SLOW_BUDGET} distinct guessable secrets: {over_budget} more got a \
                 fast fingerprint, which a baseline or SARIF file would give away, and which \
                 an older baseline's entry for the same secret may not match"
            ),
        });
    }
    outcome.stats.elapsed = started.elapsed();
    outcome.shard = (!settings.shard.is_whole()).then_some(settings.shard);
    Ok(outcome)
}

/// The outcome of every thread's collector, with secrets paired across files.
fn finish<'s>(collectors: impl IntoIterator<Item = Collector<'s>>, settings: &Settings) -> Outcome {
    let mut loose = Vec::new();
    let mut outcome = Outcome::merge(collectors.into_iter().map(|collector| {
        loose.extend(collector.loose);
        collector.outcome
    }));
    let rules = settings.engine.rules();
    pairing::pair_across_files(&mut outcome.findings, loose, rules);
    // Here, where every finding's path is known (history scans blobs before it is).
    outcome
        .findings
        .retain(|finding| rules[finding.rule].applies_to(finding.origin.path()));
    let items: Vec<(&str, &str)> = outcome
        .findings
        .iter()
        .map(|finding| (rules[finding.rule].id.as_str(), finding.secret.as_str()))
        .collect();
    let fingerprints = settings.fingerprinter.all(&items);
    for (finding, fingerprint) in outcome.findings.iter_mut().zip(fingerprints) {
        finding.fingerprint = fingerprint;
    }
    if let Some(suppressor) = &settings.suppressor {
        let suppressed = &mut outcome.suppressed;
        outcome.findings.retain(
            |finding| match suppressor.reason_by_fingerprint(finding, rules) {
                Some(mechanism) => {
                    *suppressed.entry(mechanism).or_default() += 1;
                    false
                }
                None => true,
            },
        );
    }
    outcome
}

/// Every blob of the selected commits, once; each secret reported where it was first
/// introduced.
fn scan_history(
    repo: &Repository,
    scope: &HistoryScope,
    settings: &Settings,
) -> Result<Outcome, Error> {
    let reading = Reading {
        limits: settings.limits,
        threads: settings.threads,
        progress: &settings.progress,
        shard: settings.shard,
    };
    let new_collector = || Collector::new(settings);
    let (plan, ahead) = ahead::plan_while_scanning(repo, scope, reading, new_collector)?;
    let mut walked = Collector::new(settings);
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
    let visitors = blobs::read(repo.path(), &plan, ahead.as_ref(), reading, new_collector);
    let mut outcome = finish(std::iter::once(walked).chain(visitors), settings);
    history::keep_first_introduction(&mut outcome.findings);
    history::annotate(repo, &plan, &mut outcome.findings);
    if outcome.stats.not_fetched > 0 {
        outcome.notes.push(Note {
            level: Level::Error,
            path: repo.path().to_path_buf(),
            message: format!(
                "partial clone: {} blobs were never fetched (a clone with --filter) and \
                 were not scanned; fetch them (git fetch --refetch, or clone without \
                 --filter) and scan again",
                outcome.stats.not_fetched
            ),
        });
    }
    Ok(outcome)
}
