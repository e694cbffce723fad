//! Sources: everything that does I/O to produce blobs for the engine, each blob with
//! its [`Origin`]. A source knows nothing of the engine, the findings' filters or the
//! reports.

pub mod dir;
pub mod git;
mod handover;
pub mod progress;
pub mod stream;
mod tracked;

use std::fmt;
use std::ops::RangeInclusive;
use std::path::PathBuf;

use crate::decode::{archive, utf16};
use crate::finding::Origin;

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
    /// NUL and other control bytes, or bytes that are not text, in the first KiB.
    Binary,
    /// Larger than the size cap.
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The cap in force.
        limit: u64,
    },
    /// A stream (standard input, a pipe) that gave more than the size cap; the rest
    /// was not read.
    StreamTooLarge {
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
    /// A blob a partial clone never fetched: counted, and reported once for all.
    NotFetched,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Binary => {
                f.write_str("binary file (NUL and other non-text bytes in the first KiB)")
            }
            Skip::TooLarge { size, limit } => {
                write!(
                    f,
                    "file is {size} bytes, over the size cap of {limit} bytes (--max-file-size)"
                )
            }
            Skip::StreamTooLarge { limit } => write!(
                f,
                "stream is over the size cap of {limit} bytes (--max-file-size); the rest was not read"
            ),
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
            Skip::NotFetched => f.write_str("blob never fetched by this partial clone"),
        }
    }
}

/// What every source skips: content over a size cap and, unless asked, binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Content larger than this many bytes is skipped.
    pub max_file_size: u64,
    /// Scan content that looks binary instead of skipping it.
    pub scan_binaries: bool,
    /// Expand archives (zip, tar, gzip) and scan their members.
    pub archives: bool,
}

impl Limits {
    /// Why `data` is not scanned, if it is not.
    pub fn skip_content(&self, data: &[u8]) -> Option<Skip> {
        let archive = self.archives && archive::detect(data).is_some();
        (!self.scan_binaries && !archive && looks_binary(data)).then_some(Skip::Binary)
    }

    /// `Skip::TooLarge` when `size` is over the cap.
    pub fn skip_size(&self, size: u64) -> Option<Skip> {
        (size > self.max_file_size).then_some(Skip::TooLarge {
            size,
            limit: self.max_file_size,
        })
    }
}

/// Bytes inspected to decide content is binary.
const BINARY_PROBE: usize = 1024;

/// Whether `data` looks binary: its first KiB has a NUL byte, and is neither UTF-16
/// text (which the pipeline transcodes) nor UTF-8 text with a stray NUL or two (one,
/// or one byte in a hundred; no other control characters but whitespace; everything
/// between them valid UTF-8). Binary formats have many NULs, other control bytes or
/// bytes that are not UTF-8 within their first KiB.
fn looks_binary(data: &[u8]) -> bool {
    let probe = &data[..data.len().min(BINARY_PROBE)];
    let nuls = memchr::memchr_iter(0, probe).count();
    if nuls == 0 || utf16::detect(data).is_some() {
        return false;
    }
    let stray = nuls <= 1 + probe.len() / 100;
    // Text has no control characters but whitespace and the escape of a colour code.
    let controls = probe.iter().any(|&b| {
        (b < 0x20 || b == 0x7f) && !matches!(b, 0 | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1b)
    });
    if !stray || controls {
        return true;
    }
    let truncated = probe.len() < data.len();
    let segments = probe.split(|&b| b == 0).collect::<Vec<_>>();
    let text = segments.iter().enumerate().all(|(index, segment)| {
        match std::str::from_utf8(segment) {
            Ok(_) => true,
            // The probe may cut the last character of the first KiB in two.
            Err(err) => truncated && index + 1 == segments.len() && err.error_len().is_none(),
        }
    });
    !text
}

/// Receives what a source produces; one visitor per scanning thread.
pub trait Visitor: Send {
    /// What [`Visitor::ahead`] keeps of content that gave nothing but counts.
    type Tally: Send;
    /// Content to scan.
    fn blob(&mut self, blob: Blob<'_>);
    /// A path that was not scanned, and why.
    fn skipped(&mut self, path: PathBuf, reason: Skip);
    /// Runs `visit` (calls to [`Visitor::blob`] or [`Visitor::skipped`] for content
    /// whose origin is not known yet) apart from what this visitor holds. Returns what
    /// it counted if that is all it gave; `None` if it gave anything that names the
    /// origin (a finding, a note, an identifier kept for pairing), which is then
    /// dropped: the source visits the content again once it knows where it was seen.
    fn ahead(&mut self, visit: impl FnOnce(&mut Self)) -> Option<Self::Tally>;
    /// Adds what [`Visitor::ahead`] counted, now that the content's origin is known.
    fn tally(&mut self, tally: &Self::Tally);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_a_stray_nul_is_not_binary_but_binary_formats_are() {
        let mut text = "line = \"value\"\n".repeat(100).into_bytes();
        assert!(!looks_binary(&text));
        text[40] = 0;
        assert!(!looks_binary(&text), "one stray NUL");
        // A multi-byte character cut by the end of the probe is still text.
        let cut = format!("ab\0{}", "é".repeat(600)).into_bytes();
        assert!(!looks_binary(&cut));
        let png_like: Vec<u8> = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
            .iter()
            .copied()
            .chain((0..2000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8))
            .collect();
        assert!(looks_binary(&png_like));
        let elf_like: Vec<u8> = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"
            .iter()
            .copied()
            .chain(std::iter::repeat_n(0, 100))
            .chain(b"text".iter().copied())
            .collect();
        assert!(looks_binary(&elf_like));
        let utf16: Vec<u8> = "key = value\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(!looks_binary(&utf16));
    }
}
