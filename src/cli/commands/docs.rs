//! `keyscan completions` and `keyscan man`: made from the same definitions as the
//! parser, so they never disagree with it.

use clap::CommandFactory;
use keyscan::Error;
use keyscan::text::printable;

use super::write_stdout;
use crate::cli::Status;
use crate::cli::args::Cli;

/// `keyscan completions SHELL`: the script, made from the same definitions as the parser.
pub(super) fn completions(shell: clap_complete::Shell) -> Result<Status, Error> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "keyscan", &mut script);
    write_stdout(&script)
}

/// `keyscan man [COMMAND]`: the manual page in roff, made from the same definitions as
/// the parser; with a command, that command's page (`keyscan-git`).
pub(super) fn man_page(command: Option<&str>) -> Result<Status, Error> {
    let cli = Cli::command();
    let page_of = match command {
        None => cli,
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                let names: Vec<&str> = cli.get_subcommands().map(|sub| sub.get_name()).collect();
                return Err(Error::Usage(format!(
                    "no command `{}`; the commands are {}",
                    printable(name),
                    names.join(", ")
                )));
            };
            sub.clone()
                .name(format!("keyscan-{}", sub.get_name()))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(page_of)
        .render(&mut page)
        .map_err(|source| Error::Io {
            action: "cannot render the manual page to",
            path: None,
            source,
        })?;
    write_stdout(&page)
}
