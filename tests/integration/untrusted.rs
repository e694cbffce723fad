//! A scanned repository's own configuration, rule files and ignore files are hostile
//! input (issue 15, §1): they cannot make keyscan read outside the repository, hang on a
//! FIFO, exhaust memory, print escape sequences or quote their values back.

use std::path::Path;
use std::time::Duration;

use crate::common::{expect_exit, fake_github_token, keyscan, stderr, stdout, write};

/// A rule file whose strings carry terminal escape sequences.
const EVIL_RULES: &str = r#"provider = "Evil\u001b]0;pwned\u0007"
[[rules]]
id = "evil-token"
name = "Evil \u001b[31mRED\u001b[0m"
description = "d\u001b[2J"
severity = "high"
confidence = "high"
keywords = ["evil_"]
pattern = '''\b(?P<secret>evil_[a-z0-9]{12})\b'''
references = ["https://evil.test/"]
examples = ["evil_q7vz2lmn9pr4"]
counterexamples = ["evil_x"]
"#;

/// `keyscan DIR` with a time limit: a hang is a failure, not a stuck test.
#[track_caller]
fn scan(dir: &Path, args: &[&str], code: i32) -> std::process::Output {
    expect_exit(
        keyscan()
            .arg(dir)
            .args(args)
            .timeout(Duration::from_secs(60)),
        code,
    )
}

#[test]
fn files_a_repository_names_must_be_regular_files_inside_it() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "rules.toml", EVIL_RULES);
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), "a.txt", "t = evil_q7vz2lmn9pr4\n");
    let outside_rules = outside.path().join("rules.toml");
    let cases = [
        ("[rules]\npaths = [\"/dev/zero\"]\n", "outside"),
        (
            &format!("[rules]\npaths = [{:?}]\n", outside_rules) as &str,
            "outside",
        ),
        ("baseline = \"/etc/passwd\"\n", "outside"),
        ("[rules]\npaths = [\"link.toml\"]\n", "outside"),
        ("[rules]\npaths = [\"fifo.toml\"]\n", "not a regular file"),
    ];
    std::os::unix::fs::symlink(&outside_rules, repo.path().join("link.toml")).unwrap();
    let fifo = std::ffi::CString::new(repo.path().join("fifo.toml").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    for (config, reason) in cases {
        write(repo.path(), ".keyscan.toml", config);
        let err = stderr(&scan(repo.path(), &[], 2));
        assert!(err.contains(reason), "{config}: {err}");
    }
    // The same rule file named by the user is trusted: the flag, or a configuration
    // given with --config.
    let output = scan(
        repo.path(),
        &["--no-config", "--rules", outside_rules.to_str().unwrap()],
        1,
    );
    assert!(stdout(&output).contains("evil-token"));
    let given = outside.path().join("keyscan.toml");
    let config = format!("[rules]\npaths = [{:?}]\n", outside_rules);
    std::fs::write(&given, config).unwrap();
    scan(repo.path(), &["--config", given.to_str().unwrap()], 1);
}

#[test]
fn strings_from_rule_files_reach_the_terminal_escaped() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), "rules/evil.toml", EVIL_RULES);
    write(
        repo.path(),
        ".keyscan.toml",
        "[rules]\npaths = [\"rules\"]\n",
    );
    write(repo.path(), "a.txt", "t = evil_q7vz2lmn9pr4\n");
    let scanned = scan(repo.path(), &["--color", "never"], 1);
    let rules = repo.path().join("rules");
    let listed = expect_exit(
        keyscan().args(["rules", "list", "--rules", rules.to_str().unwrap()]),
        0,
    );
    for output in [&scanned, &listed] {
        let text = format!("{}{}", stdout(output), stderr(output));
        assert!(text.contains("evil-token"), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
    }
}

#[test]
fn errors_about_configuration_and_baselines_do_not_quote_their_values() {
    let token = fake_github_token(600);
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), "a.txt", "nothing\n");
    write(
        repo.path(),
        "baseline.json",
        format!(
            r#"{{"keyscan_baseline": 1, "findings": [{{"fingerprint": "{token}", "rule_id": "x", "path": "y"}}]}}"#
        ),
    );
    for config in [
        format!("[scan]\ndecode = \"{token}\"\n"),
        format!("[rules]\nmin_severity = \"{token}\"\n"),
        format!("[allowlist]\nsecrets = [\"({token}\"]\n"),
        "baseline = \"baseline.json\"\n".to_owned(),
    ] {
        write(repo.path(), ".keyscan.toml", &config);
        let err = stderr(&scan(repo.path(), &[], 2));
        assert!(
            !err.contains(&token) && !err.to_lowercase().contains(&token.to_lowercase()),
            "{err}"
        );
        assert!(
            err.contains(".keyscan.toml") || err.contains("baseline.json"),
            "{err}"
        );
    }
}

#[test]
fn rule_files_whose_patterns_compile_to_too_much_are_refused_not_an_abort() {
    let repo = tempfile::tempdir().unwrap();
    let mut rules = String::from("provider = \"Big\"\n");
    for index in 0..300 {
        rules.push_str(&format!(
            "[[rules]]\nid = \"big-{index}\"\nname = \"b\"\ndescription = \"d\"\nseverity = \"low\"\n\
             confidence = \"low\"\nkeywords = [\"bigkw{index}\"]\n\
             pattern = '''(?P<secret>[a-z]{{50000}}[0-9]{{50000}})'''\n\
             examples = [\"x\"]\ncounterexamples = [\"y\"]\n"
        ));
    }
    write(repo.path(), "rules.toml", rules);
    write(
        repo.path(),
        ".keyscan.toml",
        "[rules]\npaths = [\"rules.toml\"]\n",
    );
    let err = stderr(&scan(repo.path(), &[], 2));
    assert!(err.contains("compile to more than 128 MiB"), "{err}");
}

#[test]
fn links_that_fan_out_are_followed_once_per_directory() {
    let repo = tempfile::tempdir().unwrap();
    // Seven levels, each with ten links to the next: ten million paths, seven files.
    for level in 0..7 {
        write(
            repo.path(),
            &format!("l{level}/f.txt"),
            format!("level {level}\n"),
        );
        for link in 0..10 {
            if level < 6 {
                std::os::unix::fs::symlink(
                    format!("../l{}", level + 1),
                    repo.path().join(format!("l{level}/s{link}")),
                )
                .unwrap();
            }
        }
    }
    write(
        repo.path(),
        ".keyscan.toml",
        "[scan]\nfollow_symlinks = true\n",
    );
    let output = scan(&repo.path().join("l0"), &["-f", "json"], 0);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["stats"]["files"], 7, "{report}");
}

#[test]
fn a_directory_whose_ignore_file_is_not_a_file_is_reported_not_entered() {
    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        "ok/a.env",
        format!("T={}\n", fake_github_token(601)),
    );
    write(repo.path(), "trap/b.txt", "b\n");
    let fifo =
        std::ffi::CString::new(repo.path().join("trap/.gitignore").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    std::os::unix::fs::symlink("/dev/zero", repo.path().join("ok/.keyscanignore")).unwrap();
    let output = scan(repo.path(), &["--no-config", "-f", "json"], 2);
    let err = stderr(&output);
    assert!(err.contains(".gitignore is not a regular file"), "{err}");
    assert!(
        err.contains(".keyscanignore is not a regular file"),
        "{err}"
    );
    assert!(err.contains("incomplete result"), "{err}");
}
