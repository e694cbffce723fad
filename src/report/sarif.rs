//! SARIF 2.1.0, shaped for GitHub code scanning.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::stream::{Streamed, WithField};
use super::{ReportOptions, history, repository_of, shown};
use crate::finding::{Finding, Liveness, Origin, Role};
use crate::outcome::{Level, Outcome, Provenance};
use crate::rules::{Rule, Severity};
use crate::text::{Position, percent_encode};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/keyscan/keyscan";
const SRCROOT: &str = "%SRCROOT%";

/// What to do when no rule-specific remediation is given.
const DEFAULT_REMEDIATION: &str = "Revoke the credential with its provider and issue a new one, \
then load it at run time from a secret store or environment variable. Deleting it from the \
file is not enough: it stays in version control history.";

/// Writes one SARIF run.
pub fn write(
    out: &mut dyn Write,
    rules: &[Rule],
    outcome: &Outcome,
    options: &ReportOptions,
) -> io::Result<()> {
    let reported: Vec<usize> = if options.all_rules {
        (0..rules.len()).collect()
    } else {
        let mut fired: Vec<usize> = outcome.findings.iter().map(|f| f.rule).collect();
        fired.sort_unstable();
        fired.dedup();
        fired
    };
    // In a scan of several repositories, notes name paths as given, from the working
    // directory.
    let base = if outcome.repositories.is_empty() {
        Base::new(&outcome.roots)
    } else {
        Base::new(&[])
    };
    // In a scan of several repositories, each one's paths are relative to its own
    // base, `REPO1`, `REPO2`, … in the order they were given.
    let repository_bases: Vec<Base> = outcome
        .repositories
        .iter()
        .enumerate()
        .map(|(index, repository)| Base {
            id: format!("REPO{}", index + 1),
            root: repository
                .root
                .as_deref()
                .and_then(|root| std::path::absolute(root).ok()),
            relative_to_root: true,
        })
        .collect();
    let base_of = |finding: &Finding| {
        finding
            .repository
            .map_or(&base, |index| &repository_bases[index])
    };
    let notifications: Vec<Value> = outcome
        .notes
        .iter()
        .filter(|note| note.level >= Level::Warning)
        .map(|note| {
            json!({
                "level": if note.level == Level::Error { "error" } else { "warning" },
                "message": { "text": format!("{}: {}", note.path.display(), note.message) },
                "locations": [{ "physicalLocation": { "artifactLocation": base.location(&note.path, &note.path) } }],
            })
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "keyscan",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": reported.iter().map(|&i| rule_descriptor(&rules[i])).collect::<Vec<_>>(),
            }
        },
        "invocations": [{
            "executionSuccessful": !outcome.is_incomplete(),
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "unicodeCodePoints",
        "properties": { "stats": outcome.stats, "suppressed": outcome.suppressed },
    });
    if let Some(shard) = outcome.shard {
        run["properties"]["shard"] = json!(shard.to_string());
    }
    // A scan of several repositories: each one's summary, as JSON reports give it.
    if !outcome.repositories.is_empty() {
        let summaries: Vec<Value> = outcome
            .repositories
            .iter()
            .zip(&repository_bases)
            .map(|(repository, base)| {
                json!({
                    "path": repository.path.to_string_lossy(),
                    "uriBaseId": base.id,
                    "findings": repository.findings,
                    "incomplete": repository.incomplete,
                    "stats": repository.stats,
                })
            })
            .collect();
        run["properties"]["repositories"] = json!(summaries);
    }
    let mut bases = serde_json::Map::new();
    for base in std::iter::once(&base).chain(&repository_bases) {
        if let Some(root) = &base.root {
            bases.insert(base.id.clone(), json!({ "uri": directory_uri(root) }));
        }
    }
    if !bases.is_empty() {
        run["originalUriBaseIds"] = Value::Object(bases);
    }
    let provenances: Vec<Value> = match &outcome.provenance {
        Some(provenance) => version_control_provenance(provenance, SRCROOT)
            .into_iter()
            .collect(),
        None => outcome
            .repositories
            .iter()
            .zip(&repository_bases)
            .filter_map(|(repository, base)| {
                version_control_provenance(repository.provenance.as_ref()?, &base.id)
            })
            .collect(),
    };
    if !provenances.is_empty() {
        run["versionControlProvenance"] = json!(provenances);
    }
    // The results, the one part that grows with the input, are written one at a time.
    let run = WithField {
        fields: run.as_object().expect("an object"),
        key: "results",
        value: Streamed {
            items: &outcome.findings,
            to_value: |finding: &Finding| {
                let index = reported
                    .binary_search(&finding.rule)
                    .expect("every fired rule is reported");
                let mut result = result(finding, index, rules, base_of(finding), options);
                if let Some(repository) = repository_of(outcome, finding) {
                    result["properties"]["repository"] = json!(repository.path.to_string_lossy());
                }
                result
            },
        },
    };
    let header = json!({ "$schema": SCHEMA, "version": "2.1.0" });
    let document = WithField {
        fields: header.as_object().expect("an object"),
        key: "runs",
        value: [run],
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// A `versionControlProvenance` entry for a repository with an `origin` remote, whose
/// working tree is the base `base_id`.
fn version_control_provenance(provenance: &Provenance, base_id: &str) -> Option<Value> {
    let mut details = json!({ "repositoryUri": provenance.repository_uri.as_ref()?, "mappedTo": { "uriBaseId": base_id } });
    if let Some(revision) = &provenance.revision_id {
        details["revisionId"] = json!(revision);
    }
    if let Some(branch) = &provenance.branch {
        details["branch"] = json!(branch);
    }
    Some(details)
}

fn rule_descriptor(rule: &Rule) -> Value {
    let remediation = rule.remediation.as_deref().unwrap_or(DEFAULT_REMEDIATION);
    let references: String = rule
        .references
        .iter()
        .map(|url| format!("\n- {url}"))
        .collect();
    let text = format!(
        "{} ({})\n\n{}\n\nRemediation: {remediation}\n\nReferences:{references}",
        rule.name, rule.provider, rule.description
    );
    let markdown_refs: String = rule
        .references
        .iter()
        .map(|url| format!("\n- <{url}>"))
        .collect();
    let markdown = format!(
        "**{}** ({})\n\n{}\n\n**Remediation:** {remediation}\n\n**References:**{markdown_refs}",
        rule.name, rule.provider, rule.description
    );
    let mut descriptor = json!({
        "id": rule.id,
        "name": pascal_case(&rule.id),
        "shortDescription": { "text": rule.name },
        "fullDescription": { "text": rule.description },
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": ["security", "secret", "external/cwe/cwe-798"],
            "security-severity": security_severity(rule.severity),
            "precision": rule.confidence.as_str(),
            "problem.severity": level(rule.severity),
            "provider": rule.provider,
        },
    });
    if let Some(url) = rule.references.first() {
        descriptor["helpUri"] = json!(url);
    }
    descriptor
}

fn result(
    finding: &Finding,
    rule_index: usize,
    rules: &[Rule],
    base: &Base,
    options: &ReportOptions,
) -> Value {
    let rule = &rules[finding.rule];
    let mut message = format!("{} found: {}", rule.name, shown(&finding.secret, options));
    let mut properties = json!({
        "severity": finding.severity,
        "confidence": finding.confidence,
        "fingerprint": finding.fingerprint,
    });
    if let Some(decoding) = &finding.decoded_from {
        properties["decodedFrom"] = json!(decoding);
    }
    if let Some(verification) = &finding.verification {
        properties["verification"] = json!({
            "status": verification.liveness.as_str(),
            "detail": verification.detail,
        });
    }
    let artifact = base.location(finding.origin.path(), finding.origin.relative());
    // The other halves of a pair, each a related location the message links to by id.
    let mut related = Vec::new();
    for part in finding.parts().filter(|part| part.role == Role::Identifier) {
        let id_rule = &rules[part.rule];
        let id = related.len() + 1;
        let name = escape_brackets(&id_rule.name);
        message.push_str(&format!(
            ", used with [{name}]({id}) {} on line {}",
            shown(part.value, options),
            part.start.line
        ));
        related.push(json!({
            "id": id,
            "physicalLocation": {
                "artifactLocation": base.location(part.origin.path(), part.origin.relative()),
                "region": region(part.start, part.end),
            },
            "message": { "text": format!("{}: the {} this secret is used with", id_rule.name, part.role.as_str()) },
        }));
        properties["pairedWith"] = json!({
            "ruleId": id_rule.id,
            "line": part.start.line,
            "column": part.start.column,
        });
    }
    match &finding.origin {
        Origin::GitBlob { commit, .. } if commit.shallow_boundary => {
            message.push_str(&format!(
                " (in commit {}, the boundary of a shallow clone: it may come from an older \
                 commit)",
                &commit.id[..12]
            ));
        }
        Origin::GitBlob { commit, .. } => {
            message.push_str(&format!(" (introduced in commit {})", &commit.id[..12]));
        }
        Origin::GitMessage { tag: Some(tag), .. } => {
            let tag = escape_brackets(tag);
            message.push_str(&format!(" (in the message of tag {tag})"));
        }
        Origin::GitMessage { commit, .. } => {
            message.push_str(&format!(" (in the message of commit {})", &commit.id[..12]));
        }
        Origin::File { .. } | Origin::Staged { .. } => {}
    }
    for (_, name, field) in history::fields(&finding.origin) {
        properties[name] = field;
    }
    let mut result = json!({
        "ruleId": rule.id,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": region(finding.start, finding.end),
            }
        }],
        "partialFingerprints": {
            "primaryLocationLineHash": finding.line_hash,
            "keyscanFingerprint/v2": finding.fingerprint,
        },
        "properties": properties,
    });
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    // A key its provider still accepts comes first, whatever its rule's severity.
    if finding
        .verification
        .as_ref()
        .is_some_and(|verification| verification.liveness == Liveness::Live)
    {
        result["level"] = json!("error");
        result["rank"] = json!(100.0);
    }
    result
}

/// A SARIF region from `start` to `end` (exclusive column).
fn region(start: Position, end: Position) -> Value {
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// `text` with `[` and `]` escaped, so that a message's own links are the only ones.
fn escape_brackets(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]")
}

/// What SARIF locations are relative to: the one scanned root (a directory, or the
/// directory of a scanned file), or, with several roots, the working directory.
struct Base {
    /// The `uriBaseId` locations relative to it name.
    id: String,
    root: Option<PathBuf>,
    relative_to_root: bool,
}

impl Base {
    fn new(roots: &[PathBuf]) -> Base {
        let absolute = |path: &Path| std::path::absolute(path).ok();
        match roots {
            [root] => {
                let dir = if root.is_dir() {
                    Some(root.clone())
                } else {
                    root.parent().map(Path::to_path_buf)
                };
                Base {
                    id: SRCROOT.to_owned(),
                    root: dir.as_deref().and_then(absolute),
                    relative_to_root: true,
                }
            }
            _ => Base {
                id: SRCROOT.to_owned(),
                root: std::env::current_dir().ok(),
                relative_to_root: false,
            },
        }
    }

    /// An `artifactLocation` for a path shown as `path` and found at `relative` under its root.
    fn location(&self, path: &Path, relative: &Path) -> Value {
        let path = if self.relative_to_root {
            relative
        } else {
            path
        };
        if path.is_absolute() || self.root.is_none() {
            json!({ "uri": file_uri(path) })
        } else {
            json!({ "uri": encode_path(path), "uriBaseId": self.id })
        }
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's scale: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, below that low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", encode_path(path))
}

fn directory_uri(path: &Path) -> String {
    let uri = file_uri(path);
    if uri.ends_with('/') { uri } else { uri + "/" }
}

/// Percent-encodes a path for a URI, keeping `/` and unreserved characters.
fn encode_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    percent_encode(&text, b"-._~/!$&'()*+,;=:@")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            encode_path(Path::new("src/a b/ü#1.rs")),
            "src/a%20b/%C3%BC%231.rs"
        );
        assert_eq!(directory_uri(Path::new("/tmp/x")), "file:///tmp/x/");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(
            pascal_case("nhncloud-secret-access-key"),
            "NhncloudSecretAccessKey"
        );
    }
}
