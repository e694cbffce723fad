#!/usr/bin/env bash
# History-scan throughput: `keyscan git` against git itself reading every object of the
# repository (`git cat-file --batch-all-objects --batch`), warm cache, on a long real
# history: the released versions of a large crate from crates.io committed one after
# another (bench/build_history.py), with fake GitHub tokens planted along the way.
#
#   bench/history-throughput.sh        # aws-lc-sys, its first 73 releases: 1.2 GB of unique
#                                      # blobs; setup ~2.5 min, then cached under target/bench
#   HISTORY_VERSIONS=20 BENCH_RUNS=5 bench/history-throughput.sh
#   HISTORY_CRATE=openssl-src HISTORY_VERSIONS=91 bench/history-throughput.sh
#
# Setup needs curl and the network (crates.io only); later runs reuse the repository.
# keyscan runs with --no-config so that no .keyscan.toml above target/ applies. The check
# requires exactly the planted tokens (path, commit, rule, history_only); the project's
# own test private keys, which keyscan rightly reports, are accepted only where the
# reported line of the blob opens a PEM private key. A failed check still prints the
# timings, then exits 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
crate=${HISTORY_CRATE:-aws-lc-sys}
versions=${HISTORY_VERSIONS:-73}
runs=${BENCH_RUNS:-3}
work=${BENCH_DIR:-$top/target/bench}
repo=$work/history-$crate-$versions.git
expected=$work/history-$crate-$versions.expected.json
findings=$work/history-findings.json
keyscan=$top/target/release/keyscan

cargo build --release --quiet --manifest-path "$top/Cargo.toml"
if [ ! -d "$repo" ]; then
  mkdir -p "$work"
  start=$(date +%s)
  python3 "$here/build_history.py" "$repo" --crate "$crate" --versions "$versions"
  echo "setup: $(( $(date +%s) - start )) s"
fi
commits=$(git -C "$repo" rev-list --all --count)
read -r blobs bytes < <(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
  awk '$1 == "blob" {n++; s += $2} END {print n, s}')
pack=$(du -sb "$repo/objects" | cut -f1)

# shellcheck source=bench/lib.sh
source "$here/lib.sh"

cat_all() { git -C "$repo" cat-file --batch-all-objects --batch --unordered; }
keyscan_git=("$keyscan" git "$repo" --no-config --quiet --format json --output "$findings")
scan() { "${keyscan_git[@]}" || [ $? -eq 1 ]; }  # exit code 1: findings

cat_all >/dev/null  # warm the page cache
status=0  # the first run also checks the findings and measures peak RSS
/usr/bin/time -f %M -o "$work/history-rss" "${keyscan_git[@]}" || status=$?
if [ "$status" -gt 1 ]; then echo "keyscan failed with exit code $status" >&2; exit 1; fi
rss_kb=$(tail -n 1 "$work/history-rss")
checked=ok  # a wrong finding is reported, and the timings are still taken
python3 "$here/findings.py" history "$findings" "$expected" "$repo" || checked=failed

cat_s=$(median cat_all)
scan_s=$(median scan)
awk -v c="$commits" -v n="$blobs" -v b="$bytes" -v p="$pack" -v crate="$crate" -v v="$versions" \
    -v cs="$cat_s" -v ks="$scan_s" -v rss="$rss_kb" -v cores="$(nproc)" -v runs="$runs" 'BEGIN {
  mb = b / 1e6
  printf "corpus: %s, %d releases: %d commits, %d unique blobs, %.1f MB of unique blob content, %.1f MB packed\n", crate, v, c, n, mb, p / 1e6
  printf "%d cores; median of %d runs, warm cache\n", cores, runs
  printf "%-36s %9s %10s\n", "command", "seconds", "MB/s"
  printf "%-36s %9.3f %10.1f\n", "git cat-file --batch-all-objects", cs, mb / cs
  printf "%-36s %9.3f %10.1f\n", "keyscan git", ks, mb / ks
  printf "keyscan peak RSS: %.0f MB\n", rss / 1024
  printf "keyscan time / cat-file time: %.2fx\n", ks / cs
}'
if [ "$checked" != ok ]; then echo "FAILED: keyscan's findings are not the expected ones (see above)" >&2; exit 1; fi
