//! `keyscan git REPO REPO...` and `--repos-from FILE`: several repositories in one
//! run, each scanned as it would be alone, in one report that names each finding's
//! repository and sums each repository up.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::{expect_exit, fake_aws_pair, fake_github_token, keyscan, stderr, stdout};
use crate::git_repo::TestRepo;

/// `keyscan ARGS` in `dir` with the environment's shard variables removed, expecting
/// exit `code`: its JSON standard output (when it is JSON) and standard error.
fn run_in(dir: &Path, args: &[&str], code: i32) -> (Value, String) {
    let mut command = keyscan();
    command
        .current_dir(dir)
        .args(args)
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("CI_NODE_INDEX");
    let output = expect_exit(&mut command, code);
    let report = serde_json::from_str(&stdout(&output)).unwrap_or(Value::Null);
    (report, stderr(&output))
}

/// The findings of `report` as text, without the field naming their repository.
fn findings_alone(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            let mut finding = finding.clone();
            finding.as_object_mut().unwrap().remove("repository");
            finding.to_string()
        })
        .collect()
}

/// The findings of `report` that name `repository`.
fn findings_of(report: &Value, repository: &str) -> Value {
    let findings: Vec<Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["repository"] == repository)
        .cloned()
        .collect();
    serde_json::json!({ "findings": findings })
}

/// Three repositories under one directory:
/// - `app`: a GitHub token, and one in a path its own configuration allowlists; the
///   configuration fails the run only on critical findings;
/// - `infra`: an AWS key pair across two files of a directory (the identifier is
///   reported too, being in a file of its own), and a token in a commit message;
/// - `docs`: nothing.
struct Fleet {
    dir: tempfile::TempDir,
    _repos: Vec<TestRepo>,
}

impl Fleet {
    fn new() -> Fleet {
        let dir = tempfile::tempdir().unwrap();
        let app = TestRepo::new();
        app.commit_file(
            ".keyscan.toml",
            "[allowlist]\npaths = [\"vendor/**\"]\n[rules]\nfail_on = \"critical\"\n",
            "config",
        );
        app.commit_file(
            "src/settings.py",
            &format!("GITHUB_TOKEN = \"{}\"\n", fake_github_token(801)),
            "settings",
        );
        app.commit_file(
            "vendor/lib/test_data.py",
            &format!("TOKEN = \"{}\"\n", fake_github_token(802)),
            "vendored",
        );
        let infra = TestRepo::new();
        let (id, secret) = fake_aws_pair(803);
        infra.commit_file("deploy/id.env", &format!("AWS_ACCESS_KEY_ID={id}\n"), "id");
        infra.commit_file(
            "deploy/secret.env",
            &format!("AWS_SECRET_ACCESS_KEY={secret}\n"),
            "secret",
        );
        let message = format!("rotate {}", fake_github_token(804));
        infra.git(&["commit", "-q", "--allow-empty", "-m", &message]);
        let docs = TestRepo::new();
        docs.commit_file("README.md", "Nothing to see.\n", "readme");
        let repos = vec![app, infra, docs];
        for (repo, name) in repos.iter().zip(["app", "infra", "docs"]) {
            std::os::unix::fs::symlink(repo.path(), dir.path().join(name)).unwrap();
        }
        Fleet { dir, _repos: repos }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

#[test]
fn several_repositories_report_what_each_reports_alone() {
    let fleet = Fleet::new();
    let (sweep, err) = run_in(
        fleet.path(),
        &["git", "app", "infra", "docs", "-f", "json"],
        1,
    );
    assert!(!err.contains("error"), "{err}");
    let summaries = sweep["repositories"].as_array().unwrap();
    let names: Vec<&str> = summaries
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app", "infra", "docs"]);
    for (summary, name) in summaries.iter().zip(["app", "infra", "docs"]) {
        // Alone, with its own configuration: the same findings and counts.
        let code = if name == "infra" { 1 } else { 0 };
        let (alone, _) = run_in(fleet.path(), &["git", name, "-f", "json"], code);
        let own = findings_of(&sweep, name);
        assert_eq!(findings_alone(&own), findings_alone(&alone), "{name}");
        assert_eq!(
            summary["findings"],
            own["findings"].as_array().unwrap().len()
        );
        assert_eq!(summary["incomplete"], false);
        for count in ["files", "commits", "messages", "bytes"] {
            assert_eq!(
                summary["stats"][count], alone["stats"][count],
                "{name} {count}"
            );
        }
    }
    // app's allowlist held for app; infra's pair and message were found.
    let rules = |name: &str| -> Vec<String> {
        findings_of(&sweep, name)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule_id"].as_str().unwrap(),
                    f["path"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(rules("app"), ["github-pat src/settings.py"]);
    assert_eq!(
        rules("infra"),
        [
            "github-pat commit message",
            "aws-access-key-id deploy/id.env",
            "aws-secret-access-key deploy/secret.env"
        ]
    );
    assert_eq!(sweep["suppressed"]["allowlist-path"], 1);
    assert_eq!(sweep["stats"]["commits"], 7);

    // Each repository's own `fail_on`: app's fails on critical findings only, so its
    // high one fails the run neither alone nor with docs; infra's critical one does.
    let (without_infra, _) = run_in(fleet.path(), &["git", "app", "docs", "-f", "json"], 0);
    assert_eq!(without_infra["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn each_format_names_the_repository_of_each_finding() {
    let fleet = Fleet::new();
    let (_, human) = {
        let mut command = keyscan();
        command
            .current_dir(fleet.path())
            .args(["git", "app", "infra", "docs"]);
        let output = expect_exit(&mut command, 1);
        (stderr(&output), stdout(&output))
    };
    assert!(human.contains("app: src/settings.py:1:"), "{human}");
    assert!(human.contains("infra: deploy/secret.env:1:"), "{human}");
    assert!(human.contains("app: 1 finding (1 high) in"), "{human}");
    assert!(
        human.contains("docs: no secrets found in 1 unique blob of 1 commit"),
        "{human}"
    );
    assert!(human.contains("in 3 repositories"), "{human}");

    let lines = {
        let mut command = keyscan();
        command
            .current_dir(fleet.path())
            .args(["git", "app", "infra", "-f", "jsonl"]);
        stdout(&expect_exit(&mut command, 1))
    };
    let named: Vec<String> = lines
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["repository"].to_string())
        .collect();
    assert_eq!(named, ["\"app\"", "\"infra\"", "\"infra\"", "\"infra\""]);

    let sarif_file = fleet.path().join("sweep.sarif");
    let mut command = keyscan();
    command
        .current_dir(fleet.path())
        .args(["git", "app", "infra", "docs", "-f", "sarif", "-o"])
        .arg(&sarif_file);
    expect_exit(&mut command, 1);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_file).unwrap()).unwrap();
    let run = &sarif["runs"][0];
    let bases = &run["originalUriBaseIds"];
    for result in run["results"].as_array().unwrap() {
        let repository = result["properties"]["repository"].as_str().unwrap();
        let base = result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
            .as_str()
            .unwrap();
        let expected = match repository {
            "app" => "REPO1",
            "infra" => "REPO2",
            other => panic!("{other}"),
        };
        assert_eq!(base, expected);
        assert!(bases[base]["uri"].as_str().unwrap().starts_with("file:///"));
    }
    let summaries = run["properties"]["repositories"].as_array().unwrap();
    let bases: Vec<(&str, &str)> = summaries
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap(),
                r["uriBaseId"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bases,
        [("app", "REPO1"), ("infra", "REPO2"), ("docs", "REPO3")]
    );
    let problems = crate::formats::validator_problems(&sarif_file);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_repository_that_cannot_be_scanned_does_not_stop_the_others() {
    let fleet = Fleet::new();
    std::fs::create_dir(fleet.path().join("not-a-repo")).unwrap();
    let broken = TestRepo::new();
    broken.commit_file(
        ".keyscan.toml",
        "[allowlist\n",
        "a configuration that does not parse",
    );
    std::os::unix::fs::symlink(broken.path(), fleet.path().join("broken")).unwrap();
    let args = [
        "git",
        "app",
        "not-a-repo",
        "missing",
        "broken",
        "infra",
        "-f",
        "json",
    ];
    let (sweep, err) = run_in(fleet.path(), &args, 2);
    for name in ["not-a-repo", "missing", "broken"] {
        assert!(
            err.contains(&format!("error: {name}: not scanned: ")),
            "{err}"
        );
    }
    assert!(err.contains("incomplete result"), "{err}");
    assert_eq!(sweep["incomplete"], true);
    let incomplete: Vec<(&str, bool)> = sweep["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap(),
                r["incomplete"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        incomplete,
        [
            ("app", false),
            ("not-a-repo", true),
            ("missing", true),
            ("broken", true),
            ("infra", false)
        ]
    );
    // The others were scanned in full.
    assert_eq!(
        findings_of(&sweep, "app")["findings"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        findings_of(&sweep, "infra")["findings"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // In SARIF the failed repository's notification names it from the working
    // directory, even when only one other repository was scanned.
    let (_, _) = run_in(
        fleet.path(),
        &["git", "app", "missing", "-f", "sarif", "-o", "two.sarif"],
        2,
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(fleet.path().join("two.sarif")).unwrap())
            .unwrap();
    let run = &sarif["runs"][0];
    let notification = &run["invocations"][0]["toolExecutionNotifications"][0];
    let location = &notification["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "missing");
    let base = location["uriBaseId"].as_str().unwrap();
    let base_uri = run["originalUriBaseIds"][base]["uri"].as_str().unwrap();
    let cwd = std::fs::canonicalize(fleet.path()).unwrap();
    assert!(
        base_uri
            .trim_end_matches('/')
            .ends_with(cwd.to_str().unwrap()),
        "{base_uri}"
    );

    // A usage error is every repository's: it stops the run before any scan.
    let (_, err) = run_in(fleet.path(), &["git", "app", "infra", "--shard", "3/2"], 2);
    assert!(!err.contains("not scanned"), "{err}");
}

#[test]
fn repos_from_lists_repositories_one_per_line() {
    let fleet = Fleet::new();
    let list = fleet.path().join("repos.txt");
    std::fs::write(&list, "# the fleet\napp\n\n  infra  \n./app/\n").unwrap();
    let (sweep, _) = run_in(
        fleet.path(),
        &["git", "--repos-from", "repos.txt", "docs", "-f", "json"],
        1,
    );
    let names: Vec<&str> = sweep["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    // Those named first, then the list's; `./app/` is `app` again.
    assert_eq!(names, ["docs", "app", "infra"]);

    // `-` reads the list from standard input; one repository listed is still a sweep.
    let output = keyscan()
        .current_dir(fleet.path())
        .args(["git", "--repos-from", "-", "-f", "json"])
        .pipe_stdin(fleet.path().join("repos.txt"))
        .unwrap()
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let from_stdin: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(from_stdin["repositories"].as_array().unwrap().len(), 2);
    std::fs::write(&list, "docs\n").unwrap();
    let (one, _) = run_in(
        fleet.path(),
        &["git", "--repos-from", "repos.txt", "-f", "json"],
        0,
    );
    assert_eq!(one["repositories"][0]["path"], "docs");

    std::fs::write(&list, "# nothing yet\n\n").unwrap();
    let (_, err) = run_in(fleet.path(), &["git", "--repos-from", "repos.txt"], 2);
    assert!(err.contains("lists no repositories"), "{err}");
    let (_, err) = run_in(fleet.path(), &["git", "--repos-from", "absent.txt"], 2);
    assert!(err.contains("absent.txt"), "{err}");
    let (_, err) = run_in(fleet.path(), &["baseline", "git", "app", "infra"], 2);
    assert!(err.contains("one repository's"), "{err}");
}

#[test]
fn the_parts_of_a_split_sweep_merge_into_the_whole_sweep() {
    let fleet = Fleet::new();
    let args = ["git", "app", "infra", "docs"];
    let (whole, _) = run_in(fleet.path(), &[&args[..], &["-f", "json"]].concat(), 1);
    let parts_in = |format: &str| -> Vec<std::path::PathBuf> {
        (1..=3)
            .map(|index| {
                let file = fleet.path().join(format!("part-{index}.{format}"));
                let shard = format!("{index}/3");
                let mut command = keyscan();
                command
                    .current_dir(fleet.path())
                    .args(args)
                    .args(["--shard", &shard, "-f", format, "-o"])
                    .arg(&file);
                let code = command.output().unwrap().status.code();
                assert!(matches!(code, Some(0 | 1)), "part {shard}: {code:?}");
                file
            })
            .collect()
    };
    let parts = parts_in("json");
    let mut command = keyscan();
    command.arg("merge").args(&parts);
    let merged: Value = serde_json::from_str(&stdout(&expect_exit(&mut command, 1))).unwrap();
    assert_eq!(merged["findings"], whole["findings"]);
    // Each repository's summary: its path, findings and blobs, from a report's
    // `repositories` (JSON) or run property (SARIF).
    let summary = |repositories: &Value| -> Vec<(Value, Value, Value)> {
        repositories
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["path"].clone(),
                    r["findings"].clone(),
                    r["stats"]["files"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        summary(&merged["repositories"]),
        summary(&whole["repositories"])
    );

    // The joined parts as text, and as JSON Lines; JSON does not become SARIF.
    let mut command = keyscan();
    command.args(["merge", "--format", "human"]).args(&parts);
    let text = stdout(&expect_exit(&mut command, 1));
    assert!(text.contains("app: src/settings.py:1:"), "{text}");
    assert!(text.contains("infra: deploy/secret.env:1:"), "{text}");
    assert!(!text.contains(&fake_github_token(801)), "{text}");
    let count = whole["findings"].as_array().unwrap().len();
    let (blobs, commits) = (&whole["stats"]["files"], &whole["stats"]["commits"]);
    let summary_line = format!("{count} findings in {blobs} unique blobs of {commits} commits\n");
    assert!(text.ends_with(&summary_line), "{text}");
    assert_eq!(merged["stats"]["commits"], whole["stats"]["commits"]);
    let mut command = keyscan();
    command.args(["merge", "-f", "jsonl"]).args(&parts);
    assert_eq!(stdout(&expect_exit(&mut command, 1)).lines().count(), count);
    let mut command = keyscan();
    command.args(["merge", "-f", "sarif"]).args(&parts);
    let err = stderr(&expect_exit(&mut command, 2));
    assert!(
        err.contains("they merge into JSON, JSON Lines or human text"),
        "{err}"
    );

    // SARIF parts join into the whole sweep's results and summaries, valid for
    // Microsoft's validator.
    let whole_file = fleet.path().join("whole.sarif");
    let mut command = keyscan();
    command
        .current_dir(fleet.path())
        .args(args)
        .args(["-f", "sarif", "-o"])
        .arg(&whole_file);
    expect_exit(&mut command, 1);
    let whole: Value =
        serde_json::from_str(&std::fs::read_to_string(&whole_file).unwrap()).unwrap();
    let mut command = keyscan();
    command.arg("merge").args(parts_in("sarif"));
    let joined: Value = serde_json::from_str(&stdout(&expect_exit(&mut command, 1))).unwrap();
    let results = |log: &Value| -> BTreeSet<String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| {
                let mut result = result.clone();
                result.as_object_mut().unwrap().remove("ruleIndex");
                result.to_string()
            })
            .collect()
    };
    assert_eq!(results(&joined), results(&whole));
    let properties = |log: &Value| log["runs"][0]["properties"]["repositories"].clone();
    assert_eq!(summary(&properties(&joined)), summary(&properties(&whole)));
    let file = fleet.path().join("joined.sarif");
    std::fs::write(&file, joined.to_string()).unwrap();
    let problems = crate::formats::validator_problems(&file);
    assert!(problems.is_empty(), "{problems:?}");
}
