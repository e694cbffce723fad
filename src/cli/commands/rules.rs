//! `keyscan rules list` and `keyscan rules check`.

use std::io::{self, Write};
use std::path::PathBuf;

use keyscan::Error;
use keyscan::engine::{Engine, check_examples};
use keyscan::rules::RuleOptions;
use keyscan::text::printable;

use super::write_stdout;
use crate::cli::Status;
use crate::cli::args::{ListArgs, ListFormat};
use crate::cli::settings::{load_config, load_rules, rules_in_force};

/// `keyscan rules list [--rules PATH] [--markdown]`
pub(super) fn list_rules(args: &ListArgs) -> Result<Status, Error> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let config = load_config(args.config.as_deref(), args.no_config, &cwd)?;
    let rules = rules_in_force(&args.rules, &config)?;
    let format = if args.markdown {
        ListFormat::Markdown
    } else {
        args.format
    };
    if format == ListFormat::Json {
        let listed: Vec<serde_json::Value> = rules
            .rules()
            .iter()
            .map(|rule| {
                serde_json::json!({
                    "id": rule.id,
                    "name": rule.name,
                    "provider": rule.provider,
                    "severity": rule.severity.as_str(),
                    "confidence": rule.confidence.as_str(),
                    "keywords": rule.keywords,
                    "references": rule.references,
                    "source": rule.source.to_string(),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&listed).expect("JSON values serialize");
        return write_stdout(format!("{text}\n").as_bytes());
    }
    let markdown = format == ListFormat::Markdown;
    let lines: Vec<String> = if markdown {
        // A cell is printable text with no `|` to end it early.
        let cell = |text: &str| printable(text).replace('|', "\\|");
        let header = [
            "| provider | id | name | severity | confidence |".to_owned(),
            "| --- | --- | --- | --- | --- |".to_owned(),
        ];
        let rows = rules.rules().iter().map(|rule| {
            format!(
                "| {} | `{}` | {} | {} | {} |",
                cell(&rule.provider),
                cell(&rule.id),
                cell(&rule.name),
                rule.severity.as_str(),
                rule.confidence.as_str(),
            )
        });
        header.into_iter().chain(rows).collect()
    } else {
        let width = rules
            .rules()
            .iter()
            .map(|rule| rule.id.len())
            .max()
            .unwrap_or(0);
        rules
            .rules()
            .iter()
            .map(|rule| {
                format!(
                    "{:width$}  {:8}  {:6}  {}  ({})",
                    rule.id,
                    rule.severity.as_str(),
                    rule.confidence.as_str(),
                    printable(&rule.provider),
                    printable(&rule.source.to_string()),
                )
            })
            .collect()
    };
    let mut out = io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(Status::Clean)
}

/// `keyscan rules check FILE...`
pub(super) fn check_rules(files: &[PathBuf]) -> Result<Status, Error> {
    let rules = load_rules(&RuleOptions {
        builtin: false,
        paths: files.to_vec(),
        repository: None,
        texts: Vec::new(),
    })?;
    let engine = Engine::new(rules);
    let problems = check_examples(&engine);
    if !problems.is_empty() {
        return Err(Error::Rules(problems));
    }
    let examples: usize = engine.rules().iter().map(|rule| rule.examples.len()).sum();
    let counter: usize = engine
        .rules()
        .iter()
        .map(|rule| rule.counterexamples.len())
        .sum();
    println!(
        "ok: {} rules, {examples} examples, {counter} counterexamples",
        engine.rules().len()
    );
    Ok(Status::Clean)
}
