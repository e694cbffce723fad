//! Sources: everything that does I/O to produce blobs for the engine.

pub mod dir;
pub mod git;
mod handover;

use std::fmt;
use std::io;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::Arc;

/// Where a blob was seen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    /// The path as the user will recognise it (relative to the working directory
    /// when the scanned root was given relative).
    pub path: PathBuf,
    /// The path relative to the scanned root it was found under.
    pub relative: PathBuf,
    /// For git history: the commit that introduced this content at this path.
    pub commit: Option<Arc<CommitInfo>>,
    /// For git history: the content is no longer in the tree of `HEAD`.
    pub history_only: bool,
}

impl Origin {
    /// An origin in a directory tree: shown as `path`, found at `relative` under its root.
    pub fn file(path: PathBuf, relative: PathBuf) -> Origin {
        Origin {
            path,
            relative,
            commit: None,
            history_only: false,
        }
    }
}

/// The commit a blob was first seen in; serialized as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct CommitInfo {
    /// Full hexadecimal commit id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author e-mail address.
    pub email: String,
    /// Author date, ISO 8601 with the author's UTC offset.
    pub date: String,
    /// Position in the walk, oldest first: which of two commits came first.
    #[serde(skip)]
    pub order: usize,
}

/// Content to scan and where it came from.
#[derive(Debug)]
pub struct Blob<'a> {
    /// Where the content was seen.
    pub origin: Origin,
    /// The raw bytes.
    pub data: &'a [u8],
    /// When set, only secrets on these lines (1-based, inclusive ranges, sorted and not
    /// touching) are reported: the lines a staged change adds.
    pub lines: Option<Vec<RangeInclusive<usize>>>,
}

/// Why a path was not scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// NUL byte in the first KiB.
    Binary,
    /// Larger than the size cap.
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The cap in force.
        limit: u64,
    },
    /// A symbolic link, not followed.
    Symlink,
    /// A FIFO, socket or device.
    SpecialFile,
    /// A symbolic link that leads back to one of its own ancestors.
    SymlinkLoop,
    /// A followed symbolic link whose target does not exist.
    BrokenSymlink,
    /// A .gitignore, .ignore or .keyscanignore line that could not be parsed.
    BadIgnoreFile(String),
    /// The file or directory could not be read: the result is incomplete.
    Unreadable(String),
    /// A git submodule: its content lives in another repository.
    Submodule,
    /// A git LFS pointer: the content lives on the LFS server, not in the repository.
    LfsPointer,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Binary => f.write_str("binary file (NUL byte in the first KiB)"),
            Skip::TooLarge { size, limit } => {
                write!(
                    f,
                    "file is {size} bytes, over the size cap of {limit} bytes (--max-file-size)"
                )
            }
            Skip::Symlink => f.write_str("symbolic link not followed (--follow-symlinks)"),
            Skip::SpecialFile => f.write_str("not a regular file (FIFO, socket or device)"),
            Skip::SymlinkLoop => f.write_str("symbolic link loop"),
            Skip::BrokenSymlink => f.write_str("symbolic link to a missing target"),
            Skip::BadIgnoreFile(reason) => write!(f, "ignore file problem: {reason}"),
            Skip::Unreadable(reason) => write!(f, "cannot read: {reason}"),
            Skip::Submodule => {
                f.write_str("git submodule, not scanned (scan its repository on its own)")
            }
            Skip::LfsPointer => {
                f.write_str("git LFS pointer; the content is not in the repository")
            }
        }
    }
}

/// An I/O error in words a person can act on: what went wrong and, where the cause
/// is not obvious, what to do about it.
pub fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::PermissionDenied => "permission denied; give the user running keyscan \
             read access, or exclude the path in .keyscanignore"
            .to_owned(),
        io::ErrorKind::InvalidFilename => "the path is longer than the operating system \
             allows, so it cannot be opened; shorten it, or exclude it in .keyscanignore"
            .to_owned(),
        _ => err.to_string(),
    }
}

/// What every source skips: content over a size cap and, unless asked, binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Content larger than this many bytes is skipped.
    pub max_file_size: u64,
    /// Scan content that looks binary instead of skipping it.
    pub scan_binaries: bool,
}

impl Limits {
    /// Why `data` is not scanned, if it is not.
    pub fn skip_content(&self, data: &[u8]) -> Option<Skip> {
        (!self.scan_binaries && looks_binary(data)).then_some(Skip::Binary)
    }

    /// `Skip::TooLarge` when `size` is over the cap.
    pub fn skip_size(&self, size: u64) -> Option<Skip> {
        (size > self.max_file_size).then_some(Skip::TooLarge {
            size,
            limit: self.max_file_size,
        })
    }
}

/// Bytes inspected for a NUL to decide content is binary.
const BINARY_PROBE: usize = 1024;

/// Whether `data` looks binary: a NUL byte in its first KiB.
fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_PROBE)]).is_some()
}

/// Receives what a source produces; one visitor per scanning thread.
pub trait Visitor: Send {
    /// Content to scan.
    fn blob(&mut self, blob: Blob<'_>);
    /// A path that was not scanned, and why.
    fn skipped(&mut self, path: PathBuf, reason: Skip);
}
