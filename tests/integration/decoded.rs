//! Secrets in decoded content: base64 values where configuration keeps them encoded,
//! and JSON string literals with escapes (notebooks). Each is reported at the encoded
//! text, with the decoding named.

use base64::Engine as _;
use serde_json::Value;

use crate::common::{fake_aws_pair, fake_github_token, run_expect, stdout, write};

fn base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The findings of `keyscan DIR -f json` as (file name, line, column, rule, decoded_from).
fn findings(dir: &std::path::Path) -> Vec<(String, u64, u64, String, String)> {
    let output = run_expect(
        1,
        &[dir.to_str().unwrap(), "--format", "json", "--no-config"],
    );
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let mut found: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            let path = finding["path"].as_str().unwrap();
            (
                path[path.rfind('/').unwrap() + 1..].to_owned(),
                finding["line"].as_u64().unwrap(),
                finding["column"].as_u64().unwrap(),
                finding["rule_id"].as_str().unwrap().to_owned(),
                finding["decoded_from"].as_str().unwrap_or("").to_owned(),
            )
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
    let rules: Vec<(&str, u64, &str, &str)> = found
        .iter()
        .map(|(file, line, _, rule, decoded)| {
            (file.as_str(), *line, rule.as_str(), decoded.as_str())
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("app-secret.yaml", 7, "github-pat", "base64"),
            ("aws-secret.yaml", 4, "aws-secret-access-key", "base64"),
            ("config.json", 4, "github-pat", "base64"),
        ]
    );
    // The column points into the encoded value.
    let app = &found[0];
    let encoded_at = 12; // `  app.env: ` is 11 characters
    assert!(app.2 >= encoded_at, "{app:?}");
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
    assert_eq!(
        (
            found[0].0.as_str(),
            found[0].1,
            found[0].3.as_str(),
            found[0].4.as_str()
        ),
        ("analysis.ipynb", 7, "aws-secret-access-key", "json-string")
    );
}
