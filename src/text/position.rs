//! Line and column numbers, computed only for the offsets that matched.

/// A 1-based line and column (column counted in Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Positions of `offsets` (which must be sorted ascending) in `haystack`, in one pass:
/// each byte is counted once, however many offsets share one long line.
pub fn positions(haystack: &[u8], offsets: &[usize]) -> Vec<Position> {
    debug_assert!(offsets.windows(2).all(|pair| pair[0] <= pair[1]));
    let mut out = Vec::with_capacity(offsets.len());
    let (mut line, mut column, mut scanned) = (1, 1, 0);
    for &offset in offsets {
        let gap = &haystack[scanned..offset];
        match memchr::memrchr(b'\n', gap) {
            Some(last) => {
                line += memchr::memchr_iter(b'\n', gap).count();
                column = 1 + count_chars(&gap[last + 1..]);
            }
            None => column += count_chars(gap),
        }
        scanned = offset;
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

/// The bounds of the line after `line` (bounds from [`line_bounds`]), found past its
/// `\n` whether the line ended with `\r\n` or `\n`; `None` for the last line.
pub fn next_line(haystack: &[u8], line: &std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    let newline = line.end + memchr::memchr(b'\n', &haystack[line.end..])?;
    Some(line_bounds(haystack, newline + 1))
}

/// The lines of a haystack, visited at offsets that never decrease: each line's bounds
/// are found once however many offsets fall on it (a minified line can hold thousands
/// of findings).
#[derive(Debug)]
pub struct LineCursor<'a> {
    haystack: &'a [u8],
    current: Option<std::ops::Range<usize>>,
}

impl<'a> LineCursor<'a> {
    /// A cursor before the first line of `haystack`.
    pub fn new(haystack: &'a [u8]) -> LineCursor<'a> {
        LineCursor {
            haystack,
            current: None,
        }
    }

    /// Moves to the line holding `offset` (see [`line_bounds`]); returns its bounds if
    /// that is a different line from the last one, `None` if it is the same.
    pub fn enter(&mut self, offset: usize) -> Option<std::ops::Range<usize>> {
        if let Some(line) = &self.current
            && line.start <= offset
            && offset <= line.end
        {
            return None;
        }
        let line = line_bounds(self.haystack, offset);
        self.current = Some(line.clone());
        Some(line)
    }

    /// The bounds of the line holding `offset`, as [`LineCursor::enter`] moves.
    pub fn line(&mut self, offset: usize) -> std::ops::Range<usize> {
        self.enter(offset);
        self.current.clone().unwrap_or_default()
    }
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
    fn a_line_cursor_gives_the_same_bounds_as_line_bounds_and_says_when_it_moves() {
        let text = b"ab cd\r\nef\n\ngh";
        let mut cursor = LineCursor::new(text);
        for offset in 0..text.len() {
            assert_eq!(cursor.line(offset), line_bounds(text, offset), "{offset}");
        }
        let mut cursor = LineCursor::new(text);
        assert_eq!(cursor.enter(0), Some(0..5));
        assert_eq!(cursor.enter(3), None, "same line");
        assert_eq!(cursor.enter(5), None, "the line's carriage return");
        assert_eq!(cursor.enter(7), Some(7..9));
        assert_eq!(cursor.enter(11), Some(11..13));
    }

    #[test]
    fn line_bounds_strip_crlf() {
        let text = b"a\r\nbcd\r\ne";
        assert_eq!(line_bounds(text, 4), 3..6);
        assert_eq!(next_line(text, &(0..1)), Some(3..6));
        assert_eq!(next_line(text, &(3..6)), Some(8..9));
        assert_eq!(next_line(text, &(8..9)), None);
        assert_eq!(line_bounds(text, 0), 0..1);
        assert_eq!(line_bounds(text, 8), 8..9);
    }
}
