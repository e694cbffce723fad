//! `keyscan rules list|check`, custom rules, and the built-in rules' own examples.

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
        err.contains("rule `acme-token`: example does not match: \"acme_tooshort\""),
        "{err}"
    );
    assert!(err.contains("no keyword occurs in example"), "{err}");
    assert!(
        err.contains("counterexample matches: \"acme_q7vz2lmn9pr4\""),
        "{err}"
    );
}
