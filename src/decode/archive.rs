//! Archives: zip (and jar, war, apk, docx, xlsx), tar, and gzip (so `.tar.gz` and
//! `.tgz`), expanded in memory so that their members are scanned like files. Nested
//! archives are expanded to a fixed depth; entry count, inflated size and compression
//! ratio are bounded, and a bound that stops the expansion is a problem the caller
//! reports: what was not expanded was not scanned.

use std::io::{Cursor, Read};

/// Bounds on what one archive, with everything nested in it, may expand to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Archives nested in archives expanded, the outermost being 1.
    pub depth: usize,
    /// Members, counted over all levels.
    pub entries: usize,
    /// Bytes inflated, over all levels.
    pub inflated: u64,
    /// Bytes inflated per byte of the archive: more is a decompression bomb.
    pub ratio: u64,
}

impl Bounds {
    /// Bounds for archives of a scan whose files may be `max_file_size` bytes.
    pub fn for_file_size(max_file_size: u64) -> Bounds {
        Bounds {
            depth: 3,
            entries: 10_000,
            inflated: max_file_size,
            ratio: 1_000,
        }
    }
}

/// The kinds of archive keyscan expands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A zip archive (jar, war, apk, docx and xlsx are zip archives too).
    Zip,
    /// A tar archive.
    Tar,
    /// A gzip stream.
    Gzip,
}

impl Kind {
    /// The name reports use.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Zip => "zip",
            Kind::Tar => "tar",
            Kind::Gzip => "gzip",
        }
    }
}

/// The kind of archive `data` is, by its magic bytes.
pub fn detect(data: &[u8]) -> Option<Kind> {
    if data.starts_with(b"PK\x03\x04") {
        Some(Kind::Zip)
    } else if data.starts_with(&[0x1f, 0x8b]) {
        Some(Kind::Gzip)
    } else if data.get(257..262) == Some(b"ustar") {
        Some(Kind::Tar)
    } else {
        None
    }
}

/// A member of an archive: its path inside (`inner.tar.gz!dir/file` when nested),
/// the kinds of archive it came through, and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Path inside the outermost archive, nested archives joined with `!`.
    pub path: String,
    /// The archives it was expanded from, outermost first, joined with `:`
    /// (`zip:gzip:tar`).
    pub chain: String,
    /// Its content.
    pub data: Vec<u8>,
}

/// What expanding an archive gave: the members that are not archives themselves, and
/// why the expansion stopped short, if it did.
#[derive(Debug, Default)]
pub struct Expanded {
    /// Members to scan.
    pub members: Vec<Member>,
    /// What could not be expanded, in words: the result is incomplete.
    pub problems: Vec<String>,
}

/// Expands `data`, an archive of `kind` named `name` (its file name, which names
/// what a gzip stream holds when its header does not), within `bounds`.
pub fn expand(data: &[u8], kind: Kind, name: &str, bounds: Bounds) -> Expanded {
    let mut expansion = Expansion {
        name: name.strip_suffix(".gz").unwrap_or(name).to_owned(),
        bounds,
        budget: bounds
            .inflated
            .min(bounds.ratio.saturating_mul(data.len() as u64)),
        entries: 0,
        out: Expanded::default(),
    };
    expansion.archive(data, kind, "", "", 1);
    expansion.out
}

/// An expansion in progress: what is left of the bounds.
struct Expansion {
    /// What an unnamed gzip stream is called: the archive's name without `.gz`.
    name: String,
    bounds: Bounds,
    /// Bytes that may still be inflated.
    budget: u64,
    entries: usize,
    out: Expanded,
}

impl Expansion {
    /// Expands the archive `data` found at `prefix` (ending in `!`, or empty for the
    /// outermost) after the archives of `chain`.
    fn archive(&mut self, data: &[u8], kind: Kind, prefix: &str, chain: &str, depth: usize) {
        let chain = if chain.is_empty() {
            kind.name().to_owned()
        } else {
            format!("{chain}:{}", kind.name())
        };
        let result = match kind {
            Kind::Zip => self.zip(data, prefix, &chain, depth),
            Kind::Tar => self.tar(data, prefix, &chain, depth),
            Kind::Gzip => self.gzip(data, prefix, &chain, depth),
        };
        if let Err(problem) = result {
            let at = prefix.trim_end_matches('!');
            let problem = if at.is_empty() {
                problem
            } else {
                format!("{at}: {problem}")
            };
            self.out.problems.push(problem);
        }
    }

    fn zip(&mut self, data: &[u8], prefix: &str, chain: &str, depth: usize) -> Result<(), String> {
        let mut archive = zip::ZipArchive::new(Cursor::new(data))
            .map_err(|err| format!("not a readable zip archive: {err}"))?;
        for index in 0..archive.len() {
            let mut file = archive
                .by_index(index)
                .map_err(|err| format!("zip entry {index}: {err}"))?;
            if file.is_dir() {
                continue;
            }
            let name = String::from_utf8_lossy(file.name_raw()).into_owned();
            let size = file.size();
            let content = self.read(&mut file, size)?;
            self.member(content, format!("{prefix}{name}"), chain, depth)?;
        }
        Ok(())
    }

    fn tar(&mut self, data: &[u8], prefix: &str, chain: &str, depth: usize) -> Result<(), String> {
        let mut archive = tar::Archive::new(Cursor::new(data));
        let entries = archive
            .entries()
            .map_err(|err| format!("not a readable tar archive: {err}"))?;
        for entry in entries {
            let mut entry = entry.map_err(|err| format!("tar entry: {err}"))?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let name = entry
                .path()
                .map(|path| path.to_string_lossy().into_owned())
                .unwrap_or_default();
            let size = entry.size();
            let content = self.read(&mut entry, size)?;
            self.member(content, format!("{prefix}{name}"), chain, depth)?;
        }
        Ok(())
    }

    fn gzip(&mut self, data: &[u8], prefix: &str, chain: &str, depth: usize) -> Result<(), String> {
        let mut decoder = flate2::read::GzDecoder::new(data);
        let content = self.read(&mut decoder, 0)?;
        // A compressed archive (`.tar.gz`) is one archive: its members are named as
        // if it were not compressed.
        if let Some(kind) = detect(&content).filter(|kind| *kind != Kind::Gzip) {
            self.archive(&content, kind, prefix, chain, depth);
            return Ok(());
        }
        // The gzip header may name the file it compressed.
        let name = decoder
            .header()
            .and_then(|header| header.filename())
            .map(|name| String::from_utf8_lossy(name).into_owned())
            .unwrap_or_else(|| self.name.clone());
        self.member(content, format!("{prefix}{name}"), chain, depth)
    }

    /// Reads one member of `declared` bytes (0: unknown) within the budget.
    fn read(&mut self, reader: &mut dyn Read, declared: u64) -> Result<Vec<u8>, String> {
        self.entries += 1;
        if self.entries > self.bounds.entries {
            return Err(format!("more than {} entries", self.bounds.entries));
        }
        let over = || {
            format!(
                "inflates to more than {} bytes (the size cap, at most {} times the archive)",
                self.bounds.inflated, self.bounds.ratio
            )
        };
        if declared > self.budget {
            return Err(over());
        }
        let mut content = Vec::with_capacity(usize::try_from(declared).unwrap_or(0).min(1 << 20));
        reader
            .take(self.budget + 1)
            .read_to_end(&mut content)
            .map_err(|err| format!("cannot inflate: {err}"))?;
        if content.len() as u64 > self.budget {
            return Err(over());
        }
        self.budget -= content.len() as u64;
        Ok(content)
    }

    /// Keeps `content`, found at `path`, or expands it if it is an archive itself.
    fn member(
        &mut self,
        content: Vec<u8>,
        path: String,
        chain: &str,
        depth: usize,
    ) -> Result<(), String> {
        match detect(&content) {
            Some(kind) if depth < self.bounds.depth => {
                self.archive(&content, kind, &format!("{path}!"), chain, depth + 1);
                Ok(())
            }
            Some(_) => Err(format!(
                "{path}: archives nested deeper than {}",
                self.bounds.depth
            )),
            None => {
                self.out.members.push(Member {
                    path,
                    chain: chain.to_owned(),
                    data: content,
                });
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn tar_gz_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, name, *data).unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&tar).unwrap();
        gz.finish().unwrap()
    }

    const BOUNDS: Bounds = Bounds {
        depth: 3,
        entries: 100,
        inflated: 1 << 20,
        ratio: 1_000,
    };

    #[test]
    fn zip_and_tar_gz_members_are_expanded_with_their_paths() {
        let inner = tar_gz_of(&[("config/.env", b"A=1\n"), ("readme", b"hi")]);
        let outer = zip_of(&[("app/x.txt", b"text"), ("backup.tgz", &inner)]);
        assert_eq!(detect(&outer), Some(Kind::Zip));
        let expanded = expand(&outer, Kind::Zip, "backup.zip", BOUNDS);
        assert!(expanded.problems.is_empty(), "{:?}", expanded.problems);
        let found: Vec<(&str, &str, &[u8])> = expanded
            .members
            .iter()
            .map(|m| (m.path.as_str(), m.chain.as_str(), m.data.as_slice()))
            .collect();
        assert_eq!(
            found,
            [
                ("app/x.txt", "zip", &b"text"[..]),
                ("backup.tgz!config/.env", "zip:gzip:tar", b"A=1\n"),
                ("backup.tgz!readme", "zip:gzip:tar", b"hi"),
            ]
        );
    }

    #[test]
    fn a_gzip_file_is_named_by_its_header_or_its_own_name() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"changelog text").unwrap();
        let data = gz.finish().unwrap();
        let expanded = expand(&data, Kind::Gzip, "changelog.gz", BOUNDS);
        assert_eq!(expanded.members[0].path, "changelog");
        assert_eq!(expanded.members[0].data, b"changelog text");
    }

    #[test]
    fn a_decompression_bomb_stops_with_a_problem_not_an_allocation() {
        let zeros = vec![0u8; 4 << 20];
        let bomb = zip_of(&[("zeros.bin", &zeros)]);
        let expanded = expand(&bomb, Kind::Zip, "bomb.zip", BOUNDS);
        assert!(expanded.members.is_empty());
        assert_eq!(expanded.problems.len(), 1);
        assert!(
            expanded.problems[0].contains("inflates to more than"),
            "{:?}",
            expanded.problems
        );
    }

    #[test]
    fn too_many_entries_too_deep_and_damaged_archives_are_problems() {
        let many: Vec<(String, Vec<u8>)> =
            (0..150).map(|i| (format!("f{i}"), vec![b'x'])).collect();
        let many: Vec<(&str, &[u8])> = many
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        let expanded = expand(&zip_of(&many), Kind::Zip, "many.zip", BOUNDS);
        assert!(expanded.problems[0].contains("more than 100 entries"));
        let mut nested = zip_of(&[("a", b"secret")]);
        for level in 0..3 {
            nested = zip_of(&[(&format!("level{level}.zip"), &nested)]);
        }
        let expanded = expand(&nested, Kind::Zip, "nested.zip", BOUNDS);
        assert!(
            expanded.problems[0].contains("nested deeper than 3"),
            "{:?}",
            expanded.problems
        );
        let mut damaged = zip_of(&[("a.txt", b"hello hello hello")]);
        damaged.truncate(damaged.len() / 2);
        let expanded = expand(&damaged, Kind::Zip, "damaged.zip", BOUNDS);
        assert!(!expanded.problems.is_empty());
    }
}
