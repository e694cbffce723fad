//! What each command does.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyscan::baseline::Baseline;
use keyscan::config::{CONFIG_FILE, TEMPLATE};
use keyscan::engine::Engine;
use keyscan::progress::{Progress, ProgressLine};
use keyscan::rules::{RuleOptions, check_examples};
use keyscan::scan::{self, Outcome};
use keyscan::source::dir::DirOptions;
use keyscan::source::git::history::{HistoryOptions, Selection};
use keyscan::source::git::{self, Provenance};

use super::args::{BaselineArgs, BaselineGit, GitArgs, ScanArgs, StagedArgs};
use super::output::{print_notes, report};
use super::setup::{Setup, UseBaseline, load_rules, setup};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, error, fail};

/// Where baselines go when `--output` is not given.
const DEFAULT_BASELINE: &str = ".keyscan-baseline.json";

/// A finished scan and what its report needs.
struct Scanned {
    setup: Setup,
    outcome: Outcome,
    roots: Vec<PathBuf>,
    provenance: Option<Provenance>,
}

impl Scanned {
    fn report(self, common: &super::args::CommonArgs) -> u8 {
        report(
            common,
            self.setup.scanner.engine.rules(),
            &self.outcome,
            self.roots,
            self.provenance,
        )
    }
}

/// `keyscan [scan] PATH...`
pub fn run_scan(args: &ScanArgs) -> u8 {
    scan_tree(args, UseBaseline::Yes)
        .map_or_else(|code| code, |scanned| scanned.report(&args.common))
}

/// `keyscan git [REPO]`
pub fn run_git(args: &GitArgs) -> u8 {
    scan_git(args, UseBaseline::Yes)
        .map_or_else(|code| code, |scanned| scanned.report(&args.common))
}

fn scan_tree(args: &ScanArgs, baseline: UseBaseline) -> Result<Scanned, u8> {
    if let Some(missing) = args
        .paths
        .iter()
        .find(|path| std::fs::symlink_metadata(path).is_err())
    {
        return Err(fail(format_args!(
            "{}: no such file or directory",
            missing.display()
        )));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let setup = setup(&args.common, &args.paths[0], &cwd, baseline)?;
    let options = DirOptions {
        limits: setup.limits,
        no_ignore: args.no_ignore || setup.config.ignore_files == Some(false),
        follow_symlinks: args.follow_symlinks || setup.config.follow_symlinks == Some(true),
        threads: args.common.threads,
    };
    let outcome = scan::scan_dirs(&setup.scanner, &args.paths, &options);
    Ok(Scanned {
        setup,
        outcome,
        roots: args.paths.clone(),
        provenance: None,
    })
}

fn scan_git(args: &GitArgs, baseline: UseBaseline) -> Result<Scanned, u8> {
    let repo = git::open(&args.repo).map_err(fail)?;
    let root = git::root(&repo);
    let setup = setup(&args.common, &root, &root, baseline)?;
    let selection = match (&args.branch, &args.range) {
        (Some(branch), _) => Selection::Revision(branch.clone()),
        (None, Some(range)) => Selection::Range(range.clone()),
        (None, None) => Selection::All,
    };
    let options = HistoryOptions {
        selection,
        since: args.since,
        max_commits: args.max_commits,
        limits: setup.limits,
        threads: args.common.threads,
    };
    let progress = Arc::new(Progress::default());
    let line = (io::stderr().is_terminal() && !args.common.quiet)
        .then(|| ProgressLine::start(Arc::clone(&progress)));
    let scanned = scan::scan_history(&setup.scanner, &repo, &options, &progress);
    drop(line);
    let outcome = scanned.map_err(fail)?;
    Ok(Scanned {
        setup,
        outcome,
        roots: vec![root],
        provenance: Some(git::provenance(&repo)),
    })
}

/// `keyscan staged [FILE...]`
pub fn run_staged(args: &StagedArgs) -> u8 {
    let repo = match git::open(Path::new(".")) {
        Ok(repo) => repo,
        Err(err) => {
            return fail(format_args!(
                "{err}; run `keyscan staged` inside the repository"
            ));
        }
    };
    let root = git::root(&repo);
    let setup = match setup(&args.common, &root, &root, UseBaseline::Yes) {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    match scan::scan_staged(&setup.scanner, &repo, &args.files, setup.limits) {
        Ok(outcome) => {
            let code = report(
                &args.common,
                setup.scanner.engine.rules(),
                &outcome,
                vec![root],
                None,
            );
            if code == EXIT_FINDINGS {
                eprintln!(
                    "keyscan: commit refused: the staged changes hold the secrets above. Remove \
                     them, `git add` the files again, and revoke any key that was ever pushed. \
                     A false positive: add `keyscan:allow` to its line."
                );
            }
            code
        }
        Err(err) => fail(err),
    }
}

/// `keyscan baseline [PATH... | git ...] [-o FILE] [--prune]`
pub fn run_baseline(args: &BaselineArgs) -> u8 {
    let (scanned, common, prune) = match &args.git {
        Some(BaselineGit::Git { prune, args }) => {
            (scan_git(args, UseBaseline::No), &args.common, *prune)
        }
        None => (
            scan_tree(&args.scan, UseBaseline::No),
            &args.scan.common,
            args.prune,
        ),
    };
    let scanned = match scanned {
        Ok(scanned) => scanned,
        Err(code) => return code,
    };
    print_notes(&scanned.outcome);
    if scanned.outcome.is_incomplete() {
        return fail("the scan is incomplete (see above); the baseline was not written");
    }
    let path = common
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BASELINE));
    let current = Baseline::from_findings(
        &scanned.outcome.findings,
        scanned.setup.scanner.engine.rules(),
    );
    let (baseline, message) = if prune {
        let existing = match Baseline::load(&path) {
            Ok(existing) => existing,
            Err(err) => return fail(err),
        };
        let pruned = existing.pruned(&scanned.outcome.findings);
        let dropped = existing.len() - pruned.len();
        let message = format!(
            "kept {} entries, dropped {dropped} that no longer match",
            pruned.len()
        );
        (pruned, message)
    } else {
        let message = format!("recorded {} findings", current.len());
        (current, message)
    };
    match std::fs::write(&path, baseline.to_text()) {
        Ok(()) => {
            println!("{}: {message}", path.display());
            EXIT_CLEAN
        }
        Err(err) => fail(format_args!("cannot write {}: {err}", path.display())),
    }
}

/// `keyscan config init`
pub fn config_init() -> u8 {
    let path = Path::new(CONFIG_FILE);
    if path.exists() {
        return fail(format_args!(
            "{CONFIG_FILE} already exists; keyscan did not touch it"
        ));
    }
    match std::fs::write(path, TEMPLATE) {
        Ok(()) => {
            println!(
                "wrote {CONFIG_FILE}: every setting is commented out, uncomment what you need"
            );
            EXIT_CLEAN
        }
        Err(err) => fail(format_args!("cannot write {CONFIG_FILE}: {err}")),
    }
}

/// `keyscan install-hook [--force]`
pub fn install_hook(force: bool) -> u8 {
    let repo = match git::open(Path::new(".")) {
        Ok(repo) => repo,
        Err(err) => {
            return fail(format_args!(
                "{err}; run `keyscan install-hook` inside the repository"
            ));
        }
    };
    let binary = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("keyscan"));
    match keyscan::hook::install_pre_commit(&repo, &binary, force) {
        Ok(hook) => {
            println!(
                "installed {}: commits that add secrets will be refused",
                hook.display()
            );
            EXIT_CLEAN
        }
        Err(err) => fail(err),
    }
}

/// `keyscan rules list [--rules PATH]`
pub fn list_rules(extra: &[PathBuf]) -> u8 {
    let rules = match load_rules(&RuleOptions {
        builtin: true,
        paths: extra.to_vec(),
    }) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let mut out = io::stdout().lock();
    let width = rules
        .rules()
        .iter()
        .map(|rule| rule.id.len())
        .max()
        .unwrap_or(0);
    for rule in rules.rules() {
        let line = format!(
            "{:width$}  {:8}  {:6}  {}  ({})",
            rule.id,
            rule.severity.as_str(),
            rule.confidence.as_str(),
            rule.provider,
            rule.source,
        );
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    EXIT_CLEAN
}

/// `keyscan rules check FILE...`
pub fn check_rules(files: &[PathBuf]) -> u8 {
    let rules = match load_rules(&RuleOptions {
        builtin: false,
        paths: files.to_vec(),
    }) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let engine = Engine::new(rules);
    let problems = check_examples(&engine);
    for problem in &problems {
        error(problem);
    }
    let examples: usize = engine.rules().iter().map(|rule| rule.examples.len()).sum();
    let counter: usize = engine
        .rules()
        .iter()
        .map(|rule| rule.counterexamples.len())
        .sum();
    if problems.is_empty() {
        println!(
            "ok: {} rules, {examples} examples, {counter} counterexamples",
            engine.rules().len()
        );
        EXIT_CLEAN
    } else {
        eprintln!("keyscan: {} problems in rule files", problems.len());
        EXIT_ERROR
    }
}
