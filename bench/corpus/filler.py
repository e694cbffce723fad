"""Ordinary files around the planted credentials: code, docs, manifests with nothing
secret in them, so that a scan reads a tree shaped like a real repository."""
import base64
import hashlib

WORDS = ("user account order item cart price total client server request response handler config cache "
         "queue worker session buffer stream reader writer parse encode decode format render update delete "
         "create fetch retry timeout limit offset cursor index schema table column record batch metric event "
         "logger context option result error status payload region bucket project tenant service endpoint").split()


def ident(rng, parts=2):
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def camel(rng, parts=2):
    w = [rng.choice(WORDS) for _ in range(parts)]
    return w[0] + "".join(x.title() for x in w[1:])


def sentence(rng, low=6, high=14):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def python_file(rng):
    lines = ['"""' + sentence(rng).capitalize() + '."""', "import logging", "", "log = logging.getLogger(__name__)", ""]
    for _ in range(rng.randint(3, 12)):
        lines += ["", f"def {ident(rng, 3)}({ident(rng)}, {ident(rng)}=None):", f'    """{sentence(rng).capitalize()}."""']
        for _ in range(rng.randint(2, 8)):
            k = rng.random()
            if k < 0.4:
                lines.append(f"    {ident(rng)} = {ident(rng)}.get(\"{ident(rng)}\", {rng.randint(0, 999)})")
            elif k < 0.7:
                lines.append(f"    log.info(\"{sentence(rng, 3, 6)}: %s\", {ident(rng)})")
            else:
                lines.append(f"    # {sentence(rng)}")
        lines.append(f"    return {ident(rng)}")
    return "\n".join(lines) + "\n"


def js_file(rng):
    lines = ["'use strict';", ""]
    for _ in range(rng.randint(3, 12)):
        lines.append(f"export async function {camel(rng, 3)}({camel(rng)}, {camel(rng)}) {{")
        for _ in range(rng.randint(2, 8)):
            k = rng.random()
            if k < 0.5:
                lines.append(f"  const {camel(rng)} = await {camel(rng)}.{camel(rng)}({{ {camel(rng)}: {rng.randint(0, 99)} }});")
            else:
                lines.append(f"  // {sentence(rng)}")
        lines += [f"  return {camel(rng)};", "}", ""]
    return "\n".join(lines)


def go_file(rng):
    lines = [f"package {rng.choice(WORDS)}", "", 'import "fmt"', ""]
    for _ in range(rng.randint(3, 10)):
        lines.append(f"func {camel(rng, 3).title()}({camel(rng)} string) error {{")
        for _ in range(rng.randint(2, 6)):
            lines.append(f"\t// {sentence(rng)}")
            lines.append(f'\tif {camel(rng)} == "" {{ return fmt.Errorf("{sentence(rng, 2, 4)}") }}')
        lines += ["\treturn nil", "}", ""]
    return "\n".join(lines)


def markdown_file(rng):
    lines = [f"# {sentence(rng, 2, 4).title()}", ""]
    for _ in range(rng.randint(3, 10)):
        lines += [sentence(rng, 12, 30).capitalize() + ".", ""]
        if rng.random() < 0.3:
            lines += ["```sh", f"make {rng.choice(WORDS)}", "```", ""]
    return "\n".join(lines)


def yaml_file(rng):
    lines = [f"{ident(rng)}:"]
    for _ in range(rng.randint(4, 20)):
        lines.append(f"  {ident(rng)}: {rng.choice(['true', 'false', str(rng.randint(0, 9999)), ident(rng)])}")
    return "\n".join(lines) + "\n"


def lock_file(rng):
    """A package lock: integrity hashes that are not secrets."""
    lines = ["{", '  "lockfileVersion": 3,', '  "packages": {']
    for n in range(rng.randint(5, 30)):
        name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}"
        digest = hashlib.sha512(f"{name}{n}{rng.random()}".encode()).digest()
        lines += [f'    "node_modules/{name}": {{', f'      "version": "{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",',
                  f'      "integrity": "sha512-{base64.b64encode(digest).decode()}"', "    },"]
    lines[-1] = "    }"
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


KINDS = [("py", python_file), ("js", js_file), ("go", go_file), ("md", markdown_file), ("yaml", yaml_file)]


def files(rng, count):
    """[(path, text)] of `count` ordinary files."""
    out = []
    used = set()
    for n in range(count):
        ext, make = rng.choice(KINDS)
        directory = f"{rng.choice(['services', 'libs', 'tools', 'web'])}/{rng.choice(WORDS)}/{rng.choice(['src', 'lib', 'docs', 'internal'])}"
        path = f"{directory}/{ident(rng)}_{n}.{ext}"
        if path in used:
            continue
        used.add(path)
        out.append((path, make(rng)))
    for n in range(max(1, count // 60)):
        out.append((f"web/app{n}/package-lock.json", lock_file(rng)))
    return out
