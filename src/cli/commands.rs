//! What each command does. Every scanning command resolves its settings, runs the one
//! pipeline over its source and reports through [`output::report`]; every failure is
//! returned, and `main` prints it.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use keyscan::Error;
use keyscan::config::{self, CONFIG_FILE, TEMPLATE};
use keyscan::engine::{Engine, check_examples};
use keyscan::error::FileProblem;
use keyscan::filter::baseline::{self, Baseline};
use keyscan::finding::Liveness;
use keyscan::merge;
use keyscan::outcome::{Level, Mechanism, Note, Outcome};
use keyscan::pipeline::{self, Source};
use keyscan::report::Format;
use keyscan::rules::Rule;
use keyscan::rules::RuleOptions;
use keyscan::source::git;
use keyscan::source::git::history::{HistoryScope, Selection};
use keyscan::source::stream::STDIN;
use keyscan::sweep::Sweep;
use keyscan::text::{counted, printable};

use super::Status;
use super::args::{
    BaselineArgs, BaselineGit, Cli, Command, CommonArgs, ConfigCommand, GitArgs, ListArgs,
    ListFormat, MergeArgs, RulesCommand, ScanArgs, StagedArgs, WalkArgs,
};
use super::output::{self, print_notes};
use super::progress::ProgressLine;
use super::settings::{
    Settings, UseBaseline, Verifying, load_config, load_rules, report_settings, resolve,
    rules_in_force,
};

/// Runs the command `cli` names.
pub fn run(cli: Cli) -> Result<Status, Error> {
    match cli.command {
        None => scan(&cli.scan),
        Some(Command::Scan(args)) => scan(&args),
        Some(Command::Git(args)) => scan_git(&args),
        Some(Command::Stdin(args)) => whole_only(&args.common, "stdin").and_then(|()| {
            scan(&ScanArgs {
                paths: vec![PathBuf::from(STDIN)],
                walk: WalkArgs {
                    stdin_name: args.stdin_name,
                    ..WalkArgs::default()
                },
                common: args.common,
            })
        }),
        Some(Command::Staged(args)) => whole_only(&args.common, "staged")
            .and_then(|()| offline(&args.common, "staged"))
            .and_then(|()| staged(&args)),
        Some(Command::Baseline(args)) => baseline(&args),
        Some(Command::Merge(args)) => merge(&args),
        Some(Command::InstallHook { force }) => install_hook(force),
        Some(Command::Config(ConfigCommand::Init)) => config_init(),
        Some(Command::Config(ConfigCommand::ImportGitleaks { file, force })) => {
            import_gitleaks(&file, force)
        }
        Some(Command::Rules(RulesCommand::List(args))) => list_rules(&args),
        Some(Command::Rules(RulesCommand::Check { files })) => check_rules(&files),
        Some(Command::Completions { shell }) => completions(shell),
        Some(Command::Man { command }) => man_page(command.as_deref()),
    }
}

/// `keyscan completions SHELL`: the script, made from the same definitions as the parser.
fn completions(shell: clap_complete::Shell) -> Result<Status, Error> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "keyscan", &mut script);
    write_stdout(&script)
}

/// `keyscan man [COMMAND]`: the manual page in roff, made from the same definitions as
/// the parser; with a command, that command's page (`keyscan-git`).
fn man_page(command: Option<&str>) -> Result<Status, Error> {
    let cli = Cli::command();
    let page_of = match command {
        None => cli,
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                let names: Vec<&str> = cli.get_subcommands().map(|sub| sub.get_name()).collect();
                return Err(Error::Usage(format!(
                    "no command `{}`; the commands are {}",
                    printable(name),
                    names.join(", ")
                )));
            };
            sub.clone()
                .name(format!("keyscan-{}", sub.get_name()))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(page_of)
        .render(&mut page)
        .map_err(|source| Error::Io {
            action: "cannot render the manual page to",
            path: None,
            source,
        })?;
    write_stdout(&page)
}

/// Writes `bytes` to standard output; a reader that stops early (`| head`) is its
/// choice, not an error.
fn write_stdout(bytes: &[u8]) -> Result<Status, Error> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(source) if source.kind() != io::ErrorKind::BrokenPipe => Err(Error::Io {
            action: "cannot write",
            path: None,
            source,
        }),
        _ => Ok(Status::Clean),
    }
}

/// A finished scan and the settings it ran with.
struct Scanned {
    settings: Settings,
    outcome: Outcome,
}

impl Scanned {
    /// Resolves settings for `source` and scans it. The configuration is looked for
    /// from `start`; finding paths are relative to `base`.
    fn run(
        source: &Source,
        common: &CommonArgs,
        walk: &WalkArgs,
        start: &Path,
        base: &Path,
        baseline: UseBaseline,
    ) -> Result<Scanned, Error> {
        let settings = resolve(common, walk, start, base, baseline)?;
        let line = settings
            .report
            .progress_line
            .then(|| ProgressLine::start(settings.scan.progress.clone()));
        let outcome = pipeline::scan(source, &settings.scan);
        drop(line);
        let mut outcome = outcome?;
        // A commit never waits on the network, whatever a configuration says.
        if let Some(verifying) = settings
            .verify
            .as_ref()
            .filter(|_| !matches!(source, Source::Staged { .. }))
        {
            if settings.report.progress_line && !outcome.findings.is_empty() {
                eprintln!(
                    "keyscan: asking the providers about {}…",
                    counted(outcome.findings.len() as u64, "finding", "findings")
                );
            }
            verified(&mut outcome, settings.scan.engine.rules(), verifying);
        }
        if let Some(path) = &settings.legacy_baseline {
            outcome.notes.push(Note {
                level: Level::Warning,
                path: path.clone(),
                message: "a version 1 baseline: its fingerprints are unsalted hashes, which \
                          give weak secrets away; rewrite it with `keyscan baseline --prune \
                          -o` and this path (accepted findings stay accepted)"
                    .to_owned(),
            });
        }
        outcome.notes.extend(settings.warnings.iter().cloned());
        Ok(Scanned { outcome, settings })
    }

    /// Reports the outcome the way every command does.
    fn report(&self) -> Result<Status, Error> {
        output::report(
            &self.settings.report,
            self.settings.scan.engine.rules(),
            &self.outcome,
        )
    }
}

/// Verifies `outcome`'s findings with their providers, and with `--only-live` keeps
/// only the live ones (the others counted as suppressed, `not-live`).
fn verified(outcome: &mut Outcome, rules: &[Rule], verifying: &Verifying) {
    keyscan::verify::verify(&mut outcome.findings, rules, &verifying.options);
    if verifying.only_live {
        let before = outcome.findings.len();
        outcome.findings.retain(|finding| {
            finding
                .verification
                .as_ref()
                .is_some_and(|verification| verification.liveness == Liveness::Live)
        });
        let dropped = (before - outcome.findings.len()) as u64;
        if dropped > 0 {
            *outcome.suppressed.entry(Mechanism::NotLive).or_default() += dropped;
        }
    }
}

/// `keyscan [scan] PATH...`
fn scan(args: &ScanArgs) -> Result<Status, Error> {
    scan_tree(args, UseBaseline::Yes)?.report()
}

/// `keyscan git [REPO...] [--repos-from FILE]`
fn scan_git(args: &GitArgs) -> Result<Status, Error> {
    let repos = repositories(args)?;
    match repos.as_slice() {
        [repo] if args.repos_from.is_none() => history(args, repo, UseBaseline::Yes)?.report(),
        _ => sweep(args, repos),
    }
}

/// Largest list of repositories `--repos-from` reads.
const MAX_REPOSITORY_LIST: u64 = 16 << 20;

/// The repositories `keyscan git` scans: those named, then those `--repos-from` lists,
/// each once; the current one when there are none.
fn repositories(args: &GitArgs) -> Result<Vec<PathBuf>, Error> {
    let mut repos = args.repos.clone();
    if let Some(list) = &args.repos_from {
        let text = if list.as_os_str() == "-" {
            let mut text = String::new();
            io::stdin()
                .lock()
                .take(MAX_REPOSITORY_LIST + 1)
                .read_to_string(&mut text)
                .map_err(|err| Error::io("cannot read", list, err))?;
            if text.len() as u64 > MAX_REPOSITORY_LIST {
                return Err(Error::Usage(format!(
                    "the list of repositories on standard input is over {MAX_REPOSITORY_LIST} \
                     bytes; split it"
                )));
            }
            text
        } else {
            keyscan::files::read_text(list, MAX_REPOSITORY_LIST, None)
                .map_err(|err| Error::unreadable(list, err))?
        };
        let listed: Vec<PathBuf> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(PathBuf::from)
            .collect();
        if listed.is_empty() {
            return Err(Error::Usage(format!(
                "{}: lists no repositories (one path per line)",
                list.display()
            )));
        }
        repos.extend(listed);
    } else if repos.is_empty() {
        repos.push(PathBuf::from("."));
    }
    // The same repository named twice (`a` and `./a/`) is scanned once.
    let mut seen = std::collections::HashSet::new();
    repos.retain(|repo| seen.insert(std::fs::canonicalize(repo).unwrap_or_else(|_| repo.clone())));
    Ok(repos)
}

/// `keyscan git REPO REPO...`: each repository scanned as it would be alone, with its
/// own configuration, one after another; one report over all. A repository that
/// cannot be opened or scanned is reported and the rest still are; the result is then
/// incomplete. A usage error is the same for every repository and stops the run.
fn sweep(args: &GitArgs, repos: Vec<PathBuf>) -> Result<Status, Error> {
    let mut sweep = Sweep::new();
    let mut fail_on = Vec::with_capacity(repos.len());
    let report = report_settings(&args.common, None);
    let total = repos.len();
    for (at, repo) in repos.into_iter().enumerate() {
        if report.progress_line {
            eprintln!(
                "keyscan: repository {} of {total}: {}",
                at + 1,
                printable(&repo.to_string_lossy())
            );
        }
        match history(args, &repo, UseBaseline::Yes) {
            Ok(scanned) => {
                fail_on.push(scanned.settings.report.fail_on);
                sweep.add(repo, scanned.settings.scan.engine.rules(), scanned.outcome);
            }
            Err(err @ Error::Usage(_)) => return Err(err),
            Err(err) => {
                fail_on.push(None);
                // The repository's path is the note's own; the error need not repeat it.
                let reason = err.to_string();
                let named = format!("{}: ", repo.display());
                let reason = reason.strip_prefix(&named).unwrap_or(&reason).to_owned();
                sweep.add_failed(repo, reason);
            }
        }
    }
    let (rules, outcome) = sweep.finish();
    output::report_judged(&report, &rules, &outcome, |finding| {
        finding.repository.and_then(|index| fail_on[index])
    })
}

fn scan_tree(args: &ScanArgs, baseline: UseBaseline) -> Result<Scanned, Error> {
    let stdin = |path: &PathBuf| path.as_os_str() == STDIN;
    if let Some(missing) = args
        .paths
        .iter()
        .find(|path| !stdin(path) && std::fs::symlink_metadata(path).is_err())
    {
        return Err(match command_like(missing) {
            Some(command) => Error::Usage(format!(
                "{}: no such file or directory, nor a command; did you mean `keyscan {command}`?",
                missing.display()
            )),
            None => Error::NotFound(missing.clone()),
        });
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let source = Source::Paths(args.paths.clone());
    // Standard input has no place of its own: its configuration is the working
    // directory's.
    let start = args.paths.iter().find(|path| !stdin(path)).unwrap_or(&cwd);
    Scanned::run(&source, &args.common, &args.walk, start, &cwd, baseline)
}

/// The command (or alias) `path` reads like a misspelling of, when it is a bare name
/// one or two edits away from one, and no more than a third of it (`hisotry`, `gti`).
fn command_like(path: &Path) -> Option<String> {
    let name = path.to_str().filter(|name| !name.contains(['/', '.']))?;
    let cli = Cli::command();
    let names = cli
        .get_subcommands()
        .flat_map(|sub| std::iter::once(sub.get_name()).chain(sub.get_all_aliases()));
    names
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), candidate))
        .filter(|&(distance, candidate)| distance <= 2 && distance * 3 <= candidate.len())
        .min()
        .map(|(_, candidate)| candidate.to_owned())
}

/// Scans the history of `repo` as `args` say.
fn history(args: &GitArgs, repo: &Path, baseline: UseBaseline) -> Result<Scanned, Error> {
    let repo = git::open(repo)?;
    let root = git::root(&repo);
    let selection = match (&args.branch, &args.range) {
        (Some(branch), _) => Selection::Revision(branch.clone()),
        (None, Some(range)) => Selection::Range(range.clone()),
        (None, None) => Selection::All,
    };
    let scope = HistoryScope {
        selection,
        since: args.since,
        until: args.until,
        max_commits: args.max_commits,
        reflogs: args.reflog,
    };
    let source = Source::History { repo, scope };
    let walk = WalkArgs::default();
    Scanned::run(&source, &args.common, &walk, &root, &root, baseline)
}

/// `keyscan staged [FILE...]`
fn staged(args: &StagedArgs) -> Result<Status, Error> {
    let repo = inside_repository("staged")?;
    let root = git::root(&repo);
    let source = Source::Staged {
        repo,
        files: args.files.clone(),
    };
    let walk = WalkArgs::default();
    let scanned = Scanned::run(&source, &args.common, &walk, &root, &root, UseBaseline::Yes)?;
    let status = scanned.report()?;
    if status == Status::Findings {
        eprintln!(
            "keyscan: commit refused: the staged changes hold the secrets above. Remove \
             them, `git add` the files again, and revoke any key that was ever pushed. \
             A false positive: add `keyscan:allow` to its line."
        );
    }
    Ok(status)
}

/// The repository around the working directory, for a `command` that runs inside one.
fn inside_repository(command: &str) -> Result<git2::Repository, Error> {
    git::open(Path::new(".")).map_err(|err| {
        Error::Git(format!(
            "{err}; run `keyscan {command}` inside the repository"
        ))
    })
}

/// Largest report `keyscan merge` reads.
const MAX_REPORT: u64 = 1 << 30;

/// `keyscan merge REPORT... [-o FILE]`
fn merge(args: &MergeArgs) -> Result<Status, Error> {
    let mut reports = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        let text = keyscan::files::read_text(path, MAX_REPORT, None)
            .map_err(|err| Error::unreadable(path, err))?;
        let report: serde_json::Value = serde_json::from_str(&text).map_err(|err| {
            Error::Config(vec![FileProblem::new(
                path,
                Some(err.line()),
                "not a JSON or SARIF report".to_owned(),
            )])
        })?;
        reports.push(report);
    }
    let sarif = reports
        .iter()
        .filter(|report| report.get("runs").is_some())
        .count();
    let merged = match sarif {
        0 => merge::merge_json(&reports),
        n if n == reports.len() => merge::merge_sarif(&reports),
        _ => {
            return Err(Error::Usage(
                "the reports mix JSON and SARIF: merge reports of one format".to_owned(),
            ));
        }
    }
    .map_err(|err| Error::Usage(err.to_string()))?;
    let text = merged_text(&merged, args.format, sarif > 0)?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).map_err(|err| Error::io("cannot write", path, err))?
        }
        None => {
            write_stdout(text.as_bytes())?;
        }
    }
    for problem in &merged.problems {
        eprintln!("keyscan: error: {problem}");
    }
    Ok(if merged.incomplete {
        Status::Error
    } else if merged.findings > 0 {
        Status::Findings
    } else {
        Status::Clean
    })
}

/// The joined report in `format`: the reports' own (SARIF when `sarif`, else JSON)
/// when none is given. JSON does not become SARIF or back: neither holds all the other
/// says.
fn merged_text(
    merged: &merge::Merged,
    format: Option<Format>,
    sarif: bool,
) -> Result<String, Error> {
    let document = |value: &serde_json::Value| {
        serde_json::to_string_pretty(value)
            .map(|text| text + "\n")
            .map_err(|err| Error::Usage(format!("cannot write the joined report: {err}")))
    };
    match (format, sarif) {
        (None, _) | (Some(Format::Json), false) | (Some(Format::Sarif), true) => {
            document(&merged.report)
        }
        (Some(Format::Human), _) => Ok(merge::human(merged)),
        (Some(Format::Jsonl), false) => Ok(merged.report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|finding| finding.to_string() + "\n")
            .collect()),
        (Some(format), _) => Err(Error::Usage(format!(
            "the reports are {}: they merge into {} or human text, not {}",
            if sarif { "SARIF" } else { "JSON" },
            if sarif { "SARIF" } else { "JSON, JSON Lines" },
            format.name()
        ))),
    }
}

/// Refuses `--verify` and `--only-live` for `command`: a commit must not wait on the
/// network, and a baseline accepts findings whatever their provider says.
fn offline(common: &CommonArgs, command: &str) -> Result<(), Error> {
    if common.verify || common.only_live {
        let why = if command == "staged" {
            "a commit must not wait on the network; verify with `keyscan --verify` or \
             `keyscan git --verify` instead"
        } else {
            "a baseline accepts findings whatever their provider says"
        };
        return Err(Error::Usage(format!(
            "`keyscan {command}` does not verify findings: {why}"
        )));
    }
    Ok(())
}

/// Refuses `--shard` for `command`, which scans something whole: a part of it would
/// pass as all of it.
fn whole_only(common: &CommonArgs, command: &str) -> Result<(), Error> {
    if common.shard.is_given() {
        return Err(Error::Usage(format!(
            "`keyscan {command}` is not split into parts: --shard and --shard-count are for \
             directory and history scans"
        )));
    }
    Ok(())
}

/// `keyscan baseline [PATH... | git ...] [-o FILE] [--prune]`
fn baseline(args: &BaselineArgs) -> Result<Status, Error> {
    let common = match &args.git {
        Some(BaselineGit::Git { args, .. }) => &args.common,
        None => &args.scan.common,
    };
    whole_only(common, "baseline")?;
    offline(common, "baseline")?;
    let (scanned, output, prune) = match &args.git {
        Some(BaselineGit::Git { prune, args }) => {
            let repo = match repositories(args)?.as_slice() {
                [repo] if args.repos_from.is_none() => repo.clone(),
                _ => {
                    return Err(Error::Usage(
                        "a baseline is one repository's: give `keyscan baseline git` one"
                            .to_owned(),
                    ));
                }
            };
            (
                history(args, &repo, UseBaseline::No)?,
                &args.common.output,
                *prune,
            )
        }
        None => (
            scan_tree(&args.scan, UseBaseline::No)?,
            &args.scan.common.output,
            args.prune,
        ),
    };
    let outcome = &scanned.outcome;
    print_notes(outcome, scanned.settings.report.quiet);
    if outcome.is_incomplete() {
        return Err(Error::Incomplete {
            consequence: "the baseline was not written",
        });
    }
    let path = output
        .clone()
        .unwrap_or_else(|| PathBuf::from(baseline::DEFAULT_PATH));
    let rules = scanned.settings.scan.engine.rules();
    let salt = scanned.settings.scan.fingerprinter.salt();
    let (baseline, message) = if prune {
        let existing = Baseline::load(&path, None)?;
        let pruned = existing.pruned(&outcome.findings, rules, salt);
        let dropped = existing.len() - pruned.len();
        let message = format!(
            "kept {}, dropped {dropped} that no longer match",
            counted(pruned.len() as u64, "entry", "entries")
        );
        (pruned, message)
    } else {
        let current = Baseline::from_findings(&outcome.findings, rules, salt);
        let message = format!(
            "recorded {}",
            counted(current.len() as u64, "finding", "findings")
        );
        (current, message)
    };
    std::fs::write(&path, baseline.to_text())
        .map_err(|err| Error::io("cannot write", &path, err))?;
    println!("{}: {message}", path.display());
    Ok(Status::Clean)
}

/// `keyscan config init`
fn config_init() -> Result<Status, Error> {
    let path = Path::new(CONFIG_FILE);
    if path.exists() {
        return Err(Error::Exists {
            path: path.to_path_buf(),
            advice: None,
        });
    }
    std::fs::write(path, TEMPLATE).map_err(|err| Error::io("cannot write", path, err))?;
    println!("wrote {CONFIG_FILE}: every setting is commented out, uncomment what you need");
    Ok(Status::Clean)
}

/// Where `keyscan config import-gitleaks` writes the translated rules.
const IMPORTED_RULES_FILE: &str = ".keyscan-rules.toml";

/// `keyscan config import-gitleaks [FILE] [--force]`
fn import_gitleaks(file: &Path, force: bool) -> Result<Status, Error> {
    let text = keyscan::files::read_text(file, keyscan::files::MAX_CONFIG, None)
        .map_err(|err| Error::unreadable(file, err))?;
    let translation = config::translate_gitleaks(&text, file, Some(IMPORTED_RULES_FILE), None)?;
    let config = Path::new(CONFIG_FILE);
    let rules = Path::new(IMPORTED_RULES_FILE);
    let writes: Vec<(&Path, &str)> = std::iter::once((config, translation.config.as_str()))
        .chain(translation.rules.as_deref().map(|text| (rules, text)))
        .collect();
    if !force && let Some((path, _)) = writes.iter().find(|(path, _)| path.exists()) {
        return Err(Error::Exists {
            path: path.to_path_buf(),
            advice: Some("--force replaces it"),
        });
    }
    for (path, text) in &writes {
        std::fs::write(path, text).map_err(|err| Error::io("cannot write", path, err))?;
    }
    let rules_written = match translation.rule_ids.len() {
        0 => String::new(),
        n => format!(
            " and {IMPORTED_RULES_FILE} ({})",
            counted(n as u64, "rule", "rules")
        ),
    };
    println!("wrote {CONFIG_FILE}{rules_written} from {}", file.display());
    for difference in &translation.differences {
        eprintln!("keyscan: note: {difference}");
    }
    if !translation.differences.is_empty() {
        eprintln!("keyscan: these differences are listed at the top of {CONFIG_FILE} too");
    }
    Ok(Status::Clean)
}

/// `keyscan install-hook [--force]`
fn install_hook(force: bool) -> Result<Status, Error> {
    let repo = inside_repository("install-hook")?;
    let binary = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("keyscan"));
    let hook = keyscan::hook::install_pre_commit(&repo, &binary, force)?;
    println!(
        "installed {}: commits that add secrets will be refused",
        hook.display()
    );
    Ok(Status::Clean)
}

/// `keyscan rules list [--rules PATH] [--markdown]`
fn list_rules(args: &ListArgs) -> Result<Status, Error> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let config = load_config(args.config.as_deref(), args.no_config, &cwd)?;
    let rules = rules_in_force(&args.rules, &config)?;
    let format = if args.markdown {
        ListFormat::Markdown
    } else {
        args.format
    };
    if format == ListFormat::Json {
        let listed: Vec<serde_json::Value> = rules
            .rules()
            .iter()
            .map(|rule| {
                serde_json::json!({
                    "id": rule.id,
                    "name": rule.name,
                    "provider": rule.provider,
                    "severity": rule.severity.as_str(),
                    "confidence": rule.confidence.as_str(),
                    "keywords": rule.keywords,
                    "references": rule.references,
                    "source": rule.source.to_string(),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&listed).expect("JSON values serialize");
        return write_stdout(format!("{text}\n").as_bytes());
    }
    let markdown = format == ListFormat::Markdown;
    let lines: Vec<String> = if markdown {
        // A cell is printable text with no `|` to end it early.
        let cell = |text: &str| printable(text).replace('|', "\\|");
        let header = [
            "| provider | id | name | severity | confidence |".to_owned(),
            "| --- | --- | --- | --- | --- |".to_owned(),
        ];
        let rows = rules.rules().iter().map(|rule| {
            format!(
                "| {} | `{}` | {} | {} | {} |",
                cell(&rule.provider),
                cell(&rule.id),
                cell(&rule.name),
                rule.severity.as_str(),
                rule.confidence.as_str(),
            )
        });
        header.into_iter().chain(rows).collect()
    } else {
        let width = rules
            .rules()
            .iter()
            .map(|rule| rule.id.len())
            .max()
            .unwrap_or(0);
        rules
            .rules()
            .iter()
            .map(|rule| {
                format!(
                    "{:width$}  {:8}  {:6}  {}  ({})",
                    rule.id,
                    rule.severity.as_str(),
                    rule.confidence.as_str(),
                    printable(&rule.provider),
                    printable(&rule.source.to_string()),
                )
            })
            .collect()
    };
    let mut out = io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(Status::Clean)
}

/// `keyscan rules check FILE...`
fn check_rules(files: &[PathBuf]) -> Result<Status, Error> {
    let rules = load_rules(&RuleOptions {
        builtin: false,
        paths: files.to_vec(),
        repository: None,
        texts: Vec::new(),
    })?;
    let engine = Engine::new(rules);
    let problems = check_examples(&engine);
    if !problems.is_empty() {
        return Err(Error::Rules(problems));
    }
    let examples: usize = engine.rules().iter().map(|rule| rule.examples.len()).sum();
    let counter: usize = engine
        .rules()
        .iter()
        .map(|rule| rule.counterexamples.len())
        .sum();
    println!(
        "ok: {} rules, {examples} examples, {counter} counterexamples",
        engine.rules().len()
    );
    Ok(Status::Clean)
}
