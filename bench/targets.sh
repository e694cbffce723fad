#!/usr/bin/env bash
# Every figure of "Where speed stands" in bench/README.md with one command:
#
#   bench/targets.sh                     # 3 runs of each measurement
#   BENCH_RUNS=1 bench/targets.sh        # a quick look
#   LONG_HISTORIES="/path/to/mirror.git https://github.com/org/repo.git" bench/targets.sh
#
# 1. the directory scan against cat and the peers, start-up, and a staged scan
#    (bench/compare.sh dir startup staged);
# 2. long real histories against Kingfisher: wall, CPU, CPU/wall, peak memory
#    (bench/long-history.sh; rust-lang/cargo and laravel/framework unless
#    LONG_HISTORIES names others; mirrors are cloned on first use);
# 3. peak memory against history length: synthetic histories of 10,000 and 100,000
#    commits (bench/synthetic_history.py, packed with git gc; built on first use).
#
# Corpora and peers are kept under target/bench (BENCH_DIR). Needs what compare.sh and
# long-history.sh need, and GNU time (/usr/bin/time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
work=${BENCH_DIR:-$top/target/bench}
histories=${LONG_HISTORIES:-https://github.com/rust-lang/cargo.git https://github.com/laravel/framework.git}
keyscan=$top/target/release/keyscan

echo "== directory, start-up, staged"
"$here/compare.sh" dir startup staged

for history in $histories; do
  echo "== long history: $history"
  "$here/long-history.sh" "$history"
done

echo "== memory against history length"
echo "commits  wall_s  peak_MiB"
for commits in 10000 100000; do
  repo=$work/synthetic-$commits.git
  if [ ! -d "$repo" ]; then
    python3 "$here/synthetic_history.py" "$commits" "$repo" >/dev/null
    git -C "$repo" gc --quiet
  fi
  stats=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$stats" "$keyscan" git "$repo" -q --no-config -f json -o /dev/null || true
  tail -n 1 "$stats" | awk -v commits="$commits" '{printf "%7d %7.2f %9.0f\n", commits, $1, $2 / 1024}'
  rm -f "$stats"
done
