//! The `keyscan` command line, split by job: arguments, setup, commands, output.

pub mod args;
pub mod commands;
mod output;
mod setup;

/// Exit code: the scan ran and found nothing.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: the scan found secrets.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: bad input or an incomplete result.
pub const EXIT_ERROR: u8 = 2;

/// Prints one error line and returns the error exit code.
pub fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("keyscan: error: {message}");
    EXIT_ERROR
}
