//! Both halves of a pair located: across the decoded views of one file, and across
//! the files of one directory (of one commit, in history).

use serde_json::Value;

use crate::common::{fake_aws_pair, run_expect, stdout, write};
use crate::git_repo::TestRepo;

/// One located half: (role, path relative to the scan root, line).
type Half = (String, String, u64);

/// Each finding of `keyscan ARGS -f json --no-config` (exit 1) as its rule and halves.
fn findings(args: &[&str], root: &str) -> Vec<(String, Vec<Half>)> {
    let mut all = args.to_vec();
    all.extend(["--format", "json", "--no-config"]);
    let report: Value = serde_json::from_str(&stdout(&run_expect(1, &all))).unwrap();
    let mut found: Vec<(String, Vec<Half>)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            let halves = finding["parts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|part| {
                    let path = part["path"].as_str().unwrap();
                    let relative = path.strip_prefix(root).unwrap_or(path);
                    (
                        part["role"].as_str().unwrap().to_owned(),
                        relative.trim_start_matches('/').to_owned(),
                        part["line"].as_u64().unwrap(),
                    )
                })
                .collect();
            (finding["rule_id"].as_str().unwrap().to_owned(), halves)
        })
        .collect();
    found.sort();
    found
}

fn half(role: &str, path: &str, line: u64) -> Half {
    (role.to_owned(), path.to_owned(), line)
}

#[test]
fn an_identifier_in_a_sibling_file_is_the_secrets_pair() {
    let dir = tempfile::tempdir().unwrap();
    let (id, secret) = fake_aws_pair(81);
    write(
        dir.path(),
        "app/.env",
        format!("REGION=eu-west-1\nAWS_ACCESS_KEY_ID={id}\n"),
    );
    write(
        dir.path(),
        "app/config.yaml",
        format!("storage:\n  bucket: fake-assets\n  aws_secret_access_key: {secret}\n"),
    );
    let root = dir.path().to_str().unwrap();
    assert_eq!(
        findings(&[root], root),
        [(
            "aws-secret-access-key".to_owned(),
            vec![
                half("secret", "app/config.yaml", 3),
                half("identifier", "app/.env", 2)
            ]
        )],
        "one finding, each half in its own file; the ID is not reported again"
    );
    // SARIF: the identifier's related location names its own file.
    let output = run_expect(1, &[root, "--format", "sarif", "--no-config"]);
    let sarif: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let uri = |location: &Value| {
        location["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(uri(&result["locations"][0]).ends_with("app/config.yaml"));
    assert!(uri(&result["relatedLocations"][0]).ends_with("app/.env"));
}

#[test]
fn two_identifiers_or_another_directory_are_no_pair() {
    let dir = tempfile::tempdir().unwrap();
    let (id, secret) = fake_aws_pair(82);
    let (other_id, _) = fake_aws_pair(83);
    // Two different IDs beside the secret: which one is not known, so neither.
    write(dir.path(), "a/one.env", format!("AWS_ACCESS_KEY_ID={id}\n"));
    write(
        dir.path(),
        "a/two.env",
        format!("AWS_ACCESS_KEY_ID={other_id}\n"),
    );
    write(
        dir.path(),
        "a/app.yaml",
        format!("aws_secret_access_key: {secret}\n"),
    );
    // An ID in another directory is not the secret's.
    write(
        dir.path(),
        "b/app.yaml",
        format!("aws_secret_access_key: {secret}\n"),
    );
    write(dir.path(), "c/.env", format!("AWS_ACCESS_KEY_ID={id}\n"));
    let root = dir.path().to_str().unwrap();
    let found = findings(&[root], root);
    let alone =
        |rule: &str, path: &str, line: u64| (rule.to_owned(), vec![half("secret", path, line)]);
    assert_eq!(
        found,
        [
            alone("aws-access-key-id", "a/one.env", 1),
            alone("aws-access-key-id", "a/two.env", 1),
            alone("aws-access-key-id", "c/.env", 1),
            alone("aws-secret-access-key", "a/app.yaml", 1),
            alone("aws-secret-access-key", "b/app.yaml", 1),
        ]
    );
}

#[test]
fn in_history_the_halves_pair_within_the_commit_that_added_them() {
    let repo = TestRepo::new();
    let (id, secret) = fake_aws_pair(84);
    write(
        repo.path(),
        "deploy/.env",
        format!("AWS_ACCESS_KEY_ID={id}\n"),
    );
    repo.commit_file(
        "deploy/values.yaml",
        &format!("aws:\n  aws_secret_access_key: {secret}\n"),
        "deploy settings",
    );
    let found = findings(&["git", repo.arg()], repo.arg());
    assert_eq!(
        found,
        [(
            "aws-secret-access-key".to_owned(),
            vec![
                half("secret", "deploy/values.yaml", 2),
                half("identifier", "deploy/.env", 1)
            ]
        )]
    );
}

#[test]
fn a_secret_in_a_decoded_view_pairs_with_its_identifier_in_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let (id, secret) = fake_aws_pair(85);
    // The secret is only found once its continued line is joined; the ID is plain.
    let (head, tail) = secret.split_at(20);
    write(
        dir.path(),
        "app.properties",
        format!("aws.access.key.id={id}\naws.secret.access.key={head}\\\n    {tail}\n"),
    );
    let root = dir.path().to_str().unwrap();
    assert_eq!(
        findings(&[root], root),
        [(
            "aws-secret-access-key".to_owned(),
            vec![
                half("secret", "app.properties", 2),
                half("identifier", "app.properties", 1)
            ]
        )]
    );
}
