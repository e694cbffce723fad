//! Making untrusted text (paths, secrets) safe to print on a terminal.

use std::borrow::Cow;

/// `text` with control characters (newlines, ANSI escapes) escaped, so that a file
/// name cannot move the cursor or recolour the terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// `message` with control characters escaped except line breaks: for error messages
/// that span lines on purpose (a regex error's caret under the pattern) but may quote
/// untrusted text.
pub fn printable_message(message: &str) -> Cow<'_, str> {
    if !message.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(message);
    }
    Cow::Owned(
        message
            .split('\n')
            .map(printable)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A parser's error `message` without the values it quotes: a configuration, rule or
/// baseline file can hold a secret or an escape sequence where a value was expected,
/// and an error must not print it back. Double-quoted values become `"…"`, the value
/// of an unknown variant `…`, and a regex error keeps only its last line (the
/// pattern itself is echoed above it).
pub fn without_values(message: &str) -> String {
    let message = match message
        .lines()
        .rev()
        .find(|line| line.starts_with("error: "))
    {
        Some(last) if message.starts_with("regex parse error") => {
            return last.trim_start_matches("error: ").to_owned();
        }
        _ => message,
    };
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = &rest[open..open + 1];
        let Some(close) = rest[open + 1..].find(quote).map(|at| open + 1 + at) else {
            break;
        };
        // Backticks quote what was expected (`low`, `medium`) except after "variant".
        let value = quote == "\"" || rest[..open].ends_with("variant ");
        out.push_str(&rest[..open]);
        if value {
            out.push_str(quote);
            out.push('…');
            out.push_str(quote);
        } else {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("plain/path.rs"), "plain/path.rs");
        assert_eq!(printable("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
    }

    #[test]
    fn error_messages_lose_the_values_they_quote() {
        assert_eq!(
            without_values(r#"invalid type: string "sk_live_x", expected a boolean"#),
            r#"invalid type: string "…", expected a boolean"#
        );
        assert_eq!(
            without_values("unknown variant `ghp_x`, expected one of `low`, `high`"),
            "unknown variant `…`, expected one of `low`, `high`"
        );
        assert_eq!(
            without_values("regex parse error:\n    (sk_live_x\n    ^\nerror: unclosed group"),
            "unclosed group"
        );
        assert_eq!(
            without_values("unknown field `paths`"),
            "unknown field `paths`"
        );
    }

    #[test]
    fn messages_keep_their_line_breaks_and_lose_escapes() {
        assert_eq!(
            printable_message("bad regex:\n  (\n  ^ \u{1b}]0;title\u{7}"),
            "bad regex:\n  (\n  ^ \\u{1b}]0;title\\u{7}"
        );
    }
}
