#!/usr/bin/env python3
"""Builds the real-content source tree for keyscan's side-by-side directory benchmark.

The tree is the unpacked sources of a pinned list of large packages: crates from
crates.io (C, assembly, Perl and Rust: AWS-LC, OpenSSL, SQLite) under crates/NAME-VERSION/
and npm packages (JavaScript and TypeScript: the TypeScript compiler, the AWS SDK for
JavaScript v2, three.js) under npm/NAME-VERSION/: 287 MB in 9,400 files. It is
not called node_modules, which gitleaks and Betterleaks skip by default. Ignore files
(.gitignore, .ignore) are left out so that every tool reads the same files.

Six fake credentials are planted: two new files under deploy/ (a .env with a GitHub
token, an AWS credentials file) and four real source files, a line or two each (a GitHub
token, an AWS key pair, a Slack bot token, a Stripe live key). The findings keyscan must
report are written to OUT's name with `.expected.json` added: `planted`, [{path,
first_line, line, rule_id}] (a key pair spans lines first_line to line; keyscan reports
it on the last), and `accepted`, [{path, rule_id}]: real content that keyscan may report,
reviewed by hand (example JWTs in the AWS SDK's API documentation). The real content
also holds private keys (OpenSSL's and AWS-LC's test keys), which the check accepts
wherever the reported line opens a PEM private key block (bench/findings.py).

Downloads are cached in CACHE_DIR/crates/NAME and CACHE_DIR/npm (default: OUT_DIR's
parent directory) and reused.

usage: build_tree.py OUT_DIR [--cache CACHE_DIR]
"""
import argparse
import json
import os
import random
import shutil
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ from the imports below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakes import COMMENT, aws_key_pair, edit_target, github_token, slack_bot_token, stripe_live_key, with_line  # noqa: E402
from registry import fetch_crate, fetch_npm, snapshot  # noqa: E402

CRATES = [("aws-lc-sys", "0.47.0"), ("openssl-src", "300.5.0+3.5.0"), ("libsqlite3-sys", "0.35.0")]
NPM = [
    ("typescript", "5.9.3",
     "sha512-jl1vZzPDinLr9eUt3J/t7V6FgNEw9QjvBPdysz9KfQDD41fQrC2Y4vKQdiaUpFT4bXlb1RHhLpp8wtm6M5TgSw=="),
    ("aws-sdk", "2.1693.0",
     "sha512-cJmb8xEnVLT+R6fBS5sn/EFJiX7tUnDaPtOPZ1vFbOJtd0fnZn/Ky2XGgsvvoeliWeH7mL3TWSX5zXXGSQV6gQ=="),
    ("three", "0.180.0",
     "sha512-o+qycAMZrh+TsE01GqWUxUIKR1AL0S8pq7zDkYOQw8GqfX8b8VoCKYUoHbhiX5j+7hr8XsuHDVU6+gkQJQKg9w=="),
]
IGNORE_FILES = {".gitignore", ".ignore"}
# Findings in the real content that keyscan may report, reviewed: sample access tokens
# (JWTs) in the AWS SDK's examples for the SSO OIDC API.
ACCEPTED = [
    {"path": "npm/aws-sdk-2.1693.0/apis/sso-oidc-2019-06-10.examples.json", "rule_id": "generic-jwt"},
    # A real Codecov upload token committed in the SDK's CI file.
    {"path": "npm/aws-sdk-2.1693.0/buildspec.yml", "rule_id": "codecov-upload-token"},
    # A sample secret in API documentation, random like a real one (the sample password
    # beside it in the IAM examples spells "Password" and is no longer reported).
    {"path": "npm/aws-sdk-2.1693.0/apis/kms-2014-11-01.examples.json", "rule_id": "generic-password-assignment"},
]


def packages(cache):
    """{directory in the tree: {path: (mode, bytes)}} of every pinned package, the
    downloads cached in cache/crates/NAME and cache/npm."""
    trees = {}
    for name, version in CRATES:
        trees[f"crates/{name}-{version}"] = snapshot(fetch_crate(name, version, os.path.join(cache, "crates", name)))
    for name, version, integrity in NPM:
        trees[f"npm/{name}-{version}"] = snapshot(fetch_npm(name, version, integrity, os.path.join(cache, "npm")))
    return trees


def plant(trees, rng):
    """Plants the fake keys: edits files of `trees` in place and returns the new files
    ({tree path: bytes}) and the expected findings [{path, line, rule_id}]."""
    expected = []

    def in_source(directory, extensions, make_lines, rule):
        """Hard-codes the lines `make_lines(comment)` into a real file of a package
        (one with an extension in `extensions`); the finding is on the last line."""
        files = {path: entry for path, entry in trees[directory].items() if os.path.splitext(path)[1] in extensions}
        target = edit_target(files, rng)
        lines = make_lines(COMMENT[os.path.splitext(target)[1]])
        mode, data = trees[directory][target]
        data, number = with_line(data, "\n".join(lines))
        trees[directory][target] = (mode, data)
        expected.append({"path": f"{directory}/{target}", "first_line": number, "line": number + len(lines) - 1,
                         "rule_id": rule})

    key_id, secret = aws_key_pair(rng)
    new_files = {
        "deploy/production.env": (
            "# Production deployment settings (do not commit)\nRELEASE_CHANNEL=stable\n"
            f"GITHUB_TOKEN={github_token(rng)}\nUPLOAD_CONCURRENCY=4\n"
        ),
        "deploy/aws/credentials": f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\nregion = eu-west-1\n",
    }
    expected.append({"path": "deploy/production.env", "first_line": 3, "line": 3, "rule_id": "github-pat"})
    expected.append({"path": "deploy/aws/credentials", "first_line": 2, "line": 3, "rule_id": "aws-secret-access-key"})
    crates = {name: f"crates/{name}-{version}" for name, version in CRATES}
    npm = {name: f"npm/{name}-{version}" for name, version, _ in NPM}
    token = github_token(rng)
    in_source(crates["aws-lc-sys"], {".c"}, lambda c: [f"{c} CI_TOKEN = \"{token}\"  (temporary, for debugging)"], "github-pat")
    key_id, secret = aws_key_pair(rng)
    in_source(crates["openssl-src"], {".py", ".rs"}, lambda c: [
        f"aws_access_key_id = \"{key_id}\"  {c} TODO: move to the vault",
        f"aws_secret_access_key = \"{secret}\"",
    ], "aws-secret-access-key")
    slack = slack_bot_token(rng)
    in_source(npm["aws-sdk"], {".js"}, lambda c: [f"var slackToken = '{slack}'; {c} release notifications"], "slack-bot-token")
    stripe = stripe_live_key(rng)
    in_source(npm["three"], {".js"}, lambda c: [f"const stripeKey = '{stripe}'; {c} checkout demo"], "stripe-secret-key")
    return {path: text.encode() for path, text in new_files.items()}, expected


def write(out, trees, new_files):
    """Writes the packages (regular files only, ignore files left out) and the new
    files under `out`; returns (files, bytes) written."""
    count = size = 0
    everything = [(f"{directory}/{path}", data) for directory, files in trees.items()
                  for path, (mode, data) in files.items() if mode != b"120000"]
    everything += list(new_files.items())
    for path, data in everything:
        if os.path.basename(path) in IGNORE_FILES:
            continue
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as handle:
            handle.write(data)
        count += 1
        size += len(data)
    return count, size


def destination(doc):
    """A corpus builder's command line, OUT [--cache DIR]: (out, cache, building), where
    `building` is the emptied directory the corpus is made in before it replaces `out`."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--cache", default=None)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    building = out + ".tmp"
    shutil.rmtree(building, ignore_errors=True)
    return out, args.cache or os.path.dirname(out), building


def publish(building, out):
    """Puts the corpus made in `building` in place of `out`."""
    shutil.rmtree(out, ignore_errors=True)
    os.replace(building, out)


def main():
    """Command line: fetch the packages, plant the keys, write the tree and its
    expected findings."""
    out, cache, building = destination(__doc__)
    trees = packages(cache)
    new_files, expected = plant(trees, random.Random(20261124))
    count, size = write(building, trees, new_files)
    publish(building, out)
    with open(out + ".expected.json", "w") as handle:
        json.dump({"planted": expected, "accepted": ACCEPTED}, handle, indent=1)
    print(f"{count} files, {size / 1e6:.1f} MB, {len(expected)} planted keys")


if __name__ == "__main__":
    main()
