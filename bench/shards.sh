#!/usr/bin/env bash
# How a history scan splits into parts: for each N, the N parts of
# `keyscan git MIRROR --shard K/N` run one after another on this machine, then
# `keyscan merge` joins them. Prints, per N: the longest part's wall time, the parts'
# CPU time summed and as a multiple of the whole run's, the largest peak memory, the
# fewest and most blobs a part scanned, and what the merge took.
#
#   bench/shards.sh https://github.com/laravel/framework.git        # N = 1 2 4 8 16
#   bench/shards.sh /path/to/repo 3 7                               # N = 1 3 7
#
# The mirror is kept under target/bench/long-history/ as bench/long-history.sh keeps
# it. Needs git, python3 and GNU time (/usr/bin/time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
source=${1:?usage: bench/shards.sh REPO-URL-OR-PATH [N...]}
shift
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(2 4 8 16)
# The whole run comes first: the parts are measured against it.
[ "${counts[0]}" = 1 ] || counts=(1 "${counts[@]}")
work=${BENCH_DIR:-$top/target/bench}
mirror=$work/long-history/$(printf '%s' "${source%.git}" | tr -c 'A-Za-z0-9._-' '_').git
keyscan=$top/target/release/keyscan
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cargo build --release --quiet --manifest-path "$top/Cargo.toml"
if [ ! -d "$mirror" ]; then
  mkdir -p "$(dirname "$mirror")"
  git clone --quiet --mirror "$source" "$mirror"
fi
echo "history: $(git -C "$mirror" rev-list --all --count) commits, $(du -sh "$mirror/objects" | cut -f1) of objects"

# Runs "$@" and appends "wall cpu peak_MiB" to $out/times. Exit 1 is findings; exit 2
# (an incomplete scan, e.g. a partial clone) is said once, and still measured.
timed() {
  local code=0
  /usr/bin/time -f '%e %U %S %M' -o "$out/time" "$@" >/dev/null 2>"$out/err" || code=$?
  if [ "$code" -gt 2 ]; then
    cat "$out/err" >&2
    exit "$code"
  fi
  if [ "$code" -eq 2 ] && [ ! -e "$out/said" ]; then
    echo "note: the scan is incomplete (exit 2): $(grep -m1 'error:' "$out/err")"
    touch "$out/said"
  fi
  tail -n 1 "$out/time" | awk '{printf "%s %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' >>"$out/times"
}

# One run first, unmeasured, so that every measured one finds the pack in the page cache.
"$keyscan" git "$mirror" -q --no-config -f json -o /dev/null 2>/dev/null || true

echo "parts  longest_wall_s  cpu_s  cpu_vs_whole  peak_MiB  blobs_min  blobs_max  merge_s"
whole_cpu=
for n in "${counts[@]}"; do
  rm -f "$out"/times "$out"/part-*.json
  for k in $(seq "$n"); do
    if [ "$n" -eq 1 ]; then shard=(); else shard=(--shard "$k/$n"); fi
    timed "$keyscan" git "$mirror" "${shard[@]}" -q --no-config -f json -o "$out/part-$k.json"
  done
  start=$(date +%s%N)
  "$keyscan" merge "$out"/part-*.json -o "$out/merged.json" 2>/dev/null || [ $? -le 2 ]
  merge=$(( ($(date +%s%N) - start) / 1000000 ))
  whole_cpu=${whole_cpu:-$(awk '{s += $2} END {print s}' "$out/times")}
  python3 - "$n" "$whole_cpu" "$merge" "$out" <<'PY'
import glob, json, sys
n, whole, merge, out = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]) / 1000, sys.argv[4]
times = [line.split() for line in open(f"{out}/times")]
blobs = [json.load(open(p))["stats"]["files"] for p in glob.glob(f"{out}/part-*.json")]
cpu = sum(float(t[1]) for t in times)
print(f"{n:5}  {max(float(t[0]) for t in times):14.2f}  {cpu:5.1f}  {cpu / whole:12.2f}"
      f"  {max(int(t[2]) for t in times):8}  {min(blobs):9}  {max(blobs):9}  {merge:7.2f}")
PY
done
