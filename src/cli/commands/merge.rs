//! `keyscan merge`: reports read, joined by the library's merge, and written in the
//! format asked for.

use keyscan::Error;
use keyscan::error::FileProblem;
use keyscan::merge;
use keyscan::report::Format;

use super::write_stdout;
use crate::cli::Status;
use crate::cli::args::MergeArgs;

/// Largest report `keyscan merge` reads.
const MAX_REPORT: u64 = 1 << 30;

/// `keyscan merge REPORT... [-o FILE]`
pub(super) fn merge(args: &MergeArgs) -> Result<Status, Error> {
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
