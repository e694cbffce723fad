//! Helpers shared by the integration tests: running the binary and making fake keys.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

use crate::exit_code::assert_exit_code;

/// The `keyscan` binary under test, with colour and the user's environment out of the way.
pub fn keyscan() -> Command {
    let mut command = Command::cargo_bin("keyscan").expect("keyscan binary is built");
    command.env_remove("NO_COLOR");
    // The user's own configuration (which can turn verification on) is never the
    // developer's: tests that want one set their own.
    command.env("XDG_CONFIG_HOME", "/nonexistent/keyscan-tests");
    command
}

/// Runs keyscan with `args` and returns its output.
pub fn run(args: &[&str]) -> Output {
    keyscan().args(args).output().expect("keyscan runs")
}

/// Runs keyscan with `args` and returns its output, after checking that it exited with
/// `code`; on any other exit it panics as [`expect_exit`] does.
#[track_caller]
pub fn run_expect(code: i32, args: &[&str]) -> Output {
    expect_exit(keyscan().args(args), code)
}

/// Runs `command`, prepared by the test (usually [`keyscan`] with a working directory,
/// environment or standard input; or a script that runs keyscan), and returns its
/// output, after checking that it exited with `code`. On any other exit, or a death by
/// signal, it panics with a message that shows the command (program, arguments,
/// directory, environment changes), the expected and the actual exit, and both
/// standard output and standard error.
#[track_caller]
pub fn expect_exit(command: &mut Command, code: i32) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("{} cannot run: {err}", described(command)));
    assert_exit_code(&described(command), output, code)
}

/// `command` as a failure message shows it: the program and its arguments, then the
/// working directory and the environment changes it runs with, if any.
fn described(command: &Command) -> String {
    let mut text = format!("command: {:?}", command.get_program());
    for arg in command.get_args() {
        text.push_str(&format!(" {arg:?}"));
    }
    if let Some(dir) = command.get_current_dir() {
        text.push_str(&format!("\nin: {}", dir.display()));
    }
    let envs: Vec<String> = command
        .get_envs()
        .map(|(key, value)| match value {
            Some(value) => format!("{}={value:?}", key.to_string_lossy()),
            None => format!("{} unset", key.to_string_lossy()),
        })
        .collect();
    if !envs.is_empty() {
        text.push_str(&format!("\nenvironment: {}", envs.join(", ")));
    }
    text
}

/// Runs keyscan with `args` under GNU time (`.ci/run` installs it), checks that it
/// exited with `code` as [`expect_exit`] does, and returns its output, with GNU time's
/// line left at the end of standard error, and its peak memory in KB.
#[track_caller]
pub fn run_measured(code: i32, args: &[&str]) -> (Output, u64) {
    let mut command = Command::new("/usr/bin/time");
    command
        .args(["-f", "peak-rss-kb %M"])
        .arg(assert_cmd::cargo::cargo_bin("keyscan"))
        .args(args);
    let output = command
        .output()
        .expect("GNU time is installed (.ci/run installs it)");
    let output = assert_exit_code(&described(&command), output, code);
    let peak_kb = stderr(&output)
        .lines()
        .find_map(|line| line.strip_prefix("peak-rss-kb "))
        .expect("GNU time reports peak memory")
        .trim()
        .parse()
        .expect("a number of KB");
    (output, peak_kb)
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub use crate::fake_keys::{fake_aws_pair, fake_github_token};

/// Writes `text` to `dir/name`, creating parent directories.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("file has a parent")).expect("create dirs");
    std::fs::write(path, text).expect("write file");
}
