//! Integration tests: the real `keyscan` binary on files built at test time and on
//! `fixtures/`.

mod action;
mod bad_input;
mod common;
mod errors;
mod fixtures;
mod formats;
mod git_repo;
mod history;
mod hooks;
mod hostile;
mod living;
mod pinned;
mod rules_cli;
mod scan;
mod staged;
