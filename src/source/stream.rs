//! A stream named on the command line — standard input (`-`), a named pipe, a
//! device such as `/dev/stdin` — read whole as one blob. Special files met while
//! walking a directory are skipped instead: nobody asked for them, and reading a FIFO
//! nobody writes to would never end.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::{Blob, Limits, Skip, Visitor};
use crate::error::describe_io;
use crate::finding::Origin;

/// How a command line names standard input.
pub const STDIN: &str = "-";

/// Where a stream root's bytes come from.
#[derive(Debug)]
pub enum Stream {
    /// The process's standard input (`-`).
    Stdin,
    /// A named pipe, socket or device given by path.
    Special(PathBuf),
}

impl Stream {
    /// The stream `root` names, if it names one: `-`, or a path that resolves to
    /// something that is neither a regular file nor a directory.
    pub fn of(root: &Path) -> Option<Stream> {
        if root.as_os_str() == STDIN {
            return Some(Stream::Stdin);
        }
        let kind = std::fs::metadata(root).ok()?.file_type();
        (!kind.is_file() && !kind.is_dir()).then(|| Stream::Special(root.to_path_buf()))
    }

    /// Reads the stream to its end (at most the size cap) and hands it to `visitor` as
    /// one file named `stdin_name` (for standard input) or by its own path.
    pub fn scan<V: Visitor>(self, stdin_name: &Path, limits: Limits, visitor: &mut V) {
        let (name, read) = match self {
            Stream::Stdin => (
                stdin_name.to_path_buf(),
                read_capped(io::stdin().lock(), limits),
            ),
            Stream::Special(path) => {
                let read = File::open(&path).and_then(|file| read_capped(file, limits));
                (path, read)
            }
        };
        let data = match read {
            Ok(Ok(data)) => data,
            Ok(Err(reason)) => return visitor.skipped(name, reason),
            Err(err) => return visitor.skipped(name, Skip::Unreadable(describe_io(&err))),
        };
        if let Some(reason) = limits.skip_content(&data) {
            return visitor.skipped(name, reason);
        }
        let origin = Origin::File {
            path: name.clone(),
            relative: name,
        };
        visitor.blob(Blob {
            origin,
            data: &data,
            lines: None,
        });
    }
}

/// Everything `reader` gives, or why not: once it gives more than the cap, what
/// follows is not read (a stream has no size to check first).
fn read_capped(reader: impl Read, limits: Limits) -> io::Result<Result<Vec<u8>, Skip>> {
    let limit = limits.max_file_size;
    let mut data = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut data)?;
    Ok(if data.len() as u64 > limit {
        Err(Skip::StreamTooLarge { limit })
    } else {
        Ok(data)
    })
}
