//! Every blob reachable from the selected commits, each read once and attributed to
//! the commit and path that introduced it.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{ErrorCode, ObjectType, Odb, Oid, Repository, Sort};
use gix_hash::ObjectId;
use rayon::prelude::*;

use super::afterwards::Parents;
use super::refs::{NotCommit, reflog_commits, shallow_commits, unreadable_ref, unsigned};
use super::{commit_info, packed, signed};
use crate::error::Error;
use crate::finding::{CommitInfo, Finding, Origin};
use crate::source::progress::Progress;
use crate::source::{Blob, Limits, Skip, Visitor};

/// Git's file mode for a symbolic link: its blob is a link target, not content.
const SYMLINK_MODE: i32 = 0o120000;

/// How every git LFS pointer file starts.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// Which commits to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Everything reachable from any reference: branches, tags, remotes, stash, HEAD.
    All,
    /// Everything reachable from one revision (`--branch`).
    Revision(String),
    /// A revision range such as `main..feature` (`--range`).
    Range(String),
}

/// What part of history to scan.
#[derive(Debug, Clone)]
pub struct HistoryScope {
    /// Which commits.
    pub selection: Selection,
    /// Only commits made at or after this time (seconds since the epoch).
    pub since: Option<i64>,
    /// Only commits made at or before this time (seconds since the epoch).
    pub until: Option<i64>,
    /// Only the most recent N commits of the selection.
    pub max_commits: Option<usize>,
    /// With [`Selection::All`], also the commits the reflogs name: amended, reset and
    /// dropped work, and older stash entries.
    pub reflogs: bool,
}

/// A unique blob and where it was first seen.
#[derive(Debug, Clone)]
struct Site {
    blob: Oid,
    path: PathBuf,
    commit: Arc<CommitInfo>,
}

/// The blobs to read, found by walking the selected commits oldest first.
#[derive(Debug, Default)]
pub struct Plan {
    sites: Vec<Site>,
    head_blobs: HashSet<Oid>,
    /// The commits and annotated tags whose messages are scanned, with their origins.
    messages: Vec<(Oid, Origin)>,
    /// The commits walked, oldest first and parents before children.
    walked: Vec<Oid>,
    /// Their parents among them.
    parents: Parents,
    /// Their root trees (zero for a commit that could not be read).
    roots: Vec<Oid>,
    /// Commits walked.
    pub commits: u64,
    /// Whether the repository is a shallow clone (history before the boundary is absent).
    pub shallow: bool,
    /// Whether the repository is a partial clone (blobs may never have been fetched).
    pub partial: bool,
    /// Paths that could not be walked or are not scanned (missing trees, submodules).
    pub skipped: Vec<(PathBuf, Skip)>,
}

/// Walks the selected commits and lists every blob they introduced.
///
/// Trees and blobs reachable from parents outside the selection (the base of a range,
/// commits before `since`) count as already seen, so a range reports only what its
/// commits added. Trees already walked are skipped, so each commit costs only what it
/// changed.
pub fn plan(repo: &Repository, scope: &HistoryScope, progress: &Progress) -> Result<Plan, Error> {
    let git = |err: git2::Error| {
        Error::Git(format!(
            "{}: cannot walk the history: {}",
            repo.path().display(),
            err.message()
        ))
    };
    let mut walk = repo.revwalk().map_err(git)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
        .map_err(git)?;
    let mut plan = Plan {
        shallow: repo.is_shallow(),
        partial: is_partial_clone(repo),
        ..Plan::default()
    };
    // The commits the walk starts from (not for a range), to redo it if it fails.
    let mut tips = Vec::new();
    // Annotated tags the references name, whose messages are scanned too.
    let mut tags = Vec::new();
    // References that name a tree or a blob: scanned, though not history.
    let mut not_commits = Vec::new();
    match &scope.selection {
        Selection::All => {
            let references = repo.references().map_err(git)?;
            // A ref whose object cannot be read (missing, or in a damaged pack) makes
            // the result incomplete; one naming a tree or a blob is not history.
            // HEAD is among the references unless it is detached.
            let head = repo
                .head_detached()
                .unwrap_or(false)
                .then(|| repo.head().ok())
                .flatten();
            for reference in references.flatten().chain(head) {
                if let Ok(tag) = reference.peel_to_tag() {
                    tags.push(tag.id());
                }
                match reference.peel_to_commit() {
                    Ok(commit) => tips.push(commit.id()),
                    Err(err) => match unreadable_ref(repo, &reference, &err) {
                        Some(reason) => plan.skipped.push((repo.path().to_path_buf(), reason)),
                        None => not_commits.extend(NotCommit::of(&reference)),
                    },
                }
            }
            if scope.reflogs {
                tips.extend(reflog_commits(repo, &mut plan.skipped));
            }
            for tip in &tips {
                walk.push(*tip).map_err(git)?;
            }
        }
        Selection::Revision(revision) => {
            let object = repo
                .revparse_single(revision)
                .map_err(|err| bad_revision(revision, &err))?;
            let commit = object.peel_to_commit().map_err(|_| {
                let kind = object.kind().map_or("object", |kind| kind.str());
                Error::Git(format!("{revision}: names a {kind}, not a commit"))
            })?;
            tips.push(commit.id());
            walk.push(commit.id()).map_err(git)?;
        }
        Selection::Range(range) => push_range(repo, &mut walk, range)?,
    }
    let mut commits = Vec::new();
    let mut failed = false;
    for step in walk {
        match step {
            Ok(id) => commits.push(id),
            Err(err) => {
                failed = true;
                plan.skipped.push((
                    repo.path().to_path_buf(),
                    Skip::Unreadable(format!("history walk stopped: {}", err.message())),
                ));
            }
        }
    }
    if failed && !tips.is_empty() {
        commits = readable_commits(repo, &tips, &mut plan.skipped);
    }
    // Grafts and a shallow file can make a commit its own ancestor; the walk then drops
    // the commits of the cycle without an error. They are counted and scanned all the
    // same, and the damage makes the result incomplete: which commit introduced what
    // cannot be told.
    let grafted = plan.shallow || repo.path().join("info/grafts").exists();
    if grafted && !failed && matches!(scope.selection, Selection::All) {
        let mut unreadable = Vec::new();
        let reachable = readable_commits(repo, &tips, &mut unreadable);
        if reachable.len() > commits.len() {
            let message = format!(
                "the commit graph has a cycle: {} of its {} commits could not be put in \
                 order, since .git/info/grafts or .git/shallow make a commit its own \
                 ancestor; all were scanned, but which commit introduced a secret cannot \
                 be told. Fix those files and scan again",
                reachable.len() - commits.len(),
                reachable.len()
            );
            plan.skipped
                .push((repo.path().to_path_buf(), Skip::Unreadable(message)));
            plan.skipped.extend(unreadable);
            commits = reachable;
        }
    }
    if scope.since.is_some() || scope.until.is_some() {
        let (since, until) = (
            scope.since.unwrap_or(i64::MIN),
            scope.until.unwrap_or(i64::MAX),
        );
        commits.retain(|id| {
            repo.find_commit(*id)
                .is_ok_and(|commit| (since..=until).contains(&commit.time().seconds()))
        });
    }
    if let Some(max) = scope.max_commits {
        commits.drain(..commits.len().saturating_sub(max));
    }
    let mut walker = TreeWalker {
        repo,
        seen_trees: HashSet::new(),
        seen_blobs: HashSet::new(),
        plan: &mut plan,
        submodules: HashSet::new(),
    };
    let selected: HashMap<Oid, u32> = (0..)
        .zip(commits.iter().copied())
        .map(|(at, id)| (id, at))
        .collect();
    let shallow = if walker.plan.shallow {
        shallow_commits(repo)
    } else {
        HashSet::new()
    };
    // Each commit is read once: its root tree, its parents among the selected commits,
    // and who made it. Parents outside the selection (the base of a range, commits
    // before `since`) are the boundary: what their trees hold counts as already seen,
    // so they are walked before any selected commit.
    let mut boundary = HashSet::new();
    let mut read: Vec<Option<(Oid, Arc<CommitInfo>)>> = Vec::with_capacity(commits.len());
    for (order, id) in commits.iter().enumerate() {
        let commit = match repo.find_commit(*id) {
            Ok(commit) => commit,
            Err(err) => {
                walker.plan.parents.push(std::iter::empty());
                walker.plan.roots.push(Oid::ZERO_SHA1);
                walker.plan.skipped.push((
                    repo.path().to_path_buf(),
                    Skip::Unreadable(format!("commit {id}: {}", err.message())),
                ));
                read.push(None);
                continue;
            }
        };
        let mut positions = Vec::new();
        for parent in commit.parent_ids() {
            match selected.get(&parent) {
                Some(&position) => positions.push(position),
                None => {
                    if boundary.insert(parent)
                        && let Ok(tree) = repo.find_commit(parent).and_then(|parent| parent.tree())
                    {
                        walker.walk(tree.id(), None);
                    }
                }
            }
        }
        walker.plan.parents.push(positions.into_iter());
        walker.plan.roots.push(commit.tree_id());
        let mut info = commit_info(&commit, order);
        info.shallow_boundary = shallow.contains(id);
        read.push(Some((commit.tree_id(), Arc::new(info))));
    }
    for (id, read) in commits.iter().zip(read) {
        let Some((tree, info)) = read else {
            continue;
        };
        walker.walk(tree, Some(&info));
        walker
            .plan
            .messages
            .push((*id, message_origin(&info, None)));
        walker.plan.commits += 1;
        progress.commit_walked();
    }
    walker.plan.walked = commits.clone();
    for named in not_commits {
        let info = Arc::new(named.info(repo, commits.len()));
        match named.kind {
            ObjectType::Tree => walker.walk_under(named.id, named.name, Some(&info)),
            _ if walker.seen_blobs.insert(named.id) => walker.plan.sites.push(Site {
                blob: named.id,
                path: named.name,
                commit: info,
            }),
            _ => {}
        }
    }
    tags.sort();
    tags.dedup();
    for (order, id) in (commits.len()..).zip(tags) {
        if let Ok(tag) = repo.find_tag(id) {
            // Old versions of git wrote tags without a tagger.
            let info = tag
                .tagger()
                .map_or_else(|| unsigned(id, order), |tagger| signed(id, &tagger, order));
            let info = Arc::new(info);
            let name = String::from_utf8_lossy(tag.name_bytes()).into_owned();
            plan.messages.push((id, message_origin(&info, Some(name))));
        }
    }
    if let Ok(tree) = repo.head().and_then(|head| head.peel_to_tree()) {
        plan.head_blobs = all_blobs(repo, tree.id());
    }
    progress.blobs_planned(plan.sites.len() as u64);
    Ok(plan)
}

/// Where a secret in the message of `commit` (or of the annotated `tag`) was found.
fn message_origin(commit: &Arc<CommitInfo>, tag: Option<String>) -> Origin {
    let label = if tag.is_some() {
        "tag message"
    } else {
        "commit message"
    };
    Origin::GitMessage {
        label: PathBuf::from(label),
        commit: Arc::clone(commit),
        tag,
    }
}

/// Fills in, for the `findings` of the scan of `plan`, where each blob was last seen
/// and which references reach each introducing commit.
pub fn annotate(repo: &Repository, plan: &Plan, findings: &mut [Finding]) {
    super::afterwards::annotate(repo, &plan.walked, &plan.roots, &plan.parents, findings);
}

/// Why `revision` names no commit, and where to look for names that do.
fn bad_revision(revision: &str, err: &git2::Error) -> Error {
    let reason = match err.code() {
        ErrorCode::NotFound | ErrorCode::Ambiguous | ErrorCode::InvalidSpec => {
            "no branch, tag or commit has this name (`git branch -a` and `git tag` list them)"
        }
        _ => err.message(),
    };
    Error::Git(format!("{revision}: {reason}"))
}

/// Adds the commits of `range` to `walk` as git reads it: `A..B` what B has and A has
/// not (`A..` is `A..HEAD`, `..B` is `HEAD..B`), `A...B` what either has and not both
/// (their merge bases hidden), and a single revision all it reaches.
fn push_range(repo: &Repository, walk: &mut git2::Revwalk<'_>, range: &str) -> Result<(), Error> {
    let commit = |end: &str| -> Result<Oid, Error> {
        let end = if end.is_empty() { "HEAD" } else { end };
        let object = repo
            .revparse_single(end)
            .map_err(|err| Error::Git(format!("range {range}: {}", bad_revision(end, &err))))?;
        object
            .peel_to_commit()
            .map(|commit| commit.id())
            .map_err(|_| Error::Git(format!("range {range}: {end} names no commit")))
    };
    let walking = |err: git2::Error| Error::Git(format!("range {range}: {}", err.message()));
    if let Some((left, right)) = range.split_once("...") {
        let (left, right) = (commit(left)?, commit(right)?);
        walk.push(left).map_err(walking)?;
        walk.push(right).map_err(walking)?;
        if let Ok(bases) = repo.merge_bases(left, right) {
            for base in bases.iter() {
                walk.hide(*base).map_err(walking)?;
            }
        }
    } else if let Some((left, right)) = range.split_once("..") {
        let (left, right) = (commit(left)?, commit(right)?);
        walk.push(right).map_err(walking)?;
        walk.hide(left).map_err(walking)?;
    } else {
        walk.push(commit(range)?).map_err(walking)?;
    }
    Ok(())
}

/// Every commit still readable from `tips`, oldest first by commit time, for when
/// libgit2's walk fails on a damaged repository (it then yields nothing). Each commit
/// that cannot be read is noted.
fn readable_commits(
    repo: &Repository,
    tips: &[Oid],
    skipped: &mut Vec<(PathBuf, Skip)>,
) -> Vec<Oid> {
    let mut seen = HashSet::new();
    let mut stack = tips.to_vec();
    let mut found = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        match repo.find_commit(id) {
            Ok(commit) => {
                stack.extend(commit.parent_ids());
                found.push((commit.time().seconds(), id));
            }
            Err(err) => skipped.push((
                repo.path().to_path_buf(),
                Skip::Unreadable(format!(
                    "commit {id} is missing or corrupt: {}",
                    err.message()
                )),
            )),
        }
    }
    found.sort();
    found.into_iter().map(|(_, id)| id).collect()
}

/// Walks trees, remembering what it has seen across commits.
struct TreeWalker<'a> {
    repo: &'a Repository,
    seen_trees: HashSet<Oid>,
    seen_blobs: HashSet<Oid>,
    plan: &'a mut Plan,
    submodules: HashSet<PathBuf>,
}

impl TreeWalker<'_> {
    /// Marks every tree and blob under `root` as seen; with `commit`, records each blob
    /// not seen before as introduced by it.
    fn walk(&mut self, root: Oid, commit: Option<&Arc<CommitInfo>>) {
        self.walk_under(root, PathBuf::new(), commit);
    }

    /// [`TreeWalker::walk`], with the paths of what `root` holds under `prefix`.
    fn walk_under(&mut self, root: Oid, prefix: PathBuf, commit: Option<&Arc<CommitInfo>>) {
        if !self.seen_trees.insert(root) {
            return;
        }
        let mut stack = vec![(root, prefix)];
        while let Some((id, prefix)) = stack.pop() {
            let tree = match self.repo.find_tree(id) {
                Ok(tree) => tree,
                Err(err) => {
                    let at = commit.map_or(String::new(), |c| format!(" in commit {}", c.id));
                    let reason = format!("tree {id}{at} is missing or corrupt: {}", err.message());
                    // The root tree of a commit has no path of its own: name the repository.
                    let at = if prefix.as_os_str().is_empty() {
                        self.repo.path().to_path_buf()
                    } else {
                        prefix
                    };
                    self.plan.skipped.push((at, Skip::Unreadable(reason)));
                    continue;
                }
            };
            for entry in tree.iter() {
                // Built only for what is recorded: most entries were seen in a parent.
                let path = || prefix.join(OsStr::from_bytes(entry.name_bytes()));
                match entry.kind() {
                    Some(ObjectType::Tree) if self.seen_trees.insert(entry.id()) => {
                        stack.push((entry.id(), path()));
                    }
                    Some(ObjectType::Blob)
                        if entry.filemode() != SYMLINK_MODE
                            && self.seen_blobs.insert(entry.id()) =>
                    {
                        if let Some(commit) = commit {
                            let site = Site {
                                blob: entry.id(),
                                path: path(),
                                commit: Arc::clone(commit),
                            };
                            self.plan.sites.push(site);
                        }
                    }
                    Some(ObjectType::Commit)
                        if commit.is_some() && self.submodules.insert(path()) =>
                    {
                        self.plan.skipped.push((path(), Skip::Submodule));
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Every blob id under `root`.
fn all_blobs(repo: &Repository, root: Oid) -> HashSet<Oid> {
    let mut blobs = HashSet::new();
    let mut seen = HashSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        let Ok(tree) = repo.find_tree(id) else {
            continue;
        };
        for entry in tree.iter() {
            match entry.kind() {
                Some(ObjectType::Tree) if seen.insert(entry.id()) => stack.push(entry.id()),
                Some(ObjectType::Blob) => {
                    blobs.insert(entry.id());
                }
                _ => {}
            }
        }
    }
    blobs
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
}

/// Reads the planned blobs in parallel and hands each to a visitor made by
/// `make_visitor`. Returns the visitors.
///
/// Packs that hold many planned blobs are decoded whole ([`packed`]); the rest are
/// read by id, one repository handle per chunk of work.
pub fn read<V, F>(git_dir: &Path, plan: &Plan, reading: Reading<'_>, make_visitor: F) -> Vec<V>
where
    V: Visitor,
    F: Fn() -> V + Sync,
{
    let Reading {
        limits,
        threads,
        progress,
    } = reading;
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let wanted: packed::Wanted = plan
        .sites
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
            let site = &plan.sites[at];
            let read = match limits.skip_size(data.len() as u64) {
                Some(reason) => {
                    visitor.skipped(shown(site), reason);
                    0
                }
                None => deliver(site, data, plan, limits, visitor),
            };
            progress.blob_read(read);
        },
    );
    let rest: Vec<&Site> = plan
        .sites
        .iter()
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
    let read_messages = |messages: &[(Oid, Origin)]| {
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
    let message_chunk = plan.messages.len().div_ceil(threads * 4).max(1);
    let by_id: Vec<V> = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(|| {
            let mut read: Vec<V> = rest.par_chunks(chunk).map(read_chunk).collect();
            read.par_extend(plan.messages.par_chunks(message_chunk).map(read_messages));
            read
        }),
        Err(_) => rest
            .chunks(chunk)
            .map(read_chunk)
            .chain(plan.messages.chunks(message_chunk).map(read_messages))
            .collect(),
    };
    visitors.extend(by_id);
    visitors
}

/// The largest allocation a pack decode may make: the size cap, so that a blob that
/// inflates to gigabytes is never built. A pack needing more (such a blob, or a delta
/// base over the cap) is left to reads by id, which check sizes before reading.
fn alloc_limit(limits: Limits) -> usize {
    usize::try_from(limits.max_file_size).unwrap_or(usize::MAX)
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
    let object = match odb.read(id) {
        Ok(object) => object,
        Err(err) => {
            let reason = format!("object {id} is missing or corrupt: {}", err.message());
            return visitor.skipped(message_shown(id, origin), Skip::Unreadable(reason));
        }
    };
    let data = object.data();
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
        Ok(object) => deliver(site, object.data(), plan, limits, visitor),
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

/// Whether `repo` is a partial clone (`git clone --filter`): its blobs are fetched on
/// demand by git, which keyscan does not do. Its configuration says so, or its packs
/// do: git marks each pack fetched from a promisor remote with a `.promisor` file,
/// which stays when the configuration is lost (a copied or mirrored object store).
fn is_partial_clone(repo: &Repository) -> bool {
    let promisor_pack = std::fs::read_dir(repo.commondir().join("objects/pack"))
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| {
            entry
                .path()
                .extension()
                .is_some_and(|ext| ext == "promisor")
        });
    if promisor_pack {
        return true;
    }
    let Ok(config) = repo.config() else {
        return false;
    };
    if config.get_string("extensions.partialclone").is_ok() {
        return true;
    }
    let Ok(mut entries) = config.entries(Some(r"remote\..*\.promisor")) else {
        return false;
    };
    let mut promisor = false;
    while let Some(Ok(entry)) = entries.next() {
        promisor |= entry.value().is_ok_and(|value| value == "true");
    }
    promisor
}

/// Hands a blob's content to `visitor`, or why it is not scanned (binary, LFS
/// pointer). Returns its size.
fn deliver<V: Visitor>(
    site: &Site,
    data: &[u8],
    plan: &Plan,
    limits: Limits,
    visitor: &mut V,
) -> u64 {
    if let Some(reason) = limits.skip_content(data) {
        visitor.skipped(shown(site), reason);
    } else if is_lfs_pointer(data) {
        visitor.skipped(shown(site), Skip::LfsPointer);
    } else {
        let origin = Origin::GitBlob {
            path: site.path.clone(),
            commit: Arc::clone(&site.commit),
            history_only: !plan.head_blobs.contains(&site.blob),
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

/// Keeps, of the findings of one secret at one path, the one in the earliest commit: a
/// file whose other lines change is a new blob each time, but the secret in it was
/// introduced once. It is history-only only if no version of it is in `HEAD`.
/// Findings stay in report order.
pub fn keep_first_introduction(findings: &mut Vec<Finding>) {
    let blob = |finding: &Finding| match &finding.origin {
        Origin::GitBlob {
            commit,
            history_only,
            ..
        } => (commit.order, !*history_only),
        Origin::GitMessage { commit, .. } => (commit.order, true),
        Origin::File { .. } | Origin::Staged { .. } => (0, true),
    };
    // For each (path, secret): the earliest finding, and whether any version is in HEAD.
    let mut groups: HashMap<(PathBuf, String), (usize, bool)> = HashMap::new();
    for (index, finding) in findings.iter().enumerate() {
        let key = (
            finding.origin.path().to_path_buf(),
            finding.fingerprint.clone(),
        );
        let (order, in_head) = blob(finding);
        let group = groups.entry(key).or_insert((index, in_head));
        if order < blob(&findings[group.0]).0 {
            group.0 = index;
        }
        group.1 |= in_head;
    }
    let kept: HashMap<usize, bool> = groups.into_values().collect();
    let mut index = 0;
    findings.retain_mut(|finding| {
        let verdict = kept.get(&index).copied();
        index += 1;
        match (verdict, &mut finding.origin) {
            (Some(in_head), Origin::GitBlob { history_only, .. }) => {
                *history_only = !in_head;
                true
            }
            (verdict, _) => verdict.is_some(),
        }
    });
}
