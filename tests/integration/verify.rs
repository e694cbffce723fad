//! `--verify`: every built-in verifier against a mock provider on loopback, which
//! answers live, revoked, garbage, rate-limited and slow. The mock stands in for the
//! providers through `KEYSCAN_VERIFY_VIA`, which accepts loopback addresses only.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keyscan::rules::{RuleOptions, load_rule_set};
use serde_json::Value;

use crate::common::{expect_exit, keyscan, stderr, stdout, write};

/// How the mock answers every request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Live,
    Revoked,
    Garbage,
    RateLimited,
    Slow,
    /// A redirect to another host, which must not be followed.
    Redirect,
}

/// A request the mock received.
#[derive(Clone, Debug)]
struct Received {
    host: String,
    request_line: String,
    headers: Vec<String>,
    body: String,
}

/// An HTTP/1.1 server on a loopback port that plays every provider.
struct Mock {
    address: String,
    mode: Arc<Mutex<Mode>>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Mock {
    fn start() -> Mock {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let mode = Arc::new(Mutex::new(Mode::Live));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (shared_mode, shared_received) = (Arc::clone(&mode), Arc::clone(&received));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (mode, received) = (Arc::clone(&shared_mode), Arc::clone(&shared_received));
                std::thread::spawn(move || serve(stream, &mode, &received));
            }
        });
        Mock {
            address,
            mode,
            received,
        }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
        self.received.lock().unwrap().clear();
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, mode: &Mutex<Mode>, received: &Mutex<Vec<Received>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut headers = Vec::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        let line = line.trim_end().to_owned();
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        headers.push(line);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap_or_default();
    let host = headers
        .iter()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("host:")
                .map(|h| h.trim().to_owned())
        })
        .unwrap_or_default();
    received.lock().unwrap().push(Received {
        host: host.clone(),
        request_line: request_line.trim_end().to_owned(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let mode = *mode.lock().unwrap();
    let (status, extra, body) = match mode {
        Mode::Live => answer(&host, true),
        Mode::Revoked => answer(&host, false),
        Mode::Garbage => (418, "", "<html>I'm a teapot</html>".to_owned()),
        Mode::RateLimited => (429, "Retry-After: 0\r\n", "{}".to_owned()),
        Mode::Redirect => (
            302,
            "Location: http://127.0.0.1:9/elsewhere\r\n",
            String::new(),
        ),
        Mode::Slow => {
            std::thread::sleep(Duration::from_secs(3));
            answer(&host, true)
        }
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
}

/// Each provider's own answer for a key that works (`live`) or does not, as its API
/// reference shows them.
fn answer(host: &str, live: bool) -> (u16, &'static str, String) {
    let json = |status: u16, body: &str| (status, "", body.to_owned());
    match (host, live) {
        ("sts.us-east-1.amazonaws.com", true) => json(
            200,
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:user/ci</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>",
        ),
        ("sts.us-east-1.amazonaws.com", false) => json(
            403,
            "<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>",
        ),
        ("gitlab.com", true) => json(200, r#"{"id":1,"active":true}"#),
        ("slack.com", true) => json(200, r#"{"ok":true,"team":"t"}"#),
        ("slack.com", false) => json(200, r#"{"ok":false,"error":"invalid_auth"}"#),
        ("api.openai.com", false) => json(401, r#"{"error":{"code":"invalid_api_key"}}"#),
        ("generativelanguage.googleapis.com", false) => json(
            400,
            r#"{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}"#,
        ),
        ("api.twilio.com", true) => json(200, r#"{"status":"active"}"#),
        ("messaging.twilio.com", false) => json(401, r#"{"code":20003}"#),
        ("oauth.api.nhncloudservice.com", true) => {
            json(200, r#"{"access_token":"x","expires_in":60}"#)
        }
        ("iam.kakaocloud.com", true) => json(201, "{}"),
        ("objectstorage.kr-central-2.kakaocloud.com", true) => {
            json(200, "<ListAllMyBucketsResult></ListAllMyBucketsResult>")
        }
        ("objectstorage.kr-central-2.kakaocloud.com", false) => {
            json(403, "<Error><Code>InvalidAccessKeyId</Code></Error>")
        }
        ("registry.npmjs.org", true) => json(200, r#"{"username":"ci"}"#),
        ("api.heroku.com", false) => json(
            401,
            r#"{"id":"unauthorized","message":"Invalid credentials provided."}"#,
        ),
        ("api.mailgun.net", true) => json(
            200,
            r#"{"total_count":1,"items":[{"name":"mg.example.com"}]}"#,
        ),
        ("api.datadoghq.com", true) => json(200, r#"{"valid":true}"#),
        ("api.datadoghq.com", false) => json(403, r#"{"errors":["Forbidden"]}"#),
        ("api.telegram.org", true) => json(200, r#"{"ok":true,"result":{"id":1,"is_bot":true}}"#),
        ("api.telegram.org", false) => json(
            401,
            r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#,
        ),
        ("api.linear.app", true) => json(200, r#"{"data":{"viewer":{"id":"u1"}}}"#),
        ("api.linear.app", false) => json(
            400,
            r#"{"errors":[{"extensions":{"code":"AUTHENTICATION_ERROR"}}]}"#,
        ),
        ("api.notion.com", false) => json(
            401,
            r#"{"object":"error","status":401,"code":"unauthorized"}"#,
        ),
        ("api.cloudflare.com", true) => json(
            200,
            r#"{"success":true,"result":{"id":"t","status":"active"}}"#,
        ),
        ("api.figma.com", false) => json(403, r#"{"status":403,"err":"Invalid token"}"#),
        ("api.vercel.com", false) => {
            json(403, r#"{"error":{"code":"forbidden","invalidToken":true}}"#)
        }
        ("api.getpostman.com", false) => json(
            401,
            r#"{"error":{"name":"AuthenticationError","message":"Invalid API Key."}}"#,
        ),
        ("api.groq.com", false) => json(401, r#"{"error":{"code":"invalid_api_key"}}"#),
        ("api.cohere.com", true) => json(200, r#"{"valid":true}"#),
        ("api.x.ai", true) => json(
            200,
            r#"{"api_key_blocked":false,"api_key_disabled":false,"team_blocked":false}"#,
        ),
        ("api.x.ai", false) => json(400, r#"{"error":"Incorrect API key provided: xa***AB."}"#),
        ("api.newrelic.com", true) => json(200, r#"{"data":{"actor":{"user":{"id":1}}}}"#),
        ("api.travis-ci.com", false) => {
            json(403, r#"{"@type":"error","error_type":"login_required"}"#)
        }
        (_, true) => json(200, "{}"),
        (_, false) => json(401, "{}"),
    }
}

/// What a refusal by `host` proves: nothing where the provider has other regions or
/// self-hosted instances whose tokens look the same.
fn revoked_means(host: &str) -> &'static str {
    const ONE_REGION_OF_SEVERAL: [&str; 10] = [
        "gitlab.com",
        "api.mailgun.net",
        "api.datadoghq.com",
        "api.cloudflare.com",
        "sentry.io",
        "api.mistral.ai",
        "api.snyk.io",
        "app.terraform.io",
        "api.newrelic.com",
        "api.pagerduty.com",
    ];
    if ONE_REGION_OF_SEVERAL.contains(&host) {
        "unknown"
    } else {
        "invalid"
    }
}

/// The catalog as the source tree holds it: each verifier's rules and host.
fn catalog() -> Vec<(Vec<String>, String)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/verify/verifiers.toml"),
    )
    .unwrap();
    let catalog: toml::Value = toml::from_str(&text).unwrap();
    catalog["verifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|verifier| {
            let rules = verifier["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|rule| rule.as_str().unwrap().to_owned())
                .collect();
            let url = verifier["url"].as_str().unwrap();
            let host = url["https://".len()..]
                .split('/')
                .next()
                .unwrap()
                .to_owned();
            (rules, host)
        })
        .collect()
}

/// What identifies one question in a request: its host, line, body and the headers
/// that carry a credential (of a signature, the access key ID alone: the rest changes
/// with the time).
fn question_of(request: &Received) -> String {
    let mut key = format!("{} {} {}", request.host, request.request_line, request.body);
    for header in &request.headers {
        let lower = header.to_ascii_lowercase();
        if lower.starts_with("x-amz-") || lower.starts_with("content-length") {
            continue;
        }
        match header.split_once("Credential=") {
            Some((_, credential)) => key.push_str(credential.split('/').next().unwrap_or_default()),
            None => key.push_str(header),
        }
    }
    key
}

/// Why the catalog refuses to ask about some values (`unverifiable_identifiers`,
/// `unverifiable_secrets`).
fn refusals() -> Vec<String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/verify/verifiers.toml"),
    )
    .unwrap();
    let catalog: toml::Value = toml::from_str(&text).unwrap();
    let mut whys = Vec::new();
    for verifier in catalog["verifiers"].as_array().unwrap() {
        for key in ["unverifiable_identifiers", "unverifiable_secrets"] {
            for entry in verifier
                .get(key)
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
            {
                whys.push(entry["why"].as_str().unwrap().to_owned());
            }
        }
    }
    whys
}

/// Every example of every verified rule, a file each, in `dir`.
fn plant_examples(dir: &Path, verified: &BTreeSet<String>) {
    let rules = load_rule_set(&RuleOptions::builtin_only()).unwrap();
    for rule in rules
        .rules()
        .iter()
        .filter(|rule| verified.contains(&rule.id))
    {
        for (n, example) in rule.examples.iter().enumerate() {
            write(dir, &format!("{}/{n}.txt", rule.id), example.text());
        }
    }
}

/// `keyscan DIR --verify -f json` with the mock in place, expecting exit `code`.
fn scan(dir: &Path, mock: &Mock, extra: &[&str], code: i32) -> (Value, String) {
    let mut command = keyscan();
    command
        .arg(dir)
        .args(["--verify", "--no-config", "-f", "json"])
        .args(extra)
        .env("KEYSCAN_VERIFY_VIA", &mock.address)
        // A proxy the environment names is not used for the stand-in: were it, every
        // call would fail.
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9");
    let output = expect_exit(&mut command, code);
    (
        serde_json::from_str(&stdout(&output)).unwrap(),
        stderr(&output),
    )
}

/// The verdict of each finding of `report`, by rule id and path.
fn verdicts(report: &Value) -> BTreeMap<(String, String), (String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            let key = (
                finding["rule_id"].as_str().unwrap().to_owned(),
                finding["path"].as_str().unwrap().to_owned(),
            );
            let verification = &finding["verification"];
            let value = (
                verification["status"].as_str().unwrap_or("none").to_owned(),
                verification["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
            (key, value)
        })
        .collect()
}

#[test]
fn every_verifier_reads_live_revoked_garbage_rate_limited_and_slow_answers() {
    let catalog = catalog();
    let verified: BTreeSet<String> = catalog
        .iter()
        .flat_map(|(rules, _)| rules.clone())
        .collect();
    // A secret found without its identifier, or one whose prefix the catalog refuses
    // (a temporary AWS key, a refresh token), is not asked about.
    let refusals = refusals();
    let unaskable = |detail: &str| {
        detail.contains("without the identifier")
            || refusals.iter().any(|why| detail.contains(why.as_str()))
    };
    let host_of: BTreeMap<String, String> = catalog
        .iter()
        .flat_map(|(rules, host)| rules.iter().map(|rule| (rule.clone(), host.clone())))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    plant_examples(dir.path(), &verified);
    let mock = Mock::start();
    // The secrets, to check that no output and no error ever shows one.
    let shown = {
        let mut command = keyscan();
        command
            .arg(dir.path())
            .args(["--no-config", "-f", "json", "--show-secrets"]);
        let report: Value = serde_json::from_str(&stdout(&expect_exit(&mut command, 1))).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["secret"].as_str().unwrap().to_owned())
            .collect::<BTreeSet<String>>()
    };
    let expected = |rule: &str, detail: &str, mode: Mode| -> &'static str {
        if !verified.contains(rule) {
            return "unknown";
        }
        if unaskable(detail) {
            return "unknown";
        }
        match mode {
            Mode::Live => "live",
            Mode::Revoked => revoked_means(&host_of[rule]),
            Mode::Garbage | Mode::Redirect => "unknown",
            Mode::RateLimited | Mode::Slow => "error",
        }
    };
    let mut asked_hosts = BTreeSet::new();
    for mode in [
        Mode::Live,
        Mode::Revoked,
        Mode::Garbage,
        Mode::RateLimited,
        Mode::Slow,
    ] {
        mock.set(mode);
        let extra: &[&str] = if mode == Mode::Slow {
            &["--verify-timeout", "1"]
        } else {
            &[]
        };
        let (report, err) = scan(dir.path(), &mock, extra, 1);
        let verdicts = verdicts(&report);
        assert!(!verdicts.is_empty());
        for ((rule, path), (status, detail)) in &verdicts {
            assert_eq!(
                status,
                expected(rule, detail, mode),
                "{mode:?} {rule} {path}: {detail}"
            );
        }
        let received = mock.received();
        // Each distinct secret once (three times when rate limited), on its own host.
        let hosts: BTreeSet<&str> = catalog.iter().map(|(_, host)| host.as_str()).collect();
        for request in &received {
            assert!(hosts.contains(request.host.as_str()), "{request:?}");
        }
        let verified_findings: BTreeSet<&str> = verdicts
            .iter()
            .filter(|(_, (_, detail))| !unaskable(detail))
            .filter(|((rule, _), _)| verified.contains(rule))
            .map(|((rule, _), _)| rule.as_str())
            .collect();
        if mode == Mode::Live {
            asked_hosts.extend(received.iter().map(|request| request.host.clone()));
            for (rules, host) in &catalog {
                assert!(
                    asked_hosts.contains(host)
                        || !rules.iter().any(|r| verified_findings.contains(r.as_str())),
                    "{host} was never asked"
                );
            }
        }
        if mode == Mode::RateLimited {
            let per_request: BTreeMap<String, usize> =
                received
                    .iter()
                    .fold(BTreeMap::new(), |mut counts, request| {
                        *counts.entry(question_of(request)).or_default() += 1;
                        counts
                    });
            assert!(per_request.values().all(|&n| n == 3), "{per_request:?}");
            assert!(
                verdicts
                    .values()
                    .any(|(_, detail)| detail.contains("rate limited (HTTP 429), 3 times"))
            );
        }
        if mode == Mode::Slow {
            assert!(verdicts.values().any(|(_, detail)| detail == "timed out"));
        }
        // Never a secret in the report or on standard error.
        let text = report.to_string() + &err;
        for secret in &shown {
            assert!(
                !text.contains(secret.as_str()),
                "{mode:?}: a secret is shown"
            );
        }
    }
    // Nor in text with informational notes, or in SARIF.
    mock.set(Mode::Revoked);
    for format in [["-f", "human"], ["-f", "sarif"]] {
        let mut command = keyscan();
        command
            .arg(dir.path())
            .args(["--verify", "--no-config", "-v", "--color", "never"])
            .args(format)
            .env("KEYSCAN_VERIFY_VIA", &mock.address);
        let output = expect_exit(&mut command, 1);
        let text = stdout(&output) + &stderr(&output);
        assert!(text.contains("invalid"), "{format:?}: no verdict shown");
        for secret in &shown {
            assert!(
                !text.contains(secret.as_str()),
                "{format:?}: a secret is shown"
            );
        }
    }
    // Every verifier's host was asked at least once.
    for (_, host) in &catalog {
        assert!(
            asked_hosts.contains(host),
            "no example of {host}'s rules was verified"
        );
    }
}

#[test]
fn a_secret_is_asked_about_once_and_only_live_keys_are_kept_with_only_live() {
    let dir = tempfile::tempdir().unwrap();
    let token = crate::common::fake_github_token(901);
    for n in 0..5 {
        write(
            dir.path(),
            &format!("copy{n}.env"),
            format!("GITHUB_TOKEN={token}\n"),
        );
    }
    write(
        dir.path(),
        "other.env",
        format!("GITHUB_TOKEN={}\n", crate::common::fake_github_token(902)),
    );
    let mock = Mock::start();
    mock.set(Mode::Live);
    let (report, _) = scan(dir.path(), &mock, &[], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 6);
    assert_eq!(mock.received().len(), 2, "each distinct secret once");
    let request = &mock.received()[0];
    assert_eq!(request.request_line, "GET /user HTTP/1.1");
    assert!(
        request
            .headers
            .iter()
            .any(|h| h.starts_with("authorization: Bearer ghp_")
                || h.starts_with("Authorization: Bearer ghp_"))
    );

    // A redirect is an answer that proves nothing, and is not followed.
    mock.set(Mode::Redirect);
    let (report, _) = scan(dir.path(), &mock, &[], 1);
    assert_eq!(
        report["findings"][0]["verification"]["detail"],
        "HTTP 302, an answer that proves neither"
    );
    assert_eq!(mock.received().len(), 2);

    mock.set(Mode::Revoked);
    let (report, _) = scan(dir.path(), &mock, &["--only-live"], 0);
    assert!(report["findings"].as_array().unwrap().is_empty());
    assert_eq!(report["suppressed"]["not-live"], 6);
    let (report, _) = scan(dir.path(), &mock, &["--only-live", "--no-suppress"], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 6);
    // A key whose check failed may be live: leaving it out makes the result incomplete,
    // and each one is named.
    mock.set(Mode::RateLimited);
    let (report, err) = scan(dir.path(), &mock, &["--only-live"], 2);
    assert!(report["findings"].as_array().unwrap().is_empty());
    assert!(report["suppressed"].get("not-live").is_none(), "{report}");
    let unchecked: Vec<&Value> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|note| {
            note["message"]
                .as_str()
                .unwrap()
                .contains("left out by --only-live")
        })
        .collect();
    assert_eq!(unchecked.len(), 6, "{report}");
    assert!(unchecked.iter().all(|note| note["level"] == "error"));
    assert!(err.contains("incomplete result"), "{err}");

    // SARIF: a live key is an error ranked first, whatever its rule's severity.
    mock.set(Mode::Live);
    let mut command = keyscan();
    command
        .arg(dir.path())
        .args(["--verify", "--no-config", "-f", "sarif"])
        .env("KEYSCAN_VERIFY_VIA", &mock.address);
    let sarif: Value = serde_json::from_str(&stdout(&expect_exit(&mut command, 1))).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["level"], "error");
    assert_eq!(result["rank"], 100.0);
    assert_eq!(result["properties"]["verification"]["status"], "live");
    // Human text says it on the finding and in the summary.
    let mut command = keyscan();
    command
        .arg(dir.path())
        .args(["--verify", "--no-config"])
        .env("KEYSCAN_VERIFY_VIA", &mock.address);
    let text = stdout(&expect_exit(&mut command, 1));
    assert!(
        text.contains("verified: live (GitHub answered HTTP 200)"),
        "{text}"
    );
    assert!(text.contains("verified: 6 live"), "{text}");
}

#[test]
fn verification_is_asked_for_by_the_user_never_by_the_scanned_repository() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.env",
        format!("GITHUB_TOKEN={}\n", crate::common::fake_github_token(903)),
    );
    let mock = Mock::start();
    // The scanned tree's own configuration asks for verification: not honoured.
    write(dir.path(), ".keyscan.toml", "[scan]\nverify = true\n");
    let mut command = keyscan();
    command
        .arg(dir.path())
        .args(["-f", "json"])
        .env("KEYSCAN_VERIFY_VIA", &mock.address);
    let output = expect_exit(&mut command, 1);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(report["findings"][0].get("verification").is_none());
    assert!(
        stderr(&output).contains("`verify = true` is not honoured"),
        "{}",
        stderr(&output)
    );
    assert!(mock.received().is_empty());
    // The user's own configuration, given with --config, is.
    let own = tempfile::tempdir().unwrap();
    write(own.path(), "mine.toml", "[scan]\nverify = true\n");
    let mut command = keyscan();
    command
        .arg(dir.path())
        .args(["-f", "json", "--config"])
        .arg(own.path().join("mine.toml"))
        .env("KEYSCAN_VERIFY_VIA", &mock.address);
    let report: Value = serde_json::from_str(&stdout(&expect_exit(&mut command, 1))).unwrap();
    assert_eq!(report["findings"][0]["verification"]["status"], "live");
    // A repository's own rule that takes a built-in rule's id (here from a gitleaks
    // configuration) is not verified: what it finds goes nowhere.
    std::fs::remove_file(dir.path().join(".keyscan.toml")).unwrap();
    write(
        dir.path(),
        ".gitleaks.toml",
        "[[rules]]\nid = \"github-pat\"\nregex = 'acme_[a-z0-9]{24}'\nkeywords = [\"acme_\"]\n",
    );
    write(dir.path(), "acme.env", "acme_9z8y7x6w5v4u3t2s1r0q9p8o\n");
    let mock = Mock::start();
    let mut command = keyscan();
    command
        .arg(dir.path())
        .args(["--verify", "-f", "json"])
        .env("KEYSCAN_VERIFY_VIA", &mock.address);
    let report: Value = serde_json::from_str(&stdout(&expect_exit(&mut command, 1))).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for finding in findings {
        assert_eq!(finding["rule_id"], "github-pat");
        assert_eq!(finding["verification"]["status"], "unknown", "{finding}");
        let detail = finding["verification"]["detail"].as_str().unwrap();
        assert!(detail.contains("not a built-in rule"), "{detail}");
    }
    assert!(mock.received().is_empty(), "{:?}", mock.received());

    // Only a loopback address may stand in for the providers.
    let mut command = keyscan();
    command
        .arg(dir.path())
        .args(["--verify", "--no-config"])
        .env("KEYSCAN_VERIFY_VIA", "203.0.113.7:80");
    let err = stderr(&expect_exit(&mut command, 2));
    assert!(err.contains("only a loopback address"), "{err}");
}

#[test]
fn the_users_own_configuration_can_turn_verification_on() {
    let repo = crate::git_repo::TestRepo::new();
    let token = crate::common::fake_github_token(904);
    repo.commit_file("app.env", &format!("GITHUB_TOKEN={token}\n"), "token");
    write(
        repo.path(),
        "staged.env",
        format!("TOKEN={}\n", crate::common::fake_github_token(905)),
    );
    repo.git(&["add", "staged.env"]);
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join("keyscan"),
        "config.toml",
        "[scan]\nverify = true\n",
    );
    let mock = Mock::start();
    mock.set(Mode::Live);
    let run = |args: &[&str], code: i32| {
        let mut command = keyscan();
        command
            .current_dir(repo.path())
            .args(args)
            .env("XDG_CONFIG_HOME", home.path())
            .env("KEYSCAN_VERIFY_VIA", &mock.address);
        expect_exit(&mut command, code)
    };
    let status = |output: &std::process::Output| {
        let report: Value = serde_json::from_str(&stdout(output)).unwrap();
        report["findings"][0]["verification"]["status"].clone()
    };
    // On for a scan of a tree and of a history.
    assert_eq!(status(&run(&[".", "-f", "json"], 1)), "live");
    assert_eq!(status(&run(&["git", ".", "-f", "json"], 1)), "live");
    let asked = mock.received().len();
    assert!(asked > 0);
    // A flag says otherwise; --no-config leaves every configuration out, the user's too.
    assert_eq!(
        status(&run(&[".", "-f", "json", "--no-verify"], 1)),
        Value::Null
    );
    assert_eq!(
        status(&run(&[".", "-f", "json", "--no-config"], 1)),
        Value::Null
    );
    // A configuration given with --config decides before the user's own.
    write(home.path(), "off.toml", "[scan]\nverify = false\n");
    let off = home.path().join("off.toml");
    let output = run(&[".", "-f", "json", "--config", off.to_str().unwrap()], 1);
    assert_eq!(status(&output), Value::Null);
    // A commit never waits on the network, and a baseline does not ask.
    run(&["staged"], 1);
    let baseline = home.path().join("baseline.json");
    run(&["baseline", ".", "-o", baseline.to_str().unwrap()], 0);
    assert_eq!(mock.received().len(), asked, "{:?}", mock.received());
    // A setting that belongs to a project is an error naming the file and line.
    write(
        &home.path().join("keyscan"),
        "config.toml",
        "[scan]\nverify = true\ndecode = false\n",
    );
    let err = stderr(&run(&["."], 2));
    assert!(err.contains("config.toml:3"), "{err}");
    assert!(err.contains("only `[scan] verify`"), "{err}");
}

#[test]
fn a_commit_never_waits_on_the_network() {
    for args in [
        &["staged", "--verify"][..],
        &["staged", "--only-live"],
        &["baseline", "--verify"],
    ] {
        let mut command = keyscan();
        command.args(args);
        let err = stderr(&expect_exit(&mut command, 2));
        assert!(err.contains("does not verify findings"), "{args:?}: {err}");
    }
}

#[test]
fn the_readme_says_what_each_verifier_sends_where() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/verify/verifiers.toml"),
    )
    .unwrap();
    let catalog: toml::Value = toml::from_str(&text).unwrap();
    for verifier in catalog["verifiers"].as_array().unwrap() {
        let call = format!(
            "`{} {}`",
            verifier["method"].as_str().unwrap(),
            verifier["url"].as_str().unwrap()
        );
        let rules: Vec<String> = verifier["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|rule| format!("`{}`", rule.as_str().unwrap()))
            .collect();
        let row = readme.lines().find(|line| {
            line.starts_with("| ") && line.contains(&call) && line.contains(&rules[0])
        });
        let row = row.unwrap_or_else(|| panic!("README: no row for {call} and {}", rules[0]));
        for rule in &rules {
            assert!(row.contains(rule), "README: {call} does not name {rule}");
        }
    }
}
