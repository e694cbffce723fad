//! What history says about a finding after it was introduced: the newest commit that
//! still has its blob (and the path there, after renames), and the references whose
//! history holds the introducing commit. Worked out once the scan is done, for the
//! findings only.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::Arc;

use git2::{ObjectType, Oid, Repository};

use crate::finding::{CommitInfo, Finding, LastSeen, MAX_REFS, Origin};

/// The parents of each walked commit, as positions in the walk (parents outside it
/// left out), kept flat: a few bytes per commit on histories of millions.
#[derive(Debug, Default)]
pub struct Parents {
    starts: Vec<u32>,
    list: Vec<u32>,
}

impl Parents {
    /// Records the parents of the next commit of the walk.
    pub fn push(&mut self, parents: impl Iterator<Item = u32>) {
        self.starts.push(self.list.len() as u32);
        self.list.extend(parents);
    }

    /// The parents of the commit at `position`.
    fn of(&self, position: usize) -> &[u32] {
        let Some(&start) = self.starts.get(position) else {
            return &[];
        };
        let end = self
            .starts
            .get(position + 1)
            .map_or(self.list.len(), |&end| end as usize);
        &self.list[start as usize..end]
    }
}

/// Fills in, for `findings` of a history scan whose commits were `walked` (oldest
/// first, parents before children, with their `parents`), where each blob was last
/// seen and which references reach each commit.
pub fn annotate(
    repo: &Repository,
    walked: &[Oid],
    roots: &[Oid],
    parents: &Parents,
    findings: &mut [Finding],
) {
    if findings.is_empty() {
        return;
    }
    let wanted: HashSet<Oid> = findings
        .iter()
        .filter_map(|finding| match &finding.origin {
            Origin::GitBlob { blob, .. } => Oid::from_str(blob).ok(),
            _ => None,
        })
        .collect();
    let last_seen = last_seen(repo, walked, roots, wanted);
    let reach = References::reaching(repo, walked, parents);
    let mut annotated: HashMap<String, Arc<CommitInfo>> = HashMap::new();
    for finding in findings.iter_mut() {
        let commit = match &mut finding.origin {
            Origin::GitBlob {
                commit,
                blob,
                last_seen: seen,
                ..
            } => {
                *seen = Oid::from_str(blob)
                    .ok()
                    .and_then(|blob| last_seen.get(&blob).cloned());
                commit
            }
            Origin::GitMessage { commit, .. } => commit,
            Origin::File { .. } | Origin::Staged { .. } => continue,
        };
        let updated = annotated.entry(commit.id.clone()).or_insert_with(|| {
            let mut info = CommitInfo::clone(commit);
            if let Ok(id) = Oid::from_str(&info.id) {
                (info.refs, info.more_refs) = reach.names(id);
            }
            Arc::new(info)
        });
        *commit = Arc::clone(updated);
    }
}

/// For each blob of `wanted`, the newest of the `walked` commits (whose root trees are
/// `roots`) that has it, and its path there: trees walked newest commit first, each
/// once, stopping when every blob is placed. (libgit2 serialises pack reads behind one
/// lock: walking spans of history on several threads was no faster.)
fn last_seen(
    repo: &Repository,
    walked: &[Oid],
    roots: &[Oid],
    wanted: HashSet<Oid>,
) -> HashMap<Oid, LastSeen> {
    let mut found: HashMap<Oid, LastSeen> = HashMap::new();
    let mut seen_trees = HashSet::new();
    for (at, root) in roots.iter().enumerate().rev() {
        if found.len() == wanted.len() {
            break;
        }
        if root.is_zero() || !seen_trees.insert(*root) {
            continue;
        }
        let mut stack = vec![(*root, PathBuf::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            let Ok(tree) = repo.find_tree(tree_id) else {
                continue;
            };
            for entry in tree.iter() {
                let path = || prefix.join(OsStr::from_bytes(entry.name_bytes()));
                match entry.kind() {
                    Some(ObjectType::Tree) if seen_trees.insert(entry.id()) => {
                        stack.push((entry.id(), path()));
                    }
                    Some(ObjectType::Blob)
                        if wanted.contains(&entry.id()) && !found.contains_key(&entry.id()) =>
                    {
                        let seen = LastSeen {
                            path: path(),
                            commit: walked[at].to_string(),
                        };
                        found.insert(entry.id(), seen);
                    }
                    _ => {}
                }
            }
        }
    }
    found
}

/// Which references reach each walked commit: the first [`MAX_REFS`] + 1 of them in
/// the order people look for them (branches, remote branches, tags, the rest).
struct References {
    names: Vec<String>,
    reaching: HashMap<Oid, Vec<u32>>,
}

impl References {
    /// Works the references out for every commit of `walked` in one pass, children
    /// before parents: a commit is reached by what reaches its children and by the
    /// references that name it.
    fn reaching(repo: &Repository, walked: &[Oid], parents: &Parents) -> References {
        let mut tips: Vec<(u8, String, Oid)> = Vec::new();
        if let Ok(references) = repo.references() {
            for reference in references.flatten() {
                let (Ok(name), Ok(commit)) = (reference.shorthand(), reference.peel_to_commit())
                else {
                    continue;
                };
                let rank = if reference.is_branch() {
                    0
                } else if reference.is_remote() {
                    1
                } else if reference.is_tag() {
                    2
                } else {
                    3
                };
                tips.push((rank, name.to_owned(), commit.id()));
            }
        }
        if repo.head_detached().unwrap_or(false)
            && let Ok(head) = repo.head().and_then(|head| head.peel_to_commit())
        {
            tips.push((0, "HEAD".to_owned(), head.id()));
        }
        tips.sort();
        let mut reaching: HashMap<Oid, Vec<u32>> = HashMap::new();
        for (index, (_, _, commit)) in tips.iter().enumerate() {
            reaching.entry(*commit).or_default().push(index as u32);
        }
        for (position, id) in walked.iter().enumerate().rev() {
            let Some(own) = reaching.get(id).cloned() else {
                continue;
            };
            for &parent in parents.of(position) {
                let theirs = reaching.entry(walked[parent as usize]).or_default();
                theirs.extend_from_slice(&own);
                theirs.sort_unstable();
                theirs.dedup();
                theirs.truncate(MAX_REFS + 1);
            }
        }
        References {
            names: tips.into_iter().map(|(_, name, _)| name).collect(),
            reaching,
        }
    }

    /// The names of the references that reach `commit`, at most [`MAX_REFS`], and
    /// whether there are more.
    fn names(&self, commit: Oid) -> (Vec<String>, bool) {
        let indices = self.reaching.get(&commit).map_or(&[][..], Vec::as_slice);
        let names = indices
            .iter()
            .take(MAX_REFS)
            .map(|&index| self.names[index as usize].clone())
            .collect();
        (names, indices.len() > MAX_REFS)
    }
}
