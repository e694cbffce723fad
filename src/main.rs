//! The `keyscan` binary: parse the command line, run the command, print its error
//! (once, here) and exit with its status.

mod cli;

use std::panic::AssertUnwindSafe;
use std::process::ExitCode;

use clap::Parser;

use cli::Status;
use cli::args::Cli;

fn main() -> ExitCode {
    cli::crash::install_panic_report();
    let cli = Cli::parse();
    let status = match std::panic::catch_unwind(AssertUnwindSafe(|| cli::commands::run(cli))) {
        Ok(Ok(status)) => status,
        Ok(Err(err)) => {
            for message in err.messages() {
                cli::print_error(message);
            }
            Status::Error
        }
        // The panic hook has said what happened.
        Err(_) => Status::Error,
    };
    ExitCode::from(status)
}
