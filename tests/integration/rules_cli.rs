//! `keyscan rules list|check`, custom rules, and the built-in rules' own examples.

use keyscan::rules::{Example, RuleOptions, load_rule_set};

use crate::common::{run, run_expect, stderr, stdout, write};

const SEED_RULES: &[&str] = &[
    "nhncloud-user-access-key-id",
    "nhncloud-secret-access-key",
    "nhncloud-appkey",
    "iot-guardian-key-id",
    "iot-guardian-access-key",
    "iot-guardian-access-key-unverified",
];

#[test]
fn every_builtin_rule_passes_its_examples_and_counterexamples() {
    let rules_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
    let output = run_expect(0, &["rules", "check", rules_dir]);
    assert!(stdout(&output).starts_with("ok: "));
}

#[test]
fn every_builtin_rule_documents_its_source_examples_and_counterexamples() {
    let rules = load_rule_set(&RuleOptions::builtin_only()).expect("built-in rules load");
    assert!(rules.rules().len() >= 300, "{} rules", rules.rules().len());
    for rule in rules.rules() {
        assert!(
            rule.references
                .iter()
                .any(|url| url.starts_with("https://")),
            "{}: no reference",
            rule.id
        );
        assert!(
            rule.examples.len() >= 2 && rule.counterexamples.len() >= 2,
            "{}: {} examples, {} counterexamples",
            rule.id,
            rule.examples.len(),
            rule.counterexamples.len()
        );
        assert!(
            rule.examples
                .iter()
                .any(|example| matches!(example, Example::WithSecret { .. })),
            "{}: no example names the secret it must capture",
            rule.id
        );
    }
}

/// The documented list of rules: a fixed head, then `keyscan rules list --markdown`.
const RULE_LIST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rule-list.md");

const RULE_LIST_HEAD: &str = "# Built-in rules\n\n\
Every rule compiled into keyscan, in the order of its rule file (`rules/*.toml`). The\n\
format of a rule is in [rules.md](rules.md). This list is made by\n\
`keyscan rules list --markdown --no-config`; a test keeps it current (regenerate it with\n\
`KEYSCAN_UPDATE_PINNED=1 cargo test --locked rule_list`).\n\n";

#[test]
fn the_documented_rule_list_is_that_of_the_binary() {
    let output = run_expect(0, &["rules", "list", "--markdown", "--no-config"]);
    let expected = format!("{RULE_LIST_HEAD}{}", stdout(&output));
    if std::env::var_os("KEYSCAN_UPDATE_PINNED").is_some() {
        std::fs::write(RULE_LIST, &expected).expect("write docs/rule-list.md");
        return;
    }
    let actual = std::fs::read_to_string(RULE_LIST).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rule-list.md is not the binary's list: regenerate it with \
         KEYSCAN_UPDATE_PINNED=1 cargo test --locked rule_list"
    );
    // A header, a separator and one row per rule: a `|` in a name cannot break it.
    let rows = expected
        .lines()
        .filter(|line| line.starts_with("| "))
        .count();
    let listed = stdout(&run_expect(0, &["rules", "list", "--no-config"]))
        .lines()
        .count();
    assert_eq!(rows, listed + 2);
}

#[test]
fn rules_list_shows_builtin_rules_with_their_origin() {
    let output = run_expect(0, &["rules", "list"]);
    let text = stdout(&output);
    for id in SEED_RULES {
        assert!(
            text.lines().any(|line| line.starts_with(id)),
            "{id} missing from:\n{text}"
        );
    }
    assert!(
        text.lines().count() >= 40,
        "expected the seed rules plus 30+ common providers"
    );
    assert!(text.contains("built-in rules/nhncloud.toml"));
}

#[test]
fn custom_rules_are_checked_and_used() {
    let dir = tempfile::tempdir().unwrap();
    let rule = "provider = \"Acme\"\n[[rules]]\nid = \"acme-token\"\nname = \"Acme token\"\n\
                description = \"Acme API token.\"\nseverity = \"high\"\nconfidence = \"high\"\n\
                keywords = [\"acme_\"]\npattern = '''\\b(?P<secret>acme_[a-z0-9]{12})\\b'''\n\
                examples = [{ text = \"t = acme_q7vz2lmn9pr4\", secret = \"acme_q7vz2lmn9pr4\" }]\n\
                counterexamples = [\"acme_short\"]\n";
    write(dir.path(), "rules/acme.toml", rule);
    let rules = dir.path().join("rules");
    let check = run_expect(0, &["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(
        stdout(&check),
        "ok: 1 rules, 1 examples, 1 counterexamples\n"
    );
    write(dir.path(), "src/app.txt", "token = acme_zt8kq2mwx4rb\n");
    let scan = run_expect(
        1,
        &[
            dir.path().join("src").to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "-f",
            "jsonl",
        ],
    );
    assert!(stdout(&scan).contains("\"rule_id\":\"acme-token\""));
    let listed = stdout(&run(&["rules", "list", "--rules", rules.to_str().unwrap()]));
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with("acme-token") && line.contains("acme.toml"))
    );
}

#[test]
fn rules_check_reports_failing_examples() {
    let dir = tempfile::tempdir().unwrap();
    let rule = "provider = \"Acme\"\n[[rules]]\nid = \"acme-token\"\nname = \"Acme token\"\n\
                description = \"Acme API token.\"\nseverity = \"high\"\n\
                keywords = [\"acme_\"]\npattern = '''\\b(?P<secret>acme_[a-z0-9]{12})\\b'''\n\
                examples = [\"acme_tooshort\", \"no keyword here\"]\n\
                counterexamples = [\"acme_q7vz2lmn9pr4\"]\n";
    write(dir.path(), "acme.toml", rule);
    let output = run_expect(
        2,
        &[
            "rules",
            "check",
            dir.path().join("acme.toml").to_str().unwrap(),
        ],
    );
    let err = stderr(&output);
    assert!(
        err.contains(
            "rule `acme-token`: example does not match: \"acme_tooshort\": the pattern matches \
             nothing in it"
        ),
        "{err}"
    );
    assert!(err.contains("no keyword occurs in example"), "{err}");
    assert!(
        err.contains("counterexample matches: \"acme_q7vz2lmn9pr4\""),
        "{err}"
    );
}

#[test]
fn rules_check_says_which_filter_refused_an_example() {
    let dir = tempfile::tempdir().unwrap();
    let rule = r#"provider = "Acme"
[[rules]]
id = "acme-key"
name = "Acme key"
description = "Acme API key."
severity = "high"
keywords = ["acmekey="]
pattern = '''acmekey=(?P<secret>[A-Za-z0-9]{16})'''
entropy = 3.5
examples = ["acmekey=q7q7q7q7q7q7q7q7", "acmekey=YOURKEYGOESHERE1", "acmekey=q7Vz2LmN9pR4tX8w"]
counterexamples = ["acmekey=short"]
"#;
    write(dir.path(), "acme.toml", rule);
    let output = run_expect(
        2,
        &[
            "rules",
            "check",
            dir.path().join("acme.toml").to_str().unwrap(),
        ],
    );
    let err = stderr(&output);
    assert!(
        err.contains(
            "the pattern captured \"q7q7q7q7q7q7q7q7\" but its entropy, 1.00 bits a character, \
             is below the rule's 3.50"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "the pattern captured \"YOURKEYGOESHERE1\" but the placeholder check took it for a \
             documentation value"
        ),
        "{err}"
    );
    assert!(
        !err.contains("q7Vz2LmN9pR4tX8w"),
        "a good example is no problem: {err}"
    );
}

#[test]
fn rules_list_is_the_rule_set_a_scan_here_would_run_and_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let rule = r#"provider = "Acme"
[[rules]]
id = "acme-key"
name = "Acme key"
description = "Acme API key."
severity = "high"
keywords = ["acmekey="]
pattern = '''acmekey=(?P<secret>[A-Za-z0-9]{16})'''
references = ["https://acme.example/docs/keys"]
examples = ["acmekey=q7Vz2LmN9pR4tX8w"]
counterexamples = ["acmekey=short"]
"#;
    write(dir.path(), "rules/acme.toml", rule);
    write(
        dir.path(),
        ".keyscan.toml",
        "[rules]\npaths = [\"rules\"]\ndisable = [\"github-pat\"]\n",
    );
    let list = |args: &[&str]| {
        let output = crate::common::keyscan()
            .current_dir(dir.path())
            .args(["rules", "list"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let configured = list(&[]);
    assert!(configured.lines().any(|line| line.starts_with("acme-key ")));
    assert!(
        !configured
            .lines()
            .any(|line| line.starts_with("github-pat "))
    );
    let bare = list(&["--no-config"]);
    assert!(bare.lines().any(|line| line.starts_with("github-pat ")));
    assert!(!bare.contains("acme-key"));
    let json: serde_json::Value = serde_json::from_str(&list(&["--format", "json"])).unwrap();
    let rules = json.as_array().unwrap();
    assert_eq!(rules.len(), configured.lines().count());
    let acme = rules.iter().find(|rule| rule["id"] == "acme-key").unwrap();
    assert_eq!(acme["provider"], "Acme");
    assert_eq!(acme["severity"], "high");
    assert_eq!(acme["keywords"][0], "acmekey=");
    assert_eq!(acme["references"][0], "https://acme.example/docs/keys");
    assert!(acme["source"].as_str().unwrap().ends_with("acme.toml"));
}
