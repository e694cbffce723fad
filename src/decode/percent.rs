//! Percent-encoding in URLs, query strings and form bodies: a key with `/`, `+` or `=`
//! in it is written `%2F`, `%2B`, `%3D` there, and a URL passed as a parameter has
//! its `:` and `@` encoded too (`?dsn=postgres%3A%2F%2Fapp%3A…%40db`). Each line that
//! holds such escapes becomes a line of the view with them decoded; a secret found in
//! it is reported where it stands on the encoded line.

use super::View;
use crate::text::line_bounds;

/// The escapes that mark a blob as holding percent-encoded text (found, ignoring
/// ASCII case, by the engine's keyword pass): `/`, `+`, `=`, `:` and `@`, the
/// characters that split a key or a URL when left encoded.
pub const MARKERS: [&str; 5] = ["%2F", "%2B", "%3D", "%3A", "%40"];

/// Longest line decoded: URLs and form bodies are shorter; longer lines are data.
const MAX_LINE: usize = 64 << 10;

/// Most text decoded from one blob: a file of many encoded lines (a log, a dump) has
/// its first lines decoded, and the mapping back stays small.
const MAX_DECODED: usize = 1 << 20;

/// The lines of `data` that hold a marker escape, with their printable escapes
/// decoded.
pub fn decoded_lines(data: &[u8]) -> View {
    let mut view = View::new("percent");
    let mut done = 0;
    for at in memchr::memchr_iter(b'%', data) {
        if at < done || !is_marker(&data[at..]) {
            continue;
        }
        let line = line_bounds(data, at);
        done = line.end;
        if line.len() > MAX_LINE {
            continue;
        }
        if view.text.len() + line.len() > MAX_DECODED {
            break;
        }
        push_line(&mut view, data, line.start, line.end);
    }
    view
}

/// Whether `rest` starts with one of [`MARKERS`], in either case.
fn is_marker(rest: &[u8]) -> bool {
    let Some(escape) = rest.get(..3) else {
        return false;
    };
    MARKERS
        .iter()
        .any(|marker| escape.eq_ignore_ascii_case(marker.as_bytes()))
}

/// Appends `data[start..end]` to `view` with each escape of a printable ASCII
/// character decoded, and a line break.
fn push_line(view: &mut View, data: &[u8], start: usize, end: usize) {
    let mut copied = start;
    let mut at = start;
    while at < end {
        let decoded = (data[at] == b'%' && at + 3 <= end)
            .then(|| hex_pair(data[at + 1], data[at + 2]))
            .flatten()
            .filter(|byte| (0x20..0x7f).contains(byte));
        match decoded {
            Some(byte) => {
                view.push(&data[copied..at], copied);
                view.push_decoded(&[byte], at, 3, 1);
                at += 3;
                copied = at;
            }
            None => at += 1,
        }
    }
    view.push(&data[copied..end], copied);
    view.end_line(end);
}

/// The byte two hexadecimal digits stand for.
fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_string_is_decoded_and_maps_back() {
        let data = b"url: https://api.test/upload?key=ab%2Fcd%2b%3D&x=1\nother%20line\n";
        let view = decoded_lines(data);
        assert_eq!(view.text, b"url: https://api.test/upload?key=ab/cd+=&x=1\n");
        let slash = view.text.iter().position(|&b| b == b'/').unwrap();
        assert_eq!(view.to_blob(slash), slash);
        let plus = view.text.iter().position(|&b| b == b'+').unwrap();
        assert_eq!(&data[view.to_blob(plus)..][..3], b"%2b");
        let amp = view.text.iter().position(|&b| b == b'&').unwrap();
        assert_eq!(data[view.to_blob(amp)], b'&');
    }

    #[test]
    fn a_url_passed_as_a_parameter_is_decoded_whole() {
        let data = b"next=postgres%3A%2F%2Fapp%3AFAKEpw%40db.internal%2Forders\n";
        assert_eq!(
            decoded_lines(data).text,
            b"next=postgres://app:FAKEpw@db.internal/orders\n"
        );
    }

    #[test]
    fn lines_without_a_marker_and_unprintable_escapes_are_left_alone() {
        assert!(decoded_lines(b"printf(\"%20s %2d\", a, b);\n").is_empty());
        assert_eq!(decoded_lines(b"a%2Fb%00c%\n").text, b"a/b%00c%\n");
    }
}
