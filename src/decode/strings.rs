//! String literals with escape sequences, decoded: a notebook's code cells are JSON
//! strings (`\"`, `\n`), JSON writes `/` as `\/`, code writes `\u002b`, and a PEM,
//! PGP or PuTTY key in a JSON string has its lines joined by `\n`. A key written
//! with escapes is found in the decoded text; literals without escapes say nothing
//! new and are left out.

use super::View;

/// Longest literal decoded; a longer one is left as it is.
const MAX_LITERAL: usize = 1 << 16;

/// The decoded text of every double-quoted literal in `data` that holds an escape
/// which can hide a key, each on its own line (a decoded `\n` breaks the line there
/// too).
pub fn decoded_literals(data: &[u8]) -> View {
    let mut view = View::new("json-string");
    if memchr::memchr(b'\\', data).is_none() {
        return view;
    }
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'"', &data[at..]).map(|i| at + i) {
        let Some((close, escaped)) = literal_end(data, open + 1) else {
            at = open + 1;
            continue;
        };
        if escaped {
            decode_into(&mut view, data, open + 1, close);
            view.end_line(close);
        }
        at = close + 1;
    }
    view
}

/// The closing quote of a literal whose text starts at `start`, and whether it holds
/// an escape (any can hide a key: a quote, a slash, a code point, and a `\n` inside
/// a multi-line key); `None` when the line ends first or the literal is too long.
pub(super) fn literal_end(data: &[u8], start: usize) -> Option<(usize, bool)> {
    let limit = data.len().min(start + MAX_LITERAL);
    let mut escaped = false;
    let mut at = start;
    while at < limit {
        at += memchr::memchr3(b'"', b'\\', b'\n', &data[at..limit])?;
        match data[at] {
            b'"' => return Some((at, escaped)),
            b'\\' => {
                escaped = true;
                at += 2;
            }
            _ => return None,
        }
    }
    None
}

/// Appends the decoded text of `data[start..end]` to `view`.
pub(super) fn decode_into(view: &mut View, data: &[u8], start: usize, end: usize) {
    let mut at = start;
    while at < end {
        let Some(slash) = memchr::memchr(b'\\', &data[at..end]).map(|i| at + i) else {
            view.push(&data[at..end], at);
            return;
        };
        view.push(&data[at..slash], at);
        let (decoded, length) = escape(data, slash, end);
        let mut utf8 = [0; 4];
        view.push(decoded.encode_utf8(&mut utf8).as_bytes(), slash);
        at = slash + length;
    }
}

/// The character an escape at `at` stands for, and how many bytes it takes. An escape
/// keyscan does not know stands for itself (the backslash), one byte long.
fn escape(data: &[u8], at: usize, end: usize) -> (char, usize) {
    let next = data.get(at + 1).copied().filter(|_| at + 1 < end);
    match next {
        Some(b'n') => ('\n', 2),
        Some(b'r') => ('\r', 2),
        Some(b't') => ('\t', 2),
        Some(b'b') => ('\u{8}', 2),
        Some(b'f') => ('\u{c}', 2),
        Some(quote @ (b'"' | b'\'' | b'\\' | b'/')) => (quote as char, 2),
        Some(b'u') => unicode(data, at, end).unwrap_or(('\\', 1)),
        _ => ('\\', 1),
    }
}

/// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`, at `at`.
fn unicode(data: &[u8], at: usize, end: usize) -> Option<(char, usize)> {
    let unit = |from: usize| -> Option<u16> {
        let digits = data.get(from + 2..from + 6).filter(|_| from + 6 <= end)?;
        (data[from + 1] == b'u')
            .then(|| u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok())?
    };
    let first = unit(at)?;
    if (0xD800..0xDC00).contains(&first)
        && data.get(at + 6) == Some(&b'\\')
        && let Some(second) = unit(at + 6)
    {
        let pair = char::decode_utf16([first, second]).next()?.ok()?;
        return Some((pair, 12));
    }
    char::from_u32(u32::from(first)).map(|c| (c, 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(view: &View) -> String {
        String::from_utf8(view.text.clone()).unwrap()
    }

    #[test]
    fn a_notebook_cell_is_decoded_line_by_line() {
        let cell = br#"   "source": ["import os\n", "os.environ[\"TOKEN\"] = \"a\/b\u002bc\"\n"]"#;
        let view = decoded_literals(cell);
        assert_eq!(
            text(&view),
            "import os\n\nos.environ[\"TOKEN\"] = \"a/b+c\"\n\n"
        );
        // `a/b+c` maps back to where it is written: `a\/b\u002bc`.
        let a = view.text.windows(5).position(|w| w == b"a/b+c").unwrap();
        let (start, end) = (view.to_blob(a), view.to_blob(a + 5));
        assert_eq!(&cell[start..end], br"a\/b\u002bc");
    }

    #[test]
    fn literals_without_escapes_and_unclosed_ones_are_left_out() {
        assert!(decoded_literals(b"x = \"plain\"; y = \"no end\\n").is_empty());
        assert!(decoded_literals(b"no backslash \"at all\"").is_empty());
        assert_eq!(text(&decoded_literals(br#""\ud83d\ude00 \q""#)), "😀 \\q\n");
    }
}
