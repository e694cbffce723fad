//! The GitHub Action's logic (`action/run.sh`), run locally with the `GITHUB_*`
//! variables and event payloads GitHub would set.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use crate::common::{expect_exit, fake_github_token, stdout};
use crate::git_repo::TestRepo;

/// A repository whose `main` holds an old secret and whose `pr` branch adds a new one.
struct Scenario {
    repo: TestRepo,
    base: String,
    head: String,
    files: TempDir,
}

impl Scenario {
    fn new() -> Scenario {
        let repo = TestRepo::new();
        repo.commit_file(
            "old.env",
            &format!("T={}\n", fake_github_token(500)),
            "old secret",
        );
        let base = repo.head();
        repo.git(&["checkout", "-q", "-b", "pr"]);
        repo.commit_file(
            "src/new.py",
            &format!("T = '{}'\n", fake_github_token(501)),
            "new secret",
        );
        let head = repo.head();
        Scenario {
            repo,
            base,
            head,
            files: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.files.path().join(name)
    }

    /// `action/run.sh MODE` as GitHub would run it for `event` with `payload`.
    fn command(&self, mode: &str, event: &str, payload: &Value, extra: &[(&str, &str)]) -> Command {
        std::fs::write(self.path("event.json"), payload.to_string()).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("action/run.sh");
        let mut command = Command::new("bash");
        command
            .arg(script)
            .arg(mode)
            .current_dir(self.files.path())
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_EVENT_PATH", self.path("event.json"))
            .env("GITHUB_WORKSPACE", self.repo.path())
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("KEYSCAN_BIN", assert_cmd::cargo::cargo_bin("keyscan"))
            .env("KEYSCAN_SARIF", self.path("keyscan.sarif"));
        for (key, value) in extra {
            command.env(key, value);
        }
        command
    }

    /// Runs `action/run.sh MODE` as GitHub would for `event` with `payload`.
    fn run(&self, mode: &str, event: &str, payload: &Value, extra: &[(&str, &str)]) -> Output {
        self.command(mode, event, payload, extra)
            .output()
            .expect("bash runs")
    }

    /// Runs `action/run.sh MODE` as [`Scenario::run`] does, and checks that it exits
    /// with `code` as [`expect_exit`] does.
    #[track_caller]
    fn run_expect(
        &self,
        code: i32,
        mode: &str,
        event: &str,
        payload: &Value,
        extra: &[(&str, &str)],
    ) -> Output {
        expect_exit(&mut self.command(mode, event, payload, extra), code)
    }

    fn outputs(&self) -> String {
        std::fs::read_to_string(self.path("output")).unwrap_or_default()
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.path("summary.md")).unwrap_or_default()
    }

    fn sarif_uris(&self) -> Vec<String> {
        let sarif: Value =
            serde_json::from_str(&std::fs::read_to_string(self.path("keyscan.sarif")).unwrap())
                .unwrap();
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }
}

fn pull_request(base: &str, head: &str) -> Value {
    serde_json::json!({ "pull_request": { "base": { "sha": base }, "head": { "sha": head } } })
}

#[test]
fn on_pull_request_only_the_pull_requests_commits_are_scanned() {
    let scenario = Scenario::new();
    let event = pull_request(&scenario.base, &scenario.head);
    scenario.run_expect(0, "scan", "pull_request", &event, &[]);
    assert_eq!(scenario.sarif_uris(), ["src/new.py"]);
    let outputs = scenario.outputs();
    assert!(
        outputs.contains("exit-code=1\n") && outputs.contains("findings=1\n"),
        "{outputs}"
    );
    let summary = scenario.summary();
    assert!(
        summary.contains("| high | github-pat | src/new.py | 1 |"),
        "{summary}"
    );
    assert!(summary.contains(&scenario.head[..12]));
    assert!(!summary.contains("old.env"));
    assert!(
        !summary.contains(&fake_github_token(501)),
        "the job summary must not leak the secret"
    );
}

#[test]
fn on_push_the_whole_history_is_scanned() {
    let scenario = Scenario::new();
    let event = serde_json::json!({ "ref": "refs/heads/pr", "after": scenario.head });
    scenario.run_expect(0, "scan", "push", &event, &[]);
    assert_eq!(scenario.sarif_uris(), ["old.env", "src/new.py"]);
    assert!(scenario.outputs().contains("findings=2\n"));
    assert!(
        scenario
            .summary()
            .contains("2 secrets found in the whole history")
    );
}

#[test]
fn extra_arguments_reach_keyscan() {
    let scenario = Scenario::new();
    scenario.run_expect(
        0,
        "scan",
        "schedule",
        &serde_json::json!({}),
        &[("KEYSCAN_ARGS", "--max-commits 1")],
    );
    assert_eq!(scenario.sarif_uris(), ["src/new.py"]);
}

#[test]
fn config_and_baseline_inputs_reach_keyscan() {
    let scenario = Scenario::new();
    let baseline = scenario.path("baseline.json");
    expect_exit(
        crate::common::keyscan()
            .args([
                "baseline",
                "git",
                scenario.repo.arg(),
                "--max-commits",
                "1",
                "-o",
            ])
            .arg(&baseline),
        0,
    );
    // Allowlist globs are relative to the configuration file, which lives in the repository.
    let config = scenario.repo.path().join("keyscan-ci.toml");
    std::fs::write(&config, "[allowlist]\npaths = [\"old.env\"]\n").unwrap();
    let env = [
        ("KEYSCAN_BASELINE", baseline.to_str().unwrap()),
        ("KEYSCAN_CONFIG", config.to_str().unwrap()),
    ];
    scenario.run_expect(0, "scan", "push", &serde_json::json!({}), &env);
    assert!(
        scenario.outputs().contains("findings=0\n"),
        "{}",
        scenario.outputs()
    );
    assert!(scenario.summary().contains("No secrets found"));
}

#[test]
fn a_pull_request_that_allowlists_its_own_secret_is_flagged_for_review() {
    let scenario = Scenario::new();
    scenario.repo.commit_file(
        ".keyscan.toml",
        "[allowlist]\npaths = [\"src/**\"]\n",
        "quiet the scanner",
    );
    let head = scenario.repo.head();
    let event = pull_request(&scenario.base, &head);
    // The base commit's settings judge the change: its allowlist is not there yet.
    let output = scenario.run_expect(0, "scan", "pull_request", &event, &[]);
    assert!(
        scenario.outputs().contains("findings=1\n"),
        "{}",
        scenario.outputs()
    );
    assert!(
        stdout(&output).contains("judging with the configuration and baseline of the base"),
        "{}",
        stdout(&output)
    );
    // With settings-from: head the checkout's configuration applies, as it does
    // locally...
    let output = scenario.run_expect(
        0,
        "scan",
        "pull_request",
        &event,
        &[("KEYSCAN_SETTINGS_FROM", "head")],
    );
    assert!(
        scenario.outputs().contains("findings=0\n"),
        "{}",
        scenario.outputs()
    );
    // ...but the change to it is an annotation on the file and in the summary.
    assert!(
        stdout(&output).contains(
            "::warning file=.keyscan.toml::keyscan: this pull request changes .keyscan.toml"
        ),
        "{}",
        stdout(&output)
    );
    let summary = scenario.summary();
    assert!(
        summary.contains("Not reported: 1 by allowlist-path"),
        "{summary}"
    );
    assert!(
        summary
            .contains("**This pull request changes what keyscan does not report**: .keyscan.toml."),
        "{summary}"
    );
    // A pull request that leaves the settings alone gets no such warning.
    let plain = scenario.run(
        "scan",
        "pull_request",
        &pull_request(&scenario.base, &scenario.head),
        &[],
    );
    assert!(!stdout(&plain).contains("::warning"), "{}", stdout(&plain));
}

#[test]
fn the_base_commits_settings_judge_a_pull_request_that_removes_them() {
    let scenario = Scenario::new();
    // The base allowlists src/; the pull request deletes that and adds a secret there.
    scenario
        .repo
        .git(&["checkout", "-q", "-b", "base2", &scenario.base]);
    scenario.repo.commit_file(
        ".keyscan.toml",
        "[allowlist]\npaths = [\"src/**\"]\n",
        "settings",
    );
    let base = scenario.repo.head();
    scenario.repo.git(&["checkout", "-q", "-b", "pr2"]);
    scenario.repo.git(&["rm", "-q", ".keyscan.toml"]);
    scenario.repo.commit_file(
        "src/other.py",
        &format!("T = '{}'\n", fake_github_token(502)),
        "drop the settings, add a secret",
    );
    let event = pull_request(&base, &scenario.repo.head());
    scenario.run_expect(0, "scan", "pull_request", &event, &[]);
    let summary = scenario.summary();
    assert!(scenario.outputs().contains("findings=0\n"), "{summary}");
    assert!(
        summary.contains("Not reported: 1 by allowlist-path"),
        "{summary}"
    );
    // The temporary checkout of the base is gone again.
    let worktrees = scenario.repo.git(&["worktree", "list"]);
    assert_eq!(worktrees.lines().count(), 1, "{worktrees}");
}

#[test]
fn a_missing_base_commit_asks_for_a_full_checkout() {
    let scenario = Scenario::new();
    let event = pull_request("0123456789abcdef0123456789abcdef01234567", &scenario.head);
    let output = scenario.run_expect(2, "scan", "pull_request", &event, &[]);
    assert!(
        stdout(&output).contains("fetch-depth: 0"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn the_verdict_fails_on_findings_unless_told_not_to() {
    let scenario = Scenario::new();
    let none = serde_json::json!({});
    scenario.run_expect(0, "verdict", "push", &none, &[("KEYSCAN_EXIT_CODE", "0")]);
    let found = scenario.run_expect(1, "verdict", "push", &none, &[("KEYSCAN_EXIT_CODE", "1")]);
    assert!(stdout(&found).contains("::error::keyscan found secrets"));
    let allowed = scenario.run_expect(
        0,
        "verdict",
        "push",
        &none,
        &[
            ("KEYSCAN_EXIT_CODE", "1"),
            ("KEYSCAN_FAIL_ON_FINDINGS", "false"),
        ],
    );
    assert!(stdout(&allowed).contains("::warning::"));
    // Exit 1: an incomplete scan always fails.
    scenario.run_expect(
        1,
        "verdict",
        "push",
        &none,
        &[
            ("KEYSCAN_EXIT_CODE", "2"),
            ("KEYSCAN_FAIL_ON_FINDINGS", "false"),
        ],
    );
}

#[test]
fn action_yml_runs_the_script_and_uploads_sarif() {
    let action =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    assert!(action.contains("using: composite"));
    assert!(action.contains("action/run.sh\" scan") && action.contains("action/run.sh\" verdict"));
    assert!(action.contains("github/codeql-action/upload-sarif"));
    assert!(action.contains("cargo +stable install --locked --path \"$GITHUB_ACTION_PATH\""));
}

#[test]
fn the_cache_key_is_a_hash_of_what_the_build_reads() {
    let key_of = |root: &Path| {
        let outputs = tempfile::NamedTempFile::new().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("action/run.sh");
        let status = std::process::Command::new("bash")
            .arg(&script)
            .arg("cache-key")
            .env("GITHUB_ACTION_PATH", root)
            .env("GITHUB_OUTPUT", outputs.path())
            .status()
            .expect("bash runs");
        assert!(status.success());
        let text = std::fs::read_to_string(outputs.path()).unwrap();
        let key = text
            .trim()
            .strip_prefix("key=")
            .expect("a key output")
            .to_owned();
        assert_eq!(key.len(), 64, "{text}");
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
        key
    };
    // A copy of what the build reads, somewhere else: the same key.
    let copy = tempfile::tempdir().unwrap();
    let top = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        std::fs::copy(top.join(name), copy.path().join(name)).unwrap();
    }
    for dir in ["src", "rules"] {
        let copied = std::process::Command::new("cp")
            .args(["-R"])
            .arg(top.join(dir))
            .arg(copy.path())
            .status()
            .unwrap();
        assert!(copied.success());
    }
    let key = key_of(top);
    assert_eq!(key_of(copy.path()), key);
    // A changed rule is a new build.
    let rule = copy.path().join("rules/github.toml");
    let mut text = std::fs::read_to_string(&rule).unwrap();
    text.push_str("\n# changed\n");
    std::fs::write(&rule, text).unwrap();
    assert_ne!(key_of(copy.path()), key);
    let action = std::fs::read_to_string(top.join("action.yml")).unwrap();
    assert!(action.contains("key: keyscan-${{ runner.os }}-${{ steps.cache-key.outputs.key }}"));
    assert!(!action.contains("${{ hashFiles"));
}
