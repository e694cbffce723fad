//! Reading the blobs and messages a history [`Plan`] lists, in parallel, and handing
//! each to a visitor with where it was first seen.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{Odb, Oid, Repository};
use gix_hash::ObjectId;
use rayon::prelude::*;

use super::history::{Plan, Site};
use super::packed;
use crate::finding::Origin;
use crate::shard::Shard;
use crate::source::progress::Progress;
use crate::source::{Blob, Limits, Skip, Visitor};

/// How every git LFS pointer file starts.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// Objects scanned ahead: each one's id, with its counts or `None` (see [`Ahead`]).
pub type Scanned<T> = Vec<(Oid, Option<T>)>;

/// What scanning ahead came to, for each object it scanned: its counts, or `None` when
/// it must be scanned again where the plan places it. Sorted by object id.
#[derive(Debug)]
pub struct Ahead<T> {
    scanned: Scanned<T>,
}

impl<T> Ahead<T> {
    /// What was scanned ahead: each object's id, with its counts or `None`. An object
    /// in two packs may come twice, scanned the same way both times.
    pub(super) fn new(mut scanned: Scanned<T>) -> Self {
        scanned.sort_unstable_by_key(|(id, _)| *id);
        scanned.dedup_by_key(|(id, _)| *id);
        Ahead { scanned }
    }

    /// Whether object `id` was scanned ahead and gave nothing but counts; if so, they
    /// are added to `visitor`.
    pub(super) fn counted<V: Visitor<Tally = T>>(&self, id: Oid, visitor: &mut V) -> bool {
        let Ok(at) = self
            .scanned
            .binary_search_by(|(scanned, _)| scanned.cmp(&id))
        else {
            return false;
        };
        match &self.scanned[at].1 {
            Some(tally) => {
                visitor.tally(tally);
                true
            }
            None => false,
        }
    }
}

/// How the planned blobs are read: what to skip, on how many threads, and the
/// counters to bump.
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    /// Size cap and binary handling.
    pub limits: Limits,
    /// Worker threads; 0 picks one per core.
    pub threads: usize,
    /// Blobs and bytes read so far.
    pub progress: &'a Progress,
    /// The part of the history to read: the blobs of its directories, and the
    /// messages in the first part.
    pub shard: Shard,
}

/// Reads the planned blobs and messages in parallel and hands each to a visitor made
/// by `make_visitor`. Returns the visitors. Those `ahead` scanned with nothing to show
/// but counts are only counted.
///
/// Packs that hold many planned blobs are decoded whole ([`packed`]); the rest are
/// read by id, one repository handle per chunk of work.
pub fn read<V, F>(
    git_dir: &Path,
    plan: &Plan,
    ahead: Option<&Ahead<V::Tally>>,
    reading: Reading<'_>,
    make_visitor: F,
) -> Vec<V>
where
    V: Visitor,
    F: Fn() -> V + Sync,
{
    let Reading {
        limits,
        threads,
        progress,
        shard,
    } = reading;
    let threads = worker_threads(threads);
    let mut counted = make_visitor();
    let mut scanned = |id: Oid| ahead.is_some_and(|ahead| ahead.counted(id, &mut counted));
    let pending: Vec<&Site> = plan
        .sites
        .iter()
        .filter(|site| {
            shard.holds_dir(site.path.parent().unwrap_or(Path::new(""))) && !scanned(site.blob)
        })
        .collect();
    let messages: Vec<&(Oid, Origin)> = plan
        .messages
        .iter()
        .filter(|(id, _)| shard.holds_messages() && !scanned(*id))
        .collect();
    let wanted: packed::Wanted = pending
        .iter()
        .enumerate()
        .filter_map(|(at, site)| Some((ObjectId::try_from(site.blob.as_bytes()).ok()?, at)))
        .collect();
    let decode = packed::DecodeOptions {
        threads,
        alloc_limit: alloc_limit(limits),
    };
    // A linked worktree's objects live in the main repository's directory.
    let common_dir = Repository::open(git_dir).map_or_else(
        |_| git_dir.to_path_buf(),
        |repo| repo.commondir().to_path_buf(),
    );
    let (mut visitors, delivered) = packed::decode_packs(
        &common_dir,
        &wanted,
        decode,
        &make_visitor,
        |visitor, at, data| {
            let site = pending[at];
            let in_head = plan.head_blobs.contains(&site.blob);
            progress.blob_read(deliver(site, data, in_head, limits, visitor));
        },
    );
    let rest: Vec<&Site> = pending
        .iter()
        .copied()
        .zip(&delivered)
        .filter(|(_, delivered)| !**delivered)
        .map(|(site, _)| site)
        .collect();
    let packs = packed::PackedSizes::new(&common_dir);
    let chunk = rest.len().div_ceil(threads * 16).max(1);
    let read_chunk = |sites: &[&Site]| {
        let mut visitor = make_visitor();
        let read = with_odb(git_dir, |odb| {
            for site in sites {
                progress.blob_read(read_site(odb, &packs, site, plan, limits, &mut visitor));
            }
        });
        if let Err(err) = read {
            for site in sites {
                visitor.skipped(
                    site.path.clone(),
                    Skip::Unreadable(err.message().to_owned()),
                );
                progress.blob_read(0);
            }
        }
        visitor
    };
    let read_messages = |messages: &[&(Oid, Origin)]| {
        let mut visitor = make_visitor();
        let read = with_odb(git_dir, |odb| {
            for (id, origin) in messages {
                read_message(odb, *id, origin, limits, &mut visitor);
            }
        });
        if let Err(err) = read {
            for (id, origin) in messages {
                let reason = Skip::Unreadable(err.message().to_owned());
                visitor.skipped(message_shown(*id, origin), reason);
            }
        }
        visitor
    };
    let message_chunk = messages.len().div_ceil(threads * 4).max(1);
    let by_id: Vec<V> = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(|| {
            let mut read: Vec<V> = rest.par_chunks(chunk).map(read_chunk).collect();
            read.par_extend(messages.par_chunks(message_chunk).map(read_messages));
            read
        }),
        Err(_) => rest
            .chunks(chunk)
            .map(read_chunk)
            .chain(messages.chunks(message_chunk).map(read_messages))
            .collect(),
    };
    visitors.extend(by_id);
    visitors.push(counted);
    visitors
}

/// The worker threads to use for `threads` (0: one per core).
pub(super) fn worker_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

/// The least a pack decode may allocate for one object, whatever the size cap: with a
/// cap of 1 MB, one larger blob would otherwise turn its whole pack over to reads by id.
const MIN_ALLOC_LIMIT: u64 = 128 << 20;

/// The largest allocation a pack decode may make: the size cap or
/// [`MIN_ALLOC_LIMIT`], whichever is larger, so that a blob that inflates to gigabytes
/// is never built. A pack needing more (such a blob, or a delta base over the limit)
/// is left to reads by id, which check sizes before reading. A blob decoded over the
/// cap is skipped as reads by id skip it.
pub(super) fn alloc_limit(limits: Limits) -> usize {
    usize::try_from(limits.max_file_size.max(MIN_ALLOC_LIMIT)).unwrap_or(usize::MAX)
}

/// Runs `work` with the object database of the repository at `git_dir`.
fn with_odb<T>(git_dir: &Path, work: impl FnOnce(&Odb<'_>) -> T) -> Result<T, git2::Error> {
    let repo = Repository::open(git_dir)?;
    let odb = repo.odb()?;
    Ok(work(&odb))
}

/// Hands the message of commit or tag `id` to `visitor` as content from `origin`: the
/// object's text after its headers.
fn read_message<V: Visitor>(
    odb: &Odb<'_>,
    id: Oid,
    origin: &Origin,
    limits: Limits,
    visitor: &mut V,
) {
    match odb.read(id) {
        Ok(object) => deliver_message(id, object.data(), origin, limits, visitor),
        Err(err) => {
            let reason = format!("object {id} is missing or corrupt: {}", err.message());
            visitor.skipped(message_shown(id, origin), Skip::Unreadable(reason));
        }
    }
}

/// Hands the message in `data`, the content of commit or tag `id`, to `visitor` as
/// content from `origin`: the text after the object's headers.
pub(super) fn deliver_message<V: Visitor>(
    id: Oid,
    data: &[u8],
    origin: &Origin,
    limits: Limits,
    visitor: &mut V,
) {
    let message = memchr::memmem::find(data, b"\n\n").map_or(&data[..0], |at| &data[at + 2..]);
    let skip = limits
        .skip_size(message.len() as u64)
        .or_else(|| limits.skip_content(message));
    match skip {
        Some(reason) => visitor.skipped(message_shown(id, origin), reason),
        None => visitor.blob(Blob {
            origin: origin.clone(),
            data: message,
            lines: None,
        }),
    }
}

/// How notes name a message: `commit message of 1a2b3c4d5e6f`.
fn message_shown(id: Oid, origin: &Origin) -> PathBuf {
    let id = id.to_string();
    PathBuf::from(format!("{} of {}", origin.path().display(), &id[..12]))
}

/// How notes name a blob, the way git does: `commit:path`.
fn shown(site: &Site) -> PathBuf {
    PathBuf::from(format!("{}:{}", &site.commit.id[..12], site.path.display()))
}

/// Reads one blob by id and hands it, or why it was skipped, to `visitor`. Returns the
/// bytes read from the object store.
fn read_site<V: Visitor>(
    odb: &Odb<'_>,
    packs: &packed::PackedSizes,
    site: &Site,
    plan: &Plan,
    limits: Limits,
    visitor: &mut V,
) -> u64 {
    let missing = |err: git2::Error| {
        Skip::Unreadable(format!(
            "blob {} is missing or corrupt: {}",
            site.blob,
            err.message()
        ))
    };
    let skip = match odb.read_header(site.blob) {
        Ok((size, _)) => limits
            .skip_size(size as u64)
            .and_then(|too_large| confirmed(too_large, site.blob, packs, limits)),
        Err(err) if plan.partial && err.code() == git2::ErrorCode::NotFound => {
            Some(Skip::NotFetched)
        }
        Err(err) => Some(missing(err)),
    };
    if let Some(reason) = skip {
        visitor.skipped(shown(site), reason);
        return 0;
    }
    match odb.read(site.blob) {
        Ok(object) => {
            let in_head = plan.head_blobs.contains(&site.blob);
            deliver(site, object.data(), in_head, limits, visitor)
        }
        Err(err) => {
            visitor.skipped(shown(site), missing(err));
            0
        }
    }
}

/// `too_large`, libgit2's verdict on `blob`, confirmed from the blob's pack entry where
/// it has one ([`packed::PackedSizes`] says why): the skip that stands, if any.
fn confirmed(
    too_large: Skip,
    blob: Oid,
    packs: &packed::PackedSizes,
    limits: Limits,
) -> Option<Skip> {
    let Ok(id) = ObjectId::try_from(blob.as_bytes()) else {
        return Some(too_large);
    };
    match packs.size(&id) {
        None => Some(too_large),
        Some(Ok(size)) => limits.skip_size(size),
        Some(Err(reason)) => Some(Skip::Unreadable(format!(
            "blob {blob} is corrupt: {reason}"
        ))),
    }
}

/// Whether `data` is a Git LFS pointer file as the specification defines it: under
/// 1024 bytes, the version line first, then `key value` lines only (lowercase keys),
/// with a SHA-256 `oid` and a `size`. A blob that merely begins like one (content
/// after the pointer lines, or longer) is scanned: it can hold anything.
fn is_lfs_pointer(data: &[u8]) -> bool {
    let Some(rest) = data
        .strip_prefix(LFS_POINTER)
        .and_then(|rest| rest.strip_prefix(b"\n"))
    else {
        return false;
    };
    if data.len() >= 1024 || !rest.ends_with(b"\n") {
        return false;
    }
    let (mut oid, mut size) = (false, false);
    for line in rest[..rest.len() - 1].split(|&b| b == b'\n') {
        let Some(space) = line.iter().position(|&b| b == b' ') else {
            return false;
        };
        let (key, value) = (&line[..space], &line[space + 1..]);
        let key_ok = !key.is_empty()
            && key
                .iter()
                .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !key_ok || value.is_empty() || value.iter().any(|b| b.is_ascii_control()) {
            return false;
        }
        match key {
            b"oid" => {
                oid = value.strip_prefix(b"sha256:").is_some_and(|hex| {
                    hex.len() == 64 && hex.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                })
            }
            b"size" => size = value.iter().all(u8::is_ascii_digit),
            _ => {}
        }
    }
    oid && size
}

/// Hands a blob's content to `visitor`, or why it is not scanned (over the size cap,
/// binary, LFS pointer); `in_head` when `HEAD` has it too. Returns its size, or 0 if
/// it is over the cap.
pub(super) fn deliver<V: Visitor>(
    site: &Site,
    data: &[u8],
    in_head: bool,
    limits: Limits,
    visitor: &mut V,
) -> u64 {
    if let Some(reason) = limits.skip_size(data.len() as u64) {
        visitor.skipped(shown(site), reason);
        return 0;
    }
    if let Some(reason) = limits.skip_content(data) {
        visitor.skipped(shown(site), reason);
    } else if is_lfs_pointer(data) {
        visitor.skipped(shown(site), Skip::LfsPointer);
    } else {
        let origin = Origin::GitBlob {
            path: site.path.clone(),
            commit: Arc::clone(&site.commit),
            history_only: !in_head,
            blob: site.blob.to_string(),
            last_seen: None,
        };
        visitor.blob(Blob {
            origin,
            data,
            lines: None,
        });
    }
    data.len() as u64
}
