//! Report formats: JSON, JSON Lines, SARIF (checked by Microsoft's validator), --output.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{
    expect_exit, fake_aws_pair, fake_github_token, keyscan, run, run_expect, run_measured, stdout,
    write,
};

fn tree_with_token(seed: u32) -> (TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let token = fake_github_token(seed);
    write(
        dir.path(),
        "src/deploy.sh",
        format!("#!/bin/sh\nexport GITHUB_TOKEN={token}\n"),
    );
    write(dir.path(), "src/dir with space/ok.txt", "nothing here\n");
    (dir, token)
}

#[test]
fn json_report_has_findings_stats_and_no_secret() {
    let (dir, token) = tree_with_token(11);
    let output = run_expect(1, &[dir.path().to_str().unwrap(), "--format", "json"]);
    let text = stdout(&output);
    assert!(!text.contains(&token), "secret leaked into JSON");
    let report: Value = serde_json::from_str(&text).expect("valid JSON");
    let finding = &report["findings"][0];
    assert_eq!(finding["rule_id"], "github-pat");
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["column"], 21);
    assert_eq!(finding["redacted"], "ghp_********");
    assert_eq!(finding["fingerprint"].as_str().unwrap().len(), 32);
    assert!(finding.get("secret").is_none());
    assert_eq!(report["stats"]["files"], 2);
    assert_eq!(report["incomplete"], false);
}

#[test]
fn json_shows_the_secret_only_when_asked() {
    let (dir, token) = tree_with_token(12);
    let output = run(&[
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--show-secrets",
    ]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["findings"][0]["secret"], token.as_str());
}

#[test]
fn fingerprint_is_stable_when_the_secret_moves() {
    let token = fake_github_token(13);
    let fingerprint_of = |text: String| {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", text);
        let report: Value = serde_json::from_str(&stdout(&run(&[
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ])))
        .unwrap();
        report["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let first = fingerprint_of(format!("t = {token}\n"));
    let moved = fingerprint_of(format!("\n\n\n    other = 1\n    t = {token}\n"));
    assert_eq!(first, moved);
    assert_ne!(
        first,
        fingerprint_of(format!("t = {}\n", fake_github_token(14)))
    );
}

#[test]
fn jsonl_has_one_object_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.txt",
        format!("{}\n{}\n", fake_github_token(15), fake_github_token(16)),
    );
    let text = stdout(&run(&[dir.path().to_str().unwrap(), "--format", "jsonl"]));
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["line"], 2);
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let (dir, _) = tree_with_token(17);
    let out = dir.path().join("report.sarif");
    let output = run_expect(
        1,
        &[
            dir.path().join("src").to_str().unwrap(),
            "--format",
            "sarif",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.stdout.is_empty());
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

/// A file of 20,000 keys: the JSON and SARIF reports are written a finding at a time.
/// Built whole as JSON values first, they took 2.3 GB for 400,000 findings (and about
/// 130 MB here; about 30 MB streamed).
#[test]
fn many_findings_are_reported_without_building_the_whole_document_first() {
    let dir = tempfile::tempdir().unwrap();
    let keys: String = (1_000..21_000)
        .map(|seed| format!("T={}\n", fake_github_token(seed)))
        .collect();
    write(dir.path(), "dump.env", keys);
    let dump = dir.path().join("dump.env");
    // A few random keys look like placeholders and are dropped; JSON Lines, written a
    // line at a time from the start, gives the count the documents must match.
    let lines = run(&[dump.to_str().unwrap(), "--no-config", "--format", "jsonl"]);
    let expected = stdout(&lines).lines().count();
    assert!(expected > 19_900, "{expected}");
    for format in ["json", "sarif"] {
        let report = dir.path().join(format!("report.{format}"));
        let (_, peak_kb) = run_measured(
            1,
            &[
                dump.to_str().unwrap(),
                "--no-config",
                "--format",
                format,
                "--output",
                report.to_str().unwrap(),
            ],
        );
        let document: Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        let findings = match format {
            "json" => &document["findings"],
            _ => &document["runs"][0]["results"],
        };
        assert_eq!(findings.as_array().unwrap().len(), expected);
        assert!(peak_kb < 70_000, "{format}: peak memory {peak_kb} KB");
    }
}

#[test]
fn sarif_is_shaped_for_github_code_scanning() {
    let (dir, token) = tree_with_token(18);
    let output = run(&[dir.path().to_str().unwrap(), "--format", "sarif"]);
    let text = stdout(&output);
    assert!(!text.contains(&token), "secret leaked into SARIF");
    let sarif: Value = serde_json::from_str(&text).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "only rules that fired");
    let rule = &rules[0];
    assert_eq!(rule["id"], "github-pat");
    assert!(rule["shortDescription"]["text"].is_string());
    assert!(rule["fullDescription"]["text"].is_string());
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("Remediation")
    );
    assert_eq!(rule["properties"]["security-severity"], "8.0");
    assert_eq!(rule["properties"]["precision"], "high");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "github-pat");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/deploy.sh");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(location["region"]["startColumn"], 21);
    let fingerprints = &result["partialFingerprints"];
    assert!(
        fingerprints["primaryLocationLineHash"]
            .as_str()
            .unwrap()
            .ends_with(":1")
    );
    let all = stdout(&crate::common::run(&[
        dir.path().to_str().unwrap(),
        "-f",
        "sarif",
        "--sarif-all-rules",
    ]));
    let all: Value = serde_json::from_str(&all).unwrap();
    assert!(
        all["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len()
            > 30
    );
}

/// Microsoft's SARIF validator, from the npm package `@microsoft/sarif-multitool`
/// (installed by `.ci/run`), or the path in `SARIF_MULTITOOL`.
fn sarif_multitool() -> PathBuf {
    if let Some(path) = std::env::var_os("SARIF_MULTITOOL") {
        return PathBuf::from(path);
    }
    let root = Process::new("npm")
        .args(["root", "-g"])
        .output()
        .ok()
        .filter(|o| o.status.success());
    let root = root.map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let candidates = root.iter().flat_map(|root| {
        [
            root.join("@microsoft/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
            root.join("@microsoft/sarif-multitool-linux/Sarif.Multitool"),
        ]
    });
    candidates
        .into_iter()
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!(
                "Microsoft's SARIF validator is required for this test: run \
             `npm install -g @microsoft/sarif-multitool` (as .ci/run does) or set SARIF_MULTITOOL"
            )
        })
}

/// Errors and warnings Microsoft's validator (with GitHub's rules) finds in `sarif`.
pub fn validator_problems(sarif: &Path) -> Vec<String> {
    let log = sarif.with_extension("validation.sarif");
    let validation = Process::new(sarif_multitool())
        .args(["validate", "--rule-kind", "Sarif;Gh", "--output"])
        .arg(&log)
        .arg(sarif)
        .output()
        .expect("the SARIF validator runs");
    assert!(
        validation.status.success(),
        "validator failed: {}",
        stdout(&validation)
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|result| result["level"] == "error" || result.get("level").is_none())
        .map(|result| format!("{} {}", result["ruleId"], result["message"]))
        .collect()
}

#[test]
fn sarif_passes_microsofts_validator_with_github_rules() {
    let (dir, _) = tree_with_token(19);
    let name = "src/unreadable-looking name#1.txt";
    write(dir.path(), name, format!("{}\n", fake_github_token(20)));
    let sarif = dir.path().join("out.sarif");
    expect_exit(
        keyscan()
            .args([
                dir.path().to_str().unwrap(),
                "--format",
                "sarif",
                "--sarif-all-rules",
                "-o",
            ])
            .arg(&sarif),
        1,
    );
    let problems = validator_problems(&sarif);
    assert!(
        problems.is_empty(),
        "SARIF validator found problems: {problems:#?}"
    );
}

#[test]
fn history_sarif_with_commits_and_provenance_passes_the_validator() {
    let repo = crate::git_repo::TestRepo::new();
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://example.invalid/org/repo.git",
    ]);
    repo.commit_file(
        "deploy.sh",
        &format!("export T={}\n", fake_github_token(21)),
        "add",
    );
    repo.git(&["rm", "-q", "deploy.sh"]);
    repo.git(&["commit", "-q", "-m", "remove"]);
    let out = tempfile::tempdir().unwrap();
    let sarif = out.path().join("history.sarif");
    expect_exit(
        keyscan()
            .args(["git", repo.arg(), "--format", "sarif", "-o"])
            .arg(&sarif),
        1,
    );
    let text = std::fs::read_to_string(&sarif).unwrap();
    assert!(text.contains("versionControlProvenance") && text.contains("historyOnly"));
    let problems = validator_problems(&sarif);
    assert!(
        problems.is_empty(),
        "SARIF validator found problems: {problems:#?}"
    );
}

/// A tree with one AWS key pair in `~/.aws/credentials` form: the ID on line 2, column
/// 21, the secret on line 3, column 25.
fn tree_with_pair(seed: u32) -> (TempDir, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (id, secret) = fake_aws_pair(seed);
    write(
        dir.path(),
        "deploy/credentials",
        format!("[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"),
    );
    (dir, id, secret)
}

#[test]
fn both_halves_of_a_pair_are_located_in_json_and_human_output() {
    let (dir, id, secret) = tree_with_pair(1);
    let root = dir.path().to_str().unwrap();
    let output = run_expect(1, &[root, "--format", "json"]);
    let text = stdout(&output);
    assert!(
        !text.contains(&id) && !text.contains(&secret),
        "a half leaked"
    );
    let report: Value = serde_json::from_str(&text).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "one finding for the pair: {findings:#?}");
    let parts: Vec<(&str, &str, u64, u64, u64)> = findings[0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| {
            (
                part["role"].as_str().unwrap(),
                part["rule_id"].as_str().unwrap(),
                part["line"].as_u64().unwrap(),
                part["column"].as_u64().unwrap(),
                part["end_column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("secret", "aws-secret-access-key", 3, 25, 65),
            ("identifier", "aws-access-key-id", 2, 21, 41)
        ]
    );
    let path = findings[0]["parts"][1]["path"].as_str().unwrap();
    assert!(path.ends_with("deploy/credentials"), "{path}");
    assert!(findings[0]["parts"][1].get("value").is_none());

    let shown = run_expect(1, &[root, "--format", "json", "--show-secrets"]);
    let report: Value = serde_json::from_str(&stdout(&shown)).unwrap();
    let parts = &report["findings"][0]["parts"];
    assert_eq!(
        (parts[0]["value"].as_str(), parts[1]["value"].as_str()),
        (Some(secret.as_str()), Some(id.as_str()))
    );

    let human = stdout(&run_expect(1, &[root, "--color", "never"]));
    assert!(
        human.contains("deploy/credentials:3:25") && human.contains("deploy/credentials:2:21"),
        "both lines are shown: {human}"
    );
}

#[test]
fn sarif_links_a_pairs_identifier_as_a_related_location_and_passes_the_validator() {
    let (dir, id, _) = tree_with_pair(2);
    let sarif = dir.path().join("pair.sarif");
    expect_exit(
        keyscan()
            .args([dir.path().to_str().unwrap(), "--format", "sarif", "-o"])
            .arg(&sarif),
        1,
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let result = &log["runs"][0]["results"][0];
    let related = result["relatedLocations"]
        .as_array()
        .expect("related locations");
    assert_eq!(related.len(), 1);
    assert_eq!(related[0]["id"], 1);
    let region = &related[0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(2), Some(21))
    );
    assert_eq!(
        related[0]["physicalLocation"]["artifactLocation"],
        result["locations"][0]["physicalLocation"]["artifactLocation"]
    );
    let message = result["message"]["text"].as_str().unwrap();
    assert!(
        message.contains("](1)"),
        "the message links the identifier: {message}"
    );
    assert!(
        related[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("access key ID")
    );
    assert!(!std::fs::read_to_string(&sarif).unwrap().contains(&id));
    let problems = validator_problems(&sarif);
    assert!(
        problems.is_empty(),
        "SARIF validator found problems: {problems:#?}"
    );
}
