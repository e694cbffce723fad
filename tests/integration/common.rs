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

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A structurally valid, obviously fake GitHub classic token (`ghp_`, CRC32 checksum),
/// different for each `seed`.
pub fn fake_github_token(seed: u32) -> String {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(0x9E37_79B9);
    let mut body = String::from("FAKE");
    while body.len() < 30 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        body.push(BASE62[(state % 62) as usize] as char);
    }
    let mut checksum = crc32fast::hash(body.as_bytes());
    let mut digits = [b'0'; 6];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(checksum % 62) as usize];
        checksum /= 62;
    }
    format!("ghp_{body}{}", String::from_utf8_lossy(&digits))
}

/// Writes `text` to `dir/name`, creating parent directories.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("file has a parent")).expect("create dirs");
    std::fs::write(path, text).expect("write file");
}
