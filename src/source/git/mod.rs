//! Git sources: the history of a repository and its staged changes, read with
//! `git2`. Nothing from the repository is ever executed: no hooks, filters or
//! configured commands, and no network access.

mod afterwards;
pub mod ahead;
pub mod blobs;
mod date;
pub mod history;
mod packed;
mod refs;
pub mod staged;

use std::path::{Path, PathBuf};

use git2::{Commit, Repository, Signature};

pub use date::{ParseDateError, parse_date};

use crate::error::Error;
use crate::finding::CommitInfo;
use crate::outcome::Provenance;

/// Opens the repository at or above `path` (a working tree, a `.git` directory or a
/// bare repository).
pub fn open(path: &Path) -> Result<Repository, Error> {
    // libgit2 re-hashes every object it reads; `git cat-file` does not. It cost ~30% of a
    // history scan, and zlib's own checksum still catches damaged objects.
    git2::opts::strict_hash_verification(false);
    // Each tree and commit is read once or twice, so libgit2's object cache (up to 256 MB)
    // only grows: on a 100,000-commit history it took peak memory from 127 MB to 714 MB.
    git2::opts::enable_caching(false);
    Repository::discover(path).map_err(|err| {
        let reason = match err.code() {
            git2::ErrorCode::NotFound => "not a git repository, nor inside one",
            _ => err.message(),
        };
        Error::Git(format!("{}: {reason}", path.display()))
    })
}

/// The directory findings' paths are relative to: the working tree, or the repository
/// itself when it is bare.
pub fn root(repo: &Repository) -> PathBuf {
    repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf()
}

/// The provenance of `repo`.
pub fn provenance(repo: &Repository) -> Provenance {
    let remote = repo.find_remote("origin").ok();
    let head = repo.head().ok();
    Provenance {
        repository_uri: remote.and_then(|remote| remote.url().ok().map(without_credentials)),
        revision_id: head
            .as_ref()
            .and_then(|head| head.target())
            .map(|id| id.to_string()),
        branch: head
            .as_ref()
            .filter(|head| head.is_branch())
            .and_then(|head| head.shorthand().ok().map(str::to_owned)),
    }
}

/// `https://user:token@host/x` without `user:token@`: a remote URL must never leak
/// the credential it carries.
fn without_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
            let host = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            if path.is_empty() {
                format!("{scheme}://{host}")
            } else {
                format!("{scheme}://{host}/{path}")
            }
        }
        None => url.to_owned(),
    }
}

/// Who made `commit` and when; `order` is its position in the walk, oldest first.
fn commit_info(commit: &Commit<'_>, order: usize) -> CommitInfo {
    signed(commit.id(), &commit.author(), order)
}

/// Object `id` as made by `who` (a commit's author, a tag's tagger) at `order`.
fn signed(id: git2::Oid, who: &Signature<'_>, order: usize) -> CommitInfo {
    let time = who.when();
    CommitInfo {
        id: id.to_string(),
        author: String::from_utf8_lossy(who.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(who.email_bytes()).into_owned(),
        date: date::iso8601(time.seconds(), time.offset_minutes()),
        order,
        refs: Vec::new(),
        more_refs: false,
        shallow_boundary: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_removed_from_remote_urls() {
        assert_eq!(
            without_credentials("https://x:ghp_abc@github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        assert_eq!(
            without_credentials("https://github.com/o/r"),
            "https://github.com/o/r"
        );
        assert_eq!(without_credentials("ssh://git@host"), "ssh://host");
        assert_eq!(
            without_credentials("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
    }
}
