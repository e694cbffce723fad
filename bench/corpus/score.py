#!/usr/bin/env python3
"""Scores a keyscan JSON report against a corpus's labels.json: precision and recall.

A label is found when a finding locates its secret: same path and line, and the
finding's column inside the secret's span on that line. The finding's rule must be the
label's rule or another rule of the same provider; a finding there from another
provider's rule is a mismatch (listed separately; the label is not found, and the
finding is not counted as a false positive, since it does point at a secret). A pair
label (identifier + secret) is found only when both halves are located, each by some
finding: as its own location, as its `pair` (keyscan today: {rule_id, line, column} at
the finding's path) or as one of its `parts` ([{role, rule_id, path, line, column}]).
Labels in archives (a `member` inside a zip or tar.gz) also match a finding whose path
is the archive's followed by `!`, `/` or `:` and the member.

Precision is over findings: those that locate a labelled secret (either half, any
version of it in history) over all findings. A finding on a decoy is a false positive
and is listed as such; so is a finding that locates no label.

The report is a directory scan (`keyscan DIR --no-config -f json`: only labels in HEAD
count, at their HEAD location) or a history scan (`keyscan git DIR --no-config -f json`:
findings carry a commit; every label counts, at any blob it is in). --mode overrides
the guess.

usage: score.py --labels DIR/labels.json --findings keyscan.json [--root DIR] [--mode tree|history] [--json]
"""
import argparse
import collections
import json
import os
import sys


def relative(path, root):
    """A finding's path relative to the scanned root."""
    if root and (os.path.isabs(path) or path.startswith(root.rstrip("/") + "/")):
        return os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return path[2:] if path.startswith("./") else path


def load_findings(path):
    """keyscan's findings: from a JSON document ({"findings": [...]}) or JSON Lines."""
    with open(path) as f:
        text = f.read()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return doc["findings"] if isinstance(doc, dict) else doc


def parts_of(finding, root):
    """[(role, rule_id, path, line, column, commit id)] every location a finding points at."""
    path = relative(finding["path"], root)
    parts = [("secret", finding["rule_id"], path, finding["line"], finding["column"])]
    commit = (finding.get("commit") or {}).get("id")
    pair = finding.get("pair")
    if pair:
        parts.append(("identifier", pair["rule_id"], path, pair["line"], pair["column"]))
    for part in finding.get("parts") or []:
        parts.append((part.get("role", "part"), part["rule_id"], relative(part.get("path", finding["path"]), root),
                      part["line"], part["column"]))
    return [part + (commit,) for part in parts]


def locations(label, mode):
    """The versions of a label that count: [(location, index)]."""
    locs = label.get("locations")
    if not locs:
        locs = [{k: label.get(k) for k in ("path", "member", "line", "column", "length", "pair")}]
        locs[0]["in_head"] = label.get("in_head", True)
    return [(loc, n) for n, loc in enumerate(locs) if mode == "history" or loc.get("in_head", True)]


def archive_paths(path, member):
    if not member:
        return [path]
    return [path] + [f"{path}{sep}{member}" for sep in ("!", "/", ":")]


class Index:
    """Where each half of each label is: (path, line) -> [(label, version, half, column, length, rule)]."""

    def __init__(self, labels, mode):
        self.at = collections.defaultdict(list)
        for label in labels:
            for loc, n in locations(label, mode):
                self.add(label, n, "secret", loc, label.get("rule_id"), loc.get("commit"))
                pair = loc.get("pair")
                if pair:
                    self.add(label, n, "identifier", dict(pair, member=pair.get("member", loc.get("member"))),
                             pair.get("rule_id") or (label.get("pair") or {}).get("rule_id"), loc.get("commit"))

    def add(self, label, version, half, loc, rule, commit=None):
        for path in archive_paths(loc["path"], loc.get("member")):
            self.at[(path, loc["line"])].append((label, version, half, loc["column"], loc.get("length") or 1, rule,
                                                 commit))

    def hits(self, path, line, column, commit=None):
        """Labels at a place; in a history, where versions of one file put different
        secrets at the same place, those of the finding's commit if any match."""
        found = [h for h in self.at.get((path, line), []) if h[3] <= column < h[3] + max(h[4], 1)]
        same = [h for h in found if commit and h[6] == commit]
        return same or found


def score(doc, findings, root=None, mode=None):
    """The score as a dict (see --json)."""
    providers = doc.get("rules", {})
    if mode is None:
        mode = "history" if any("commit" in f for f in findings) else "tree"
    labels = [label for label in doc["labels"] if locations(label, mode)]
    secrets = [label for label in labels if label["kind"] == "secret"]
    index = Index(labels, mode)

    def same_provider(a, b):
        return a == b or (a in providers and providers.get(a) == providers.get(b))

    located = collections.defaultdict(set)  # label id -> {(version, half)}
    paired = set()  # label ids found by one finding that names both halves
    true_findings, decoy_findings, unlabelled, mismatches = 0, [], [], []
    for finding in findings:
        parts = parts_of(finding, root)
        good = wrong = False
        decoys = []
        halves = []
        for role, rule, path, line, column, commit in parts:
            hits = index.hits(path, line, column, commit)
            # Where labels share a place (secrets encoded into one value), the finding
            # is one of those of its rule, not a mismatch of the others.
            matching = any(label["kind"] != "decoy" and same_provider(rule, label_rule)
                           for label, _, _, _, _, label_rule, _ in hits)
            for label, version, half, _, _, label_rule, _ in hits:
                if label["kind"] == "decoy":
                    decoys.append(label)
                elif same_provider(rule, label_rule):
                    located[label["id"]].add((version, half))
                    halves.append((label["id"], version, half))
                    good = True
                elif not matching:
                    wrong = True
                    mismatches.append({"label": label["id"], "path": path, "line": line, "context": label["context"],
                                       "label_rule": label_rule, "finding_rule": rule})
        ids = {(i, v) for i, v, _ in halves}
        for i, v in ids:
            if {(i, v, "secret"), (i, v, "identifier")} <= set(halves):
                paired.add(i)
        first = parts[0]
        where = {"path": first[2], "line": first[3], "column": first[4], "rule_id": first[1]}
        if good or wrong:
            true_findings += 1
        elif decoys:
            decoy_findings.append(dict(where, decoy=decoys[0]["decoy"], context=decoys[0]["context"]))
        else:
            unlabelled.append(where)

    def found(label):
        got = located.get(label["id"], set())
        for _, version in locations(label, mode):
            pair = label.get("locations", [{}])[version].get("pair") if label.get("locations") else label.get("pair")
            if (version, "secret") in got and (not pair or (version, "identifier") in got):
                return True
        return False

    per_context = collections.defaultdict(lambda: [0, 0])
    per_rule = collections.defaultdict(lambda: [0, 0])
    misses = []
    for label in secrets:
        hit = found(label)
        for table, key in ((per_context, label["context"]), (per_rule, label["rule_id"])):
            table[key][0] += 1
            table[key][1] += hit
        if not hit:
            got = {half for _, half in located.get(label["id"], set())}
            reason = ("identifier not located" if got == {"secret"} else
                      "secret not located" if got == {"identifier"} else "not located")
            misses.append({"label": label["id"], "path": label["path"], "member": label.get("member"),
                           "line": label["line"], "context": label["context"], "rule_id": label["rule_id"],
                           "in_head": label.get("in_head", True), "reason": reason})
    total = len(findings)
    found_count = sum(v[1] for v in per_context.values())

    def ratio(a, b):
        return round(a / b, 4) if b else 1.0

    return {
        "mode": mode,
        "labels": len(secrets),
        "found": found_count,
        "recall": ratio(found_count, len(secrets)),
        "findings": total,
        "true_positives": true_findings,
        "false_positives": len(decoy_findings) + len(unlabelled),
        "precision": ratio(true_findings, total),
        "pairs": sum(1 for s in secrets if s.get("pair") or any(loc.get("pair") for loc in s.get("locations", []))),
        "pairs_in_one_finding": len(paired),
        "decoys": sum(1 for label in labels if label["kind"] == "decoy"),
        "per_context": {k: {"labels": v[0], "found": v[1], "recall": ratio(v[1], v[0])}
                        for k, v in sorted(per_context.items())},
        "per_rule": {k: {"labels": v[0], "found": v[1], "recall": ratio(v[1], v[0])}
                     for k, v in sorted(per_rule.items())},
        "misses": sorted(misses, key=lambda m: (m["context"], m["path"], m["line"])),
        "mismatches": mismatches,
        "decoy_findings": decoy_findings,
        "unlabelled_findings": unlabelled,
    }


def table(result):
    """The score as text."""
    out = [f"mode {result['mode']}: {result['findings']} findings, {result['labels']} labelled secrets, "
           f"{result['decoys']} decoys",
           f"precision {result['precision']:.3f}  ({result['true_positives']} true, "
           f"{len(result['decoy_findings'])} on decoys, {len(result['unlabelled_findings'])} unlabelled)",
           f"recall    {result['recall']:.3f}  ({result['found']} of {result['labels']}; pairs: "
           f"{result['pairs_in_one_finding']} of {result['pairs']} reported as one finding)", ""]
    for title, key in (("context", "per_context"), ("rule", "per_rule")):
        rows = result[key]
        width = max([len(title)] + [len(k) for k in rows])
        out.append(f"{title:<{width}}  labels  found  recall")
        for name, row in rows.items():
            out.append(f"{name:<{width}}  {row['labels']:>6}  {row['found']:>5}  {row['recall']:>6.2f}")
        out.append("")
    out.append(f"misses ({len(result['misses'])}):")
    for m in result["misses"]:
        where = f"{m['path']}{'!' + m['member'] if m['member'] else ''}:{m['line']}"
        history = "" if m["in_head"] else "  (history only)"
        out.append(f"  {where}  {m['context']}  {m['rule_id']}  {m['reason']}{history}")
    out.append(f"mismatched rules ({len(result['mismatches'])}):")
    for m in result["mismatches"]:
        out.append(f"  {m['path']}:{m['line']}  {m['context']}  labelled {m['label_rule']}, found as {m['finding_rule']}")
    out.append(f"false positives on decoys ({len(result['decoy_findings'])}):")
    for f in result["decoy_findings"]:
        out.append(f"  {f['path']}:{f['line']}:{f['column']}  {f['rule_id']}  decoy {f['decoy']} ({f['context']})")
    out.append(f"unlabelled findings ({len(result['unlabelled_findings'])}):")
    for f in result["unlabelled_findings"]:
        out.append(f"  {f['path']}:{f['line']}:{f['column']}  {f['rule_id']}")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", required=True)
    parser.add_argument("--findings", required=True)
    parser.add_argument("--root", help="the scanned directory (default: the labels file's)")
    parser.add_argument("--mode", choices=["tree", "history"])
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    with open(args.labels) as f:
        doc = json.load(f)
    root = args.root or os.path.dirname(os.path.abspath(args.labels))
    result = score(doc, load_findings(args.findings), root, args.mode)
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(table(result))


if __name__ == "__main__":
    main()
