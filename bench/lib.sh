# shellcheck shell=bash
# Shared by the bench scripts: `source` it, then set `runs`.

# Median wall-clock seconds of `runs` runs of the given command, its output discarded.
median() {
  local times=()
  for _ in $(seq "${runs:?set runs before calling median}"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=("$(( end - start ))")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {printf "%.3f", a[int((NR + 1) / 2)] / 1e9}'
}
