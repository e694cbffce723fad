//! Views of a blob other than its raw bytes, for the engine to scan: pure functions,
//! no I/O. Archives expand to their members; UTF-16 text transcoded to UTF-8 replaces
//! the blob; the other views (base64 values, escaped JSON strings, names joined with
//! their values, INI key sections, continued lines) are scanned beside it, each able
//! to map what it finds back to the blob.

pub mod archive;
pub mod base64;
pub mod continued;
mod defaults;
pub mod ini;
pub mod names;
pub mod strings;
pub mod utf16;
mod view;

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
/// with the rules' keywords in the same pass.
pub const MARKERS: [&str; 5] = base64::MARKERS;

/// Largest blob whose structure is rewritten (names joined with values, INI
/// sections, continued lines): configuration files are small, and each rewriting
/// costs a pass over the blob (API models and data files run to megabytes).
const MAX_CONFIGURATION: usize = 256 << 10;

/// The views of `data` to scan beside it. `markers` are the indexes of the
/// [`MARKERS`] in `data`, which decide the base64 view; `keywords` says whether any
/// rule's keyword is in `data`, without which no other view can hold a match (the
/// rewritings only move a name next to its value, and an escape does not hide a
/// keyword). Structure is rewritten only in configuration-sized blobs, string
/// literals decoded only in JSON documents (notebooks, API responses, configs).
pub fn views(data: &[u8], markers: &[usize], keywords: bool) -> Vec<View> {
    let mut views = vec![base64::decoded_values(data, markers)];
    if keywords && data.len() <= MAX_CONFIGURATION {
        views.push(names::name_value_pairs(data));
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
    if keywords && json {
        views.push(strings::decoded_literals(data));
    }
    views.retain(|view| !view.is_empty());
    views
}
