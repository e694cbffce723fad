//! Loading rule files (built-in and user-supplied) into a validated [`RuleSet`].

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::pattern::PATTERN_BUDGET;
use super::schema::{RawRule, RuleFile};
use super::{Pairing, Pattern, Rule, RuleOptions, RuleSet};
use crate::files::{self, Confinement};
use crate::text::{line_of, without_values};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Where a rule came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleSource {
    /// Compiled into the binary from `rules/<name>`.
    Builtin(&'static str),
    /// Loaded from a file at run time.
    File(PathBuf),
    /// Given as text by a caller of the library, under this name.
    Inline(String),
}

impl fmt::Display for RuleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleSource::Builtin(name) => write!(f, "built-in rules/{name}"),
            RuleSource::File(path) => write!(f, "{}", path.display()),
            RuleSource::Inline(name) => f.write_str(name),
        }
    }
}

/// A problem with a rule file: which file, which rule, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    /// The file the problem is in.
    pub source: RuleSource,
    /// The line of the file the problem is on, or the rule it belongs to starts on.
    pub line: Option<usize>,
    /// The rule's id, when the problem belongs to one rule.
    pub rule_id: Option<String>,
    /// What is wrong, in words a rule author can act on.
    pub message: String,
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        match &self.rule_id {
            Some(id) => write!(f, ": rule `{id}`: {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

/// Loads the built-in rules and/or the rule files named in `options`.
///
/// Every problem in every file is collected, so a rule author sees them all at once.
pub fn load_rule_set(options: &RuleOptions) -> Result<RuleSet, Vec<RuleProblem>> {
    let mut problems = Vec::new();
    let mut texts: Vec<(RuleSource, String)> = Vec::new();
    if options.builtin {
        for (name, text) in BUILTIN_RULE_FILES {
            texts.push((RuleSource::Builtin(name), (*text).to_owned()));
        }
    }
    let trusted = options.paths.iter().map(|path| (path, None));
    let repository = options.repository.iter().flat_map(|repository| {
        repository
            .paths
            .iter()
            .map(|path| (path, Some(&repository.within)))
    });
    for (path, within) in trusted.chain(repository) {
        for file in rule_files(path, within, &mut problems) {
            match files::read_text(&file, files::MAX_RULE_FILE, within) {
                Ok(text) => texts.push((RuleSource::File(file), text)),
                Err(err) => problems.push(file_problem(&file, format!("cannot read: {err}"))),
            }
        }
    }
    for (name, text) in &options.texts {
        texts.push((RuleSource::Inline(name.clone()), text.clone()));
    }
    let rules = compile_texts(texts, &mut problems);
    if problems.is_empty() {
        Ok(RuleSet { rules })
    } else {
        Err(problems)
    }
}

/// Builds a rule set from the text of one rule file, named `name` in problems.
pub fn parse_rule_file(name: &str, text: &str) -> Result<RuleSet, Vec<RuleProblem>> {
    let mut problems = Vec::new();
    let rules = compile_texts(
        vec![(RuleSource::Inline(name.to_owned()), text.to_owned())],
        &mut problems,
    );
    if problems.is_empty() {
        Ok(RuleSet { rules })
    } else {
        Err(problems)
    }
}

/// Parses and compiles rule file texts, collecting every problem.
fn compile_texts(texts: Vec<(RuleSource, String)>, problems: &mut Vec<RuleProblem>) -> Vec<Rule> {
    let mut raw_rules = Vec::new();
    for (source, text) in texts {
        let line_of = |offset: usize| line_of(text.as_bytes(), offset);
        match toml::from_str::<RuleFile>(&text) {
            Ok(file) => {
                for rule in file.rules {
                    let line = line_of(rule.span().start);
                    let at = Located {
                        source: source.clone(),
                        line,
                        imported: file.imported_from.is_some(),
                    };
                    raw_rules.push((at, file.provider.clone(), rule.into_inner()));
                }
            }
            Err(err) => problems.push(RuleProblem {
                line: err.span().map(|span| line_of(span.start)),
                source,
                rule_id: None,
                message: format!(
                    "invalid rule file: {}",
                    without_values(err.message().trim_end())
                ),
            }),
        }
    }
    compile_all(raw_rules, problems)
}

/// Most rule files read from one directory.
const MAX_RULE_FILES: usize = 1000;

/// The `*.toml` files a path names: the file itself, or a directory's files, sorted
/// (at most [`MAX_RULE_FILES`]). A path a repository names must be inside it.
fn rule_files(
    path: &Path,
    within: Option<&Confinement>,
    problems: &mut Vec<RuleProblem>,
) -> Vec<PathBuf> {
    if let Some(Err(err)) = within.map(|within| within.check(path)) {
        problems.push(file_problem(path, format!("cannot read: {err}")));
        return Vec::new();
    }
    if !path.is_dir() {
        if !path.exists() {
            problems.push(file_problem(path, "no such file or directory".into()));
            return Vec::new();
        }
        return vec![path.to_path_buf()];
    }
    match std::fs::read_dir(path) {
        Ok(entries) => {
            let mut files: Vec<PathBuf> = entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|file| file.extension().is_some_and(|ext| ext == "toml"))
                .take(MAX_RULE_FILES + 1)
                .collect();
            if files.len() > MAX_RULE_FILES {
                let message = format!("more than {MAX_RULE_FILES} rule files");
                problems.push(file_problem(path, message));
                return Vec::new();
            }
            files.sort();
            files
        }
        Err(err) => {
            problems.push(file_problem(path, format!("cannot read directory: {err}")));
            Vec::new()
        }
    }
}

fn file_problem(path: &Path, message: String) -> RuleProblem {
    RuleProblem {
        source: RuleSource::File(path.to_path_buf()),
        line: None,
        rule_id: None,
        message,
    }
}

/// Where a rule is defined: its file and the line its table starts on.
struct Located {
    source: RuleSource,
    line: usize,
    /// From a file of rules imported from another scanner, which need no examples.
    imported: bool,
}

/// Compiles each raw rule, then resolves pairings once all ids are known.
fn compile_all(
    raw_rules: Vec<(Located, String, RawRule)>,
    problems: &mut Vec<RuleProblem>,
) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut seen: HashMap<String, RuleSource> = HashMap::new();
    let mut pairs = Vec::new();
    let mut compiled = 0;
    for (
        Located {
            source,
            line,
            imported,
        },
        provider,
        raw,
    ) in raw_rules
    {
        let problem = |message: String| RuleProblem {
            source: source.clone(),
            line: Some(line),
            rule_id: Some(raw.id.clone()),
            message,
        };
        // A rule file may redefine a built-in rule (to tune it); any other repeat is an error.
        let replaces = match seen.get(&raw.id) {
            Some(RuleSource::Builtin(_)) if !matches!(source, RuleSource::Builtin(_)) => {
                rules.iter().position(|rule| rule.id == raw.id)
            }
            Some(first) => {
                problems.push(problem(format!(
                    "duplicate rule id, first defined in {first}"
                )));
                continue;
            }
            None => None,
        };
        seen.insert(raw.id.clone(), source.clone());
        let before = problems.len();
        problems.extend(field_problems(&raw, imported).into_iter().map(problem));
        // Built-in patterns compile on first use (the rule tests compile them all);
        // a user's pattern is compiled now, so its mistakes are reported here.
        let pattern = Pattern::new(&raw.pattern);
        if !matches!(source, RuleSource::Builtin(_)) {
            if let Err(message) = pattern.compile_now() {
                problems.push(problem(message));
                continue;
            }
            compiled += pattern.compiled_size();
            if compiled > PATTERN_BUDGET {
                problems.push(problem(format!(
                    "the rule files' patterns compile to more than {} MiB together; \
                     rules from here on were not loaded",
                    PATTERN_BUDGET >> 20
                )));
                break;
            }
        }
        let mut paths = Vec::new();
        for path in &raw.paths {
            match regex::Regex::new(path) {
                Ok(pattern) => paths.push(pattern),
                Err(err) => problems.push(problem(format!(
                    "paths: invalid regex: {}",
                    without_values(&err.to_string())
                ))),
            }
        }
        if problems.len() > before {
            continue;
        }
        let index = replaces.unwrap_or(rules.len());
        pairs.retain(|(pending, _)| *pending != index);
        pairs.push((index, raw.pair));
        let rule = Rule {
            id: raw.id,
            name: raw.name,
            description: raw.description.trim().to_owned(),
            provider,
            severity: raw.severity,
            confidence: raw.confidence,
            keywords: raw.keywords,
            pattern,
            entropy: raw.entropy,
            validate: raw.validate,
            placeholder_check: raw.placeholder_check,
            report_unpaired: raw.report_unpaired,
            paths,
            pair: None,
            references: raw.references,
            remediation: raw.remediation,
            examples: raw.examples,
            counterexamples: raw.counterexamples,
            source,
            line,
        };
        match replaces {
            Some(index) => rules[index] = rule,
            None => rules.push(rule),
        }
    }
    for (index, pair) in pairs {
        let Some(pair) = pair else { continue };
        let rule = &rules[index];
        match rules.iter().position(|other| other.id == pair.with) {
            Some(with) if with != index => {
                rules[index].pair = Some(Pairing {
                    with,
                    within_lines: pair.within_lines,
                    across_files: pair.across_files,
                })
            }
            _ => problems.push(RuleProblem {
                source: rule.source.clone(),
                line: Some(rule.line),
                rule_id: Some(rule.id.clone()),
                message: format!(
                    "[rules.pair] names `{}`, which is not another loaded rule",
                    pair.with
                ),
            }),
        }
    }
    rules
}

/// Longest keyword a rule may have: the longest built-in one is under 60, and the
/// keyword prefilter's start-up work grows with the length of each.
pub const MAX_KEYWORD_LEN: usize = 256;

/// Problems with a rule's fields that do not need the pattern compiled; an `imported`
/// rule (from another scanner's configuration) may come without examples.
fn field_problems(raw: &RawRule, imported: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if !is_kebab_case(&raw.id) {
        problems.push("id must be kebab-case: lowercase letters, digits and single dashes".into());
    }
    if raw.keywords.is_empty() {
        problems.push("needs at least one keyword; the pattern only runs where one occurs".into());
    }
    for keyword in &raw.keywords {
        if keyword.trim().len() < 3 {
            problems.push(format!(
                "keyword {keyword:?} is shorter than 3 characters and would match nearly everywhere"
            ));
        } else if keyword.len() > MAX_KEYWORD_LEN {
            problems.push(format!(
                "a keyword is longer than {MAX_KEYWORD_LEN} characters; keywords are short \
                 literals that text with the secret contains"
            ));
        } else if !keyword.is_ascii() {
            problems.push(format!("keyword {keyword:?} must be ASCII"));
        }
    }
    if let Some(entropy) = raw.entropy.filter(|entropy| !(0.0..=8.0).contains(entropy)) {
        problems.push(format!("entropy {entropy} is outside 0..=8 bits per byte"));
    }
    if raw.examples.is_empty() && !imported {
        problems.push("needs at least one example".into());
    }
    if raw.counterexamples.is_empty() && !imported {
        problems.push("needs at least one counterexample".into());
    }
    if raw.name.trim().is_empty() || raw.description.trim().is_empty() {
        problems.push("name and description must not be empty".into());
    }
    problems
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, extra: &str) -> String {
        format!(
            r#"
[[rules]]
id = "{id}"
name = "N"
description = "D"
severity = "high"
keywords = ["kw_"]
pattern = '''kw_(?P<secret>[a-z0-9]{{8}})'''
examples = ["kw_q7vz2lmn"]
counterexamples = ["kw_"]
{extra}
"#
        )
    }

    fn problems(text: &str) -> Vec<String> {
        match parse_rule_file("t.toml", text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_valid_file_loads() {
        let text = format!("provider = \"P\"\n{}", rule("good-rule", ""));
        assert_eq!(problems(&text), Vec::<String>::new());
    }

    #[test]
    fn each_problem_names_file_rule_and_cause() {
        let text = format!(
            "provider = \"P\"\n{}{}{}{}",
            rule("dup", ""),
            rule("dup", ""),
            rule("Bad_Id", ""),
            rule("paired", "[rules.pair]\nwith = \"missing\""),
        );
        let found = problems(&text);
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("t.toml:14: rule `dup`: duplicate rule id")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("t.toml:25: rule `Bad_Id`: id must be kebab-case")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("t.toml:36: rule `paired`: [rules.pair] names `missing`")),
            "{found:?}"
        );
    }

    #[test]
    fn bad_patterns_are_reported() {
        let bad_regex = format!("provider = \"P\"\n{}", rule("r", "")).replace("{8}", "(");
        assert!(
            problems(&bad_regex)
                .iter()
                .any(|p| p.contains("`r`: invalid pattern"))
        );
        let no_group = format!("provider = \"P\"\n{}", rule("r", "")).replace("?P<secret>", "");
        assert!(
            problems(&no_group)
                .iter()
                .any(|p| p.contains("`r`: pattern has no named group `secret`"))
        );
    }

    #[test]
    fn unknown_fields_and_bad_values_are_reported_with_their_place() {
        let typo = format!("provider = \"P\"\n{}", rule("r", "entrop = 3.0"));
        let found = problems(&typo);
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("t.toml:12: invalid rule file: unknown field `entrop`")),
            "{found:?}"
        );
        let severity =
            format!("provider = \"P\"\n{}", rule("r", "")).replace("\"high\"", "\"urgent\"");
        // The value is not quoted back: a rule file can hold anything there.
        let found = problems(&severity);
        assert!(
            found
                .iter()
                .any(|p| p.contains("unknown variant") && !p.contains("urgent")),
            "{found:?}"
        );
    }

    #[test]
    fn a_keyword_longer_than_the_cap_is_rejected_without_being_quoted() {
        let long = "k".repeat(MAX_KEYWORD_LEN + 1);
        let text = format!("provider = \"P\"\n{}", rule("r", "")).replace(
            "keywords = [\"kw_\"]",
            &format!("keywords = [\"kw_\", \"{long}\"]"),
        );
        let found = problems(&text);
        assert!(
            found
                .iter()
                .any(|p| p.contains("longer than 256 characters")),
            "{found:?}"
        );
        assert!(found.iter().all(|p| !p.contains(&long)), "{found:?}");
    }

    #[test]
    fn rules_without_keywords_or_examples_are_rejected() {
        let text = format!("provider = \"P\"\n{}", rule("r", ""))
            .replace("keywords = [\"kw_\"]", "keywords = []")
            .replace("examples = [\"kw_q7vz2lmn\"]", "examples = []");
        let found = problems(&text);
        assert!(
            found.iter().any(|p| p.contains("at least one keyword")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.contains("at least one example")),
            "{found:?}"
        );
    }

    #[test]
    fn imported_rules_need_no_examples_and_paths_must_be_regexes() {
        let bare = rule("r", "")
            .replace("examples = [\"kw_q7vz2lmn\"]", "examples = []")
            .replace("counterexamples = [\"kw_\"]", "counterexamples = []");
        let imported = format!("provider = \"P\"\nimported_from = \"gitleaks\"\n{bare}");
        assert_eq!(problems(&imported), Vec::<String>::new());
        let scoped = format!("provider = \"P\"\n{}", rule("r", "paths = ['''\\.tf$''']"));
        let set = parse_rule_file("t.toml", &scoped).unwrap();
        let terraform = &set.rules()[0];
        assert!(terraform.applies_to(Path::new("infra/main.tf")));
        assert!(!terraform.applies_to(Path::new("src/main.py")));
        let bad = format!("provider = \"P\"\n{}", rule("r", "paths = ['(']"));
        assert!(
            problems(&bad)
                .iter()
                .any(|p| p.contains("paths: invalid regex")),
            "{:?}",
            problems(&bad)
        );
    }

    #[test]
    fn a_rule_file_may_redefine_a_builtin_rule_once() {
        let (name, builtin) = BUILTIN_RULE_FILES[0];
        let builtin_set = parse_rule_file(name, builtin).unwrap();
        let id = builtin_set.rules()[0].id.clone();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tuned.toml");
        std::fs::write(&file, format!("provider = \"Tuned\"\n{}", rule(&id, ""))).unwrap();
        let options = RuleOptions {
            builtin: true,
            paths: vec![file.clone()],
            repository: None,
            texts: Vec::new(),
        };
        let set = load_rule_set(&options).unwrap();
        let tuned: Vec<_> = set.rules().iter().filter(|r| r.id == id).collect();
        assert_eq!(tuned.len(), 1);
        assert_eq!(tuned[0].source, RuleSource::File(file.clone()));
        let twice = RuleOptions {
            builtin: true,
            paths: vec![file.clone(), file],
            repository: None,
            texts: Vec::new(),
        };
        let problems = load_rule_set(&twice).unwrap_err();
        assert!(
            problems[0].message.contains("duplicate rule id"),
            "{problems:?}"
        );
    }

    #[test]
    fn builtin_rule_files_are_embedded() {
        assert!(!BUILTIN_RULE_FILES.is_empty());
        assert!(
            BUILTIN_RULE_FILES
                .iter()
                .all(|(name, _)| name.ends_with(".toml"))
        );
    }
}
