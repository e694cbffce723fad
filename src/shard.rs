//! One of N disjoint parts of a scan, for spreading a sweep over a CI matrix or a
//! Kubernetes Indexed Job with no coordinator: every worker computes its part alone.
//!
//! Content is divided by directory (a hash of its path relative to the scanned root or
//! the repository), so what keyscan relates across files stays in one part: an
//! identifier in a sibling file pairs with its secret, and a secret's versions at one
//! path are one introduction. Commit and tag messages all go to the first part.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The `index`-th (from 1) of `count` parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    /// All of it: one part of one.
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// The `index`-th (from 1) of `count` parts.
    pub fn new(index: u32, count: u32) -> Result<Shard, ParseShardError> {
        if count == 0 {
            return Err(ParseShardError::NoParts);
        }
        if !(1..=count).contains(&index) {
            return Err(ParseShardError::OutOfRange { index, count });
        }
        Ok(Shard { index, count })
    }

    /// Its position, from 1.
    pub fn index(self) -> u32 {
        self.index
    }

    /// How many parts there are.
    pub fn count(self) -> u32 {
        self.count
    }

    /// Whether this is the whole scan.
    pub fn is_whole(self) -> bool {
        self.count == 1
    }

    /// Whether the files of directory `dir` (relative to the scanned root or the
    /// repository) are in this part.
    pub fn holds_dir(self, dir: &Path) -> bool {
        self.is_whole() || part_of(dir, self.count) == self.index - 1
    }

    /// Whether commit and tag messages are in this part: the first holds them all.
    pub fn holds_messages(self) -> bool {
        self.index == 1
    }
}

/// Which of `count` parts (from 0) `dir` is in: a hash of its bytes, `/`-separated,
/// fixed so that every machine and every run computes the same.
fn part_of(dir: &Path, count: u32) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (at, component) in dir.components().enumerate() {
        let separator = (at > 0).then_some(b'/');
        for &byte in separator
            .iter()
            .chain(component.as_os_str().as_encoded_bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    // FNV-1a's low bits follow the last bytes closely; mixed (MurmurHash3's
    // finaliser), every bit depends on all of them.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^= hash >> 33;
    (hash % u64::from(count)) as u32
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Why a shard such as `2/4` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseShardError {
    /// Not `K/N` with two whole numbers.
    NotAShard(String),
    /// N is 0.
    NoParts,
    /// K is not between 1 and N.
    OutOfRange {
        /// K.
        index: u32,
        /// N.
        count: u32,
    },
}

impl fmt::Display for ParseShardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseShardError::NotAShard(text) => {
                write!(f, "{text:?} is not a shard like 2/4 (the 2nd of 4 parts)")
            }
            ParseShardError::NoParts => f.write_str("a scan cannot be split into 0 parts"),
            ParseShardError::OutOfRange { index, count } => {
                write!(
                    f,
                    "shard {index} of {count}: shards count from 1 to {count}"
                )
            }
        }
    }
}

impl std::error::Error for ParseShardError {}

impl FromStr for Shard {
    type Err = ParseShardError;

    fn from_str(text: &str) -> Result<Shard, ParseShardError> {
        let not_a_shard = || ParseShardError::NotAShard(text.to_owned());
        let (index, count) = text.trim().split_once('/').ok_or_else(not_a_shard)?;
        let number = |part: &str| part.trim().parse::<u32>().map_err(|_| not_a_shard());
        Shard::new(number(index)?, number(count)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_read_and_print_as_k_of_n() {
        let shard: Shard = "2/4".parse().unwrap();
        assert_eq!((shard.index(), shard.count()), (2, 4));
        assert_eq!(shard.to_string(), "2/4");
        assert!(!shard.holds_messages() && Shard::WHOLE.holds_messages());
        for (text, error) in [
            ("0/4", ParseShardError::OutOfRange { index: 0, count: 4 }),
            ("5/4", ParseShardError::OutOfRange { index: 5, count: 4 }),
            ("1/0", ParseShardError::NoParts),
            ("2", ParseShardError::NotAShard("2".into())),
            ("a/b", ParseShardError::NotAShard("a/b".into())),
        ] {
            assert_eq!(text.parse::<Shard>(), Err(error));
        }
    }

    #[test]
    fn every_directory_is_in_exactly_one_part_and_the_parts_are_even() {
        let dirs: Vec<String> = (0..4000)
            .map(|i| format!("src/module{}/sub{}", i % 97, i))
            .collect();
        for count in [1, 2, 3, 7] {
            let mut sizes = vec![0; count as usize];
            for dir in &dirs {
                let holders: Vec<u32> = (1..=count)
                    .filter(|&index| Shard::new(index, count).unwrap().holds_dir(Path::new(dir)))
                    .collect();
                assert_eq!(holders.len(), 1, "{dir} in {holders:?} of {count}");
                sizes[holders[0] as usize - 1] += 1;
            }
            let even = dirs.len() / count as usize;
            assert!(
                sizes
                    .iter()
                    .all(|&size| size > even * 9 / 10 && size < even * 11 / 10),
                "{count}: {sizes:?}"
            );
        }
        // Fixed values, so that workers of different versions or machines agree.
        assert_eq!(part_of(Path::new("src/app"), 7), 3);
        assert_eq!(part_of(Path::new("deploy/k8s"), 7), 6);
        assert_eq!(part_of(Path::new("deploy/k8s/"), 7), 6);
    }
}
