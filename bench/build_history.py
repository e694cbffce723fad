#!/usr/bin/env python3
"""Builds a long, realistic git history for keyscan's history benchmark.

The history is the released versions of one large crate from crates.io (by default
aws-lc-sys: AWS-LC's C sources, generated assembly and Rust bindings), committed one
after another onto `main` of a bare repository, oldest version first, so that file
counts and blob churn are those of a real project. A few fake GitHub tokens are planted
in extra commits along the way: in a new file later deleted, in a real source file (the
next release overwrites it), and in a CI file kept to HEAD and edited once, so that its
token is in two blobs. The findings keyscan must report (path, commit, rule,
history_only) are written to REPO's name with `.expected.json` in place of `.git`.

Downloads go through the crates.io sparse index and static.crates.io (checksums
verified) into CACHE_DIR and are reused. Author and committer dates are fixed, so the
same crate and version count give the same commit ids.

usage: build_history.py REPO.git [--crate NAME] [--versions N] [--cache CACHE_DIR]
  --versions N   the first N versions ever published (default: all), committed in
                 version order; the first N never change, so neither does the repo
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import urllib.parse

sys.dont_write_bytecode = True  # no bench/__pycache__ from the import below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_corpus import github_token  # noqa: E402  (same fake-token generator as the dir bench)

EPOCH = 1_609_459_200  # 2021-01-01T00:00:00Z: release i is committed i weeks later
WEEK, HOUR = 7 * 86_400, 3_600
AUTHOR = b"Keyscan Bench <bench@keyscan.invalid>"
RULE = "github-pat"


def index_url(name):
    name = name.lower()
    if len(name) <= 2:
        prefix = str(len(name))
    elif len(name) == 3:
        prefix = f"3/{name[0]}"
    else:
        prefix = f"{name[:2]}/{name[2:4]}"
    return f"https://index.crates.io/{prefix}/{name}"


def curl(url, out):
    subprocess.run(["curl", "-sSfL", "--retry", "3", "-o", out, url], check=True)


def version_key(version):
    """Semantic-version order; build metadata (`+1.1.1w`) is ignored."""
    core, _, pre = version.split("+")[0].partition("-")
    numbers = tuple(int(part) for part in core.split("."))
    idents = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")) if pre else ()
    return numbers, not pre, idents


def fetch_crates(name, count, cache):
    """The first `count` published versions of crate `name`, downloaded and verified,
    as (version, path) in version order."""
    os.makedirs(cache, exist_ok=True)
    index = os.path.join(cache, "index.jsonl")
    entries = [json.loads(line) for line in open(index)] if os.path.exists(index) else []
    if len(entries) < (count or 1 << 30):
        curl(index_url(name), index + ".tmp")
        os.replace(index + ".tmp", index)
        entries = [json.loads(line) for line in open(index)]
    if count and count > len(entries):
        sys.exit(f"{name} has only {len(entries)} published versions, not {count}")
    entries = entries[:count] if count else entries

    def download(entry):
        path = os.path.join(cache, f"{name}-{entry['vers']}.crate")
        if not os.path.exists(path):
            quoted = urllib.parse.quote(entry["vers"], safe="")
            curl(f"https://static.crates.io/crates/{name}/{name}-{quoted}.crate", path + ".tmp")
            with open(path + ".tmp", "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            if digest != entry["cksum"]:
                sys.exit(f"{path}: sha256 {digest}, the index says {entry['cksum']}")
            os.replace(path + ".tmp", path)
        return entry["vers"], path

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        crates = list(pool.map(download, entries))
    return sorted(crates, key=lambda crate: version_key(crate[0]))


def snapshot(path):
    """{path: (mode, bytes)} of a .crate tarball, without its top directory."""
    files = {}
    with tarfile.open(path) as tar:
        for member in tar:
            _, _, name = member.name.partition("/")
            if member.isfile():
                mode = b"100755" if member.mode & 0o111 else b"100644"
                files[name] = (mode, tar.extractfile(member).read())
            elif member.issym():
                files[name] = (b"120000", member.linkname.encode())
    return files


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

    def commit(self, files, when, message, delete_missing=True):
        """Commits `files` ({path: (mode, bytes)}); with `delete_missing`, it is the
        whole tree. Returns the commit's mark."""
        out = self.proc.stdin
        self.marks += 1
        message = message.encode()
        stamp = b"%d +0000" % when
        out.write(b"commit refs/heads/main\nmark :%d\n" % self.marks)
        out.write(b"author %s %s\ncommitter %s %s\n" % (AUTHOR, stamp, AUTHOR, stamp))
        out.write(b"data %d\n%s\n" % (len(message), message))
        if delete_missing:
            for path in sorted(set(self.tree) - set(files)):
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
        self.marks += 1
        stamp = b"%d +0000" % when
        self.proc.stdin.write(b"commit refs/heads/main\nmark :%d\n" % self.marks)
        self.proc.stdin.write(b"author %s %s\ncommitter %s %s\n" % (AUTHOR, stamp, AUTHOR, stamp))
        self.proc.stdin.write(b"data %d\n%s\nD %s\n\n" % (len(message), message.encode(), quote(path)))
        del self.tree[path]
        return self.marks

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait():
            sys.exit("git fast-import failed")


COMMENT = {".rs": "//", ".c": "//", ".h": "//", ".cc": "//", ".go": "//", ".js": "//", ".py": "#", ".toml": "#"}


def edit_target(files):
    """A mid-sized real source file to hard-code a token into, chosen deterministically."""
    candidates = sorted(
        path for path, (mode, data) in files.items()
        if mode == b"100644" and os.path.splitext(path)[1] in COMMENT
        and 4_000 <= len(data) <= 64_000 and b"\0" not in data
    )
    return candidates[len(candidates) // 2]


def with_line(data, line):
    """`data` with `line` inserted at the line boundary nearest its middle."""
    middle = data.find(b"\n", len(data) // 2) + 1 or len(data)
    return data[:middle] + line.encode() + b"\n" + data[middle:]


def build(repo, crates, rng):
    """Imports `crates` into the bare repository `repo` with the planted commits; returns
    the expected findings as [(path, mark, history_only)]."""
    n = len(crates)
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
    for i, (version, path) in enumerate(crates):
        files = snapshot(path)
        files.update(overlay)
        when = EPOCH + i * WEEK
        importer.commit(files, when, f"Release {os.path.basename(path)[:-6]}\n")
        if i == add_env:
            overlay[env_path] = (b"100644", env_text.encode())
            mark = importer.commit(overlay, when + HOUR, "Add production deployment settings\n", False)
            expected.append((env_path, mark, True))
        if i == remove_env:
            del overlay[env_path]
            importer.delete(env_path, when + HOUR, "Remove deployment settings: they hold a token\n")
        if i == edit_source:
            target = edit_target(files)
            comment = COMMENT[os.path.splitext(target)[1]]
            data = with_line(files[target][1], f"{comment} CI_TOKEN = \"{tokens[1]}\"  (temporary, for debugging)")
            mark = importer.commit({target: (b"100644", data)}, when + HOUR, "Debug CI authentication\n", False)
            expected.append((target, mark, True))  # the next release overwrites it
        if i == add_ci:
            overlay[ci_path] = (b"100644", ci_text.encode())
            mark = importer.commit(overlay, when + 2 * HOUR, "Add publish workflow\n", False)
            # Later edits keep the token: one finding, here, and still in HEAD.
            expected.append((ci_path, mark, False))
        if i == edit_ci:
            overlay[ci_path] = (b"100644", ci_edited.encode())
            importer.commit(overlay, when + 3 * HOUR, "Publish workflow: create a GitHub release\n", False)
    importer.close()
    return expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo")
    parser.add_argument("--crate", default="aws-lc-sys")
    parser.add_argument("--versions", type=int, default=0)
    parser.add_argument("--cache", default=None)
    args = parser.parse_args()
    repo = os.path.abspath(args.repo)
    cache = args.cache or os.path.join(os.path.dirname(repo), "crates", args.crate)
    crates = fetch_crates(args.crate, args.versions, cache)
    print(f"{args.crate}: {len(crates)} versions, {crates[0][0]} to {crates[-1][0]}", flush=True)

    building = repo + ".tmp"
    shutil.rmtree(building, ignore_errors=True)
    subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", building], check=True)
    found = build(building, crates, random.Random(20261123))
    marks = dict(line.split() for line in open(os.path.join(building, "marks")))
    os.remove(os.path.join(building, "marks"))
    # fast-import's pack is poorly deltified: repack as a server would for a clone.
    subprocess.run(["git", "-C", building, "repack", "-a", "-d", "-f", "-q", "--window=10", "--depth=50"], check=True)
    expected = [
        {"path": path, "commit": marks[f":{mark}"], "rule_id": RULE, "history_only": history_only}
        for path, mark, history_only in found
    ]
    shutil.rmtree(repo, ignore_errors=True)
    os.replace(building, repo)
    with open(repo.removesuffix(".git") + ".expected.json", "w") as handle:
        json.dump(expected, handle, indent=1)
    print(f"{len(expected)} planted findings expected")


if __name__ == "__main__":
    main()
