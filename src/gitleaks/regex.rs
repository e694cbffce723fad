//! A gitleaks rule's Go regex and `secretGroup`, made a keyscan pattern.
//!
//! gitleaks writes its regexes in Go's RE2 syntax and names the secret by the number of
//! its capture group; keyscan compiles Rust regexes over bytes and takes the secret from
//! the group named `secret`. Translating a rule is two steps:
//!
//! 1. Rewrite what Go reads differently from Rust: `\Q...\E` literal text, octal escapes,
//!    a `{` that does not start a repetition, escaped punctuation (`\<` is a word
//!    boundary in Rust), and the literal characters of a class that Rust reads as set
//!    operations or nested classes (`[`, `&&`, `--`, `~~`).
//! 2. Name the secret's group `secret`, or put the whole match in that group when the
//!    regex has none, as gitleaks then takes the whole match.
//!
//! What Rust's parser still rejects (look-around, backreferences, `\Z`, ...) is reported
//! with the construct it stopped at.

use std::convert::Infallible;
use std::ops::Range;

use regex_syntax::ast::parse::Parser;
use regex_syntax::ast::{self, Ast, CaptureName, GroupKind, Span, Visitor};

/// The name keyscan takes the secret from.
const SECRET: &str = "secret";

/// Longest part of the regex an error message quotes.
const QUOTE_LIMIT: usize = 40;

/// A gitleaks rule's regex made a keyscan pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    /// The pattern, with the secret in a group named `secret`.
    pub pattern: String,
    /// What keyscan does differently from gitleaks with it, in words for the user (None when nothing).
    pub approximation: Option<String>,
}

/// `go`, the regex of a gitleaks rule whose secret is capture group `secret_group` (0: not set), as a keyscan pattern; or why it cannot be one.
pub fn translate(go: &str, secret_group: usize) -> Result<Translated, String> {
    if go.is_empty() {
        return Err("the regex is empty".to_owned());
    }
    let rust = rust_syntax(go);
    let parsed = Parser::new()
        .parse(&rust)
        .map_err(|err| syntax_problem(err.kind(), err.span(), &rust))?;
    let captures = capture_groups(&parsed);
    if secret_group > captures.len() {
        return Err(format!(
            "secretGroup {secret_group}, but the regex has {} capture groups",
            captures.len()
        ));
    }
    let translated = if captures.is_empty() {
        Translated {
            pattern: format!("(?P<{SECRET}>{rust})"),
            approximation: None,
        }
    } else {
        Translated {
            pattern: name_secret(&rust, &captures, secret_group.max(1)),
            approximation: first_nonempty_approximation(secret_group, captures.len()),
        }
    };
    check_compiles(&translated.pattern)?;
    Ok(translated)
}

/// What keyscan does differently when gitleaks picks the secret's group itself: with no
/// `secretGroup` and several groups, gitleaks takes the first that is not empty.
fn first_nonempty_approximation(secret_group: usize, group_count: usize) -> Option<String> {
    (secret_group == 0 && group_count >= 2).then(|| {
        "the secret is capture group 1; gitleaks takes the first group that is not empty".to_owned()
    })
}

/// `go` in Rust's regex syntax, where the two read the same text differently.
fn rust_syntax(go: &str) -> String {
    let mut lexer = Lexer {
        rest: go,
        out: String::with_capacity(go.len() + 16),
    };
    while !lexer.rest.is_empty() {
        lexer.step();
    }
    lexer.out
}

/// Reads a Go regex from the front and writes it in Rust's syntax.
struct Lexer<'a> {
    /// What is left of the Go regex.
    rest: &'a str,
    /// The Rust regex so far.
    out: String,
}

impl<'a> Lexer<'a> {
    /// Translates the next construct outside a character class.
    fn step(&mut self) {
        if let Some(quoted) = self.rest.strip_prefix(r"\Q") {
            self.quoted_literal(quoted);
        } else if self.rest.starts_with('\\') {
            self.escape();
        } else if self.rest.starts_with('[') {
            self.class();
        } else if self.rest.starts_with('{') {
            self.brace();
        } else {
            self.copy_char();
        }
    }

    /// `\Q...\E`: the text up to `\E`, or to the end without one, as literal characters.
    fn quoted_literal(&mut self, quoted: &'a str) {
        let (literal, after) = quoted.split_once(r"\E").unwrap_or((quoted, ""));
        self.out.push_str(&regex_syntax::escape(literal));
        self.rest = after;
    }

    /// A `{` that starts a repetition as Go reads one (`{n}`, `{n,}`, `{n,m}`, no leading
    /// zeros) is copied; any other is a literal `{` in Go, which Rust must have escaped.
    fn brace(&mut self) {
        match go_repetition_len(self.rest) {
            Some(len) => self.copy(len),
            None => {
                self.out.push_str(r"\{");
                self.rest = &self.rest[1..];
            }
        }
    }

    /// A character class: Go's items, with the literal characters Rust reads as
    /// operators or nested classes escaped.
    fn class(&mut self) {
        self.copy(1);
        if self.rest.starts_with('^') {
            self.copy(1);
        }
        let mut first = true;
        while let Some(next) = self.rest.chars().next() {
            if next == ']' && !first {
                self.copy(1);
                return;
            }
            first = false;
            self.class_item();
        }
    }

    /// One item of a class: a POSIX class such as `[:alpha:]`, a character or a range.
    fn class_item(&mut self) {
        if let Some(len) = posix_class_len(self.rest) {
            self.copy(len);
            return;
        }
        self.class_char();
        let bytes = self.rest.as_bytes();
        if bytes.len() >= 2 && bytes[0] == b'-' && bytes[1] != b']' {
            self.copy(1);
            self.class_char();
        }
    }

    /// One character of a class, or an escape.
    fn class_char(&mut self) {
        if self.rest.starts_with('\\') {
            self.escape();
        } else if let Some(c) = self.rest.chars().next() {
            self.out
                .push_str(&regex_syntax::escape(c.encode_utf8(&mut [0; 4])));
            self.rest = &self.rest[c.len_utf8()..];
        }
    }

    /// An escape: octal and escaped punctuation as Rust reads them, others copied whole
    /// (`\x{...}` and `\p{...}` with their braces).
    fn escape(&mut self) {
        let after = &self.rest[1..];
        if let Some((value, len)) = go_octal(after) {
            self.out.push_str(&format!(r"\x{{{value:02X}}}"));
            self.rest = &after[len..];
        } else if let Some(c) = after.chars().next().filter(char::is_ascii_punctuation) {
            self.out
                .push_str(&regex_syntax::escape(c.encode_utf8(&mut [0; 4])));
            self.rest = &after[1..];
        } else {
            self.copy(1 + braced_escape_len(after));
        }
    }

    /// Copies the next character unchanged.
    fn copy_char(&mut self) {
        let len = self.rest.chars().next().map_or(0, char::len_utf8);
        self.copy(len);
    }

    /// Copies the next `len` bytes unchanged.
    fn copy(&mut self, len: usize) {
        let (copied, rest) = self.rest.split_at(len);
        self.out.push_str(copied);
        self.rest = rest;
    }
}

/// The length of a Go repetition `{n}`, `{n,}` or `{n,m}` at the start of `text`.
fn go_repetition_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('{')?;
    let close = inner.find('}')?;
    let (min, max) = match inner[..close].split_once(',') {
        Some((min, max)) => (min, max),
        None => (&inner[..close], "0"),
    };
    let valid = |count: &str| {
        count.bytes().all(|b| b.is_ascii_digit()) && !(count.len() > 1 && count.starts_with('0'))
    };
    (!min.is_empty() && valid(min) && valid(max)).then_some(close + 2)
}

/// The length of a POSIX class such as `[:alpha:]` at the start of `text`, as Go finds
/// one: `[:` up to the next `:]`.
fn posix_class_len(text: &str) -> Option<usize> {
    let name = text.strip_prefix("[:")?;
    name.find(":]").map(|end| end + 4)
}

/// A Go octal escape after its backslash: `\0` with up to two more octal digits, or a
/// digit 1 to 7 with one or two more (one digit alone is a backreference); its value
/// and the number of digits.
fn go_octal(digits: &str) -> Option<(u32, usize)> {
    let len = digits
        .bytes()
        .take(3)
        .take_while(|b| (b'0'..=b'7').contains(b))
        .count();
    let is_octal = len >= 2 || digits.starts_with('0');
    let value = digits.get(..len)?;
    is_octal
        .then(|| u32::from_str_radix(value, 8).ok())
        .flatten()
        .map(|value| (value, len))
}

/// How long the escape after a backslash is: one character, or through the closing
/// brace for `x{...}`, `p{...}` and `P{...}`.
fn braced_escape_len(after: &str) -> usize {
    let Some(letter) = after.chars().next() else {
        return 0;
    };
    let braced = matches!(letter, 'x' | 'p' | 'P') && after[1..].starts_with('{');
    match after.find('}').filter(|_| braced) {
        Some(close) => close + 1,
        None => letter.len_utf8(),
    }
}

/// A capture group of the regex, as the parser numbers it.
#[derive(Debug)]
struct Capture {
    /// Its number: 1 for the group whose `(` comes first.
    index: u32,
    /// Where its `(` is in the regex.
    open: usize,
    /// Its name, with where the name is, if it has one.
    name: Option<CaptureName>,
}

impl Capture {
    /// The capture group `group` is, or None for a non-capturing group.
    fn of(group: &ast::Group) -> Option<Capture> {
        let (index, name) = match &group.kind {
            GroupKind::CaptureIndex(index) => (*index, None),
            GroupKind::CaptureName { name, .. } => (name.index, Some(name.clone())),
            GroupKind::NonCapturing(_) => return None,
        };
        Some(Capture {
            index,
            open: group.span.start.offset,
            name,
        })
    }

    /// Whether the group is named `name`.
    fn is_named(&self, name: &str) -> bool {
        self.name.as_ref().is_some_and(|named| named.name == name)
    }

    /// The edit that names this group `name`: the name replaced, or inserted after `(`.
    fn rename(&self, name: &str) -> (Range<usize>, String) {
        match &self.name {
            Some(named) => (span_range(&named.span), name.to_owned()),
            None => (self.open + 1..self.open + 1, format!("?P<{name}>")),
        }
    }
}

/// The capture groups of `parsed`, in the order of their opening parentheses.
fn capture_groups(parsed: &Ast) -> Vec<Capture> {
    let Ok(captures) = ast::visit(parsed, CaptureCollector::default());
    captures
}

/// Collects the capture groups of a regex as the visitor meets them.
#[derive(Default)]
struct CaptureCollector(Vec<Capture>);

impl Visitor for CaptureCollector {
    type Output = Vec<Capture>;
    type Err = Infallible;

    fn finish(self) -> Result<Vec<Capture>, Infallible> {
        Ok(self.0)
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), Infallible> {
        if let Ast::Group(group) = ast {
            self.0.extend(Capture::of(group));
        }
        Ok(())
    }
}

/// `pattern` with capture group `chosen` named `secret`, and any other group of that
/// name renamed so that the name stays unique.
fn name_secret(pattern: &str, captures: &[Capture], chosen: usize) -> String {
    let other_name = unused_name(captures);
    let edits = captures.iter().filter_map(|capture| {
        if usize::try_from(capture.index) == Ok(chosen) {
            Some(capture.rename(SECRET))
        } else {
            capture
                .is_named(SECRET)
                .then(|| capture.rename(&other_name))
        }
    });
    apply_edits(pattern, edits.collect())
}

/// A group name none of `captures` has, for a group that was named `secret`.
fn unused_name(captures: &[Capture]) -> String {
    let taken = |name: &str| captures.iter().any(|capture| capture.is_named(name));
    let mut name = "secret_gitleaks".to_owned();
    let mut suffix = 1;
    while taken(&name) {
        suffix += 1;
        name = format!("secret_gitleaks{suffix}");
    }
    name
}

/// `text` with each range replaced by its text; the ranges do not overlap.
fn apply_edits(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut edited = text.to_owned();
    for (range, replacement) in edits {
        edited.replace_range(range, &replacement);
    }
    edited
}

/// Compiles `pattern` as keyscan compiles a rule's pattern, reporting why it cannot be.
fn check_compiles(pattern: &str) -> Result<(), String> {
    let Err(err) = crate::rules::build_pattern(pattern) else {
        return Ok(());
    };
    Err(match (err.size_limit(), err.syntax_error()) {
        (Some(limit), _) => format!("the regex compiles to more than {limit} bytes"),
        (None, Some(regex_syntax::Error::Parse(err))) => {
            syntax_problem(err.kind(), err.span(), pattern)
        }
        (None, Some(regex_syntax::Error::Translate(err))) => {
            syntax_problem(err.kind(), err.span(), pattern)
        }
        _ => err.to_string(),
    })
}

/// A short message for a syntax error at `span` of `pattern`: what is wrong and the
/// construct it is at, without the rest of the regex.
fn syntax_problem(kind: &impl std::fmt::Display, span: &Span, pattern: &str) -> String {
    let construct = pattern.get(span_range(span)).unwrap_or_default();
    if construct.is_empty() {
        return format!("regex not supported: {kind}");
    }
    let quoted: String = construct.chars().take(QUOTE_LIMIT).collect();
    let ellipsis = if quoted.len() < construct.len() {
        "…"
    } else {
        ""
    };
    format!("regex not supported at `{quoted}{ellipsis}`: {kind}")
}

/// The byte range `span` covers.
fn span_range(span: &Span) -> Range<usize> {
    span.start.offset..span.end.offset
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What keyscan takes as the secret from the first match of `translated` in `line`.
    fn secret_in(translated: &Translated, line: &str) -> Option<String> {
        let pattern = crate::rules::Pattern::new(&translated.pattern);
        pattern.compile_now().unwrap();
        let (regex, group) = pattern.regex();
        let mut captures = regex.create_captures();
        regex.captures(line.as_bytes(), &mut captures);
        let span = captures.get_group(group)?;
        Some(line[span.range()].to_owned())
    }

    /// The secret `go` with `secret_group` takes from `line`.
    fn secret(go: &str, secret_group: usize, line: &str) -> Option<String> {
        secret_in(&translate(go, secret_group).unwrap(), line)
    }

    #[test]
    fn secret_group_picks_an_unnamed_group() {
        let go = r"(key)\s*=\s*(token_[A-Za-z0-9]+)";
        let translated = translate(go, 2).unwrap();
        assert_eq!(
            translated.pattern,
            r"(key)\s*=\s*(?P<secret>token_[A-Za-z0-9]+)"
        );
        assert_eq!(translated.approximation, None);
        assert_eq!(
            secret_in(&translated, "key = token_FAKE1234abcd").as_deref(),
            Some("token_FAKE1234abcd")
        );
    }

    #[test]
    fn a_named_secret_group_is_renamed() {
        let go = r"(?P<name>key)=(?P<value>token_\w+)";
        let translated = translate(go, 2).unwrap();
        assert_eq!(translated.pattern, r"(?P<name>key)=(?P<secret>token_\w+)");
        assert_eq!(
            secret_in(&translated, "key=token_FAKE1234abcd").as_deref(),
            Some("token_FAKE1234abcd")
        );
        let go_short_form = r"(?<name>key)=(?<value>token_\w+)";
        assert_eq!(
            secret(go_short_form, 2, "key=token_FAKE1234abcd").as_deref(),
            Some("token_FAKE1234abcd")
        );
    }

    #[test]
    fn another_group_named_secret_gives_up_the_name() {
        let go = r"(?P<secret>key|pass)=(token_\w+)";
        let translated = translate(go, 2).unwrap();
        assert_eq!(
            translated.pattern,
            r"(?P<secret_gitleaks>key|pass)=(?P<secret>token_\w+)"
        );
        assert_eq!(
            secret_in(&translated, "pass=token_FAKE1234abcd").as_deref(),
            Some("token_FAKE1234abcd")
        );
        let taken = r"(?P<secret>key)(?P<secret_gitleaks>=)(token_\w+)";
        assert_eq!(
            translate(taken, 3).unwrap().pattern,
            r"(?P<secret_gitleaks2>key)(?P<secret_gitleaks>=)(?P<secret>token_\w+)"
        );
    }

    #[test]
    fn a_group_already_named_secret_stays_the_secret() {
        let go = r"key=(?P<secret>token_\w+)";
        assert_eq!(translate(go, 1).unwrap().pattern, go);
        assert_eq!(
            secret(go, 0, "key=token_FAKE1234abcd").as_deref(),
            Some("token_FAKE1234abcd")
        );
    }

    #[test]
    fn without_groups_the_secret_is_the_whole_match() {
        let translated = translate(r"token_[a-zA-Z0-9]{12}", 0).unwrap();
        assert_eq!(translated.pattern, r"(?P<secret>token_[a-zA-Z0-9]{12})");
        assert_eq!(translated.approximation, None);
        assert_eq!(
            secret_in(&translated, "x token_FAKE1234abcd x").as_deref(),
            Some("token_FAKE1234abcd")
        );
    }

    #[test]
    fn a_wrapped_alternation_keeps_its_leading_flags_on_both_sides() {
        let translated = translate(r"(?i)abc|def", 0).unwrap();
        assert_eq!(secret_in(&translated, "xABCx").as_deref(), Some("ABC"));
        assert_eq!(secret_in(&translated, "xDeFx").as_deref(), Some("DeF"));
    }

    #[test]
    fn secret_group_zero_with_one_group_takes_it_exactly() {
        let translated = translate(r"key=(token_\w+)", 0).unwrap();
        assert_eq!(translated.approximation, None);
        assert_eq!(
            secret_in(&translated, "key=token_FAKE1234abcd").as_deref(),
            Some("token_FAKE1234abcd")
        );
    }

    #[test]
    fn secret_group_zero_with_two_groups_takes_the_first_and_says_so() {
        let translated = translate(r"(token_\w+):(\d+)", 0).unwrap();
        assert_eq!(
            translated.approximation.as_deref(),
            Some("the secret is capture group 1; gitleaks takes the first group that is not empty")
        );
        assert_eq!(
            secret_in(&translated, "token_FAKE1234abcd:42").as_deref(),
            Some("token_FAKE1234abcd")
        );
    }

    #[test]
    fn secret_group_beyond_the_groups_is_an_error() {
        assert_eq!(
            translate(r"(a)(b)", 3),
            Err("secretGroup 3, but the regex has 2 capture groups".to_owned())
        );
        assert_eq!(
            translate(r"token_\w+", 1),
            Err("secretGroup 1, but the regex has 0 capture groups".to_owned())
        );
    }

    #[test]
    fn a_nested_group_can_be_the_secret() {
        let translated = translate(r"(a(b+))", 2).unwrap();
        assert_eq!(translated.pattern, r"(a(?P<secret>b+))");
        assert_eq!(secret_in(&translated, "xabbbx").as_deref(), Some("bbb"));
    }

    #[test]
    fn non_capturing_and_flag_groups_are_not_counted() {
        let go = r"(?i)(?:key|pass)(?s:.)(x)(token_\w+)";
        let translated = translate(go, 2).unwrap();
        assert_eq!(
            translated.pattern,
            r"(?i)(?:key|pass)(?s:.)(x)(?P<secret>token_\w+)"
        );
        assert_eq!(
            secret_in(&translated, "PASS=xtoken_FAKE1234abcd").as_deref(),
            Some("token_FAKE1234abcd")
        );
        assert_eq!(
            translate(go, 3),
            Err("secretGroup 3, but the regex has 2 capture groups".to_owned())
        );
    }

    #[test]
    fn quoted_text_is_literal() {
        let translated = translate(r"\Q.+\E(token_\w+)", 1).unwrap();
        assert_eq!(translated.pattern, r"\.\+(?P<secret>token_\w+)");
        assert_eq!(
            secret_in(&translated, ".+token_FAKE1234abcd").as_deref(),
            Some("token_FAKE1234abcd")
        );
        assert_eq!(
            secret(r"\Q.+\E(token_\w+)", 1, "ab token_FAKE1234abcd"),
            None
        );
    }

    #[test]
    fn quoted_text_without_an_end_runs_to_the_end() {
        let translated = translate(r"key=\Q(a|b)*", 0).unwrap();
        assert_eq!(translated.pattern, r"(?P<secret>key=\(a\|b\)\*)");
    }

    #[test]
    fn go_literal_braces_and_punctuation_escapes_stay_literal() {
        assert_eq!(secret(r"{(x)}", 1, "{x}").as_deref(), Some("x"));
        assert_eq!(secret(r"a{,3}", 0, "a{,3}").as_deref(), Some("a{,3}"));
        assert_eq!(secret(r"a{01}", 0, "a{01}").as_deref(), Some("a{01}"));
        assert_eq!(secret(r"a{2}", 0, "aaa").as_deref(), Some("aa"));
        assert_eq!(secret(r"\<(\w+)\>", 1, "<tag>").as_deref(), Some("tag"));
    }

    #[test]
    fn class_characters_rust_reads_as_operators_stay_literal() {
        assert_eq!(secret(r"[a&&b]+", 0, "x a&&b x").as_deref(), Some("a&&b"));
        assert_eq!(secret(r"[a[b]+", 0, "x[ab").as_deref(), Some("[ab"));
        assert_eq!(secret(r"[a~~]+", 0, "x~a~").as_deref(), Some("~a~"));
        assert_eq!(secret(r"[!--]+", 0, "x,-!").as_deref(), Some(",-!"));
        assert_eq!(secret(r"[]a-]+", 0, "x]-a").as_deref(), Some("]-a"));
        assert_eq!(
            secret(r"[[:alpha:]\d_]+", 0, "-FAKE_12-").as_deref(),
            Some("FAKE_12")
        );
    }

    #[test]
    fn octal_escapes_are_translated() {
        assert_eq!(secret(r"\101(\102+)", 1, "ABB").as_deref(), Some("BB"));
        assert_eq!(secret(r"[\101-\103]+", 0, "xABCD").as_deref(), Some("ABC"));
    }

    #[test]
    fn lookahead_is_rejected_with_the_construct() {
        assert_eq!(
            translate(r"token_\w+(?=;)", 0),
            Err("regex not supported at `(?=`: look-around, including look-ahead and look-behind, is not supported".to_owned())
        );
    }

    #[test]
    fn what_go_also_rejects_is_rejected() {
        for go in [r"(a)\1", r"\Z", r"\C", r"(a", r"", r"[\Qa\E]"] {
            assert!(translate(go, 0).is_err(), "{go}");
        }
        assert_eq!(
            translate(r"token\Z", 0),
            Err("regex not supported at `\\Z`: unrecognized escape sequence".to_owned())
        );
    }

    #[test]
    fn unicode_classes_are_rejected_as_keyscan_compiles_without_unicode() {
        assert_eq!(
            translate(r"key=(\pL+)", 1),
            Err("regex not supported at `\\pL`: Unicode not allowed here".to_owned())
        );
    }
}
