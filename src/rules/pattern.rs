//! A rule's pattern, compiled when first needed.
//!
//! Compiling all 120-odd built-in patterns took about 80% of start-up, yet most scans
//! only ever run the few whose keywords occur. A user's rule file is compiled when it is
//! loaded, so its mistakes are reported there; built-in patterns are compiled by the
//! rule tests (`keyscan rules check` on every rule file).

use std::sync::OnceLock;

use regex_automata::PatternID;
use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;

/// Largest compiled size of one rule's pattern; keeps start-up and memory bounded.
const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// Most memory the patterns of all rule files together may compile to (their forward
/// NFAs; the regex engine keeps a few structures of about that size per pattern): a
/// repository's rule files cannot make keyscan run out of memory while loading them.
pub const PATTERN_BUDGET: usize = 128 << 20;

/// A pattern whose regex is compiled on first use.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    compiled: OnceLock<Compiled>,
}

/// A compiled pattern and the index of its `secret` capture group.
#[derive(Debug, Clone)]
struct Compiled {
    regex: Regex,
    secret_group: usize,
}

impl Pattern {
    /// A pattern for `source`, not yet compiled or checked.
    pub fn new(source: &str) -> Pattern {
        Pattern {
            source: source.to_owned(),
            compiled: OnceLock::new(),
        }
    }

    /// Compiles the pattern now, reporting why it cannot be used: invalid syntax, too
    /// large, or no capture group named `secret`.
    pub fn compile_now(&self) -> Result<(), String> {
        if self.compiled.get().is_none() {
            let _ = self.compiled.set(compile(&self.source)?);
        }
        Ok(())
    }

    /// How much memory the pattern's NFA takes, for keeping the rule files within
    /// [`PATTERN_BUDGET`]; it compiled already, so measuring it cannot fail.
    pub fn compiled_size(&self) -> usize {
        use regex_automata::nfa::thompson::{Config, NFA};
        use regex_automata::util::syntax;
        NFA::compiler()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .configure(Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)))
            .build(&self.source)
            .map_or(REGEX_SIZE_LIMIT, |nfa| nfa.memory_usage())
    }

    /// The compiled regex and the index of its `secret` group, compiled on first call.
    ///
    /// User patterns are compiled by [`Pattern::compile_now`] when loaded and built-in
    /// ones by the rule tests, so compiling here cannot fail.
    pub fn regex(&self) -> (&Regex, usize) {
        let compiled = self.compiled.get_or_init(|| {
            compile(&self.source).expect("patterns are compiled at load or by the rule tests")
        });
        (&compiled.regex, compiled.secret_group)
    }
}

/// `source` built as every rule pattern is: over bytes, without Unicode classes, within
/// [`REGEX_SIZE_LIMIT`].
pub(crate) fn build(source: &str) -> Result<Regex, Box<meta::BuildError>> {
    // What `regex::bytes::RegexBuilder` sets, on the engine underneath it, which can
    // search part of a haystack while looking at the bytes around it.
    meta::Builder::new()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT)),
        )
        .build(source)
        .map_err(Box::new)
}

fn compile(source: &str) -> Result<Compiled, String> {
    let regex = build(source).map_err(|err| {
        let reason = match (err.size_limit(), err.syntax_error()) {
            (Some(limit), _) => format!("compiled regex exceeds size limit of {limit} bytes"),
            (None, Some(syntax)) => syntax.to_string(),
            (None, None) => err.to_string(),
        };
        format!("invalid pattern: {reason}")
    })?;
    let secret_group = regex
        .group_info()
        .to_index(PatternID::ZERO, "secret")
        .ok_or("pattern has no named group `secret`")?;
    Ok(Compiled {
        regex,
        secret_group,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_group_is_found_among_others() {
        let pattern = Pattern::new(r"(x)(?:y)(?P<other>z)+(?P<secret>[0-9]{4})");
        let (regex, group) = pattern.regex();
        let mut captures = regex.create_captures();
        regex.captures(b"xyz1234", &mut captures);
        let span = captures.get_group(group).unwrap();
        assert_eq!(&b"xyz1234"[span.range()], b"1234");
    }

    #[test]
    fn unusable_patterns_fail_compile_now_with_the_reason() {
        for (source, reason) in [
            ("(", "invalid pattern"),
            ("(?P<key>a)", "`secret`"),
            (r"(?P<secret>\w{1000}){1000}", "invalid pattern"),
            (r"(?P<secret>\p{Greek}+)", "invalid pattern"),
        ] {
            let err = Pattern::new(source).compile_now().unwrap_err();
            assert!(err.contains(reason), "{source}: {err}");
        }
    }
}
