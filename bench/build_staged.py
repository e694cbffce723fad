#!/usr/bin/env python3
"""Builds the pre-commit corpus: a 10,000-file git repository with a 10-file change staged.

The repository's one commit holds real content, the pristine packages of the directory
corpus (bench/build_tree.py) and OpenSSL 1.1.1 (the openssl-src crate), the first 10,000
files in path order. Staged on top: eight real source files edited (a few lines of code
each), and two new files, one of which, config/ci.env, holds a fake GitHub token. The
finding keyscan staged must report, [{path, line, rule_id}], is written to OUT's name
with `.expected.json` added; the staged paths to OUT's name with `.staged` added.

usage: build_staged.py OUT_DIR [--cache CACHE_DIR]   (downloads as for build_tree.py)
"""
import json
import os
import random
import subprocess
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ from the imports below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_tree import IGNORE_FILES, destination, packages, publish  # noqa: E402
from fakes import COMMENT, edit_target, github_token, with_line  # noqa: E402
from registry import fetch_crate, snapshot  # noqa: E402

FILES = 10_000
EXTRA = ("openssl-src", "111.28.2+1.1.1w")
IDENTITY = ["-c", "user.name=Keyscan Bench", "-c", "user.email=bench@keyscan.invalid", "-c", "commit.gpgsign=false"]


def content(cache):
    """{path: bytes} of the repository's first commit: FILES real files."""
    trees = packages(cache)
    name, version = EXTRA
    trees[f"crates/{name}-{version}"] = snapshot(fetch_crate(name, version, os.path.join(cache, "crates", name)))
    files = {f"{directory}/{path}": data for directory, tree in trees.items()
             for path, (mode, data) in tree.items() if mode != b"120000" and os.path.basename(path) not in IGNORE_FILES}
    if len(files) < FILES:
        sys.exit(f"only {len(files)} files for a {FILES}-file repository")
    return {path: files[path] for path in sorted(files)[:FILES]}


def change(files, rng):
    """The staged change: {path: new bytes} for 8 edited and 2 new files, and the
    expected finding."""
    edits, chosen = {}, set()
    for i in range(8):
        target = edit_target({p: (b"100644", d) for p, d in files.items()}, rng, skip=chosen)
        chosen.add(target)
        comment = COMMENT[os.path.splitext(target)[1]]
        edits[target], _ = with_line(files[target], f"{comment} bench: staged edit {i}, retry limit raised to {3 + i}")
    token = github_token(rng)
    edits["config/ci.env"] = f"# CI settings\nCI_RETRIES=3\nGITHUB_TOKEN={token}\n".encode()
    edits["config/README.md"] = b"# config\n\nSettings for the CI jobs; secrets come from the CI's vault.\n"
    return edits, [{"path": "config/ci.env", "line": 3, "rule_id": "github-pat"}]


def write(root, files):
    """Writes {path: bytes} under `root`."""
    for path, data in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as handle:
            handle.write(data)


def git(root, *args):
    """Runs git in `root` with a fixed identity and dates."""
    env = dict(os.environ, GIT_AUTHOR_DATE="2026-01-01T00:00:00Z", GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    subprocess.run(["git", *IDENTITY, "-C", root, *args], check=True, env=env)


def main():
    """Command line: build the repository, stage the change, write the expected finding."""
    out, cache, building = destination(__doc__)
    files = content(cache)
    edits, expected = change(files, random.Random(20261125))
    os.makedirs(building)
    write(building, files)
    git(building, "init", "--quiet", "--initial-branch=main")
    git(building, "add", "-A")
    git(building, "commit", "--quiet", "-m", "Import sources")
    write(building, edits)
    git(building, "add", "--", *sorted(edits))
    publish(building, out)
    with open(out + ".expected.json", "w") as handle:
        json.dump({"planted": expected}, handle, indent=1)
    with open(out + ".staged", "w") as handle:
        handle.write("".join(path + "\n" for path in sorted(edits)))
    print(f"{len(files)} files committed, {len(edits)} staged, {len(expected)} planted key")


if __name__ == "__main__":
    main()
