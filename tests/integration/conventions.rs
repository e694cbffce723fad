//! The conventions of command-line tools (issue 17, §3): completions and a manual page
//! made from the parser's own definitions, a suggestion for a mistyped command,
//! `--quiet`, a summary on standard error when the report goes to a file, plurals.

use std::process::Command;

use crate::common::{fake_github_token, keyscan, run, run_expect, stderr, stdout, write};

/// Every long flag `keyscan --help` lists.
fn long_flags() -> Vec<String> {
    let help = stdout(&run_expect(0, &["--help"]));
    let mut flags: Vec<String> = help
        .split_whitespace()
        .filter_map(|word| word.strip_prefix("--"))
        .map(|flag| flag.trim_end_matches([',', '.']).to_owned())
        .map(|flag| flag.split(['=', '<']).next().unwrap_or_default().to_owned())
        .filter(|flag| !flag.is_empty() && flag.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    flags.sort();
    flags.dedup();
    assert!(flags.len() > 20, "{flags:?}");
    flags
}

#[test]
fn completions_for_every_shell_know_every_flag_and_command() {
    let flags = long_flags();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout(&run_expect(0, &["completions", shell]));
        for flag in &flags {
            assert!(
                script.contains(&format!("--{flag}"))
                    || script.contains(&format!("'{flag}'"))
                    || script.contains(&format!("-l {flag}")),
                "{shell}: no --{flag}"
            );
        }
        for command in ["git", "staged", "stdin", "baseline", "rules"] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
    }
    assert!(!run(&["completions", "tcsh"]).status.success());
}

#[test]
fn the_bash_completion_script_loads_and_completes_commands() {
    let script = stdout(&run_expect(0, &["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "keyscan.bash", &script);
    // Complete `keyscan sta` as bash would on a tab.
    let probe = "source ./keyscan.bash\n\
                 COMP_WORDS=(keyscan sta); COMP_CWORD=1; COMP_LINE='keyscan sta'; COMP_POINT=11\n\
                 _keyscan keyscan sta keyscan\n\
                 printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    let output = Command::new("bash")
        .current_dir(dir.path())
        .args(["-c", probe])
        .output()
        .expect("bash runs");
    let offered = String::from_utf8_lossy(&output.stdout);
    assert!(
        offered.lines().any(|line| line == "staged"),
        "{offered}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_manual_page_documents_every_flag_and_each_command_has_its_own() {
    let page = stdout(&run_expect(0, &["man"]));
    assert!(page.contains(".TH keyscan 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "no {section}");
    }
    for flag in long_flags() {
        assert!(
            page.contains(&format!("\\-\\-{}", flag.replace('-', "\\-"))),
            "no --{flag}"
        );
    }
    assert!(page.contains("Exit codes"));
    let git = stdout(&run_expect(0, &["man", "git"]));
    assert!(git.contains(".TH keyscan-git 1"));
    assert!(git.contains("\\-\\-reflog"));
    let unknown = run_expect(2, &["man", "gti"]);
    assert!(stderr(&unknown).contains("no command `gti`; the commands are scan, git"));
}

#[test]
fn a_mistyped_command_is_named_not_scanned_as_a_missing_path() {
    let dir = tempfile::tempdir().unwrap();
    for (typed, meant) in [
        ("hisotry", "history"),
        ("stagged", "staged"),
        ("gti", "git"),
        ("baselin", "baseline"),
    ] {
        let output = keyscan()
            .current_dir(dir.path())
            .arg(typed)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains(&format!("did you mean `keyscan {meant}`?")),
            "{typed}: {}",
            stderr(&output)
        );
    }
    // A path that reads like no command, or is one, is not second-guessed.
    let output = keyscan()
        .current_dir(dir.path())
        .arg("vendor")
        .output()
        .unwrap();
    assert!(stderr(&output).contains("vendor: no such file or directory\n"));
    write(dir.path(), "gti", "nothing here\n");
    let output = keyscan()
        .current_dir(dir.path())
        .args(["gti", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn history_is_another_name_for_git() {
    let help = stdout(&run_expect(0, &["history", "--help"]));
    assert!(help.contains("--reflog"));
}

#[test]
fn quiet_prints_nothing_but_the_exit_code_says_what_was_found() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.env",
        format!("TOKEN={}\n", fake_github_token(81)),
    );
    write(dir.path(), "big.txt", "x".repeat(4096));
    let path = dir.path().to_str().unwrap();
    let loud = run_expect(1, &[path, "--no-config", "--max-file-size", "1KB"]);
    assert!(stderr(&loud).contains("over the size cap"));
    let quiet = run_expect(1, &[path, "--no-config", "--max-file-size", "1KB", "-q"]);
    assert_eq!(stdout(&quiet), "");
    assert_eq!(stderr(&quiet), "");
    // A machine format, or a report to a file, is still written.
    let json = run_expect(1, &[path, "--no-config", "-q", "-f", "json"]);
    assert!(stdout(&json).contains("\"github-pat\""));
    let report = dir.path().join("report.sarif");
    let to_file = run_expect(
        1,
        &[
            path,
            "--no-config",
            "-q",
            "-f",
            "sarif",
            "-o",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(stderr(&to_file), "");
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("github-pat")
    );
}

#[test]
fn a_report_written_to_a_file_is_summed_up_on_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.env",
        format!("TOKEN={}\n", fake_github_token(82)),
    );
    let report = dir.path().join("out.sarif");
    let output = run_expect(
        1,
        &[
            dir.path().to_str().unwrap(),
            "--no-config",
            "-f",
            "sarif",
            "-o",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(stdout(&output), "");
    let expected = format!(
        "keyscan: 1 finding (1 high) in 1 file \u{2192} {}\n",
        report.display()
    );
    assert_eq!(stderr(&output), expected);
}

#[test]
fn the_threads_default_is_said_in_words() {
    let help = stdout(&run_expect(0, &["--help"]));
    assert!(help.contains("[default: one per CPU core]"), "{help}");
    assert!(!help.contains("[default: 0]"));
}

#[test]
fn min_severity_decides_what_is_reported_and_fail_on_what_fails() {
    let dir = tempfile::tempdir().unwrap();
    // A GitHub token is high; a generic password assignment is low.
    write(
        dir.path(),
        "a.env",
        format!("TOKEN={}\n", fake_github_token(83)),
    );
    write(
        dir.path(),
        "db.properties",
        "db.password=Xq7vZ2mN9pR4tK8w\n",
    );
    let path = dir.path().to_str().unwrap();
    let count = |output: &std::process::Output| {
        let report: serde_json::Value = serde_json::from_str(&stdout(output)).unwrap();
        report["findings"].as_array().unwrap().len()
    };
    assert_eq!(
        count(&run_expect(1, &[path, "--no-config", "-f", "json"])),
        2
    );
    let high = run_expect(
        1,
        &[path, "--no-config", "-f", "json", "--min-severity", "high"],
    );
    assert_eq!(count(&high), 1);
    // Reported, but not failing: the exit code is 0.
    let lenient = run_expect(
        0,
        &[path, "--no-config", "-f", "json", "--fail-on", "critical"],
    );
    assert_eq!(count(&lenient), 2);
    run_expect(1, &[path, "--no-config", "--fail-on", "high"]);

    // The same from the configuration, and the flag over it.
    write(
        dir.path(),
        ".keyscan.toml",
        "[rules]\nmin_severity = \"high\"\nfail_on = \"critical\"\n",
    );
    let configured = run_expect(0, &[path, "-f", "json"]);
    assert_eq!(count(&configured), 1);
    run_expect(1, &[path, "--fail-on", "low"]);
    let all = run_expect(
        1,
        &[
            path,
            "-f",
            "json",
            "--min-severity",
            "low",
            "--fail-on",
            "low",
        ],
    );
    assert_eq!(count(&all), 2);
    let wrong = run_expect(2, &[path, "--fail-on", "urgent"]);
    assert!(stderr(&wrong).contains("possible values: low, medium, high, critical"));
}

#[test]
fn human_output_shows_the_line_with_every_secret_on_it_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let token = fake_github_token(84);
    let (id, secret) = crate::common::fake_aws_pair(84);
    write(
        dir.path(),
        "deploy.sh",
        format!(
            "export GITHUB_TOKEN=\"{token}\" SESSION=Zq8wX4vN2mR7tK9p\n\
             aws configure set aws_access_key_id {id} && aws configure set aws_secret_access_key {secret}\n"
        ),
    );
    let output = run_expect(
        1,
        &[
            dir.path().to_str().unwrap(),
            "--no-config",
            "--color",
            "never",
        ],
    );
    let text = stdout(&output);
    assert!(
        text.contains("    > export GITHUB_TOKEN=\"ghp_********\" SESSION=****\n"),
        "{text}"
    );
    let aws_line = text
        .lines()
        .find(|line| line.starts_with("    > aws configure"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        !aws_line.contains(&id[4..]) && !aws_line.contains(&secret[4..]),
        "{aws_line}"
    );
    for hidden in [&token[4..], &id[4..], &secret[4..], "Zq8wX4vN2mR7tK9p"] {
        assert!(!text.contains(hidden), "{hidden} shown in:\n{text}");
    }
}
