//! Every blob reachable from the selected commits, listed once and attributed to the
//! commit and path that introduced it (the plan), and what history says of a
//! finding afterwards.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::Arc;

use git2::{ErrorCode, ObjectType, Oid, Repository, Sort};

use super::afterwards::Parents;
use super::refs::{NotCommit, reflog_commits, shallow_commits, unreadable_ref, unsigned};
use super::{commit_info, signed};
use crate::error::Error;
use crate::finding::{CommitInfo, Finding, Origin};
use crate::source::Skip;
use crate::source::progress::Progress;

/// Git's file mode for a symbolic link: its blob is a link target, not content.
const SYMLINK_MODE: i32 = 0o120000;

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
pub(super) struct Site {
    /// The blob.
    pub(super) blob: Oid,
    /// Its path in the commit that introduced it.
    pub(super) path: PathBuf,
    /// The commit that introduced it.
    pub(super) commit: Arc<CommitInfo>,
}

/// The blobs to read, found by walking the selected commits oldest first.
#[derive(Debug, Default)]
pub struct Plan {
    /// The blobs to read, each where it was first seen.
    pub(super) sites: Vec<Site>,
    /// The blobs `HEAD` has.
    pub(super) head_blobs: HashSet<Oid>,
    /// The commits and annotated tags whose messages are scanned, with their origins.
    pub(super) messages: Vec<(Oid, Origin)>,
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
pub(super) fn message_origin(commit: &Arc<CommitInfo>, tag: Option<String>) -> Origin {
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
