//! Base64 where configuration keeps secrets encoded: a Kubernetes `Secret`'s `data:`
//! values, a docker `config.json` `auth`, an HTTP `Authorization: Basic` header and
//! an `.npmrc` `_auth`. Each value that decodes to text becomes a line of the view,
//! after its name, so that the rules see `NAME: decoded` as they would have in the
//! clear; a secret in it is reported at the encoded value.

use std::ops::Range;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::View;
use crate::text::line_bounds;

/// Shortest encoded value decoded: shorter ones hold no key worth finding.
const MIN_ENCODED: usize = 16;

/// Longest encoded value decoded (a whole credentials file fits).
const MAX_ENCODED: usize = 1 << 20;

/// What marks a blob as holding encoded secrets (found, ignoring ASCII case, by the
/// engine's keyword pass), and how the values are written after each.
pub const MARKERS: [&str; 5] = [
    "kind: Secret",
    "\"kind\": \"Secret\"",
    "\"auth\"",
    "Basic ",
    "_auth=",
];

/// How values are written in a blob holding each of [`MARKERS`].
const CONTEXTS: [Context; 5] = [
    Context::YamlData,
    Context::JsonData,
    Context::JsonAuth,
    Context::Basic,
    Context::NpmAuth,
];

/// Where encoded values stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// `NAME: VALUE` lines of a YAML `Secret`.
    YamlData,
    /// `"NAME": "VALUE"` members of a JSON `Secret`.
    JsonData,
    /// `"auth": "VALUE"` in a docker `config.json`.
    JsonAuth,
    /// `Basic VALUE` in an `Authorization` header.
    Basic,
    /// `_auth=VALUE` in an `.npmrc`.
    NpmAuth,
}

/// Standard or URL-safe base64, with or without padding.
fn engines() -> [GeneralPurpose; 2] {
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    [
        GeneralPurpose::new(&alphabet::STANDARD, config),
        GeneralPurpose::new(&alphabet::URL_SAFE, config),
    ]
}

/// The decoded values of `data`'s encoded secrets, one `NAME: decoded` entry each,
/// for the contexts whose [`MARKERS`] (by index) are in `data`.
pub fn decoded_values(data: &[u8], markers: &[usize]) -> View {
    let mut view = View::new("base64");
    for &marker in markers {
        for (name, value) in values(data, marker) {
            push_decoded(&mut view, data, name, value);
        }
    }
    view
}

/// The indexes of [`MARKERS`] in `data`, as the engine's keyword pass finds them.
#[cfg(test)]
fn present(data: &[u8]) -> Vec<usize> {
    let lower = data.to_ascii_lowercase();
    (0..MARKERS.len())
        .filter(|&index| {
            let marker = MARKERS[index].to_ascii_lowercase();
            memchr::memmem::find(&lower, marker.as_bytes()).is_some()
        })
        .collect()
}

/// Each (name, encoded value) of `data` written the way the context of
/// `MARKERS[marker]` writes them, as byte ranges. A `Secret`'s values may be on any
/// line; the others are on lines that hold their marker, the only ones looked at.
fn values(data: &[u8], marker: usize) -> Vec<(Range<usize>, Range<usize>)> {
    let context = CONTEXTS[marker];
    let lines: Vec<Range<usize>> = match context {
        Context::YamlData | Context::JsonData => {
            let mut start = 0;
            data.split(|&b| b == b'\n')
                .map(|line| {
                    let range = start..start + line.len();
                    start = range.end + 1;
                    range
                })
                .collect()
        }
        Context::JsonAuth | Context::Basic | Context::NpmAuth => {
            let mut lines: Vec<Range<usize>> =
                memchr::memmem::find_iter(data, MARKERS[marker].as_bytes())
                    .map(|at| line_bounds(data, at))
                    .collect();
            lines.dedup();
            lines
        }
    };
    let mut found = Vec::new();
    for range in lines {
        let line = &data[range.clone()];
        let at = |inner: Range<usize>| range.start + inner.start..range.start + inner.end;
        let pair = match context {
            Context::YamlData => yaml_entry(line),
            Context::JsonData | Context::JsonAuth => json_member(line, context),
            Context::Basic => after(line, b"Basic "),
            Context::NpmAuth => {
                after(line, b"_auth=").map(|(name, value)| (name.start..name.end - 1, value))
            }
        };
        if let Some((name, value)) = pair {
            let value = trim_value(line, value);
            if value.len() >= MIN_ENCODED && value.len() <= MAX_ENCODED {
                found.push((at(name), at(value)));
            }
        }
    }
    found
}

/// `NAME: VALUE` of an indented YAML line.
fn yaml_entry(line: &[u8]) -> Option<(Range<usize>, Range<usize>)> {
    let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
    let colon = start + memchr::memchr(b':', &line[start..])?;
    let name = start..colon;
    let simple = line[name.clone()]
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    (start > 0 && simple && !name.is_empty()).then_some((name, colon + 1..line.len()))
}

/// `"NAME": "VALUE"` on one line; for `JsonAuth`, only the member named `auth`.
fn json_member(line: &[u8], context: Context) -> Option<(Range<usize>, Range<usize>)> {
    let open = memchr::memchr(b'"', line)?;
    let close = open + 1 + memchr::memchr(b'"', &line[open + 1..])?;
    let name = open + 1..close;
    if context == Context::JsonAuth && &line[name.clone()] != b"auth" {
        return None;
    }
    let colon = close + 1 + memchr::memchr(b':', &line[close + 1..])?;
    Some((name, colon + 1..line.len()))
}

/// The word before `marker` as the name, and the rest of the line after it.
fn after(line: &[u8], marker: &[u8]) -> Option<(Range<usize>, Range<usize>)> {
    let at = memchr::memmem::find(line, marker)?;
    Some((at..at + marker.len(), at + marker.len()..line.len()))
}

/// The base64 run at the start of `range` in `line`, past blanks and one quote.
fn trim_value(line: &[u8], range: Range<usize>) -> Range<usize> {
    let mut start = range.start;
    while start < range.end && matches!(line[start], b' ' | b'\t' | b'"' | b'\'') {
        start += 1;
    }
    let length = line[start..range.end]
        .iter()
        .take_while(|&&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=')
        })
        .count();
    start..start + length
}

/// Decodes `data[value]` and, if it is text, appends `NAME: text` to `view`, each
/// decoded group of three bytes mapped to its four encoded characters.
fn push_decoded(view: &mut View, data: &[u8], name: Range<usize>, value: Range<usize>) {
    let encoded = &data[value.clone()];
    let Some(decoded) = engines()
        .iter()
        .find_map(|engine| engine.decode(encoded).ok())
    else {
        return;
    };
    let text = std::str::from_utf8(&decoded).is_ok_and(|text| {
        text.chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
    });
    if !text {
        return;
    }
    view.push(&data[name.clone()], name.start);
    view.push(b": ", value.start);
    for (group, bytes) in decoded.chunks(3).enumerate() {
        view.push(bytes, value.start + 4 * group);
    }
    view.end_line(value.end);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    #[test]
    fn a_kubernetes_secret_is_decoded_after_its_names() {
        let manifest = format!(
            "apiVersion: v1\nkind: Secret\ndata:\n  API_TOKEN: {}\n  short: YWJj\n",
            encode("tok_FAKE0123456789abcdef")
        );
        let view = decoded_values(manifest.as_bytes(), &present(manifest.as_bytes()));
        assert_eq!(view.text, b"API_TOKEN: tok_FAKE0123456789abcdef\n");
        // The decoded token maps into the encoded value on line 4.
        let token = view.text.iter().position(|&b| b == b't').unwrap();
        let encoded = manifest.find("dG9r").unwrap();
        assert_eq!(view.to_blob(token), encoded);
        assert!(view.to_blob(view.text.len() - 2) < manifest.len());
    }

    #[test]
    fn docker_auth_basic_headers_and_npmrc_are_decoded() {
        let docker = format!(
            "{{\"auths\": {{\"registry.example\": {{\n  \"auth\": \"{}\"\n}}}}}}",
            encode("robot:dckr_pat_FAKEabcdefghijklmnop")
        );
        assert_eq!(
            decoded_values(docker.as_bytes(), &present(docker.as_bytes())).text,
            b"auth: robot:dckr_pat_FAKEabcdefghijklmnop\n"
        );
        let header = format!("Authorization: Basic {}\n", encode("user:FAKEpassword123"));
        assert_eq!(
            decoded_values(header.as_bytes(), &present(header.as_bytes())).text,
            b"Basic : user:FAKEpassword123\n"
        );
        let npmrc = format!(
            "//registry.npmjs.org/:_auth={}\n",
            encode("me:FAKEsecret-value")
        );
        assert_eq!(
            decoded_values(npmrc.as_bytes(), &present(npmrc.as_bytes())).text,
            b"_auth: me:FAKEsecret-value\n"
        );
    }

    #[test]
    fn binary_and_unmarked_values_are_left_alone() {
        let binary = base64::engine::general_purpose::STANDARD
            .encode([0u8, 159, 146, 150, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        let manifest = format!("kind: Secret\ndata:\n  cert: {binary}\n");
        assert!(decoded_values(manifest.as_bytes(), &present(manifest.as_bytes())).is_empty());
        let plain = format!("config:\n  TOKEN: {}\n", encode("tok_FAKE0123456789abcdef"));
        assert!(
            decoded_values(plain.as_bytes(), &present(plain.as_bytes())).is_empty(),
            "no Secret marker"
        );
    }
}
