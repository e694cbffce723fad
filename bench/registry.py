"""Real content for keyscan's benchmark corpora, from the package registries.

Crates come through the crates.io sparse index and static.crates.io, npm packages
through `npm pack`; every download is checked against its registry checksum (the
index's sha256 for crates, a pinned sha512 integrity for npm) and cached, so later
runs work offline. Archives are read into memory as {path: (mode, bytes)}.
"""
import base64
import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import urllib.parse


def index_url(name):
    """The crates.io sparse-index URL of crate `name`."""
    name = name.lower()
    if len(name) <= 2:
        prefix = str(len(name))
    elif len(name) == 3:
        prefix = f"3/{name[0]}"
    else:
        prefix = f"{name[:2]}/{name[2:4]}"
    return f"https://index.crates.io/{prefix}/{name}"


def curl(url, out):
    """Downloads `url` to the file `out`, failing on any HTTP error."""
    subprocess.run(["curl", "-sSfL", "--retry", "3", "-o", out, url], check=True)


def version_key(version):
    """Semantic-version order; build metadata (`+1.1.1w`) is ignored."""
    core, _, pre = version.split("+")[0].partition("-")
    numbers = tuple(int(part) for part in core.split("."))
    idents = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")) if pre else ()
    return numbers, not pre, idents


def crate_index(name, cache, needed=None):
    """The index entries of crate `name` in publication order, cached in `cache`;
    fetched again when the cache has fewer than `needed` (None: always)."""
    os.makedirs(cache, exist_ok=True)
    index = os.path.join(cache, "index.jsonl")
    entries = [json.loads(line) for line in open(index)] if os.path.exists(index) else []
    if needed is None or len(entries) < needed:
        curl(index_url(name), index + ".tmp")
        os.replace(index + ".tmp", index)
        entries = [json.loads(line) for line in open(index)]
    return entries


def download_crate(name, entry, cache):
    """Path of the .crate of index entry `entry`, downloaded and sha256-checked."""
    path = os.path.join(cache, f"{name}-{entry['vers']}.crate")
    if not os.path.exists(path):
        quoted = urllib.parse.quote(entry["vers"], safe="")
        curl(f"https://static.crates.io/crates/{name}/{name}-{quoted}.crate", path + ".tmp")
        with open(path + ".tmp", "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        if digest != entry["cksum"]:
            sys.exit(f"{path}: sha256 {digest}, the index says {entry['cksum']}")
        os.replace(path + ".tmp", path)
    return path


def fetch_crates(name, count, cache):
    """The first `count` (0: all) published versions of crate `name`, downloaded and
    verified, as (version, path) in version order."""
    entries = crate_index(name, cache, count or None)
    if count and count > len(entries):
        sys.exit(f"{name} has only {len(entries)} published versions, not {count}")
    entries = entries[:count] if count else entries
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        crates = list(pool.map(lambda entry: (entry["vers"], download_crate(name, entry, cache)), entries))
    return sorted(crates, key=lambda crate: version_key(crate[0]))


def fetch_crate(name, version, cache):
    """Path of one pinned crate version, downloaded and verified."""
    for needed in (1, None):  # the cached index first, then a fresh one
        for entry in crate_index(name, cache, needed):
            if entry["vers"] == version:
                return download_crate(name, entry, cache)
    sys.exit(f"crate {name} has no version {version}")


def fetch_npm(name, version, integrity, cache):
    """Path of the npm tarball of `name@version`, packed by `npm pack` and checked
    against the pinned sha512 `integrity` (Subresource Integrity form)."""
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, f"{name.replace('/', '-').lstrip('@')}-{version}.tgz")
    if not os.path.exists(path):
        out = subprocess.run(["npm", "pack", "--json", "--pack-destination", cache, f"{name}@{version}"],
                             capture_output=True, check=True, text=True).stdout
        packed = os.path.join(cache, json.loads(out)[0]["filename"])
        if packed != path:
            os.replace(packed, path)
    algorithm, _, expected = integrity.partition("-")
    with open(path, "rb") as handle:
        digest = base64.b64encode(hashlib.file_digest(handle, algorithm).digest()).decode()
    if digest != expected:
        os.remove(path)
        sys.exit(f"{name}@{version}: {algorithm} {digest}, pinned {expected}")
    return path


def snapshot(path):
    """{path: (mode, bytes)} of the files and symlinks of a tarball (.crate, npm
    .tgz), without its top directory."""
    files = {}
    with tarfile.open(path) as tar:
        for member in tar:
            _, _, name = member.name.partition("/")
            if member.isfile():
                mode = b"100755" if member.mode & 0o111 else b"100644"
                files[name] = (mode, tar.extractfile(member).read())
            elif member.issym():
                files[name] = (b"120000", member.linkname.encode())
    return files
