//! Repositories that try to make keyscan run their code: keyscan reads them and runs
//! nothing.

use std::path::Path;

use crate::common::{fake_github_token, keyscan, stderr};
use crate::git_repo::TestRepo;

/// Every command slot of a repository's configuration that git itself would run, each
/// pointed at a command that leaves `marker-<slot>` in `markers`.
fn arm(repo: &TestRepo, markers: &Path) {
    let touch = |slot: &str| format!("touch {}/marker-{slot}", markers.display());
    let hooks = repo.path().join("evil-hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    for hook in [
        "pre-commit",
        "post-checkout",
        "post-index-change",
        "reference-transaction",
        "fsmonitor-watchman",
    ] {
        let script = hooks.join(hook);
        std::fs::write(&script, format!("#!/bin/sh\n{}\n", touch(hook))).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let settings = [
        ("core.hooksPath", hooks.display().to_string()),
        ("core.fsmonitor", touch("fsmonitor")),
        ("core.pager", touch("pager")),
        ("core.editor", touch("editor")),
        ("core.sshCommand", touch("ssh")),
        ("core.askPass", touch("askpass")),
        ("diff.external", touch("diff-external")),
        ("credential.helper", format!("!{}", touch("credential"))),
        ("gpg.program", touch("gpg")),
        ("filter.evil.clean", touch("clean")),
        ("filter.evil.smudge", touch("smudge")),
        ("filter.evil.process", touch("process")),
        ("filter.evil.required", "true".to_owned()),
        ("diff.evil.textconv", touch("textconv")),
    ];
    for (key, value) in settings {
        repo.git(&["config", key, &value]);
    }
    std::fs::write(
        repo.path().join(".gitattributes"),
        "* filter=evil diff=evil\n",
    )
    .unwrap();
}

/// The markers left in `markers`.
fn markers_in(markers: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(markers)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

#[test]
fn a_repository_whose_config_runs_commands_makes_keyscan_run_nothing() {
    let repo = TestRepo::new();
    repo.commit_file("old.env", &format!("T={}\n", fake_github_token(301)), "old");
    let markers = tempfile::tempdir().unwrap();
    arm(&repo, markers.path());
    // The trap is live: git itself runs the configured commands.
    let _ = crate::git_repo::git_command(repo.path())
        .args(["status", "--porcelain"])
        .output();
    assert!(
        !markers_in(markers.path()).is_empty(),
        "git status should have run the repository's fsmonitor or filter"
    );
    for entry in std::fs::read_dir(markers.path()).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }

    // A staged change, so `keyscan staged` has something to diff.
    std::fs::write(
        repo.path().join("new.env"),
        format!("T={}\n", fake_github_token(302)),
    )
    .unwrap();
    // Staged with libgit2: `git add` would run the clean filter.
    let staging = git2::Repository::open(repo.path()).unwrap();
    let mut index = staging.index().unwrap();
    index.add_path(Path::new("new.env")).unwrap();
    index.write().unwrap();

    for args in [
        vec![repo.arg(), "--no-config"],
        vec!["git", repo.arg(), "--no-config"],
        vec!["staged", "--no-config"],
    ] {
        let output = keyscan()
            .args(&args)
            .current_dir(repo.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(
            markers_in(markers.path()),
            Vec::<String>::new(),
            "keyscan {args:?} ran a command from the repository"
        );
    }
}
