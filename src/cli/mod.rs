//! The `keyscan` command line, split by job: arguments, setup, commands, output.

use keyscan::report::text::printable_message;

pub mod args;
pub mod commands;
pub mod crash;
mod output;
mod setup;

/// Exit code: the scan ran and found nothing.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: the scan found secrets.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: bad input or an incomplete result.
pub const EXIT_ERROR: u8 = 2;

/// Prints one error and returns the error exit code.
pub fn fail(message: impl std::fmt::Display) -> u8 {
    error(message);
    EXIT_ERROR
}

/// Prints one error, its untrusted parts (paths, quoted file content) unable to drive
/// the terminal.
pub fn error(message: impl std::fmt::Display) {
    let message = message.to_string();
    eprintln!("keyscan: error: {}", printable_message(&message));
}
