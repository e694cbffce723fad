#!/usr/bin/env bash
# keyscan against Kingfisher on a long real history: wall time, CPU time and peak
# memory of whole-process runs, the two tools alternating, on a bare mirror of REPO.
#
#   bench/long-history.sh https://github.com/laravel/framework.git   # any git URL or path
#   BENCH_RUNS=5 bench/long-history.sh /path/to/repo
#
# The mirror is kept under target/bench/long-history/; Kingfisher is installed from PyPI
# (kingfisher-bin, pinned) into target/bench/peers as bench/compare.sh does. Needs git,
# python3 and GNU time (/usr/bin/time). Each line printed is one run:
#   tool wall_s cpu_s cpu/wall peak_MiB exit
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
source=${1:?usage: bench/long-history.sh REPO-URL-OR-PATH}
runs=${BENCH_RUNS:-3}
work=${BENCH_DIR:-$top/target/bench}
peers=$work/peers
kingfisher_version=2.14.0
# One mirror per source, named after all of it: two repositories called `repo` differ.
mirror=$work/long-history/$(printf '%s' "${source%.git}" | tr -c 'A-Za-z0-9._-' '_').git
keyscan=$top/target/release/keyscan

cargo build --release --quiet --manifest-path "$top/Cargo.toml"
if [ ! -x "$peers/venv/bin/kingfisher" ]; then
  python3 -m venv "$peers/venv"
  "$peers/venv/bin/pip" install --quiet --disable-pip-version-check "kingfisher-bin==$kingfisher_version"
fi
if [ ! -d "$mirror" ]; then
  mkdir -p "$(dirname "$mirror")"
  git clone --quiet --mirror "$source" "$mirror"
fi
echo "history: $(git -C "$mirror" rev-list --all --count) commits, $(du -sh "$mirror/objects" | cut -f1) of objects"

# One whole-process run: wall, CPU, CPU/wall, peak MiB and exit status.
measure() {
  local name=$1
  shift
  local stats
  stats=$(mktemp)
  set +e
  /usr/bin/time -f '%e %U %S %M %x' -o "$stats" "$@" >/dev/null 2>&1
  set -e
  # GNU time writes "Command exited with non-zero status N" first when N is not 0.
  tail -n 1 "$stats" |
    awk -v name="$name" '{cpu = $2 + $3; printf "%-10s %7.2f %7.2f %5.2f %7.0f %4d\n", name, $1, cpu, cpu / $1, $4 / 1024, $5}'
  rm -f "$stats"
}

echo "tool        wall_s   cpu_s  c/w  peak_MiB exit"
for _ in $(seq "$runs"); do
  measure keyscan "$keyscan" git "$mirror" -q --no-config -f json -o /dev/null
  measure kingfisher "$peers/venv/bin/kingfisher" scan "$mirror" --git-history full \
    --no-update-check --format json -o /dev/null
done
