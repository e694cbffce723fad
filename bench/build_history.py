#!/usr/bin/env python3
"""Builds a long, realistic git history for keyscan's history benchmarks.

The history is the released versions of one large crate from crates.io (by default
aws-lc-sys: AWS-LC's C sources, generated assembly and Rust bindings), committed one
after another onto `main` of a bare repository, oldest version first, so that file
counts and blob churn are those of a real project. With several crates the repository
is a monorepo vendoring each under third_party/NAME/: each commit updates one crate to
its next release, every crate's releases spread evenly over the history.

A few fake GitHub tokens are planted in extra commits along the way: in a new file
later deleted, in a real source file (the next release overwrites it), and in a CI file
kept to HEAD and edited once, so that its token is in two blobs. The findings keyscan
must report (path, line, commit, rule, history_only) are written to REPO's name with
`.expected.json` in place of `.git`.

Downloads go through the crates.io sparse index and static.crates.io (checksums
verified) into CACHE_DIR and are reused. Author and committer dates are fixed, so the
same crates and version counts give the same commit ids.

usage: build_history.py REPO.git [--crate NAME[:N]]... [--versions N] [--cache CACHE_DIR]
  --crate NAME:N  the first N versions ever published of crate NAME (repeatable);
                  the first N never change, so neither does the repository
  --versions N    N for every --crate given without one (default: all versions)
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ from the imports below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakes import COMMENT, edit_target, github_token, with_line  # noqa: E402  (shared with the other corpora)
from registry import fetch_crates, snapshot  # noqa: E402

EPOCH = 1_609_459_200  # 2021-01-01T00:00:00Z: release i is committed i weeks later
WEEK, HOUR = 7 * 86_400, 3_600
AUTHOR = b"Keyscan Bench <bench@keyscan.invalid>"
RULE = "github-pat"


def quote(path):
    escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return b'"' + escaped.encode() + b'"'


class Importer:
    """Writes commits to `git fast-import`, each only with what changed since the last."""

    def __init__(self, repo, marks):
        self.proc = subprocess.Popen(
            ["git", "-C", repo, "fast-import", "--quiet", f"--export-marks={marks}"],
            stdin=subprocess.PIPE,
        )
        self.tree = {}  # path -> (mode, sha1 of content)
        self.marks = 0

    def commit(self, files, when, message, scope=None):
        """Commits `files` ({path: (mode, bytes)}); with `scope` (a path prefix, "" for
        all), they are all the tree holds under it. Returns the commit's mark."""
        out = self.proc.stdin
        self.marks += 1
        message = message.encode()
        stamp = b"%d +0000" % when
        out.write(b"commit refs/heads/main\nmark :%d\n" % self.marks)
        out.write(b"author %s %s\ncommitter %s %s\n" % (AUTHOR, stamp, AUTHOR, stamp))
        out.write(b"data %d\n%s\n" % (len(message), message))
        if scope is not None:
            for path in sorted(path for path in self.tree if path.startswith(scope) and path not in files):
                out.write(b"D %s\n" % quote(path))
                del self.tree[path]
        for path in sorted(files):
            mode, data = files[path]
            digest = hashlib.sha1(data).digest()
            if self.tree.get(path) != (mode, digest):
                self.tree[path] = (mode, digest)
                out.write(b"M %s inline %s\ndata %d\n" % (mode, quote(path), len(data)))
                out.write(data)
                out.write(b"\n")
        out.write(b"\n")
        return self.marks

    def delete(self, path, when, message):
        """Commits the deletion of `path`. Returns the commit's mark."""
        self.marks += 1
        stamp = b"%d +0000" % when
        self.proc.stdin.write(b"commit refs/heads/main\nmark :%d\n" % self.marks)
        self.proc.stdin.write(b"author %s %s\ncommitter %s %s\n" % (AUTHOR, stamp, AUTHOR, stamp))
        self.proc.stdin.write(b"data %d\n%s\nD %s\n\n" % (len(message), message.encode(), quote(path)))
        del self.tree[path]
        return self.marks

    def close(self):
        """Waits for fast-import to write the pack."""
        self.proc.stdin.close()
        if self.proc.wait():
            sys.exit("git fast-import failed")


def line_of(text, needle):
    """The 1-based line number of `needle` in `text`."""
    return text[:text.index(needle)].count("\n") + 1


def interleave(crates):
    """Releases of several crates, [(name, version, path)], merged in one sequence:
    each crate's releases in order, spread evenly over the whole history."""
    merged = []
    for rank, (name, versions) in enumerate(crates):
        merged += [((i + 0.5) / len(versions), rank, name, version, path) for i, (version, path) in enumerate(versions)]
    return [(name, version, path) for _, _, name, version, path in sorted(merged)]


def build(repo, releases, prefixed, rng):
    """Imports `releases` ([(crate, version, path)]) into the bare repository `repo`
    with the planted commits, each crate under third_party/CRATE/ if `prefixed`;
    returns the expected findings as [(path, line, mark, history_only)]."""
    n = len(releases)
    if n < 5:
        sys.exit("need at least 5 versions to plant keys between releases")
    add_env, remove_env, edit_source, add_ci = n // 5, 2 * n // 5, n // 2, 3 * n // 4
    edit_ci = add_ci + 1
    tokens = [github_token(rng) for _ in range(4)]
    env_path = "deploy/production.env"
    env_text = (
        "# Production deployment settings (do not commit)\n"
        "RELEASE_CHANNEL=stable\nAWS_REGION=us-east-1\n"
        f"GITHUB_TOKEN={tokens[0]}\nUPLOAD_CONCURRENCY=4\n"
    )
    ci_path = ".github/workflows/publish.yml"
    ci_text = (
        "name: publish\non:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n"
        "    runs-on: ubuntu-latest\n    env:\n"
        f"      GH_TOKEN: {tokens[2]}\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - run: cargo publish\n"
    )
    ci_edited = ci_text + "      - run: gh release create \"$GITHUB_REF_NAME\" --generate-notes\n"

    importer = Importer(repo, os.path.join(repo, "marks"))
    overlay = {}  # planted files carried from release to release
    expected = []
    for i, (crate, version, path) in enumerate(releases):
        prefix = f"third_party/{crate}/" if prefixed else ""
        files = {prefix + name: entry for name, entry in snapshot(path).items()}
        files.update(overlay)
        when = EPOCH + i * WEEK
        message = f"third_party/{crate}: update to {version}\n" if prefixed else f"Release {crate}-{version}\n"
        importer.commit(files, when, message, scope=prefix)
        if i == add_env:
            overlay[env_path] = (b"100644", env_text.encode())
            mark = importer.commit(overlay, when + HOUR, "Add production deployment settings\n")
            expected.append((env_path, line_of(env_text, tokens[0]), mark, True))
        if i == remove_env:
            del overlay[env_path]
            importer.delete(env_path, when + HOUR, "Remove deployment settings: they hold a token\n")
        if i == edit_source:
            target = edit_target(files)
            comment = COMMENT[os.path.splitext(target)[1]]
            line = f"{comment} CI_TOKEN = \"{tokens[1]}\"  (temporary, for debugging)"
            data, number = with_line(files[target][1], line)
            mark = importer.commit({target: (b"100644", data)}, when + HOUR, "Debug CI authentication\n")
            expected.append((target, number, mark, True))  # the crate's next release overwrites it
        if i == add_ci:
            overlay[ci_path] = (b"100644", ci_text.encode())
            mark = importer.commit(overlay, when + 2 * HOUR, "Add publish workflow\n")
            # Later edits keep the token: one finding, here, and still in HEAD.
            expected.append((ci_path, line_of(ci_text, tokens[2]), mark, False))
        if i == edit_ci:
            overlay[ci_path] = (b"100644", ci_edited.encode())
            importer.commit(overlay, when + 3 * HOUR, "Publish workflow: create a GitHub release\n")
    importer.close()
    return expected


def crate_spec(text):
    """`NAME` or `NAME:N` (its first N versions) as (name, count or None)."""
    name, _, count = text.partition(":")
    return name, int(count) if count else None


def main():
    """Command line: fetch the crates, build the repository and its expected findings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo")
    parser.add_argument("--crate", action="append", type=crate_spec,
                        help="NAME or NAME:N, repeatable (default: aws-lc-sys)")
    parser.add_argument("--versions", type=int, default=0)
    parser.add_argument("--cache", default=None)
    args = parser.parse_args()
    repo = os.path.abspath(args.repo)
    specs = args.crate or [("aws-lc-sys", None)]
    crates = []
    for name, count in specs:
        cache = os.path.join(args.cache, name) if args.cache else os.path.join(os.path.dirname(repo), "crates", name)
        versions = fetch_crates(name, args.versions if count is None else count, cache)
        print(f"{name}: {len(versions)} versions, {versions[0][0]} to {versions[-1][0]}", flush=True)
        crates.append((name, versions))

    building = repo + ".tmp"
    shutil.rmtree(building, ignore_errors=True)
    subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", building], check=True)
    found = build(building, interleave(crates), len(crates) > 1, random.Random(20261123))
    marks = dict(line.split() for line in open(os.path.join(building, "marks")))
    os.remove(os.path.join(building, "marks"))
    # fast-import's pack is poorly deltified: repack as a server would for a clone.
    subprocess.run(["git", "-C", building, "repack", "-a", "-d", "-f", "-q", "--window=10", "--depth=50"], check=True)
    expected = [
        {"path": path, "line": line, "commit": marks[f":{mark}"], "rule_id": RULE, "history_only": history_only}
        for path, line, mark, history_only in found
    ]
    shutil.rmtree(repo, ignore_errors=True)
    os.replace(building, repo)
    with open(repo.removesuffix(".git") + ".expected.json", "w") as handle:
        json.dump(expected, handle, indent=1)
    print(f"{len(expected)} planted findings expected")


if __name__ == "__main__":
    main()
