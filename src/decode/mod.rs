//! Views of a blob other than its raw bytes, for the engine to scan: pure functions,
//! no I/O. Archives expand to their members; UTF-16 text transcoded to UTF-8 replaces
//! the blob; the other views (base64 values, escaped JSON strings, names joined with
//! their values, INI key sections, continued lines) are scanned beside it, each able
//! to map what it finds back to the blob.

pub mod archive;
pub mod base64;
pub mod concat;
pub mod continued;
mod defaults;
pub mod ini;
pub mod names;
pub mod percent;
pub mod strings;
pub mod utf16;
mod view;

use std::ops::Range;

pub use view::View;

/// A view's own fixed regex, compiled on first use: byte-oriented like the rules'
/// patterns, and known to be valid.
fn fixed_pattern(source: &str) -> regex::bytes::Regex {
    regex::bytes::RegexBuilder::new(source)
        .unicode(false)
        .build()
        .unwrap_or_else(|err| unreachable!("a fixed pattern: {err}"))
}

/// The markers that make views worth building, for the engine's keyword pass to find
/// with the rules' keywords in the same pass: base64's, then percent-encoding's.
pub const MARKERS: [&str; base64::MARKERS.len() + percent::MARKERS.len()] = {
    let mut all = [""; base64::MARKERS.len() + percent::MARKERS.len()];
    let mut at = 0;
    while at < all.len() {
        all[at] = match at.checked_sub(base64::MARKERS.len()) {
            None => base64::MARKERS[at],
            Some(escape) => percent::MARKERS[escape],
        };
        at += 1;
    }
    all
};

/// Largest blob whose structure is rewritten (names joined with values, INI
/// sections, continued lines): configuration files are small, and each rewriting
/// costs a pass over the blob (API models and data files run to megabytes).
const MAX_CONFIGURATION: usize = 256 << 10;

/// The views of `data` to scan beside it. `markers` are the indexes of the
/// [`MARKERS`] in `data`, which decide the base64 and percent-encoded views;
/// `keywords` are where rules' keywords are in `data` (ordered by where they end),
/// without which no other view can hold a match (the rewritings only move a name next to its value, and a
/// backslash escape does not hide a keyword; a percent escape can, in `postgres%3A`).
/// Structure is rewritten only in configuration-sized blobs, string literals decoded
/// only in JSON documents (notebooks, API responses, configs), and their text
/// rewritten in turn.
pub fn views(data: &[u8], markers: &[usize], keywords: &[Range<usize>]) -> Vec<View> {
    let any_keyword = !keywords.is_empty();
    let (encoded, escaped): (Vec<usize>, Vec<usize>) = markers
        .iter()
        .partition(|&&marker| marker < base64::MARKERS.len());
    let mut views = base64::decoded_views(data, &encoded);
    if !escaped.is_empty() {
        views.push(percent::decoded_lines(data));
    }
    if any_keyword && data.len() <= MAX_CONFIGURATION {
        views.push(names::name_value_pairs(data, Some(keywords)));
        if ini::looks_like_ini(data) {
            views.push(ini::key_sections(data));
        }
        if continued::has_continued_lines(data) {
            views.push(continued::joined_lines(data));
        }
    }
    let json = data
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&first| matches!(first, b'{' | b'['));
    if any_keyword && memchr::memmem::find(data, br#"\n""#).is_some() {
        views.push(concat::concatenated_literals(data));
    }
    if any_keyword && json {
        let literals = strings::decoded_literals(data);
        // Code in a notebook's cells is rewritten like code in a file.
        if literals.text.len() <= MAX_CONFIGURATION && !literals.is_empty() {
            let named = names::name_value_pairs(&literals.text, None);
            views.push(named.through(&literals, "json-string:name-value"));
        }
        views.push(literals);
    }
    views.retain(|view| !view.is_empty());
    views
}
