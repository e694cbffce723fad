//! INI sections of S3-compatible tools (`~/.aws/credentials`, rclone, `.s3cfg`):
//! each tool names the key pair its own way (`access_key_id`, `secret_key`, …) and
//! puts the endpoint that says whose keys they are anywhere in the section. The view
//! gives each such section its endpoint first and its keys under the names the AWS
//! CLI uses, so that the rule for the endpoint's provider sees them.

use std::ops::Range;

use super::View;

/// Keys that name the section's endpoint.
const ENDPOINT_KEYS: &[&str] = &["endpoint", "host_base", "endpoint_url", "s3_endpoint"];

/// The AWS CLI's name for each tool's name of a key half.
const KEY_NAMES: &[(&str, &str)] = &[
    ("access_key", "aws_access_key_id"),
    ("access_key_id", "aws_access_key_id"),
    ("aws_access_key_id", "aws_access_key_id"),
    ("secret_key", "aws_secret_access_key"),
    ("secret_access_key", "aws_secret_access_key"),
    ("aws_secret_access_key", "aws_secret_access_key"),
];

/// Whether `data` reads as INI: its first line that is not blank or a comment is a
/// `[section]` header, as in every file of the tools this view is for.
pub fn looks_like_ini(data: &[u8]) -> bool {
    data.split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty() && !line.starts_with(b"#") && !line.starts_with(b";"))
        .is_some_and(|line| line.starts_with(b"[") && line.ends_with(b"]"))
}

/// One `key = value` line of a section: the key's and the value's ranges.
struct Entry {
    key: Range<usize>,
    value: Range<usize>,
}

/// Each INI section of `data` that holds a key pair, rewritten: its endpoint line,
/// then its key halves under the AWS CLI's names. A section is a `[name]` line and the
/// entries, comments and blank lines under it; any other line means the text is not
/// INI, and the section is dropped.
pub fn key_sections(data: &[u8]) -> View {
    let mut view = View::new("ini-section");
    let mut section: Option<Vec<Entry>> = None;
    let mut start = 0;
    for line in data.split(|&b| b == b'\n') {
        let here = start;
        start += line.len() + 1;
        let trimmed = line.trim_ascii();
        if trimmed.starts_with(b"[") && trimmed.ends_with(b"]") {
            if let Some(entries) = section.take() {
                emit(&mut view, data, &entries);
            }
            section = Some(Vec::new());
        } else if trimmed.is_empty() || trimmed.starts_with(b"#") || trimmed.starts_with(b";") {
            continue;
        } else if let (Some(entries), Some(entry)) = (section.as_mut(), entry(line, here)) {
            entries.push(entry);
        } else {
            section = None;
        }
    }
    if let Some(entries) = section {
        emit(&mut view, data, &entries);
    }
    view
}

/// `key = value` (or `key: value`) on `line`, which starts at `at`.
fn entry(line: &[u8], at: usize) -> Option<Entry> {
    let indent = line.len() - line.trim_ascii_start().len();
    let key_len = line[indent..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    let rest = &line[indent + key_len..];
    let separator = rest.iter().position(|b| !matches!(b, b' ' | b'\t'))?;
    if key_len == 0 || !matches!(rest[separator], b'=' | b':') {
        return None;
    }
    let value_from = indent + key_len + separator + 1;
    let value = line[value_from..].trim_ascii();
    let value_start =
        value_from + line[value_from..].len() - line[value_from..].trim_ascii_start().len();
    (!value.is_empty()).then(|| Entry {
        key: at + indent..at + indent + key_len,
        value: at + value_start..at + value_start + value.len(),
    })
}

/// Appends `section` to `view` if it holds a key half.
fn emit(view: &mut View, data: &[u8], section: &[Entry]) {
    let renamed: Vec<(&str, &Entry)> = section
        .iter()
        .filter_map(|entry| {
            let key = String::from_utf8_lossy(&data[entry.key.clone()]).to_ascii_lowercase();
            KEY_NAMES
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, aws)| (*aws, entry))
        })
        .collect();
    if renamed.is_empty() {
        return;
    }
    for entry in section {
        let key = String::from_utf8_lossy(&data[entry.key.clone()]).to_ascii_lowercase();
        if ENDPOINT_KEYS.contains(&key.as_str()) {
            view.push(&data[entry.key.start..entry.value.end], entry.key.start);
            view.end_line(entry.value.end);
        }
    }
    for (name, entry) in renamed {
        view.push(name.as_bytes(), entry.key.start);
        view.push(b" = ", entry.value.start.saturating_sub(3));
        view.push(&data[entry.value.clone()], entry.value.start);
        view.end_line(entry.value.end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_rclone_remote_gets_its_endpoint_first_and_aws_names() {
        let conf = "[backup]\ntype = s3\naccess_key_id = ID123\nsecret_access_key = SECRET456\nendpoint = https://objectstorage.example\n\n[other]\ntype = local\n";
        let view = key_sections(conf.as_bytes());
        assert_eq!(
            String::from_utf8(view.text.clone()).unwrap(),
            "endpoint = https://objectstorage.example\naws_access_key_id = ID123\naws_secret_access_key = SECRET456\n"
        );
        let at = view
            .text
            .windows(9)
            .position(|w| w == b"SECRET456")
            .unwrap();
        assert_eq!(
            &conf.as_bytes()[view.to_blob(at)..view.to_blob(at + 9)],
            b"SECRET456"
        );
    }

    #[test]
    fn an_s3cfg_default_section_is_renamed() {
        let s3cfg = "[default]\naccess_key = AKIA\nsecret_key = abc/def\nhost_base = s3.amazonaws.com\nuse_https = True\n";
        assert_eq!(
            String::from_utf8(key_sections(s3cfg.as_bytes()).text).unwrap(),
            "host_base = s3.amazonaws.com\naws_access_key_id = AKIA\naws_secret_access_key = abc/def\n"
        );
    }

    #[test]
    fn ini_is_recognised_by_its_first_header() {
        assert!(looks_like_ini(b"# rclone\n\n[remote]\ntype = s3\n"));
        assert!(!looks_like_ini(b"import os\n[section]\n"));
        assert!(!looks_like_ini(b"[1, 2, 3]x\n"));
    }

    #[test]
    fn sections_without_keys_and_text_that_is_not_ini_give_nothing() {
        assert!(key_sections(b"[core]\neditor = vim\n").is_empty());
        let code = "[default]\nsecret_key = abc\nprint(secret_key)\nendpoint = x\n";
        assert!(key_sections(code.as_bytes()).is_empty());
        assert!(
            key_sections(b"secret_key = abc\nendpoint = x\n").is_empty(),
            "no header"
        );
    }
}
