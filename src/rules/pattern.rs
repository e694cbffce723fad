//! A rule's pattern: checked when the rule is loaded, compiled when first needed.
//!
//! Compiling all 120-odd built-in patterns took about 80% of start-up, yet most scans
//! only ever run the few whose keywords occur. Parsing is cheap and catches syntax
//! errors and a missing `secret` group at load time.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};
use regex_syntax::ast::{Ast, GroupKind};

/// Largest compiled size of one rule's pattern; keeps start-up and memory bounded.
const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// A parsed pattern whose regex is compiled on first use.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// Parses `source` and returns the pattern with the index of its `secret` capture
    /// group. Only the syntax is checked here; [`Pattern::compile_now`] checks the rest.
    pub fn parse(source: &str) -> Result<(Pattern, usize), String> {
        let ast = regex_syntax::ast::parse::Parser::new()
            .parse(source)
            .map_err(|err| format!("invalid pattern: {err}"))?;
        let secret_group =
            capture_index(&ast, "secret").ok_or("pattern has no named group `secret`")?;
        let pattern = Pattern {
            source: source.to_owned(),
            compiled: OnceLock::new(),
        };
        Ok((pattern, secret_group))
    }

    /// Compiles the regex now, so that a pattern too large to compile is reported at
    /// load time rather than on first use.
    pub fn compile_now(&self) -> Result<(), String> {
        if self.compiled.get().is_none() {
            let regex = build(&self.source).map_err(|err| format!("invalid pattern: {err}"))?;
            let _ = self.compiled.set(regex);
        }
        Ok(())
    }

    /// The compiled regex, compiled on the first call.
    ///
    /// Built-in patterns are compiled by the test suite and user patterns by
    /// [`Pattern::compile_now`] when loaded, so compiling here cannot fail.
    pub fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            build(&self.source).expect("patterns are compiled at load or by the rule tests")
        })
    }
}

fn build(source: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(source)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// The group index of the capture group called `name`, if any.
fn capture_index(ast: &Ast, name: &str) -> Option<usize> {
    match ast {
        Ast::Group(group) => match &group.kind {
            GroupKind::CaptureName { name: capture, .. } if capture.name == name => {
                Some(capture.index as usize)
            }
            _ => capture_index(&group.ast, name),
        },
        Ast::Concat(concat) => concat
            .asts
            .iter()
            .find_map(|part| capture_index(part, name)),
        Ast::Alternation(alternation) => alternation
            .asts
            .iter()
            .find_map(|part| capture_index(part, name)),
        Ast::Repetition(repetition) => capture_index(&repetition.ast, name),
        Ast::Empty(_)
        | Ast::Flags(_)
        | Ast::Literal(_)
        | Ast::Dot(_)
        | Ast::Assertion(_)
        | Ast::ClassUnicode(_)
        | Ast::ClassPerl(_)
        | Ast::ClassBracketed(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_group_index_matches_the_compiled_regex() {
        for source in [
            r"(?P<secret>abc)",
            r"(x)(?:y)(?P<other>z)+(?P<secret>[0-9]{4})",
            r"(a|(b(?P<secret>c)))",
        ] {
            let (pattern, group) = Pattern::parse(source).unwrap();
            let expected = pattern
                .regex()
                .capture_names()
                .position(|name| name == Some("secret"))
                .unwrap();
            assert_eq!(group, expected, "{source}");
        }
    }

    #[test]
    fn syntax_errors_and_missing_secret_group_are_reported_at_parse() {
        assert!(Pattern::parse("(").unwrap_err().contains("invalid pattern"));
        assert!(
            Pattern::parse("(?P<secret>a")
                .unwrap_err()
                .contains("invalid pattern")
        );
        assert!(
            Pattern::parse("(?P<key>a)")
                .unwrap_err()
                .contains("`secret`")
        );
    }

    #[test]
    fn oversized_and_unicode_patterns_fail_compile_now() {
        for source in [r"(?P<secret>\w{1000}){1000}", r"(?P<secret>\p{Greek}+)"] {
            let (pattern, _) = Pattern::parse(source).unwrap();
            let err = pattern.compile_now().unwrap_err();
            assert!(err.contains("invalid pattern"), "{source}: {err}");
        }
    }
}
