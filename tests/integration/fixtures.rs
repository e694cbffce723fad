//! The seed providers' keys in the syntaxes people write (`fixtures/seeds/`), and
//! keyscan's self-scan.

use serde_json::Value;

use crate::common::{expect_exit, run, run_expect, stdout};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");

#[test]
fn seed_provider_keys_are_found_and_paired() {
    // --no-config: this repository's own configuration allowlists its fixtures.
    let output = run_expect(1, &[FIXTURES, "--format", "jsonl", "--no-config"]);
    let mut found: Vec<(String, String, Option<String>)> = stdout(&output)
        .lines()
        .map(|line| {
            let finding: Value = serde_json::from_str(line).unwrap();
            let path = finding["path"].as_str().unwrap();
            let file = path
                .strip_prefix(FIXTURES)
                .unwrap()
                .trim_start_matches('/')
                .to_owned();
            let pair = finding["pair"]["rule_id"].as_str().map(str::to_owned);
            (file, finding["rule_id"].as_str().unwrap().to_owned(), pair)
        })
        .collect();
    found.sort();
    let expected = [
        (
            "iot-guardian/client.go",
            "iot-guardian-access-key-unverified",
            None,
        ),
        (
            "iot-guardian/devices.sh",
            "iot-guardian-access-key",
            Some("iot-guardian-key-id"),
        ),
        (
            "kakaocloud/main.tf",
            "kakaocloud-iam-secret-access-key",
            Some("kakaocloud-iam-access-key-id"),
        ),
        (
            "kakaocloud/object-storage.env",
            "kakaocloud-s3-secret-access-key",
            Some("kakaocloud-s3-access-key-id"),
        ),
        (
            "nhncloud/instances.py",
            "nhncloud-secret-access-key",
            Some("nhncloud-user-access-key-id"),
        ),
        ("nhncloud/notify.js", "nhncloud-appkey", None),
        (
            "ovhcloud/login.py",
            "ovhcloud-dataplatform-secret-key",
            Some("ovhcloud-dataplatform-api-key"),
        ),
    ];
    let expected: Vec<(String, String, Option<String>)> = expected
        .iter()
        .map(|(file, rule, pair)| (file.to_string(), rule.to_string(), pair.map(str::to_owned)))
        .collect();
    assert_eq!(
        found, expected,
        "README.md holds only the providers' documentation placeholders"
    );
}

#[test]
fn paired_findings_are_high_confidence() {
    let file = format!("{FIXTURES}/nhncloud/instances.py");
    let output = run(&[&file, "--format", "json", "--no-config"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["confidence"], "high");
    assert_eq!(finding["line"], 6);
    assert_eq!(finding["pair"]["line"], 5);
}

/// keyscan's own fake keys are allowlisted by its `.keyscan.toml`, in every mode.
#[test]
fn keyscan_finds_nothing_in_its_own_repository_or_history() {
    let root = env!("CARGO_MANIFEST_DIR");
    for args in [&[root][..], &["git", root]] {
        // Exit 0: no self-scan findings (a failure shows them).
        let output = expect_exit(
            crate::common::keyscan()
                .args(args)
                .args(["--format", "json"]),
            0,
        );
        let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
        let suppressed = report["suppressed"]["allowlist-path"].as_u64().unwrap_or(0);
        assert!(
            suppressed > 100,
            "the fixtures are scanned and counted: {suppressed}"
        );
    }
}
