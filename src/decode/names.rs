//! Names and values written apart: a Kubernetes `env:` list (`- name: X` and
//! `value: Y` in one item, in either order, other keys between), JSON
//! `{"name": "X", "value": "Y"}` objects (ECS task definitions, Terraform JSON), XML
//! `<add key="X" value="Y" />` settings, quoted names beside quoted values in code
//! (`{ "X", "Y" }`, `Map.of("x", "y")`, `ENV["X"] ||= "y"`, `getenv("X", "y")`), and
//! the defaults of shell and Terraform variables ([`defaults`](super::defaults)).
//! Each pair becomes a `X: Y` line, so that the rules see the name with its value.

use std::ops::Range;
use std::sync::LazyLock;

use regex::bytes::Regex;

use super::fixed_pattern as pattern;

use super::View;
use crate::text::{line_bounds, next_line};

/// A JSON object with `name` then `value` (any case), strings without escapes.
static NAME_THEN_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r#""(?i:name|key)"\s*:\s*"(?P<name>[^"\\]{1,128})"\s*,\s*"(?i:value)"\s*:\s*(?P<value>"[^"\\]{1,4096}")"#,
    )
});

/// A JSON object with `value` then `name`.
static VALUE_THEN_NAME: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r#""(?i:value)"\s*:\s*(?P<value>"[^"\\]{1,4096}")\s*,\s*"(?i:name|key)"\s*:\s*"(?P<name>[^"\\]{1,128})""#,
    )
});

/// An XML element with a `key` (or `name`) attribute, then a `value` attribute.
static XML_KEY_THEN_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r#"<[A-Za-z][\w:.-]{0,64}\s+(?:key|name)\s*=\s*"(?P<name>[^"<>\n]{1,128})"\s+value\s*=\s*(?P<value>"[^"<>\n]{1,4096}")"#,
    )
});

/// An XML element with a `value` attribute, then a `key` (or `name`) attribute.
static XML_VALUE_THEN_KEY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r#"<[A-Za-z][\w:.-]{0,64}\s+value\s*=\s*(?P<value>"[^"<>\n]{1,4096}")\s+(?:key|name)\s*=\s*"(?P<name>[^"<>\n]{1,128})""#,
    )
});

/// A quoted identifier, then a quoted value after a comma (a dictionary initializer, a
/// map literal's arguments, a lookup with a default) or after `] =`/`] ||=` (an
/// environment variable set in code). Either quote, the same on both sides of each.
static QUOTED_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r#"(?:"(?P<name>[A-Za-z_][\w.-]{0,127})"|'(?P<name1>[A-Za-z_][\w.-]{0,127})')[ \t]*(?:,|\][ \t]*\|{0,2}=)[ \t]*(?P<value>"[^"\\\n]{1,4096}"|'[^'\\\n]{1,4096}')"#,
    )
});

/// Every name written apart from its value in `data`, as `NAME: VALUE` lines. Each
/// syntax is looked for only where its value key occurs at all; quoted names beside
/// quoted values, which code is full of, only on the lines holding one of the
/// `keywords` spans when they are given (a pair elsewhere names nothing a rule knows).
pub fn name_value_pairs(data: &[u8], keywords: Option<&[Range<usize>]>) -> View {
    let has = |key: &[u8]| memchr::memmem::find(data, key).is_some();
    let mut pairs = if has(b"value:") {
        yaml_items(data)
    } else {
        Vec::new()
    };
    if has(b"\"value\"") || has(b"\"Value\"") {
        pairs.extend(named_values(&NAME_THEN_VALUE, data, 0..data.len()));
        pairs.extend(named_values(&VALUE_THEN_NAME, data, 0..data.len()));
    }
    if has(b"value=\"") || has(b"value =") {
        pairs.extend(named_values(&XML_KEY_THEN_VALUE, data, 0..data.len()));
        pairs.extend(named_values(&XML_VALUE_THEN_KEY, data, 0..data.len()));
    }
    match keywords {
        None => pairs.extend(quoted_pairs(data, 0..data.len())),
        Some(spans) => {
            for line in lines_holding(data, spans) {
                pairs.extend(quoted_pairs(data, line));
            }
        }
    }
    pairs.extend(super::defaults::named_defaults(data));
    pairs.sort_by_key(|(name, _)| name.start);
    let mut view = View::new("name-value");
    for (name, value) in pairs {
        view.push(&data[name.clone()], name.start);
        view.push(b": ", value.start.saturating_sub(2));
        view.push(&data[value.clone()], value.start);
        view.end_line(value.end);
    }
    view
}

/// The (name, value) ranges of the matches of `regex` in `data[within]`, leaving out
/// a "value" that is the next key.
fn named_values(
    regex: &Regex,
    data: &[u8],
    within: Range<usize>,
) -> impl Iterator<Item = (Range<usize>, Range<usize>)> {
    let from = within.start;
    regex
        .captures_iter(&data[within])
        .filter_map(move |captures| {
            let name = captures.name("name").or_else(|| captures.name("name1"))?;
            let value = captures.name("value")?;
            let shift = |range: Range<usize>| range.start + from..range.end + from;
            let value = shift(value.range());
            (!is_key(data, value.end)).then(|| (shift(name.range()), value))
        })
}

/// Quoted names beside quoted values within `within`, but for a value that reads as
/// one more name: a list of identifiers (`["pagerduty-api-key", "pagerduty-user-token"]`)
/// is not a name and its value.
fn quoted_pairs(data: &[u8], within: Range<usize>) -> Vec<(Range<usize>, Range<usize>)> {
    named_values(&QUOTED_PAIR, data, within)
        .filter(|(_, value)| !reads_as_identifier(&data[value.start + 1..value.end - 1]))
        .collect()
}

/// Whether `value` is written as identifiers are, and keys are not: lowercase words of
/// letters joined by `-`, `_` or `.` (`user-token`, `read_only`, `app.name`).
fn reads_as_identifier(value: &[u8]) -> bool {
    let mut words = 0;
    for word in value.split(|&byte| matches!(byte, b'-' | b'_' | b'.')) {
        if word.is_empty() || !word.iter().all(u8::is_ascii_lowercase) {
            return false;
        }
        words += 1;
    }
    words >= 2
}

/// The lines of `data` holding the `spans` (ordered by where they end), each once.
fn lines_holding(data: &[u8], spans: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut lines: Vec<Range<usize>> = Vec::new();
    for span in spans {
        if lines.last().is_some_and(|line| span.start < line.end) {
            continue;
        }
        let first = line_bounds(data, span.start);
        let last = line_bounds(data, span.end.saturating_sub(1).max(span.start));
        lines.push(first.start..last.end);
    }
    lines
}

/// Whether the string ending at `end` is a key (a colon follows it): in a JSON
/// object, `"x", "y":` is a value then the next key, not a name and its value.
fn is_key(data: &[u8], end: usize) -> bool {
    data[end..].trim_ascii_start().first() == Some(&b':')
}

/// Lines looked at around a `value:` for its item's `name:`.
const ITEM_LINES: usize = 16;

/// The `name:` and `value:` of each YAML list item that has both. Only the lines
/// around each `value:` key are looked at, so a long file costs one search.
fn yaml_items(data: &[u8]) -> Vec<(Range<usize>, Range<usize>)> {
    let mut pairs = Vec::new();
    for at in memchr::memmem::find_iter(data, b"value:") {
        let line = line_bounds(data, at);
        let Some(key) = key_column(&data[line.clone()], b"value:") else {
            continue;
        };
        if line.start + key != at {
            continue;
        }
        let Some(value) = scalar(&data[at + 6..line.end]) else {
            continue;
        };
        let value = at + 6 + value.start..at + 6 + value.end;
        if let Some(name) = item_name(data, line, key) {
            pairs.push((name, value));
        }
    }
    pairs
}

/// The column of `key` on `line` when it is a key of a YAML list item: after the
/// indentation, or after the indentation and `- `.
fn key_column(line: &[u8], key: &[u8]) -> Option<usize> {
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    let rest = &line[indent..];
    if rest.starts_with(key) {
        Some(indent)
    } else if rest.starts_with(b"- ") && rest[2..].starts_with(key) {
        Some(indent + 2)
    } else {
        None
    }
}

/// The value of the `name:` key of the list item that has a key at `column` on
/// `line`: the item runs from its `- ` line to the next, or to a line indented less.
fn item_name(data: &[u8], line: Range<usize>, column: usize) -> Option<Range<usize>> {
    if column < 2 {
        return None;
    }
    let opens = |line: &Range<usize>| data[line.clone()].get(column - 2..column) == Some(b"- ");
    // Up to the item's `- ` line.
    let mut first = line;
    for _ in 0..ITEM_LINES {
        if opens(&first) || first.start == 0 {
            break;
        }
        first = line_bounds(data, first.start - 1);
    }
    if !opens(&first) {
        return None;
    }
    // Down through the item's keys.
    let mut current = first;
    for step in 0..ITEM_LINES {
        let text = &data[current.clone()];
        if step > 0 {
            let indent = text.iter().take_while(|&&b| b == b' ').count();
            if opens(&current) || (indent < column && !text.is_empty()) {
                return None;
            }
        }
        if text
            .get(column..)
            .is_some_and(|rest| rest.starts_with(b"name:"))
        {
            let after = current.start + column + 5;
            let name = scalar(&data[after..current.end])?;
            return Some(unquoted(data, after + name.start..after + name.end));
        }
        current = next_line(data, &current)?;
    }
    None
}

/// The scalar after a key's colon: blanks and a trailing carriage return trimmed.
fn scalar(text: &[u8]) -> Option<Range<usize>> {
    let start = text.iter().position(|b| !matches!(b, b' ' | b'\t'))?;
    let end = text
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r'))?
        + 1;
    (start < end).then_some(start..end)
}

/// `range` of `data` without the quotes around it, if it has them.
fn unquoted(data: &[u8], range: Range<usize>) -> Range<usize> {
    let text = &data[range.clone()];
    let quoted =
        text.len() >= 2 && matches!(text[0], b'"' | b'\'') && text[text.len() - 1] == text[0];
    if quoted {
        range.start + 1..range.end - 1
    } else {
        range
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(data: &str) -> String {
        String::from_utf8(name_value_pairs(data.as_bytes(), None).text).unwrap()
    }

    #[test]
    fn kubernetes_env_items_pair_names_with_values_in_either_order() {
        let deployment = "        env:\n            - name: LOG_LEVEL\n              value: debug\n            - value: \"tok-123\"\n              other: x\n              name: API_TOKEN\n            - name: FROM_SECRET\n              valueFrom:\n                secretKeyRef: {}\n";
        assert_eq!(
            text(deployment),
            "LOG_LEVEL: debug\nAPI_TOKEN: \"tok-123\"\n"
        );
        let view = name_value_pairs(deployment.as_bytes(), None);
        let at = view.text.windows(7).position(|w| w == b"tok-123").unwrap();
        let blob = view.to_blob(at);
        assert_eq!(&deployment.as_bytes()[blob..blob + 7], b"tok-123");
    }

    #[test]
    fn json_name_value_objects_are_paired() {
        let task = r#"{"environment": [{"name": "API_TOKEN", "value": "tok-456"}, {"value": "v2", "name": "MODE"}]}"#;
        assert_eq!(text(task), "API_TOKEN: \"tok-456\"\nMODE: \"v2\"\n");
    }

    #[test]
    fn xml_settings_pair_their_key_with_their_value() {
        let config = "<appSettings>\n  <add key=\"ApiToken\" value=\"tok-789\" />\n  <add value=\"v3\" name=\"Mode\"/>\n</appSettings>\n";
        assert_eq!(text(config), "ApiToken: \"tok-789\"\nMode: \"v3\"\n");
    }

    #[test]
    fn quoted_names_beside_quoted_values_in_code_are_paired() {
        let code = concat!(
            "var d = new Dictionary<string, string> { { \"ApiToken\", \"tok-1\" } };\n",
            "Map.of('apiToken', 'tok-2');\n",
            "ENV[\"API_TOKEN\"] ||= \"tok-3\"\n",
            "os.environ.get(\"API_TOKEN\", \"tok-4\")\n",
            "print(\"a, b\", \"c\")\n",
        );
        assert_eq!(
            text(code),
            "ApiToken: \"tok-1\"\napiToken: 'tok-2'\nAPI_TOKEN: \"tok-3\"\nAPI_TOKEN: \"tok-4\"\n"
        );
    }

    #[test]
    fn a_list_of_identifiers_is_no_name_beside_its_value() {
        let code = "rules = [\"pagerduty-api-key\", \"pagerduty-user-token\"]\n";
        assert_eq!(text(code), "");
        let pair = "Map.of(\"pagerduty_token\", \"4nV2UfA7-aWZNUYmZq_x\")\n";
        assert_eq!(text(pair), "pagerduty_token: \"4nV2UfA7-aWZNUYmZq_x\"\n");
        assert!(reads_as_identifier(b"read_only") && reads_as_identifier(b"app.name"));
        assert!(!reads_as_identifier(b"token") && !reads_as_identifier(b"user-token-2"));
        assert!(!reads_as_identifier(b"User-Token") && !reads_as_identifier(b"a--b"));
    }

    #[test]
    fn names_without_values_give_nothing() {
        assert_eq!(text("- name: only\n- value: alone\n"), "");
        assert_eq!(text("{\"name\": \"x\"}"), "");
    }
}
