#!/usr/bin/env python3
"""Generates keyscan's labelled recall corpus: a repository working tree (optionally
with a git history) full of fake credentials in realistic places, and labels.json
saying where each one is, so that bench/corpus/score.py can measure what keyscan finds.

Deterministic: the same seed (and scale and --history) gives byte-identical output.

- Secrets: every reportable built-in rule (rules/*.toml), with fresh fake values in its
  format (rulebook.py, keys.py), each written in one of the contexts of contexts.py,
  round-robin over the contexts that can hold it. A secret that pairs with an
  identifier (AWS, NHN Cloud, KakaoCloud, OVHcloud, IoT Guardian, ...) is written with
  its identifier next to it.
- Decoys: placeholders, documentation example keys, test-mode values, hashes, UUIDs,
  base64 of lorem text and random words, labelled as decoys.
- --history: DIR is a git repository (built with git fast-import, fixed dates) whose
  history adds, modifies, moves, rotates and removes secrets; labels then list every
  blob a secret is in, and whether it is still in HEAD.

usage: generate.py --seed N --out DIR [--scale small|full] [--history]
See docs/corpus.md for the labels' format.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contexts  # noqa: E402
import filler  # noqa: E402
import keys  # noqa: E402
import rulebook  # noqa: E402

SCALES = {
    # plants per context (after every rule has one), filler files, decoy files
    "small": (4, 120, 12),
    "full": (30, 2500, 120),
}

SERVICE_WORDS = ("billing orders search notify auth reports inventory gateway analytics payments shipping "
                 "catalog ledger media profile checkout pricing fraud loyalty support mailer export import "
                 "scheduler tracker reviews coupons tax refunds identity audit warehouse quotes fleet").split()
SERVICE_KINDS = "api worker web cron sync admin proxy jobs".split()
USERS = "ana ben chen dara eli fay gus hana ivo jun".split()


class Label:
    """One planted credential (or decoy) and where it is."""

    def __init__(self, kind, rule, context, decoy=None, pair_rule=None):
        self.kind, self.rule, self.context, self.decoy, self.pair_rule = kind, rule, context, decoy, pair_rule
        self.locations = []  # [{path, member, line, column, length, pair, in_head, encoded}]


class Paths:
    """Unique file paths, one service name per file."""

    def __init__(self, rng):
        self.rng, self.used, self.svcs = rng, set(), set()
        self.svc = self.svc_pascal = self.user = None

    def begin(self):
        while True:
            svc = f"{self.rng.choice(SERVICE_WORDS)}-{self.rng.choice(SERVICE_KINDS)}"
            if svc not in self.svcs:
                break
            svc = f"{svc}{len(self.svcs)}"
            if svc not in self.svcs:
                break
        self.svcs.add(svc)
        self.svc = svc
        self.svc_pascal = "".join(w.title() for w in svc.replace("-", " ").split())
        self.user = self.rng.choice(USERS)

    def new(self, patterns):
        for _ in range(20):
            path = self.rng.choice(patterns).format(svc=self.svc, Svc=self.svc_pascal, user=self.user)
            if path not in self.used:
                self.used.add(path)
                return path
        path = patterns[0].format(svc=self.svc, Svc=self.svc_pascal, user=f"{self.user}{len(self.used)}")
        self.used.add(path)
        return path


# ---------------------------------------------------------------- decoys

LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
         "et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris.")
DOC_EXAMPLES = [
    # AWS's documentation key pair, and the sample token of the JWT introduction.
    [("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")],
    [("AUTH_TOKEN_SAMPLE", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l"
                           "IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")],
]


def decoy_group(rng, book, context):
    """A group of decoy entries (usually one) and their labels."""
    kind = rng.choice(["placeholder", "placeholder", "doc-example", "test-mode", "sha1", "sha256", "uuid",
                       "base64-lorem", "random-words"])
    rule = rng.choice([r for r in book.values() if r.reportable and not r.multiline])
    pairs = []
    if kind == "placeholder":
        prefix = rule.template[:max(0, min(8, len(rule.template) - 8))] if rule.template[:3].isalpha() else ""
        value = rng.choice(["YOUR_API_KEY", "your-token-here", "<token>", "${" + rule.name + "}", "changeme",
                            "x" * 32, prefix + "x" * 24, "REPLACE_ME", "<insert key>", prefix + "..."])
        pairs = [(rule.name, value)]
    elif kind == "doc-example":
        pairs = rng.choice(DOC_EXAMPLES)
    elif kind == "test-mode":
        pairs = rng.choice([[("STRIPE_PUBLISHABLE_KEY", "pk_test_51" + keys.blob(rng, 97))],
                            [("RECAPTCHA_SITE_KEY", "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI")],
                            [("STRIPE_PUBLISHABLE_KEY", "pk_live_51" + keys.blob(rng, 97))]])
    elif kind in ("sha1", "sha256"):
        digest = (hashlib.sha1 if kind == "sha1" else hashlib.sha256)(str(rng.random()).encode()).hexdigest()
        name = rng.choice(["GIT_COMMIT", "BUILD_SHA", "ARTIFACT_SHA256", "CHECKSUM", "API_TOKEN_HASH",
                           "ADMIN_PASSWORD_SHA256"])
        pairs = [(name, digest)]
    elif kind == "uuid":
        h = "".join(rng.choice(keys.HEX) for _ in range(32))
        value = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"
        pairs = [(rng.choice(["TENANT_ID", "AZURE_CLIENT_ID", "REQUEST_ID", "SUBSCRIPTION_ID", "INSTANCE_UUID"]), value)]
    elif kind == "base64-lorem":
        words = LOREM.split()
        start = rng.randrange(0, len(words) - 8)
        value = base64.b64encode(" ".join(words[start:start + rng.randint(6, 12)]).encode()).decode()
        pairs = [(rng.choice(["WELCOME_BANNER_B64", "MOTD", "FOOTER_TEXT"]), value)]
    else:
        value = "-".join(rng.choice(filler.WORDS) for _ in range(rng.randint(3, 5)))
        pairs = [(rng.choice(["RELEASE_NAME", "DEPLOY_CODENAME", "CLUSTER_ALIAS"]), value)]
    group = []
    for name, value in pairs:
        label = Label("decoy", None, context, decoy=kind)
        group.append(contexts.Entry(name, keys.Value(value), label, "decoy"))
    return group


# ---------------------------------------------------------------- plants

def plant_group(rng, book, rule, context):
    """The entries of one planted credential: the secret, and its identifier first
    (or, one time in five, after it) when the rule pairs."""
    label = Label("secret", rule.id, context, pair_rule=rule.pair_with)
    secret = contexts.Entry(rule.name, rule.fresh(rng), label, "secret")
    if not rule.pair_with:
        return [secret]
    ident_rule = book[rule.pair_with]
    ident = contexts.Entry(ident_rule.name, ident_rule.fresh(rng), label, "identifier")
    return [secret, ident] if rng.random() < 0.2 else [ident, secret]


def assign(rng, book, per_context):
    """[(context, rule)]: every reportable rule once, into the context that can hold it
    and has fewest so far, then each context filled to `per_context`, taking its rules
    in turn from a random starting point."""
    rules = [r for r in book.values() if r.reportable]
    count = {c.name: 0 for c in contexts.CONTEXTS}
    plan = []
    for rule in rules:
        able = [c for c in contexts.CONTEXTS if c.accepts(rule)]
        if not able:
            raise SystemExit(f"no context can hold rule {rule.id}")
        fewest = min(count[c.name] for c in able)
        chosen = rng.choice([c for c in able if count[c.name] == fewest])
        plan.append((chosen, rule))
        count[chosen.name] += 1
    for context in contexts.CONTEXTS:
        able = [r for r in rules if context.accepts(r)]
        start = rng.randrange(len(able))
        n = 0
        while count[context.name] < per_context:
            plan.append((context, able[(start + n) % len(able)]))
            count[context.name] += 1
            n += 1
    return plan


def render(rng, context, groups, paths):
    """Writes `groups` in `context`: [(path, content bytes, member)], recording each
    entry's location on its label."""
    paths.begin()
    out = []
    for path, content, spots, member in context.fn(rng, groups, paths):
        data = content.encode() if isinstance(content, str) else content
        blob = hashlib.sha1(data).hexdigest()
        encoded = {"k8s-secret-base64": "base64", "docker-config": "base64", "k8s-dockerconfigjson": "base64",
                   "base64-file": "base64", "percent": "percent", "utf16": "utf-16le",
                   "zip": "zip", "tar-gz": "tar.gz"}.get(context.name)
        for entry, extra, line, column, length in spots:
            where = {"path": path, "member": member, "line": line, "column": column, "length": length,
                     "encoded": encoded, "blob": blob}
            if extra is not None:
                if not hasattr(entry, "extra_labels"):
                    entry.extra_labels = {}
                label = entry.extra_labels.setdefault(extra, Label("secret", extra, context.name))
                label.locations.append(dict(where, pair=None))
            elif entry.half == "identifier":
                entry.label.pending_pair = where
            else:
                entry.label.pending = where
        out.append((path, data, member))
    # Pair halves were recorded separately: join them into one location per version.
    for group in groups:
        for entry in group:
            label = entry.label
            if label is None or not hasattr(label, "pending"):
                continue
            location = dict(label.pending)
            pair = getattr(label, "pending_pair", None)
            location["pair"] = None if pair is None else {k: pair[k] for k in ("path", "member", "line", "column",
                                                                                 "length")}
            label.locations.append(location)
            del label.pending
            if pair is not None:
                del label.pending_pair
    return out


def labels_of(groups):
    found = []
    for group in groups:
        for entry in group:
            if entry.label is not None and entry.label not in found and entry.half != "identifier":
                found.append(entry.label)
            for extra in getattr(entry, "extra_labels", {}).values():
                if extra not in found:
                    found.append(extra)
    for group in groups:
        for entry in group:
            if entry.label is not None and entry.label not in found:
                found.append(entry.label)
    return found


def fresh_copy(rng, book, groups):
    """The same credentials with other values: what a file held before a rotation."""
    copy = []
    for group in groups:
        if group[0].half == "decoy":
            copy.append(group)
            continue
        label = group[0].label
        new = Label("secret", label.rule, label.context, pair_rule=label.pair_rule)
        entries = []
        for e in group:
            rule = book[label.rule] if e.half == "secret" else book[label.pair_rule]
            entries.append(contexts.Entry(e.name, rule.fresh(rng), new, e.half))
        copy.append(entries)
    return copy


# ---------------------------------------------------------------- the tree and its history

def build(seed, scale, history):
    """(files of HEAD {path: bytes}, commits [(message, {path: bytes|None})], labels)."""
    rng = random.Random(seed)
    book = rulebook.rulebook()
    per_context, filler_count, decoy_files = SCALES[scale]
    paths = Paths(rng)
    plan = assign(rng, book, per_context)
    by_name = {c.name: c for c in contexts.CONTEXTS}
    plants = []  # (context, groups, rendered [(path, data, member)])
    all_labels = []
    for context, rule in plan:
        groups = [plant_group(rng, book, rule, context.name)]
        if context.takes_decoys and rng.random() < 0.35:
            groups.append(decoy_group(rng, book, context.name))
        plants.append((context, groups))
    # Files of decoys alone, in the everyday formats.
    decoy_contexts = [by_name[n] for n in ("dotenv", "yaml", "json", "python", "properties", "hcl", "js")]
    for n in range(decoy_files):
        context = decoy_contexts[n % len(decoy_contexts)]
        plants.append((context, [decoy_group(rng, book, context.name) for _ in range(rng.randint(1, 3))]))

    head = {}
    commits = []
    events = []  # (commit index, kind, payload)
    ncommits = 10 if scale == "small" else 40
    for context, groups in plants:
        rendered = render(rng, context, groups, paths)
        all_labels.extend(labels_of(groups))
        for path, data, member in rendered:
            head[path] = data
        if not history:
            continue
        fate = rng.random()
        first = rng.randrange(0, ncommits - 2)
        later = rng.randrange(first + 1, ncommits)
        if fate < 0.15:  # modified: an older version of the file, other content around the same secrets
            sub = random.Random(rng.random())
            old = render(sub, context, groups, paths_for(paths, rendered))
            events.append((first, [(p, d) for p, d, _ in old]))
            events.append((later, [(p, d) for p, d, _ in rendered]))
        elif fate < 0.25:  # moved: the same file, first committed elsewhere
            moved = [("legacy/" + p, d) for p, d, _ in rendered]
            for label in labels_of(groups):
                for loc in list(label.locations):
                    extra = dict(loc, path="legacy/" + loc["path"])
                    if extra["pair"]:
                        extra["pair"] = dict(extra["pair"], path=extra["path"])
                    label.locations.insert(0, extra)
            events.append((first, moved))
            events.append((later, [(p, None) for p, _ in moved] + [(p, d) for p, d, _ in rendered]))
        elif fate < 0.35:  # rotated: the file first held other values of the same credentials
            old_groups = fresh_copy(rng, book, groups)
            old = render(random.Random(rng.random()), context, old_groups, paths_for(paths, rendered))
            all_labels.extend(l for l in labels_of(old_groups) if l not in all_labels)
            events.append((first, [(p, d) for p, d, _ in old]))
            events.append((later, [(p, d) for p, d, _ in rendered]))
        else:
            events.append((first, [(p, d) for p, d, _ in rendered]))
    # Removed: files with secrets that were committed and later deleted.
    if history:
        for _ in range(len(plants) // 8):
            context, rule = plan[rng.randrange(len(plan))]
            groups = [plant_group(rng, book, rule, context.name)]
            rendered = render(rng, context, groups, paths)
            all_labels.extend(labels_of(groups))
            first = rng.randrange(0, ncommits - 2)
            events.append((first, [(p, d) for p, d, _ in rendered]))
            events.append((rng.randrange(first + 1, ncommits), [(p, None) for p, _, _ in rendered]))
    for path, text in filler.files(rng, filler_count):
        head[path] = text.encode()
        if history:
            events.append((rng.randrange(0, 3), [(path, text.encode())]))
    head[".gitignore"] = b"node_modules/\n__pycache__/\n*.log\n"
    head["README.md"] = (b"# fakecorp platform\n\nServices, deploy configuration and notebooks of a made-up "
                         b"company. Every credential in this repository is fake.\n")
    if history:
        events.append((0, [(".gitignore", head[".gitignore"]), ("README.md", head["README.md"])]))
        for index in range(ncommits):
            changes = {}
            for when, items in events:
                if when == index:
                    for path, data in items:
                        changes[path] = data
            commits.append((f"Change {index + 1}: {len(changes)} files", changes))
        # The commit that first brought each version of each file: keyscan names it.
        introduced = {}
        for index, (_, changes) in enumerate(commits):
            for path, data in changes.items():
                if data is not None:
                    introduced.setdefault((path, hashlib.sha1(data).hexdigest()), index)
        for label in all_labels:
            for loc in label.locations:
                loc["commit_index"] = introduced.get((loc["path"], loc["blob"]))
    lost = [label for label in all_labels if not label.locations]
    if lost:
        raise SystemExit(f"{len(lost)} labels were not written (a context dropped an entry)")
    mark_head(all_labels, head)
    return head, commits, all_labels, book


def paths_for(paths, rendered):
    """A Paths that gives the same path again: an older version of the same file."""
    class Same:
        svc, svc_pascal, user = paths.svc, paths.svc_pascal, paths.user

        def __init__(self):
            self.queue = [p for p, _, _ in rendered]

        def begin(self):
            pass

        def new(self, patterns):
            return self.queue.pop(0)
    return Same()


def mark_head(labels, head):
    """Sets in_head on each location: whether HEAD's blob at that path is the one it
    is in."""
    blobs = {path: hashlib.sha1(data).hexdigest() for path, data in head.items()}
    for label in labels:
        for loc in label.locations:
            loc["in_head"] = blobs.get(loc["path"]) == loc["blob"]


def write_tree(out, head):
    for path in sorted(head):
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(head[path])


def write_history(out, commits):
    """A git repository at `out` holding `commits` (built with git fast-import, fixed
    author, committer and dates), with HEAD checked out."""
    subprocess.run(["git", "init", "-q", "-b", "main", out], check=True)
    stream = bytearray()
    when = 1704067200  # 2024-01-01
    for n, (message, changes) in enumerate(commits):
        when += 86400 + 3600 * (n % 5)
        msg = message.encode()
        stream += b"commit refs/heads/main\n" + f"mark :{n + 1}\n".encode()
        stream += f"author Dana Fake <dana@fakecorp.test> {when} +0000\n".encode()
        stream += f"committer Dana Fake <dana@fakecorp.test> {when} +0000\n".encode()
        stream += f"data {len(msg)}\n".encode() + msg + b"\n"
        if n:
            stream += f"from :{n}\n".encode()
        for path in sorted(changes):
            data = changes[path]
            if data is None:
                stream += f"D {path}\n".encode()
            else:
                stream += f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
        stream += b"\n"
    subprocess.run(["git", "-C", out, "fast-import", "--quiet", "--date-format=raw"], input=bytes(stream),
                   check=True)
    subprocess.run(["git", "-C", out, "checkout", "-q", "-f", "main"], check=True)


def label_json(n, label):
    primary = next((loc for loc in label.locations if loc.get("in_head")), label.locations[0])
    out = {
        "id": f"{'S' if label.kind == 'secret' else 'D'}{n:05d}",
        "kind": label.kind,
        "rule_id": label.rule,
        "context": label.context,
        "path": primary["path"],
        "member": primary["member"],
        "line": primary["line"],
        "column": primary["column"],
        "length": primary["length"],
        "encoded": primary["encoded"],
        "in_head": any(loc.get("in_head") for loc in label.locations),
        "pair": None,
        "locations": [{k: v for k, v in loc.items() if k != "blob"} for loc in label.locations],
    }
    if label.kind == "decoy":
        out["decoy"] = label.decoy
    if label.pair_rule:
        pair = primary["pair"]
        out["pair"] = dict(pair, rule_id=label.pair_rule) if pair else None
        for loc in label.locations:
            if loc["pair"]:
                loc["pair"] = dict(loc["pair"], rule_id=label.pair_rule)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--history", action="store_true", help="make DIR a git repository with history")
    args = parser.parse_args()
    head, commits, labels, book = build(args.seed, args.scale, args.history)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    if args.history:
        write_history(args.out, commits)
        ids = subprocess.run(["git", "-C", args.out, "rev-list", "--reverse", "main"], capture_output=True, text=True,
                             check=True).stdout.split()
        for label in labels:
            for loc in label.locations:
                index = loc.pop("commit_index", None)
                loc["commit"] = ids[index] if index is not None else None
    else:
        write_tree(args.out, head)
    doc = {
        "version": 1,
        "seed": args.seed,
        "scale": args.scale,
        "history": args.history,
        "rules": {r.id: r.provider for r in book.values()},
        "contexts": [c.name for c in contexts.CONTEXTS],
        "labels": [label_json(n + 1, label) for n, label in enumerate(labels)],
    }
    with open(os.path.join(args.out, "labels.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    # The answer key is not part of the repository it describes: a scan of the
    # directory leaves it out, as a scan of the history does (it is never committed).
    with open(os.path.join(args.out, ".keyscanignore"), "w") as f:
        f.write("/labels.json\n")
    secrets = sum(1 for label in labels if label.kind == "secret")
    print(f"{len(head)} files, {secrets} secrets, {len(labels) - secrets} decoys"
          + (f", {len(commits)} commits" if args.history else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
