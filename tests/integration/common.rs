//! Helpers shared by the integration tests: running the binary and making fake keys.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

/// The `keyscan` binary under test, with colour and the user's environment out of the way.
pub fn keyscan() -> Command {
    let mut command = Command::cargo_bin("keyscan").expect("keyscan binary is built");
    command.env_remove("NO_COLOR");
    command
}

/// Runs keyscan with `args` and returns its output.
pub fn run(args: &[&str]) -> Output {
    keyscan().args(args).output().expect("keyscan runs")
}

/// Runs keyscan with `args` under GNU time (`.ci/run` installs it) and returns its
/// output, with GNU time's line left at the end of standard error, and its peak
/// memory in KB.
pub fn run_measured(args: &[&str]) -> (Output, u64) {
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "peak-rss-kb %M"])
        .arg(assert_cmd::cargo::cargo_bin("keyscan"))
        .args(args)
        .output()
        .expect("GNU time is installed (.ci/run installs it)");
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

pub use crate::fake_keys::fake_github_token;

/// Writes `text` to `dir/name`, creating parent directories.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("file has a parent")).expect("create dirs");
    std::fs::write(path, text).expect("write file");
}
