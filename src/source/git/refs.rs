//! What references and a repository's own files add to a history walk: the commits
//! only reflogs remember, references that name a tree or a blob, references whose
//! object cannot be read, and the boundary commits of a shallow clone.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use git2::{ErrorCode, ObjectType, Oid, Repository};

use super::signed;
use crate::finding::CommitInfo;
use crate::source::Skip;

/// A reference that names a tree or a blob (directly, or through an annotated tag).
pub(super) struct NotCommit {
    /// The reference's name, which stands for a path.
    pub name: PathBuf,
    /// The tree or blob.
    pub id: Oid,
    /// A tree or a blob.
    pub kind: ObjectType,
    /// The annotated tag on the way, if any.
    tag: Option<Oid>,
}

impl NotCommit {
    /// What `reference` names, if it is a tree or a blob.
    pub fn of(reference: &git2::Reference<'_>) -> Option<NotCommit> {
        let object = reference.peel(ObjectType::Any).ok()?;
        let kind = object
            .kind()
            .filter(|kind| matches!(kind, ObjectType::Tree | ObjectType::Blob))?;
        Some(NotCommit {
            name: PathBuf::from(OsStr::from_bytes(reference.name_bytes())),
            id: object.id(),
            kind,
            tag: reference.peel_to_tag().ok().map(|tag| tag.id()),
        })
    }

    /// Who made it and when: the tagger of its annotated tag, else nobody known; the
    /// id shown is the tag's, else the object's.
    pub fn info(&self, repo: &Repository, order: usize) -> CommitInfo {
        let tag = self.tag.and_then(|id| repo.find_tag(id).ok());
        match tag.as_ref().and_then(|tag| Some((tag.id(), tag.tagger()?))) {
            Some((id, tagger)) => signed(id, &tagger, order),
            None => unsigned(self.tag.unwrap_or(self.id), order),
        }
    }
}

/// An object made by nobody known: a tag without a tagger, a blob a reference names.
pub(super) fn unsigned(id: Oid, order: usize) -> CommitInfo {
    CommitInfo {
        id: id.to_string(),
        author: String::new(),
        email: String::new(),
        date: String::new(),
        order,
        refs: Vec::new(),
        more_refs: false,
        shallow_boundary: false,
    }
}

/// The commits the reflogs of every reference (and of `HEAD`) name. A reflog entry
/// whose commit cannot be read is noted: the repository is damaged there.
pub(super) fn reflog_commits(repo: &Repository, skipped: &mut Vec<(PathBuf, Skip)>) -> Vec<Oid> {
    let mut names: Vec<String> = repo
        .references()
        .into_iter()
        .flat_map(|references| references.flatten())
        .filter_map(|reference| reference.name().ok().map(str::to_owned))
        .collect();
    names.push("HEAD".to_owned());
    let mut seen = HashSet::new();
    let mut commits = Vec::new();
    for name in names {
        let Ok(reflog) = repo.reflog(&name) else {
            continue;
        };
        for entry in reflog.iter() {
            for id in [entry.id_old(), entry.id_new()] {
                if id.is_zero() || !seen.insert(id) {
                    continue;
                }
                match repo
                    .find_object(id, None)
                    .and_then(|object| object.peel_to_commit())
                {
                    Ok(commit) => commits.push(commit.id()),
                    Err(err) if err.code() == ErrorCode::NotFound => skipped.push((
                        repo.path().to_path_buf(),
                        Skip::Unreadable(format!(
                            "the reflog of {name} names {id}, which is missing ({}); run \
                             `git fsck` to see what is damaged",
                            err.message()
                        )),
                    )),
                    Err(_) => {}
                }
            }
        }
    }
    commits
}

/// Largest `shallow` file read: 64 MiB is over a million commit ids.
const MAX_SHALLOW_FILE: u64 = 64 << 20;

/// The commits at the boundary of a shallow clone, as its `shallow` file lists them.
pub(super) fn shallow_commits(repo: &Repository) -> HashSet<Oid> {
    let path = repo.commondir().join("shallow");
    let Ok(text) = crate::files::read_text(&path, MAX_SHALLOW_FILE, None) else {
        return HashSet::new();
    };
    text.lines()
        .filter_map(|line| Oid::from_str(line.trim()).ok())
        .collect()
}

/// Why `reference` could not be followed to a commit (`err`), if its object is
/// missing or unreadable rather than merely not a commit.
pub(super) fn unreadable_ref(
    repo: &Repository,
    reference: &git2::Reference<'_>,
    err: &git2::Error,
) -> Option<Skip> {
    let name = String::from_utf8_lossy(reference.name_bytes()).into_owned();
    let target = reference
        .resolve()
        .ok()
        .and_then(|resolved| resolved.target());
    if let Some(id) = target
        && repo.find_object(id, None).is_ok()
        && err.code() != git2::ErrorCode::NotFound
    {
        // A tag of a tree or a blob: there is no history to walk.
        return None;
    }
    let what = target.map_or_else(|| "an object".to_owned(), |id| id.to_string());
    Some(Skip::Unreadable(format!(
        "{name} points to {what}, which cannot be read ({}); the history it reaches was \
         not scanned: run `git fsck` to see what is damaged",
        err.message()
    )))
}
