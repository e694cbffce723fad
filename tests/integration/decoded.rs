//! Secrets in decoded content: base64 values where configuration keeps them encoded,
//! and JSON string literals with escapes (notebooks). Each is reported at the encoded
//! text, with the decoding named.

use base64::Engine as _;
use serde_json::Value;

use crate::common::{fake_aws_pair, fake_github_token, run_expect, run_measured, stdout, write};

fn base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// One finding as these tests look at it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    /// Path relative to the scanned directory (`a.zip!inner` for archive members).
    path: String,
    line: u64,
    column: u64,
    rule: String,
    /// `decoded_from`, or empty.
    decoded: String,
    /// How many halves are located.
    parts: usize,
}

/// The findings of `keyscan DIR --no-config -f json`, which must exit 1, sorted.
fn findings(dir: &std::path::Path) -> Vec<Found> {
    let root = dir.to_str().unwrap();
    let output = run_expect(1, &[root, "--format", "json", "--no-config"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let mut found: Vec<Found> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            let path = finding["path"].as_str().unwrap();
            Found {
                path: path
                    .strip_prefix(root)
                    .unwrap_or(path)
                    .trim_start_matches('/')
                    .to_owned(),
                line: finding["line"].as_u64().unwrap(),
                column: finding["column"].as_u64().unwrap(),
                rule: finding["rule_id"].as_str().unwrap().to_owned(),
                decoded: finding["decoded_from"].as_str().unwrap_or("").to_owned(),
                parts: finding["parts"].as_array().unwrap().len(),
            }
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_kubernetes_secret_and_a_docker_config_are_decoded_and_located_at_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let token = fake_github_token(70);
    let env_file = format!("LOG_LEVEL=debug\nGITHUB_TOKEN={token}\n");
    write(
        dir.path(),
        "k8s/app-secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  app.env: {}\n",
            base64(&env_file)
        ),
    );
    let (id, secret) = fake_aws_pair(71);
    write(
        dir.path(),
        "k8s/aws-secret.yaml",
        format!(
            "kind: Secret\ndata:\n  AWS_ACCESS_KEY_ID: {}\n  AWS_SECRET_ACCESS_KEY: {}\n",
            base64(&id),
            base64(&secret)
        ),
    );
    let pat = fake_github_token(72);
    write(
        dir.path(),
        "ci/config.json",
        format!(
            "{{\n  \"auths\": {{\n    \"ghcr.io\": {{\n      \"auth\": \"{}\"\n    }}\n  }}\n}}\n",
            base64(&format!("robot:{pat}"))
        ),
    );
    let found = findings(dir.path());
    let located: Vec<(&str, u64, &str, &str)> = found
        .iter()
        .map(|f| (f.path.as_str(), f.line, f.rule.as_str(), f.decoded.as_str()))
        .collect();
    assert_eq!(
        located,
        [
            ("ci/config.json", 4, "github-pat", "base64"),
            ("k8s/app-secret.yaml", 7, "github-pat", "base64"),
            ("k8s/aws-secret.yaml", 4, "aws-secret-access-key", "base64"),
        ]
    );
    // The column points into the encoded value, after `  app.env: `.
    assert!(found[1].column >= 12, "{:?}", found[1]);
}

#[test]
fn escaped_json_strings_in_a_notebook_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let (id, secret) = fake_aws_pair(73);
    // The secret's `/` characters written as `\/`, as JSON encoders may.
    let escaped = secret.replace('/', "\\/");
    let notebook = format!(
        "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"import boto3\\n\",\n    \"s3 = boto3.client(\\\"s3\\\", aws_access_key_id=\\\"{id}\\\", aws_secret_access_key=\\\"{escaped}\\\")\\n\"\n   ]\n  }}\n ]\n}}\n"
    );
    write(dir.path(), "analysis.ipynb", notebook);
    let found = findings(dir.path());
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(
        (
            f.path.as_str(),
            f.line,
            f.rule.as_str(),
            f.decoded.as_str(),
            f.parts
        ),
        (
            "analysis.ipynb",
            7,
            "aws-secret-access-key",
            "json-string",
            2
        )
    );
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn tar_gz_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *data).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&builder.into_inner().unwrap()).unwrap();
    gz.finish().unwrap()
}

#[test]
fn members_of_zip_and_tar_gz_archives_are_scanned_and_reported_inside_them() {
    let dir = tempfile::tempdir().unwrap();
    let (zipped, tarred) = (fake_github_token(80), fake_github_token(81));
    let env = format!("# backup\nGITHUB_TOKEN={zipped}\n");
    write(
        dir.path(),
        "backups/env.zip",
        zip_of(&[("config/.env", env.as_bytes())]),
    );
    let script = format!("#!/bin/sh\nexport GH_TOKEN='{tarred}'\n");
    write(
        dir.path(),
        "dist/release.tar.gz",
        tar_gz_of(&[("bin/deploy.sh", script.as_bytes())]),
    );
    let located: Vec<(String, u64, u64, String)> = findings(dir.path())
        .into_iter()
        .map(|f| (f.path, f.line, f.column, f.decoded))
        .collect();
    assert_eq!(
        located,
        [
            (
                "backups/env.zip!config/.env".to_owned(),
                2,
                14,
                "zip".to_owned()
            ),
            (
                "dist/release.tar.gz!bin/deploy.sh".to_owned(),
                2,
                18,
                "gzip:tar".to_owned()
            ),
        ]
    );
    // With --no-archives they are binary files, skipped and counted.
    let output = run_expect(
        0,
        &[
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "--no-config",
            "--no-archives",
        ],
    );
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["stats"]["skipped_binary"], 2);
}

#[test]
fn a_zip_bomb_is_stopped_by_the_size_cap_and_makes_the_result_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = vec![b'0'; 8 << 20];
    write(dir.path(), "bomb.zip", zip_of(&[("zeros.txt", &zeros)]));
    write(dir.path(), "ok.txt", "nothing to see\n");
    let (output, peak_kb) = run_measured(
        2,
        &[
            dir.path().to_str().unwrap(),
            "--no-config",
            "--max-file-size",
            "1MB",
        ],
    );
    // Inflating stops at the cap: memory stays near that of an empty scan.
    assert!(peak_kb < 48 << 10, "peak {peak_kb} KB");
    let err = crate::common::stderr(&output);
    assert!(
        err.contains("bomb.zip") && err.contains("inflates to more than"),
        "{err}"
    );
    assert!(err.contains("incomplete result"), "{err}");
}

#[test]
fn a_base64_storm_is_decoded_in_memory_bounded_by_its_size() {
    // 8 MB of small encoded values (the most bookkeeping per byte), and 8 MB of
    // large values that each decode to a docker config of encoded values (the
    // second level).
    let dir = tempfile::tempdir().unwrap();
    let small = format!("  \"auth\": \"{}\",\n", base64("u:FAKEpassword1234"));
    let small = format!(
        "{{\n{}  \"x\": 1\n}}\n",
        small.repeat((8 << 20) / small.len())
    );
    write(dir.path(), "small.json", &small);
    let config = format!("{{\"auth\": \"{}\"}}\n", base64("u:FAKEpassword1234")).repeat(2000);
    let value = format!("  k: {}\n", base64(&config));
    let large = format!(
        "kind: Secret\ndata:\n{}",
        value.repeat((8 << 20) / value.len())
    );
    write(dir.path(), "secret.yaml", &large);
    let size_kb = (small.len() + large.len()) as u64 / 1024;
    let (_, peak_kb) = run_measured(0, &[dir.path().to_str().unwrap(), "--no-config", "-j", "1"]);
    // The file, its decoded text and one mapping entry per value: a few times the
    // input, whatever the nesting.
    assert!(
        peak_kb < 6 * size_kb + (24 << 10),
        "peak {peak_kb} KB for {size_kb} KB of input"
    );
}

#[test]
fn no_decode_scans_only_the_bytes_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let token = fake_github_token(82);
    write(
        dir.path(),
        "secret.yaml",
        format!(
            "kind: Secret\ndata:\n  TOKEN_FILE: {}\n",
            base64(&format!("T={token}"))
        ),
    );
    let root = dir.path().to_str().unwrap();
    run_expect(1, &[root, "--no-config"]);
    run_expect(0, &[root, "--no-config", "--no-decode"]);
}

#[test]
fn names_written_apart_from_their_values_are_joined() {
    let dir = tempfile::tempdir().unwrap();
    let (id, secret) = fake_aws_pair(83);
    // A Kubernetes env list, value before name, other keys between.
    write(
        dir.path(),
        "k8s/deployment.yaml",
        format!(
            "spec:\n  containers:\n    - name: app\n      env:\n        - value: \"{id}\"\n          name: AWS_ACCESS_KEY_ID\n        - value: \"{secret}\"\n          description: rotated monthly\n          name: AWS_SECRET_ACCESS_KEY\n"
        ),
    );
    // An ECS task definition.
    let (id2, secret2) = fake_aws_pair(84);
    write(
        dir.path(),
        "ecs/task.json",
        format!(
            "{{\"containerDefinitions\": [{{\"environment\": [\n  {{\"name\": \"AWS_ACCESS_KEY_ID\", \"value\": \"{id2}\"}},\n  {{\"name\": \"AWS_SECRET_ACCESS_KEY\", \"value\": \"{secret2}\"}}\n]}}]}}\n"
        ),
    );
    let located: Vec<(String, u64, String, usize)> = findings(dir.path())
        .into_iter()
        .map(|f| (f.path, f.line, f.rule, f.parts))
        .collect();
    assert_eq!(
        located,
        [
            (
                "ecs/task.json".to_owned(),
                3,
                "aws-secret-access-key".to_owned(),
                2
            ),
            (
                "k8s/deployment.yaml".to_owned(),
                7,
                "aws-secret-access-key".to_owned(),
                2
            ),
        ],
        "each secret found, paired with its key ID"
    );
}

#[test]
fn an_s3_tool_section_is_judged_by_its_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    // An rclone remote for KakaoCloud Object Storage: hex keys, the endpoint last.
    let id: String = (0..32)
        .map(|i| b"0123456789abcdef"[(i * 7 + 3) % 16] as char)
        .collect();
    let secret: String = (0..32)
        .map(|i| b"0123456789abcdef"[(i * 5 + 11) % 16] as char)
        .collect();
    write(
        dir.path(),
        "rclone.conf",
        format!(
            "[kakao]\ntype = s3\nprovider = Other\naccess_key_id = {id}\nsecret_access_key = {secret}\nendpoint = https://objectstorage.kr-central-2.kakaocloud.com\n"
        ),
    );
    // An s3cmd configuration for AWS, with s3cmd's own key names.
    let (aws_id, aws_secret) = fake_aws_pair(85);
    write(
        dir.path(),
        ".s3cfg",
        format!(
            "[default]\naccess_key = {aws_id}\nsecret_key = {aws_secret}\nhost_base = s3.amazonaws.com\nuse_https = True\n"
        ),
    );
    let located: Vec<(String, u64, String, usize)> = findings(dir.path())
        .into_iter()
        .map(|f| (f.path, f.line, f.rule, f.parts))
        .collect();
    assert_eq!(
        located,
        [
            (
                ".s3cfg".to_owned(),
                3,
                "aws-secret-access-key".to_owned(),
                2
            ),
            (
                "rclone.conf".to_owned(),
                5,
                "kakaocloud-s3-secret-access-key".to_owned(),
                2
            ),
        ]
    );
}

#[test]
fn a_value_continued_on_the_next_line_is_found_where_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let (id, secret) = fake_aws_pair(86);
    write(
        dir.path(),
        "src/main/resources/application.properties",
        format!(
            "app.name = billing\naws.access.key.id = \\\n    {id}\naws_secret_access_key = \\\n    {secret}\nserver.port = 8080\n"
        ),
    );
    let located: Vec<(String, u64, u64, String, usize)> = findings(dir.path())
        .into_iter()
        .map(|f| (f.path, f.line, f.column, f.decoded, f.parts))
        .collect();
    assert_eq!(
        located,
        [(
            "src/main/resources/application.properties".to_owned(),
            5,
            5,
            "continued-line".to_owned(),
            2
        )]
    );
}
