//! Directory scanning: findings, exit codes, ignore files, redaction.

use std::path::Path;

use tempfile::TempDir;

use crate::common::{fake_github_token, run, run_expect, stderr, stdout, write};
use crate::git_repo::{TestRepo, git_in};

fn dir_with(files: &[(&str, String)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

#[test]
fn a_clean_tree_exits_zero() {
    let dir = dir_with(&[("src/main.rs", "fn main() { println!(\"hi\"); }\n".into())]);
    let output = run_expect(0, &[dir.path().to_str().unwrap()]);
    assert!(stdout(&output).contains("no secrets found in 1 file,"));
}

#[test]
fn a_token_is_reported_with_location_and_redacted() {
    let token = fake_github_token(1);
    let dir = dir_with(&[("app/config.py", format!("import os\n\nGH = \"{token}\"\n"))]);
    let output = run_expect(1, &[dir.path().to_str().unwrap(), "--color", "never"]);
    let text = stdout(&output);
    assert!(text.contains("app/config.py:3:7"), "{text}");
    assert!(text.contains("github-pat"), "{text}");
    assert!(text.contains("ghp_********"), "{text}");
    assert!(!text.contains(&token), "the secret leaked: {text}");
    assert!(!stderr(&output).contains(&token));
    assert!(text.contains("1 finding (1 high)"), "{text}");
}

#[test]
fn show_secrets_prints_the_value() {
    let token = fake_github_token(2);
    let dir = dir_with(&[("a.env", format!("TOKEN={token}\n"))]);
    let output = run(&[dir.path().to_str().unwrap(), "--show-secrets"]);
    assert!(stdout(&output).contains(&token));
}

#[test]
fn documentation_placeholders_from_provider_docs_are_not_findings() {
    let docs = "X-TC-AUTHENTICATION-ID: {User Access Key}\n\
                X-TC-AUTHENTICATION-SECRET: {Secret Access Key}\n\
                X-TC-APP-KEY: {project integrated Appkey}\n\
                {\"auth_mode\": \"apikey\", \"apikey\": \"\", \"secretkey\": \"\"}\n\
                token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
    let dir = dir_with(&[("README.md", docs.into())]);
    run_expect(0, &[dir.path().to_str().unwrap()]);
}

#[test]
fn hidden_files_are_scanned_but_git_internals_are_not() {
    let token = fake_github_token(3);
    let dir = dir_with(&[
        (".env", format!("GH_TOKEN={token}\n")),
        (".git/config", format!("token = {}\n", fake_github_token(4))),
    ]);
    let output = run(&[dir.path().to_str().unwrap(), "--format", "jsonl"]);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("\".env\"") || text.contains("/.env\""),
        "{text}"
    );
}

#[test]
fn ignore_files_are_honoured_unless_no_ignore() {
    let dir = dir_with(&[
        (".gitignore", "build/\n".into()),
        (".keyscanignore", "testdata/\n".into()),
        ("build/out.txt", format!("{}\n", fake_github_token(5))),
        ("testdata/keys.txt", format!("{}\n", fake_github_token(6))),
        ("kept.txt", format!("{}\n", fake_github_token(7))),
    ]);
    let root = dir.path().to_str().unwrap();
    let output = run(&[root, "--format", "jsonl"]);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("kept.txt"));
    let everything = run(&[root, "--format", "jsonl", "--no-ignore"]);
    assert_eq!(
        stdout(&everything).lines().count(),
        3,
        "{}",
        stdout(&everything)
    );
}

/// Sorted paths of the findings of `keyscan ROOT --format jsonl`, relative to `base`.
fn found_under(base: &Path, root: &Path) -> Vec<String> {
    let output = run(&[root.to_str().unwrap(), "--format", "jsonl"]);
    let mut paths: Vec<String> = stdout(&output)
        .lines()
        .map(|line| {
            let finding: serde_json::Value = serde_json::from_str(line).unwrap();
            let path = Path::new(finding["path"].as_str().unwrap());
            path.strip_prefix(base).unwrap().display().to_string()
        })
        .collect();
    paths.sort();
    paths
}

#[test]
fn tracked_files_are_scanned_though_a_gitignore_matches_them() {
    let repo = TestRepo::new();
    let token = |seed| format!("T={}\n", fake_github_token(seed));
    write(repo.path(), ".gitignore", "*.env\nbuild/\n");
    write(repo.path(), ".keyscanignore", "fixtures/\n");
    write(repo.path(), "app.env", token(240));
    write(repo.path(), "build/deploy/out.env", token(241));
    write(repo.path(), "fixtures/sample.env", token(242));
    write(repo.path(), "local.env", token(243));
    repo.git(&["add", ".gitignore", ".keyscanignore"]);
    repo.git(&[
        "add",
        "-f",
        "app.env",
        "build/deploy/out.env",
        "fixtures/sample.env",
    ]);
    repo.git(&["commit", "-q", "-m", "tracked despite the ignore rules"]);
    // A repository of its own inside the scanned directory, with the same kind of file.
    let nested = repo.path().join("vendor/lib");
    std::fs::create_dir_all(&nested).unwrap();
    git_in(&nested, &["init", "-q"]);
    write(&nested, ".gitignore", "*.env\n");
    write(&nested, "lib.env", token(244));
    write(&nested, "scratch.env", token(245));
    git_in(&nested, &["add", "-f", "lib.env"]);

    let base = repo.path();
    // Tracked and ignored: scanned. Untracked and ignored, or excluded for keyscan: not.
    assert_eq!(
        found_under(base, base),
        ["app.env", "build/deploy/out.env", "vendor/lib/lib.env"]
    );
    // From a directory inside the repository.
    assert_eq!(
        found_under(base, &base.join("build")),
        ["build/deploy/out.env"]
    );
    let output = run(&[repo.arg(), "--no-ignore", "--format", "jsonl"]);
    assert_eq!(stdout(&output).lines().count(), 6, "{}", stdout(&output));
}

#[test]
fn several_paths_and_single_files_can_be_scanned() {
    let dir = dir_with(&[
        ("one/a.txt", format!("{}\n", fake_github_token(8))),
        ("two/b.txt", format!("{}\n", fake_github_token(9))),
        ("three/c.txt", format!("{}\n", fake_github_token(10))),
    ]);
    let one = dir.path().join("one");
    let file = dir.path().join("two/b.txt");
    let output = run(&[
        one.to_str().unwrap(),
        file.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(!text.contains("c.txt"));
}

#[test]
fn findings_are_identical_across_thread_counts() {
    let files: Vec<(String, String)> = (0..200)
        .map(|i| {
            (
                format!("d{}/f{i}.txt", i % 7),
                format!("line\nkey = \"{}\"\n", fake_github_token(i)),
            )
        })
        .collect();
    let borrowed: Vec<(&str, String)> =
        files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let dir = dir_with(&borrowed);
    let root = dir.path().to_str().unwrap();
    let single = stdout(&run(&[root, "--format", "jsonl", "-j", "1"]));
    let many = stdout(&run(&[root, "--format", "jsonl", "-j", "4"]));
    assert_eq!(single.lines().count(), 200);
    assert_eq!(single, many);
}

/// `items` joined on one line (as in minified files) and one per line.
fn minified_and_not(items: &[String]) -> TempDir {
    dir_with(&[
        ("one-line.txt", format!("é {}\n", items.join(" "))),
        ("lines.txt", items.join("\n") + "\n"),
    ])
}

/// The findings of `report` in `file`: (rule, fingerprint, paired, column).
fn findings_in(report: &serde_json::Value, file: &str) -> Vec<(String, String, bool, u64)> {
    let mut found: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with(file))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_owned(),
                f["fingerprint"].as_str().unwrap().to_owned(),
                f.get("pair").is_some(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_minified_line_of_thousands_of_keys_reports_what_separate_lines_do() {
    // GitHub tokens, and NHN Cloud key pairs cut from them (ID 20, secret 16 characters).
    let mut items = Vec::new();
    for seed in 0..1_500 {
        let token = fake_github_token(seed);
        let other = fake_github_token(seed + 100_000);
        items.push(format!("T={token}"));
        items.push(format!("X-TC-AUTHENTICATION-ID: {}", &token[8..28]));
        items.push(format!("X-TC-AUTHENTICATION-SECRET: {}", &other[8..24]));
    }
    let dir = minified_and_not(&items);
    let output = run_expect(
        1,
        &[dir.path().to_str().unwrap(), "--no-config", "-f", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let one_line = findings_in(&report, "one-line.txt");
    let lines = findings_in(&report, "lines.txt");
    let what = |found: &[(String, String, bool, u64)]| -> Vec<(String, String, bool)> {
        found
            .iter()
            .map(|(r, f, p, _)| (r.clone(), f.clone(), *p))
            .collect()
    };
    assert!(one_line.len() > 2_900, "{}", one_line.len());
    assert_eq!(
        what(&one_line),
        what(&lines),
        "same secrets, rules and pairing"
    );
    // Columns count characters along the one line (after the 2-byte `é`).
    let line = format!("é {}", items.join(" "));
    let token_columns: std::collections::HashSet<u64> = items
        .iter()
        .filter_map(|item| item.strip_prefix("T="))
        .map(|token| 1 + line[..line.find(token).unwrap()].chars().count() as u64)
        .collect();
    let tokens: Vec<u64> = one_line
        .iter()
        .filter(|(rule, ..)| rule == "github-pat")
        .map(|&(_, _, _, column)| column)
        .collect();
    assert!(tokens.len() > 1_490, "{}", tokens.len());
    assert!(tokens.iter().all(|column| token_columns.contains(column)));

    // One marker at the end of the line covers every finding on it.
    write(
        dir.path(),
        "one-line.txt",
        format!("é {} # keyscan:allow\n", items.join(" ")),
    );
    let output = run(&[dir.path().to_str().unwrap(), "--no-config", "-f", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(findings_in(&report, "one-line.txt").is_empty());
    assert_eq!(report["suppressed"]["inline"], one_line.len());
}

/// Findings of `keyscan ROOT -f jsonl` with `extra` arguments: the reported paths.
fn reported_paths(root: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![root, "--format", "jsonl"];
    args.extend(extra);
    let output = run(&args);
    let mut paths: Vec<String> = stdout(&output)
        .lines()
        .map(|line| {
            let finding: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            finding["path"].as_str().expect("a path").to_owned()
        })
        .collect();
    paths.sort();
    paths
}

#[test]
fn each_scan_switch_of_the_configuration_is_overridden_by_a_flag_either_way() {
    let dir = dir_with(&[
        (".gitignore", "ignored/\n".into()),
        ("ignored/a.txt", format!("{}\n", fake_github_token(40))),
        ("real/b.txt", format!("{}\n", fake_github_token(41))),
        // NULs and other control bytes in the first KiB make a file look binary.
        (
            "blob.bin",
            format!("\0\u{1}\u{2}{}\n", fake_github_token(42)),
        ),
    ]);
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
    let root = dir.path().to_str().unwrap();
    let config = dir.path().join(".keyscan.toml");
    let with_config = |text: &str, extra: &[&str]| {
        std::fs::write(&config, text).unwrap();
        reported_paths(root, extra)
    };
    let (ignored, real, linked, binary) = (
        format!("{root}/ignored/a.txt"),
        format!("{root}/real/b.txt"),
        format!("{root}/link/b.txt"),
        format!("{root}/blob.bin"),
    );
    // Defaults: ignore files honoured, links not followed, binaries skipped.
    assert_eq!(with_config("", &[]), std::slice::from_ref(&real));
    // The configuration turns each on; a flag turns it back off, and the other way.
    let on = "[scan]\nignore_files = false\nfollow_symlinks = true\nscan_binaries = true\n";
    assert_eq!(
        with_config(on, &[]),
        [
            binary.clone(),
            ignored.clone(),
            linked.clone(),
            real.clone()
        ]
    );
    assert_eq!(
        with_config(
            on,
            &[
                "--ignore-files",
                "--no-follow-symlinks",
                "--no-scan-binaries"
            ]
        ),
        std::slice::from_ref(&real)
    );
    let off = "[scan]\nignore_files = true\nfollow_symlinks = false\nscan_binaries = false\n";
    assert_eq!(
        with_config(
            off,
            &["--no-ignore-files", "--follow-symlinks", "--scan-binaries"]
        ),
        [binary, ignored, linked, real.clone()]
    );
    // Of a switch given both ways, the last one counts.
    assert_eq!(
        with_config(off, &["--follow-symlinks", "--no-follow-symlinks"]),
        [real]
    );
}

/// `text` in UTF-16, little- or big-endian, with or without a byte-order mark.
fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let units = bom
        .then_some(0xFEFF_u16)
        .into_iter()
        .chain(text.encode_utf16());
    units
        .flat_map(|unit| {
            if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_text_is_scanned_and_reported_at_its_own_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (reg, ps1) = (fake_github_token(50), fake_github_token(51));
    // A registry export as Windows writes it: UTF-16LE with a byte-order mark.
    let export = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Tool]\r\n\"Token\"=\"{reg}\"\r\n"
    );
    write(dir.path(), "settings.reg", utf16(&export, true, true));
    // A script saved as big-endian UTF-16 without one.
    let script = format!("# déploiement\n$env:GH_TOKEN = '{ps1}'\n");
    write(dir.path(), "deploy.ps1", utf16(&script, false, false));
    let output = run_expect(1, &[dir.path().to_str().unwrap(), "--format", "jsonl"]);
    let mut found: Vec<(String, u64, u64, String)> = stdout(&output)
        .lines()
        .map(|line| {
            let finding: serde_json::Value = serde_json::from_str(line).unwrap();
            let path = finding["path"].as_str().unwrap();
            (
                path[path.rfind('/').unwrap() + 1..].to_owned(),
                finding["line"].as_u64().unwrap(),
                finding["column"].as_u64().unwrap(),
                finding["decoded_from"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("deploy.ps1".to_owned(), 2, 18, "utf-16be".to_owned()),
            ("settings.reg".to_owned(), 4, 10, "utf-16le".to_owned()),
        ]
    );
    assert!(!stdout(&output).contains(&reg), "redacted");
}

#[test]
fn a_stray_nul_does_not_make_a_text_file_binary() {
    let token = fake_github_token(52);
    let dir = dir_with(&[
        (
            "notes.txt",
            format!("first line\0 with a NUL\nGH_TOKEN={token}\n"),
        ),
        ("image.png", String::new()),
    ]);
    // A binary file: NULs and bytes that are not UTF-8, with a token inside.
    let mut binary = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xd8\xc3\x00".to_vec();
    binary.extend(fake_github_token(53).bytes());
    std::fs::write(dir.path().join("image.png"), binary).unwrap();
    let output = run_expect(1, &[dir.path().to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(findings[0]["path"].as_str().unwrap().ends_with("notes.txt"));
    assert_eq!(report["stats"]["skipped_binary"], 1);
}
