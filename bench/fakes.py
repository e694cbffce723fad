"""Fake but structurally valid credentials, and how to plant them in real files.

Every generator takes a `random.Random`, so a corpus seeded the same way gets the
same keys. The keys pass keyscan's structural checks (GitHub's CRC32 checksum, AWS's
key-ID alphabet, entropy) and the usual patterns of other scanners, and are not
anyone's credentials.
"""
import os
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
BASE64 = BASE62 + "+/"

# Line-comment syntax by file extension: where a key can be planted in a real file.
COMMENT = {".rs": "//", ".c": "//", ".h": "//", ".cc": "//", ".go": "//", ".js": "//", ".py": "#", ".toml": "#"}


def blob(rng, n, alphabet="0123456789abcdef"):
    """`n` random characters of `alphabet`."""
    return "".join(rng.choice(alphabet) for _ in range(n))


def github_token(rng):
    """A classic GitHub personal access token whose CRC32 checksum is right."""
    body = "FAKE" + blob(rng, 26, BASE62)
    value = zlib.crc32(body.encode())
    checksum = ""
    for _ in range(6):
        checksum = BASE62[value % 62] + checksum
        value //= 62
    return f"ghp_{body}{checksum}"


def aws_key_pair(rng):
    """(access key ID, secret access key) shaped like a long-term IAM user key."""
    return "AKIA" + blob(rng, 16, BASE32), blob(rng, 40, BASE64)


def slack_bot_token(rng):
    """A Slack bot token (xoxb-TEAM-BOT-SECRET)."""
    return f"xoxb-{blob(rng, 12, '0123456789')}-{blob(rng, 13, '0123456789')}-{blob(rng, 24, BASE62)}"


def stripe_live_key(rng):
    """A Stripe live secret key."""
    return "sk_live_" + blob(rng, 99, BASE62)


def edit_target(files, rng=None, skip=()):
    """A mid-sized real source file ({path: (mode, bytes)}) to hard-code a key into:
    the middle candidate, or a random one with `rng`; paths in `skip` are not chosen."""
    candidates = sorted(
        path for path, (mode, data) in files.items()
        if mode == b"100644" and os.path.splitext(path)[1] in COMMENT and path not in skip
        and 4_000 <= len(data) <= 64_000 and b"\0" not in data
    )
    return rng.choice(candidates) if rng else candidates[len(candidates) // 2]


def with_line(data, line):
    """(`data` with `line` inserted at the line boundary nearest its middle, the
    1-based number of the inserted line)."""
    middle = data.find(b"\n", len(data) // 2) + 1 or len(data)
    return data[:middle] + line.encode() + b"\n" + data[middle:], data[:middle].count(b"\n") + 1
