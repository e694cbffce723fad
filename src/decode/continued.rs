//! Lines continued with a trailing backslash, as Java `.properties` files and shell
//! scripts write long values (`key = \` then the value indented on the next line):
//! each logical line spread over several is joined into one line of the view.

use super::View;
use crate::text::{line_bounds, next_line};

/// Every logical line of `data` that a trailing `\` spreads over several physical
/// lines, joined: the backslash and the next line's indentation left out. Only the
/// lines around each backslash at a line's end are looked at.
pub fn joined_lines(data: &[u8]) -> View {
    let mut view = View::new("continued-line");
    let mut done = 0;
    for at in line_end_backslashes(data) {
        if at < done || !continues(data, &line_bounds(data, at)) {
            continue;
        }
        // The logical line starts at the first physical line not continuing another.
        let mut first = line_bounds(data, at);
        while first.start > 0 && continues(data, &line_bounds(data, first.start - 1)) {
            first = line_bounds(data, first.start - 1);
        }
        let mut line = first;
        let mut head = true;
        loop {
            let indent = if head {
                0
            } else {
                data[line.clone()].len() - data[line.clone()].trim_ascii_start().len()
            };
            let more = continues(data, &line);
            let end = if more { line.end - 1 } else { line.end };
            view.push(&data[line.start + indent..end], line.start + indent);
            head = false;
            let next = next_line(data, &line).filter(|_| more);
            let Some(next) = next else {
                view.end_line(line.end);
                done = line.end;
                break;
            };
            line = next;
        }
    }
    view
}

/// Offsets of the backslashes that end a line (before `\n` or `\r\n`), ascending.
fn line_end_backslashes(data: &[u8]) -> Vec<usize> {
    let mut found: Vec<usize> = memchr::memmem::find_iter(data, b"\\\n").collect();
    found.extend(memchr::memmem::find_iter(data, b"\\\r\n"));
    found.sort_unstable();
    found
}

/// Whether `data` has a line ending with a backslash.
pub fn has_continued_lines(data: &[u8]) -> bool {
    memchr::memmem::find(data, b"\\\n").is_some() || memchr::memmem::find(data, b"\\\r\n").is_some()
}

/// Whether `line` of `data` ends with an odd number of backslashes: it continues.
fn continues(data: &[u8], line: &std::ops::Range<usize>) -> bool {
    trailing_backslashes(&data[line.clone()]) % 2 == 1
}

fn trailing_backslashes(line: &[u8]) -> usize {
    line.iter().rev().take_while(|&&b| b == b'\\').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continued_values_are_joined_and_map_back() {
        let properties = "a = 1\ntwilio.auth.token = \\\n    cfd469a0\\\n    17cccc38\nb = \\\\\n";
        let view = joined_lines(properties.as_bytes());
        assert_eq!(view.text, b"twilio.auth.token = cfd469a017cccc38\n");
        let at = view.text.windows(8).position(|w| w == b"17cccc38").unwrap();
        let blob = view.to_blob(at);
        assert_eq!(&properties.as_bytes()[blob..blob + 8], b"17cccc38");
    }

    #[test]
    fn crlf_lines_continue_too() {
        let properties = "a = 1\r\naws.secret.access.key = \\\r\n    abc\\\r\n    def\r\nb = 2\r\n";
        assert!(has_continued_lines(properties.as_bytes()));
        let view = joined_lines(properties.as_bytes());
        assert_eq!(view.text, b"aws.secret.access.key = abcdef\n");
    }

    #[test]
    fn text_without_continuations_gives_nothing() {
        assert!(joined_lines(b"a = 1\nb = c:\\\\dir\\\\\n").is_empty());
    }
}
