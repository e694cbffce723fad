//! `.keyscan.toml`: rules to add, enable or disable, a minimum severity, allowlists,
//! a baseline and scan options. Found upward from the scanned path, or given with
//! `--config`. Unknown keys and bad values are errors naming file, line and key.

use std::fmt;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use regex::bytes::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, FileProblem};
use crate::files::{self, Confinement};
use crate::filter::{Allowlist, AllowlistEntry};
use crate::gitleaks::{self, GITLEAKS_FILE};
use crate::rules::{RuleOptions, Severity, load_rule_set};
use crate::text::{line_of, without_values};

/// The file name keyscan looks for.
pub const CONFIG_FILE: &str = ".keyscan.toml";

/// What `keyscan config init` writes.
pub const TEMPLATE: &str = r#"# keyscan configuration (https://github.com/keyscan/keyscan).
# Relative paths are relative to this file's directory.

# Report only findings that are not in this baseline file (`keyscan baseline`).
# baseline = ".keyscan-baseline.json"

[rules]
# Extra rule files or directories of *.toml rule files (see docs/rules.md).
# paths = ["security/keyscan-rules"]
# Rule ids to turn off, e.g. a generic rule that is noisy in this codebase.
# disable = ["generic-jwt"]
# Run only these rule ids (leave unset to run every rule).
# enable = ["aws-secret-access-key", "github-pat"]
# Report only findings at or above this severity: low, medium, high, critical.
# min_severity = "medium"
# Exit with 1 only for findings at or above this severity; lower ones are reported and
# the exit code is 0 (the default: every finding reported exits with 1).
# fail_on = "high"

[allowlist]
# Paths whose findings are not reported, as gitignore-style globs.
# paths = ["tests/fixtures/", "docs/**/*.md"]
# Regular expressions matched against the secret itself.
# secrets = ["^AKIA[A-Z0-9]{12}TEST$"]
# Regular expressions matched against the whole line the secret is on.
# lines = ["example\\.invalid"]
# Words that mark a value as not secret (matched case-insensitively within it).
# stopwords = ["dummy", "sample"]

# Allowlists for some rules only, or whose criteria must all hold; as many as needed.
# [[allowlists]]
# description = "the payment SDK's test fixtures"
# rules = ["stripe-secret-key"]       # leave out for every rule
# condition = "and"                   # "or" (the default): any one criterion allows
# paths = ["tests/"]                  # gitignore-style globs
# path_patterns = ["_test\\.go$"]     # regexes over the path as reports show it
# secrets = ["^sk_test_"]
# lines = ["example"]
# stopwords = ["dummy"]
# commits = ["0123456789abcdef0123456789abcdef01234567"]

[scan]
# Skip files larger than this (bytes, or 512KB, 100MB, 1GiB).
# max_file_size = "100MB"
# Scan files that look binary (NULs and other non-text bytes in the first KiB).
# scan_binaries = false
# Honour .gitignore, .ignore and .keyscanignore.
# ignore_files = true
# Follow symbolic links.
# follow_symlinks = false
# Expand archives (zip, jar, tar, gzip) and scan their members.
# archives = true
# Scan what decodes from a file too: UTF-16 text, base64 values, escaped JSON strings.
# decode = true
# Ask each finding's provider whether its secret still works, as --verify does. Read
# only from a configuration given with --config, or from your own
# (~/.config/keyscan/config.toml): a scanned repository's own cannot turn it on.
# verify = false
"#;

/// A rule id named in the configuration, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRule {
    /// The rule id.
    pub id: String,
    /// Its 1-based line in the configuration file.
    pub line: usize,
}

/// Where a configuration came from, which decides what it may make keyscan read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Named by the user (`--config`): trusted like a flag.
    Given,
    /// Found in or above the scanned path: the scanned repository's own, so the files
    /// it names (rules, baseline) are read only from inside its directory.
    Found,
}

/// A loaded, validated configuration. The default is "no configuration".
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from.
    pub path: Option<PathBuf>,
    /// For a configuration found in the scanned repository, the directory the files it
    /// names must stay in; `None` for one the user gave.
    pub confinement: Option<Confinement>,
    /// Extra rule files and directories.
    pub rule_paths: Vec<PathBuf>,
    /// Rule files given as text, with their names (a `.gitleaks.toml`'s rules).
    pub rule_texts: Vec<(String, String)>,
    /// For a gitleaks configuration, what keyscan does differently with it.
    pub differences: Vec<String>,
    /// Rules to turn off.
    pub disable: Vec<NamedRule>,
    /// Rules the `[[allowlists]]` entries name.
    pub allowlist_rules: Vec<NamedRule>,
    /// When not empty, the only rules to run.
    pub enable: Vec<NamedRule>,
    /// Findings below this severity are not reported.
    pub min_severity: Option<Severity>,
    /// Only findings at or above this severity make the exit code 1.
    pub fail_on: Option<Severity>,
    /// Findings that are not reported.
    pub allowlist: Allowlist,
    /// Baseline file.
    pub baseline: Option<PathBuf>,
    /// Size cap for files and blobs.
    pub max_file_size: Option<u64>,
    /// Scan binary-looking files instead of skipping them.
    pub scan_binaries: Option<bool>,
    /// Honour ignore files.
    pub ignore_files: Option<bool>,
    /// Follow symbolic links.
    pub follow_symlinks: Option<bool>,
    /// Expand archives and scan their members.
    pub archives: Option<bool>,
    /// Scan what decodes from a file too.
    pub decode: Option<bool>,
    /// Verify findings with their providers (honoured only from a configuration the
    /// user gave).
    pub verify: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    allowlist: RawAllowlist,
    #[serde(default)]
    allowlists: Vec<RawAllowlistEntry>,
    baseline: Option<String>,
    #[serde(default)]
    scan: RawScan,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    enable: Vec<Spanned<String>>,
    min_severity: Option<Severity>,
    fail_on: Option<Severity>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAllowlist {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    secrets: Vec<Spanned<String>>,
    #[serde(default)]
    lines: Vec<Spanned<String>>,
    #[serde(default)]
    stopwords: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllowlistEntry {
    #[serde(default)]
    description: String,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    condition: Condition,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    path_patterns: Vec<Spanned<String>>,
    #[serde(default)]
    secrets: Vec<Spanned<String>>,
    #[serde(default)]
    lines: Vec<Spanned<String>>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
}

/// How the criteria of an `[[allowlists]]` entry combine.
#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Condition {
    /// Any one criterion allows a finding.
    #[default]
    Or,
    /// Every criterion given must hold.
    And,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawScan {
    max_file_size: Option<Spanned<String>>,
    scan_binaries: Option<bool>,
    ignore_files: Option<bool>,
    follow_symlinks: Option<bool>,
    archives: Option<bool>,
    decode: Option<bool>,
    verify: Option<bool>,
}

/// The nearest configuration in `start` (a directory, or a file's directory) or
/// above: a `.keyscan.toml`, else a `.gitleaks.toml` in the same directory.
pub fn find(start: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(start).ok()?;
    let first = if absolute.is_dir() {
        absolute.as_path()
    } else {
        absolute.parent()?
    };
    first.ancestors().find_map(|dir| {
        [CONFIG_FILE, GITLEAKS_FILE]
            .into_iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Whether the configuration at `path` is gitleaks' (named `.gitleaks.toml` or
/// `gitleaks.toml`), to be translated.
pub fn is_gitleaks(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name == GITLEAKS_FILE || name == &GITLEAKS_FILE[1..])
}

/// Loads and validates the configuration file at `path`, which came from `source`; a
/// gitleaks configuration is translated ([`gitleaks::translate`]).
pub fn load(path: &Path, source: Source) -> Result<Config, Error> {
    let text = files::read_text(path, files::MAX_CONFIG, None)
        .map_err(|err| Error::unreadable(path, err))?;
    if is_gitleaks(path) {
        load_gitleaks(&text, path, source)
    } else {
        load_text(&text, path, source)
    }
}

/// The gitleaks configuration `text` (at `path`) translated and loaded; what keyscan
/// does differently is in [`Config::differences`].
fn load_gitleaks(text: &str, path: &Path, source: Source) -> Result<Config, Error> {
    // A repository's own configuration extends only files inside its directory.
    let within = match source {
        Source::Given => None,
        Source::Found => Some(
            Confinement::new(path.parent().unwrap_or(Path::new("")))
                .map_err(|err| Error::unreadable(path, err))?,
        ),
    };
    let translation = translate_gitleaks(text, path, None, within.as_ref())?;
    let mut config = load_text(&translation.config, path, source)?;
    if let Some(rules) = translation.rules {
        config
            .rule_texts
            .push((format!("{} (translated)", path.display()), rules));
    }
    config.differences = translation.differences;
    Ok(config)
}

/// The gitleaks configuration `text` at `path` translated against keyscan's built-in
/// rules ([`gitleaks::translate`]): an `[extend] path` is read relative to `path`,
/// inside `within` when given; with `rules_file`, the configuration names its rule file.
pub fn translate_gitleaks(
    text: &str,
    path: &Path,
    rules_file: Option<&str>,
    within: Option<&Confinement>,
) -> Result<gitleaks::Translation, Error> {
    let builtin = load_rule_set(&RuleOptions::builtin_only()).map_err(Error::Rules)?;
    let known: Vec<&str> = builtin
        .rules()
        .iter()
        .map(|rule| rule.id.as_str())
        .collect();
    let dir = path.parent().unwrap_or(Path::new(""));
    let read = |named: &str| {
        files::read_text(&dir.join(named), files::MAX_CONFIG, within)
            .map_err(|err| format!("cannot read: {err}"))
    };
    gitleaks::translate(text, &known, rules_file, &read).map_err(|reason| {
        Error::Config(vec![FileProblem::new(
            path,
            None,
            format!("cannot be read as a gitleaks configuration: {reason}"),
        )])
    })
}

/// Validates `text`, a configuration named `path` (whose directory relative paths
/// start from), which came from `source`.
pub fn load_text(text: &str, path: &Path, source: Source) -> Result<Config, Error> {
    let error = |line: Option<usize>, message: String| {
        Error::Config(vec![FileProblem::new(path, line, message)])
    };
    let line_of = |offset: usize| line_of(text.as_bytes(), offset);
    let raw: RawConfig = toml::from_str(text).map_err(|err| {
        let line = err.span().map(|span| line_of(span.start));
        error(line, without_values(err.message().trim_end()))
    })?;
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let regexes = |patterns: &[Spanned<String>], key: &str| -> Result<Vec<Regex>, Error> {
        patterns
            .iter()
            .map(|pattern| {
                Regex::new(pattern.get_ref()).map_err(|err| {
                    error(
                        Some(line_of(pattern.span().start)),
                        format!("{key}: invalid regex: {}", without_values(&err.to_string())),
                    )
                })
            })
            .collect()
    };
    let globs = |patterns: &[Spanned<String>], key: &str| -> Result<Gitignore, Error> {
        let mut globs = GitignoreBuilder::new(&root);
        for glob in patterns {
            globs.add_line(None, glob.get_ref()).map_err(|err| {
                error(
                    Some(line_of(glob.span().start)),
                    format!("{key}: invalid glob: {err}"),
                )
            })?;
        }
        globs
            .build()
            .map_err(|err| error(None, format!("{key}: {err}")))
    };
    let lowercase = |words: &[String]| words.iter().map(|word| word.to_lowercase()).collect();
    let mut entries = Vec::new();
    let mut entry_rules = Vec::new();
    for entry in &raw.allowlists {
        let criteria = entry.paths.len()
            + entry.path_patterns.len()
            + entry.secrets.len()
            + entry.lines.len()
            + entry.stopwords.len()
            + entry.commits.len();
        if criteria == 0 {
            let at = entry.rules.first().map(|rule| line_of(rule.span().start));
            let what = if entry.description.is_empty() {
                String::new()
            } else {
                format!(" ({})", entry.description)
            };
            return Err(error(
                at,
                format!(
                    "allowlists: an entry{what} has no paths, path_patterns, secrets, lines,                      stopwords or commits, so it would allow nothing"
                ),
            ));
        }
        entry_rules.extend(entry.rules.iter().cloned());
        entries.push(AllowlistEntry {
            rules: entry
                .rules
                .iter()
                .map(|rule| rule.get_ref().clone())
                .collect(),
            all: entry.condition == Condition::And,
            paths: globs(&entry.paths, "allowlists.paths")?,
            path_patterns: regexes(&entry.path_patterns, "allowlists.path_patterns")?,
            secrets: regexes(&entry.secrets, "allowlists.secrets")?,
            lines: regexes(&entry.lines, "allowlists.lines")?,
            stopwords: lowercase(&entry.stopwords),
            commits: entry.commits.iter().map(|id| id.to_lowercase()).collect(),
        });
    }
    let paths = globs(&raw.allowlist.paths, "allowlist.paths")?;
    let max_file_size = match &raw.scan.max_file_size {
        Some(size) => Some(parse_size(size.get_ref()).map_err(|err| {
            error(
                Some(line_of(size.span().start)),
                format!("scan.max_file_size: {err}"),
            )
        })?),
        None => None,
    };
    let named = |ids: &[Spanned<String>]| -> Vec<NamedRule> {
        ids.iter()
            .map(|id| NamedRule {
                id: id.get_ref().clone(),
                line: line_of(id.span().start),
            })
            .collect()
    };
    let confinement = match source {
        Source::Given => None,
        Source::Found => Some(
            Confinement::new(&root).map_err(|err| error(None, format!("cannot read: {err}")))?,
        ),
    };
    Ok(Config {
        path: Some(path.to_path_buf()),
        confinement,
        rule_paths: raw.rules.paths.iter().map(|p| root.join(p)).collect(),
        rule_texts: Vec::new(),
        differences: Vec::new(),
        disable: named(&raw.rules.disable),
        allowlist_rules: named(&entry_rules),
        enable: named(&raw.rules.enable),
        min_severity: raw.rules.min_severity,
        fail_on: raw.rules.fail_on,
        allowlist: Allowlist {
            paths,
            secrets: regexes(&raw.allowlist.secrets, "allowlist.secrets")?,
            lines: regexes(&raw.allowlist.lines, "allowlist.lines")?,
            stopwords: lowercase(&raw.allowlist.stopwords),
            entries,
        },
        baseline: raw.baseline.map(|file| root.join(file)),
        max_file_size,
        scan_binaries: raw.scan.scan_binaries,
        ignore_files: raw.scan.ignore_files,
        follow_symlinks: raw.scan.follow_symlinks,
        archives: raw.scan.archives,
        decode: raw.scan.decode,
        verify: raw.scan.verify,
    })
}

impl Config {
    /// A problem for each rule id in `disable` or `enable` that no loaded rule has.
    pub fn unknown_rule_ids(&self, known: &[&str]) -> Vec<FileProblem> {
        let path = self.path.clone().unwrap_or_default();
        [
            ("disable", &self.disable),
            ("enable", &self.enable),
            ("allowlists", &self.allowlist_rules),
        ]
        .into_iter()
        .flat_map(|(key, ids)| ids.iter().map(move |named| (key, named)))
        .filter(|(_, named)| !known.contains(&named.id.as_str()))
        .map(|(key, named)| {
            let key = if key == "allowlists" {
                "allowlists.rules".to_owned()
            } else {
                format!("rules.{key}")
            };
            let message = format!(
                "{key}: no rule has the id `{}` (see `keyscan rules list`)",
                named.id
            );
            FileProblem::new(&path, Some(named.line), message)
        })
        .collect()
    }

    /// Whether the rule with `id` runs under this configuration.
    pub fn runs_rule(&self, id: &str) -> bool {
        let enabled = self.enable.is_empty() || self.enable.iter().any(|named| named.id == id);
        enabled && !self.disable.iter().any(|named| named.id == id)
    }
}

/// Why a size such as `100MB` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseSizeError {
    /// No number where the size should start.
    NotASize(String),
    /// A unit keyscan does not know.
    UnknownUnit(String),
    /// More bytes than keyscan can count.
    TooLarge(String),
}

impl fmt::Display for ParseSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseSizeError::NotASize(text) => write!(f, "{text:?} is not a size like 100MB"),
            ParseSizeError::UnknownUnit(unit) => write!(
                f,
                "unknown size unit {unit:?}; use B, KB, MB, GB, KiB, MiB or GiB"
            ),
            ParseSizeError::TooLarge(text) => write!(f, "{text:?} is too large"),
        }
    }
}

impl std::error::Error for ParseSizeError {}

/// Parses `1234`, `512KB`, `100MB`, `1GiB` (decimal and binary units, case-insensitive).
pub fn parse_size(text: &str) -> Result<u64, ParseSizeError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| ParseSizeError::NotASize(text.to_owned()))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        other => return Err(ParseSizeError::UnknownUnit(other.to_owned())),
    };
    number
        .checked_mul(multiplier)
        .ok_or_else(|| ParseSizeError::TooLarge(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration in `text`, or its one problem, named as `.keyscan.toml`.
    fn load_text(text: &str) -> Result<Config, FileProblem> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, text).unwrap();
        load(&path, Source::Given).map_err(|err| {
            let Error::Config(problems) = &err else {
                unreachable!("a configuration error, not {err}");
            };
            assert_eq!(problems.len(), 1, "{err}");
            FileProblem {
                path: PathBuf::from(CONFIG_FILE),
                ..problems[0].clone()
            }
        })
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("1234"), Ok(1234));
        assert_eq!(parse_size("512KB"), Ok(512_000));
        assert_eq!(parse_size("100mb"), Ok(100_000_000));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }

    #[test]
    fn the_template_loads_as_an_empty_configuration() {
        let config = load_text(TEMPLATE).unwrap();
        assert!(
            config.disable.is_empty()
                && config.baseline.is_none()
                && config.max_file_size.is_none()
        );
    }

    #[test]
    fn every_setting_of_the_template_loads_when_uncommented() {
        let uncommented: String = TEMPLATE
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(setting) if setting.contains(" = ") || setting.starts_with("[[") => {
                    format!("{setting}\n")
                }
                _ => format!("{line}\n"),
            })
            .collect();
        let config = load_text(&uncommented).unwrap_or_else(|err| {
            unreachable!("the uncommented template does not load: {err}\n{uncommented}")
        });
        assert!(config.baseline.is_some(), "baseline is a top-level key");
        assert_eq!(config.max_file_size, Some(100_000_000));
        assert_eq!(
            (
                config.scan_binaries,
                config.ignore_files,
                config.follow_symlinks
            ),
            (Some(false), Some(true), Some(false))
        );
        assert_eq!(config.allowlist.stopwords, ["dummy", "sample"]);
        let entry = &config.allowlist.entries[0];
        assert!(entry.all && entry.rules == ["stripe-secret-key"]);
        assert_eq!(config.allowlist_rules[0].id, "stripe-secret-key");
    }

    #[test]
    fn a_gitleaks_configuration_loads_translated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(GITLEAKS_FILE);
        let gitleaks = r#"
            [extend]
            useDefault = true
            [[rules]]
            id = "acme-token"
            regex = '''acme_[a-z0-9]{24}'''
            keywords = ["acme_"]
            [[rules.allowlists]]
            stopwords = ["example"]
            [[rules]]
            id = "env-files"
            path = '''\.env$'''
            [[allowlists]]
            targetRules = ["aws-access-token"]
            condition = "AND"
            paths = ['''^tests/''']
            regexes = ['''EXAMPLE$''']
        "#;
        std::fs::write(&path, gitleaks).unwrap();
        assert_eq!(find(dir.path()), Some(path.clone()));
        let config = load(&path, Source::Found).unwrap();
        assert_eq!(config.rule_texts.len(), 1);
        assert!(config.rule_texts[0].1.contains("id = \"acme-token\""));
        let entries = &config.allowlist.entries;
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].rules, ["acme-token"]);
        assert!(entries[1].all && entries[1].rules == ["aws-access-key-id"]);
        assert!(
            config.differences.iter().any(|d| d.contains("`env-files`")),
            "{:?}",
            config.differences
        );
        // A .keyscan.toml in the same directory is the one found.
        std::fs::write(dir.path().join(CONFIG_FILE), "").unwrap();
        assert_eq!(find(dir.path()), Some(dir.path().join(CONFIG_FILE)));
    }

    /// Pieces of gitleaks configurations, ordinary and odd, for the property below.
    mod gitleaks_pieces {
        use proptest::prelude::*;

        pub fn id() -> impl Strategy<Value = String> {
            prop_oneof![
                4 => Just("acme-token".to_owned()),
                4 => Just("Acme_Token".to_owned()),
                2 => Just("github-pat".to_owned()),
                1 => Just("--".to_owned()),
                1 => Just("".to_owned()),
                1 => "[a-zA-Z0-9_ .-]{1,12}",
            ]
        }

        pub fn regex() -> impl Strategy<Value = String> {
            prop_oneof![
                6 => Just(r"acme_([a-z0-9]{24})".to_owned()),
                2 => Just(r"(?i)(key|token)\s*=\s*([a-z0-9]{16,})".to_owned()),
                1 => Just(r"\Qa.b\E[0-9]{8}".to_owned()),
                1 => Just(r"x(?=y)".to_owned()),
                1 => Just(r"[[:alpha:]]{10}\z".to_owned()),
                1 => Just(r"[a-z]+".to_owned()),
                1 => Just(r"\p{Greek}+".to_owned()),
                1 => Just("(".to_owned()),
                1 => "[a-z(){}\\[\\]\\\\|*+?.^$0-9]{0,20}",
            ]
        }

        pub fn words() -> impl Strategy<Value = Vec<String>> {
            prop::collection::vec(
                prop_oneof![
                    Just("acme_".to_owned()),
                    Just("a".to_owned()),
                    Just("ключ".to_owned()),
                    Just("k".repeat(300)),
                    "[a-z_]{0,8}",
                ],
                0..4,
            )
        }
    }

    proptest::proptest! {
        #[test]
        fn any_gitleaks_configuration_translates_to_one_that_loads_or_is_refused(
            rules in proptest::collection::vec(
                (
                    gitleaks_pieces::id(),
                    proptest::option::of(gitleaks_pieces::regex()),
                    0i64..4,
                    gitleaks_pieces::words(),
                    proptest::option::of(-1.0f64..9.0),
                    proptest::option::of(gitleaks_pieces::regex()),
                    gitleaks_pieces::words(),
                ),
                0..5,
            ),
            use_default in proptest::bool::ANY,
            target in gitleaks_pieces::id(),
            condition in proptest::sample::select(vec!["AND", "or", "xor", ""]),
            regex_target in proptest::sample::select(vec!["secret", "match", "line", "all", ""]),
        ) {
            let quoted = |text: &str| toml::Value::String(text.to_owned()).to_string();
            let list = |items: &[String]| {
                toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect())
                    .to_string()
            };
            let mut text = format!("[extend]\nuseDefault = {use_default}\n");
            for (id, regex, group, keywords, entropy, path, stopwords) in &rules {
                text.push_str(&format!("[[rules]]\nid = {}\nsecretGroup = {group}\nkeywords = {}\n", quoted(id), list(keywords)));
                if let Some(regex) = regex {
                    text.push_str(&format!("regex = {}\n", quoted(regex)));
                }
                if let Some(entropy) = entropy {
                    text.push_str(&format!("entropy = {entropy:?}\n"));
                }
                if let Some(path) = path {
                    text.push_str(&format!("path = {}\n", quoted(path)));
                }
                text.push_str(&format!(
                    "[[rules.allowlists]]\ncondition = {}\nregexTarget = {}\nregexes = {}\nstopwords = {}\n",
                    quoted(condition), quoted(regex_target), list(&[r"ex(a)mple".to_owned()]), list(stopwords)
                ));
            }
            text.push_str(&format!("[[allowlists]]\ntargetRules = {}\npaths = [\"^tests/\"]\n", list(&[target])));
            let path = Path::new("/repo/.gitleaks.toml");
            match load_gitleaks(&text, path, Source::Given) {
                Ok(config) => {
                    let mut options = RuleOptions::builtin_only();
                    options.texts = config.rule_texts.clone();
                    let rules = load_rule_set(&options);
                    proptest::prop_assert!(rules.is_ok(), "{:?}\n{text}", rules.err());
                    let rules = rules.unwrap();
                    let known: Vec<&str> = rules.rules().iter().map(|rule| rule.id.as_str()).collect();
                    let unknown = config.unknown_rule_ids(&known);
                    proptest::prop_assert!(unknown.is_empty(), "{unknown:?}\n{text}");
                }
                Err(Error::Config(problems)) => {
                    // Refused as gitleaks itself would refuse it: never a line of the
                    // translation, which the user never wrote.
                    for problem in problems {
                        proptest::prop_assert!(problem.line.is_none(), "{problem}\n{text}");
                    }
                }
                Err(other) => proptest::prop_assert!(false, "{other}"),
            }
        }
    }

    #[test]
    fn an_allowlists_entry_needs_a_criterion_and_valid_patterns() {
        let empty = load_text("[[allowlists]]\nrules = [\"github-pat\"]\n").unwrap_err();
        assert!(
            empty.message.contains("would allow nothing"),
            "{}",
            empty.message
        );
        assert_eq!(empty.line, Some(2));
        let bad = load_text("[[allowlists]]\npath_patterns = [\"(\"]\n").unwrap_err();
        assert!(
            bad.message
                .starts_with("allowlists.path_patterns: invalid regex"),
            "{}",
            bad.message
        );
        let condition = load_text("[[allowlists]]\ncondition = \"xor\"\nstopwords = [\"a\"]\n");
        assert!(condition.is_err());
    }

    #[test]
    fn a_full_configuration_loads() {
        let config = load_text(
            "[rules]\ndisable = [\"generic-jwt\"]\nmin_severity = \"high\"\n\
             [allowlist]\npaths = [\"fixtures/\"]\nsecrets = [\"TEST$\"]\nstopwords = [\"Dummy\"]\n\
             [scan]\nmax_file_size = \"1MB\"\n",
        )
        .unwrap();
        assert_eq!(
            config.disable,
            vec![NamedRule {
                id: "generic-jwt".into(),
                line: 2
            }]
        );
        assert_eq!(config.min_severity, Some(Severity::High));
        assert_eq!(config.allowlist.stopwords, ["dummy"]);
        assert_eq!(config.max_file_size, Some(1_000_000));
        assert!(!config.runs_rule("generic-jwt") && config.runs_rule("github-pat"));
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let unknown =
            load_text("[rules]\nmin_severity = \"high\"\n\n[allowlist]\npath = [\"x\"]\n")
                .unwrap_err();
        assert_eq!(unknown.line, Some(5));
        assert!(
            unknown.to_string().starts_with(".keyscan.toml:5: "),
            "{unknown}"
        );
        assert!(unknown.message.contains("path"), "{unknown}");
        let severity = load_text("[rules]\nmin_severity = \"urgent\"\n").unwrap_err();
        assert_eq!(severity.line, Some(2));
        let regex =
            load_text("[allowlist]\nsecrets = [\n  \"ok\",\n  \"(unclosed\",\n]\n").unwrap_err();
        assert_eq!(regex.line, Some(4));
        assert!(
            regex.message.contains("allowlist.secrets: invalid regex"),
            "{regex}"
        );
        let size = load_text("[scan]\nmax_file_size = \"lots\"\n").unwrap_err();
        assert_eq!(
            (size.line, size.message.contains("scan.max_file_size")),
            (Some(2), true)
        );
    }

    #[test]
    fn unknown_rule_ids_are_reported_with_their_line() {
        let config = load_text("[rules]\ndisable = [\"github-pat\", \"no-such-rule\"]\n").unwrap();
        let errors = config.unknown_rule_ids(&["github-pat"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(2));
        assert!(errors[0].message.contains("`no-such-rule`"));
    }

    #[test]
    fn the_nearest_file_upward_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        assert!(find(&nested).is_none_or(|found| !found.starts_with(dir.path())));
        std::fs::write(dir.path().join(CONFIG_FILE), "").unwrap();
        assert_eq!(find(&nested), Some(dir.path().join(CONFIG_FILE)));
    }
}
