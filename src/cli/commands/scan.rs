//! Scanning files, standard input and staged changes: settings resolved, the pipeline
//! run, findings verified when asked, and the report written.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use keyscan::Error;
use keyscan::finding::Liveness;
use keyscan::outcome::{Level, Mechanism, Note, Outcome};
use keyscan::pipeline::{self, Source};
use keyscan::rules::Rule;
use keyscan::source::git;
use keyscan::source::stream::STDIN;
use keyscan::text::counted;

use super::inside_repository;
use crate::cli::Status;
use crate::cli::args::{Cli, CommonArgs, ScanArgs, StagedArgs, WalkArgs};
use crate::cli::output;
use crate::cli::progress::ProgressLine;
use crate::cli::settings::{Settings, UseBaseline, Verifying, resolve};

/// A finished scan and the settings it ran with.
pub(super) struct Scanned {
    pub(super) settings: Settings,
    pub(super) outcome: Outcome,
}

impl Scanned {
    /// Resolves settings for `source` and scans it. The configuration is looked for
    /// from `start`; finding paths are relative to `base`.
    pub(super) fn run(
        source: &Source,
        common: &CommonArgs,
        walk: &WalkArgs,
        start: &Path,
        base: &Path,
        baseline: UseBaseline,
    ) -> Result<Scanned, Error> {
        // A commit never waits on the network, and a baseline accepts findings whatever
        // their provider says: neither verifies, whatever a configuration says.
        let offline = matches!(source, Source::Staged { .. }) || baseline == UseBaseline::No;
        let settings = resolve(common, walk, start, base, baseline, offline)?;
        let line = settings
            .report
            .progress_line
            .then(|| ProgressLine::start(settings.scan.progress.clone()));
        let outcome = pipeline::scan(source, &settings.scan);
        drop(line);
        let mut outcome = outcome?;
        if let Some(verifying) = &settings.verify {
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
    pub(super) fn report(&self) -> Result<Status, Error> {
        output::report(
            &self.settings.report,
            self.settings.scan.engine.rules(),
            &self.outcome,
        )
    }
}

/// Verifies `outcome`'s findings with their providers, and with `--only-live` keeps
/// only the live ones: those the provider refused, or that have no verifier, are
/// counted as suppressed (`not-live`); one whose check failed (no network, a timeout)
/// may be live, so leaving it out makes the result incomplete, with a note at its path.
fn verified(outcome: &mut Outcome, rules: &[Rule], verifying: &Verifying) {
    keyscan::verify::verify(&mut outcome.findings, rules, &verifying.options);
    if !verifying.only_live {
        return;
    }
    let mut not_live = 0;
    let mut unchecked = Vec::new();
    outcome.findings.retain(|finding| {
        let Some(verification) = &finding.verification else {
            not_live += 1;
            return false;
        };
        match verification.liveness {
            Liveness::Live => return true,
            Liveness::Error => {
                let commit = finding
                    .origin
                    .commit()
                    .map(|commit| format!(" of commit {:.12}", commit.id))
                    .unwrap_or_default();
                unchecked.push(Note {
                    level: Level::Error,
                    path: finding.origin.path().to_path_buf(),
                    message: format!(
                        "line {}{commit}: the {} finding is left out by --only-live, though \
                         its check failed ({}): it may be live; scan again when its provider \
                         answers",
                        finding.start.line, rules[finding.rule].id, verification.detail
                    ),
                });
            }
            Liveness::Invalid | Liveness::Unknown => not_live += 1,
        }
        false
    });
    if not_live > 0 {
        *outcome.suppressed.entry(Mechanism::NotLive).or_default() += not_live;
    }
    outcome.notes.extend(unchecked);
}

/// `keyscan [scan] PATH...`
pub(super) fn scan(args: &ScanArgs) -> Result<Status, Error> {
    scan_tree(args, UseBaseline::Yes)?.report()
}

/// Scans the files and directories `args` names (`-` for standard input); a path that
/// does not exist is an error, with the command it may be a misspelling of.
pub(super) fn scan_tree(args: &ScanArgs, baseline: UseBaseline) -> Result<Scanned, Error> {
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

/// `keyscan staged [FILE...]`
pub(super) fn staged(args: &StagedArgs) -> Result<Status, Error> {
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
