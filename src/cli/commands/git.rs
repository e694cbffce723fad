//! `keyscan git`: one repository's history, or a sweep of several, each scanned as it
//! would be alone.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use keyscan::Error;
use keyscan::pipeline::Source;
use keyscan::source::git;
use keyscan::source::git::history::{HistoryScope, Selection};
use keyscan::sweep::Sweep;
use keyscan::text::printable;

use super::scan::Scanned;
use crate::cli::Status;
use crate::cli::args::{GitArgs, WalkArgs};
use crate::cli::output;
use crate::cli::settings::{UseBaseline, report_settings};

/// `keyscan git [REPO...] [--repos-from FILE]`
pub(super) fn scan_git(args: &GitArgs) -> Result<Status, Error> {
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
pub(super) fn repositories(args: &GitArgs) -> Result<Vec<PathBuf>, Error> {
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

/// Scans the history of `repo` as `args` say.
pub(super) fn history(
    args: &GitArgs,
    repo: &Path,
    baseline: UseBaseline,
) -> Result<Scanned, Error> {
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
