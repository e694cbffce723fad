//! Resolving what a scanning command runs with: the configuration file, the rules it
//! enables, the limits, and the suppressions in force.

use std::path::{Path, PathBuf};

use keyscan::baseline::Baseline;
use keyscan::config::{self, Config};
use keyscan::engine::Engine;
use keyscan::rules::{RuleOptions, RuleSet, load_rule_set};
use keyscan::scan::Scanner;
use keyscan::source::Limits;
use keyscan::suppress::Suppressor;

use super::args::CommonArgs;
use super::{EXIT_ERROR, error, fail};

/// The size cap when neither the command line nor the configuration sets one.
const DEFAULT_MAX_FILE_SIZE: u64 = 100_000_000;

/// A scanning command's resolved inputs.
pub struct Setup {
    /// Engine and suppressions.
    pub scanner: Scanner,
    /// The configuration in force (empty when there is none).
    pub config: Config,
    /// Size cap and binary handling.
    pub limits: Limits,
}

/// Whether the baseline filters findings: not when a baseline is being written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum UseBaseline {
    Yes,
    No,
}

/// Resolves configuration (from `--config`, or the nearest `.keyscan.toml` at or above
/// `start`), rules and suppressions. Relative finding paths are relative to `base`.
/// Problems are printed, and the error is the exit code.
pub fn setup(
    common: &CommonArgs,
    start: &Path,
    base: &Path,
    baseline: UseBaseline,
) -> Result<Setup, u8> {
    let config = load_config(common, start)?;
    let mut rule_paths = common.rules.clone();
    rule_paths.extend(config.rule_paths.iter().cloned());
    let rules = load_rules(&RuleOptions {
        builtin: true,
        paths: rule_paths,
    })?;
    let known: Vec<&str> = rules.rules().iter().map(|rule| rule.id.as_str()).collect();
    let unknown = config.unknown_rule_ids(&known);
    if !unknown.is_empty() {
        for problem in &unknown {
            error(problem);
        }
        return Err(EXIT_ERROR);
    }
    let rules = rules.select(|rule| config.runs_rule(&rule.id));
    let suppressor = if common.no_suppress {
        None
    } else {
        let accepted = match (baseline, baseline_path(common, &config)) {
            (UseBaseline::Yes, Some(path)) => Baseline::load(&path).map_err(fail)?.fingerprints(),
            _ => Default::default(),
        };
        Some(Suppressor {
            allowlist: config.allowlist.clone(),
            min_severity: config.min_severity,
            baseline: accepted,
            base: base.to_path_buf(),
        })
    };
    let limits = Limits {
        max_file_size: common
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        scan_binaries: config.scan_binaries.unwrap_or(false),
    };
    Ok(Setup {
        scanner: Scanner {
            engine: Engine::new(rules),
            suppressor,
        },
        config,
        limits,
    })
}

/// The baseline file in force: `--baseline`, else the configuration's.
fn baseline_path(common: &CommonArgs, config: &Config) -> Option<PathBuf> {
    common.baseline.clone().or_else(|| config.baseline.clone())
}

fn load_config(common: &CommonArgs, start: &Path) -> Result<Config, u8> {
    if common.no_config {
        return Ok(Config::default());
    }
    match common.config.clone().or_else(|| config::find(start)) {
        Some(path) => config::load(&path).map_err(fail),
        None => Ok(Config::default()),
    }
}

/// Loads rules, printing every problem.
pub fn load_rules(options: &RuleOptions) -> Result<RuleSet, u8> {
    load_rule_set(options).map_err(|problems| {
        for problem in &problems {
            error(problem);
        }
        EXIT_ERROR
    })
}
