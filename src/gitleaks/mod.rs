//! A gitleaks configuration (`.gitleaks.toml`) made keyscan's own: a `.keyscan.toml`
//! and a rule file, with every difference in behaviour named. Used when a repository
//! has a `.gitleaks.toml` and no `.keyscan.toml`, and by `keyscan config
//! import-gitleaks`. `useDefault` means keyscan's built-in rules: gitleaks' own rules
//! are not copied.

pub mod ids;
mod regex;

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Value;

use crate::rules::MAX_KEYWORD_LEN;
use crate::text::without_values;

/// The file name gitleaks looks for in the scanned directory.
pub const GITLEAKS_FILE: &str = ".gitleaks.toml";

/// Severity given to translated rules: gitleaks rules have none, and each of their
/// findings fails a build.
const IMPORTED_SEVERITY: &str = "high";

/// Most keywords taken from a rule's regex when it lists none.
const MAX_DERIVED_KEYWORDS: usize = 32;

/// A gitleaks configuration in keyscan's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    /// The `.keyscan.toml` text; what differs is listed in comments at its top.
    pub config: String,
    /// The rule file for the configuration's own rules, if it has any.
    pub rules: Option<String>,
    /// The ids of those rules.
    pub rule_ids: Vec<String>,
    /// What keyscan does differently from gitleaks with this configuration, one
    /// sentence each, naming the key or rule.
    pub differences: Vec<String>,
}

/// `[extend]`.
#[derive(Debug, Default, Deserialize)]
struct Extend {
    usedefault: Option<bool>,
    path: Option<String>,
    url: Option<String>,
    #[serde(default)]
    disabledrules: Vec<String>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

/// An allowlist: `[allowlist]`, `[[allowlists]]` or a rule's own.
#[derive(Debug, Default, Deserialize)]
struct Allowlist {
    description: Option<String>,
    condition: Option<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    regexes: Vec<String>,
    regextarget: Option<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    targetrules: Vec<String>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

/// A `[[rules]]` entry.
#[derive(Debug, Default, Deserialize)]
struct Rule {
    #[serde(default)]
    id: String,
    description: Option<String>,
    regex: Option<String>,
    path: Option<String>,
    secretgroup: Option<i64>,
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    allowlist: Option<Allowlist>,
    #[serde(default)]
    allowlists: Vec<Allowlist>,
    required: Option<Value>,
    skipreport: Option<bool>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

/// A whole `.gitleaks.toml`.
#[derive(Debug, Default, Deserialize)]
struct Gitleaks {
    title: Option<String>,
    #[serde(default)]
    extend: Extend,
    #[serde(default)]
    rules: Vec<Rule>,
    allowlist: Option<Allowlist>,
    #[serde(default)]
    allowlists: Vec<Allowlist>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

/// Keys gitleaks reads that change nothing keyscan does.
const METADATA: &[&str] = &["description", "minversion"];

/// Most configurations a chain of `[extend] path` reaches, as in gitleaks.
const MAX_EXTEND_DEPTH: usize = 2;

/// Reads the configuration an `[extend] path` names, given the path as written: its
/// text, or why it cannot be read.
pub type ReadExtended<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Translates the gitleaks configuration `text`, with those its `[extend] path` names
/// (read by `read`) merged in as gitleaks merges them. `known` are keyscan's built-in
/// rule ids (for rules gitleaks' own ids name); with `rules_file`, the configuration
/// names the rule file by that path (as `keyscan config import-gitleaks` writes it).
pub fn translate(
    text: &str,
    known: &[&str],
    rules_file: Option<&str>,
    read: ReadExtended<'_>,
) -> Result<Translation, String> {
    let mut differences = Vec::new();
    let gitleaks = extended(parse(text, &mut differences)?, read, 0, &mut differences)?;
    let use_default = gitleaks.extend.usedefault.unwrap_or(false);
    if gitleaks.extend.url.is_some() {
        differences
            .push("[extend] url is not fetched: keyscan reads nothing from the network".into());
    }
    let mut rules = Vec::new();
    let mut entries = Vec::new();
    for rule in &gitleaks.rules {
        if let Some(translated) = translate_rule(rule, &mut differences) {
            // gitleaks keeps the last rule of an id.
            if let Some(at) = rules
                .iter()
                .position(|earlier: &KeyscanRule| earlier.id == translated.id)
            {
                differences.push(format!(
                    "rule `{}` is defined more than once; the last definition is used",
                    translated.id
                ));
                rules.remove(at);
                entries.retain(|entry: &Entry| entry.rules != [translated.id.clone()]);
            }
            for allowlist in rule.allowlist.iter().chain(&rule.allowlists) {
                let scope = format!("rule `{}`'s allowlist", rule.id);
                entries.extend(entry(
                    allowlist,
                    &scope,
                    Some(&translated.id),
                    known,
                    &mut differences,
                ));
            }
            rules.push(translated);
        }
    }
    let rule_ids: Vec<String> = rules.iter().map(|rule| rule.id.clone()).collect();
    let mut all_known: Vec<&str> = known.to_vec();
    all_known.extend(rule_ids.iter().map(String::as_str));
    for allowlist in gitleaks.allowlist.iter().chain(&gitleaks.allowlists) {
        entries.extend(entry(
            allowlist,
            "an allowlist",
            None,
            &all_known,
            &mut differences,
        ));
    }
    let mut disable = Vec::new();
    for id in &gitleaks.extend.disabledrules {
        let mapped = ids::keyscan_ids(id, known);
        if mapped.is_empty() {
            differences.push(format!(
                "[extend] disabledRules names `{id}`, which keyscan has no counterpart of"
            ));
        }
        disable.extend(mapped);
    }
    let enable = if use_default {
        Vec::new()
    } else if rule_ids.is_empty() {
        differences.push(
            "without [extend] useDefault = true gitleaks runs only this file's rules, and it \
             has none: keyscan runs its built-in rules"
                .into(),
        );
        Vec::new()
    } else {
        differences.push(
            "without [extend] useDefault = true only this file's rules run, as in gitleaks; \
             add it to run keyscan's built-in rules as well"
                .into(),
        );
        rule_ids.clone()
    };
    let rules_text = (!rules.is_empty()).then(|| rule_file(gitleaks.title.as_deref(), &rules));
    let config = config_file(
        &differences,
        rules_file.filter(|_| rules_text.is_some()),
        &enable,
        &disable,
        &entries,
    );
    Ok(Translation {
        config,
        rules: rules_text,
        rule_ids,
        differences,
    })
}

/// One gitleaks configuration file's text, its keys read case-insensitively as
/// gitleaks reads them (`useDefault`, `usedefault`); the keys keyscan does not know
/// are noted in `differences`.
fn parse(text: &str, differences: &mut Vec<String>) -> Result<Gitleaks, String> {
    let value: Value =
        toml::from_str(text).map_err(|err| without_values(err.message().trim_end()))?;
    let gitleaks: Gitleaks = lowercase_keys(value)
        .try_into()
        .map_err(|err: toml::de::Error| without_values(err.message().trim_end()))?;
    unknown_keys(&gitleaks.other, "", METADATA, differences);
    unknown_keys(&gitleaks.extend.other, "extend.", &[], differences);
    Ok(gitleaks)
}

/// `current` (`depth` configurations down a chain) with the configuration its
/// `[extend] path` names merged in.
fn extended(
    mut current: Gitleaks,
    read: ReadExtended<'_>,
    depth: usize,
    differences: &mut Vec<String>,
) -> Result<Gitleaks, String> {
    let Some(path) = current.extend.path.take() else {
        return Ok(current);
    };
    if current.extend.usedefault == Some(true) {
        return Err(format!(
            "[extend] sets both useDefault and path = {path:?}, which gitleaks refuses too"
        ));
    }
    if depth >= MAX_EXTEND_DEPTH {
        differences.push(format!(
            "[extend] path = {path:?} is not read: gitleaks extends at most \
             {MAX_EXTEND_DEPTH} configurations deep"
        ));
        return Ok(current);
    }
    let text = read(&path).map_err(|reason| format!("[extend] path = {path:?}: {reason}"))?;
    let base = parse(&text, differences)
        .map_err(|reason| format!("[extend] path = {path:?}: {reason}"))?;
    let base = extended(base, read, depth + 1, differences)?;
    Ok(merge(current, base))
}

/// `current` extending `base`, as gitleaks merges them: `base`'s rules that `current`
/// does not disable join it, a rule of both takes what `current` sets and both their
/// keywords, tags and allowlists, and `base`'s allowlists and default rules apply.
fn merge(mut current: Gitleaks, base: Gitleaks) -> Gitleaks {
    for base_rule in base.rules {
        if current.extend.disabledrules.contains(&base_rule.id) {
            continue;
        }
        match current
            .rules
            .iter_mut()
            .find(|rule| rule.id == base_rule.id)
        {
            Some(rule) => merge_rule(rule, base_rule),
            None => current.rules.push(base_rule),
        }
    }
    current.extend.usedefault = base.extend.usedefault;
    current.extend.url = current.extend.url.or(base.extend.url);
    current
        .extend
        .disabledrules
        .extend(base.extend.disabledrules);
    current
        .allowlists
        .extend(base.allowlist.into_iter().chain(base.allowlists));
    current
}

/// `current` made `base` with what `current` sets over it.
fn merge_rule(current: &mut Rule, mut base: Rule) {
    base.description = current.description.take().or(base.description);
    if current.entropy.is_some_and(|entropy| entropy != 0.0) {
        base.entropy = current.entropy;
    }
    if current.secretgroup.is_some_and(|group| group != 0) {
        base.secretgroup = current.secretgroup;
    }
    base.regex = current.regex.take().or(base.regex);
    base.path = current.path.take().or(base.path);
    base.required = current.required.take().or(base.required);
    base.skipreport = current.skipreport.or(base.skipreport);
    base.tags.append(&mut current.tags);
    base.keywords.append(&mut current.keywords);
    base.allowlists.extend(current.allowlist.take());
    base.allowlists.append(&mut current.allowlists);
    base.other.append(&mut current.other);
    *current = base;
}

/// `value` with every table key lowercased, as gitleaks reads them.
fn lowercase_keys(value: Value) -> Value {
    match value {
        Value::Table(table) => Value::Table(
            table
                .into_iter()
                .map(|(key, value)| (key.to_lowercase(), lowercase_keys(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(lowercase_keys).collect()),
        other => other,
    }
}

/// Notes each key of `other` (at `prefix`) that keyscan does not read, but for
/// `ignored` metadata.
fn unknown_keys(
    other: &BTreeMap<String, Value>,
    prefix: &str,
    ignored: &[&str],
    differences: &mut Vec<String>,
) {
    for key in other.keys().filter(|key| !ignored.contains(&key.as_str())) {
        differences.push(format!(
            "`{prefix}{key}` is not a key keyscan knows; it is ignored"
        ));
    }
}

/// A rule as keyscan's rule file writes it.
#[derive(Debug)]
struct KeyscanRule {
    id: String,
    name: String,
    description: String,
    keywords: Vec<String>,
    pattern: String,
    paths: Vec<String>,
    entropy: Option<f64>,
}

/// `rule` made a keyscan rule, or `None` (with the reason in `differences`).
fn translate_rule(rule: &Rule, differences: &mut Vec<String>) -> Option<KeyscanRule> {
    let id = ids::kebab_case(&rule.id);
    let named = if rule.id.is_empty() {
        "a rule without an id".to_owned()
    } else {
        format!("rule `{}`", rule.id)
    };
    if id.is_empty() {
        differences.push(format!("{named} is not used: it has no id"));
        return None;
    }
    unknown_keys(
        &rule.other,
        &format!("rules.{}.", rule.id),
        &[],
        differences,
    );
    if rule.required.is_some() {
        differences.push(format!("{named}: `required` (rules that must match nearby) is not honoured; the rule is reported on its own"));
    }
    if rule.skipreport == Some(true) {
        differences.push(format!(
            "{named}: `skipReport` is not honoured; its findings are reported"
        ));
    }
    let Some(go) = &rule.regex else {
        differences.push(format!(
            "{named} is not used: it matches file paths only, and keyscan rules match content"
        ));
        return None;
    };
    let paths: Vec<String> = match &rule.path {
        Some(path) if ::regex::Regex::new(path).is_ok() => vec![path.clone()],
        Some(_) => {
            differences.push(format!(
                "{named}: its `path` regex is not valid in keyscan, so its matches are \
                 reported in every file"
            ));
            Vec::new()
        }
        None => Vec::new(),
    };
    let group = usize::try_from(rule.secretgroup.unwrap_or(0)).unwrap_or(0);
    let translated = match regex::translate(go, group) {
        Ok(translated) => translated,
        Err(reason) => {
            differences.push(format!(
                "{named} is not used: its regex cannot be translated: {reason}"
            ));
            return None;
        }
    };
    if let Some(approximation) = translated.approximation {
        differences.push(format!("{named}: {approximation}"));
    }
    let mut keywords: Vec<String> = rule
        .keywords
        .iter()
        .map(|keyword| keyword.trim().to_lowercase())
        .filter(|keyword| usable_keyword(keyword))
        .collect();
    if keywords.len() < rule.keywords.len() {
        differences.push(format!(
            "{named}: keywords shorter than 3 characters, longer than {MAX_KEYWORD_LEN} or \
             not ASCII are dropped"
        ));
    }
    if keywords.is_empty() {
        match derived_keywords(&translated.pattern) {
            Some(derived) => keywords = derived,
            None => {
                differences.push(format!(
                    "{named} is not used: keyscan runs a rule only where one of its keywords \
                     occurs, and it has none (of 3 characters or more) nor text every match starts with; add keywords"
                ));
                return None;
            }
        }
    }
    keywords.sort();
    keywords.dedup();
    if id != rule.id {
        differences.push(format!(
            "{named} is called `{id}` in keyscan (ids are kebab-case)"
        ));
    }
    let mut description = rule
        .description
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| format!("The gitleaks rule `{}`.", rule.id));
    if !rule.tags.is_empty() {
        description.push_str(&format!("\n\nTags: {}.", rule.tags.join(", ")));
    }
    let name = rule
        .description
        .clone()
        .filter(|d| !d.trim().is_empty() && d.len() <= 80)
        .unwrap_or_else(|| id.clone());
    Some(KeyscanRule {
        id,
        name,
        description,
        keywords,
        pattern: translated.pattern,
        paths,
        entropy: rule
            .entropy
            .filter(|entropy| *entropy > 0.0)
            .map(|entropy| entropy.min(8.0)),
    })
}

/// Keywords for a rule that lists none: the literal text every match of `pattern`
/// starts (or else ends) with, lowercased, when there are few such texts and each is
/// at least 3 characters.
fn derived_keywords(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    [ExtractKind::Prefix, ExtractKind::Suffix]
        .into_iter()
        .find_map(|kind| {
            // A class of two is a letter either case (keywords match either case);
            // larger ones ([0-9]) end the literal text.
            let mut extractor = Extractor::new();
            extractor.kind(kind).limit_class(2);
            let seq = extractor.extract(&hir);
            let literals = seq.literals()?;
            let mut words = literals
                .iter()
                .map(|literal| {
                    let text = std::str::from_utf8(literal.as_bytes()).ok()?.to_lowercase();
                    usable_keyword(&text).then_some(text)
                })
                .collect::<Option<Vec<String>>>()?;
            words.sort();
            words.dedup();
            (!words.is_empty() && words.len() <= MAX_DERIVED_KEYWORDS).then_some(words)
        })
}

/// Whether `keyword` (lowercased) is one keyscan accepts: ASCII, 3 to
/// [`MAX_KEYWORD_LEN`] bytes.
fn usable_keyword(keyword: &str) -> bool {
    (3..=MAX_KEYWORD_LEN).contains(&keyword.len()) && keyword.is_ascii()
}

/// An `[[allowlists]]` entry of keyscan's configuration.
#[derive(Debug, Default)]
struct Entry {
    description: Option<String>,
    rules: Vec<String>,
    and: bool,
    path_patterns: Vec<String>,
    secrets: Vec<String>,
    lines: Vec<String>,
    stopwords: Vec<String>,
    commits: Vec<String>,
}

/// `allowlist` (of rule `rule`, or for its `targetRules`) as a keyscan entry, or
/// `None` (with the reason in `differences`) when nothing of it is left.
fn entry(
    allowlist: &Allowlist,
    scope: &str,
    rule: Option<&str>,
    known: &[&str],
    differences: &mut Vec<String>,
) -> Option<Entry> {
    unknown_keys(&allowlist.other, "allowlist.", &[], differences);
    let mut rules: Vec<String> = rule.map(str::to_owned).into_iter().collect();
    for target in &allowlist.targetrules {
        let mapped = ids::keyscan_ids(target, known);
        if mapped.is_empty() {
            differences.push(format!("{scope} names the rule `{target}` in targetRules, which keyscan has no counterpart of"));
        }
        rules.extend(mapped);
    }
    if !allowlist.targetrules.is_empty() && rules.is_empty() {
        differences.push(format!(
            "{scope} is not used: keyscan has none of its targetRules"
        ));
        return None;
    }
    let and = match allowlist
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("OR") => false,
        Some("AND") => true,
        Some(other) => {
            differences.push(format!(
                "{scope} has condition {other:?}, which is neither AND nor OR: it is read as OR"
            ));
            false
        }
    };
    let valid = |patterns: &[String], what: &str, differences: &mut Vec<String>| -> Vec<String> {
        patterns
            .iter()
            .filter(|pattern| {
                let ok = ::regex::bytes::Regex::new(pattern).is_ok();
                if !ok {
                    differences.push(format!(
                        "{scope}: a {what} regex is not valid in keyscan and is dropped"
                    ));
                }
                ok
            })
            .cloned()
            .collect()
    };
    let mut translated = Entry {
        description: allowlist.description.clone(),
        rules,
        and,
        path_patterns: valid(&allowlist.paths, "path", differences),
        stopwords: allowlist.stopwords.clone(),
        commits: allowlist.commits.clone(),
        ..Entry::default()
    };
    let regexes = valid(&allowlist.regexes, "", differences);
    match allowlist
        .regextarget
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("secret") | Some("") => translated.secrets = regexes,
        Some("line") => translated.lines = regexes,
        Some("match") => {
            if !regexes.is_empty() {
                differences.push(format!("{scope}: regexTarget = \"match\" is read as \"line\": keyscan matches these regexes against the whole line"));
            }
            translated.lines = regexes;
        }
        Some(other) => {
            differences.push(format!("{scope}: regexTarget {other:?} is not secret, match or line; its regexes are dropped"));
        }
    }
    let criteria = translated.path_patterns.len()
        + translated.secrets.len()
        + translated.lines.len()
        + translated.stopwords.len()
        + translated.commits.len();
    if criteria == 0 {
        differences.push(format!(
            "{scope} is not used: nothing of it is left that keyscan can match"
        ));
        return None;
    }
    Some(translated)
}

/// A TOML string or array of strings.
fn quoted(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    Value::Array(items.iter().cloned().map(Value::String).collect()).to_string()
}

/// The rule file for `rules`.
fn rule_file(title: Option<&str>, rules: &[KeyscanRule]) -> String {
    let mut out = String::from(
        "# Rules translated from a gitleaks configuration (.gitleaks.toml). gitleaks rules\n\
         # come without examples: add `examples` and `counterexamples` to each, so that\n\
         # `keyscan rules check` can test them.\n",
    );
    let provider = title
        .filter(|title| !title.trim().is_empty())
        .unwrap_or("gitleaks configuration");
    out.push_str(&format!(
        "provider = {}\nimported_from = \"gitleaks\"\n",
        quoted(provider)
    ));
    for rule in rules {
        out.push_str(&format!(
            "\n[[rules]]\nid = {}\nname = {}\ndescription = {}\nseverity = \"{IMPORTED_SEVERITY}\"\nkeywords = {}\npattern = {}\n",
            quoted(&rule.id),
            quoted(&rule.name),
            quoted(&rule.description),
            list(&rule.keywords),
            quoted(&rule.pattern),
        ));
        if let Some(entropy) = rule.entropy {
            out.push_str(&format!("entropy = {entropy:?}\n"));
        }
        if !rule.paths.is_empty() {
            out.push_str(&format!("paths = {}\n", list(&rule.paths)));
        }
    }
    out
}

/// The `.keyscan.toml` text.
fn config_file(
    differences: &[String],
    rules_file: Option<&str>,
    enable: &[String],
    disable: &[String],
    entries: &[Entry],
) -> String {
    let mut out = String::from(
        "# keyscan configuration translated from a gitleaks configuration (.gitleaks.toml).\n",
    );
    if !differences.is_empty() {
        out.push_str("#\n# What keyscan does differently with it:\n");
        for difference in differences {
            out.push_str(&format!("# - {}\n", difference.replace('\n', " ")));
        }
    }
    out.push_str("\n[rules]\n");
    if let Some(file) = rules_file {
        out.push_str(&format!("paths = {}\n", list(&[file.to_owned()])));
    }
    if !enable.is_empty() {
        out.push_str(&format!("enable = {}\n", list(enable)));
    }
    if !disable.is_empty() {
        out.push_str(&format!("disable = {}\n", list(disable)));
    }
    for entry in entries {
        out.push_str("\n[[allowlists]]\n");
        if let Some(description) = &entry.description {
            out.push_str(&format!("description = {}\n", quoted(description)));
        }
        if !entry.rules.is_empty() {
            out.push_str(&format!("rules = {}\n", list(&entry.rules)));
        }
        let keys: [(&str, &[String]); 5] = [
            ("path_patterns", &entry.path_patterns),
            ("secrets", &entry.secrets),
            ("lines", &entry.lines),
            ("stopwords", &entry.stopwords),
            ("commits", &entry.commits),
        ];
        if entry.and {
            out.push_str("condition = \"and\"\n");
        }
        for (key, values) in keys {
            if !values.is_empty() {
                out.push_str(&format!("{key} = {}\n", list(values)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    const KNOWN: &[&str] = &["github-pat", "aws-access-key-id", "generic-jwt"];

    /// A reader for configurations that extend nothing.
    fn none(path: &str) -> Result<String, String> {
        Err(format!("{path}: no such file"))
    }

    /// The translation of `text`, its rules checked to load and its configuration to
    /// be TOML (the configuration's tests load one whole).
    fn translated(text: &str) -> Translation {
        let translation = translate(text, KNOWN, Some(".keyscan-rules.toml"), &none).unwrap();
        if let Some(rules) = &translation.rules {
            parse_rule_file("translated", rules).unwrap_or_else(|problems| {
                unreachable!("the rules do not load: {problems:?}\n{rules}")
            });
        }
        if let Err(err) = toml::from_str::<Value>(&translation.config) {
            unreachable!(
                "the configuration is not TOML: {err}\n{}",
                translation.config
            );
        }
        translation
    }

    fn mentions(translation: &Translation, words: &str) -> bool {
        translation
            .differences
            .iter()
            .any(|difference| difference.contains(words))
    }

    #[test]
    fn rules_keep_their_secret_group_and_keywords_and_use_default_keeps_the_builtins() {
        let translation = translated(
            r#"
            [extend]
            useDefault = true
            [[rules]]
            id = "acme-token"
            description = "Acme token"
            regex = '''acme_([a-z0-9]{24})'''
            secretGroup = 1
            keywords = ["ACME_", "ac"]
            entropy = 3.5
            "#,
        );
        let rules = translation.rules.as_deref().unwrap();
        assert!(
            rules.contains(r#"pattern = "acme_(?P<secret>[a-z0-9]{24})""#),
            "{rules}"
        );
        assert!(rules.contains(r#"keywords = ["acme_"]"#), "{rules}");
        assert!(rules.contains("entropy = 3.5"), "{rules}");
        assert!(mentions(&translation, "shorter than 3 characters"));
        assert!(
            !translation.config.contains("enable"),
            "{}",
            translation.config
        );
        assert!(
            translation
                .config
                .contains(r#"paths = [".keyscan-rules.toml"]"#)
        );
    }

    #[test]
    fn without_use_default_only_the_files_rules_run_unless_it_has_none() {
        let own = translated("[[rules]]\nid = \"Acme_Token\"\nregex = '''ACMETOKEN-[0-9]{8}'''\n");
        assert!(
            own.config.contains(r#"enable = ["acme-token"]"#),
            "{}",
            own.config
        );
        assert!(mentions(&own, "only this file's rules run"));
        assert!(mentions(&own, "is called `acme-token`"));
        let rules = own.rules.unwrap();
        assert!(
            rules.contains(r#"keywords = ["acmetoken-"]"#),
            "keywords from the regex: {rules}"
        );
        let none = translated("[allowlist]\nstopwords = [\"example\"]\n");
        assert!(!none.config.contains("enable"));
        assert!(mentions(&none, "keyscan runs its built-in rules"));
    }

    #[test]
    fn allowlists_become_entries_for_their_rules_with_their_condition() {
        let translation = translated(
            r#"
            [extend]
            usedefault = true
            [[rules]]
            id = "acme-token"
            regex = '''acme_[a-z0-9]{24}'''
            keywords = ["acme_"]
            [[rules.allowlists]]
            condition = "AND"
            paths = ['''^tests/''']
            regexTarget = "match"
            regexes = ['''example''']
            [allowlist]
            commits = ["0123456789abcdef0123456789abcdef01234567"]
            [[allowlists]]
            targetRules = ["aws-access-token", "no-such-rule"]
            regexTarget = "line"
            regexes = ['''dummy''']
            "#,
        );
        let config = &translation.config;
        assert!(
            config.contains(
                "rules = [\"acme-token\"]\ncondition = \"and\"\npath_patterns = [\"^tests/\"]\nlines = [\"example\"]"
            ),
            "{config}"
        );
        assert!(
            config.contains("commits = [\"0123456789abcdef0123456789abcdef01234567\"]"),
            "{config}"
        );
        assert!(
            config.contains("rules = [\"aws-access-key-id\"]\nlines = [\"dummy\"]"),
            "{config}"
        );
        assert!(mentions(
            &translation,
            "regexTarget = \"match\" is read as \"line\""
        ));
        assert!(mentions(&translation, "`no-such-rule`"));
    }

    #[test]
    fn what_keyscan_cannot_do_is_named_and_never_dropped_silently() {
        let translation = translated(
            r#"
            [extend]
            useDefault = true
            disabledRules = ["jwt", "adobe-client-id"]
            color = "blue"
            [[rules]]
            id = "env-files"
            path = '''\.env$'''
            [[rules]]
            id = "scoped"
            regex = '''scoped_[0-9]{10}'''
            path = '''\.py$'''
            keywords = ["scoped_"]
            [[rules]]
            id = "anything"
            regex = '''[a-z]+'''
            [[rules]]
            id = "lookahead"
            regex = '''key(?=[0-9])'''
            keywords = ["key"]
            "#,
        );
        for words in [
            "`adobe-client-id`",
            "`extend.color`",
            "rule `env-files` is not used: it matches file paths only",
            "rule `anything` is not used: keyscan runs a rule only where one of its keywords",
            "rule `lookahead` is not used: its regex cannot be translated",
        ] {
            assert!(
                mentions(&translation, words),
                "{words}: {:?}",
                translation.differences
            );
        }
        assert!(
            translation.config.contains("disable = [\"generic-jwt\"]"),
            "{}",
            translation.config
        );
        assert_eq!(translation.rule_ids, ["scoped"]);
        let rules = translation.rules.as_deref().unwrap();
        assert!(rules.contains(r#"paths = ['\.py$']"#), "{rules}");
        assert!(translate("rules = 3", KNOWN, None, &none).is_err());
        assert!(translate("[[rules]\n", KNOWN, None, &none).is_err());
    }

    #[test]
    fn an_extended_configuration_is_merged_in_as_gitleaks_merges_it() {
        let base = r#"
            [extend]
            useDefault = true
            disabledRules = ["jwt"]
            [[rules]]
            id = "acme-token"
            description = "Acme token"
            regex = '''acme_[a-z0-9]{24}'''
            keywords = ["acme_"]
            [[rules]]
            id = "old-token"
            regex = '''oldtok_[a-z0-9]{24}'''
            keywords = ["oldtok_"]
            [allowlist]
            stopwords = ["fixture"]
        "#;
        let read = |path: &str| match path {
            "shared/base.toml" => Ok(base.to_owned()),
            "loop.toml" => Ok("[extend]\npath = \"loop.toml\"\n".to_owned()),
            other => Err(format!("{other}: no such file")),
        };
        let current = r#"
            [extend]
            path = "shared/base.toml"
            disabledRules = ["old-token"]
            [[rules]]
            id = "acme-token"
            description = "Acme production token"
            keywords = ["acme_live"]
        "#;
        let translation = translate(current, KNOWN, None, &read).unwrap();
        assert_eq!(
            translation.rule_ids,
            ["acme-token"],
            "old-token is disabled"
        );
        let rules = translation.rules.unwrap();
        assert!(
            rules.contains("name = \"Acme production token\""),
            "{rules}"
        );
        assert!(
            rules.contains(r#"keywords = ["acme_", "acme_live"]"#),
            "{rules}"
        );
        assert!(
            !translation.config.contains("enable"),
            "useDefault comes from the base"
        );
        assert!(translation.config.contains("disable = [\"generic-jwt\"]"));
        assert!(translation.config.contains("stopwords = [\"fixture\"]"));
        // A chain deeper than gitleaks follows is cut, and said; a missing file fails.
        let deep = translate("[extend]\npath = \"loop.toml\"\n", KNOWN, None, &read).unwrap();
        assert!(
            mentions(&deep, "extends at most 2"),
            "{:?}",
            deep.differences
        );
        let missing = translate("[extend]\npath = \"gone.toml\"\n", KNOWN, None, &read);
        assert!(missing.unwrap_err().contains("gone.toml: no such file"));
        let both = "[extend]\nuseDefault = true\npath = \"shared/base.toml\"\n";
        assert!(translate(both, KNOWN, None, &read).is_err());
    }
}
