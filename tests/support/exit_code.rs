//! Checking a finished command's exit code so that a mismatch explains itself in a CI
//! log: the command, the expected and the actual exit, and both output streams.

use std::process::Output;

/// How much of each end of an output stream a failure message quotes.
const QUOTED_BYTES: usize = 4_000;

/// Returns `output` if the command described by `command` exited with `code`, and
/// panics otherwise, naming the command, both exits and quoting standard output and
/// standard error.
#[track_caller]
pub fn assert_exit_code(command: &str, output: Output, code: i32) -> Output {
    if output.status.code() != Some(code) {
        panic!(
            "{command}\nexpected exit code {code}, got {}\n\
             --- stdout ---\n{}\n--- stderr ---\n{}\n--- end ---",
            output.status,
            quoted(&output.stdout),
            quoted(&output.stderr),
        );
    }
    output
}

/// `bytes` as text for a failure message: control characters other than newline and
/// tab escaped, so they cannot garble the log, and the middle of a long stream left out.
fn quoted(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "(empty)".to_owned();
    }
    let text = if bytes.len() <= 2 * QUOTED_BYTES {
        String::from_utf8_lossy(bytes).into_owned()
    } else {
        format!(
            "{}\n[... {} bytes left out ...]\n{}",
            String::from_utf8_lossy(&bytes[..QUOTED_BYTES]),
            bytes.len() - 2 * QUOTED_BYTES,
            String::from_utf8_lossy(&bytes[bytes.len() - QUOTED_BYTES..]),
        )
    };
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}
