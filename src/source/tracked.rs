//! Files git tracks that a directory walk leaves out because a `.gitignore` matches
//! them. Git ships a tracked file whatever its ignore rules say (`git add -f`, or a
//! rule added after the file), so a scan of the working tree must read it too.
//!
//! The walk records every file it meets ([`Visited`]); afterwards the index of each
//! repository the walk touched names the files it did not meet. Those that a
//! `.keyscanignore` or `.ignore` file excludes stay out: those rules were written for
//! tools like keyscan, not for git.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::files::read_text;

/// Git's file modes of entries that are not regular files: symbolic links, submodules.
const NOT_REGULAR_MODES: [u32; 2] = [0o120000, 0o160000];

/// Largest `.keyscanignore` or `.ignore` file read here (as the walk's own bound).
const MAX_TOOL_IGNORE_FILE: u64 = 16 << 20;

/// The files a walk met, as hashes of their paths (a few bytes each, however long the
/// path), and the working trees of the repositories it met.
#[derive(Default)]
pub struct Visited {
    files: Mutex<HashSet<u64>>,
    repositories: Mutex<Vec<PathBuf>>,
}

impl Visited {
    /// Records that the walk met the file at `path`.
    pub fn file(&self, path: &Path) {
        let key = key(path);
        lock(&self.files).insert(key);
    }

    /// Records that `dir` holds a `.git` directory or file: a working tree.
    pub fn repository(&self, dir: &Path) {
        lock(&self.repositories).push(dir.to_path_buf());
    }

    /// The regular files tracked by the repository holding `root` (or any the walk of
    /// `root` met) that lie under `root` and that the walk did not meet, as the walk
    /// would name them, minus those the ignore files named `tool_ignores` (written for
    /// tools, not git; in order of precedence within a directory) exclude.
    pub fn tracked_not_met(&self, root: &Path, tool_ignores: &[&str]) -> Vec<PathBuf> {
        let Ok(root_resolved) = root.canonicalize() else {
            return Vec::new();
        };
        if !root_resolved.is_dir() {
            return Vec::new();
        }
        let mut trees: Vec<PathBuf> = lock(&self.repositories)
            .iter()
            .filter_map(|dir| dir.canonicalize().ok())
            .collect();
        if let Ok(repo) = git2::Repository::discover(&root_resolved)
            && let Some(workdir) = repo.workdir().and_then(|dir| dir.canonicalize().ok())
        {
            trees.push(workdir);
        }
        trees.sort();
        trees.dedup();
        let files = lock(&self.files);
        let mut tool_rules = ToolRules {
            names: tool_ignores,
            by_file: HashMap::new(),
        };
        let mut found = Vec::new();
        for tree in trees {
            for tracked in tracked_files(&tree) {
                let Ok(relative) = tracked.strip_prefix(&root_resolved) else {
                    continue;
                };
                let shown = root.join(relative);
                // The walk read tool ignore files from the root's parents too, up to
                // the working tree holding it.
                let top = if root_resolved.starts_with(&tree) {
                    &tree
                } else {
                    &root_resolved
                };
                if files.contains(&key(&shown))
                    || !std::fs::symlink_metadata(&tracked).is_ok_and(|meta| meta.is_file())
                    || tool_rules.exclude(top, &tracked)
                {
                    continue;
                }
                found.push(shown);
            }
        }
        found.sort();
        found
    }
}

/// The regular files the index of the working tree at `tree` lists, as paths under it.
fn tracked_files(tree: &Path) -> Vec<PathBuf> {
    let Ok(index) = git2::Repository::open(tree).and_then(|repo| repo.index()) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = index
        .iter()
        .filter(|entry| !NOT_REGULAR_MODES.contains(&entry.mode))
        .map(|entry| tree.join(OsStr::from_bytes(&entry.path)))
        .collect();
    // A conflicted file has an entry per side.
    paths.dedup();
    paths
}

/// Ignore files written for tools (`.keyscanignore`, `.ignore`), each read once.
struct ToolRules<'a> {
    names: &'a [&'a str],
    by_file: HashMap<PathBuf, Option<Gitignore>>,
}

impl ToolRules<'_> {
    /// Whether one of these files in a directory from `top` down to the parent of
    /// `path` excludes it: the deepest file with a rule for it decides, and in one
    /// directory the files in the order of `names`, as in the walk.
    fn exclude(&mut self, top: &Path, path: &Path) -> bool {
        for dir in path.ancestors().skip(1) {
            if !dir.starts_with(top) {
                break;
            }
            for name in self.names {
                let file = dir.join(name);
                let rules = self
                    .by_file
                    .entry(file)
                    .or_insert_with_key(|file| load(dir, file));
                match rules
                    .as_ref()
                    .map(|rules| rules.matched_path_or_any_parents(path, false))
                {
                    Some(Match::Ignore(_)) => return true,
                    Some(Match::Whitelist(_)) => return false,
                    _ => {}
                }
            }
        }
        false
    }
}

/// The rules of the ignore file `file` in `dir`, if it is a regular file within bounds.
fn load(dir: &Path, file: &Path) -> Option<Gitignore> {
    let text = read_text(file, MAX_TOOL_IGNORE_FILE, None).ok()?;
    let mut builder = GitignoreBuilder::new(dir);
    for line in text.lines() {
        // A line that is not a valid glob was reported by the walk already.
        let _ = builder.add_line(Some(file.to_path_buf()), line);
    }
    builder.build().ok()
}

fn key(path: &Path) -> u64 {
    let mut hasher = DefaultHasher::new();
    path.hash(&mut hasher);
    hasher.finish()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
