#!/usr/bin/env python3
"""Builds a synthetic git history of N commits, to see how keyscan's memory grows with
history length (bench/README.md, "Memory against history length").

Each commit edits three files of a tree of 2,000 (20 directories of 100 files, three
levels deep with the commit's own directory), and every tenth commit adds a file: the
object count grows with N as in a real project, while the tree stays the same size.
One fake GitHub token is planted at the first commit so that there is a finding to
place. Dates are fixed, so the same N gives the same commit ids.

usage: synthetic_history.py N REPO.git
"""
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakes import github_token  # noqa: E402

FILES = 2000
PER_DIR = 100


def path_of(number):
    return f"src/m{number // PER_DIR:02d}/f{number % PER_DIR:03d}.py"


def blob(lines):
    data = "".join(lines).encode()
    return b"data %d\n%s\n" % (len(data), data)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    count, repo = int(sys.argv[1]), sys.argv[2]
    subprocess.run(["git", "init", "--quiet", "--bare", repo], check=True)
    importer = subprocess.Popen(
        ["git", "-C", repo, "fast-import", "--quiet"], stdin=subprocess.PIPE
    )
    out = importer.stdin
    rng = random.Random(count)
    files = FILES
    for commit in range(count):
        out.write(b"commit refs/heads/main\n")
        stamp = 1_600_000_000 + commit * 60
        out.write(b"committer Bench <bench@example.invalid> %d +0000\n" % stamp)
        out.write(blob([f"commit {commit}\n"]))
        if commit == 0:
            for number in range(FILES):
                out.write(b"M 100644 inline %s\n" % path_of(number).encode())
                out.write(blob([f"# module {number}\n", "def run():\n", "    return 1\n"]))
            token = github_token(rng)
            out.write(b"M 100644 inline config/ci.env\n")
            out.write(blob([f"GITHUB_TOKEN={token}\n"]))
            continue
        for _ in range(3):
            number = rng.randrange(files)
            out.write(b"M 100644 inline %s\n" % path_of(number).encode())
            out.write(
                blob([f"# module {number}\n", "def run():\n", f"    return {commit}\n"])
            )
        if commit % 10 == 0:
            out.write(b"M 100644 inline %s\n" % path_of(files).encode())
            out.write(blob([f"# module {files}, added by commit {commit}\n"]))
            files += 1
    out.close()
    if importer.wait() != 0:
        sys.exit("git fast-import failed")


if __name__ == "__main__":
    main()
