#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/, git-ignored) from real
# files: rule files, configurations, baselines, fixtures and the keys in rule
# examples. Run it once before `cargo fuzz run`; running it again only adds files.
# Seeds are kept small: a big input slows every execution that mutates it.
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$fuzz")"
corpus="$fuzz/corpus"
mkdir -p "$corpus"/{rule_file,config,gitleaks,baseline,engine,validators}

# The keyscan binary, built if needed, for the configuration template and a baseline.
cargo build --quiet --manifest-path "$root/Cargo.toml"
keyscan="$root/target/debug/keyscan"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# rule_file: the smaller built-in rule files whole, and every rule alone in a file
# with its provider.
find "$root/rules" -name '*.toml' -size -8k -exec cp {} "$corpus/rule_file/" \;
python3 - "$root/rules" "$corpus/rule_file" <<'PYTHON'
import pathlib, sys
for path in pathlib.Path(sys.argv[1]).glob("*.toml"):
    header, *rules = path.read_text().split("\n[[rules]]\n")
    for index, rule in enumerate(rules):
        out = pathlib.Path(sys.argv[2]) / f"{path.stem}-{index}.toml"
        out.write_text(f"{header}\n[[rules]]\n{rule}")
PYTHON

# config: keyscan's own configuration, the `keyscan config init` template, and
# one that sets every key.
cp "$root/.keyscan.toml" "$corpus/config/keyscan.toml"
(cd "$scratch" && "$keyscan" config init >/dev/null && mv .keyscan.toml "$corpus/config/template.toml")
cat >"$corpus/config/full.toml" <<'TOML'
[rules]
paths = ["security/keyscan-rules"]
disable = ["generic-jwt"]
enable = ["github-pat", "aws-access-key-id"]
min_severity = "medium"

[allowlist]
paths = ["tests/fixtures/", "docs/**/*.md", "!docs/keep.md"]
secrets = ["^AKIA[A-Z0-9]{12}TEST$"]
lines = ["example\\.invalid"]
stopwords = ["dummy", "sample"]

baseline = ".keyscan-baseline.json"

[scan]
max_file_size = "10MB"
scan_binaries = false
ignore_files = true
follow_symlinks = false
TOML

# gitleaks: a configuration with each part keyscan translates.
cat >"$corpus/gitleaks/full.toml" <<'TOML'
title = "seed"
[extend]
useDefault = true
disabledRules = ["jwt"]
[[rules]]
id = "acme-token"
description = "Acme token"
regex = '''(?i)acme_(live|test)_([a-z0-9]{24})'''
secretGroup = 2
entropy = 3.5
keywords = ["acme_live", "acme_test"]
path = '''\.py$'''
tags = ["internal"]
[[rules.allowlists]]
condition = "AND"
regexTarget = "line"
regexes = ['''example''']
paths = ['''^tests/''']
[allowlist]
commits = ["0123456789abcdef0123456789abcdef01234567"]
stopwords = ["dummy"]
[[allowlists]]
targetRules = ["aws-access-token"]
regexTarget = "match"
regexes = ['''AKIA[A-Z0-9]{12}TEST''']
TOML

# baseline: what `keyscan baseline` writes for a few rule files' examples, and an
# empty one.
"$keyscan" baseline --no-config --quiet "$root"/rules/{github,aws,nhncloud}.toml \
  -o "$corpus/baseline/rules.json" >/dev/null || true
(cd "$scratch" && "$keyscan" baseline --no-config --quiet . -o "$corpus/baseline/empty.json" >/dev/null || true)

# engine: the fixtures, and each rule's examples and counterexamples, one a file.
find "$root/fixtures" -type f | while read -r file; do
  cp "$file" "$corpus/engine/fixture-$(basename "$(dirname "$file")")-$(basename "$file")"
done
python3 - "$root/rules" "$corpus/engine" <<'PYTHON'
import pathlib, sys, tomllib
for path in pathlib.Path(sys.argv[1]).glob("*.toml"):
    for rule in tomllib.loads(path.read_text())["rules"]:
        texts = [e if isinstance(e, str) else e["text"] for e in rule["examples"]]
        for index, text in enumerate(texts + rule["counterexamples"]):
            (pathlib.Path(sys.argv[2]) / f"{rule['id']}-{index}").write_text(text)
PYTHON

# validators: every JWT-shaped and GitHub-token-shaped value in the rule files.
grep -ohE 'eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*' "$root"/rules/*.toml |
  sort -u | head -n 50 | while read -r value; do
    printf '%s' "$value" >"$corpus/validators/jwt-$(printf '%s' "$value" | cksum | cut -d' ' -f1)"
  done
grep -ohE '\bgh[pousr]_[0-9A-Za-z_]{30,}' "$root"/rules/*.toml |
  sort -u | while read -r value; do
    printf '%s' "$value" >"$corpus/validators/github-$(printf '%s' "$value" | cksum | cut -d' ' -f1)"
  done

for target in rule_file config gitleaks baseline engine validators; do
  echo "$target: $(find "$corpus/$target" -type f | wc -l) seeds"
done
