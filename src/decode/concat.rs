//! String literals joined with `+` in code, decoded and concatenated: Java, C#, JS
//! and Go write a multi-line key as `"-----BEGIN …\n" + "MIIE…\n" + …`, one line of
//! the key per literal, with header lines (`Proc-Type:`, PuTTY's `Encryption:`) that no
//! single pattern could step over. Each chain becomes one line of the view — the
//! code before its first literal, then the decoded text of every literal — so the key
//! reads as it would in its own file.

use std::ops::Range;

use super::View;
use super::strings::{decode_into, literal_end};
use crate::text::line_bounds;

/// Most literal text in one chain; a longer chain is cut there.
const MAX_CHAIN: usize = 1 << 16;

/// Most text in the view of one blob.
const MAX_VIEW: usize = 1 << 20;

/// Every chain of two or more double-quoted literals joined by `+` (or by blanks
/// alone, as C and Python join them) in which a literal ends with an escaped line
/// break, decoded.
pub fn concatenated_literals(data: &[u8]) -> View {
    let mut view = View::new("concatenated-string");
    let mut done = 0;
    for at in memchr::memmem::find_iter(data, br#"\n""#) {
        let close = at + 2;
        if close < done || view.text.len() > MAX_VIEW {
            continue;
        }
        let Some(open) = opening_quote(data, close) else {
            continue;
        };
        let mut first = open..close;
        while let Some(previous) = previous_literal(data, first.start) {
            first = previous;
        }
        let mut parts = Vec::new();
        parts.push(first.start + 1..first.end);
        let mut length = first.len();
        while let Some(next) = next_literal(data, parts[parts.len() - 1].end) {
            length += next.len();
            if length > MAX_CHAIN {
                break;
            }
            parts.push(next.start + 1..next.end);
        }
        let end = parts[parts.len() - 1].end;
        done = end + 1;
        if parts.len() < 2 {
            continue;
        }
        let line = line_bounds(data, first.start).start;
        view.push(&data[line..first.start + 1], line);
        for part in parts {
            decode_into(&mut view, data, part.start, part.end);
        }
        view.push(b"\"", end);
        view.end_line(end + 1);
    }
    view
}

/// The opening quote of the literal whose closing quote is at `close`, found by
/// reading the literals of its line from the start.
fn opening_quote(data: &[u8], close: usize) -> Option<usize> {
    let mut at = line_bounds(data, close).start;
    while let Some(open) = memchr::memchr(b'"', &data[at..close]).map(|i| at + i) {
        let (end, _) = literal_end(data, open + 1)?;
        if end == close {
            return Some(open);
        }
        at = end + 1;
    }
    None
}

/// The literal joined to the one whose closing quote is at `close`: `+` and blanks
/// (line breaks too), or blanks alone, then an opening quote. Its quotes, as
/// `open..close`.
fn next_literal(data: &[u8], close: usize) -> Option<Range<usize>> {
    let open = joined(data[close + 1..].iter().copied())? + close + 1;
    let (end, _) = literal_end(data, open + 1)?;
    Some(open..end)
}

/// The literal joined to the one whose opening quote is at `open`, as `open..close`.
fn previous_literal(data: &[u8], open: usize) -> Option<Range<usize>> {
    let close = open - 1 - joined(data[..open].iter().rev().copied())?;
    let start = opening_quote(data, close)?;
    Some(start..close)
}

/// How many bytes of `bytes` come before the quote they lead to through `+` and
/// blanks, or through blanks alone; `None` when something else comes first.
fn joined(bytes: impl Iterator<Item = u8>) -> Option<usize> {
    let mut plus = false;
    let mut blank = false;
    for (index, byte) in bytes.enumerate().take(256) {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' => blank = true,
            b'+' if !plus => plus = true,
            b'"' if plus || blank => return Some(index),
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_java_concatenation_reads_as_the_file_it_was() {
        let java = b"class K {\n    static final String KEY = \"-----BEGIN X-----\\n\"\n        + \"Proc-Type: 4\\n\"\n        + \"-----END X-----\";\n}\n";
        let view = concatenated_literals(java);
        assert_eq!(
            String::from_utf8(view.text.clone()).unwrap(),
            "    static final String KEY = \"-----BEGIN X-----\nProc-Type: 4\n-----END X-----\"\n"
        );
        // `Proc-Type` maps to where it is written, on the third line.
        let at = view.text.windows(4).position(|w| w == b"Proc").unwrap();
        assert_eq!(&java[view.to_blob(at)..][..4], b"Proc");
    }

    #[test]
    fn a_chain_is_found_from_any_literal_and_read_from_its_first() {
        // JS with `+` at the ends of lines; the first literal has no `\n`.
        let js =
            b"const k =\n  \"-----BEGIN X-----\" +\n  \"\\nAAAA\\n\" +\n  \"-----END X-----\";\n";
        let view = concatenated_literals(js);
        assert_eq!(
            String::from_utf8(view.text.clone()).unwrap(),
            "  \"-----BEGIN X-----\nAAAA\n-----END X-----\"\n"
        );
    }

    #[test]
    fn lone_literals_and_other_joins_are_left_alone() {
        assert!(concatenated_literals(b"x = \"a\\n\";\ny = \"b\";\n").is_empty());
        assert!(concatenated_literals(b"[\"a\\n\",\n \"b\"]\n").is_empty());
        assert!(concatenated_literals(b"f(\"a\\n\" - \"b\")\n").is_empty());
    }
}
