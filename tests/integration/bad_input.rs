//! Bad input: binaries, invalid UTF-8, huge files, symlink loops, special and
//! unreadable files, bad arguments. Each is reported and the scan goes on.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::process::Command as Process;

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{
    expect_exit, fake_github_token, keyscan, run, run_expect, stderr, stdout, write,
};

fn json(output: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(output)).expect("valid JSON report")
}

fn tree() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "good.txt",
        format!("token={}\n", fake_github_token(100)),
    );
    dir
}

#[test]
fn binary_files_are_skipped_and_counted() {
    let dir = tree();
    let mut binary = b"\x7fELF\x00\x01".to_vec();
    binary.extend(fake_github_token(101).as_bytes());
    write(dir.path(), "tool.bin", binary);
    let output = run(&[dir.path().to_str().unwrap(), "--color", "never"]);
    assert!(
        stdout(&output).contains("skipped: 1 binary"),
        "{}",
        stdout(&output)
    );
    let report = json(&run(&[dir.path().to_str().unwrap(), "-f", "json"]));
    assert_eq!(report["stats"]["skipped_binary"], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn invalid_utf8_is_scanned_as_bytes_and_noted() {
    let dir = tree();
    let mut latin1 = b"caf\xe9 = 1\n".to_vec();
    latin1.extend(format!("token = {}\n", fake_github_token(102)).as_bytes());
    write(dir.path(), "latin1.txt", latin1);
    let report = json(&run(&[dir.path().to_str().unwrap(), "-f", "json"]));
    assert_eq!(report["findings"].as_array().unwrap().len(), 2);
    assert_eq!(report["stats"]["not_utf8"], 1);
    let note = &report["notes"][0];
    assert!(note["path"].as_str().unwrap().ends_with("latin1.txt"));
    assert!(
        note["message"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8")
    );
    let human = stdout(&run(&[
        dir.path().to_str().unwrap(),
        "--verbose",
        "--color",
        "never",
    ]));
    assert!(human.contains("latin1.txt: not valid UTF-8"), "{human}");
}

#[test]
fn a_50_mb_file_is_scanned_and_the_size_cap_skips_it_visibly() {
    let dir = tree();
    let line = "let filler = compute(alpha, beta, gamma); // padding text\n";
    let mut big = line.repeat(50_000_000 / line.len());
    big.push_str(&format!("token = \"{}\"\n", fake_github_token(103)));
    write(dir.path(), "big.rs", big);
    let report = json(&run(&[dir.path().to_str().unwrap(), "-f", "json"]));
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["path"].as_str().unwrap().ends_with("big.rs"))
    );
    // Exit 1: the other finding still counts.
    let capped = run_expect(
        1,
        &[
            dir.path().to_str().unwrap(),
            "-f",
            "json",
            "--max-file-size",
            "10MB",
        ],
    );
    assert!(
        stderr(&capped).contains("big.rs: file is"),
        "{}",
        stderr(&capped)
    );
    assert!(stderr(&capped).contains("over the size cap"));
    let report = json(&capped);
    assert_eq!(report["stats"]["skipped_too_large"], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
}

/// The default-suite version of the stress suite's 2 GB sparse file: over the default
/// cap of 100 MB, skipped without being read, and said.
#[test]
fn a_sparse_file_over_the_default_cap_is_skipped_and_named() {
    let dir = tree();
    let sparse = std::fs::File::create(dir.path().join("disk.img")).unwrap();
    sparse.set_len(200_000_000).unwrap();
    let output = run_expect(1, &[dir.path().to_str().unwrap(), "-f", "json"]);
    assert!(
        stderr(&output).contains("disk.img: file is 200000000 bytes, over the size cap"),
        "{}",
        stderr(&output)
    );
    assert_eq!(json(&output)["stats"]["skipped_too_large"], 1);
}

/// The default-suite version of the stress suite's 200,000 files.
#[test]
fn twenty_thousand_tiny_files_are_all_scanned() {
    let dir = tree();
    for i in 0..20_000 {
        write(
            dir.path(),
            &format!("d{}/f{i}.txt", i % 100),
            format!("v{i}\n"),
        );
    }
    write(
        dir.path(),
        "d42/key.env",
        format!("T={}\n", fake_github_token(107)),
    );
    let report = json(&run(&[dir.path().to_str().unwrap(), "-f", "json"]));
    assert_eq!(report["stats"]["files"], 20_002);
    assert_eq!(report["findings"].as_array().unwrap().len(), 2);
}

#[test]
fn symlinks_are_not_followed_by_default_and_loops_are_reported() {
    let dir = tree();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    symlink("..", dir.path().join("sub/loop")).unwrap();
    symlink("good.txt", dir.path().join("alias.txt")).unwrap();
    let report = json(&run(&[dir.path().to_str().unwrap(), "-f", "json"]));
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(report["stats"]["skipped_symlinks"], 2);
    // Exit 1: a loop does not make the result incomplete.
    let followed = run_expect(
        1,
        &[
            dir.path().to_str().unwrap(),
            "-f",
            "json",
            "--follow-symlinks",
        ],
    );
    assert!(
        stderr(&followed).contains("symbolic link loop"),
        "{}",
        stderr(&followed)
    );
    assert_eq!(
        json(&followed)["findings"].as_array().unwrap().len(),
        2,
        "alias.txt is followed"
    );
}

#[test]
fn special_files_are_skipped_without_blocking() {
    let dir = tree();
    let fifo = dir.path().join("pipe");
    assert!(
        Process::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let output = expect_exit(
        keyscan()
            .args([dir.path().to_str().unwrap(), "-f", "json"])
            .timeout(std::time::Duration::from_secs(20)),
        1,
    );
    assert_eq!(json(&output)["stats"]["skipped_special"], 1);
}

fn running_as_root() -> bool {
    let id = Process::new("id").arg("-u").output().expect("id runs");
    String::from_utf8_lossy(&id.stdout).trim() == "0"
}

#[test]
fn an_unreadable_file_is_reported_and_makes_the_result_incomplete() {
    let dir = tree();
    write(
        dir.path(),
        "secret-store/locked.txt",
        format!("{}\n", fake_github_token(104)),
    );
    let locked = dir.path().join("secret-store/locked.txt");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let binary = assert_cmd::cargo::cargo_bin("keyscan");
    let command = if running_as_root() {
        // Root reads anything: run as `nobody` so the permission bits apply.
        for path in [dir.path().to_path_buf(), dir.path().join("secret-store")] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::set_permissions(
            dir.path().join("good.txt"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let copy = dir.path().join("keyscan-bin");
        std::fs::copy(&binary, &copy).unwrap();
        let mut command = Process::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(copy);
        command
    } else {
        Process::new(binary)
    };
    let output = expect_exit(
        assert_cmd::Command::from_std(command).args([
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ]),
        2,
    );
    assert!(
        stderr(&output).contains("locked.txt: cannot read"),
        "{}",
        stderr(&output)
    );
    let report = json(&output);
    assert_eq!(report["incomplete"], true);
    assert_eq!(report["stats"]["errors"], 1);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        1,
        "the rest is still scanned"
    );
}

#[test]
fn a_missing_path_is_one_clear_error() {
    let output = run_expect(2, &["/definitely/not/here"]);
    assert_eq!(
        stderr(&output),
        "keyscan: error: /definitely/not/here: no such file or directory\n"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_arguments_exit_2_without_a_backtrace() {
    for args in [
        &["--format", "xml"][..],
        &["--max-file-size", "huge"],
        &["--no-such-flag"],
    ] {
        let output = run_expect(2, args);
        assert!(!stderr(&output).contains("panicked"));
    }
}

#[test]
fn a_malformed_rule_file_names_file_and_rule_and_exits_2() {
    let dir = tree();
    write(
        dir.path(),
        "rules/broken.toml",
        "provider = \"Mine\"\n[[rules]]\nid = \"my-token\"\nname = \"N\"\ndescription = \"D\"\n\
         severity = \"high\"\nkeywords = [\"mine_\"]\npattern = '''mine_([a-z]+'''\n\
         examples = [\"mine_abc\"]\ncounterexamples = [\"x\"]\n",
    );
    let rules = dir.path().join("rules");
    let output = run_expect(
        2,
        &[
            dir.path().join("good.txt").to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ],
    );
    let err = stderr(&output);
    assert!(
        err.contains("broken.toml:2: rule `my-token`: invalid pattern"),
        "{err}"
    );
    assert!(
        output.stdout.is_empty(),
        "no partial report on a bad rule set"
    );
}
