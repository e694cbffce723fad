//! Text helpers every layer shares: positions in a blob (lines, columns, line bounds),
//! escaping untrusted text for a terminal, percent-encoding, redacting secrets, and counts in words. A leaf: it imports
//! nothing of keyscan.

mod escape;
mod percent;
mod position;
mod redact;

pub use escape::{printable, printable_message, without_values};
pub use percent::{UNRESERVED, percent_encode, percent_encode_into};
pub use position::{LineCursor, Position, line_bounds, line_of, next_line, positions};
pub use redact::redact;

/// `n` and the noun that goes with it: `1 file`, `2 files`, `0 files`.
pub fn counted(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn counts_take_the_singular_only_for_one() {
        assert_eq!(counted(1u64, "file", "files"), "1 file");
        assert_eq!(counted(0u64, "file", "files"), "0 files");
        assert_eq!(counted(2u32, "entry", "entries"), "2 entries");
    }
}
