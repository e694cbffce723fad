//! The command line's shape: commands, arguments and their help.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use keyscan::config::parse_size;
use keyscan::report::Format;
use keyscan::rules::Severity;
use keyscan::shard::Shard;
use keyscan::source::git::parse_date;

/// Find hard-coded credentials (API keys, tokens, private keys) in files.
#[derive(Parser)]
#[command(name = "keyscan", version, args_conflicts_with_subcommands = true)]
#[command(after_help = "Exit codes: 0 nothing found, 1 secrets found, 2 error or incomplete scan.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Subcommand)]
pub enum Command {
    /// Scan files and directories (the default when no subcommand is given).
    Scan(ScanArgs),
    /// Scan git history: every blob reachable from all refs, each once.
    #[command(visible_alias = "history")]
    Git(GitArgs),
    /// Scan standard input as one file (the same as `keyscan -`).
    Stdin(StdinArgs),
    /// Scan what is staged for commit, reporting only secrets on added lines (pre-commit).
    Staged(StagedArgs),
    /// Record the current findings in a baseline file, so only new ones are reported.
    Baseline(Box<BaselineArgs>),
    /// Join reports into one: the parts of a scan split with --shard, or several scans.
    /// JSON reports join into JSON, SARIF into SARIF.
    Merge(MergeArgs),
    /// Install a git pre-commit hook that runs `keyscan staged`.
    InstallHook {
        /// Replace an existing pre-commit hook.
        #[arg(long)]
        force: bool,
    },
    /// Write a commented starting .keyscan.toml.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// List and check rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print a shell completion script: keyscan completions bash > /etc/bash_completion.d/keyscan
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): keyscan man > keyscan.1; man ./keyscan.1
    Man {
        /// A command's own page instead (keyscan-git(1), ...).
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Write .keyscan.toml in the current directory (never over an existing one).
    Init,
    /// Translate a gitleaks configuration into .keyscan.toml (and its rules into
    /// .keyscan-rules.toml) in the current directory, noting at the top of
    /// .keyscan.toml what keyscan does differently.
    ImportGitleaks {
        /// The gitleaks configuration.
        #[arg(value_name = "FILE", default_value = ".gitleaks.toml")]
        file: PathBuf,
        /// Replace .keyscan.toml and .keyscan-rules.toml if they exist.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
pub enum RulesCommand {
    /// List the rules a scan here would run: id, severity, confidence, provider and
    /// where each came from (the configuration's extra and disabled rules applied).
    List(ListArgs),
    /// Validate rule files and run their examples and counterexamples.
    Check {
        /// Rule files or directories of *.toml rule files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

#[derive(Args)]
pub struct ListArgs {
    /// Extra rule files or directories of *.toml rule files.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Configuration file (default: the nearest .keyscan.toml at or above the current
    /// directory).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration file: list the built-in rules and those of --rules.
    #[arg(long)]
    pub no_config: bool,
    /// How to list them.
    #[arg(short, long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
    /// Print a Markdown table (provider, id, name, severity, confidence), as
    /// docs/rule-list.md is made (the same as --format markdown).
    #[arg(long, conflicts_with = "format")]
    pub markdown: bool,
}

/// How `keyscan rules list` prints the rules.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns.
    Human,
    /// A JSON array of objects: id, name, provider, severity, confidence, keywords,
    /// references, source.
    Json,
    /// A Markdown table.
    Markdown,
}

#[derive(Args)]
pub struct ScanArgs {
    /// Files and directories to scan; `-` reads standard input. A named pipe or a
    /// device given here (`/dev/stdin`) is read as a stream too.
    #[arg(default_value = ".", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub walk: WalkArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// How directories are walked. Each switch overrides the configuration either way;
/// given twice, the last one wins.
#[derive(Args, Default)]
pub struct WalkArgs {
    /// Honour .gitignore, .ignore and .keyscanignore (the default; overrides
    /// `scan.ignore_files = false`).
    #[arg(long, overrides_with = "no_ignore_files")]
    pub ignore_files: bool,
    /// Scan everything: do not honour .gitignore, .ignore or .keyscanignore.
    #[arg(long, visible_alias = "no-ignore", overrides_with = "ignore_files")]
    pub no_ignore_files: bool,
    /// Follow symbolic links.
    #[arg(long, overrides_with = "no_follow_symlinks")]
    pub follow_symlinks: bool,
    /// Do not follow symbolic links (the default; overrides `scan.follow_symlinks = true`).
    #[arg(long, overrides_with = "follow_symlinks")]
    pub no_follow_symlinks: bool,
    /// The path shown for findings in standard input (a PATH of `-`).
    #[arg(long, value_name = "NAME", default_value = "stdin")]
    pub stdin_name: PathBuf,
}

#[derive(Args)]
pub struct GitArgs {
    /// The repositories (working trees, .git directories or bare repositories); the
    /// current one when none is given. With several, each is scanned as it would be
    /// alone, and one report names each finding's repository and sums each up.
    #[arg(value_name = "REPO")]
    pub repos: Vec<PathBuf>,
    /// Also scan the repositories listed in FILE, one path per line (`-` for standard
    /// input); blank lines and lines starting with `#` are skipped.
    #[arg(long, value_name = "FILE")]
    pub repos_from: Option<PathBuf>,
    /// Scan only what is reachable from this branch, tag or commit.
    #[arg(long, value_name = "REF", conflicts_with = "range")]
    pub branch: Option<String>,
    /// Scan only the commits of a revision range as git reads it: main..feature (what
    /// feature adds), main.. (what HEAD adds), main...feature (what either has and not
    /// both), or one revision (all it reaches).
    #[arg(long, value_name = "A..B")]
    pub range: Option<String>,
    /// Scan only commits made on or after this date: 2024-05-01, 2024-05-01T12:00+02:00,
    /// @SECONDS, "2 weeks ago", yesterday.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<i64>,
    /// Scan only commits made on or before this date (the same forms as --since).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<i64>,
    /// Scan only the most recent N commits of the selection.
    #[arg(long, value_name = "N")]
    pub max_commits: Option<usize>,
    /// Also scan commits that only reflogs reach: amended, reset or dropped work and
    /// older stash entries. Reflogs are local to a clone and expire (90 days by default).
    #[arg(long, conflicts_with_all = ["branch", "range"])]
    pub reflog: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args)]
pub struct StdinArgs {
    /// The path shown for findings.
    #[arg(long, value_name = "NAME", default_value = "stdin")]
    pub stdin_name: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args)]
pub struct StagedArgs {
    /// Files to consider (as the pre-commit framework passes them): staged ones by the
    /// lines they add, others whole. Without files, every staged change.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BaselineArgs {
    #[command(subcommand)]
    pub git: Option<BaselineGit>,
    /// Keep only the entries of the existing baseline that still match a finding.
    #[arg(long)]
    pub prune: bool,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Subcommand)]
pub enum BaselineGit {
    /// Record the findings of a git history scan.
    Git {
        /// Keep only the entries of the existing baseline that still match a finding.
        #[arg(long)]
        prune: bool,
        #[command(flatten)]
        args: GitArgs,
    },
}

/// `keyscan merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// The reports: all JSON (-f json) or all SARIF (-f sarif). The exit code is a
    /// scan's over the whole: 1 with findings, 2 if a report was incomplete or a part
    /// of a split scan is missing.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Output format: the reports' own by default; `human` for either, `jsonl` for
    /// JSON reports.
    #[arg(short, long, value_parser = format_parser())]
    pub format: Option<Format>,
    /// Write the joined report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options shared by every scanning command: configuration, rules, limits, report.
#[derive(Args)]
pub struct CommonArgs {
    /// Output format.
    #[arg(short, long, default_value = "human", value_parser = format_parser())]
    pub format: Format,
    /// Write the report (for `baseline`: the baseline) to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print secrets in full. Without it every format shows them redacted.
    #[arg(long)]
    pub show_secrets: bool,
    /// Configuration file (default: the nearest .keyscan.toml at or above the scanned path).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration file, neither the nearest .keyscan.toml nor your own
    /// (~/.config/keyscan/config.toml).
    #[arg(long)]
    pub no_config: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Report only findings at or above this severity (overrides `rules.min_severity`).
    #[arg(long, value_name = "LEVEL", value_parser = severity_parser())]
    pub min_severity: Option<Severity>,
    /// Exit with 1 only for findings at or above this severity; lower ones are still
    /// reported, with exit code 0 (overrides `rules.fail_on`; default: any finding).
    #[arg(long, value_name = "LEVEL", value_parser = severity_parser())]
    pub fail_on: Option<Severity>,
    /// Report everything: ignore inline allow markers, allowlists, the minimum severity
    /// and the baseline.
    #[arg(long)]
    pub no_suppress: bool,
    /// Ask each finding's provider whether its secret still works: this sends the
    /// secret to the provider's API (README: "Verifying findings"). Off by default;
    /// refused by `keyscan staged`.
    #[arg(long, overrides_with = "no_verify")]
    pub verify: bool,
    /// Do not verify (overrides `scan.verify = true` in a configuration given with
    /// --config).
    #[arg(long, overrides_with = "verify")]
    pub no_verify: bool,
    /// Report only findings whose provider accepted the secret (implies --verify); one
    /// whose check failed is named in an error and the exit code is 2.
    #[arg(long)]
    pub only_live: bool,
    /// Longest wait, in seconds, for one provider's answer with --verify; what is not
    /// answered in time is an error, not a verdict.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub verify_timeout: u64,
    /// Skip files larger than SIZE (bytes, or with a unit: 512KB, 100MB, 1GiB).
    /// Default: the configuration's, else 100MB.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Scan files that look binary (NULs and other non-text bytes in the first KiB)
    /// instead of skipping them.
    #[arg(long, overrides_with = "no_scan_binaries")]
    pub scan_binaries: bool,
    /// Skip files that look binary (the default; overrides `scan.scan_binaries = true`).
    #[arg(long, overrides_with = "scan_binaries")]
    pub no_scan_binaries: bool,
    /// Expand archives (zip, jar, tar, gzip) and scan their members (the default;
    /// overrides `scan.archives = false`).
    #[arg(long, overrides_with = "no_archives")]
    pub archives: bool,
    /// Do not expand archives; they are skipped as binary files.
    #[arg(long, overrides_with = "archives")]
    pub no_archives: bool,
    /// Scan what decodes from a file too: UTF-16 text, base64 configuration values,
    /// escaped JSON strings (the default; overrides `scan.decode = false`).
    #[arg(long, overrides_with = "no_decode")]
    pub decode: bool,
    /// Scan files only as they are, decoding nothing.
    #[arg(long, overrides_with = "decode")]
    pub no_decode: bool,
    /// Extra rule files or directories of *.toml rule files, added to the built-in rules.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Worker threads [default: one per CPU core].
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    pub threads: usize,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also list informational notes (files not valid UTF-8, special files).
    #[arg(short, long)]
    pub verbose: bool,
    /// Describe every rule in SARIF output, not only the rules that fired.
    #[arg(long)]
    pub sarif_all_rules: bool,
    /// Print nothing but errors: no findings on the terminal, no summary, no warnings;
    /// the exit code says what was found. A report written with -o, or in a machine
    /// format, is still written. (The progress line only ever appears on a terminal.)
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub shard: ShardArgs,
}

/// Splitting a directory or history scan over several machines (a CI matrix, a
/// Kubernetes Indexed Job), each run scanning one part.
#[derive(Args, Default)]
pub struct ShardArgs {
    /// Scan only the K-th of N disjoint parts (K from 1): the files of the directories
    /// whose path hashes to it, and for history also every commit message in part 1.
    /// The N runs together scan everything once; each report says which part it is.
    #[arg(long, value_name = "K/N", conflicts_with = "shard_count")]
    pub shard: Option<Shard>,
    /// Split into N parts, taking this run's part from the environment:
    /// JOB_COMPLETION_INDEX (Kubernetes Indexed Job, from 0) or CI_NODE_INDEX (GitLab
    /// `parallel:`, from 1).
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u32>,
}

impl ShardArgs {
    /// Whether the command line asks for a part of the scan.
    pub fn is_given(&self) -> bool {
        self.shard.is_some() || self.shard_count.is_some()
    }
}

/// When to colour human output.
#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// A pair of switches as one setting: `Some(true)` for `--x`, `Some(false)` for
/// `--no-x`, `None` when neither was given (clap keeps only the last of the two).
pub fn switch(on: bool, off: bool) -> Option<bool> {
    match (on, off) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// `--min-severity`, `--fail-on`: the severities by the names rule files give them.
fn severity_parser() -> impl TypedValueParser<Value = Severity> {
    let values = Severity::ALL.map(|severity| PossibleValue::new(severity.as_str()));
    PossibleValuesParser::new(values).map(|name| {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.as_str() == name)
            .expect("only listed names parse")
    })
}

/// `--format`: the names the report module gives its formats.
fn format_parser() -> impl TypedValueParser<Value = Format> {
    let values =
        Format::ALL.map(|format| PossibleValue::new(format.name()).help(format.description()));
    PossibleValuesParser::new(values).try_map(|name| name.parse::<Format>())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use keyscan::config::TEMPLATE;

    use super::*;

    /// The keys of the configuration template's `[scan]` table, each with whether its
    /// value is a switch (`true`/`false`).
    fn scan_keys() -> Vec<(String, bool)> {
        TEMPLATE
            .lines()
            .skip_while(|line| *line != "[scan]")
            .skip(1)
            .take_while(|line| !line.starts_with('['))
            .filter_map(|line| line.strip_prefix("# ")?.split_once(" = "))
            .map(|(key, value)| (key.to_owned(), matches!(value, "true" | "false")))
            .collect()
    }

    #[test]
    fn every_scan_setting_of_the_configuration_has_a_flag_for_each_way() {
        let keys = scan_keys();
        assert_eq!(keys.len(), 7, "{keys:?}");
        let command = Cli::command();
        let scan = command.find_subcommand("scan").expect("a scan command");
        let longs: Vec<&str> = scan
            .get_arguments()
            .filter_map(|arg| arg.get_long())
            .collect();
        for (key, switch) in keys {
            let flag = key.replace('_', "-");
            assert!(longs.contains(&flag.as_str()), "no --{flag}: {longs:?}");
            let negated = format!("no-{flag}");
            assert!(
                !switch || longs.contains(&negated.as_str()),
                "no --{negated}"
            );
        }
    }

    #[test]
    fn a_switch_given_both_ways_keeps_the_last() {
        let parse = |args: &[&str]| {
            let cli = Cli::try_parse_from(args).expect("arguments parse");
            switch(
                cli.scan.walk.follow_symlinks,
                cli.scan.walk.no_follow_symlinks,
            )
        };
        assert_eq!(parse(&["keyscan"]), None);
        assert_eq!(parse(&["keyscan", "--follow-symlinks"]), Some(true));
        assert_eq!(
            parse(&["keyscan", "--follow-symlinks", "--no-follow-symlinks"]),
            Some(false)
        );
        assert_eq!(
            parse(&["keyscan", "--no-follow-symlinks", "--follow-symlinks"]),
            Some(true)
        );
    }
}
