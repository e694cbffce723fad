//! Standard input and other streams: `keyscan -`, `keyscan stdin`, a named pipe or
//! `/dev/stdin` given on the command line; special files met in a walk are skipped.

use std::io::Write as _;

use serde_json::Value;

use crate::common::{expect_exit, fake_github_token, keyscan, stdout, write};

fn report(output: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(output)).expect("a JSON report")
}

#[test]
fn a_dash_reads_standard_input_as_one_file_named_stdin() {
    let token = fake_github_token(71);
    let input = format!("# pasted\nGITHUB_TOKEN={token}\n");
    let output = expect_exit(
        keyscan()
            .args(["-", "--no-config", "-f", "json"])
            .write_stdin(input),
        1,
    );
    let report = report(&output);
    let finding = &report["findings"][0];
    assert_eq!(finding["path"], "stdin");
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["rule_id"], "github-pat");
    assert_eq!(report["stats"]["files"], 1);
    assert!(!stdout(&output).contains(&token), "redacted");
}

#[test]
fn the_stdin_command_takes_the_name_to_show_in_every_format() {
    let input = format!("token: {}\n", fake_github_token(72));
    let run = |format: &str| {
        let output = expect_exit(
            keyscan()
                .args(["stdin", "--stdin-name", "deploy/values.yaml", "--no-config"])
                .args(["-f", format])
                .write_stdin(input.clone()),
            1,
        );
        stdout(&output)
    };
    assert!(run("human").starts_with("deploy/values.yaml:1:8"));
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("deploy/values.yaml")
    );
    let lines = run("jsonl");
    assert!(lines.contains("\"path\":\"deploy/values.yaml\""), "{lines}");
}

#[test]
fn empty_input_is_a_clean_scan_of_one_file() {
    let output = expect_exit(keyscan().args(["-", "--no-config"]).write_stdin(""), 0);
    assert!(stdout(&output).contains("no secrets found"));
}

#[test]
fn a_baseline_made_from_standard_input_suppresses_the_same_input() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let input = format!("API={}\n", fake_github_token(73));
    expect_exit(
        keyscan()
            .args(["baseline", "-", "--no-config", "-o"])
            .arg(&baseline)
            .write_stdin(input.clone()),
        0,
    );
    let output = expect_exit(
        keyscan()
            .args(["-", "--no-config", "--baseline"])
            .arg(&baseline)
            .write_stdin(input),
        0,
    );
    assert!(stdout(&output).contains("suppressed: 1 baseline"));
}

#[test]
fn dev_stdin_named_explicitly_is_read_as_a_stream() {
    let input = format!("key={}\n", fake_github_token(74));
    let output = expect_exit(
        keyscan()
            .args(["/dev/stdin", "--no-config", "-f", "json"])
            .write_stdin(input),
        1,
    );
    assert_eq!(report(&output)["stats"]["skipped_special"], 0);
    assert_eq!(report(&output)["findings"][0]["line"], 1);
}

#[test]
fn a_named_pipe_is_read_when_named_and_skipped_when_met_in_a_walk() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("feed");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let token = fake_github_token(75);
    let writer = {
        let (fifo, token) = (fifo.clone(), token.clone());
        // Opening a FIFO for writing blocks until keyscan opens it for reading.
        std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            writeln!(pipe, "token={token}").unwrap();
        })
    };
    let output = expect_exit(
        keyscan()
            .arg(&fifo)
            .args(["--no-config", "-f", "json"])
            .write_stdin(""),
        1,
    );
    writer.join().unwrap();
    assert_eq!(report(&output)["findings"][0]["rule_id"], "github-pat");

    // In a walk nobody asked for the pipe: reading it would wait for a writer forever.
    write(dir.path(), "config.env", format!("TOKEN={token}\n"));
    let output = expect_exit(
        keyscan()
            .arg(dir.path())
            .args(["--no-config", "-f", "json"])
            .write_stdin(""),
        1,
    );
    let report = report(&output);
    assert_eq!(report["stats"]["skipped_special"], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn a_stream_over_the_size_cap_is_not_scanned_and_says_why() {
    let input = format!("{}\nTOKEN={}\n", "x".repeat(4096), fake_github_token(76));
    let output = expect_exit(
        keyscan()
            .args(["-", "--no-config", "--max-file-size", "1KB", "-f", "json"])
            .write_stdin(input),
        0,
    );
    let report = report(&output);
    assert_eq!(report["stats"]["skipped_too_large"], 1);
    let note = report["notes"][0]["message"].as_str().unwrap();
    assert!(note.contains("stream is over the size cap"), "{note}");
}
