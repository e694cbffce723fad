//! Human-readable report: one block per finding, then a summary.

use std::io::{self, Write};

use super::{ReportOptions, repository_of, shown};
use crate::finding::{CommitInfo, Finding, Liveness, Origin, Role};
use crate::outcome::{Level, Outcome, Repository, Stats};
use crate::rules::{Rule, Severity};
use crate::text::{counted, printable};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";

fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "\x1b[1;31m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
    }
}

/// Writes findings, informational notes when verbose, and the summary.
pub fn write(
    out: &mut dyn Write,
    rules: &[Rule],
    outcome: &Outcome,
    options: &ReportOptions,
) -> io::Result<()> {
    let paint = |code: &'static str| if options.color { code } else { "" };
    for finding in &outcome.findings {
        let rule = &rules[finding.rule];
        let repository = repository_of(outcome, finding).map_or(String::new(), |repository| {
            format!("{}: ", printable(&repository.path.to_string_lossy()))
        });
        writeln!(
            out,
            "{}{repository}{}:{}:{}{}  {}{}{}  {}  {}",
            paint(BOLD),
            printable(&finding.origin.path().to_string_lossy()),
            finding.start.line,
            finding.start.column,
            paint(RESET),
            paint(severity_color(finding.severity)),
            finding.severity,
            paint(RESET),
            rule.id,
            printable(&shown(&finding.secret, options)),
        )?;
        let context = finding.context.trim();
        if !context.is_empty() {
            writeln!(
                out,
                "    {}> {}{}",
                paint(DIM),
                printable(context),
                paint(RESET)
            )?;
        }
        let decoded = finding
            .decoded_from
            .as_ref()
            .map_or(String::new(), |decoding| format!(", in {decoding} content"));
        writeln!(
            out,
            "    {} (confidence {}){decoded}",
            printable(&rule.name),
            finding.confidence.as_str()
        )?;
        for part in finding.parts().filter(|part| part.role == Role::Identifier) {
            writeln!(
                out,
                "    paired with {} at {}:{}:{}  {}",
                rules[part.rule].id,
                printable(&part.origin.path().to_string_lossy()),
                part.start.line,
                part.start.column,
                printable(&shown(part.value, options)),
            )?;
        }
        match &finding.origin {
            Origin::GitBlob {
                path,
                commit,
                history_only,
                last_seen,
                ..
            } => {
                let history = if *history_only {
                    "  (history only: not in HEAD)"
                } else {
                    ""
                };
                let boundary = if commit.shallow_boundary {
                    " (shallow clone: introduced here or in an older commit it lacks)"
                } else {
                    ""
                };
                write_made_by(out, "commit", commit, boundary, history)?;
                if let Some(seen) = last_seen.as_ref().filter(|seen| &seen.path != path) {
                    writeln!(
                        out,
                        "    last seen as {} in commit {}",
                        printable(&seen.path.to_string_lossy()),
                        &seen.commit[..12]
                    )?;
                }
                write_refs(out, commit)?;
            }
            Origin::GitMessage { commit, tag, .. } => {
                let object = tag.as_ref().map_or_else(
                    || "commit".to_owned(),
                    |name| format!("tag {}", printable(name)),
                );
                write_made_by(out, &object, commit, "", "")?;
                write_refs(out, commit)?;
            }
            Origin::File { .. } | Origin::Staged { .. } => {}
        }
        if let Some(verification) = &finding.verification {
            let color = match verification.liveness {
                Liveness::Live => "\x1b[1;31m",
                Liveness::Invalid => "\x1b[32m",
                Liveness::Unknown | Liveness::Error => DIM,
            };
            writeln!(
                out,
                "    verified: {}{}{} ({})",
                paint(color),
                verification.liveness.as_str(),
                paint(RESET),
                printable(&verification.detail)
            )?;
        }
        writeln!(
            out,
            "    {}fingerprint {}{}",
            paint(DIM),
            finding.fingerprint,
            paint(RESET)
        )?;
    }
    if options.verbose {
        for note in outcome
            .notes
            .iter()
            .filter(|note| note.level == Level::Info)
        {
            writeln!(
                out,
                "note: {}: {}",
                printable(&note.path.to_string_lossy()),
                note.message
            )?;
        }
    }
    write_summary(out, outcome, options)
}

fn write_summary(
    out: &mut dyn Write,
    outcome: &Outcome,
    options: &ReportOptions,
) -> io::Result<()> {
    for (index, repository) in outcome.repositories.iter().enumerate() {
        writeln!(out, "{}", repository_line(index, repository, outcome))?;
    }
    let stats = &outcome.stats;
    let (headline, scope) = headline_and_scope(outcome);
    let color = match outcome.findings.len() {
        0 => "\x1b[32m",
        _ => "\x1b[1;31m",
    };
    let (start, end) = if options.color {
        (color, RESET)
    } else {
        ("", "")
    };
    writeln!(
        out,
        "{start}{headline}{end} in {scope}, {}, {:.2} s",
        human_bytes(stats.bytes),
        stats.elapsed.as_secs_f64()
    )?;
    let skipped = skipped_line(stats);
    if !skipped.is_empty() {
        writeln!(out, "{skipped}")?;
    }
    let verdicts = verification_line(outcome);
    if !verdicts.is_empty() {
        writeln!(out, "{verdicts}")?;
    }
    if !outcome.suppressed.is_empty() {
        let parts: Vec<String> = outcome
            .suppressed
            .iter()
            .map(|(mechanism, n)| format!("{n} {}", mechanism.as_str()))
            .collect();
        writeln!(
            out,
            "suppressed: {} (--no-suppress shows them)",
            parts.join(", ")
        )?;
    }
    Ok(())
}

/// What a scan found, in one line without colour: "3 findings (1 high, 2 low) in 2
/// files", "no secrets found in 1 file".
pub fn summary(outcome: &Outcome) -> String {
    let (headline, scope) = headline_and_scope(outcome);
    format!("{headline} in {scope}")
}

/// The findings by severity ("2 findings (1 high, 1 low)") and what was scanned
/// ("3 files", "40 unique blobs of 12 commits", "… of 3 repositories").
fn headline_and_scope(outcome: &Outcome) -> (String, String) {
    let headline = headline(&outcome.findings.iter().collect::<Vec<_>>());
    let mut scope = scope(&outcome.stats);
    if !outcome.repositories.is_empty() {
        let repositories = outcome.repositories.len() as u64;
        scope.push_str(&format!(
            " in {}",
            counted(repositories, "repository", "repositories")
        ));
    }
    (headline, scope)
}

/// "verified: 1 live, 2 invalid, 1 unknown", or empty when nothing was verified.
fn verification_line(outcome: &Outcome) -> String {
    let verdicts: Vec<Liveness> = outcome
        .findings
        .iter()
        .filter_map(|finding| Some(finding.verification.as_ref()?.liveness))
        .collect();
    if verdicts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = [
        Liveness::Live,
        Liveness::Invalid,
        Liveness::Unknown,
        Liveness::Error,
    ]
    .into_iter()
    .map(|liveness| {
        let n = verdicts.iter().filter(|&&v| v == liveness).count();
        (n, liveness)
    })
    .filter(|&(n, _)| n > 0)
    .map(|(n, liveness)| format!("{n} {}", liveness.as_str()))
    .collect();
    format!("verified: {}", parts.join(", "))
}

/// One repository of a scan of several, in a line: "repos/a: 2 findings (2 high) in
/// 40 unique blobs of 12 commits", with why when its result is incomplete.
fn repository_line(index: usize, repository: &Repository, outcome: &Outcome) -> String {
    let path = printable(&repository.path.to_string_lossy()).into_owned();
    if repository.root.is_none() {
        return format!("{path}: not scanned (the error is above)");
    }
    let findings: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|finding| finding.repository == Some(index))
        .collect();
    let incomplete = if repository.incomplete {
        " (incomplete: errors above)"
    } else {
        ""
    };
    format!(
        "{path}: {} in {}{incomplete}",
        headline(&findings),
        scope(&repository.stats)
    )
}

/// "2 findings (1 high, 1 low)", or "no secrets found".
fn headline(findings: &[&Finding]) -> String {
    let mut by_severity = String::new();
    for severity in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let n = findings.iter().filter(|f| f.severity == severity).count();
        if n > 0 {
            let sep = if by_severity.is_empty() { "" } else { ", " };
            by_severity.push_str(&format!("{sep}{n} {severity}"));
        }
    }
    match findings.len() {
        0 => "no secrets found".to_owned(),
        1 => format!("1 finding ({by_severity})"),
        n => format!("{n} findings ({by_severity})"),
    }
}

/// What was scanned: "3 files", "40 unique blobs of 12 commits".
fn scope(stats: &Stats) -> String {
    if stats.commits > 0 {
        format!(
            "{} of {}",
            counted(stats.files, "unique blob", "unique blobs"),
            counted(stats.commits, "commit", "commits")
        )
    } else {
        counted(stats.files, "file", "files")
    }
}

/// The line naming the commit (or tag, as `object` says) a finding came from, who made
/// it and when, with `after_id` and `after_date` appended where they go.
fn write_made_by(
    out: &mut dyn Write,
    object: &str,
    commit: &CommitInfo,
    after_id: &str,
    after_date: &str,
) -> io::Result<()> {
    writeln!(
        out,
        "    {object} {}{after_id} by {} <{}>, {}{after_date}",
        &commit.id[..12],
        printable(&commit.author),
        printable(&commit.email),
        commit.date,
    )
}

/// The references that reach `commit`, on a line of their own, if any.
fn write_refs(out: &mut dyn Write, commit: &CommitInfo) -> io::Result<()> {
    if commit.refs.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = commit
        .refs
        .iter()
        .map(|name| printable(name).into_owned())
        .collect();
    let more = if commit.more_refs { ", …" } else { "" };
    writeln!(out, "    on {}{more}", names.join(", "))
}

/// "skipped: 3 binary, 1 over the size cap, …", or empty when nothing was skipped.
fn skipped_line(stats: &Stats) -> String {
    let parts: Vec<String> = [
        (stats.skipped_binary, "binary", "binary"),
        (
            stats.skipped_too_large,
            "over the size cap",
            "over the size cap",
        ),
        (stats.skipped_symlinks, "symbolic link", "symbolic links"),
        (stats.skipped_special, "special file", "special files"),
        (stats.skipped_submodules, "submodule", "submodules"),
        (stats.skipped_lfs, "git LFS pointer", "git LFS pointers"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|&(n, one, many)| counted(n, one, many))
    .collect();
    let mut line = if parts.is_empty() {
        String::new()
    } else {
        format!("skipped: {}", parts.join(", "))
    };
    if stats.not_utf8 > 0 {
        let sep = if line.is_empty() { "" } else { "; " };
        line.push_str(&format!(
            "{sep}{} not UTF-8 (scanned as bytes)",
            stats.not_utf8
        ));
    }
    line
}

/// Bytes in B, KB, MB or GB (decimal units).
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_shown_in_decimal_units() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_500), "1.5 KB");
        assert_eq!(human_bytes(2_345_678_901), "2.3 GB");
    }

    #[test]
    fn skipped_line_lists_only_nonzero_counts() {
        let stats = Stats {
            skipped_binary: 3,
            not_utf8: 2,
            ..Stats::default()
        };
        assert_eq!(
            skipped_line(&stats),
            "skipped: 3 binary; 2 not UTF-8 (scanned as bytes)"
        );
        assert_eq!(skipped_line(&Stats::default()), "");
    }
}
