//! `keyscan baseline`: the findings of a scan recorded, or an existing baseline pruned
//! to those that still match.

use std::path::PathBuf;

use keyscan::Error;
use keyscan::filter::baseline::{self, Baseline};
use keyscan::text::counted;

use super::{git, offline, scan, whole_only};
use crate::cli::Status;
use crate::cli::args::{BaselineArgs, BaselineGit};
use crate::cli::output::print_notes;
use crate::cli::settings::UseBaseline;

/// `keyscan baseline [PATH... | git ...] [-o FILE] [--prune]`
pub(super) fn baseline(args: &BaselineArgs) -> Result<Status, Error> {
    let common = match &args.git {
        Some(BaselineGit::Git { args, .. }) => &args.common,
        None => &args.scan.common,
    };
    whole_only(common, "baseline")?;
    offline(common, "baseline")?;
    let (scanned, output, prune) = match &args.git {
        Some(BaselineGit::Git { prune, args }) => {
            let repo = match git::repositories(args)?.as_slice() {
                [repo] if args.repos_from.is_none() => repo.clone(),
                _ => {
                    return Err(Error::Usage(
                        "a baseline is one repository's: give `keyscan baseline git` one"
                            .to_owned(),
                    ));
                }
            };
            (
                git::history(args, &repo, UseBaseline::No)?,
                &args.common.output,
                *prune,
            )
        }
        None => (
            scan::scan_tree(&args.scan, UseBaseline::No)?,
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
