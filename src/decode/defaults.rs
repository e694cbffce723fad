//! Values written as the default of a named variable, away from a plain assignment:
//! shell parameter expansions (`${X:-value}`, `${X:=value}`), Terraform variables
//! (`variable "x" { default = "value" }`) and their JSON form
//! (`"x": { "type": "string", "default": "value" }`). Each gives the variable's name
//! and the default's value, for [`names`](super::names) to join.

use std::ops::Range;
use std::sync::LazyLock;

use regex::bytes::Regex;

use super::fixed_pattern as pattern;

use crate::text::line_bounds;

/// `${NAME:-value}`, `${NAME-value}`, `${NAME:=value}`, `${NAME=value}`.
static SHELL_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r#"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]{0,127}):?[-=](?P<value>[^}\s"'$`]{1,4096})\}"#)
});

/// A line that is a `default` key with a quoted value, in HCL (`default = "v"`) or
/// JSON (`"default": "v"`).
static DEFAULT_KEY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r#"^[ \t]*(?:default|"default")[ \t]*[:=][ \t]*(?P<value>"[^"\\\n]{1,4096}")"#)
});

/// The line opening a named block: `variable "x" {` (HCL) or `"x": {` (JSON).
static BLOCK_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r#"^[ \t]*(?:variable[ \t]+)?"(?P<name>[A-Za-z_][\w.-]{0,127})"[ \t]*:?[ \t]*\{[ \t]*\r?$"#,
    )
});

/// Lines looked at above a `default` for the block it belongs to.
const BLOCK_LINES: usize = 8;

/// The (name, value) ranges of every variable default in `data`. Each syntax is looked
/// for only where its marker occurs at all.
pub fn named_defaults(data: &[u8]) -> Vec<(Range<usize>, Range<usize>)> {
    let has = |marker: &[u8]| memchr::memmem::find(data, marker).is_some();
    let mut pairs = Vec::new();
    if has(b"${") {
        for captures in SHELL_DEFAULT.captures_iter(data) {
            if let (Some(name), Some(value)) = (captures.name("name"), captures.name("value")) {
                pairs.push((name.range(), value.range()));
            }
        }
    }
    // Each `default` is looked at on its own line: C's `default:` labels are many, and
    // a whole-text search anchored at every line start costs more than this.
    let mut after = 0;
    for at in memchr::memmem::find_iter(data, b"default") {
        if at < after {
            continue;
        }
        let line = line_bounds(data, at);
        after = line.end;
        let Some(value) = DEFAULT_KEY
            .captures(&data[line.clone()])
            .and_then(|c| c.name("value"))
        else {
            continue;
        };
        let value = line.start + value.start()..line.start + value.end();
        if let Some(name) = block_name(data, value.start) {
            pairs.push((name, value));
        }
    }
    pairs
}

/// The name of the block holding the line at `at`: the nearest opening line above it,
/// unless a line closing a block comes first.
fn block_name(data: &[u8], at: usize) -> Option<Range<usize>> {
    let mut line = line_bounds(data, at);
    for _ in 0..BLOCK_LINES {
        if line.start == 0 {
            return None;
        }
        line = line_bounds(data, line.start - 1);
        let text = &data[line.clone()];
        if let Some(name) = BLOCK_OPENING.captures(text).and_then(|c| c.name("name")) {
            return Some(line.start + name.start()..line.start + name.end());
        }
        if memchr::memchr(b'}', text).is_some() {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(data: &str) -> Vec<(&str, &str)> {
        named_defaults(data.as_bytes())
            .into_iter()
            .map(|(name, value)| (&data[name], &data[value]))
            .collect()
    }

    #[test]
    fn shell_parameter_defaults_name_their_value() {
        let script =
            "export API_TOKEN=\"${API_TOKEN:-tok-1}\"\n: \"${DB_PASS:=tok-2}\"\necho ${HOME}\n";
        assert_eq!(
            named(script),
            [("API_TOKEN", "tok-1"), ("DB_PASS", "tok-2")]
        );
    }

    #[test]
    fn terraform_variable_defaults_are_named_by_their_block() {
        let hcl = "variable \"api_token\" {\n  type    = string\n  default = \"tok-3\"\n}\n";
        assert_eq!(named(hcl), [("api_token", "\"tok-3\"")]);
        let json = "{\n  \"variable\": {\n    \"api_token\": {\n      \"type\": \"string\",\n      \"default\": \"tok-4\"\n    }\n  }\n}\n";
        assert_eq!(named(json), [("api_token", "\"tok-4\"")]);
    }

    #[test]
    fn a_default_outside_a_named_block_gives_nothing() {
        let json = "{\n  \"a\": {\n    \"x\": 1\n  },\n  \"default\": \"v\"\n}\n";
        assert_eq!(named(json), []);
    }
}
