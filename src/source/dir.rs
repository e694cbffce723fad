//! Parallel directory walking with the `ignore` crate: honours .gitignore,
//! .ignore and .keyscanignore, reads small files into a reused buffer and maps
//! large ones. A root that names a stream is read as one ([`super::stream`]).

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{DirEntry, WalkBuilder, WalkState};
use memmap2::Mmap;

use super::handover::{Handover, collected};
use super::stream::Stream;
use super::tracked::Visited;
use super::{Blob, Limits, Skip, Visitor};
use crate::error::describe_io;
use crate::finding::Origin;
use crate::shard::Shard;

/// File name of keyscan's own ignore file, in gitignore syntax.
pub const IGNORE_FILE: &str = ".keyscanignore";

/// Files at least this large are memory-mapped instead of read.
const MMAP_THRESHOLD: u64 = 4 << 20;

/// How to walk directories.
#[derive(Debug, Clone)]
pub struct DirOptions {
    /// Size cap and binary handling.
    pub limits: Limits,
    /// Honour .gitignore, .ignore and .keyscanignore.
    pub ignore_files: bool,
    /// Follow symbolic links.
    pub follow_symlinks: bool,
    /// Worker threads; 0 picks one per core.
    pub threads: usize,
    /// The path findings in standard input (a root of `-`) are reported at.
    pub stdin_name: PathBuf,
    /// The part of the walk to scan: the files of its directories.
    pub shard: Shard,
}

/// Walks `roots` in parallel and hands every file to a visitor made by `make_visitor`,
/// one visitor per thread. Returns the visitors once the walk is done.
pub fn walk<V, F>(roots: &[PathBuf], options: &DirOptions, make_visitor: F) -> Vec<V>
where
    V: Visitor,
    F: Fn() -> V + Sync,
{
    let finished = Mutex::new(Vec::new());
    for root in roots {
        walk_root(root, options, &make_visitor, &finished);
    }
    collected(finished)
}

fn walk_root<V, F>(root: &Path, options: &DirOptions, make_visitor: &F, finished: &Mutex<Vec<V>>)
where
    V: Visitor,
    F: Fn() -> V + Sync,
{
    // Named on the command line, standard input, a pipe or a device is read whole.
    if let Some(stream) = Stream::of(root) {
        if !options.shard.holds_dir(Path::new("")) {
            return;
        }
        let mut visitor = make_visitor();
        stream.scan(&options.stdin_name, options.limits, &mut visitor);
        return finished
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(visitor);
    }
    // The walker reads ignore files itself, in the root, its parents and each directory
    // it enters: a directory whose ignore file is a FIFO or a device is not entered.
    if options.ignore_files
        && let Some((dir, reason)) = std::path::absolute(root).ok().and_then(|root| {
            root.ancestors()
                .find_map(|dir| bad_ignore_file(dir).map(|r| (dir.to_path_buf(), r)))
        })
    {
        let reason = format!("{reason} in {}", dir.display());
        return report_unsafe(vec![(root.to_path_buf(), reason)], make_visitor, finished);
    }
    let unsafe_dirs: Arc<Mutex<Vec<(PathBuf, String)>>> = Arc::default();
    let mut builder = WalkBuilder::new(root);
    builder
        .standard_filters(options.ignore_files)
        .hidden(false)
        .require_git(false)
        .follow_links(options.follow_symlinks)
        .threads(options.threads);
    let linked = options.follow_symlinks.then(LinkedDirs::default);
    let check_ignore_files = options.ignore_files;
    let rejected = Arc::clone(&unsafe_dirs);
    // What the walk meets, to find the tracked files a .gitignore hid from it.
    let visited = options.ignore_files.then(|| Arc::new(Visited::default()));
    let repositories = visited.clone();
    builder.filter_entry(move |entry| {
        if let Some(visited) = &repositories
            && entry.file_name() == ".git"
            && let Some(tree) = entry.path().parent()
        {
            visited.repository(tree);
        }
        if is_git_dir(entry)
            || linked
                .as_ref()
                .is_some_and(|linked| !linked.first_visit(entry))
        {
            return false;
        }
        let dir = check_ignore_files && entry.file_type().is_some_and(|kind| kind.is_dir());
        match dir.then(|| bad_ignore_file(entry.path())).flatten() {
            Some(reason) => {
                let mut rejected = rejected.lock().unwrap_or_else(|p| p.into_inner());
                rejected.push((entry.path().to_path_buf(), reason));
                false
            }
            None => true,
        }
    });
    if options.ignore_files {
        builder.add_custom_ignore_filename(IGNORE_FILE);
    }
    let new_worker = || Worker {
        root,
        options,
        buffer: Vec::new(),
        visitor: Handover::new(make_visitor, finished),
        visited: visited.as_deref(),
    };
    builder.build_parallel().run(|| {
        let mut worker = new_worker();
        Box::new(move |entry| {
            worker.visit(entry);
            WalkState::Continue
        })
    });
    if let Some(visited) = &visited {
        let mut worker = new_worker();
        for path in visited.tracked_not_met(root, &[IGNORE_FILE, ".ignore"]) {
            if worker.holds(&path) {
                worker.scan_file(path);
            }
        }
    }
    let rejected = std::mem::take(&mut *unsafe_dirs.lock().unwrap_or_else(|p| p.into_inner()));
    report_unsafe(rejected, make_visitor, finished);
}

/// Reports the directories not entered because of their ignore files, each with why,
/// through a visitor of its own.
fn report_unsafe<V, F>(dirs: Vec<(PathBuf, String)>, make_visitor: &F, finished: &Mutex<Vec<V>>)
where
    V: Visitor,
    F: Fn() -> V,
{
    if dirs.is_empty() {
        return;
    }
    let mut visitor = make_visitor();
    for (dir, reason) in dirs {
        visitor.skipped(dir, Skip::Unreadable(format!("not scanned: {reason}")));
    }
    finished
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(visitor);
}

/// Largest ignore file the walker may read.
const MAX_IGNORE_FILE: u64 = 16 << 20;

/// Why an ignore file in `dir` must not be read, if one must not: a FIFO would hang
/// the walk and a device would never end.
fn bad_ignore_file(dir: &Path) -> Option<String> {
    [".gitignore", ".ignore", IGNORE_FILE, ".git/info/exclude"]
        .into_iter()
        .find_map(|name| match std::fs::metadata(dir.join(name)) {
            Ok(meta) if !meta.is_file() => Some(format!("{name} is not a regular file")),
            Ok(meta) if meta.len() > MAX_IGNORE_FILE => {
                Some(format!("{name} is larger than {MAX_IGNORE_FILE} bytes"))
            }
            _ => None,
        })
}

/// The directories entered through a symbolic link so far, resolved. Each is entered
/// once: links that fan out to the same directories (ten links to a directory of ten
/// links, eight levels deep) would otherwise make a hundred million paths of a few
/// files. Loops are the walker's to report.
#[derive(Default)]
struct LinkedDirs(Mutex<HashSet<PathBuf>>);

impl LinkedDirs {
    /// Whether `entry` is not a link to a directory entered already.
    fn first_visit(&self, entry: &DirEntry) -> bool {
        let linked_dir =
            entry.path_is_symlink() && entry.file_type().is_some_and(|kind| kind.is_dir());
        if !linked_dir {
            return true;
        }
        let Ok(target) = entry.path().canonicalize() else {
            return true;
        };
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.insert(target)
    }
}

fn is_git_dir(entry: &DirEntry) -> bool {
    entry.file_name() == ".git" && entry.file_type().is_some_and(|kind| kind.is_dir())
}

/// One walking thread: its read buffer and its visitor.
struct Worker<'a, V, F> {
    root: &'a Path,
    options: &'a DirOptions,
    buffer: Vec<u8>,
    visitor: Handover<'a, V, F>,
    /// Where to record each file met, when tracked files hidden by ignore rules are
    /// looked for afterwards.
    visited: Option<&'a Visited>,
}

impl<V: Visitor, F: Fn() -> V> Worker<'_, V, F> {
    fn visitor(&mut self) -> &mut V {
        self.visitor.state()
    }

    /// Whether the file at `path` is in this run's shard, by its directory under the
    /// root.
    fn holds(&self, path: &Path) -> bool {
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        let dir = relative.parent().unwrap_or(Path::new(""));
        self.options.shard.holds_dir(dir)
    }

    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => return self.walk_error(err),
        };
        let Some(kind) = entry.file_type() else {
            return;
        };
        if kind.is_dir() || !self.holds(entry.path()) {
            return;
        }
        let path = entry.path().to_path_buf();
        if let Some(visited) = self.visited {
            visited.file(&path);
        }
        if kind.is_symlink() {
            return self.visitor().skipped(path, Skip::Symlink);
        }
        if !kind.is_file() {
            return self.visitor().skipped(path, Skip::SpecialFile);
        }
        self.scan_file(path);
    }

    fn walk_error(&mut self, err: ignore::Error) {
        let path = error_path(&err).unwrap_or_else(|| self.root.to_path_buf());
        if let Some(visited) = self.visited {
            visited.file(&path);
        }
        let reason = if is_loop(&err) {
            Skip::SymlinkLoop
        } else if let Some(io) = err.io_error() {
            io_skip(&path, io)
        } else {
            Skip::BadIgnoreFile(io_reason(&err))
        };
        self.visitor().skipped(path, reason);
    }

    fn scan_file(&mut self, path: PathBuf) {
        let origin = self.origin(&path);
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(err) => {
                let reason = io_skip(&path, &err);
                return self.visitor().skipped(path, reason);
            }
        };
        let size = match file.metadata() {
            Ok(metadata) => metadata.len(),
            Err(err) => {
                return self
                    .visitor()
                    .skipped(path, Skip::Unreadable(describe_io(&err)));
            }
        };
        if let Some(reason) = self.options.limits.skip_size(size) {
            return self.visitor().skipped(path, reason);
        }
        if size >= MMAP_THRESHOLD {
            // SAFETY: the map is read-only and dropped before this function returns; a file
            // truncated by another process meanwhile is the documented risk of mmap that
            // ripgrep and others accept for large files.
            match unsafe { Mmap::map(&file) } {
                Ok(map) => return self.deliver(path, origin, &map),
                Err(err) => {
                    return self
                        .visitor()
                        .skipped(path, Skip::Unreadable(describe_io(&err)));
                }
            }
        }
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        match file.read_to_end(&mut buffer) {
            Ok(_) => self.deliver(path, origin, &buffer),
            Err(err) => self
                .visitor()
                .skipped(path, Skip::Unreadable(describe_io(&err))),
        }
        self.buffer = buffer;
    }

    fn deliver(&mut self, path: PathBuf, origin: Origin, data: &[u8]) {
        if let Some(reason) = self.options.limits.skip_content(data) {
            return self.visitor().skipped(path, reason);
        }
        self.visitor().blob(Blob {
            origin,
            data,
            lines: None,
        });
    }

    fn origin(&self, path: &Path) -> Origin {
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        let relative = if relative.as_os_str().is_empty() {
            path.file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| path.to_path_buf())
        } else {
            relative.to_path_buf()
        };
        Origin::File {
            path: path.strip_prefix(".").unwrap_or(path).to_path_buf(),
            relative,
        }
    }
}

/// The path an `ignore` error is about, if it names one.
fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

fn is_loop(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

/// The innermost reason of an `ignore` error, without the path it is wrapped with.
fn io_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => io_reason(err),
        other => other.to_string(),
    }
}

/// Why `path`, which failed to open with `err`, was not scanned: a symbolic link that
/// leads nowhere holds no content to miss; anything else leaves the result incomplete.
fn io_skip(path: &Path, err: &io::Error) -> Skip {
    if is_symlink_loop(err) {
        return Skip::SymlinkLoop;
    }
    let is_symlink = || {
        path.symlink_metadata()
            .is_ok_and(|metadata| metadata.file_type().is_symlink())
    };
    if err.kind() == io::ErrorKind::NotFound && is_symlink() {
        return Skip::BrokenSymlink;
    }
    Skip::Unreadable(describe_io(err))
}

#[cfg(unix)]
fn is_symlink_loop(err: &io::Error) -> bool {
    err.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_symlink_loop(_: &io::Error) -> bool {
    false
}
