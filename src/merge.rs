//! Joining reports into one: the parts of a scan split with `--shard`, or several
//! scans. Reports are joined in their own format (JSON with JSON, SARIF with SARIF), so
//! nothing is lost or re-derived: findings once each, counts summed, notes united, and
//! the result incomplete if any part was, or if a part of a split scan is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Value, json};

use crate::shard::Shard;
use crate::text::{counted, printable};

/// What was joined, and whether the result stands for a whole scan.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The joined report.
    pub report: Value,
    /// How many findings it holds.
    pub findings: usize,
    /// Whether a part was incomplete or missing: the result cannot be trusted as clean.
    pub incomplete: bool,
    /// What is wrong with the set of parts (missing or repeated shards), in words.
    pub problems: Vec<String>,
}

/// Why reports could not be joined at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// A report is not one keyscan writes in the format of the others.
    NotAReport {
        /// Its position among the inputs, from 1.
        input: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// Parts of splits into different numbers of parts, or parts with whole scans.
    MixedShards,
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::NotAReport { input, reason } => {
                write!(
                    f,
                    "input {input} is not a keyscan report to merge: {reason}"
                )
            }
            MergeError::MixedShards => f.write_str(
                "the reports are parts of different splits (--shard K/N with different N), \
                 or parts mixed with whole scans",
            ),
        }
    }
}

impl std::error::Error for MergeError {}

/// Joins keyscan JSON reports.
pub fn merge_json(reports: &[Value]) -> Result<Merged, MergeError> {
    for (at, report) in reports.iter().enumerate() {
        if !(report["findings"].is_array() && report["stats"].is_object()) {
            return Err(not_a_report(
                at,
                "no `findings` and `stats`: is it JSON from keyscan -f json?",
            ));
        }
    }
    let (problems, missing) = shard_problems(reports.iter().map(|report| report.get("shard")))?;
    let split = reports.iter().any(|report| report.get("shard").is_some());
    let mut findings = Unique::default();
    let mut notes = Unique::default();
    let mut stats = BTreeMap::new();
    let mut suppressed = BTreeMap::new();
    let mut incomplete = missing;
    let mut repositories = Repositories {
        split,
        items: Vec::new(),
    };
    for report in reports {
        for repository in report["repositories"].as_array().into_iter().flatten() {
            repositories.add(repository);
        }
        for finding in report["findings"].as_array().into_iter().flatten() {
            findings.add(finding);
        }
        for note in report["notes"].as_array().into_iter().flatten() {
            notes.add(note);
        }
        sum_into(&mut stats, &report["stats"], split);
        sum_into(&mut suppressed, &report["suppressed"], split);
        incomplete |= report["incomplete"].as_bool().unwrap_or(false);
    }
    // By repository (in the order they were given), path and position, as a scan lists
    // them; ties keep their part's order.
    let mut findings = findings.items;
    findings.sort_by_key(|finding| {
        (
            repositories.position(&finding["repository"]),
            finding["path"].as_str().unwrap_or_default().to_owned(),
            finding["line"].as_u64(),
            finding["column"].as_u64(),
        )
    });
    // Errors first, then warnings, then the rest, each by path and message.
    let mut notes = notes.items;
    let rank = |note: &Value| match note["level"].as_str() {
        Some("error") => 0,
        Some("warning") => 1,
        _ => 2,
    };
    notes.sort_by_key(|note| {
        (
            rank(note),
            note["path"].as_str().unwrap_or_default().to_owned(),
            note["message"].as_str().unwrap_or_default().to_owned(),
        )
    });
    let count = findings.len();
    let mut report = json!({
        "tool": reports.first().map_or(Value::Null, |report| report["tool"].clone()),
        "notes": notes,
        "stats": stats,
        "suppressed": suppressed,
        "incomplete": incomplete,
        "findings": findings,
    });
    if !repositories.items.is_empty() {
        report["repositories"] = json!(repositories.items);
    }
    if !problems.is_empty() {
        report["merge_problems"] = json!(problems);
    }
    Ok(Merged {
        report,
        findings: count,
        incomplete,
        problems,
    })
}

/// Joins keyscan SARIF logs (one run each): results once each, with their rules,
/// counts summed in the run's properties.
pub fn merge_sarif(logs: &[Value]) -> Result<Merged, MergeError> {
    for (at, log) in logs.iter().enumerate() {
        let run = &log["runs"][0];
        if !(run["results"].is_array() && run["tool"]["driver"]["rules"].is_array()) {
            return Err(not_a_report(
                at,
                "no run with results and rules: is it SARIF from keyscan -f sarif?",
            ));
        }
    }
    let runs: Vec<&Value> = logs.iter().map(|log| &log["runs"][0]).collect();
    let (problems, missing) =
        shard_problems(runs.iter().map(|run| run["properties"].get("shard")))?;
    let split = runs
        .iter()
        .any(|run| run["properties"].get("shard").is_some());
    let mut rules: Vec<Value> = Vec::new();
    let mut results = Unique::default();
    let mut notifications = Unique::default();
    let mut stats = BTreeMap::new();
    let mut suppressed = BTreeMap::new();
    let mut successful = !missing;
    let mut repositories = Repositories {
        split,
        items: Vec::new(),
    };
    for run in &runs {
        for repository in run["properties"]["repositories"]
            .as_array()
            .into_iter()
            .flatten()
        {
            repositories.add(repository);
        }
        let own_rules = run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for result in run["results"].as_array().into_iter().flatten() {
            let mut result = result.clone();
            if let Some(rule) = result["ruleIndex"]
                .as_u64()
                .and_then(|at| own_rules.get(at as usize))
            {
                let index = match rules.iter().position(|known| known["id"] == rule["id"]) {
                    Some(index) => index,
                    None => {
                        rules.push(rule.clone());
                        rules.len() - 1
                    }
                };
                result["ruleIndex"] = json!(index);
            }
            results.add(&result);
        }
        let invocation = &run["invocations"][0];
        successful &= invocation["executionSuccessful"].as_bool().unwrap_or(false);
        for notification in invocation["toolExecutionNotifications"]
            .as_array()
            .into_iter()
            .flatten()
        {
            notifications.add(notification);
        }
        sum_into(&mut stats, &run["properties"]["stats"], split);
        sum_into(&mut suppressed, &run["properties"]["suppressed"], split);
    }
    let count = results.items.len();
    let mut run = runs.first().map_or(Value::Null, |run| (*run).clone());
    run["tool"]["driver"]["rules"] = json!(rules);
    run["results"] = json!(results.items);
    run["invocations"] = json!([{
        "executionSuccessful": successful,
        "toolExecutionNotifications": notifications.items,
    }]);
    run["properties"] = json!({ "stats": stats, "suppressed": suppressed });
    if !repositories.items.is_empty() {
        run["properties"]["repositories"] = json!(repositories.items);
    }
    if !problems.is_empty() {
        run["properties"]["mergeProblems"] = json!(problems);
    }
    let mut log = logs.first().cloned().unwrap_or(Value::Null);
    log["runs"] = json!([run]);
    Ok(Merged {
        report: log,
        findings: count,
        incomplete: !successful,
        problems,
    })
}

/// A joined report as readable text: a line per finding (its repository, path,
/// position, severity, rule, the redacted secret, and for history the commit), then a
/// summary line, and the problems with the set of parts. Everything shown comes from
/// the reports, so it is escaped.
pub fn human(merged: &Merged) -> String {
    let show = |value: &Value| printable(value.as_str().unwrap_or_default()).into_owned();
    let mut text = String::new();
    let (lines, stats) = match merged.report.get("runs") {
        None => {
            let findings = merged.report["findings"].as_array().into_iter().flatten();
            let lines: Vec<String> = findings
                .map(|finding| {
                    let repository = match finding.get("repository") {
                        Some(repository) => format!("{}: ", show(repository)),
                        None => String::new(),
                    };
                    let commit = finding["commit"]["id"]
                        .as_str()
                        .map_or(String::new(), |id| {
                            let short: String = id.chars().take(12).collect();
                            format!("  commit {}", printable(&short))
                        });
                    format!(
                        "{repository}{}:{}:{}  {}  {}  {}{commit}",
                        show(&finding["path"]),
                        finding["line"],
                        finding["column"],
                        show(&finding["severity"]),
                        show(&finding["rule_id"]),
                        show(&finding["redacted"]),
                    )
                })
                .collect();
            (lines, &merged.report["stats"])
        }
        Some(runs) => {
            let results = runs[0]["results"].as_array().into_iter().flatten();
            let lines: Vec<String> = results
                .map(|result| {
                    let location = &result["locations"][0]["physicalLocation"];
                    format!(
                        "{}:{}:{}  {}  {}  {}",
                        show(&location["artifactLocation"]["uri"]),
                        location["region"]["startLine"],
                        location["region"]["startColumn"],
                        show(&result["level"]),
                        show(&result["ruleId"]),
                        show(&result["message"]["text"]),
                    )
                })
                .collect();
            (lines, &runs[0]["properties"]["stats"])
        }
    };
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    let number = |key: &str| stats[key].as_u64().unwrap_or(0);
    let scope = if number("commits") > 0 {
        format!(
            "{} of {}",
            counted(number("files"), "unique blob", "unique blobs"),
            counted(number("commits"), "commit", "commits")
        )
    } else {
        counted(number("files"), "file", "files")
    };
    let headline = match merged.findings {
        0 => "no secrets found".to_owned(),
        n => counted(n as u64, "finding", "findings"),
    };
    text.push_str(&format!("{headline} in {scope}"));
    if merged.incomplete {
        text.push_str(" (incomplete: a part is missing or was not scanned in full)");
    }
    text.push('\n');
    text
}

fn not_a_report(at: usize, reason: &str) -> MergeError {
    MergeError::NotAReport {
        input: at + 1,
        reason: reason.to_owned(),
    }
}

/// What is wrong with the parts `shards` (each report's `"K/N"`, or none for a whole
/// scan), and whether a part is missing.
fn shard_problems<'a>(
    shards: impl Iterator<Item = Option<&'a Value>>,
) -> Result<(Vec<String>, bool), MergeError> {
    let shards: Vec<Option<Shard>> = shards
        .map(|shard| {
            shard
                .and_then(Value::as_str)
                .and_then(|text| text.parse().ok())
        })
        .collect();
    if shards.iter().all(Option::is_none) {
        return Ok((Vec::new(), false));
    }
    let parts: Vec<Shard> = shards.iter().flatten().copied().collect();
    let count = parts[0].count();
    if parts.len() != shards.len() || parts.iter().any(|shard| shard.count() != count) {
        return Err(MergeError::MixedShards);
    }
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for shard in &parts {
        if !seen.insert(shard.index()) {
            problems.push(format!("part {shard} is given more than once"));
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|index| !seen.contains(index))
        .map(|index| format!("{index}/{count}"))
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "parts {} are missing: the result is not the whole scan",
            missing.join(", ")
        ));
    }
    Ok((problems, !missing.is_empty()))
}

/// Adds the numbers of the object `part` to `sums`, key by key. The scan time is the
/// longest part's: the parts ran side by side. In the parts of a `split` scan the
/// commits are the most any part walked: every part walks them all.
fn sum_into(sums: &mut BTreeMap<String, Value>, part: &Value, split: bool) {
    for (key, value) in part.as_object().into_iter().flatten() {
        let sum = sums.entry(key.clone()).or_insert(json!(0));
        let most = key == "elapsed" || (split && key == "commits");
        *sum = match (sum.as_u64(), value.as_u64(), sum.as_f64(), value.as_f64()) {
            (Some(a), Some(b), _, _) if most => json!(a.max(b)),
            (Some(a), Some(b), _, _) => json!(a + b),
            (_, _, Some(a), Some(b)) => json!(a.max(b)),
            _ => value.clone(),
        };
    }
}

/// The repositories of reports of scans of several, joined by path in first-seen
/// order: counts summed, incomplete if any part of one was.
struct Repositories {
    /// Whether the reports are the parts of a split scan.
    split: bool,
    items: Vec<Value>,
}

impl Repositories {
    fn add(&mut self, repository: &Value) {
        let Some(at) = self
            .items
            .iter()
            .position(|known| known["path"] == repository["path"])
        else {
            self.items.push(repository.clone());
            return;
        };
        let known = &mut self.items[at];
        let mut stats = BTreeMap::new();
        sum_into(&mut stats, &known["stats"], self.split);
        sum_into(&mut stats, &repository["stats"], self.split);
        known["stats"] = json!(stats);
        let findings =
            known["findings"].as_u64().unwrap_or(0) + repository["findings"].as_u64().unwrap_or(0);
        known["findings"] = json!(findings);
        let incomplete = known["incomplete"].as_bool().unwrap_or(true)
            || repository["incomplete"].as_bool().unwrap_or(true);
        known["incomplete"] = json!(incomplete);
    }

    /// Where the repository named `path` is listed; findings of a scan of one first.
    fn position(&self, path: &Value) -> Option<usize> {
        self.items.iter().position(|known| &known["path"] == path)
    }
}

/// Values in first-seen order, each once.
#[derive(Default)]
struct Unique {
    seen: BTreeSet<String>,
    items: Vec<Value>,
}

impl Unique {
    fn add(&mut self, value: &Value) {
        if self.seen.insert(value.to_string()) {
            self.items.push(value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(shard: &str, findings: Value, files: u64) -> Value {
        json!({
            "tool": { "name": "keyscan" },
            "shard": shard,
            "notes": [{ "level": "warning", "path": "/repo", "message": "shallow" }],
            "stats": { "files": files, "elapsed": 1.5 },
            "suppressed": { "inline": 1 },
            "incomplete": false,
            "findings": findings,
        })
    }

    #[test]
    fn parts_join_into_one_report_and_a_missing_part_makes_it_incomplete() {
        let a = json!({ "path": "a.env", "line": 1, "rule_id": "github-pat" });
        let b = json!({ "path": "b.env", "line": 2, "rule_id": "github-pat" });
        let parts = [part("2/2", json!([b]), 3), part("1/2", json!([a]), 4)];
        let merged = merge_json(&parts).unwrap();
        assert_eq!(merged.findings, 2);
        assert_eq!(merged.report["findings"][0]["path"], "a.env");
        assert_eq!(merged.report["stats"]["files"], 7);
        assert_eq!(merged.report["stats"]["elapsed"], 1.5);
        assert_eq!(merged.report["suppressed"]["inline"], 2);
        assert_eq!(merged.report["notes"].as_array().unwrap().len(), 1);
        assert!(!merged.incomplete && merged.problems.is_empty());
        let alone = merge_json(&parts[..1]).unwrap();
        assert!(alone.incomplete);
        assert!(
            alone.problems[0].contains("parts 1/2 are missing"),
            "{:?}",
            alone.problems
        );
        let twice = merge_json(&[parts[0].clone(), parts[0].clone(), parts[1].clone()]).unwrap();
        assert_eq!(twice.findings, 2);
        assert!(twice.problems[0].contains("more than once"));
        let mixed = [part("1/2", json!([]), 1), part("1/3", json!([]), 1)];
        assert_eq!(merge_json(&mixed), Err(MergeError::MixedShards));
        assert!(matches!(
            merge_json(&[json!({ "runs": [] })]),
            Err(MergeError::NotAReport { input: 1, .. })
        ));
    }
}
