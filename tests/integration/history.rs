//! `keyscan git`: every blob of history, each once, attributed to the commit that
//! introduced it.

use serde_json::Value;

use crate::common::{
    fake_aws_pair, fake_github_token, run, run_expect, run_measured, stderr, stdout, write,
};
use crate::fast_import::FastImport;
use crate::git_repo::{TestRepo, git_in};

/// Findings of `keyscan git REPO [args]` as (path, commit id, history_only).
fn history(repo: &str, args: &[&str]) -> (Option<i32>, Vec<(String, String, bool)>, String) {
    let mut all = vec!["git", repo, "--format", "jsonl"];
    all.extend_from_slice(args);
    let output = run(&all);
    let found = stdout(&output)
        .lines()
        .map(|line| {
            let finding: Value = serde_json::from_str(line).expect("JSON line");
            (
                finding["path"].as_str().unwrap().to_owned(),
                finding["commit"]["id"].as_str().unwrap().to_owned(),
                finding["history_only"].as_bool().unwrap(),
            )
        })
        .collect();
    (output.status.code(), found, stderr(&output))
}

#[test]
fn a_deleted_secret_is_found_in_the_commit_that_added_it() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    let added = repo.commit_file(
        "config/.env",
        &format!("TOKEN={}\n", fake_github_token(200)),
        "add config",
    );
    repo.git(&["rm", "-q", "config/.env"]);
    repo.git(&["commit", "-q", "-m", "remove secret"]);
    let (code, found, err) = history(repo.arg(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(found, vec![("config/.env".to_owned(), added, true)]);
    assert!(
        !err.contains("keyscan: walking") && !err.contains('\r'),
        "no progress on a pipe: {err:?}"
    );
}

#[test]
fn a_secret_still_in_head_is_not_history_only_and_is_reported_once() {
    let repo = TestRepo::new();
    let added = repo.commit_file(
        "app.py",
        &format!("T = '{}'\n", fake_github_token(201)),
        "add",
    );
    repo.commit_file("other.txt", "unrelated\n", "more");
    repo.commit_file("third.txt", "unrelated\n", "more");
    let (_, found, _) = history(repo.arg(), &[]);
    assert_eq!(found, vec![("app.py".to_owned(), added, false)]);
}

#[test]
fn side_branches_tags_stash_and_deleted_branches_are_scanned() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    repo.git(&["checkout", "-q", "-b", "side"]);
    let on_side = repo.commit_file("side.txt", &format!("{}\n", fake_github_token(202)), "side");
    repo.git(&["checkout", "-q", "-b", "tagged", "main"]);
    let tagged = repo.commit_file(
        "tagged.txt",
        &format!("{}\n", fake_github_token(203)),
        "tagged",
    );
    repo.git(&["tag", "-a", "v1", "-m", "release"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "tagged"]);
    std::fs::write(
        repo.path().join("README.md"),
        format!("wip {}\n", fake_github_token(204)),
    )
    .unwrap();
    repo.git(&["stash", "-q"]);
    let (_, found, _) = history(repo.arg(), &[]);
    let paths: Vec<&str> = found.iter().map(|(path, _, _)| path.as_str()).collect();
    assert_eq!(paths, ["README.md", "side.txt", "tagged.txt"], "{found:?}");
    assert!(found.contains(&("side.txt".to_owned(), on_side, true)));
    assert!(found.contains(&("tagged.txt".to_owned(), tagged, true)));
}

#[test]
fn commit_and_annotated_tag_messages_are_scanned_and_say_so() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    let message = format!("deploy\n\nused {} for the push\n", fake_github_token(230));
    repo.commit_file("app.txt", "v2\n", &message);
    let commit = repo.git(&["rev-parse", "HEAD"]);
    let tag_message = format!("release\n\ntoken {}\n", fake_github_token(231));
    repo.git(&["tag", "-a", "v1", "-m", &tag_message]);
    let tag = repo.git(&["rev-parse", "v1"]);

    let output = run(&["git", repo.arg(), "--format", "jsonl"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let found: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let place = |finding: &Value| {
        (
            finding["path"].as_str().unwrap().to_owned(),
            finding["line"].as_u64().unwrap(),
            finding["commit"]["id"].as_str().unwrap().to_owned(),
            finding["tag"].as_str().map(str::to_owned),
        )
    };
    let places: Vec<_> = found.iter().map(place).collect();
    assert_eq!(
        places,
        [
            ("commit message".to_owned(), 3, commit, None),
            ("tag message".to_owned(), 3, tag, Some("v1".to_owned())),
        ]
    );

    let human = stdout(&run(&["git", repo.arg()]));
    assert!(human.contains("commit message:3:"), "{human}");
    assert!(human.contains("tag v1 "), "{human}");
    let sarif = stdout(&run(&["git", repo.arg(), "--format", "sarif"]));
    assert!(sarif.contains("(in the message of commit "), "{sarif}");
    assert!(sarif.contains("(in the message of tag v1)"), "{sarif}");
    // A range scans the messages of its own commits, and no tag's.
    let output = run(&[
        "git",
        repo.arg(),
        "--range",
        "HEAD~1..HEAD",
        "--format",
        "jsonl",
    ]);
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
    // One branch: its commits' messages, not the tags'.
    let output = run(&["git", repo.arg(), "--branch", "HEAD~1", "--format", "jsonl"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

/// Paths of the findings of `keyscan git REPO [args]`, sorted, and the exit code.
fn found_paths(repo: &TestRepo, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut all = vec!["git", repo.arg(), "--format", "jsonl"];
    all.extend_from_slice(args);
    let output = run(&all);
    let mut paths: Vec<String> = stdout(&output)
        .lines()
        .map(|line| {
            let finding: Value = serde_json::from_str(line).unwrap();
            finding["path"].as_str().unwrap().to_owned()
        })
        .collect();
    paths.sort();
    (output.status.code(), paths)
}

#[test]
fn refs_naming_blobs_and_trees_are_scanned_and_reflogs_when_asked() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    // Work that only the reflog remembers: an amended commit, an older stash entry.
    repo.commit_file(
        "amended.txt",
        &format!("{}\n", fake_github_token(232)),
        "wip",
    );
    std::fs::write(repo.path().join("amended.txt"), "clean\n").unwrap();
    repo.git(&["commit", "-q", "-a", "--amend", "-m", "wip"]);
    std::fs::write(
        repo.path().join("README.md"),
        format!("{}\n", fake_github_token(233)),
    )
    .unwrap();
    repo.git(&["stash", "-q"]);
    std::fs::write(repo.path().join("README.md"), "tidy\n").unwrap();
    repo.git(&["stash", "-q"]);
    // References that name a blob, a tree, and a blob through an annotated tag.
    let blob = |text: String| {
        std::fs::write(repo.path().join("object.tmp"), text).unwrap();
        repo.git(&["hash-object", "-w", "object.tmp"])
    };
    let loose = blob(format!("{}\n", fake_github_token(234)));
    repo.git(&["update-ref", "refs/keys/blob", &loose]);
    std::fs::write(
        repo.path().join("deploy.env"),
        format!("{}\n", fake_github_token(235)),
    )
    .unwrap();
    repo.git(&["add", "deploy.env"]);
    let tree = repo.git(&["write-tree"]);
    repo.git(&["rm", "-q", "--cached", "deploy.env"]);
    std::fs::remove_file(repo.path().join("deploy.env")).unwrap();
    repo.git(&["update-ref", "refs/keys/tree", &tree]);
    let tagged = blob(format!("{}\n", fake_github_token(236)));
    repo.git(&["tag", "-a", "key-tag", "-m", "a key", &tagged]);
    std::fs::remove_file(repo.path().join("object.tmp")).unwrap();

    let (code, paths) = found_paths(&repo, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        paths,
        [
            "refs/keys/blob",
            "refs/keys/tree/deploy.env",
            "refs/tags/key-tag"
        ]
    );
    let (code, paths) = found_paths(&repo, &["--reflog"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        paths,
        [
            "README.md",
            "amended.txt",
            "refs/keys/blob",
            "refs/keys/tree/deploy.env",
            "refs/tags/key-tag"
        ]
    );
}

#[test]
fn findings_say_where_the_blob_was_last_seen_and_which_refs_reach_them() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    let introduced = repo.commit_file(
        "config/old.env",
        &format!("T={}\n", fake_github_token(237)),
        "add",
    );
    repo.git(&["tag", "v1"]);
    repo.git(&["mv", "config/old.env", "config/new.env"]);
    repo.git(&["commit", "-q", "-m", "rename"]);
    let renamed = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["branch", "feature"]);
    // A secret deleted again: last seen in the commit before the deletion.
    let gone = repo.commit_file(
        "tmp.env",
        &format!("T={}\n", fake_github_token(238)),
        "oops",
    );
    repo.git(&["rm", "-q", "tmp.env"]);
    repo.git(&["commit", "-q", "-m", "remove"]);

    let output = run(&["git", repo.arg(), "--format", "jsonl"]);
    let found: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(found.len(), 2, "{}", stdout(&output));
    let moved = &found[0];
    assert_eq!(moved["path"], "config/old.env");
    assert_eq!(moved["commit"]["id"], introduced.as_str());
    assert_eq!(moved["last_seen"]["path"], "config/new.env");
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(moved["last_seen"]["commit"], head.as_str());
    assert_eq!(
        moved["commit"]["refs"],
        serde_json::json!(["feature", "main", "v1"])
    );
    assert_eq!(moved["blob"].as_str().map(str::len), Some(40));
    let deleted = &found[1];
    assert_eq!(deleted["path"], "tmp.env");
    assert_eq!(deleted["last_seen"]["path"], "tmp.env");
    assert_eq!(deleted["last_seen"]["commit"], gone.as_str());
    assert_eq!(deleted["commit"]["refs"], serde_json::json!(["main"]));
    assert_ne!(renamed, gone);

    let human = stdout(&run(&["git", repo.arg()]));
    assert!(
        human.contains("last seen as config/new.env in commit"),
        "{human}"
    );
    assert!(human.contains("    on feature, main, v1\n"), "{human}");
}

#[test]
fn a_renamed_secret_is_reported_once_where_it_was_introduced() {
    let repo = TestRepo::new();
    let added = repo.commit_file(
        "old/name.env",
        &format!("T={}\n", fake_github_token(205)),
        "add",
    );
    repo.git(&["mv", "old/name.env", "new.env"]);
    repo.git(&["commit", "-q", "-m", "rename"]);
    let (_, found, _) = history(repo.arg(), &[]);
    assert_eq!(found, vec![("old/name.env".to_owned(), added, false)]);
}

#[test]
fn merged_secrets_belong_to_their_branch_commit_and_merge_resolutions_to_the_merge() {
    let repo = TestRepo::new();
    repo.commit_file("shared.txt", "base\n", "init");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let feature = repo.commit_file(
        "feature.env",
        &format!("T={}\n", fake_github_token(206)),
        "feature",
    );
    repo.commit_file("shared.txt", "feature side\n", "conflicting change");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file("shared.txt", "main side\n", "main change");
    let merge = std::process::Command::new("git")
        .args(["merge", "-q", "feature"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge conflicts on purpose");
    std::fs::write(
        repo.path().join("shared.txt"),
        format!("resolved {}\n", fake_github_token(207)),
    )
    .unwrap();
    repo.git(&["add", "shared.txt"]);
    repo.git(&["commit", "-q", "--no-edit"]);
    let merge_commit = repo.head();
    let (_, found, _) = history(repo.arg(), &[]);
    assert_eq!(
        found,
        vec![
            ("feature.env".to_owned(), feature, false),
            ("shared.txt".to_owned(), merge_commit, false)
        ]
    );
}

#[test]
fn an_amended_commit_is_attributed_to_the_commit_that_remains() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    let original = repo.commit_file("key.txt", &format!("{}\n", fake_github_token(208)), "typo");
    repo.git(&["commit", "-q", "--amend", "-m", "add key"]);
    let amended = repo.head();
    assert_ne!(original, amended);
    let (_, found, _) = history(repo.arg(), &[]);
    assert_eq!(found, vec![("key.txt".to_owned(), amended, false)]);
}

#[test]
fn a_range_reports_only_what_its_commits_introduced() {
    let repo = TestRepo::new();
    repo.commit_file(
        "old.env",
        &format!("T={}\n", fake_github_token(209)),
        "old secret",
    );
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.commit_file("clean.txt", "nothing\n", "clean change");
    let new = repo.commit_file(
        "new.env",
        &format!("T={}\n", fake_github_token(210)),
        "new secret",
    );
    let (_, found, _) = history(repo.arg(), &["--range", "main..pr"]);
    assert_eq!(found, vec![("new.env".to_owned(), new.clone(), false)]);
    let (_, found, _) = history(repo.arg(), &["--max-commits", "1"]);
    assert_eq!(found, vec![("new.env".to_owned(), new, false)]);
    let (_, found, _) = history(repo.arg(), &["--branch", "main"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "old.env");
    let (code, found, _) = history(repo.arg(), &["--since", "2030-01-01"]);
    assert_eq!(
        (code, found.len()),
        (Some(0), 0),
        "all commits are dated 2024"
    );
}

#[test]
fn a_secret_that_stays_while_its_file_changes_is_reported_once() {
    let repo = TestRepo::new();
    let secret = fake_github_token(217);
    let added = repo.commit_file(
        "config.py",
        &format!("T = '{secret}'\nVERSION = 1\n"),
        "add",
    );
    for version in 2..5 {
        repo.commit_file(
            "config.py",
            &format!("T = '{secret}'\nVERSION = {version}\n"),
            "bump",
        );
    }
    let (_, found, _) = history(repo.arg(), &[]);
    assert_eq!(found, vec![("config.py".to_owned(), added, false)]);
}

#[test]
fn each_distinct_blob_is_scanned_once() {
    let repo = TestRepo::new();
    let text = format!("T={}\n", fake_github_token(211));
    repo.commit_file("a.env", &text, "one");
    for i in 0..5 {
        repo.commit_file(&format!("copy{i}/a.env"), &text, "copy");
        repo.commit_file("counter.txt", &format!("{i}\n"), "bump");
    }
    let output = run(&["git", repo.arg(), "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(report["stats"]["commits"], 11);
    assert_eq!(
        report["stats"]["files"], 6,
        "one a.env content and five counter.txt contents"
    );
}

#[test]
fn submodules_and_lfs_pointers_are_skipped_and_counted() {
    let inner = TestRepo::new();
    inner.commit_file("lib.txt", "library\n", "lib");
    let repo = TestRepo::new();
    repo.commit_file("README.md", "hello\n", "init");
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        inner.arg(),
        "vendor/lib",
    ]);
    let lfs = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
    repo.commit_file("big.bin", lfs, "lfs pointer");
    let output = run_expect(0, &["git", repo.arg(), "--format", "json", "-v"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["stats"]["skipped_submodules"], 1);
    assert_eq!(report["stats"]["skipped_lfs"], 1);
    assert!(
        report["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["path"] == "vendor/lib")
    );
}

#[test]
fn a_blob_that_only_begins_like_an_lfs_pointer_is_scanned() {
    let repo = TestRepo::new();
    let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
    repo.commit_file("real.bin", pointer, "a real pointer");
    // The pointer lines, then anything: a file that hides behind the look of one.
    let token = fake_github_token(620);
    repo.commit_file(
        "fake.bin",
        &format!("{pointer}\nGITHUB_TOKEN={token}\n"),
        "not a pointer",
    );
    let output = run_expect(1, &["git", repo.arg(), "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["stats"]["skipped_lfs"], 1);
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["fake.bin"]);
}

#[test]
fn bare_and_shallow_clones_are_scanned_and_shallow_is_said() {
    let repo = TestRepo::new();
    let first = repo.commit_file(
        "first.env",
        &format!("T={}\n", fake_github_token(212)),
        "first",
    );
    repo.commit_file("a.txt", "1\n", "two");
    let last = repo.commit_file(
        "last.env",
        &format!("T={}\n", fake_github_token(213)),
        "last",
    );
    let parent = tempfile::tempdir().unwrap();
    let source = format!("file://{}", repo.arg());
    git_in(
        parent.path(),
        &["clone", "-q", "--bare", &source, "bare.git"],
    );
    let bare = parent.path().join("bare.git");
    let (_, found, _) = history(bare.to_str().unwrap(), &[]);
    assert_eq!(found.len(), 2);
    assert!(found.contains(&("first.env".to_owned(), first, false)));
    git_in(
        parent.path(),
        &["clone", "-q", "--depth", "1", &source, "shallow"],
    );
    let shallow = parent.path().join("shallow");
    let (code, found, err) = history(shallow.to_str().unwrap(), &[]);
    assert_eq!(code, Some(1));
    assert!(err.contains("shallow clone"), "{err}");
    let paths: Vec<&str> = found.iter().map(|(path, _, _)| path.as_str()).collect();
    assert_eq!(
        paths,
        ["first.env", "last.env"],
        "the one commit there holds both files"
    );
    assert!(found.iter().all(|(_, commit, _)| *commit == last));
    // The boundary commit is not blamed: the finding says it may be older.
    let output = run(&["git", shallow.to_str().unwrap(), "--format", "jsonl"]);
    for line in stdout(&output).lines() {
        let finding: Value = serde_json::from_str(line).unwrap();
        assert_eq!(finding["commit"]["shallow_boundary"], true, "{line}");
    }
    let human = stdout(&run(&["git", shallow.to_str().unwrap()]));
    assert!(
        human.contains("shallow clone: introduced here or in an older commit"),
        "{human}"
    );
    let report = stdout(&run(&["git", bare.to_str().unwrap(), "--format", "jsonl"]));
    assert!(!report.contains("shallow_boundary"), "{report}");
}

#[test]
fn an_empty_repository_is_clean_and_a_missing_one_is_an_error() {
    let repo = TestRepo::new();
    run_expect(0, &["git", repo.arg()]);
    let dir = tempfile::tempdir().unwrap();
    let output = run_expect(2, &["git", dir.path().to_str().unwrap()]);
    assert!(
        stderr(&output).contains("not a git repository"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_object_is_reported_by_id_and_the_rest_is_still_scanned() {
    let repo = TestRepo::new();
    let kept = repo.commit_file(
        "kept.env",
        &format!("T={}\n", fake_github_token(214)),
        "kept",
    );
    repo.commit_file(
        "lost.env",
        &format!("T={}\n", fake_github_token(215)),
        "lost",
    );
    let blob = repo.git(&["rev-parse", "HEAD:lost.env"]);
    std::fs::remove_file(
        repo.git_dir()
            .join("objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .unwrap();
    let (code, found, err) = history(repo.arg(), &[]);
    assert_eq!(code, Some(2), "the result is incomplete");
    assert!(err.contains(&blob), "the missing object is named: {err}");
    assert_eq!(found, vec![("kept.env".to_owned(), kept, false)]);
}

#[test]
fn sarif_for_history_carries_the_commit_and_provenance() {
    let repo = TestRepo::new();
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://user:hunter2@example.invalid/org/repo.git",
    ]);
    let added = repo.commit_file(
        "deploy.sh",
        &format!("export T={}\n", fake_github_token(216)),
        "add",
    );
    let output = run(&["git", repo.arg(), "--format", "sarif"]);
    let text = stdout(&output);
    assert!(
        !text.contains("hunter2"),
        "credentials in the remote URL leaked"
    );
    let sarif: Value = serde_json::from_str(&text).unwrap();
    let run = &sarif["runs"][0];
    let provenance = &run["versionControlProvenance"][0];
    assert_eq!(
        provenance["repositoryUri"],
        "https://example.invalid/org/repo.git"
    );
    assert_eq!(provenance["revisionId"], added.as_str());
    assert_eq!(provenance["branch"], "main");
    let result = &run["results"][0];
    assert_eq!(result["properties"]["commit"]["id"], added.as_str());
    assert_eq!(
        result["properties"]["commit"]["date"],
        "2024-05-01T12:00:00+02:00"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy.sh"
    );
}

/// Packs every object of `repo` into one pack and removes the loose copies, as `git gc`
/// does; returns the pack's path.
fn pack_everything(repo: &TestRepo) -> std::path::PathBuf {
    repo.git(&["repack", "-a", "-d", "-q"]);
    repo.git(&["prune-packed"]);
    let pack_dir = repo.git_dir().join("objects/pack");
    std::fs::read_dir(&pack_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "pack"))
        .expect("git repack wrote a pack")
}

#[test]
fn a_corrupt_object_in_a_pack_is_named_and_the_rest_of_the_pack_is_scanned() {
    let repo = TestRepo::new();
    let filler: String = (0..200).map(|i| format!("line {i} of filler\n")).collect();
    let kept = repo.commit_file(
        "kept.env",
        &format!("T={}\n{filler}", fake_github_token(216)),
        "kept",
    );
    repo.commit_file(
        "broken.env",
        &format!("{filler}T={}\n", fake_github_token(217)),
        "broken",
    );
    let blob = repo.git(&["rev-parse", "HEAD:broken.env"]);
    let pack = pack_everything(&repo);
    // `git verify-pack -v` lists: id, type, size, size in pack, offset.
    let listing = repo.git(&[
        "verify-pack",
        "-v",
        pack.with_extension("idx").to_str().unwrap(),
    ]);
    let fields: Vec<usize> = listing
        .lines()
        .find(|line| line.starts_with(&blob))
        .expect("the blob is in the pack")
        .split_whitespace()
        .skip(3)
        .take(2)
        .map(|field| field.parse().unwrap())
        .collect();
    let (packed_size, offset) = (fields[0], fields[1]);
    let mut bytes = std::fs::read(&pack).unwrap();
    // Past the object's 2-byte header and zlib header: garbage in the deflate stream.
    bytes[offset + 4..offset + packed_size - 2].fill(0xff);
    std::fs::write(&pack, bytes).unwrap();

    let (code, found, err) = history(repo.arg(), &[]);
    assert_eq!(code, Some(2), "the result is incomplete: {err}");
    assert!(err.contains(&blob), "the corrupt object is named: {err}");
    assert_eq!(found, vec![("kept.env".to_owned(), kept, false)]);
}

#[test]
fn a_truncated_pack_is_reported_and_loose_objects_are_still_scanned() {
    let repo = TestRepo::new();
    repo.commit_file(
        "old.env",
        &format!("T={}\n", fake_github_token(218)),
        "packed",
    );
    let pack = pack_everything(&repo);
    let loose = repo.commit_file(
        "new.env",
        &format!("T={}\n", fake_github_token(219)),
        "loose",
    );
    let bytes = std::fs::read(&pack).unwrap();
    std::fs::write(&pack, &bytes[..bytes.len() / 2]).unwrap();

    let (code, found, err) = history(repo.arg(), &[]);
    assert_eq!(code, Some(2), "the result is incomplete: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        found.contains(&("new.env".to_owned(), loose, false)),
        "{found:?}\n{err}"
    );
}

#[test]
fn a_blob_that_inflates_past_the_size_cap_is_skipped_without_being_inflated() {
    let repo = TestRepo::new();
    // 300 MB of zeros: a few hundred KB once compressed, like a zip bomb.
    let bomb = std::fs::File::create(repo.path().join("bomb.bin")).unwrap();
    bomb.set_len(300_000_000).unwrap();
    let kept = repo.commit_file(
        "kept.env",
        &format!("T={}\n", fake_github_token(220)),
        "bomb and key",
    );
    pack_everything(&repo);
    let (output, peak_kb) = run_measured(
        1,
        &[
            "git",
            repo.arg(),
            "--format",
            "jsonl",
            "--max-file-size",
            "100MB",
        ],
    );
    let err = stderr(&output);
    assert!(
        peak_kb < 100_000,
        "peak memory {peak_kb} KB: the blob was inflated"
    );
    assert!(err.contains("over the size cap"), "{err}");
    let found: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains(&kept), "{found:?}");
}

#[test]
fn a_dot_git_file_is_followed_in_worktrees_and_submodules() {
    let repo = TestRepo::new();
    let added = repo.commit_file(
        "main.env",
        &format!("T={}\n", fake_github_token(221)),
        "main",
    );
    pack_everything(&repo);
    // A linked worktree: its .git is a file naming .git/worktrees/<name>.
    let parent = tempfile::tempdir().unwrap();
    let worktree = parent.path().join("linked");
    repo.git(&["worktree", "add", "-q", worktree.to_str().unwrap()]);
    assert!(worktree.join(".git").is_file());
    let (code, found, err) = history(worktree.to_str().unwrap(), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(found, vec![("main.env".to_owned(), added.clone(), false)]);

    // A submodule checkout: its .git is a file naming .git/modules/<name>.
    let outer = TestRepo::new();
    outer.commit_file("README.md", "outer\n", "init");
    outer.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        repo.arg(),
        "vendor/inner",
    ]);
    let inner = outer.path().join("vendor/inner");
    assert!(inner.join(".git").is_file());
    let (code, found, err) = history(inner.to_str().unwrap(), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(found, vec![("main.env".to_owned(), added, false)]);
}

#[test]
fn a_commit_changing_thousands_of_files_is_scanned_whole() {
    let repo = TestRepo::new();
    repo.commit_file("README.md", "start\n", "init");
    for i in 0..5_000 {
        let dir = repo.path().join(format!("d{}", i % 50));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("f{i}.txt")), format!("file {i}\n")).unwrap();
    }
    let planted = repo.commit_file(
        "d7/key.env",
        &format!("T={}\n", fake_github_token(222)),
        "5,001 files at once",
    );
    let output = run_expect(1, &["git", repo.arg(), "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["stats"]["files"], 5_002);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["commit"]["id"], planted.as_str());
}

/// The default-suite version of the stress suite's 100,000-commit history.
#[test]
fn a_long_linear_history_is_walked_to_its_first_commit() {
    let dir = tempfile::tempdir().unwrap();
    let mut import = FastImport::new(dir.path());
    for i in 0..3_000 {
        let mut text = format!("version {i}\n");
        if i == 10 {
            text.push_str(&format!("T={}\n", fake_github_token(223)));
        }
        import.commit(
            &format!("commit {i}"),
            [(format!("f{}.txt", i % 100), text)],
        );
    }
    import.finish();
    let output = run_expect(
        1,
        &["git", dir.path().to_str().unwrap(), "--format", "json"],
    );
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["stats"]["commits"], 3_000);
    assert_eq!(report["stats"]["files"], 3_000);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], "f10.txt");
    assert_eq!(findings[0]["history_only"], true);
}

#[test]
fn versions_of_a_line_are_listed_oldest_first_whatever_thread_found_them() {
    // Many versions of one file, each replacing the token on the same line: findings
    // that share path, position and rule, found by whichever thread read the blob.
    let repo = TestRepo::new();
    let mut commits = Vec::new();
    for version in 0..12 {
        let text = format!("T = '{}'\n", fake_github_token(270 + version));
        commits.push(repo.commit_file("app.py", &text, "rotate"));
    }
    // Packed, the blobs are decoded on several threads at once.
    repo.git(&["gc", "-q"]);
    for threads in ["1", "2", "4", "4", "4"] {
        let (code, found, _) = history(repo.arg(), &["-j", threads]);
        assert_eq!(code, Some(1));
        let listed: Vec<&String> = found.iter().map(|(_, commit, _)| commit).collect();
        assert_eq!(listed, commits.iter().collect::<Vec<_>>(), "-j {threads}");
    }
}

#[test]
fn refs_to_objects_that_cannot_be_read_make_the_result_incomplete() {
    // A ref to an object that is not there is named, and the rest is scanned.
    let repo = TestRepo::new();
    repo.commit_file("a.env", &format!("T={}\n", fake_github_token(630)), "first");
    let ghost = "1111111111111111111111111111111111111111";
    std::fs::write(
        repo.git_dir().join("refs/heads/ghost"),
        format!("{ghost}\n"),
    )
    .unwrap();
    let output = run_expect(2, &["git", repo.arg()]);
    let err = stderr(&output);
    assert!(
        err.contains(&format!("refs/heads/ghost points to {ghost}")),
        "{err}"
    );
    assert!(err.contains("git fsck"), "{err}");
    assert!(
        stdout(&output).contains("github-pat"),
        "{}",
        stdout(&output)
    );
    // A pack cut short: the branch's commit cannot be read, which is no clean pass.
    let packed = TestRepo::new();
    packed.commit_file("b.txt", "b\n", "first");
    packed.git(&["gc", "-q"]);
    let pack_dir = packed.git_dir().join("objects/pack");
    let pack = std::fs::read_dir(&pack_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "pack"))
        .unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&pack)
        .unwrap()
        .set_len(100)
        .unwrap();
    let err = stderr(&run_expect(2, &["git", packed.arg()]));
    assert!(
        err.contains("refs/heads/") && err.contains("cannot be read"),
        "{err}"
    );
}

#[test]
fn a_partial_clone_is_named_once_with_the_count_of_blobs_never_fetched() {
    let origin = TestRepo::new();
    for version in 0..5 {
        origin.commit_file("config.txt", &format!("version {version}\n"), "edit");
    }
    origin.git(&["config", "uploadpack.allowFilter", "true"]);
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git_in(
        clones.path(),
        &[
            "clone",
            "-q",
            "--no-local",
            "--filter=blob:none",
            &url,
            "partial",
        ],
    );
    let partial = clones.path().join("partial");
    let output = run_expect(2, &["git", partial.to_str().unwrap(), "--format", "json"]);
    let err = stderr(&output);
    // The four old versions were never fetched: one error for all, not one per blob.
    assert_eq!(
        err.matches("partial clone: 4 blobs were never fetched")
            .count(),
        1,
        "{err}"
    );
    assert!(!err.contains("is missing or corrupt"), "{err}");
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["stats"]["not_fetched"], 4);
    // A copy of the object store without the configuration: its promisor packs say it.
    git_in(&partial, &["config", "--remove-section", "remote.origin"]);
    let output = run_expect(2, &["git", partial.to_str().unwrap(), "--format", "json"]);
    let err = stderr(&output);
    assert!(
        err.contains("partial clone: 4 blobs were never fetched"),
        "{err}"
    );
    assert!(!err.contains("is missing or corrupt"), "{err}");
}

#[test]
fn a_graft_cycle_is_scanned_whole_and_named_not_a_clean_pass() {
    let repo = TestRepo::new();
    let first = repo.commit_file("a.env", &format!("T={}\n", fake_github_token(640)), "first");
    repo.commit_file("b.txt", "b\n", "second");
    // The first commit made a child of the last: every commit is its own ancestor.
    let last = repo.commit_file("c.txt", "c\n", "third");
    std::fs::write(
        repo.git_dir().join("info/grafts"),
        format!("{first} {last}\n"),
    )
    .unwrap();
    let output = run_expect(2, &["git", repo.arg()]);
    let err = stderr(&output);
    assert!(err.contains("the commit graph has a cycle"), "{err}");
    assert!(
        stdout(&output).contains("github-pat"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn ranges_and_dates_mean_what_git_means() {
    let repo = TestRepo::new();
    let base = repo.commit_file(
        "base.env",
        &format!("T={}\n", fake_github_token(230)),
        "base",
    );
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let on_feature = repo.commit_file(
        "feature.env",
        &format!("T={}\n", fake_github_token(231)),
        "feature",
    );
    repo.git(&["checkout", "-q", "main"]);
    let on_main = repo.commit_file(
        "main.env",
        &format!("T={}\n", fake_github_token(232)),
        "main",
    );
    let commits = |args: &[&str]| {
        let (_, found, _) = history(repo.arg(), args);
        let mut commits: Vec<String> = found.into_iter().map(|(_, commit, _)| commit).collect();
        commits.sort();
        commits
    };
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    assert_eq!(
        commits(&["--range", "main..feature"]),
        vec![on_feature.clone()]
    );
    // A...B: what either side has and the other has not.
    assert_eq!(
        commits(&["--range", "main...feature"]),
        sorted(vec![on_feature.clone(), on_main.clone()])
    );
    // A.. is A..HEAD (HEAD is main here); one revision is all it reaches.
    assert_eq!(commits(&["--range", "feature.."]), vec![on_main.clone()]);
    assert_eq!(
        commits(&["--range", "feature"]),
        sorted(vec![base.clone(), on_feature])
    );
    // Every commit of the test repositories is dated 2024-05-01T12:00:00+02:00.
    assert_eq!(
        commits(&["--until", "2024-05-01T09:59:59Z"]),
        Vec::<String>::new()
    );
    assert_eq!(commits(&["--until", "2024-05-01T10:00:00Z"]).len(), 3);
    assert_eq!(
        commits(&["--since", "@1714557600", "--until", "1 day ago"]).len(),
        3
    );
    assert_eq!(commits(&["--since", "2 weeks ago"]), Vec::<String>::new());
    let refused = run_expect(2, &["git", repo.arg(), "--since", "a while back"]);
    assert!(stderr(&refused).contains("is not a date keyscan reads"));
}

/// `keyscan git REPO ARGS -f json --no-config` (exit `code`), without the time it took.
fn report_without_time(code: i32, repo: &TestRepo, args: &[&str]) -> Value {
    let mut all = vec!["git", repo.arg(), "--format", "json", "--no-config"];
    all.extend(args);
    let mut report: Value = serde_json::from_str(&stdout(&run_expect(code, &all))).unwrap();
    report["stats"]
        .as_object_mut()
        .unwrap()
        .remove("elapsed")
        .expect("stats has the time");
    report
}

#[test]
fn a_packed_history_scanned_while_it_is_walked_reports_what_walking_first_does() {
    // With threads to spare, a packed history's objects are scanned while the commits
    // are walked, and only those that gave findings or notes are read again once their
    // commit and path are known. With one thread, the walk comes first. Everything a
    // scan reports must be the same either way.
    let repo = TestRepo::new();
    let (id, secret) = fake_aws_pair(640);
    write(
        repo.path(),
        "deploy/.env",
        format!("AWS_ACCESS_KEY_ID={id}\n"),
    );
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
        .iter()
        .copied()
        .chain((0..3000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8))
        .collect();
    write(repo.path(), "logo.png", png);
    let lfs = format!(
        "version https://git-lfs.github.com/spec/v1\noid sha256:{}\nsize 12345\n",
        "ab".repeat(32)
    );
    write(repo.path(), "model.bin", lfs);
    let mut latin1 = b"caf\xe9 = 1\n".to_vec();
    latin1.extend(format!("T={}\n", fake_github_token(641)).bytes());
    write(repo.path(), "notes/latin1.txt", latin1);
    write(repo.path(), "big.log", "log line\n".repeat(1_000));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(
        &mut gz,
        format!("T={}\n", fake_github_token(642)).as_bytes(),
    )
    .unwrap();
    write(repo.path(), "backup/settings.env.gz", gz.finish().unwrap());
    write(
        repo.path(),
        "tests/fixture.py",
        format!("TOKEN = '{}'  # keyscan:allow\n", fake_github_token(643)),
    );
    repo.commit_file(
        "deploy/values.yaml",
        &format!("aws:\n  aws_secret_access_key: {secret}\n"),
        "deploy settings",
    );
    repo.commit_file("old.env", &format!("T={}\n", fake_github_token(644)), "add");
    repo.git(&["rm", "-q", "old.env"]);
    repo.git(&["commit", "-q", "-m", "remove old.env"]);
    let message = format!("rotate the token\n\nold one: {}\n", fake_github_token(645));
    repo.git(&["commit", "-q", "--allow-empty", "-m", &message]);
    let tag = format!("release\n\nsigned with {}\n", fake_github_token(646));
    repo.git(&["tag", "-a", "v1", "-m", &tag]);
    // A commit no reference reaches any more: packed, but no part of the history.
    repo.git(&["checkout", "-q", "-b", "dropped"]);
    repo.commit_file(
        "lost.env",
        &format!("T={}\n", fake_github_token(647)),
        "lost",
    );
    repo.git(&["checkout", "-q", "-"]);
    pack_everything(&repo);
    repo.git(&["branch", "-q", "-D", "dropped"]);

    let args = ["--max-file-size", "4096"];
    let walked_first = report_without_time(1, &repo, &[&["-j", "1"][..], &args].concat());
    for threads in ["2", "4"] {
        let scanned_ahead = report_without_time(1, &repo, &[&["-j", threads][..], &args].concat());
        assert_eq!(scanned_ahead, walked_first, "-j {threads}");
    }
    let found: Vec<(&str, &str)> = walked_first["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule_id"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert!(
        found.contains(&("aws-secret-access-key", "deploy/values.yaml")),
        "{found:?}"
    );
    assert!(
        found.contains(&("github-pat", "notes/latin1.txt")),
        "{found:?}"
    );
    assert!(found.contains(&("github-pat", "old.env")), "{found:?}");
    assert!(
        found
            .iter()
            .any(|(_, path)| path.starts_with("backup/settings.env.gz")),
        "{found:?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|(_, path)| path.contains("message"))
            .count(),
        2,
        "the commit's and the tag's messages: {found:?}"
    );
    assert!(
        !found.iter().any(|(_, path)| path.contains("lost")),
        "{found:?}"
    );
    assert_eq!(walked_first["suppressed"]["inline"], 1, "{walked_first}");
    let stats = &walked_first["stats"];
    assert_eq!(stats["skipped_binary"], 1);
    assert_eq!(stats["skipped_lfs"], 1);
    assert_eq!(stats["skipped_too_large"], 1);
    assert_eq!(stats["not_utf8"], 1);
}
