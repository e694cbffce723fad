//! `--shard K/N`: N runs that each scan one part, together the same as one whole run.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::{
    expect_exit, fake_aws_pair, fake_github_token, keyscan, stderr, stdout, write,
};
use crate::git_repo::TestRepo;

/// The JSON report of `keyscan ARGS -f json --no-config` in `dir`.
fn report(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let output = keyscan()
        .current_dir(dir)
        .args(args)
        .args(["--format", "json", "--no-config"])
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("CI_NODE_INDEX")
        .env_remove("CI_NODE_TOTAL")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        stderr(&output)
    );
    serde_json::from_str(&stdout(&output)).unwrap()
}

/// Every finding of `report`, whole, as text.
fn findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect()
}

/// Checks that the `count` parts of `args` in `dir` together give what the whole run
/// gives: each finding once, and the files and messages of the whole counted once.
fn parts_make_the_whole(dir: &Path, args: &[&str], count: u32) {
    let whole = report(dir, args, &[]);
    let expected: BTreeSet<String> = findings(&whole).into_iter().collect();
    assert!(expected.len() >= 5, "a scan worth splitting: {expected:?}");
    let mut seen = Vec::new();
    let (mut files, mut messages) = (0, 0);
    for index in 1..=count {
        let shard = format!("{index}/{count}");
        let part = report(dir, &[args, &["--shard", &shard]].concat(), &[]);
        if count > 1 {
            assert_eq!(part["shard"], shard.as_str());
        } else {
            assert!(part.get("shard").is_none(), "a whole run is no part");
        }
        seen.extend(findings(&part));
        files += part["stats"]["files"].as_u64().unwrap();
        messages += part["stats"]["messages"].as_u64().unwrap();
    }
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "{count} parts: a finding twice");
    assert_eq!(unique, expected, "{count} parts");
    assert_eq!(files, whole["stats"]["files"].as_u64().unwrap());
    assert_eq!(messages, whole["stats"]["messages"].as_u64().unwrap());
}

/// Secrets in 24 directories, an identifier beside its secret in another file of one
/// of them, and one file at the top.
fn spread_out(dir: &Path) {
    for n in 0..24 {
        write(
            dir,
            &format!("service{n}/config/app.env"),
            format!("TOKEN={}\n", fake_github_token(700 + n)),
        );
    }
    let (id, secret) = fake_aws_pair(740);
    write(dir, "deploy/.env", format!("AWS_ACCESS_KEY_ID={id}\n"));
    write(
        dir,
        "deploy/values.yaml",
        format!("aws:\n  aws_secret_access_key: {secret}\n"),
    );
    write(dir, "top.env", format!("T={}\n", fake_github_token(741)));
}

#[test]
fn the_parts_of_a_directory_scan_make_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    spread_out(dir.path());
    for count in [1, 2, 3, 7] {
        parts_make_the_whole(dir.path(), &["."], count);
    }
}

#[test]
fn the_parts_of_a_history_scan_make_the_whole() {
    let repo = TestRepo::new();
    spread_out(repo.path());
    repo.commit_file("README.md", "first\n", "first");
    // Versions of one file (one introduction), a deleted file, and messages.
    for version in 0..4 {
        let text = format!("T = '{}'\nversion = {version}\n", fake_github_token(750));
        repo.commit_file("app/settings.py", &text, "tune");
    }
    repo.commit_file(
        "old/creds.env",
        &format!("T={}\n", fake_github_token(751)),
        "add",
    );
    repo.git(&["rm", "-q", "old/creds.env"]);
    let message = format!("remove the token {}", fake_github_token(752));
    repo.git(&["commit", "-q", "-m", &message]);
    repo.git(&["gc", "-q"]);
    for count in [1, 2, 3, 7] {
        parts_make_the_whole(repo.path(), &["git", "."], count);
    }
}

#[test]
fn the_part_comes_from_kubernetes_or_gitlab_or_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    spread_out(dir.path());
    let by_flag = findings(&report(dir.path(), &[".", "--shard", "2/3"], &[]));
    let kubernetes = report(
        dir.path(),
        &[".", "--shard-count", "3"],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert_eq!(kubernetes["shard"], "2/3", "Kubernetes counts from 0");
    assert_eq!(findings(&kubernetes), by_flag);
    let gitlab = report(
        dir.path(),
        &[".", "--shard-count", "3"],
        &[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "3")],
    );
    assert_eq!(findings(&gitlab), by_flag, "GitLab counts from 1");
    let root = dir.path().to_str().unwrap();
    for (args, says) in [
        (vec![root, "--shard-count", "3"], "JOB_COMPLETION_INDEX"),
        (vec![root, "--shard", "4/3"], "shards count from 1 to 3"),
        (vec![root, "--shard", "two"], "is not a shard like 2/4"),
        (vec!["staged", "--shard", "1/2"], "is not split into parts"),
    ] {
        let mut command = keyscan();
        command
            .args(&args)
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("CI_NODE_INDEX");
        let err = stderr(&expect_exit(&mut command, 2));
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

/// `keyscan merge REPORTS` (expecting exit `code`), its output.
fn merged(reports: &[std::path::PathBuf], code: i32) -> (Value, String) {
    let mut command = keyscan();
    command.arg("merge").args(reports);
    let output = expect_exit(&mut command, code);
    (
        serde_json::from_str(&stdout(&output)).unwrap(),
        stderr(&output),
    )
}

/// The parts of `args` in `dir` as `format` reports, written to files.
fn part_reports(dir: &Path, args: &[&str], count: u32, format: &str) -> Vec<std::path::PathBuf> {
    (1..=count)
        .map(|index| {
            let file = dir.join(format!("part-{index}.{format}"));
            let shard = format!("{index}/{count}");
            keyscan()
                .current_dir(dir)
                .args(args)
                .args(["--shard", &shard, "--no-config", "-f", format, "-o"])
                .arg(&file)
                .output()
                .unwrap();
            file
        })
        .collect()
}

#[test]
fn merged_parts_are_the_whole_scan_in_json_and_in_sarif() {
    let repo = TestRepo::new();
    spread_out(repo.path());
    repo.commit_file("README.md", "first\n", "first");
    let message = format!("remove the token {}", fake_github_token(760));
    repo.git(&["commit", "-q", "--allow-empty", "-m", &message]);
    let reports = tempfile::tempdir().unwrap();
    let args = ["git", repo.arg()];
    let whole = report(repo.path(), &args, &[]);
    let expected: BTreeSet<String> = findings(&whole).into_iter().collect();
    for count in [1, 2, 3, 7] {
        let parts = part_reports(reports.path(), &args, count, "json");
        let (joined, err) = merged(&parts, 1);
        assert!(err.is_empty(), "{err}");
        let got: Vec<String> = findings(&joined);
        assert_eq!(got.len(), expected.len(), "{count} parts");
        assert_eq!(
            got.into_iter().collect::<BTreeSet<_>>(),
            expected,
            "{count} parts"
        );
        assert_eq!(joined["stats"]["files"], whole["stats"]["files"]);
        assert!(joined.get("shard").is_none());
        // A part missing: not the whole scan, whatever the others found.
        if count > 1 {
            let (partial, err) = merged(&parts[1..], 2);
            assert!(err.contains("parts 1/") && err.contains("missing"), "{err}");
            assert_eq!(partial["incomplete"], true);
        }
    }
    // SARIF: the same results, each naming its rule, valid for Microsoft's validator.
    let whole_sarif = reports.path().join("whole.sarif");
    keyscan()
        .args(args)
        .args(["--no-config", "-f", "sarif", "-o"])
        .arg(&whole_sarif)
        .output()
        .unwrap();
    let whole_sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&whole_sarif).unwrap()).unwrap();
    let results = |log: &Value| -> BTreeSet<String> {
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| {
                let index = result["ruleIndex"].as_u64().unwrap() as usize;
                assert_eq!(rules[index]["id"], result["ruleId"]);
                let mut result = result.clone();
                result.as_object_mut().unwrap().remove("ruleIndex");
                result.to_string()
            })
            .collect()
    };
    let parts = part_reports(reports.path(), &args, 3, "sarif");
    let (joined, _) = merged(&parts, 1);
    assert_eq!(results(&joined), results(&whole_sarif));
    let file = reports.path().join("joined.sarif");
    std::fs::write(&file, joined.to_string()).unwrap();
    let problems = crate::formats::validator_problems(&file);
    assert!(problems.is_empty(), "{problems:?}");
}
