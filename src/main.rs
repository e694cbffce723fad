//! The `keyscan` command line: parse, build, dispatch.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use keyscan::engine::Engine;
use keyscan::progress::{Progress, ProgressLine};
use keyscan::report::{self, Format, ReportOptions};
use keyscan::rules::{RuleOptions, RuleSet, check_examples, load_rule_set};
use keyscan::scan::{self, Level, Outcome};
use keyscan::source::dir::DirOptions;
use keyscan::source::git::history::{HistoryOptions, Selection};
use keyscan::source::git::{self, Provenance, parse_date};

/// Exit code: the scan ran and found nothing.
const EXIT_CLEAN: u8 = 0;
/// Exit code: the scan found secrets.
const EXIT_FINDINGS: u8 = 1;
/// Exit code: bad input or an incomplete result.
const EXIT_ERROR: u8 = 2;

/// Find hard-coded credentials (API keys, tokens, private keys) in files.
#[derive(Parser)]
#[command(name = "keyscan", version, args_conflicts_with_subcommands = true)]
#[command(after_help = "Exit codes: 0 nothing found, 1 secrets found, 2 error or incomplete scan.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    scan: ScanArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and directories (the default when no subcommand is given).
    Scan(ScanArgs),
    /// Scan git history: every blob reachable from all refs, each once.
    Git(GitArgs),
    /// Scan what is staged for commit, reporting only secrets on added lines (pre-commit).
    Staged(StagedArgs),
    /// Install a git pre-commit hook that runs `keyscan staged`.
    InstallHook {
        /// Replace an existing pre-commit hook.
        #[arg(long)]
        force: bool,
    },
    /// List and check rules.
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List every rule: id, provider, severity, confidence and where it came from.
    List {
        /// Extra rule files or directories of *.toml rule files.
        #[arg(long = "rules", value_name = "PATH")]
        rules: Vec<PathBuf>,
    },
    /// Validate rule files and run their examples and counterexamples.
    Check {
        /// Rule files or directories of *.toml rule files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

#[derive(Args)]
struct ScanArgs {
    /// Files and directories to scan.
    #[arg(default_value = ".", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Scan everything: do not honour .gitignore, .ignore or .keyscanignore.
    #[arg(long)]
    no_ignore: bool,
    /// Follow symbolic links.
    #[arg(long)]
    follow_symlinks: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args)]
struct GitArgs {
    /// The repository (a working tree, a .git directory or a bare repository).
    #[arg(default_value = ".", value_name = "REPO")]
    repo: PathBuf,
    /// Scan only what is reachable from this branch, tag or commit.
    #[arg(long, value_name = "REF", conflicts_with = "range")]
    branch: Option<String>,
    /// Scan only the commits of a revision range, e.g. main..feature.
    #[arg(long, value_name = "A..B")]
    range: Option<String>,
    /// Scan only commits made on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    since: Option<i64>,
    /// Scan only the most recent N commits of the selection.
    #[arg(long, value_name = "N")]
    max_commits: Option<usize>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args)]
struct StagedArgs {
    /// Files to scan whole when they have no staged change (as `pre-commit run
    /// --all-files` passes them); staged changes are always scanned.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// Options shared by every scanning command: rules, limits and the report.
#[derive(Args)]
struct CommonArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print secrets in full. Without it every format shows them redacted.
    #[arg(long)]
    show_secrets: bool,
    /// Skip files larger than SIZE (bytes, or with a unit: 512KB, 100MB, 1GiB).
    #[arg(long, value_name = "SIZE", default_value = "100MB", value_parser = parse_size)]
    max_file_size: u64,
    /// Extra rule files or directories of *.toml rule files, added to the built-in rules.
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Also list informational notes (files not valid UTF-8, special files).
    #[arg(short, long)]
    verbose: bool,
    /// Describe every rule in SARIF output, not only the rules that fired.
    #[arg(long)]
    sarif_all_rules: bool,
    /// Show no progress line (it only ever appears on a terminal).
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Scan(args)) => run_scan(&args),
        None => run_scan(&cli.scan),
        Some(Command::Git(args)) => run_git(&args),
        Some(Command::Staged(args)) => run_staged(&args),
        Some(Command::InstallHook { force }) => install_hook(force),
        Some(Command::Rules(RulesCommand::List { rules })) => list_rules(&rules),
        Some(Command::Rules(RulesCommand::Check { files })) => check_rules(&files),
    };
    ExitCode::from(code)
}

/// Prints one error line and returns the error exit code.
fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("keyscan: error: {message}");
    EXIT_ERROR
}

fn load_rules(options: &RuleOptions) -> Result<RuleSet, u8> {
    load_rule_set(options).map_err(|problems| {
        for problem in &problems {
            eprintln!("keyscan: error: {problem}");
        }
        EXIT_ERROR
    })
}

fn run_scan(args: &ScanArgs) -> u8 {
    if let Some(missing) = args
        .paths
        .iter()
        .find(|path| std::fs::symlink_metadata(path).is_err())
    {
        return fail(format_args!(
            "{}: no such file or directory",
            missing.display()
        ));
    }
    let engine = match build_engine(&args.common) {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let options = DirOptions {
        max_file_size: args.common.max_file_size,
        no_ignore: args.no_ignore,
        follow_symlinks: args.follow_symlinks,
        threads: args.common.threads,
    };
    let outcome = scan::scan_dirs(&engine, &args.paths, &options);
    report(&args.common, &engine, &outcome, args.paths.clone(), None)
}

fn run_git(args: &GitArgs) -> u8 {
    let repo = match git::open(&args.repo) {
        Ok(repo) => repo,
        Err(err) => return fail(err),
    };
    let engine = match build_engine(&args.common) {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let selection = match (&args.branch, &args.range) {
        (Some(branch), _) => Selection::Revision(branch.clone()),
        (None, Some(range)) => Selection::Range(range.clone()),
        (None, None) => Selection::All,
    };
    let options = HistoryOptions {
        selection,
        since: args.since,
        max_commits: args.max_commits,
        max_file_size: args.common.max_file_size,
        threads: args.common.threads,
    };
    let progress = Arc::new(Progress::default());
    let shown = (io::stderr().is_terminal() && !args.common.quiet)
        .then(|| ProgressLine::start(Arc::clone(&progress)));
    let scanned = scan::scan_history(&engine, &repo, &options, &progress);
    drop(shown);
    match scanned {
        Ok(outcome) => {
            let provenance = git::provenance(&repo);
            report(
                &args.common,
                &engine,
                &outcome,
                vec![git::root(&repo)],
                Some(provenance),
            )
        }
        Err(err) => fail(err),
    }
}

fn run_staged(args: &StagedArgs) -> u8 {
    let repo = match git::open(Path::new(".")) {
        Ok(repo) => repo,
        Err(err) => return fail(err),
    };
    let engine = match build_engine(&args.common) {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    match scan::scan_staged(&engine, &repo, &args.files, args.common.max_file_size) {
        Ok(outcome) => {
            let code = report(
                &args.common,
                &engine,
                &outcome,
                vec![git::root(&repo)],
                None,
            );
            if code == EXIT_FINDINGS {
                eprintln!(
                    "keyscan: commit refused: the staged changes hold the secrets above. Remove \
                     them, `git add` the files again, and revoke any key that was ever pushed."
                );
            }
            code
        }
        Err(err) => fail(err),
    }
}

fn install_hook(force: bool) -> u8 {
    let repo = match git::open(Path::new(".")) {
        Ok(repo) => repo,
        Err(err) => return fail(err),
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

fn build_engine(common: &CommonArgs) -> Result<Engine, u8> {
    load_rules(&RuleOptions {
        builtin: true,
        paths: common.rules.clone(),
    })
    .map(Engine::new)
}

/// Prints warnings and errors to standard error, writes the report, and returns the
/// exit code.
fn report(
    common: &CommonArgs,
    engine: &Engine,
    outcome: &Outcome,
    roots: Vec<PathBuf>,
    provenance: Option<Provenance>,
) -> u8 {
    for note in outcome
        .notes
        .iter()
        .filter(|note| note.level >= Level::Warning)
    {
        let level = if note.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        eprintln!(
            "keyscan: {level}: {}: {}",
            note.path.display(),
            note.message
        );
    }
    let to_terminal = common.output.is_none() && io::stdout().is_terminal();
    let color = match common.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let options = ReportOptions {
        show_secrets: common.show_secrets,
        color,
        verbose: common.verbose,
        all_rules: common.sarif_all_rules,
        roots,
        provenance,
    };
    // A closed pipe (`keyscan | head`) is the reader's choice, not an error.
    if let Err(err) = write_report(common, engine, outcome, &options)
        && err.kind() != io::ErrorKind::BrokenPipe
    {
        let target = common
            .output
            .as_ref()
            .map_or("standard output".into(), |p| p.display().to_string());
        return fail(format_args!("cannot write the report to {target}: {err}"));
    }
    exit_code(outcome)
}

fn exit_code(outcome: &Outcome) -> u8 {
    if outcome.is_incomplete() {
        EXIT_ERROR
    } else if outcome.findings.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

fn write_report(
    common: &CommonArgs,
    engine: &Engine,
    outcome: &Outcome,
    options: &ReportOptions,
) -> io::Result<()> {
    let mut out: Box<dyn Write> = match &common.output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    report::write(common.format, &mut out, engine.rules(), outcome, options)?;
    out.flush()
}

fn list_rules(extra: &[PathBuf]) -> u8 {
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

fn check_rules(files: &[PathBuf]) -> u8 {
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
        eprintln!("keyscan: error: {problem}");
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

/// Parses `1234`, `512KB`, `100MB`, `1GiB` (decimal and binary units, case-insensitive).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 100MB"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown size unit {other:?}; use B, KB, MB, GB, KiB, MiB or GiB"
            ));
        }
    };
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("1234"), Ok(1234));
        assert_eq!(parse_size("512KB"), Ok(512_000));
        assert_eq!(parse_size("100mb"), Ok(100_000_000));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}
