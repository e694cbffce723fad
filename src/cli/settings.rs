//! A scanning command's settings, resolved in one place: each value from its flag if
//! given, else from the configuration file, else the default. Nothing after this
//! looks at a flag or the configuration again.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyscan::Error;
use keyscan::config::{self, Config};
use keyscan::engine::Engine;
use keyscan::files::Confinement;
use keyscan::filter::baseline::{self, Baseline};
use keyscan::filter::{Accepted, GITLEAKSIGNORE_FILE, GitleaksIgnore, Suppressor};
use keyscan::fingerprint::{DEFAULT_SALT, Fingerprinter, new_salt};
use keyscan::outcome::{Level, Note};
use keyscan::pipeline;
use keyscan::report::{Format, ReportOptions};
use keyscan::rules::{RepositoryRules, RuleOptions, RuleSet, Severity, load_rule_set};
use keyscan::shard::Shard;
use keyscan::source::Limits;
use keyscan::source::progress::Progress;
use keyscan::{files, gitleaks, user_config, verify};

use super::args::{ColorChoice, CommonArgs, ShardArgs, WalkArgs, switch};

/// The size cap when neither the command line nor the configuration sets one.
const DEFAULT_MAX_FILE_SIZE: u64 = 100_000_000;

/// Whether the baseline filters findings: not when a baseline is being written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum UseBaseline {
    Yes,
    No,
}

/// Everything a scanning command runs and reports with.
pub struct Settings {
    /// What the scan runs with.
    pub scan: pipeline::Settings,
    /// How the outcome is reported.
    pub report: Report,
    /// The baseline in force, when it is version 1 (unsalted fingerprints): still
    /// honoured, with a warning to rewrite it.
    pub legacy_baseline: Option<PathBuf>,
    /// Warnings about the settings themselves, for the report: what a gitleaks
    /// configuration or `.gitleaksignore` means that keyscan does not do.
    pub warnings: Vec<Note>,
    /// Whether findings are verified with their providers, and how.
    pub verify: Option<Verifying>,
}

/// Verification with the providers, when asked for.
pub struct Verifying {
    /// The limits it keeps to.
    pub options: verify::Options,
    /// `--only-live`: only findings the provider accepted are reported.
    pub only_live: bool,
}

/// How a scanning command reports.
pub struct Report {
    /// The format.
    pub format: Format,
    /// Where the report goes; `None` for standard output.
    pub output: Option<PathBuf>,
    /// Redaction, colour, verbosity and SARIF rule listing.
    pub options: ReportOptions,
    /// Whether a progress line is drawn on standard error.
    pub progress_line: bool,
    /// `--quiet`: no human report on standard output, no summary, no warnings; the
    /// exit code, errors, and any report written to a file or in a machine format.
    pub quiet: bool,
    /// Only findings at or above this severity make the exit code 1.
    pub fail_on: Option<Severity>,
}

/// The salt of a baseline about to be written: that of the baseline it replaces (at
/// `--output`, else the default path), else of the one in force, so that fingerprints
/// stay what they were; a new random one for a first baseline.
fn salt_to_write(
    common: &CommonArgs,
    in_force: Option<(&Path, Option<&Confinement>)>,
) -> Result<String, Error> {
    let output = common
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(baseline::DEFAULT_PATH));
    let existing = std::iter::once((output.as_path(), None))
        .chain(in_force)
        .find_map(|(path, within)| Some(Baseline::load(path, within).ok()?.salt()?.to_owned()));
    match existing {
        Some(salt) => Ok(salt),
        None => new_salt().map_err(|err| Error::io("cannot read", Path::new("/dev/urandom"), err)),
    }
}

/// Resolves a scanning command's settings. The configuration is `--config`, else the
/// nearest `.keyscan.toml` at or above `start`; relative finding paths are relative
/// to `base`, which allowlisted path globs are matched from. An `offline` scan never
/// verifies, whatever a configuration says.
pub fn resolve(
    common: &CommonArgs,
    walk: &WalkArgs,
    start: &Path,
    base: &Path,
    baseline: UseBaseline,
    offline: bool,
) -> Result<Settings, Error> {
    let config = load_config(common.config.as_deref(), common.no_config, start)?;
    let shard = shard_in_force(&common.shard, |name| std::env::var(name).ok())?;
    let rules = rules_in_force(&common.rules, &config)?;
    // A baseline from the command line is the user's; one the repository's
    // configuration names stays inside the repository.
    let in_force = match (&common.baseline, &config.baseline) {
        (Some(path), _) => Some((path.as_path(), None)),
        (None, Some(path)) => Some((path.as_path(), config.confinement.as_ref())),
        (None, None) => None,
    };
    let mut legacy_baseline = None;
    let (accepted, salt) = match baseline {
        UseBaseline::Yes => match in_force {
            Some((path, within)) => {
                let loaded = Baseline::load(path, within)?;
                if loaded.salt().is_none() {
                    legacy_baseline = Some(path.to_path_buf());
                }
                let salt = loaded.salt().unwrap_or(DEFAULT_SALT).to_owned();
                (loaded.accepted(), salt)
            }
            None => (Accepted::default(), DEFAULT_SALT.to_owned()),
        },
        UseBaseline::No => (Accepted::default(), salt_to_write(common, in_force)?),
    };
    let mut warnings = gitleaks_differences(&config);
    let verify = if offline {
        None
    } else {
        verifying(common, &config, &mut warnings)?
    };
    let gitleaks_ignore = load_gitleaksignore(&config, base, &rules, &mut warnings)?;
    let suppressor = (!common.no_suppress).then(|| Suppressor {
        allowlist: config.allowlist.clone(),
        min_severity: common.min_severity.or(config.min_severity),
        baseline: accepted,
        gitleaks_ignore,
        base: base.to_path_buf(),
    });
    let limits = Limits {
        max_file_size: common
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        scan_binaries: switch(common.scan_binaries, common.no_scan_binaries)
            .or(config.scan_binaries)
            .unwrap_or(false),
        archives: switch(common.archives, common.no_archives)
            .or(config.archives)
            .unwrap_or(true),
    };
    let scan = pipeline::Settings {
        engine: Engine::new(rules),
        suppressor,
        fingerprinter: Fingerprinter::new(&salt),
        limits,
        ignore_files: switch(walk.ignore_files, walk.no_ignore_files)
            .or(config.ignore_files)
            .unwrap_or(true),
        follow_symlinks: switch(walk.follow_symlinks, walk.no_follow_symlinks)
            .or(config.follow_symlinks)
            .unwrap_or(false),
        stdin_name: walk.stdin_name.clone(),
        decode: switch(common.decode, common.no_decode)
            .or(config.decode)
            .unwrap_or(true),
        threads: common.threads,
        shard,
        progress: Arc::new(Progress::default()),
    };
    let report = report_settings(common, config.fail_on);
    Ok(Settings {
        scan,
        report,
        legacy_baseline,
        warnings,
        verify,
    })
}

/// How a scanning command reports, from its flags; `fail_on` is the configuration's,
/// which `--fail-on` overrides.
pub fn report_settings(common: &CommonArgs, fail_on: Option<Severity>) -> Report {
    let to_terminal = common.output.is_none() && io::stdout().is_terminal();
    let color = match common.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    Report {
        format: common.format,
        output: common.output.clone(),
        options: ReportOptions {
            show_secrets: common.show_secrets,
            color,
            verbose: common.verbose,
            all_rules: common.sarif_all_rules,
        },
        progress_line: io::stderr().is_terminal() && !common.quiet,
        quiet: common.quiet,
        fail_on: common.fail_on.or(fail_on),
    }
}

/// Verification, if `--verify` or `--only-live` asks for it, or `verify = true` in a
/// configuration the user gave with `--config`, else in the user's own configuration
/// ([`user_config`]; not with `--no-config`). The scanned repository's own
/// configuration cannot turn it on (a warning says so when it tries): sending found
/// secrets over the network is the user's decision.
fn verifying(
    common: &CommonArgs,
    config: &Config,
    warnings: &mut Vec<Note>,
) -> Result<Option<Verifying>, Error> {
    let given = config.confinement.is_none();
    if config.verify == Some(true) && !given {
        warnings.push(Note {
            level: Level::Warning,
            path: config.path.clone().unwrap_or_default(),
            message: "`verify = true` is not honoured in a configuration found in the scanned \
                      tree; use --verify, give your own configuration with --config, or set \
                      it in ~/.config/keyscan/config.toml"
                .to_owned(),
        });
    }
    let preference = match config.verify.filter(|_| given) {
        Some(verify) => Some(verify),
        None if common.no_config => None,
        None => match user_config::path(|name| std::env::var(name).ok()) {
            Some(path) => user_config::load(&path)?.verify,
            None => None,
        },
    };
    let asked = common.only_live
        || switch(common.verify, common.no_verify)
            .or(preference)
            .unwrap_or(false);
    if !asked {
        return Ok(None);
    }
    let mut options =
        verify::Options::from_env(|name| std::env::var(name).ok()).map_err(Error::Usage)?;
    options.timeout = std::time::Duration::from_secs(common.verify_timeout);
    Ok(Some(Verifying {
        options,
        // `--no-suppress` reports everything, the keys that are not live too.
        only_live: common.only_live && !common.no_suppress,
    }))
}

/// The part of the scan this run is: `--shard K/N`, or with `--shard-count N` the
/// index an engine's environment (read through `var`) gives; the whole scan otherwise.
fn shard_in_force(args: &ShardArgs, var: impl Fn(&str) -> Option<String>) -> Result<Shard, Error> {
    let count = match (args.shard, args.shard_count) {
        (Some(shard), _) => return Ok(shard),
        (None, None) => return Ok(Shard::WHOLE),
        (None, Some(count)) => count,
    };
    let usage = |message: String| Error::Usage(format!("--shard-count {count}: {message}"));
    let number = |name: &str, value: String| {
        value
            .trim()
            .parse::<u32>()
            .map_err(|_| usage(format!("{name}={value:?} is not a number")))
    };
    let index = if let Some(value) = var("JOB_COMPLETION_INDEX") {
        number("JOB_COMPLETION_INDEX", value)?.saturating_add(1)
    } else if let Some(value) = var("CI_NODE_INDEX") {
        if let Some(total) = var("CI_NODE_TOTAL")
            && number("CI_NODE_TOTAL", total.clone())? != count
        {
            return Err(usage(format!(
                "CI_NODE_TOTAL is {total}: the job runs in {total} parts"
            )));
        }
        number("CI_NODE_INDEX", value)?
    } else {
        return Err(usage(
            "neither JOB_COMPLETION_INDEX (Kubernetes) nor CI_NODE_INDEX (GitLab) is set to \
             say which part this run is; give --shard K/N"
                .to_owned(),
        ));
    };
    Shard::new(index, count).map_err(|err| usage(err.to_string()))
}

/// What keyscan does differently with a gitleaks configuration in force, a warning
/// each (`keyscan config import-gitleaks` writes them into a `.keyscan.toml`).
fn gitleaks_differences(config: &Config) -> Vec<Note> {
    let path = config.path.clone().unwrap_or_default();
    config
        .differences
        .iter()
        .map(|difference| Note {
            level: Level::Warning,
            path: path.clone(),
            message: format!("gitleaks configuration: {difference}"),
        })
        .collect()
}

/// The `.gitleaksignore` beside the configuration, else in `base`, if there is one:
/// its entries mapped to the `rules` in force, with a warning for those that accept
/// nothing.
fn load_gitleaksignore(
    config: &Config,
    base: &Path,
    rules: &RuleSet,
    warnings: &mut Vec<Note>,
) -> Result<GitleaksIgnore, Error> {
    let beside_config = config.path.as_deref().and_then(Path::parent);
    let Some(path) = beside_config
        .into_iter()
        .chain([base])
        .map(|dir| dir.join(GITLEAKSIGNORE_FILE))
        .find(|path| path.is_file())
    else {
        return Ok(GitleaksIgnore::default());
    };
    let within = path
        .parent()
        .map(Confinement::new)
        .transpose()
        .map_err(|err| Error::io("cannot read", &path, err))?;
    let text = files::read_text(&path, files::MAX_CONFIG, within.as_ref())
        .map_err(|err| Error::unreadable(&path, err))?;
    let known: Vec<&str> = rules.rules().iter().map(|rule| rule.id.as_str()).collect();
    let ignore = GitleaksIgnore::parse(&text, |id| gitleaks::ids::keyscan_ids(id, &known));
    let mut warn = |count: usize, why: &str| {
        if count > 0 {
            warnings.push(Note {
                level: Level::Warning,
                path: path.clone(),
                message: format!("lines that {why}: {count}; they accept nothing"),
            });
        }
    };
    warn(
        ignore.unmapped,
        "name a rule keyscan has no counterpart of (`keyscan rules list` lists its rules)",
    );
    warn(
        ignore.malformed,
        "are not fingerprints (path:rule:line, or commit:path:rule:line for history)",
    );
    Ok(ignore)
}

/// The rules a scan runs: the built-in ones, the files of `--rules` and of `config`,
/// less those `config` disables (or not among those it enables).
pub fn rules_in_force(extra: &[PathBuf], config: &Config) -> Result<RuleSet, Error> {
    // The rule files of a configuration found in the scanned repository are read only
    // from inside it; those of one the user gave, like --rules, from anywhere.
    let mut rule_paths = extra.to_vec();
    let repository = match &config.confinement {
        Some(within) => Some(RepositoryRules {
            within: within.clone(),
            paths: config.rule_paths.clone(),
        }),
        None => {
            rule_paths.extend(config.rule_paths.iter().cloned());
            None
        }
    };
    let rules = load_rules(&RuleOptions {
        builtin: true,
        paths: rule_paths,
        repository,
        texts: config.rule_texts.clone(),
    })?;
    let known: Vec<&str> = rules.rules().iter().map(|rule| rule.id.as_str()).collect();
    let unknown = config.unknown_rule_ids(&known);
    if !unknown.is_empty() {
        return Err(Error::Config(unknown));
    }
    Ok(rules.select(|rule| config.runs_rule(&rule.id)))
}

/// The configuration in force: none with `--no-config`, the `--config` file, else the
/// nearest `.keyscan.toml` at or above `start`.
pub fn load_config(given: Option<&Path>, no_config: bool, start: &Path) -> Result<Config, Error> {
    if no_config {
        return Ok(Config::default());
    }
    if let Some(path) = given {
        return config::load(path, config::Source::Given);
    }
    match config::find(start) {
        Some(path) => config::load(&path, config::Source::Found),
        None => Ok(Config::default()),
    }
}

/// Loads rules: the built-in ones and those `options` names.
pub fn load_rules(options: &RuleOptions) -> Result<RuleSet, Error> {
    load_rule_set(options).map_err(Error::Rules)
}
