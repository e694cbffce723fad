//! The `keyscan` command line, split by job: arguments, settings resolution, commands,
//! output, the progress line and the crash report.

use std::fmt::Display;
use std::process::ExitCode;

use keyscan::text::printable_message;

pub mod args;
pub mod commands;
pub mod crash;
mod output;
mod progress;
mod settings;

/// How a command ended, as its exit code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: the scan ran and found nothing (or a command that is not a scan succeeded).
    Clean,
    /// 1: the scan found secrets.
    Findings,
    /// 2: bad input, an error, or an incomplete result.
    Error,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(match status {
            Status::Clean => 0,
            Status::Findings => 1,
            Status::Error => 2,
        })
    }
}

/// Prints one error line, its untrusted parts (paths, quoted file content) unable to
/// drive the terminal.
pub fn print_error(message: impl Display) {
    let message = message.to_string();
    eprintln!("keyscan: error: {}", printable_message(&message));
}
