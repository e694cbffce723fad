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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("plain/path.rs"), "plain/path.rs");
        assert_eq!(printable("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
    }

    #[test]
    fn messages_keep_their_line_breaks_and_lose_escapes() {
        assert_eq!(
            printable_message("bad regex:\n  (\n  ^ \u{1b}]0;title\u{7}"),
            "bad regex:\n  (\n  ^ \\u{1b}]0;title\\u{7}"
        );
    }
}
