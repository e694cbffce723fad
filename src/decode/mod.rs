//! Views of a blob other than its raw bytes, for the engine to scan: pure functions,
//! no I/O. Archives expand to their members; UTF-16 text transcoded to UTF-8 replaces
//! the blob; the other views are scanned beside it, each able to map what it finds
//! back to the blob.

pub mod archive;
pub mod base64;
pub mod continued;
pub mod ini;
pub mod names;
pub mod strings;
pub mod utf16;
mod view;

pub use view::View;

/// The markers that make views worth building, for the engine's keyword pass to find
/// with the rules' keywords in the same pass.
pub const MARKERS: [&str; 5] = base64::MARKERS;

/// Largest blob whose names and values are paired up: configuration files are small,
/// and pairing costs a pass over the blob (API models and data files run to megabytes).
const MAX_CONFIGURATION: usize = 256 << 10;

/// The views of `data` to scan beside it. `markers` are the indexes of the
/// [`MARKERS`] in `data`; `keywords` says whether any rule's keyword is in it. Names
/// written apart from their values are joined, key pairs in INI sections renamed and
/// continued lines joined only then, in blobs the size of a configuration file; string literals are decoded only in JSON documents
/// (notebooks, API responses, configs) that hold a keyword: an escape does not hide a
/// keyword, and decoding every literal of every source file would cost more than it
/// finds.
pub fn views(data: &[u8], markers: &[usize], keywords: bool) -> Vec<View> {
    let mut views = vec![base64::decoded_values(data, markers)];
    if keywords && data.len() <= MAX_CONFIGURATION {
        views.push(names::name_value_pairs(data));
        if ini::looks_like_ini(data) {
            views.push(ini::key_sections(data));
        }
        if memchr::memmem::find(data, b"\\\n").is_some() {
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
