//! What each command does. Every scanning command resolves its settings, runs the one
//! pipeline over its source and reports through [`output::report`](crate::cli::output::report);
//! every failure is returned, and `main` prints it. This module dispatches and holds
//! the guards the commands share; each command lives in its own module.

mod baseline;
mod docs;
mod git;
mod merge;
mod rules;
mod scan;
mod setup;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use keyscan::Error;
use keyscan::source::git as repository;
use keyscan::source::stream::STDIN;

use super::Status;
use super::args::{Cli, Command, CommonArgs, ConfigCommand, RulesCommand, ScanArgs, WalkArgs};

/// Runs the command `cli` names.
pub fn run(cli: Cli) -> Result<Status, Error> {
    match cli.command {
        None => scan::scan(&cli.scan),
        Some(Command::Scan(args)) => scan::scan(&args),
        Some(Command::Git(args)) => git::scan_git(&args),
        Some(Command::Stdin(args)) => whole_only(&args.common, "stdin").and_then(|()| {
            scan::scan(&ScanArgs {
                paths: vec![PathBuf::from(STDIN)],
                walk: WalkArgs {
                    stdin_name: args.stdin_name,
                    ..WalkArgs::default()
                },
                common: args.common,
            })
        }),
        Some(Command::Staged(args)) => whole_only(&args.common, "staged")
            .and_then(|()| offline(&args.common, "staged"))
            .and_then(|()| scan::staged(&args)),
        Some(Command::Baseline(args)) => baseline::baseline(&args),
        Some(Command::Merge(args)) => merge::merge(&args),
        Some(Command::InstallHook { force }) => setup::install_hook(force),
        Some(Command::Config(ConfigCommand::Init)) => setup::config_init(),
        Some(Command::Config(ConfigCommand::ImportGitleaks { file, force })) => {
            setup::import_gitleaks(&file, force)
        }
        Some(Command::Rules(RulesCommand::List(args))) => rules::list_rules(&args),
        Some(Command::Rules(RulesCommand::Check { files })) => rules::check_rules(&files),
        Some(Command::Completions { shell }) => docs::completions(shell),
        Some(Command::Man { command }) => docs::man_page(command.as_deref()),
    }
}

/// Writes `bytes` to standard output; a reader that stops early (`| head`) is its
/// choice, not an error.
fn write_stdout(bytes: &[u8]) -> Result<Status, Error> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(source) if source.kind() != io::ErrorKind::BrokenPipe => Err(Error::Io {
            action: "cannot write",
            path: None,
            source,
        }),
        _ => Ok(Status::Clean),
    }
}

/// The repository around the working directory, for a `command` that runs inside one.
fn inside_repository(command: &str) -> Result<git2::Repository, Error> {
    repository::open(Path::new(".")).map_err(|err| {
        Error::Git(format!(
            "{err}; run `keyscan {command}` inside the repository"
        ))
    })
}

/// Refuses `--verify` and `--only-live` for `command`: a commit must not wait on the
/// network, and a baseline accepts findings whatever their provider says.
fn offline(common: &CommonArgs, command: &str) -> Result<(), Error> {
    if common.verify || common.only_live {
        let why = if command == "staged" {
            "a commit must not wait on the network; verify with `keyscan --verify` or \
             `keyscan git --verify` instead"
        } else {
            "a baseline accepts findings whatever their provider says"
        };
        return Err(Error::Usage(format!(
            "`keyscan {command}` does not verify findings: {why}"
        )));
    }
    Ok(())
}

/// Refuses `--shard` for `command`, which scans something whole: a part of it would
/// pass as all of it.
fn whole_only(common: &CommonArgs, command: &str) -> Result<(), Error> {
    if common.shard.is_given() {
        return Err(Error::Usage(format!(
            "`keyscan {command}` is not split into parts: --shard and --shard-count are for \
             directory and history scans"
        )));
    }
    Ok(())
}
