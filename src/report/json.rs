//! JSON and JSON Lines reports.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::stream::{Streamed, WithField};
use super::{ReportOptions, history, redact, repository_of, shown};
use crate::finding::Finding;
use crate::outcome::{Outcome, Repository};
use crate::rules::Rule;

/// One JSON document: tool, notes, stats, and the findings written one at a time.
pub fn write(
    out: &mut dyn Write,
    rules: &[Rule],
    outcome: &Outcome,
    options: &ReportOptions,
) -> io::Result<()> {
    let notes: Vec<Value> = outcome
        .notes
        .iter()
        .map(|note| {
            json!({
                "level": note.level,
                "path": note.path.to_string_lossy(),
                "message": note.message,
            })
        })
        .collect();
    let fields = json!({
        "tool": { "name": "keyscan", "version": env!("CARGO_PKG_VERSION") },
        "notes": notes,
        "stats": outcome.stats,
        "suppressed": outcome.suppressed,
        "incomplete": outcome.is_incomplete(),
    });
    let mut fields = fields;
    if let Some(shard) = outcome.shard {
        fields["shard"] = json!(shard.to_string());
    }
    if !outcome.repositories.is_empty() {
        let repositories: Vec<Value> = outcome.repositories.iter().map(repository_json).collect();
        fields["repositories"] = json!(repositories);
    }
    let document = WithField {
        fields: fields.as_object().expect("an object"),
        key: "findings",
        value: Streamed {
            items: &outcome.findings,
            to_value: |finding: &Finding| finding_json(finding, rules, outcome, options),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// One finding per line, nothing else.
pub fn write_lines(
    out: &mut dyn Write,
    rules: &[Rule],
    outcome: &Outcome,
    options: &ReportOptions,
) -> io::Result<()> {
    for finding in &outcome.findings {
        serde_json::to_writer(&mut *out, &finding_json(finding, rules, outcome, options))?;
        writeln!(out)?;
    }
    Ok(())
}

/// One repository's summary in a scan of several.
fn repository_json(repository: &Repository) -> Value {
    let mut value = json!({
        "path": repository.path.to_string_lossy(),
        "findings": repository.findings,
        "incomplete": repository.incomplete,
        "stats": repository.stats,
    });
    if let Some(provenance) = &repository.provenance {
        for (name, field) in [
            ("repository_uri", &provenance.repository_uri),
            ("revision", &provenance.revision_id),
            ("branch", &provenance.branch),
        ] {
            if let Some(field) = field {
                value[name] = json!(field);
            }
        }
    }
    value
}

fn finding_json(
    finding: &Finding,
    rules: &[Rule],
    outcome: &Outcome,
    options: &ReportOptions,
) -> Value {
    let rule = &rules[finding.rule];
    let mut value = json!({
        "rule_id": rule.id,
        "rule_name": rule.name,
        "provider": rule.provider,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "path": finding.origin.path().to_string_lossy(),
        "line": finding.start.line,
        "column": finding.start.column,
        "end_line": finding.end.line,
        "end_column": finding.end.column,
        "redacted": redact(&finding.secret),
        "fingerprint": finding.fingerprint,
    });
    if options.show_secrets {
        value["secret"] = json!(finding.secret);
    }
    if let Some(repository) = repository_of(outcome, finding) {
        value["repository"] = json!(repository.path.to_string_lossy());
    }
    if let Some(verification) = &finding.verification {
        value["verification"] = json!({
            "status": verification.liveness.as_str(),
            "detail": verification.detail,
        });
    }
    for (name, _, field) in history::fields(&finding.origin) {
        value[name] = field;
    }
    let parts: Vec<Value> = finding
        .parts()
        .map(|part| {
            let mut located = json!({
                "role": part.role.as_str(),
                "rule_id": rules[part.rule].id,
                "path": part.origin.path().to_string_lossy(),
                "line": part.start.line,
                "column": part.start.column,
                "end_line": part.end.line,
                "end_column": part.end.column,
                "redacted": redact(part.value),
            });
            if options.show_secrets {
                located["value"] = json!(part.value);
            }
            located
        })
        .collect();
    value["parts"] = json!(parts);
    if let Some(decoding) = &finding.decoded_from {
        value["decoded_from"] = json!(decoding);
    }
    if let Some(pair) = &finding.pair {
        value["pair"] = json!({
            "rule_id": rules[pair.rule].id,
            "path": pair.origin.as_ref().unwrap_or(&finding.origin).path().to_string_lossy(),
            "line": pair.start.line,
            "column": pair.start.column,
            "value": shown(&pair.value, options),
        });
    }
    value
}
