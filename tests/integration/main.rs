//! Integration tests: the real `keyscan` binary on files built at test time and on
//! `fixtures/`.

mod action;
mod bad_input;
mod common;
mod conventions;
mod decoded;
mod docs;
mod errors;
#[path = "../support/exit_code.rs"]
mod exit_code;
#[path = "../support/fake_keys.rs"]
mod fake_keys;
#[path = "../support/fast_import.rs"]
mod fast_import;
mod fixtures;
mod formats;
mod git_repo;
mod gitleaks;
mod history;
mod hooks;
mod hostile;
mod living;
mod odd_arguments;
mod offline;
mod pairs;
mod pinned;
mod repositories;
mod rules_cli;
mod scan;
mod shards;
mod staged;
mod streams;
mod syntaxes;
mod untrusted;
mod verify;
