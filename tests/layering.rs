//! The library's modules are layered the way data flows (`src/lib.rs`): each imports
//! only modules of lower layers, so there is no import circle and nothing reaches back
//! up (a reporter into the pipeline, the engine into a source). This reads the `crate::`
//! paths of every file under `src/` and fails on one that breaks the order.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest layer first. A module may use only the
/// modules of earlier lines; modules on one line do not use each other.
const LAYERS: &[&[&str]] = &[
    &["text", "shard"],
    &["files", "fingerprint"],
    &["rules", "decode"],
    &["error", "finding"],
    &["outcome"],
    &["engine", "source", "hook"],
    &["filter", "gitleaks"],
    &["config", "user_config"],
    &["pipeline", "report", "merge", "sweep", "verify"],
];

/// Standard-library modules that do I/O, which the pure engine must not use.
const IO_MODULES: &[&str] = &["std::fs", "std::io", "std::net", "std::process", "std::env"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The top-level module a file of `src/` belongs to (`src/engine/check.rs` → `engine`).
fn module_of(file: &Path) -> String {
    let relative = file.strip_prefix(src()).expect("under src/");
    let first = relative.components().next().expect("a path");
    let name = first.as_os_str().to_string_lossy();
    name.strip_suffix(".rs").unwrap_or(&name).to_owned()
}

/// The layer `module` is on.
fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level modules `text` names with `crate::`, including in grouped imports
/// (`use crate::{a, b::c}`).
fn crate_modules(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue; // `keyscan_crate::`, not ours
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

#[test]
fn every_module_imports_only_lower_layers() {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for file in rust_files(&src()) {
        let module = module_of(&file);
        if matches!(module.as_str(), "lib" | "main" | "cli") {
            continue; // the crate root and the binary may use everything
        }
        seen.insert(module.clone());
        let Some(layer) = layer_of(&module) else {
            problems.push(format!("{module}: not in LAYERS; give it its place"));
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("source is readable");
        for used in crate_modules(&text) {
            match layer_of(&used) {
                Some(used_layer) if used_layer < layer || used == module => {}
                _ => problems.push(format!(
                    "{}: `{module}` uses `crate::{used}`, which is not below it",
                    file.display()
                )),
            }
        }
    }
    for layer in LAYERS {
        for module in *layer {
            if !seen.contains(*module) {
                problems.push(format!("{module}: in LAYERS but not in src/"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_engine_does_no_io_and_reports_import_only_the_model() {
    let mut problems = Vec::new();
    for file in rust_files(&src().join("engine")) {
        let text = std::fs::read_to_string(&file).expect("source is readable");
        for io in IO_MODULES {
            if text.contains(io) {
                problems.push(format!("{}: the engine uses {io}", file.display()));
            }
        }
        if text.contains("println!") || text.contains("eprintln!") {
            problems.push(format!("{}: the engine prints", file.display()));
        }
    }
    for file in rust_files(&src().join("report")) {
        let text = std::fs::read_to_string(&file).expect("source is readable");
        for used in crate_modules(&text) {
            if !["finding", "outcome", "rules", "text"].contains(&used.as_str()) {
                problems.push(format!(
                    "{}: a reporter uses `crate::{used}`, not only the model",
                    file.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_grouped_and_nested_paths() {
    let text =
        "use crate::{finding::Finding, outcome};\nlet x = crate::engine::scan();\nuse my_crate::x;";
    let found: Vec<String> = crate_modules(text).into_iter().collect();
    assert_eq!(found, ["engine", "finding", "outcome"]);
}
