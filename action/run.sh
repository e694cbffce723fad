#!/usr/bin/env bash
# The logic of keyscan's GitHub Action (action.yml), kept here so it can run and be
# tested outside GitHub with the same environment variables.
#
#   run.sh scan      scan the pull request's commits (pull_request events: base..head)
#                    or the whole history (push, schedule, anything else); write SARIF,
#                    a job summary and step outputs. Always exits 0 unless it cannot run.
#   run.sh verdict   fail the job on findings (unless KEYSCAN_FAIL_ON_FINDINGS=false)
#                    or on an incomplete scan.
#   run.sh cache-key the key of the cached build: a hash of what the build of the action
#                    at GITHUB_ACTION_PATH reads (manifest, lock file, build script,
#                    sources, rules), as the `key` step output. (`hashFiles` only sees
#                    the workspace, so the action's own files gave an empty, constant key
#                    and a stale binary forever.)
#
# Environment: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY (set by GitHub), and KEYSCAN_BIN (default: keyscan),
# KEYSCAN_ARGS (extra arguments), KEYSCAN_CONFIG (configuration file), KEYSCAN_BASELINE
# (baseline file), KEYSCAN_SETTINGS_FROM (on pull requests, whose configuration and
# baseline judge the change: base, the default, or head), KEYSCAN_SARIF (default:
# keyscan.sarif),
# KEYSCAN_FAIL_ON_FINDINGS (default: true), KEYSCAN_EXIT_CODE (for verdict).
set -euo pipefail

keyscan=${KEYSCAN_BIN:-keyscan}
workspace=${GITHUB_WORKSPACE:-$PWD}
sarif=${KEYSCAN_SARIF:-keyscan.sarif}
event=${GITHUB_EVENT_NAME:-push}
output=${GITHUB_OUTPUT:-/dev/null}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}

scan() {
  local scope=(--format sarif --output "$sarif")
  local what="the whole history"
  local settings=""
  case "$event" in
    pull_request | pull_request_target)
      local base head
      base=$(jq -r '.pull_request.base.sha // empty' "$GITHUB_EVENT_PATH")
      head=$(jq -r '.pull_request.head.sha // empty' "$GITHUB_EVENT_PATH")
      if [ -z "$base" ] || [ -z "$head" ]; then
        echo "::error::keyscan: the $event event payload has no pull_request.base.sha/head.sha"
        exit 2
      fi
      for commit in "$base" "$head"; do
        if ! git -C "$workspace" cat-file -e "$commit^{commit}" 2>/dev/null; then
          echo "::error::keyscan: commit $commit is not in the checkout; check out with actions/checkout and fetch-depth: 0"
          exit 2
        fi
      done
      scope+=(--range "$base..$head")
      what="the pull request's commits (${base:0:12}..${head:0:12})"
      settings=$(settings_changed "$base" "$head")
      if [ "${KEYSCAN_SETTINGS_FROM:-base}" = base ]; then
        settings_of_base "$base"
      fi
      local file
      while read -r file; do
        if [ -n "$file" ]; then
          echo "::warning file=$file::keyscan: this pull request changes $file, which decides what keyscan does not report; review it with the code"
        fi
      done <<<"$settings"
      ;;
  esac
  local extra=()
  if [ -n "${KEYSCAN_ARGS:-}" ]; then
    read -r -a extra <<<"$KEYSCAN_ARGS"
  fi
  if [ "$scan_root" != "$workspace" ]; then
    extra+=("${judged_by[@]}")
  else
    if [ -n "${KEYSCAN_CONFIG:-}" ]; then
      extra+=(--config "$KEYSCAN_CONFIG")
    fi
    if [ -n "${KEYSCAN_BASELINE:-}" ]; then
      extra+=(--baseline "$KEYSCAN_BASELINE")
    fi
  fi
  echo "keyscan: scanning $what"
  local code=0
  "$keyscan" git "$scan_root" "${scope[@]}" "${extra[@]}" --color never || code=$?
  if [ ! -s "$sarif" ]; then
    echo "::error::keyscan failed (exit code $code) without writing $sarif"
    echo "exit-code=$code" >>"$output"
    exit 2
  fi
  local count
  count=$(jq '[.runs[].results[]] | length' "$sarif")
  {
    echo "exit-code=$code"
    echo "findings=$count"
    echo "sarif-file=$sarif"
  } >>"$output"
  write_summary "$what" "$count" "$code" "$settings"
}

# The settings that judge a pull request: the configuration and baseline of its base
# commit, so that a pull request cannot silence its own findings by editing them
# (KEYSCAN_SETTINGS_FROM=head uses the checkout's). The base is checked out apart, as a
# worktree sharing the repository's objects, and the scan runs there: the pull
# request's commits are the same, and the base's configuration is found, with its
# allowlisted paths and baseline, as it would be in that checkout. Sets scan_root and
# judged_by; files named outside the repository are used as they are.
scan_root=$workspace
judged_by=()
base_tree=""
settings_of_base() {
  local base=$1
  base_tree=$(mktemp -d)/base
  git -C "$workspace" worktree add --detach --quiet "$base_tree" "$base"
  trap 'git -C "$workspace" worktree remove --force "$base_tree" >/dev/null 2>&1 || true' EXIT
  scan_root=$base_tree
  if [ -n "${KEYSCAN_CONFIG:-}" ]; then
    local config
    config=$(in_tree "$base_tree" "$KEYSCAN_CONFIG")
    if [ -f "$config" ]; then
      judged_by+=(--config "$config")
    else
      judged_by+=(--no-config)
    fi
  fi
  if [ -n "${KEYSCAN_BASELINE:-}" ]; then
    local baseline
    baseline=$(in_tree "$base_tree" "$KEYSCAN_BASELINE")
    # A baseline the pull request adds does not judge it.
    if [ -f "$baseline" ]; then
      judged_by+=(--baseline "$baseline")
    fi
  fi
  echo "keyscan: judging with the configuration and baseline of the base commit ${base:0:12}"
}

# Where PATH (relative to the workspace, or absolute) is in the checkout TREE; a path
# outside the workspace is no file of the repository and stays as it is.
in_tree() {
  local tree=$1 path=$2
  case "$path" in
    "$workspace"/*) echo "$tree/${path#"$workspace"/}" ;;
    /*) echo "$path" ;;
    *) echo "$tree/$path" ;;
  esac
}

# The files a pull request changes (base...head) that decide what keyscan does not
# report: configuration and baseline files, which come from the checkout the pull
# request provides. scan flags each for review, so a pull request cannot quietly
# allowlist its own secret.
settings_changed() {
  local base=$1 head=$2
  local specs=(':(glob)**/.keyscan.toml' ':(glob)**/.keyscan-baseline.json')
  local file
  for file in "${KEYSCAN_CONFIG:-}" "${KEYSCAN_BASELINE:-}"; do
    if [ -n "$file" ]; then
      specs+=("$file")
    fi
  done
  # A file outside the repository is no pathspec git takes; it cannot be changed by
  # the pull request either.
  git -C "$workspace" diff --name-only "$base...$head" -- "${specs[@]}" 2>/dev/null ||
    git -C "$workspace" diff --name-only "$base...$head" -- "${specs[@]:0:2}"
}

# A Markdown table of the findings for the job summary: redacted, as in the SARIF.
write_summary() {
  local what=$1 count=$2 code=$3 settings=$4
  {
    echo "## keyscan"
    echo
    if [ "$count" -eq 0 ]; then
      echo "No secrets found in $what."
    else
      echo "$count secrets found in $what."
      echo
      echo "| severity | rule | file | line | commit |"
      echo "| --- | --- | --- | --- | --- |"
      jq -r '.runs[].results[] | [
          .properties.severity,
          .ruleId,
          .locations[0].physicalLocation.artifactLocation.uri,
          (.locations[0].physicalLocation.region.startLine | tostring),
          ((.properties.commit.id // "") | .[0:12])
        ] | map(gsub("\\|"; "\\|")) | "| " + join(" | ") + " |"' "$sarif"
    fi
    local suppressed
    suppressed=$(jq -r '[.runs[0].properties.suppressed // {} | to_entries[]
      | "\(.value) by \(.key)"] | join(", ")' "$sarif")
    if [ -n "$suppressed" ]; then
      echo
      echo "Not reported: $suppressed (\`--no-suppress\` shows them)."
    fi
    if [ -n "$settings" ]; then
      echo
      echo "**This pull request changes what keyscan does not report**: ${settings//$'\n'/, }. Review these files with the code; this scan used them."
    fi
    if [ "$code" -eq 2 ]; then
      echo
      echo "**The scan is incomplete**: some content could not be read (see the job log)."
    fi
  } >>"$summary"
}

verdict() {
  local code=${KEYSCAN_EXIT_CODE:-}
  case "$code" in
    0) echo "keyscan: no secrets found" ;;
    1)
      if [ "${KEYSCAN_FAIL_ON_FINDINGS:-true}" = "false" ]; then
        echo "::warning::keyscan found secrets (fail-on-findings is off)"
      else
        echo "::error::keyscan found secrets: see the job summary and code scanning alerts"
        exit 1
      fi
      ;;
    *)
      echo "::error::keyscan could not complete the scan (exit code ${code:-unknown})"
      exit 1
      ;;
  esac
}

cache_key() {
  local root=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
  local hash
  hash=$(cd "$root" && find Cargo.toml Cargo.lock build.rs src rules -type f -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
  echo "key=$hash" >>"$output"
}

case "${1:-}" in
  scan) scan ;;
  verdict) verdict ;;
  cache-key) cache_key ;;
  *)
    echo "usage: $0 scan|verdict|cache-key" >&2
    exit 2
    ;;
esac
