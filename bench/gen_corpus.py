#!/usr/bin/env python3
"""Generates a deterministic, realistic-looking source tree for keyscan benchmarks.

Files mimic a polyglot monorepo: Python, JavaScript, Rust, Go, Java, YAML, JSON,
Markdown and .env files built from code-shaped lines, with the identifiers that make
secret scanners work hard (token, key, secret, password, auth headers, base64 and hex
blobs, URLs) and a handful of planted fake keys whose findings the benchmark checks.

usage: gen_corpus.py OUT_DIR [TOTAL_MB]
"""
import base64
import json
import os
import random
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ from the import below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakes import BASE62, blob, github_token  # noqa: E402  (shared with the real-content corpora)

WORDS = (
    "user account order item cart price total client server request response handler "
    "config cache queue worker session token key secret password auth header value "
    "buffer stream reader writer parse encode decode format render update delete create "
    "fetch retry timeout limit offset cursor index schema table column record batch "
    "metric event logger context option result error status payload region bucket "
    "project tenant service endpoint credential signature digest nonce salt hash"
).split()


def ident(rng, parts=2):
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def camel(rng, parts=2):
    words = [rng.choice(WORDS) for _ in range(parts)]
    return words[0] + "".join(w.title() for w in words[1:])


def python_line(rng):
    kind = rng.random()
    if kind < 0.25:
        return f"    {ident(rng)} = {ident(rng)}.get(\"{ident(rng)}\", {rng.randint(0, 999)})"
    if kind < 0.45:
        return f"    return self.{ident(rng)}({ident(rng)}, {camel(rng)}={rng.choice(['None', 'True', '0'])})"
    if kind < 0.6:
        return f"    # {' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}"
    if kind < 0.7:
        return f"    headers = {{\"Authorization\": f\"Bearer {{self.{ident(rng)}}}\", \"X-Request-Id\": \"{blob(rng, 32)}\"}}"
    if kind < 0.8:
        return f"    digest = \"{blob(rng, 64)}\"  # sha256 of {ident(rng)}"
    if kind < 0.9:
        return f"def {ident(rng, 3)}(self, {ident(rng)}, {ident(rng)}=None):"
    return f"    logger.info(\"{' '.join(rng.choice(WORDS) for _ in range(6))}: %s\", {ident(rng)})"


def js_line(rng):
    kind = rng.random()
    if kind < 0.3:
        return f"  const {camel(rng)} = await {camel(rng)}.{camel(rng)}({{ {camel(rng)}: {rng.randint(0, 99)}, {camel(rng)} }});"
    if kind < 0.5:
        return f"  if (!{camel(rng)}.{camel(rng)}) throw new Error(\"{' '.join(rng.choice(WORDS) for _ in range(5))}\");"
    if kind < 0.6:
        return f"  // {' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}"
    if kind < 0.7:
        data = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(48))).decode()
        return f"  const {camel(rng)}Data = \"{data}\";"
    if kind < 0.8:
        return f"  fetch(`${{baseUrl}}/api/v2/{rng.choice(WORDS)}/${{{camel(rng)}}}`, {{ headers: {{ \"x-api-version\": \"{rng.randint(1, 9)}\" }} }});"
    return f"export function {camel(rng, 3)}({camel(rng)}, {camel(rng)}) {{"


def rust_line(rng):
    kind = rng.random()
    if kind < 0.35:
        return f"    let {ident(rng)} = {ident(rng)}.{ident(rng)}(&{ident(rng)})?;"
    if kind < 0.55:
        return f"    /// {' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}"
    if kind < 0.7:
        return f"pub fn {ident(rng, 3)}({ident(rng)}: &{camel(rng).title()}) -> Result<{camel(rng).title()}, Error> {{"
    if kind < 0.85:
        return f"    const {ident(rng).upper()}: [u8; 32] = hex!(\"{blob(rng, 64)}\");"
    return f"    match {ident(rng)} {{ Some(v) => v, None => return Err(Error::{camel(rng).title()}) }}"


def yaml_line(rng):
    kind = rng.random()
    if kind < 0.4:
        return f"  {ident(rng)}: {rng.choice(['true', 'false', str(rng.randint(0, 9999)), ident(rng)])}"
    if kind < 0.6:
        return f"  {ident(rng)}_url: https://{rng.choice(WORDS)}.internal.example.org/{rng.choice(WORDS)}"
    if kind < 0.75:
        return f"  {rng.choice(['token', 'api_key', 'secret', 'password'])}: ${{{ident(rng).upper()}}}"
    if kind < 0.9:
        return f"  checksum: {blob(rng, 40)}"
    return f"{ident(rng)}:"


def markdown_line(rng):
    kind = rng.random()
    if kind < 0.6:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))) + "."
    if kind < 0.75:
        return f"Set `{ident(rng).upper()}` to your API key (see the console)."
    if kind < 0.9:
        return f"    curl -H \"Authorization: Bearer <token>\" https://api.example.org/v1/{rng.choice(WORDS)}"
    return f"## {' '.join(rng.choice(WORDS) for _ in range(3)).title()}"


KINDS = [
    ("py", python_line, 0.25),
    ("js", js_line, 0.25),
    ("rs", rust_line, 0.15),
    ("go", rust_line, 0.05),
    ("yaml", yaml_line, 0.1),
    ("md", markdown_line, 0.1),
    ("java", js_line, 0.1),
]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def planted(rng):
    """(file text, expected rule id) for each planted fake credential."""
    jwt = ".".join([
        b64url(json.dumps({"typ": "JWT", "alg": "HS256"}).encode()),
        b64url(json.dumps({"sub": blob(rng, 24), "iss": "zingbox", "iat": 1597098181}).encode()),
        b64url(bytes(rng.getrandbits(8) for _ in range(32))),
    ])
    key_id = f"{rng.randint(1000000000, 9999999999)}:{blob(rng, 64)}"
    return [
        (f"GITHUB_TOKEN={github_token(rng)}\n", "github-pat"),
        (f"headers = {{\"X-TC-APP-KEY\": \"{blob(rng, 16, BASE62)}\"}}\n", "nhncloud-appkey"),
        (
            f"headers = {{\n    \"X-TC-AUTHENTICATION-ID\": \"{blob(rng, 20, BASE62)}\",\n"
            f"    \"X-TC-AUTHENTICATION-SECRET\": \"{blob(rng, 16, BASE62)}\",\n}}\n",
            "nhncloud-secret-access-key",
        ),
        (f"curl -H 'X-Key-Id: {key_id}' -H 'X-Access-Key: {jwt}' https://iot.example.org\n", "iot-guardian-access-key"),
        (f"token = \"{github_token(rng)}\"\n", "github-pat"),
    ]


def main():
    out = sys.argv[1]
    total = int(float(sys.argv[2]) * 1_000_000) if len(sys.argv) > 2 else 200_000_000
    rng = random.Random(20261122)
    written, index = 0, 0
    plants = planted(rng)
    expected = {}
    while written < total:
        ext, make_line, _ = rng.choices(KINDS, weights=[k[2] for k in KINDS])[0]
        size = int(rng.lognormvariate(9.3, 1.0))  # median ~11 KB, long tail
        size = min(max(size, 200), 2_000_000)
        directory = os.path.join(out, f"pkg{index % 97:02d}", rng.choice(WORDS), rng.choice(WORDS))
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"{ident(rng)}_{index}.{ext}")
        lines, length = [], 0
        while length < size:
            line = make_line(rng)
            lines.append(line)
            length += len(line) + 1
        text = "\n".join(lines) + "\n"
        if index % 2000 == 7 and plants:
            snippet, rule = plants.pop()
            text = text[: len(text) // 2] + "\n" + snippet + text[len(text) // 2:]
            expected[os.path.relpath(path, out)] = rule
        with open(path, "w") as handle:
            handle.write(text)
        written += len(text)
        index += 1
    with open(os.path.join(out, "..", os.path.basename(out) + ".expected.json"), "w") as handle:
        json.dump(expected, handle, indent=1, sort_keys=True)
    print(f"{index} files, {written / 1e6:.1f} MB, {len(expected)} planted keys")


if __name__ == "__main__":
    main()
