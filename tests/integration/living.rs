//! Living with findings: inline allow markers, the configuration file, allowlists,
//! baselines, and counts that keep every suppression visible.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{expect_exit, fake_github_token, keyscan, run_expect, stderr, stdout, write};
use crate::git_repo::TestRepo;

/// A JSON report of `keyscan ARGS... --format json` run in `dir`.
fn report_in(dir: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let output = keyscan()
        .args(args)
        .args(["--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    let report = serde_json::from_str(&stdout(&output)).unwrap_or(Value::Null);
    (output.status.code(), report, stderr(&output))
}

fn paths_and_lines(report: &Value) -> Vec<(String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn tree(files: &[(&str, String)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

#[test]
fn inline_markers_suppress_visibly_and_no_suppress_shows_all() {
    let t = |i| fake_github_token(i);
    let dir = tree(&[(
        "app.py",
        format!(
            "A = '{}'  # keyscan:allow test fixture\n\
             B = '{}'  // gitleaks:allow\n\
             C = '{}'  # pragma: allowlist secret\n\
             # keyscan:allow-next-line\n\
             D = '{}'\n\
             E = '{}'\n",
            t(600),
            t(601),
            t(602),
            t(603),
            t(604)
        ),
    )]);
    let (code, report, _) = report_in(dir.path(), &["."]);
    assert_eq!(code, Some(1));
    assert_eq!(paths_and_lines(&report), vec![("app.py".to_owned(), 6)]);
    assert_eq!(report["suppressed"]["inline"], 4);
    let human = keyscan()
        .args([".", "--color", "never"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        stdout(&human).contains("suppressed: 4 inline (--no-suppress shows them)"),
        "{}",
        stdout(&human)
    );
    let (_, everything, _) = report_in(dir.path(), &[".", "--no-suppress"]);
    assert_eq!(everything["findings"].as_array().unwrap().len(), 5);
}

#[test]
fn a_narrowed_marker_does_not_hide_a_different_secret_added_later() {
    let old = fake_github_token(605);
    let dir = tree(&[("a.env", format!("T={old}\n"))]);
    let (_, report, _) = report_in(dir.path(), &["."]);
    let fingerprint = report["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    // The team accepts exactly this secret on its line, by fingerprint prefix.
    write(
        dir.path(),
        "a.env",
        format!("T={old} # keyscan:allow {}\n", &fingerprint[..12]),
    );
    let (code, _, _) = report_in(dir.path(), &["."]);
    assert_eq!(code, Some(0));
    // A marker written before fingerprints were salted names the version 1 one.
    let legacy = fast_hash(&["keyscan:v1", "github-pat", &old]);
    write(
        dir.path(),
        "a.env",
        format!("T={old} # keyscan:allow {}\n", &legacy[..12]),
    );
    let (code, _, _) = report_in(dir.path(), &["."]);
    assert_eq!(code, Some(0));
    // Later someone pastes a real key onto the same allowed line.
    let new = fake_github_token(606);
    write(
        dir.path(),
        "a.env",
        format!("T={new} # keyscan:allow {}\n", &fingerprint[..12]),
    );
    let (code, report, _) = report_in(dir.path(), &["."]);
    assert_eq!(
        code,
        Some(1),
        "a new secret on an allowed line must be reported"
    );
    assert_ne!(report["findings"][0]["fingerprint"], fingerprint.as_str());
    // A rule-scoped marker covers only that rule.
    let aws_line = "aws_secret_access_key = \"Zq8Vd2Lm4Np6Rt8Xw0Yb3Cf5Gh7Jk9Mn1Pq3Rs5T\"";
    write(
        dir.path(),
        "a.env",
        format!("{aws_line} # keyscan:allow github-pat\n"),
    );
    let (code, report, _) = report_in(dir.path(), &["."]);
    assert_eq!(code, Some(1));
    assert_eq!(report["findings"][0]["rule_id"], "aws-secret-access-key");
}

#[test]
fn the_configuration_is_found_upward_and_applies_allowlists_and_rule_choices() {
    let t = |i| fake_github_token(i);
    let dir = tree(&[
        (
            ".keyscan.toml",
            "[rules]\ndisable = [\"generic-jwt\"]\n\
             [allowlist]\npaths = [\"fixtures/\"]\nsecrets = [\"^ghp_FAKE\"]\nlines = [\"NOT-A-SECRET\"]\n\
             stopwords = [\"sample\"]\n"
                .to_owned(),
        ),
        ("src/fixtures/keys.txt", format!("{}\n", t(607))),
        ("src/a.txt", "aws_secret_access_key = 'Zq8Vd2Lm4Np6Rt8Xw0Yb3Cf5Gh7Jk9Mn1Pq3Rs5T' NOT-A-SECRET\n".to_owned()),
        ("src/b.txt", "aws_secret_access_key = 'Zq8Vd2Lm4Np6SampleXw0Yb3Cf5Gh7Jk9Mn1Pq3R'\n".to_owned()),
        ("src/c.txt", "jwt = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlc2lnbmF0dXJl\n".to_owned()),
        ("src/d.txt", format!("{}\n", t(608))),
    ]);
    let src = dir.path().join("src");
    let (code, report, err) = report_in(&src, &["."]);
    assert_eq!(code, Some(0), "{report} {err}");
    let suppressed = &report["suppressed"];
    assert_eq!(suppressed["allowlist-path"], 1);
    assert_eq!(suppressed["allowlist-line"], 1);
    assert_eq!(suppressed["stopword"], 1);
    assert_eq!(suppressed["allowlist-secret"], 1, "{report}");
    let (_, unconfigured, _) = report_in(&src, &[".", "--no-config"]);
    assert_eq!(
        unconfigured["findings"].as_array().unwrap().len(),
        5,
        "{unconfigured}"
    );
}

#[test]
fn min_severity_and_scan_options_come_from_the_configuration() {
    let dir = tree(&[
        (
            ".keyscan.toml",
            "[rules]\nmin_severity = \"critical\"\n[scan]\nmax_file_size = \"100B\"\n".to_owned(),
        ),
        ("small.txt", format!("{}\n", fake_github_token(609))),
        (
            "big.txt",
            format!("{}\n{}\n", "x".repeat(200), fake_github_token(610)),
        ),
    ]);
    let (code, report, err) = report_in(dir.path(), &["."]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(report["suppressed"]["min-severity"], 1);
    assert_eq!(report["stats"]["skipped_too_large"], 1);
    let (_, flags_win, _) = report_in(dir.path(), &[".", "--max-file-size", "1MB"]);
    assert_eq!(flags_win["suppressed"]["min-severity"], 2);
}

#[test]
fn configuration_errors_name_file_line_and_key() {
    let dir = tree(&[
        (
            ".keyscan.toml",
            "[rules]\ndisable = [\"generic-jwt\"]\n\n[allowlst]\npaths = []\n".to_owned(),
        ),
        ("a.txt", "clean\n".to_owned()),
    ]);
    let output = expect_exit(keyscan().arg(".").current_dir(dir.path()), 2);
    let err = stderr(&output);
    assert!(
        err.contains(".keyscan.toml:4: ") && err.contains("allowlst"),
        "{err}"
    );
    write(
        dir.path(),
        ".keyscan.toml",
        "[rules]\ndisable = [\n  \"generic-jwt\",\n  \"no-such-rule\",\n]\n",
    );
    let output = expect_exit(keyscan().arg(".").current_dir(dir.path()), 2);
    assert!(
        stderr(&output)
            .contains(".keyscan.toml:4: rules.disable: no rule has the id `no-such-rule`"),
        "{}",
        stderr(&output)
    );
    write(
        dir.path(),
        ".keyscan.toml",
        "[scan]\nmax_file_size = \"huge\"\n",
    );
    let output = keyscan().arg(".").current_dir(dir.path()).output().unwrap();
    assert!(
        stderr(&output).contains(".keyscan.toml:2: scan.max_file_size"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn config_init_writes_a_commented_file_once() {
    let dir = tempfile::tempdir().unwrap();
    expect_exit(
        keyscan().args(["config", "init"]).current_dir(dir.path()),
        0,
    );
    let text = std::fs::read_to_string(dir.path().join(".keyscan.toml")).unwrap();
    assert!(text.contains("[allowlist]") && text.contains("# baseline ="));
    let (code, _, err) = report_in(dir.path(), &["."]);
    assert_eq!(
        code,
        Some(0),
        "the template is a valid, empty configuration: {err}"
    );
    let again = expect_exit(
        keyscan().args(["config", "init"]).current_dir(dir.path()),
        2,
    );
    assert!(stderr(&again).contains("already exists"));
}

#[test]
fn rules_named_by_the_configuration_are_loaded() {
    let rule = "provider = \"Acme\"\n[[rules]]\nid = \"acme-token\"\nname = \"Acme token\"\n\
                description = \"Acme API token.\"\nseverity = \"high\"\nkeywords = [\"acme_\"]\n\
                pattern = '''\\b(?P<secret>acme_[a-z0-9]{12})\\b'''\nexamples = [\"acme_q7vz2lmn9pr4\"]\n\
                counterexamples = [\"acme_short\"]\n";
    let dir = tree(&[
        (
            ".keyscan.toml",
            "[rules]\npaths = [\"security/rules\"]\n".to_owned(),
        ),
        ("security/rules/acme.toml", rule.to_owned()),
        ("app.txt", "token = acme_zt8kq2mwx4rb\n".to_owned()),
    ]);
    let (code, report, err) = report_in(dir.path(), &["app.txt"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(report["findings"][0]["rule_id"], "acme-token");
}

#[test]
fn a_baseline_accepts_old_findings_wherever_they_move_but_not_new_ones() {
    let old = fake_github_token(611);
    let dir = tree(&[("src/a.py", format!("import os\nT = '{old}'\n"))]);
    expect_exit(
        keyscan()
            .args(["baseline", ".", "-o", ".keyscan-baseline.json"])
            .current_dir(dir.path()),
        0,
    );
    let text = std::fs::read_to_string(dir.path().join(".keyscan-baseline.json")).unwrap();
    assert!(
        !text.contains(&old),
        "the baseline must not hold the secret"
    );
    assert!(
        text.contains("\"rule_id\":\"github-pat\"") && text.contains("\"path\":\"src/a.py\""),
        "{text}"
    );
    let (code, report, _) = report_in(dir.path(), &[".", "--baseline", ".keyscan-baseline.json"]);
    assert_eq!(code, Some(0));
    assert_eq!(report["suppressed"]["baseline"], 1);
    // A rebase-like move: the same secret on another line of another file.
    std::fs::remove_file(dir.path().join("src/a.py")).unwrap();
    write(
        dir.path(),
        "lib/moved.py",
        format!("\n\n\nTOKEN = '{old}'\n"),
    );
    let (code, _, _) = report_in(dir.path(), &[".", "--baseline", ".keyscan-baseline.json"]);
    assert_eq!(code, Some(0), "a moved, baselined secret stays accepted");
    // A different secret on the baselined line is new.
    write(
        dir.path(),
        "lib/moved.py",
        format!("\n\n\nTOKEN = '{}'\n", fake_github_token(612)),
    );
    let (code, report, _) = report_in(dir.path(), &[".", "--baseline", ".keyscan-baseline.json"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        paths_and_lines(&report),
        vec![("lib/moved.py".to_owned(), 4)]
    );
    // The configuration can name the baseline.
    write(
        dir.path(),
        ".keyscan.toml",
        "baseline = \".keyscan-baseline.json\"\n",
    );
    write(dir.path(), "lib/moved.py", format!("TOKEN = '{old}'\n"));
    let (code, _, _) = report_in(dir.path(), &["."]);
    assert_eq!(code, Some(0));
}

#[test]
fn prune_drops_entries_that_no_longer_match_and_keeps_the_rest() {
    let dir = tree(&[
        ("a.env", format!("T={}\n", fake_github_token(613))),
        ("b.env", format!("T={}\n", fake_github_token(614))),
    ]);
    let baseline = |args: &[&str]| {
        expect_exit(
            keyscan().arg("baseline").args(args).current_dir(dir.path()),
            0,
        )
    };
    baseline(&["."]);
    std::fs::remove_file(dir.path().join("b.env")).unwrap();
    write(
        dir.path(),
        "c.env",
        format!("T={}\n", fake_github_token(615)),
    );
    let pruned = baseline(&[".", "--prune"]);
    assert!(
        stdout(&pruned).contains("kept 1 entry, dropped 1"),
        "{}",
        stdout(&pruned)
    );
    let text = std::fs::read_to_string(dir.path().join(".keyscan-baseline.json")).unwrap();
    assert!(
        text.contains("a.env") && !text.contains("b.env") && !text.contains("c.env"),
        "{text}"
    );
}

/// The fingerprints of the findings of `keyscan . ARGS... --format json` in `dir`.
fn fingerprints_in(dir: &Path, args: &[&str]) -> Vec<String> {
    let (_, report, _) = report_in(dir, &[&["."], args].concat());
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["fingerprint"].as_str().unwrap().to_owned())
        .collect()
}

/// SHA-256 of `parts`, each followed by a NUL, first 128 bits in hex: how a fast,
/// unsalted fingerprint would be made.
fn fast_hash(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn fingerprints_are_salted_per_baseline_and_old_baselines_still_accept() {
    let password = "hunter2x";
    let dir = tree(&[(
        "db.env",
        format!("DATABASE_URL=postgres://app:{password}@db.internal:5432/app\n"),
    )]);
    let unsalted = fast_hash(&["keyscan:v1", "database-url-postgres", password]);
    let plain = fingerprints_in(dir.path(), &[]);
    assert_eq!(plain.len(), 1, "{plain:?}");
    assert_ne!(plain[0], unsalted, "not the unsalted hash of version 1");
    assert_eq!(
        plain,
        fingerprints_in(dir.path(), &[]),
        "stable across runs"
    );

    // A baseline has a salt of its own: the same password fingerprints differently in
    // two projects, and not as any fast hash of the password.
    let write_baseline = |name: &str, extra: &[&str]| {
        expect_exit(
            keyscan()
                .args(["baseline", ".", "-o", name])
                .args(extra)
                .current_dir(dir.path()),
            0,
        );
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        serde_json::from_str::<Value>(&text).unwrap()
    };
    let first = write_baseline("first.json", &[]);
    let second = write_baseline("second.json", &[]);
    assert_eq!(first["keyscan_baseline"], 2);
    let salt = first["salt"].as_str().unwrap().to_owned();
    assert_eq!(salt.len(), 32);
    assert_ne!(first["salt"], second["salt"]);
    let recorded = first["findings"][0]["fingerprint"].as_str().unwrap();
    assert_ne!(
        recorded,
        second["findings"][0]["fingerprint"].as_str().unwrap()
    );
    for guess in [
        fast_hash(&["keyscan:v2", &salt, "database-url-postgres", password]),
        fast_hash(&[&salt, password]),
        unsalted.clone(),
    ] {
        assert_ne!(recorded, guess);
    }
    // Scans with the baseline use its salt; writing it again keeps the salt.
    assert_eq!(
        fingerprints_in(dir.path(), &["--baseline", "first.json", "--no-suppress"]),
        [recorded]
    );
    let (code, report, _) = report_in(dir.path(), &[".", "--baseline", "first.json"]);
    assert_eq!(
        (code, report["suppressed"]["baseline"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(
        write_baseline("first.json", &[])["salt"].as_str(),
        Some(salt.as_str())
    );

    // A version 1 baseline (unsalted fingerprints) still accepts, with a warning, and
    // --prune rewrites it as version 2 with the same entries.
    let legacy = format!(
        "{{\"keyscan_baseline\": 1, \"findings\": [{{\"fingerprint\": \"{unsalted}\", \"rule_id\": \"database-url-postgres\", \"path\": \"db.env\"}}]}}\n"
    );
    write(dir.path(), "old.json", &legacy);
    let (code, report, err) = report_in(dir.path(), &[".", "--baseline", "old.json"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(report["suppressed"]["baseline"], 1);
    assert!(err.contains("version 1 baseline"), "{err}");
    let migrated = write_baseline("old.json", &["--prune"]);
    assert_eq!(migrated["keyscan_baseline"], 2);
    assert_eq!(migrated["findings"].as_array().unwrap().len(), 1);
    assert_ne!(
        migrated["findings"][0]["fingerprint"].as_str(),
        Some(unsalted.as_str())
    );
    let (code, _, err) = report_in(dir.path(), &[".", "--baseline", "old.json"]);
    assert_eq!(code, Some(0));
    assert!(!err.contains("version 1"), "{err}");
}

#[test]
fn a_malformed_baseline_is_an_error() {
    let dir = tree(&[
        ("a.env", format!("T={}\n", fake_github_token(616))),
        ("bad.json", "{\"findings\": 3}".to_owned()),
    ]);
    let (code, _, err) = report_in(dir.path(), &[".", "--baseline", "bad.json"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("bad.json:1: not a keyscan baseline"), "{err}");
    let (code, _, err) = report_in(dir.path(), &[".", "--baseline", "missing.json"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("missing.json: cannot read"), "{err}");
}

#[test]
fn a_history_baseline_accepts_old_commits_secrets() {
    let repo = TestRepo::new();
    repo.commit_file("old.env", &format!("T={}\n", fake_github_token(617)), "old");
    expect_exit(
        keyscan()
            .args(["baseline", "git", ".", "-o", "base.json"])
            .current_dir(repo.path()),
        0,
    );
    repo.commit_file("new.env", &format!("T={}\n", fake_github_token(618)), "new");
    let output = run_expect(
        1,
        &[
            "git",
            repo.arg(),
            "--baseline",
            repo.path().join("base.json").to_str().unwrap(),
            "-f",
            "jsonl",
        ],
    );
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains("new.env"));
}

#[test]
fn an_allowlists_entry_is_for_its_rules_and_with_and_needs_every_criterion() {
    let token = |seed| format!("T = '{}'\n", fake_github_token(seed));
    let (id, _) = crate::common::fake_aws_pair(960);
    let dir = tree(&[
        ("tests/unit/a.py", token(961)),
        (
            "tests/unit/b.py",
            format!("# a test\n{} # sample\n", token(962).trim_end()),
        ),
        ("tests/unit/keys.env", format!("AWS_ACCESS_KEY_ID={id}\n")),
        (
            "src/c.py",
            format!("# code\n{} # sample\n", token(963).trim_end()),
        ),
        (
            ".keyscan.toml",
            "[[allowlists]]\n\
             description = \"GitHub tokens in tests that say they are samples\"\n\
             rules = [\"github-pat\"]\n\
             condition = \"and\"\n\
             paths = [\"tests/\"]\n\
             lines = [\"sample\"]\n\
             secrets = [\".\"]\n"
                .to_owned(),
        ),
    ]);
    let (code, report, err) = report_in(dir.path(), &["."]);
    assert_eq!(code, Some(1), "{err}");
    let mut found = paths_and_lines(&report);
    found.sort();
    assert_eq!(
        found,
        [
            ("src/c.py".to_owned(), 2),
            ("tests/unit/a.py".to_owned(), 1),
            ("tests/unit/keys.env".to_owned(), 1),
        ],
        "only b.py is in tests/, on a line saying sample, and of github-pat; a.py lacks the \
         line, c.py the path, keys.env the rule"
    );
    assert_eq!(report["suppressed"]["allowlist-entry"], 1);
    // An entry naming a rule keyscan does not have is an error, with its line.
    write(
        dir.path(),
        ".keyscan.toml",
        "[[allowlists]]\nrules = [\"github-path\"]\nstopwords = [\"x\"]\n",
    );
    let (code, _, err) = report_in(dir.path(), &["."]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(":2: allowlists.rules: no rule has the id `github-path`"),
        "{err}"
    );
}
