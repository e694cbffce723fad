#!/usr/bin/env bash
# Directory-scan throughput: keyscan against plain reading (`cat`) of the same files,
# on a generated, realistic source tree with planted fake keys (warm page cache).
#
#   bench/dir-throughput.sh            # 220 MB corpus under target/bench, 5 runs each
#   BENCH_MB=500 BENCH_RUNS=7 bench/dir-throughput.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
size_mb=${BENCH_MB:-220}
runs=${BENCH_RUNS:-5}
work=${BENCH_DIR:-$top/target/bench}
corpus=$work/tree-$size_mb
keyscan=$top/target/release/keyscan

cargo build --release --quiet --manifest-path "$top/Cargo.toml"
if [ ! -d "$corpus" ]; then
  mkdir -p "$work"
  python3 "$here/gen_corpus.py" "$corpus" "$size_mb"
fi
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
files=$(find "$corpus" -type f | wc -l)

# shellcheck source=bench/lib.sh
source "$here/lib.sh"

read_all() { find "$corpus" -type f -print0 | xargs -0 cat; }
scan() { "$keyscan" "$corpus" --format json --output "$work/findings.json" || [ $? -eq 1 ]; }

read_all >/dev/null  # warm the page cache
scan
python3 "$here/findings.py" tree "$work/findings.json" "$corpus.expected.json" "$corpus"

cat_s=$(median read_all)
scan_s=$(median scan)
awk -v b="$bytes" -v f="$files" -v c="$cat_s" -v k="$scan_s" -v cores="$(nproc)" 'BEGIN {
  mb = b / 1e6
  printf "corpus: %d files, %.1f MB; %d cores; median of runs, warm cache\n", f, mb, cores
  printf "%-28s %9s %10s\n", "command", "seconds", "MB/s"
  printf "%-28s %9.3f %10.1f\n", "cat (bound)", c, mb / c
  printf "%-28s %9.3f %10.1f\n", "keyscan", k, mb / k
  printf "keyscan time / cat time: %.2fx (target: at most 2x)\n", k / c
}'
