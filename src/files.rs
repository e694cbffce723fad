//! Reading the small files keyscan is told to read (its configuration, rule files and
//! baselines) as untrusted input. Only regular files are read: a FIFO would hang the
//! scan, a device would never end. Each is read up to a size cap. A file that a
//! scanned repository's own configuration names must also lie inside that repository
//! once symbolic links are resolved. Nothing here is executed.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

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

/// Largest configuration file read.
pub const MAX_CONFIG: u64 = 1 << 20;

/// Largest rule file read.
pub const MAX_RULE_FILE: u64 = 4 << 20;

/// Largest baseline read (a million findings fit).
pub const MAX_BASELINE: u64 = 256 << 20;

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// A FIFO, socket, device or directory.
    NotRegular,
    /// Larger than the cap, in bytes.
    TooLarge(u64),
    /// Outside the directory it must stay in (that directory).
    Outside(PathBuf),
    /// Not UTF-8 text.
    NotText,
    /// The operating system's reason.
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular => f.write_str("not a regular file"),
            ReadError::TooLarge(cap) => write!(f, "larger than {cap} bytes"),
            ReadError::Outside(root) => write!(
                f,
                "outside {}, the repository whose configuration names it",
                root.display()
            ),
            ReadError::NotText => f.write_str("not UTF-8 text"),
            ReadError::Io(err) => f.write_str(&describe_io(err)),
        }
    }
}

/// The directory a scanned repository's configuration may name files in: its own
/// directory, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confinement {
    root: PathBuf,
}

impl Confinement {
    /// Files must stay inside `dir`.
    pub fn new(dir: &Path) -> io::Result<Confinement> {
        Ok(Confinement {
            root: dir.canonicalize()?,
        })
    }

    /// `path` resolved, if it exists and lies inside.
    pub fn check(&self, path: &Path) -> Result<PathBuf, ReadError> {
        let resolved = path.canonicalize().map_err(ReadError::Io)?;
        if resolved.starts_with(&self.root) {
            Ok(resolved)
        } else {
            Err(ReadError::Outside(self.root.clone()))
        }
    }
}

/// The text of the regular file at `path`, at most `cap` bytes, and inside `within`
/// when given.
pub fn read_text(path: &Path, cap: u64, within: Option<&Confinement>) -> Result<String, ReadError> {
    if let Some(confinement) = within {
        confinement.check(path)?;
    }
    // Looked at before opening: opening a FIFO blocks until something writes to it.
    if !std::fs::metadata(path).map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let file = File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(cap));
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotText)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_cap_and_the_root_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let inside = dir.path().join("rules.toml");
        std::fs::write(&inside, "provider = \"x\"\n").unwrap();
        let root = Confinement::new(dir.path()).unwrap();
        assert_eq!(
            read_text(&inside, 100, Some(&root)).unwrap(),
            "provider = \"x\"\n"
        );
        assert!(matches!(
            read_text(&inside, 4, None),
            Err(ReadError::TooLarge(4))
        ));
        assert!(matches!(
            read_text(dir.path(), 100, None),
            Err(ReadError::NotRegular)
        ));
        #[cfg(unix)]
        {
            assert!(matches!(
                read_text(Path::new("/dev/zero"), 100, None),
                Err(ReadError::NotRegular)
            ));
            let outside = tempfile::NamedTempFile::new().unwrap();
            let link = dir.path().join("link.toml");
            std::os::unix::fs::symlink(outside.path(), &link).unwrap();
            assert!(matches!(
                read_text(&link, 100, Some(&root)),
                Err(ReadError::Outside(_))
            ));
        }
    }
}
