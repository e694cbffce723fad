#!/usr/bin/env python3
"""Checks scanners' findings against what a benchmark corpus is known to hold.

keyscan's JSON report must hold exactly the planted keys (same path, line where known,
rule; for history also the introducing commit and whether the key is gone from HEAD),
and nothing else but real content that is known to be secret-shaped: a PEM private
key block opening on the reported line (the test keys of OpenSSL, AWS-LC and others),
or a finding the corpus's expected file lists as `accepted`. Other scanners' reports
are only counted: how many findings, and how many of the planted keys they found.

usage: findings.py tree REPORT EXPECTED ROOT      # a directory scan of ROOT
       findings.py history REPORT EXPECTED REPO   # a history scan of REPO
Prints a summary; exits 1, listing the problems, if the findings are not right.
"""
import collections
import json
import os
import re
import subprocess
import sys


def relative(path, root):
    """`path` relative to `root` if it is absolute or starts with `root`."""
    if os.path.isabs(path) or path.startswith(root.rstrip("/") + "/"):
        return os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return path


def load_tree_expected(path):
    """(planted, accepted) of a tree's expected file; the synthetic tree's older form,
    {path: rule_id}, has no line numbers and nothing accepted."""
    expected = json.load(open(path))
    if isinstance(expected, dict) and "planted" in expected:
        return expected["planted"], expected.get("accepted", [])
    return [{"path": p, "rule_id": rule} for p, rule in expected.items()], []


def opens_private_key(finding, lines):
    """Whether a private-key finding's reported line opens a PEM private key block."""
    return (finding["rule_id"].startswith("private-key") and finding["line"] <= len(lines)
            and b"PRIVATE KEY-----" in lines[finding["line"] - 1])


def git_blobs(repo, specs):
    """{"COMMIT:PATH": [lines]} of the blobs named by `specs`, read from `repo`."""
    specs = sorted(set(specs))
    out = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input="".join(s + "\n" for s in specs).encode(),
                         capture_output=True, check=True).stdout
    blobs = {}
    for spec in specs:
        header, _, out = out.partition(b"\n")
        size = int(header.split()[2])
        blobs[spec], out = out[:size].split(b"\n"), out[size + 1:]
    return blobs


def incomplete(report):
    """Problems if keyscan says its scan was incomplete."""
    if report["incomplete"] or report["stats"]["errors"]:
        return [f"the scan is incomplete: {report['stats']}, notes {report['notes']}"]
    return []


def describe_real(keys, accepted):
    """Summary of the real-content findings that were accepted."""
    rules = collections.Counter(f["rule_id"] for f in keys)
    text = (f"{len(keys)} private keys in the real content ({len({f['fingerprint'] for f in keys})} distinct; "
            + ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items())) + ")")
    return text + (f", {len(accepted)} accepted real-content findings" if accepted else "")


def check_tree(report, expected_path, root):
    """(summary, problems) of keyscan's directory-scan report of `root`."""
    planted, accepted = load_tree_expected(expected_path)
    allowed = {(a["path"], a["rule_id"]) for a in accepted}
    want = {(p["path"], p["rule_id"], p.get("line")) for p in planted}
    found, real_keys, real_accepted, problems = set(), [], [], incomplete(report)
    for f in report["findings"]:
        f = dict(f, path=relative(f["path"], root))
        key = (f["path"], f["rule_id"], f["line"])
        if key in want or key[:2] + (None,) in want:
            found.add(key if key in want else key[:2] + (None,))
        elif (f["path"], f["rule_id"]) in allowed:
            real_accepted.append(f)
        elif f["rule_id"].startswith("private-key"):
            with open(os.path.join(root, f["path"]), "rb") as handle:
                lines = handle.read().split(b"\n")
            if opens_private_key(f, lines):
                real_keys.append(f)
            else:
                problems.append(f"a private key not on a PEM line: {f['rule_id']} {f['path']}:{f['line']}")
        else:
            problems.append(f"not a planted key: {f['rule_id']} {f['path']}:{f['line']} {f['redacted']}")
    problems += [f"missing planted key: {rule} {path}:{line}" for path, rule, line in sorted(want - found, key=str)]
    summary = f"findings: {len(found)} of {len(want)} planted keys"
    if real_keys or real_accepted:
        summary += ", and " + describe_real(real_keys, real_accepted)
    return summary, problems


def check_history(report, expected_path, repo):
    """(summary, problems) of keyscan's history-scan report of `repo`."""
    expected = json.load(open(expected_path))

    def key(f):
        return f["path"], f["commit"], f["rule_id"], f["history_only"]

    planted = {key(f) for f in expected}
    planted_rules = {f["rule_id"] for f in expected}
    found, others = set(), []
    for f in report["findings"]:
        f = dict(f, path=relative(f["path"], repo), commit=f["commit"]["id"])
        if f["rule_id"] in planted_rules:
            found.add(key(f))
        else:
            others.append(f)
    blobs = git_blobs(repo, [f"{f['commit']}:{f['path']}" for f in others])
    problems = incomplete(report)
    for name, diff in ("missing planted keys", planted - found), ("unplanted keys", found - planted):
        problems += [f"{name}: {rule} {commit[:12]}:{path} history_only={only}" for path, commit, rule, only in sorted(diff)]
    keys = []
    for f in others:
        if opens_private_key(f, blobs[f"{f['commit']}:{f['path']}"]):
            keys.append(f)
        else:
            problems.append(f"not a planted key nor a PEM private key: {f['rule_id']} {f['commit'][:12]}:{f['path']}:"
                            f"{f['line']} {f['redacted']} (history_only={f['history_only']})")
    return f"findings: {len(found & planted)} of {len(planted)} planted keys, and {describe_real(keys, [])}", problems


def peer_locations(tool, report_path, root):
    """[(path relative to root, line)] of every finding in another scanner's report:
    gitleaks and Betterleaks JSON, Kingfisher JSON, ripsecrets' grep-like output,
    detect-secrets' baseline JSON and its hook's text."""
    if tool in ("ripsecrets", "detect-secrets-hook"):
        pattern = r"(.+?):(\d+):" if tool == "ripsecrets" else r"Location:\s+(.+):(\d+)$"
        locations = []
        for line in open(report_path, encoding="utf-8", errors="replace"):
            match = re.match(pattern, line.rstrip("\n"))
            if match:
                locations.append((match[1], int(match[2])))
    else:
        with open(report_path) as handle:
            text = handle.read()
        if not text.strip():
            return []
        report = json.loads(text)
        if tool == "gitleaks":
            locations = [(f["File"], int(f["StartLine"])) for f in report or []]
        elif tool == "betterleaks":
            locations = [(f["location"]["path"], f["location"].get("start_line", 0)) for f in report.get("findings") or []]
        elif tool == "kingfisher":
            locations = [(f["finding"]["path"], f["finding"]["line"]) for f in report.get("findings") or []]
        elif tool == "detect-secrets":
            locations = [(path, s["line_number"]) for path, secrets in report["results"].items() for s in secrets]
        else:
            raise ValueError(f"no report parser for {tool}")
    return [(relative(path, root), line) for path, line in locations]


def planted_missed(locations, planted):
    """The planted keys without a finding on one of their lines."""
    at = collections.defaultdict(set)
    for path, line in locations:
        at[path].add(line)
    return [p for p in planted
            if not any(p.get("first_line", p.get("line", 0)) <= line <= p.get("line", 1 << 60) for line in at[p["path"]])]


def planted_found(locations, planted):
    """How many planted keys have a finding on one of their lines."""
    return len(planted) - len(planted_missed(locations, planted))


def main():
    """Command line: check a keyscan report, print the summary, exit 1 on problems."""
    if len(sys.argv) != 5 or sys.argv[1] not in ("tree", "history"):
        sys.exit(__doc__.split("\n\n")[-1])
    mode, report, expected, root = sys.argv[1:]
    check = check_tree if mode == "tree" else check_history
    summary, problems = check(json.load(open(report)), expected, root)
    print(summary)
    if problems:
        sys.exit("\n".join(problems))


if __name__ == "__main__":
    main()
