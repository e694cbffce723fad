//! One realistic file per syntax people write credentials in (issue 13, §2 and §3):
//! each must give the AWS pair as one finding with both halves located, or the
//! private key, on the line the secret starts.

use base64::Engine as _;
use serde_json::Value;

use crate::common::{fake_aws_pair, fake_github_token, run_expect, stdout, write};

/// A fake RSA private key whose body is random-looking but obviously fake.
fn fake_rsa_key() -> String {
    let body = [
        "MIIEowIBAAKCAQEAKEYSCANFAKETESTKEYq3vX7mPzL0dR9tWcYb2NfGh5JkUe1o",
        "Qw8rTs4VxZa6BnCd0EfGh2IjKl3MnOp5QrSt7UvWx9YzAb1Cd3Ef5Gh7Ij9Kl1Mn",
        "3Op5Qr7St9Uv1Wx3Yz5Ab7Cd9Ef1Gh3Ij5Kl7Mn9Op1Qr3St5Uv7Wx9Yz1Ab3Cd5E",
        "f7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5Yz7Ab9Cd1Ef3Gh5Ij7Kl9Mn1Op3Qr5St7Uv=",
    ];
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
        body.join("\n")
    )
}

/// (file name, contents, rule, line of the secret, halves located). Where a file
/// holds two secrets on one line, `rule` names both rules, joined by `+`.
type Case = (&'static str, String, &'static str, u64, usize);

fn cases() -> Vec<Case> {
    let (id, secret) = fake_aws_pair(90);
    let key = fake_rsa_key();
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let aws = "aws-secret-access-key";
    let (head, tail) = secret.split_at(18);
    vec![
        // §2: assignments.
        (
            "run.sh",
            format!(
                "#!/bin/sh\nexport AWS_ACCESS_KEY_ID={id}\nexport AWS_SECRET_ACCESS_KEY=\"${{AWS_SECRET_ACCESS_KEY:-{secret}}}\"\n"
            ),
            aws,
            3,
            2,
        ),
        (
            "app.properties",
            format!("aws.access.key.id={id}\naws.secretKey: {secret}\n"),
            aws,
            2,
            2,
        ),
        (
            "s3-sink.properties",
            format!(
                "connector.class=io.confluent.connect.s3.S3SinkConnector\naws.access.key.id={id}\naws.secret.access.key={head}\\\n  {tail}\n"
            ),
            aws,
            3,
            2,
        ),
        (
            "values.yaml",
            format!("aws:\n  accessKeyId: {id}\n  secretAccessKey: {secret}\n"),
            aws,
            3,
            2,
        ),
        (
            ".gitlab-ci.yml",
            format!(
                "variables:\n  AWS_ACCESS_KEY_ID: \"{id}\"\n  AWS_SECRET_ACCESS_KEY: \"{secret}\"\n"
            ),
            aws,
            3,
            2,
        ),
        (
            "compose.yaml",
            format!(
                "services:\n  api:\n    environment:\n      - AWS_ACCESS_KEY_ID={id}\n      - AWS_SECRET_ACCESS_KEY={secret}\n"
            ),
            aws,
            5,
            2,
        ),
        (
            "variables.tf.json",
            format!(
                "{{\n  \"variable\": {{\n    \"aws_access_key_id\": {{\n      \"default\": \"{id}\"\n    }},\n    \"aws_secret_access_key\": {{\n      \"type\": \"string\",\n      \"default\": \"{secret}\"\n    }}\n  }}\n}}\n"
            ),
            aws,
            8,
            2,
        ),
        (
            "variables.tf",
            format!(
                "variable \"aws_access_key_id\" {{\n  default = \"{id}\"\n}}\nvariable \"aws_secret_access_key\" {{\n  type    = string\n  default = \"{secret}\"\n}}\n"
            ),
            aws,
            6,
            2,
        ),
        (
            "config.toml",
            format!("[aws]\naccess_key_id = \"{id}\"\nsecret_access_key = \"{secret}\"\n"),
            aws,
            3,
            2,
        ),
        (
            "Web.config",
            format!(
                "<configuration>\n  <appSettings>\n    <add key=\"AwsAccessKeyId\" value=\"{id}\" />\n    <add key=\"AwsSecretAccessKey\" value=\"{secret}\" />\n  </appSettings>\n</configuration>\n"
            ),
            aws,
            4,
            2,
        ),
        (
            "config.php",
            format!(
                "<?php\nreturn [\n    'aws_access_key_id' => '{id}',\n    'aws_secret_access_key' => '{secret}',\n];\n"
            ),
            aws,
            4,
            2,
        ),
        (
            "settings.py",
            format!(
                "AWS = {{\n    \"aws_access_key_id\": \"{id}\",\n    \"aws_secret_access_key\": \"{secret}\",\n}}\n"
            ),
            aws,
            3,
            2,
        ),
        (
            "env.rb",
            format!(
                "ENV[\"AWS_ACCESS_KEY_ID\"] ||= \"{id}\"\nENV[\"AWS_SECRET_ACCESS_KEY\"] ||= \"{secret}\"\n"
            ),
            aws,
            2,
            2,
        ),
        (
            "config.go",
            format!(
                "var creds = map[string]string{{\n\t\"AWS_ACCESS_KEY_ID\":     \"{id}\",\n\t\"AWS_SECRET_ACCESS_KEY\": \"{secret}\",\n}}\n"
            ),
            aws,
            3,
            2,
        ),
        (
            "Config.java",
            format!(
                "Map<String, String> aws = Map.of(\"awsAccessKeyId\", \"{id}\",\n    \"awsSecretAccessKey\", \"{secret}\");\n"
            ),
            aws,
            2,
            2,
        ),
        (
            "Defaults.cs",
            format!(
                "var aws = new Dictionary<string, string> {{\n    {{ \"AwsAccessKeyId\", \"{id}\" }},\n    {{ \"AwsSecretAccessKey\", \"{secret}\" }},\n}};\n"
            ),
            aws,
            3,
            2,
        ),
        (
            "appsettings.json",
            format!(
                "{{\n  \"Aws\": {{\n    \"AccessKeyId\": \"{id}\",\n    \"SecretAccessKey\": \"{secret}\"\n  }}\n}}\n"
            ),
            aws,
            4,
            2,
        ),
        (
            "escaped.json",
            format!("{{\"aws\": \"aws_access_key_id={id}\\naws_secret_access_key={secret}\"}}\n"),
            aws,
            1,
            2,
        ),
        (
            "escaped-break.yaml",
            format!(
                "env:\n  AWS_ACCESS_KEY_ID: \"{id}\"\n  AWS_SECRET_ACCESS_KEY: \"{head}\\\n    {tail}\"\n"
            ),
            aws,
            3,
            2,
        ),
        // §3: encodings.
        ("profile.ps1", String::new(), aws, 2, 2),
        (
            "secret.yaml",
            format!(
                "apiVersion: v1\nkind: Secret\ndata:\n  credentials: {}\n",
                b64(&format!(
                    "[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"
                ))
            ),
            aws,
            4,
            2,
        ),
        // Encoded twice: the docker config `kubectl create secret docker-registry`
        // writes, base64 in a Secret, holding base64 of `user:token`.
        (
            "registry-secret.yaml",
            format!(
                "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n",
                b64(&format!(
                    r#"{{"auths":{{"ghcr.io":{{"username":"ci-bot","auth":"{}"}}}}}}"#,
                    b64(&format!("ci-bot:{}", fake_github_token(91)))
                ))
            ),
            "github-pat",
            5,
            1,
        ),
        // A whole file encoded: a kubeconfig's client key, a service-account file in
        // a CI variable.
        (
            "kubeconfig",
            format!(
                "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-certificate-data: LS0tFAKE\n    client-key-data: {}\n",
                b64(&format!("{key}\n"))
            ),
            "private-key-rsa",
            7,
            1,
        ),
        (
            ".gitlab-ci.yml",
            format!(
                "deploy:\n  variables:\n    GOOGLE_CREDENTIALS_B64: \"{}\"\n  script:\n    - echo \"$GOOGLE_CREDENTIALS_B64\" | base64 -d > sa.json\n",
                b64(&format!(
                    "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"fakecorp-prod\",\n  \"private_key_id\": \"3f9c2e7a1b8d4c6e0fa5fa4e9b2d7e4c1a8f6b30\",\n  \"private_key\": \"{}\\n\",\n  \"client_email\": \"deploy@fakecorp-prod.iam.gserviceaccount.com\"\n}}\n",
                    key.replace('\n', "\\n")
                ))
            ),
            "gcp-service-account-key+private-key-rsa",
            3,
            1,
        ),
        // Percent-encoding: the secret's `/` and `+` escaped in a query string.
        (
            "upload.sh",
            format!(
                "#!/bin/sh\ncurl -X PUT \"https://s3-proxy.fakecorp.test/put?aws_access_key_id={id}&aws_secret_access_key={}%2F{}%2B{}&bucket=logs\"\n",
                &secret[..10],
                &secret[11..30],
                &secret[31..]
            ),
            aws,
            2,
            2,
        ),
        // PEM keys, every usual way.
        (
            "key.py",
            format!("KEY = '{}'\n", key.replace('\n', "\\n")),
            "private-key-rsa",
            1,
            1,
        ),
        (
            "key.tf",
            format!("private_key = \"{}\"\n", key.replace('\n', "\\\\n")),
            "private-key-rsa",
            1,
            1,
        ),
        (
            "key.js",
            format!(
                "const key =\n{};\n",
                key.lines()
                    .map(|l| format!("  \"{l}\\n\""))
                    .collect::<Vec<_>>()
                    .join(" +\n")
            ),
            "private-key-rsa",
            2,
            1,
        ),
        // Java concatenation of a key with header lines between its armour and body.
        (
            "KeyConfig.java",
            format!(
                "final class KeyConfig {{\n    static final String KEY = {};\n}}\n",
                key.replacen(
                    "-----\n",
                    "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F2504E04F8911D39A0C0305E82C3301\n\n",
                    1
                )
                .lines()
                .map(|l| format!("\"{l}\\n\""))
                .collect::<Vec<_>>()
                .join("\n        + ")
            ),
            "private-key-pem-encrypted",
            2,
            1,
        ),
        (
            "old-key.sh",
            key.lines().map(|l| format!("# {l}\n")).collect(),
            "private-key-rsa",
            1,
            1,
        ),
        (
            "old_key.go",
            key.lines().map(|l| format!("// {l}\n")).collect(),
            "private-key-rsa",
            1,
            1,
        ),
        (
            "key.json",
            format!("{{\"private_key\": \"{}\"}}\n", key.replace('\n', "\\n")),
            "private-key-rsa",
            1,
            1,
        ),
        (
            "tls.yaml",
            format!(
                "tls:\n  key: |\n{}\n",
                key.lines()
                    .map(|l| format!("    {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            "private-key-rsa",
            3,
            1,
        ),
    ]
}

#[test]
fn every_syntax_gives_its_finding_with_every_half_located() {
    let (id, secret) = fake_aws_pair(90);
    for (name, text, rule, line, halves) in cases() {
        let dir = tempfile::tempdir().unwrap();
        if name == "profile.ps1" {
            // A PowerShell profile saved as UTF-16LE with a byte-order mark.
            let script = format!(
                "$env:AWS_ACCESS_KEY_ID = \"{id}\"\r\n$env:AWS_SECRET_ACCESS_KEY = \"{secret}\"\r\n"
            );
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(script.encode_utf16().flat_map(u16::to_le_bytes));
            write(dir.path(), name, bytes);
        } else {
            write(dir.path(), name, &text);
        }
        let root = dir.path().to_str().unwrap();
        let output = run_expect(1, &[root, "--format", "json", "--no-config"]);
        let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
        let found: Vec<(String, u64, usize)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_owned(),
                    f["line"].as_u64().unwrap(),
                    f["parts"].as_array().unwrap().len(),
                )
            })
            .collect();
        let expected: Vec<(String, u64, usize)> = rule
            .split('+')
            .map(|rule| (rule.to_owned(), line, halves))
            .collect();
        assert_eq!(found, expected, "{name}:\n{text}");
    }
}
