//! Writing a scan's outcome: warnings to standard error, the report where asked, and
//! the exit code.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use keyscan::report::text::printable;
use keyscan::report::{self, ReportOptions};
use keyscan::rules::Rule;
use keyscan::scan::{Level, Outcome};
use keyscan::source::git::Provenance;

use super::args::{ColorChoice, CommonArgs};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, error, fail};

/// Prints warnings and errors, writes the report, says on standard error whether the
/// result is incomplete, and returns the exit code.
pub fn report(
    common: &CommonArgs,
    rules: &[Rule],
    outcome: &Outcome,
    roots: Vec<PathBuf>,
    provenance: Option<Provenance>,
) -> u8 {
    print_notes(outcome);
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
    if let Err(err) = write_report(common, rules, outcome, &options)
        && err.kind() != io::ErrorKind::BrokenPipe
    {
        let target = common
            .output
            .as_ref()
            .map_or("standard output".into(), |p| p.display().to_string());
        return fail(format_args!("cannot write the report to {target}: {err}"));
    }
    print_incomplete(outcome);
    exit_code(outcome)
}

/// Warnings and errors about paths, on standard error. Paths come from the scanned
/// content, so they are escaped: a file name cannot drive the terminal.
pub fn print_notes(outcome: &Outcome) {
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
            printable(&note.path.to_string_lossy()),
            printable(&note.message)
        );
    }
}

/// The last line on standard error when content went unscanned, whatever the format:
/// how much, and that the findings cannot be trusted to be all there are.
pub fn print_incomplete(outcome: &Outcome) {
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
        error(format_args!(
            "incomplete result: {what} not scanned (errors above), so there may be secrets \
             this report does not show. Fix or exclude what failed and scan again."
        ));
    }
}

/// 2 when the result is incomplete, else 1 with findings, else 0.
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
    rules: &[Rule],
    outcome: &Outcome,
    options: &ReportOptions,
) -> io::Result<()> {
    let mut out: Box<dyn Write> = match &common.output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    report::write(common.format, &mut out, rules, outcome, options)?;
    out.flush()
}
