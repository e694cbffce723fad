//! Scanning a history's packed objects while its commits are still being walked.
//!
//! Scanning does not depend on where a blob was seen: rules have no path conditions,
//! and archives and encodings are told by content. So while the plan walks commits
//! and trees (one thread, bound by libgit2's reads), the scan's worker threads decode
//! every pack whole and scan its blobs and messages. Of each object only what it
//! counted is kept, or that it must be scanned again: the few whose scan gave a finding
//! or a note, which name where they were seen, are read again once the plan places
//! them.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use git2::{Oid, Repository};
use gix_object::Kind;

use super::blobs::{self, Ahead, Reading, Scanned, deliver, deliver_message};
use super::history::{self, HistoryScope, Plan, Selection, Site};
use super::packed;
use super::refs::unsigned;
use crate::error::Error;
use crate::source::Visitor;

/// A history's plan, and what was scanned while it was made, if anything.
pub type Planned<T> = (Plan, Option<Ahead<T>>);

/// Plans the history `scope` selects and, when it is all of history and there are
/// threads to spare, scans the repository's packed objects at the same time.
pub fn plan_while_scanning<V, F>(
    repo: &Repository,
    scope: &HistoryScope,
    reading: Reading<'_>,
    make_visitor: F,
) -> Result<Planned<V::Tally>, Error>
where
    V: Visitor,
    F: Fn() -> V + Sync,
{
    let progress = reading.progress;
    let whole = matches!(scope.selection, Selection::All)
        && scope.since.is_none()
        && scope.until.is_none()
        && scope.max_commits.is_none()
        && reading.shard.is_whole();
    if !whole || blobs::worker_threads(reading.threads) < 2 {
        return Ok((history::plan(repo, scope, progress)?, None));
    }
    let common_dir = repo.commondir().to_path_buf();
    let stop = AtomicBool::new(false);
    std::thread::scope(|threads| {
        let scanning = threads.spawn(|| scan(common_dir, reading, &make_visitor, &stop));
        let plan = history::plan(repo, scope, progress);
        // A plan that failed ends the scan: what was scanned ahead is not wanted.
        if plan.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        let ahead = scanning
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok((plan?, Some(ahead)))
    })
}

/// Decodes every pack under `common_dir` and scans its blobs, commit messages and tag
/// messages, each as if from nowhere; stops early when `stop` is set.
fn scan<V, F>(
    common_dir: PathBuf,
    reading: Reading<'_>,
    make_visitor: &F,
    stop: &AtomicBool,
) -> Ahead<V::Tally>
where
    V: Visitor,
    F: Fn() -> V + Sync,
{
    let Reading {
        limits, progress, ..
    } = reading;
    let options = packed::DecodeOptions {
        threads: blobs::worker_threads(reading.threads),
        alloc_limit: blobs::alloc_limit(limits),
    };
    // Nothing scanned ahead shows its origin, but it must have one; a commit id is
    // shown, so it has the length of one.
    let nowhere = Arc::new(unsigned(Oid::ZERO_SHA1, 0));
    let new_worker = || (make_visitor(), Vec::new());
    let process = |(visitor, scanned): &mut (V, Scanned<V::Tally>),
                   kind: Kind,
                   id: &gix_hash::oid,
                   data: &[u8]| {
        let Ok(oid) = Oid::from_bytes(id.as_bytes()) else {
            return;
        };
        let counts = match kind {
            Kind::Blob => {
                let site = Site {
                    blob: oid,
                    path: PathBuf::new(),
                    commit: Arc::clone(&nowhere),
                };
                progress.blob_read(data.len() as u64);
                visitor.ahead(|visitor| {
                    deliver(&site, data, false, limits, visitor);
                })
            }
            Kind::Commit | Kind::Tag => {
                let tag = (kind == Kind::Tag).then(String::new);
                let origin = history::message_origin(&nowhere, tag);
                visitor.ahead(|visitor| deliver_message(oid, data, &origin, limits, visitor))
            }
            Kind::Tree => return,
        };
        scanned.push((oid, counts));
    };
    let workers = packed::decode_every_object(&common_dir, options, stop, new_worker, process);
    Ahead::new(
        workers
            .into_iter()
            .flat_map(|(_, scanned)| scanned)
            .collect(),
    )
}
