//! Line and column numbers, computed only for the offsets that matched.

/// A 1-based line and column (column counted in Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Positions of `offsets` (which must be sorted ascending) in `haystack`, in one pass.
pub fn positions(haystack: &[u8], offsets: &[usize]) -> Vec<Position> {
    debug_assert!(offsets.windows(2).all(|pair| pair[0] <= pair[1]));
    let mut out = Vec::with_capacity(offsets.len());
    let (mut line, mut line_start, mut scanned) = (1, 0, 0);
    for &offset in offsets {
        for newline in memchr::memchr_iter(b'\n', &haystack[scanned..offset]) {
            line += 1;
            line_start = scanned + newline + 1;
        }
        scanned = offset;
        let column = 1 + count_chars(&haystack[line_start..offset]);
        out.push(Position { line, column });
    }
    out
}

/// The 1-based line `offset` is on (the last line when past the end): where a
/// problem in a configuration or rule file is.
pub fn line_of(haystack: &[u8], offset: usize) -> usize {
    1 + memchr::memchr_iter(b'\n', &haystack[..offset.min(haystack.len())]).count()
}

/// Characters in possibly invalid UTF-8: every byte that does not continue a sequence.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// The byte range of the line that contains `offset`, without its line break.
pub fn line_bounds(haystack: &[u8], offset: usize) -> std::ops::Range<usize> {
    let start = memchr::memrchr(b'\n', &haystack[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &haystack[offset..]).map_or(haystack.len(), |i| offset + i);
    let end = if end > start && haystack[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_character_columns() {
        let text = "first\nsé key\n\nlast".as_bytes();
        let key = text.windows(3).position(|w| w == b"key").unwrap();
        let last = text.windows(4).position(|w| w == b"last").unwrap();
        assert_eq!(
            positions(text, &[0, key, last]),
            vec![
                Position { line: 1, column: 1 },
                Position { line: 2, column: 4 },
                Position { line: 4, column: 1 }
            ]
        );
    }

    #[test]
    fn line_of_counts_the_line_breaks_before_an_offset() {
        let text = b"a = 1\nb = [\n  2\n]";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 6), 2);
        assert_eq!(line_of(text, text.len() - 1), 4);
        assert_eq!(line_of(text, 1_000), 4);
    }

    #[test]
    fn line_bounds_strip_crlf() {
        let text = b"a\r\nbcd\r\ne";
        assert_eq!(line_bounds(text, 4), 3..6);
        assert_eq!(line_bounds(text, 0), 0..1);
        assert_eq!(line_bounds(text, 8), 8..9);
    }
}
