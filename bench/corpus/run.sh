#!/usr/bin/env bash
# Measures keyscan's recall and precision on the labelled corpus (docs/corpus.md).
#
#   bench/corpus/run.sh                          # seed 1, small, working tree
#   bench/corpus/run.sh --seed 2 --scale full    # thousands of files
#   bench/corpus/run.sh --history                # a git history: keyscan git
#
# Builds keyscan (release), generates the corpus into target/corpus/<seed>, scans it
# with the built-in rules only (--no-config), and prints the score table; the report
# and the score as JSON are kept beside it (target/corpus/<seed>.findings.json and
# .score.json). Needs python3 (3.11) and git.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seed=1 scale=small history=
while [ $# -gt 0 ]; do
  case $1 in
    --seed) seed=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --history) history=--history; shift ;;
    *) echo "usage: $0 [--seed N] [--scale small|full] [--history]" >&2; exit 2 ;;
  esac
done

cargo build --release --quiet --manifest-path "$top/Cargo.toml"
keyscan=${CARGO_TARGET_DIR:-$top/target}/release/keyscan
out=$top/target/corpus/$seed
python3 "$here/generate.py" --seed "$seed" --out "$out" --scale "$scale" $history

# Exit 1 means findings, which a corpus of secrets has; 2 is an error.
status=0
if [ -n "$history" ]; then
  "$keyscan" git "$out" --no-config -f json -o "$out.findings.json" || status=$?
else
  "$keyscan" "$out" --no-config -f json -o "$out.findings.json" || status=$?
fi
if [ "$status" -gt 1 ]; then
  echo "keyscan failed (exit $status)" >&2
  exit "$status"
fi
python3 "$here/score.py" --labels "$out/labels.json" --findings "$out.findings.json" --json > "$out.score.json"
python3 "$here/score.py" --labels "$out/labels.json" --findings "$out.findings.json"
