//! Base64 where secrets are kept encoded: a Kubernetes `Secret`'s `data:` values, a
//! docker `config.json` `auth`, an HTTP `Authorization: Basic` header, an `.npmrc`
//! `_auth`, and anywhere a PEM block or a service-account JSON file was encoded whole
//! (`LS0tLS1CRUdJTi…`, `ewogICJ0eXBlIjog…`), as kubeconfigs and CI variables hold them.
//! Each value that decodes to text becomes a line of the view, after its name, so that
//! the rules see `NAME: decoded` as they would have in the clear; a secret in it is
//! reported at the encoded value. What decodes is looked at once more (a docker
//! config inside a `Secret`), in a view of its own: two levels, no more.

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
pub const MARKERS: [&str; 8] = [
    "kind: Secret",
    "\"kind\": \"Secret\"",
    "\"auth\"",
    "Basic ",
    "_auth=",
    // `-----BEGIN`, `{\n  "type": ` and `{"type":"` encoded from their first byte.
    "LS0tLS1CRUdJTi",
    "ewogICJ0eXBlIjog",
    "eyJ0eXBlIjoi",
];

/// How values are written in a blob holding each of [`MARKERS`].
const CONTEXTS: [Context; 8] = [
    Context::YamlData,
    Context::JsonData,
    Context::JsonAuth,
    Context::Basic,
    Context::NpmAuth,
    Context::Whole,
    Context::Whole,
    Context::Whole,
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
    /// A value that starts with the marker: a whole file encoded.
    Whole,
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
/// for the contexts whose [`MARKERS`] (by index) are in `data`; then, if what
/// decoded holds encoded secrets in turn, theirs, in a `base64:base64` view.
pub fn decoded_views(data: &[u8], markers: &[usize]) -> Vec<View> {
    let outer = decoded_values(data, markers, "base64");
    let inner = decoded_values(&outer.text, &present(&outer.text), "base64:base64");
    let inner = inner.through(&outer, "base64:base64");
    vec![outer, inner]
}

/// The decoded values of `data` for the [`MARKERS`] (by index) in it, in a view named
/// `name`.
fn decoded_values(data: &[u8], markers: &[usize], name: &'static str) -> View {
    let mut view = View::new(name);
    let mut found: Vec<(Range<usize>, Range<usize>)> = markers
        .iter()
        .flat_map(|&marker| values(data, marker))
        .collect();
    // A value can sit in two contexts (a PEM block in a `Secret`): decoded once.
    found.sort_by_key(|(_, value)| (value.start, value.end));
    found.dedup_by_key(|(_, value)| value.start);
    for (name, value) in found {
        push_decoded(&mut view, data, name, value);
    }
    view
}

/// The indexes of [`MARKERS`] in `data`, as written (decoded text is small, and was
/// written by a program: no case to ignore).
fn present(data: &[u8]) -> Vec<usize> {
    (0..MARKERS.len())
        .filter(|&index| memchr::memmem::find(data, MARKERS[index].as_bytes()).is_some())
        .collect()
}

/// Each (name, encoded value) of `data` written the way the context of
/// `MARKERS[marker]` writes them, as byte ranges. A `Secret`'s values may be on any
/// line; the others follow their marker, the only places looked at.
fn values(data: &[u8], marker: usize) -> Vec<(Range<usize>, Range<usize>)> {
    let context = CONTEXTS[marker];
    let mut found = Vec::new();
    let mut keep = |name: Range<usize>, value: Range<usize>| {
        let value = trim_value(data, value);
        if value.len() >= MIN_ENCODED && value.len() <= MAX_ENCODED {
            found.push((name, value));
        }
    };
    match context {
        Context::YamlData | Context::JsonData => {
            let mut start = 0;
            for line in data.split(|&b| b == b'\n') {
                let range = start..start + line.len();
                start = range.end + 1;
                let at = |inner: Range<usize>| range.start + inner.start..range.start + inner.end;
                let entry = match context {
                    Context::YamlData => yaml_entry(line),
                    _ => json_member(line),
                };
                if let Some((name, value)) = entry {
                    keep(at(name), at(value));
                }
            }
        }
        Context::JsonAuth | Context::Basic | Context::NpmAuth | Context::Whole => {
            let marker = MARKERS[marker].as_bytes();
            for at in memchr::memmem::find_iter(data, marker) {
                let after = at + marker.len();
                let line_end = line_bounds(data, at).end;
                match context {
                    // `"auth"`, blanks, a colon: the value follows (compact JSON too).
                    Context::JsonAuth => {
                        let colon = data[after..line_end]
                            .iter()
                            .position(|b| !b.is_ascii_whitespace())
                            .filter(|&gap| data[after + gap] == b':');
                        if let Some(gap) = colon {
                            keep(at + 1..after - 1, after + gap + 1..line_end);
                        }
                    }
                    Context::Basic => keep(at..after, after..line_end),
                    Context::NpmAuth => keep(at..after - 1, after..line_end),
                    _ => keep(at..at, at..line_end),
                }
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

/// `"NAME": "VALUE"` on one line.
fn json_member(line: &[u8]) -> Option<(Range<usize>, Range<usize>)> {
    let open = memchr::memchr(b'"', line)?;
    let close = open + 1 + memchr::memchr(b'"', &line[open + 1..])?;
    let colon = close + 1 + memchr::memchr(b':', &line[close + 1..])?;
    Some((open + 1..close, colon + 1..line.len()))
}

/// The base64 run at the start of `range` in `data`, past blanks and one quote.
fn trim_value(data: &[u8], range: Range<usize>) -> Range<usize> {
    let mut start = range.start;
    while start < range.end && matches!(data[start], b' ' | b'\t' | b'"' | b'\'') {
        start += 1;
    }
    let length = data[start..range.end]
        .iter()
        .take_while(|&&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=')
        })
        .count();
    start..start + length
}

/// Decodes `data[value]` and, if it is text, appends `NAME: text` to `view` (the text
/// alone when there is no name), the decoded bytes mapped group by group to the
/// encoded characters.
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
    if !name.is_empty() {
        view.push(&data[name.clone()], name.start);
        view.push(b": ", name.end);
    }
    view.push_decoded(&decoded, value.start, 4, 3);
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
        let view = decoded_values(manifest.as_bytes(), &present(manifest.as_bytes()), "base64");
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
            decoded_values(docker.as_bytes(), &present(docker.as_bytes()), "base64").text,
            b"auth: robot:dckr_pat_FAKEabcdefghijklmnop\n"
        );
        let header = format!("Authorization: Basic {}\n", encode("user:FAKEpassword123"));
        assert_eq!(
            decoded_values(header.as_bytes(), &present(header.as_bytes()), "base64").text,
            b"Basic : user:FAKEpassword123\n"
        );
        let npmrc = format!(
            "//registry.npmjs.org/:_auth={}\n",
            encode("me:FAKEsecret-value")
        );
        assert_eq!(
            decoded_values(npmrc.as_bytes(), &present(npmrc.as_bytes()), "base64").text,
            b"_auth: me:FAKEsecret-value\n"
        );
    }

    #[test]
    fn binary_and_unmarked_values_are_left_alone() {
        let binary = base64::engine::general_purpose::STANDARD
            .encode([0u8, 159, 146, 150, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        let manifest = format!("kind: Secret\ndata:\n  cert: {binary}\n");
        assert!(
            decoded_values(manifest.as_bytes(), &present(manifest.as_bytes()), "base64").is_empty()
        );
        let plain = format!("config:\n  TOKEN: {}\n", encode("tok_FAKE0123456789abcdef"));
        assert!(
            decoded_values(plain.as_bytes(), &present(plain.as_bytes()), "base64").is_empty(),
            "no Secret marker"
        );
    }

    #[test]
    fn a_docker_config_inside_a_secret_is_decoded_twice() {
        // What `kubectl create secret docker-registry` writes: compact JSON, encoded.
        let config = format!(
            r#"{{"auths":{{"ghcr.io":{{"username":"ci","auth":"{}"}}}}}}"#,
            encode("ci:ghp_FAKE0123456789abcdefghij")
        );
        let manifest = format!(
            "kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n",
            encode(&config)
        );
        let [outer, inner] = <[View; 2]>::try_from(decoded_views(
            manifest.as_bytes(),
            &present(manifest.as_bytes()),
        ))
        .unwrap();
        assert_eq!(
            outer.text,
            format!(".dockerconfigjson: {config}\n").as_bytes()
        );
        assert_eq!(inner.name, "base64:base64");
        assert_eq!(inner.text, b"auth: ci:ghp_FAKE0123456789abcdefghij\n");
        // The token maps into the outer encoded value, past its start.
        let value = manifest.find(".dockerconfigjson: ").unwrap() + 19;
        let token = inner.to_blob(inner.text.iter().position(|&b| b == b'g').unwrap());
        assert!(token > value + 40 && token < manifest.len() - 1, "{token}");
    }

    #[test]
    fn a_whole_pem_file_encoded_is_decoded_wherever_it_stands() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANFAKE\n-----END PRIVATE KEY-----\n";
        let kubeconfig = format!(
            "users:\n- name: admin\n  user:\n    client-key-data: {}\n",
            encode(pem)
        );
        let view = decoded_values(
            kubeconfig.as_bytes(),
            &present(kubeconfig.as_bytes()),
            "base64",
        );
        assert_eq!(view.text, format!("{pem}\n").as_bytes());
        assert_eq!(view.to_blob(0), kubeconfig.find("LS0t").unwrap());
    }
}
