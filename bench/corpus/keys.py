"""Fake credentials whose structure a regular expression cannot express.

GitHub and npm tokens carry a CRC32 checksum (as tests/support/fake_keys.rs makes
them), JWTs are three base64url parts of real JSON, Grafana and Sentry tokens embed
base64 of JSON, the NHN Cloud Basic-auth value is base64 of `id:secret`, private keys
are PEM (or OpenSSH, PGP, PuTTY) blocks, and a GCP service-account key is a whole JSON
document. Every value says FAKE where its format allows, and none is anyone's key.

`special(rule_id, rng)` returns a keys.Value or None for rules made from their
examples (rulebook.py).
"""
import base64
import json
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
B64 = BASE62 + "+/"
B64URL = BASE62 + "-_"
HEX = "0123456789abcdef"


class Value:
    """A value to write into a file: `text`, of which `secret` (what the rule reports)
    starts at `offset`; `extras` are [(rule id, substring of text)] of other secrets
    inside it (a service-account JSON holds a private key too)."""

    def __init__(self, text, secret=None, offset=None, extras=()):
        self.text = text
        self.secret = text if secret is None else secret
        self.offset = text.index(self.secret) if offset is None else offset
        self.extras = list(extras)

    @property
    def multiline(self):
        return "\n" in self.text


def blob(rng, n, alphabet=BASE62):
    return "".join(rng.choice(alphabet) for _ in range(n))


def faked(rng, n, alphabet=BASE62):
    """`n` random characters with FAKE somewhere in the middle."""
    body = blob(rng, n - 4, alphabet)
    at = rng.randrange(n // 4, n // 2)
    return body[:at] + "FAKE" + body[at:]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def checksum_token(prefix, rng):
    """prefix + 30 base62 characters + their base62 CRC32 (GitHub classic tokens, npm)."""
    body = "FAKE" + blob(rng, 26)
    value = zlib.crc32(body.encode())
    digits = ""
    for _ in range(6):
        digits = BASE62[value % 62] + digits
        value //= 62
    return prefix + body + digits


def jwt(rng, header, claims, signature_length=43):
    text = ".".join([b64url(json.dumps(header, separators=(",", ":")).encode()),
                     b64url(json.dumps(claims, separators=(",", ":")).encode()),
                     faked(rng, signature_length, BASE62 + "-_")])
    return text


def generic_jwt(rng):
    claims = {"sub": "svc-" + blob(rng, 8, HEX), "iss": "https://auth.fakecorp.test", "role": "service_role",
              "iat": 1718000000 + rng.randrange(10**6), "exp": 2032000000, "note": "FAKE"}
    return jwt(rng, {"alg": "HS256", "typ": "JWT"}, claims)


def iot_guardian_jwt(rng):
    claims = {"sub": blob(rng, 24, HEX), "email": "svc-iot@fake-tenant.test", "jti": blob(rng, 10),
              "scope": {"fake-tenant": {"owner": True}}, "islocked": False, "tenantid": "fake-tenant",
              "type": "device_retrieval_key", "iat": 1717000000 + rng.randrange(10**6), "exp": 2032000000,
              "iss": "zingbox"}
    return jwt(rng, {"typ": "JWT", "alg": "HS256"}, claims)


def github_installation_jwt(rng):
    app = rng.randrange(1000, 999999)
    claims = {"iss": "github", "aid": app, "iid": rng.randrange(10**7, 10**8), "exp": 1781186400,
              "nonce": faked(rng, 22)}
    return f"ghs_{app}_" + jwt(rng, {"alg": "RS256", "typ": "JWT"}, claims, 342)


def grafana_cloud(rng):
    stack = rng.randrange(100000, 999999)
    payload = {"o": str(rng.randrange(100000, 999999)), "n": f"stack-{stack}-hl-read-fake",
               "k": faked(rng, 24), "m": {"r": "prod-us-east-0"}}
    return "glc_" + base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def sentry_org(rng):
    payload = {"iat": 1719867825.123456 + rng.randrange(10**6), "url": "https://sentry.io",
               "region_url": "https://us.sentry.io", "org": "fake-org-" + blob(rng, 4, HEX)}
    encoded = base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    return f"sntrys_{encoded}_{faked(rng, 43, B64)}"


def basic(credentials):
    """An Authorization header's value: the secret is what follows "Basic "."""
    return Value("Basic " + credentials, credentials, 6)


def nhn_basic(rng):
    return base64.b64encode(f"{faked(rng, 20)}:{blob(rng, 16)}".encode()).decode()


# PEM bodies: the DER prefix each kind of key starts with, then random base64.
PEM = {
    "private-key-rsa": ("RSA PRIVATE KEY", "MIIEowIBAAKCAQEA", 24),
    "private-key-ec": ("EC PRIVATE KEY", "MHcCAQEEI", 3),
    "private-key-dsa": ("DSA PRIVATE KEY", "MIIBuwIBAAKBgQ", 8),
    "private-key-pkcs8": ("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 25),
    "private-key-pkcs8-encrypted": ("ENCRYPTED PRIVATE KEY", "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI", 26),
}


def pem_body(rng, prefix, lines, width=64):
    body = prefix + "FAKEKEY" + blob(rng, lines * width - len(prefix) - 7 - 2, B64) + "=="
    return [body[i:i + width] for i in range(0, len(body), width)]


def pem(rng, rule_id):
    if rule_id in PEM:
        label, prefix, lines = PEM[rule_id]
        body = pem_body(rng, prefix, rng.randint(max(3, lines - 4), lines))
        return "\n".join([f"-----BEGIN {label}-----", *body, f"-----END {label}-----"])
    if rule_id == "private-key-pem-encrypted":
        kind = rng.choice(["RSA", "EC"])
        body = pem_body(rng, "", 6 if kind == "EC" else 18)
        return "\n".join([f"-----BEGIN {kind} PRIVATE KEY-----", "Proc-Type: 4,ENCRYPTED",
                          f"DEK-Info: AES-128-CBC,{blob(rng, 32, '0123456789ABCDEF')}", "", *body,
                          f"-----END {kind} PRIVATE KEY-----"])
    if rule_id in ("private-key-openssh", "private-key-openssh-encrypted"):
        prefix = ("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
                  if rule_id == "private-key-openssh" else
                  "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABD")
        body = pem_body(rng, prefix, 6, 70)
        return "\n".join(["-----BEGIN OPENSSH PRIVATE KEY-----", *body, "-----END OPENSSH PRIVATE KEY-----"])
    if rule_id == "private-key-pgp":
        body = pem_body(rng, "lQOYBGZo", 10)
        return "\n".join(["-----BEGIN PGP PRIVATE KEY BLOCK-----", "", *body, "=" + blob(rng, 4, B64),
                          "-----END PGP PRIVATE KEY BLOCK-----"])
    if rule_id in ("private-key-putty", "private-key-putty-encrypted"):
        version = rng.choice([2, 3])
        lines = [f"PuTTY-User-Key-File-{version}: ssh-ed25519",
                 "Encryption: " + ("none" if rule_id == "private-key-putty" else "aes256-cbc"),
                 "Comment: eddsa-key-fake-" + blob(rng, 6, HEX), "Public-Lines: 1",
                 "AAAAC3NzaC1lZDI1NTE5AAAAI" + "FAKE" + blob(rng, 39, B64)]
        if rule_id == "private-key-putty-encrypted" and version == 3:
            lines += ["Key-Derivation: Argon2id", "Argon2-Memory: 8192", "Argon2-Passes: 21",
                      "Argon2-Parallelism: 1", "Argon2-Salt: " + blob(rng, 32, HEX)]
        lines += ["Private-Lines: 1", blob(rng, 64 if "encrypted" in rule_id else 44, B64),
                  "Private-MAC: " + blob(rng, 64 if version == 3 else 40, HEX)]
        return "\n".join(lines)
    return None


def service_account(rng):
    """A GCP service-account key file: the rule reports its private_key_id; the PEM key
    inside is a second secret (private-key-pkcs8)."""
    key_id = blob(rng, 40, HEX)
    key = pem(rng, "private-key-pkcs8") + "\n"
    project = f"fake-{blob(rng, 6, 'abcdefghijklmnopqrstuvwxyz')}-{rng.randrange(100000, 999999)}"
    doc = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": key_id,
        "private_key": key,
        "client_email": f"deployer@{project}.iam.gserviceaccount.com",
        "client_id": str(rng.randrange(10**20, 10**21)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    text = json.dumps(doc, indent=2)
    escaped_key = json.dumps(key)[1:-1]
    return Value(text, key_id, extras=[("private-key-pkcs8", escaped_key)])


# Database URLs: the password is the secret; some carry characters that must be
# percent-encoded in a URL.
DB = {
    "database-url-postgres": ("postgresql", "5432", "orders"),
    "database-url-mysql": ("mysql", "3306", "shop"),
    "database-url-mongodb": ("mongodb+srv", "", "reports"),
    "database-url-redis": ("rediss", "6380", "0"),
    "database-url-amqp": ("amqps", "5671", "jobs"),
}
PASSWORD_SPECIALS = "@:/#?%!"


def db_password(rng, encoded):
    """(raw password, as written in a URL)."""
    raw = faked(rng, rng.randint(16, 24), BASE62 + "-_.~")
    if encoded:
        at = rng.randrange(2, len(raw) - 2)
        raw = raw[:at] + rng.choice(PASSWORD_SPECIALS) + raw[at:] + rng.choice(PASSWORD_SPECIALS)
    return raw, "".join(c if c.isalnum() or c in "-_.~" else "%%%02X" % ord(c) for c in raw)


def db_url(rng, rule_id, encoded=False):
    scheme, port, db = DB[rule_id]
    _, password = db_password(rng, encoded)
    user = rng.choice(["app", "svc_orders", "etl", "reporting", "worker"])
    host = rng.choice([f"fake-db-{rng.randrange(10, 99)}.c9akciq32mq1.eu-west-1.rds.amazonaws.com",
                       "db.prod.fakecorp.internal", f"10.20.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}",
                       "cluster0.fk3ab.mongodb.net"])
    authority = f"{host}:{port}" if port else host
    text = f"{scheme}://{user}:{password}@{authority}/{db}"
    return Value(text, password, text.index(":" + password + "@") + 1)


def special(rule_id, rng):
    """A keys.Value for rules that need structure, else None."""
    simple = {
        "github-pat": lambda: checksum_token("ghp_", rng),
        "github-oauth-token": lambda: checksum_token("gho_", rng),
        "github-app-user-token": lambda: checksum_token("ghu_", rng),
        "github-app-installation-token": lambda: checksum_token("ghs_", rng),
        "npm-access-token": lambda: checksum_token("npm_", rng),
        "generic-jwt": lambda: generic_jwt(rng),
        "iot-guardian-access-key": lambda: iot_guardian_jwt(rng),
        "github-app-installation-token-jwt": lambda: github_installation_jwt(rng),
        "grafana-cloud-access-policy-token": lambda: grafana_cloud(rng),
        "sentry-org-auth-token": lambda: sentry_org(rng),
    }
    if rule_id in simple:
        return Value(simple[rule_id]())
    if rule_id == "nhncloud-user-access-key-basic-auth":
        return basic(nhn_basic(rng))
    if rule_id.startswith("private-key-") and (key := pem(rng, rule_id)) is not None:
        return Value(key)
    if rule_id == "gcp-service-account-key":
        return service_account(rng)
    if rule_id in DB:
        return db_url(rng, rule_id)
    return None
