//! Progress of a long scan: counters the walking and reading threads bump, for
//! whoever wants to show them.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Counters of a history scan, updated by the walking and reading threads.
#[derive(Debug, Default)]
pub struct Progress {
    commits: AtomicU64,
    blobs_total: AtomicU64,
    blobs_done: AtomicU64,
    bytes_done: AtomicU64,
}

impl Progress {
    /// One more commit walked.
    pub fn commit_walked(&self) {
        self.commits.fetch_add(1, Relaxed);
    }

    /// The walk is done: `blobs` unique blobs are to be read.
    pub fn blobs_planned(&self, blobs: u64) {
        self.blobs_total.store(blobs, Relaxed);
    }

    /// One more blob read, of `bytes` bytes.
    pub fn blob_read(&self, bytes: u64) {
        self.blobs_done.fetch_add(1, Relaxed);
        self.bytes_done.fetch_add(bytes, Relaxed);
    }

    /// The counters as they are now.
    pub fn snapshot(&self) -> Counts {
        Counts {
            commits: self.commits.load(Relaxed),
            blobs_total: self.blobs_total.load(Relaxed),
            blobs_done: self.blobs_done.load(Relaxed),
            bytes_done: self.bytes_done.load(Relaxed),
        }
    }
}

/// A reading of a [`Progress`]'s counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Commits walked.
    pub commits: u64,
    /// Unique blobs to read; 0 while the commits are still being walked.
    pub blobs_total: u64,
    /// Blobs read.
    pub blobs_done: u64,
    /// Bytes read.
    pub bytes_done: u64,
}
