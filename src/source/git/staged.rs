//! What is staged for commit: the index against `HEAD` (or against nothing before the
//! first commit), with the lines each file adds, so that only new secrets block a
//! commit.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::ops::RangeInclusive;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Patch, Repository};

use crate::error::Error;
use crate::finding::Origin;
use crate::source::{Blob, Limits, Skip, Visitor};

/// A staged file: its staged content and the lines the commit adds to it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StagedFile {
    path: PathBuf,
    blob: Oid,
    /// `None`: the whole file counts (it was named explicitly and has no staged change).
    lines: Option<Vec<RangeInclusive<usize>>>,
}

/// Hands each staged file to `visitor`, restricted to the lines it adds.
///
/// With `files` (paths as given on the command line, e.g. by the pre-commit framework,
/// which may split its list over several runs), only those are considered: the staged
/// ones by their added lines, the others whole, as they are in the index or, untracked,
/// on disk. A directory among them (`.`, `src/`) stands for the staged changes under
/// it, as `git diff --cached -- DIR` does; a path outside the work tree is an error.
pub fn read(
    repo: &Repository,
    files: &[PathBuf],
    limits: Limits,
    visitor: &mut impl Visitor,
) -> Result<(), Error> {
    let workdir = repo.workdir().ok_or_else(|| {
        Error::Git(format!(
            "{}: a bare repository has nothing staged",
            repo.path().display()
        ))
    })?;
    let git = |err: git2::Error| {
        Error::Git(format!(
            "{}: cannot read the staged changes: {}",
            repo.path().display(),
            err.message()
        ))
    };
    let index = repo.index().map_err(git)?;
    let mut staged = staged_changes(repo, &index, visitor).map_err(git)?;
    let mut named: HashSet<PathBuf> = HashSet::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for file in files {
        let Some(path) = relative_to(workdir, file) else {
            let reason = "outside the repository's work tree".to_owned();
            visitor.skipped(file.clone(), Skip::Unreadable(reason));
            continue;
        };
        if path.as_os_str().is_empty() || workdir.join(&path).is_dir() {
            dirs.push(path);
        } else {
            named.insert(path);
        }
    }
    if !files.is_empty() {
        staged.retain(|file| {
            named.contains(&file.path) || dirs.iter().any(|dir| file.path.starts_with(dir))
        });
    }
    let staged_paths: HashSet<PathBuf> = staged.iter().map(|file| file.path.clone()).collect();
    for path in named {
        if staged_paths.contains(&path) {
            continue;
        }
        match index.get_path(&path, 0) {
            Some(entry) => staged.push(StagedFile {
                path,
                blob: entry.id,
                lines: None,
            }),
            None => match std::fs::read(workdir.join(&path)) {
                Ok(data) => deliver(visitor, path, &data, None, limits),
                Err(err) => visitor.skipped(path, Skip::Unreadable(err.to_string())),
            },
        }
    }
    for file in staged {
        match repo.find_blob(file.blob) {
            Ok(blob) => deliver(visitor, file.path, blob.content(), file.lines, limits),
            Err(err) => visitor.skipped(
                file.path,
                Skip::Unreadable(format!(
                    "staged blob {} is missing: {}",
                    file.blob,
                    err.message()
                )),
            ),
        }
    }
    Ok(())
}

/// Added, modified, renamed and copied files of the index against `HEAD`, with the new
/// line numbers each change adds. Binary files are reported to `visitor` as skipped.
fn staged_changes(
    repo: &Repository,
    index: &git2::Index,
    visitor: &mut impl Visitor,
) -> Result<Vec<StagedFile>, git2::Error> {
    let head = repo.head().ok().and_then(|head| head.peel_to_tree().ok());
    let mut options = DiffOptions::new();
    options.context_lines(0).ignore_submodules(true);
    let mut diff = repo.diff_tree_to_index(head.as_ref(), Some(index), Some(&mut options))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true).copies(true)))?;
    let mut staged = Vec::new();
    for index in 0..diff.deltas().len() {
        let delta = diff.get_delta(index).expect("index within deltas");
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied
        ) {
            continue;
        }
        let file = delta.new_file();
        let Some(path) = file
            .path_bytes()
            .map(|bytes| PathBuf::from(OsStr::from_bytes(bytes)))
        else {
            continue;
        };
        if file.is_binary() {
            visitor.skipped(path, Skip::Binary);
            continue;
        }
        let lines = match Patch::from_diff(&diff, index)? {
            Some(patch) => added_lines(&patch)?,
            None => {
                visitor.skipped(path, Skip::Binary);
                continue;
            }
        };
        if !lines.is_empty() {
            staged.push(StagedFile {
                path,
                blob: file.id(),
                lines: Some(lines),
            });
        }
    }
    Ok(staged)
}

/// The new-side line numbers of a patch's added lines, as merged inclusive ranges.
fn added_lines(patch: &Patch<'_>) -> Result<Vec<RangeInclusive<usize>>, git2::Error> {
    let mut ranges: Vec<RangeInclusive<usize>> = Vec::new();
    for hunk in 0..patch.num_hunks() {
        for line in 0..patch.num_lines_in_hunk(hunk)? {
            let line = patch.line_in_hunk(hunk, line)?;
            let (Some(number), '+') = (line.new_lineno(), line.origin()) else {
                continue;
            };
            let number = number as usize;
            match ranges.last_mut() {
                Some(last) if *last.end() + 1 == number => *last = *last.start()..=number,
                _ => ranges.push(number..=number),
            }
        }
    }
    Ok(ranges)
}

fn deliver(
    visitor: &mut impl Visitor,
    path: PathBuf,
    data: &[u8],
    lines: Option<Vec<RangeInclusive<usize>>>,
    limits: Limits,
) {
    if let Some(reason) = limits
        .skip_size(data.len() as u64)
        .or_else(|| limits.skip_content(data))
    {
        return visitor.skipped(path, reason);
    }
    visitor.blob(Blob {
        origin: Origin::Staged { path },
        data,
        lines,
    });
}

/// `file` (relative to the current directory, or absolute) relative to `workdir`; empty
/// for the work tree itself, `None` outside it.
fn relative_to(workdir: &Path, file: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let canonical_workdir = workdir
        .canonicalize()
        .unwrap_or_else(|_| workdir.to_path_buf());
    // The file may not exist (deleted, or a typo); its directory is resolved instead.
    let canonical = absolute.canonicalize().ok().unwrap_or_else(|| {
        absolute
            .parent()
            .and_then(|parent| parent.canonicalize().ok())
            .map(|parent| parent.join(absolute.file_name().unwrap_or_default()))
            .unwrap_or_else(|| absolute.clone())
    });
    canonical
        .strip_prefix(&canonical_workdir)
        .ok()
        .map(Path::to_path_buf)
}
