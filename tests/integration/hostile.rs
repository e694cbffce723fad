//! Repositories that try to make keyscan run their code: keyscan reads them and runs
//! nothing.

use std::path::Path;

use crate::common::{expect_exit, fake_github_token, keyscan, stderr};
use crate::git_repo::TestRepo;

/// Every command slot of a repository's configuration that git itself would run, each
/// pointed at a command that leaves `marker-<slot>` in `markers`.
fn arm(repo: &TestRepo, markers: &Path) {
    let touch = |slot: &str| format!("touch {}/marker-{slot}", markers.display());
    let hooks = repo.path().join("evil-hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    for hook in [
        "pre-commit",
        "post-checkout",
        "post-index-change",
        "reference-transaction",
        "fsmonitor-watchman",
    ] {
        let script = hooks.join(hook);
        std::fs::write(&script, format!("#!/bin/sh\n{}\n", touch(hook))).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let settings = [
        ("core.hooksPath", hooks.display().to_string()),
        ("core.fsmonitor", touch("fsmonitor")),
        ("core.pager", touch("pager")),
        ("core.editor", touch("editor")),
        ("core.sshCommand", touch("ssh")),
        ("core.askPass", touch("askpass")),
        ("diff.external", touch("diff-external")),
        ("credential.helper", format!("!{}", touch("credential"))),
        ("gpg.program", touch("gpg")),
        ("filter.evil.clean", touch("clean")),
        ("filter.evil.smudge", touch("smudge")),
        ("filter.evil.process", touch("process")),
        ("filter.evil.required", "true".to_owned()),
        ("diff.evil.textconv", touch("textconv")),
    ];
    for (key, value) in settings {
        repo.git(&["config", key, &value]);
    }
    std::fs::write(
        repo.path().join(".gitattributes"),
        "* filter=evil diff=evil\n",
    )
    .unwrap();
}

/// The markers left in `markers`.
fn markers_in(markers: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(markers)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

#[test]
fn a_repository_whose_config_runs_commands_makes_keyscan_run_nothing() {
    let repo = TestRepo::new();
    repo.commit_file("old.env", &format!("T={}\n", fake_github_token(301)), "old");
    let markers = tempfile::tempdir().unwrap();
    arm(&repo, markers.path());
    // The trap is live: git itself runs the configured commands.
    let _ = crate::git_repo::git_command(repo.path())
        .args(["status", "--porcelain"])
        .output();
    assert!(
        !markers_in(markers.path()).is_empty(),
        "git status should have run the repository's fsmonitor or filter"
    );
    for entry in std::fs::read_dir(markers.path()).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }

    // A staged change, so `keyscan staged` has something to diff.
    std::fs::write(
        repo.path().join("new.env"),
        format!("T={}\n", fake_github_token(302)),
    )
    .unwrap();
    // Staged with libgit2: `git add` would run the clean filter.
    let staging = git2::Repository::open(repo.path()).unwrap();
    let mut index = staging.index().unwrap();
    index.add_path(Path::new("new.env")).unwrap();
    index.write().unwrap();

    for args in [
        vec![repo.arg(), "--no-config"],
        vec!["git", repo.arg(), "--no-config"],
        vec!["staged", "--no-config"],
    ] {
        expect_exit(
            keyscan()
                .args(&args)
                .current_dir(repo.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null"),
            1,
        );
        assert_eq!(
            markers_in(markers.path()),
            Vec::<String>::new(),
            "keyscan {args:?} ran a command from the repository"
        );
    }
}

/// Copies the seed fixtures (every seed provider's keys) into `dir/seeds/`.
fn copy_seed_fixtures(dir: &Path) {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds");
    for provider in std::fs::read_dir(&seeds).unwrap() {
        let provider = provider.unwrap().path();
        let target = dir.join("seeds").join(provider.file_name().unwrap());
        std::fs::create_dir_all(&target).unwrap();
        for file in std::fs::read_dir(&provider).unwrap() {
            let file = file.unwrap().path();
            std::fs::copy(&file, target.join(file.file_name().unwrap())).unwrap();
        }
    }
}

/// A scanned repository's configuration may name any file as a rule file or baseline:
/// here the process environment, where CI keeps its tokens. keyscan refuses it without
/// quoting it (toml's error snippets used to print the offending line, here the whole
/// environment).
#[test]
fn a_configuration_pointing_at_the_environment_cannot_print_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.txt"), "nothing\n").unwrap();
    let token = fake_github_token(330);
    for setting in [
        "[rules]\npaths = [\"/proc/self/environ\"]\n",
        "baseline = \"/proc/self/environ\"\n",
    ] {
        std::fs::write(dir.path().join(".keyscan.toml"), setting).unwrap();
        let output = expect_exit(
            keyscan()
                .current_dir(dir.path())
                .env("CI_DEPLOY_TOKEN", &token)
                .arg("."),
            2,
        );
        let err = stderr(&output);
        assert!(err.contains("/proc/self/environ:"), "{err}");
        assert!(
            !err.contains(&token) && !err.contains("CI_DEPLOY_TOKEN"),
            "the environment reached the log: {err}"
        );
    }
}

#[test]
fn no_output_channel_carries_a_secret_unless_asked() {
    let repo = TestRepo::new();
    copy_seed_fixtures(repo.path());
    std::fs::write(
        repo.path().join("deploy.sh"),
        format!("export GH_TOKEN={}\n", fake_github_token(303)),
    )
    .unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "keys"]);
    std::fs::write(
        repo.path().join("staged.env"),
        format!("TOKEN={}\n", fake_github_token(304)),
    )
    .unwrap();
    repo.git(&["add", "staged.env"]);

    // The secrets, as keyscan reports them when asked to show them.
    let asked = keyscan()
        .args([
            "git",
            repo.arg(),
            "--no-config",
            "--format",
            "jsonl",
            "--show-secrets",
        ])
        .output()
        .unwrap();
    let mut secrets: Vec<String> = Vec::new();
    for line in String::from_utf8(asked.stdout).unwrap().lines() {
        let finding: serde_json::Value = serde_json::from_str(line).unwrap();
        secrets.push(finding["secret"].as_str().unwrap().to_owned());
        if let Some(value) = finding["pair"]["value"].as_str() {
            secrets.push(value.to_owned());
        }
    }
    let staged_secret = fake_github_token(304);
    secrets.push(staged_secret);
    assert!(secrets.len() >= 12, "{secrets:?}");

    let out = tempfile::tempdir().unwrap();
    let file = |name: &str| out.path().join(name).to_str().unwrap().to_owned();
    let (report, baseline) = (file("report"), file("baseline.json"));
    let runs: Vec<Vec<&str>> = vec![
        vec![repo.arg(), "-v"],
        vec![repo.arg(), "--format", "json", "--output", &report],
        vec![repo.arg(), "--format", "jsonl"],
        vec![repo.arg(), "--format", "sarif", "--sarif-all-rules"],
        vec!["git", repo.arg(), "-v"],
        vec!["git", repo.arg(), "--format", "sarif"],
        vec!["staged", "-v"],
        vec!["staged", "--format", "json"],
        vec!["baseline", repo.arg(), "--baseline", &baseline],
        vec!["baseline", "git", repo.arg(), "--baseline", &baseline],
        vec![repo.arg(), "--baseline", &baseline, "-v"],
    ];
    // On a terminal the history scan draws a progress line; `script` gives it one.
    let binary = assert_cmd::cargo::cargo_bin("keyscan");
    let on_tty = std::process::Command::new("script")
        .args(["-qec"])
        .arg(format!(
            "{} git {} --no-config",
            binary.display(),
            repo.arg()
        ))
        .arg("/dev/null")
        .output()
        .expect("script (util-linux) runs keyscan on a pseudo-terminal");
    let screen = String::from_utf8_lossy(&on_tty.stdout);
    assert!(screen.contains("ghp_"), "a finding was drawn: {screen}");
    for secret in &secrets {
        assert!(
            !screen.contains(secret.as_str()),
            "the terminal saw {}…",
            &secret[..4]
        );
    }
    for args in runs {
        let output = keyscan()
            .args(&args)
            .arg("--no-config")
            .current_dir(repo.path())
            .output()
            .unwrap();
        let mut channels = String::from_utf8_lossy(&output.stdout).into_owned();
        channels.push_str(&String::from_utf8_lossy(&output.stderr));
        for written in [&report, &baseline] {
            channels.push_str(&std::fs::read_to_string(written).unwrap_or_default());
        }
        assert!(!channels.is_empty(), "{args:?} printed nothing");
        for secret in &secrets {
            assert!(
                !channels.contains(secret.as_str()),
                "keyscan {args:?} leaked {}…",
                &secret[..4]
            );
        }
    }
}

#[test]
fn hostile_file_names_cannot_inject_terminal_codes_or_break_reports() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let names: [&[u8]; 6] = [
        b"new\nline.env",
        b"\x1b[31mred\x1b[0m.env",
        b"\x1b]0;title\x07.env",
        b"bad\xff.env",
        b"-rf.env",
        b"tab\there.env",
    ];
    for (seed, name) in (305..).zip(names) {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, format!("T={}\n", fake_github_token(seed))).unwrap();
    }
    // Over the size cap, so its name is in a warning on standard error.
    let oversized = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"\x1b[2Jbig\x07.txt"));
    std::fs::write(oversized, "x".repeat(2_000)).unwrap();
    let scan = |format: &str| {
        let output = expect_exit(
            keyscan().args([
                dir.path().to_str().unwrap(),
                "--no-config",
                "--max-file-size",
                "1KB",
                "--format",
                format,
            ]),
            1,
        );
        assert!(
            !output
                .stderr
                .iter()
                .any(|&byte| byte == 0x1b || byte == 0x07),
            "raw escape codes reached the terminal through a warning: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(r"\u{1b}[2Jbig\u{7}.txt: file is 2000 bytes"),
            "{}",
            stderr(&output)
        );
        output.stdout
    };
    let human = scan("human");
    assert!(
        !human.iter().any(|&byte| byte == 0x1b || byte == 0x07),
        "raw escape codes reached the terminal: {}",
        String::from_utf8_lossy(&human)
    );
    let human = String::from_utf8(human).unwrap();
    let finding_lines = human
        .lines()
        .filter(|line| line.contains("github-pat"))
        .count();
    assert_eq!(
        finding_lines, 6,
        "one line per finding, none split: {human}"
    );
    assert!(human.contains(r"new\nline.env") && human.contains(r"\u{1b}[31mred"));

    let json: serde_json::Value = serde_json::from_slice(&scan("json")).unwrap();
    let mut paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["path"].as_str().unwrap())
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 6, "{paths:?}");
    let sarif: serde_json::Value = serde_json::from_slice(&scan("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 6);
    let jsonl = String::from_utf8(scan("jsonl")).unwrap();
    assert_eq!(
        jsonl.lines().count(),
        6,
        "a newline in a name stays inside its line"
    );
}
