//! The `keyscan` binary: parse the command line and dispatch.

mod cli;

use std::panic::AssertUnwindSafe;
use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command, ConfigCommand, RulesCommand};
use cli::commands;

fn main() -> ExitCode {
    cli::crash::install_panic_report();
    let cli = Cli::parse();
    let code = std::panic::catch_unwind(AssertUnwindSafe(|| run(cli))).unwrap_or(cli::EXIT_ERROR);
    ExitCode::from(code)
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        None => commands::run_scan(&cli.scan),
        Some(Command::Scan(args)) => commands::run_scan(&args),
        Some(Command::Git(args)) => commands::run_git(&args),
        Some(Command::Staged(args)) => commands::run_staged(&args),
        Some(Command::Baseline(args)) => commands::run_baseline(&args),
        Some(Command::InstallHook { force }) => commands::install_hook(force),
        Some(Command::Config(ConfigCommand::Init)) => commands::config_init(),
        Some(Command::Rules(RulesCommand::List { rules })) => commands::list_rules(&rules),
        Some(Command::Rules(RulesCommand::Check { files })) => commands::check_rules(&files),
    }
}
