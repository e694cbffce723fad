//! Reporting a scan's outcome, the same way for every command: warnings to standard
//! error, the report where asked (and a one-line summary on standard error when that
//! is a file), a last line if the result is incomplete, and the exit status.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use keyscan::Error;
use keyscan::finding::Finding;
use keyscan::outcome::{Level, Outcome};
use keyscan::report::{self, Format};
use keyscan::rules::{Rule, Severity};
use keyscan::text::printable;

use super::Status;
use super::settings::Report;

/// Prints warnings and errors, writes the report, says on standard error whether the
/// result is incomplete, and returns the exit status.
pub fn report(settings: &Report, rules: &[Rule], outcome: &Outcome) -> Result<Status, Error> {
    let fail_on = settings.fail_on;
    report_judged(settings, rules, outcome, |_| fail_on)
}

/// As [`report`], with the least severity that fails each finding given by `fail_on`:
/// in a scan of several repositories, each one's configuration sets its own.
pub fn report_judged(
    settings: &Report,
    rules: &[Rule],
    outcome: &Outcome,
    fail_on: impl Fn(&Finding) -> Option<Severity>,
) -> Result<Status, Error> {
    print_notes(outcome, settings.quiet);
    let chatter = settings.output.is_none() && settings.format == Format::Human;
    // A closed pipe (`keyscan | head`) is the reader's choice, not an error.
    if !(settings.quiet && chatter)
        && let Err(source) = write_report(settings, rules, outcome)
        && source.kind() != io::ErrorKind::BrokenPipe
    {
        return Err(Error::Io {
            action: "cannot write the report to",
            path: settings.output.clone(),
            source,
        });
    }
    if let Some(path) = settings.output.as_ref().filter(|_| !settings.quiet) {
        eprintln!(
            "keyscan: {} \u{2192} {}",
            report::summary(outcome),
            printable(&path.to_string_lossy())
        );
    }
    print_incomplete(outcome);
    Ok(status(outcome, fail_on))
}

/// Warnings and errors about paths (errors alone when `quiet`), on standard error.
/// Paths come from the scanned content, so they are escaped: a file name cannot drive
/// the terminal.
pub fn print_notes(outcome: &Outcome, quiet: bool) {
    let least = if quiet { Level::Error } else { Level::Warning };
    for note in outcome.notes.iter().filter(|note| note.level >= least) {
        let level = if note.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        eprintln!(
            "keyscan: {level}: {}: {}",
            printable(&note.path.to_string_lossy()),
            printable(&note.message)
        );
    }
}

/// The last line on standard error when content went unscanned (or, with
/// `--only-live`, a finding unchecked), whatever the format: how much, and that the
/// findings cannot be trusted to be all there are.
fn print_incomplete(outcome: &Outcome) {
    let unscanned = outcome
        .notes
        .iter()
        .filter(|note| note.level == Level::Error)
        .count();
    if unscanned > 0 {
        let what = if unscanned == 1 {
            "1 path was"
        } else {
            &format!("{unscanned} paths were")
        };
        super::print_error(format_args!(
            "incomplete result: {what} not scanned or not checked (errors above), so there \
             may be secrets this report does not show. Fix or exclude what failed and scan \
             again."
        ));
    }
}

/// Incomplete when content went unscanned, else findings (at or above the severity
/// `fail_on` gives, if any) or clean.
fn status(outcome: &Outcome, fail_on: impl Fn(&Finding) -> Option<Severity>) -> Status {
    let failing =
        |finding: &Finding| fail_on(finding).is_none_or(|least| finding.severity >= least);
    if outcome.is_incomplete() {
        Status::Error
    } else if outcome.findings.iter().any(failing) {
        Status::Findings
    } else {
        Status::Clean
    }
}

fn write_report(settings: &Report, rules: &[Rule], outcome: &Outcome) -> io::Result<()> {
    let mut out: Box<dyn Write> = match &settings.output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    report::write(settings.format, &mut out, rules, outcome, &settings.options)?;
    out.flush()
}
