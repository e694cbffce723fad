"""keyscan's built-in rules, read from rules/*.toml, and fresh fake values for each.

For every rule the corpus needs three things: which rules are reportable and which
identifier a secret pairs with, the variable name people store it under, and a
generator of new values in the rule's format. The format comes from the rule itself:
one of its examples is taken as a template and each character is re-randomised within
the set of characters the rule's pattern accepts at that position (probed with Python's
`re` on the example's own text), so literal prefixes, suffixes and separators stay and
the length and character classes are kept. Values whose structure a pattern cannot
express (checksums, JWTs, PEM blocks, base64 of JSON) come from keys.py instead.

Every value is checked before it is used: the rule's pattern must capture exactly it
in the example's context, and it must pass keyscan's entropy and placeholder filters
(src/engine/filters.rs), so that a miss in the corpus is keyscan's, not the corpus's.
"""
import math
import os
import re
import tomllib

import keys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES_DIR = os.path.join(ROOT, "rules")

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Rules that contexts of their own already write (contexts.py: `only=`).
KNOWN_CONTEXTS = {"npm-config-auth-token", "jdbc-url-password", "ado-net-connection-string-password",
                  "nhncloud-user-access-key-basic-auth"}
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"

# The variable names people use, where the rule's examples name none or a poor one.
NAMES = {
    "age-secret-key": "SOPS_AGE_KEY",
    "atlassian-api-token": "JIRA_API_TOKEN",
    "aws-access-key-id": "AWS_ACCESS_KEY_ID",
    "aws-secret-access-key": "AWS_SECRET_ACCESS_KEY",
    "azure-storage-account-name": "AZURE_STORAGE_ACCOUNT",
    "azure-storage-account-key": "AZURE_STORAGE_KEY",
    "azure-storage-sas-token": "BACKUP_SAS_URL",
    "cloudflare-api-token": "CLOUDFLARE_API_TOKEN",
    "cloudflare-global-api-key": "CLOUDFLARE_API_KEY",
    "cloudflare-api-token-legacy": "CLOUDFLARE_API_TOKEN",
    "cloudflare-global-api-key-legacy": "CLOUDFLARE_API_KEY",
    "database-url-postgres": "DATABASE_URL",
    "database-url-mysql": "MYSQL_URL",
    "database-url-mongodb": "MONGO_URI",
    "database-url-redis": "REDIS_URL",
    "database-url-amqp": "AMQP_URL",
    "datadog-api-key": "DD_API_KEY",
    "datadog-application-key": "DD_APP_KEY",
    "discord-bot-token": "DISCORD_BOT_TOKEN",
    "discord-webhook-url": "DISCORD_WEBHOOK_URL",
    "dockerhub-pat": "DOCKERHUB_TOKEN",
    "dockerhub-oat": "DOCKER_ORG_TOKEN",
    "github-pat": "GITHUB_TOKEN",
    "github-oauth-token": "GH_OAUTH_TOKEN",
    "github-app-user-token": "GH_APP_USER_TOKEN",
    "github-app-installation-token": "GH_INSTALLATION_TOKEN",
    "github-app-installation-token-jwt": "GH_INSTALLATION_TOKEN",
    "github-app-refresh-token": "GITHUB_REFRESH_TOKEN",
    "github-fine-grained-pat": "GH_TOKEN",
    "gitlab-pat": "GITLAB_TOKEN",
    "gitlab-deploy-token": "CI_DEPLOY_PASSWORD",
    "gitlab-runner-auth-token": "RUNNER_TOKEN",
    "gitlab-runner-registration-token": "REGISTRATION_TOKEN",
    "gitlab-pipeline-trigger-token": "TRIGGER_TOKEN",
    "gitlab-ci-job-token": "GITLAB_JOB_TOKEN",
    "gitlab-scim-token": "SCIM_TOKEN",
    "gitlab-oauth-app-secret": "GITLAB_OAUTH_SECRET",
    "gitlab-feed-token": "FEED_TOKEN",
    "gitlab-incoming-mail-token": "MAIL_TOKEN",
    "gitlab-feature-flag-client-token": "UNLEASH_INSTANCE_ID",
    "gitlab-agent-token": "AGENT_TOKEN",
    "google-api-key": "GOOGLE_API_KEY",
    "google-oauth-client-id": "GOOGLE_CLIENT_ID",
    "google-oauth-client-secret": "GOOGLE_CLIENT_SECRET",
    "grafana-service-account-token": "GRAFANA_TOKEN",
    "grafana-cloud-access-policy-token": "GRAFANA_CLOUD_TOKEN",
    "vault-service-token": "VAULT_TOKEN",
    "vault-batch-token": "VAULT_TOKEN",
    "terraform-cloud-api-token": "TF_TOKEN_app_terraform_io",
    "huggingface-access-token": "HF_TOKEN",
    "iot-guardian-key-id": "PANW_IOT_KEY_ID",
    "iot-guardian-access-key": "PANW_IOT_ACCESS_KEY",
    "iot-guardian-access-key-unverified": "PANW_IOT_ACCESS_KEY",
    "generic-jwt": "SERVICE_AUTH_JWT",
    "private-key-wireguard": "WG_PRIVATE_KEY",
    "kakaocloud-iam-access-key-id": "KAKAOCLOUD_APPLICATION_CREDENTIAL_ID",
    "kakaocloud-iam-secret-access-key": "KAKAOCLOUD_APPLICATION_CREDENTIAL_SECRET",
    "kakaocloud-s3-access-key-id": "KAKAOCLOUD_S3_ACCESS_KEY",
    "kakaocloud-s3-secret-access-key": "KAKAOCLOUD_S3_SECRET_ACCESS_KEY",
    "linear-api-key": "LINEAR_API_KEY",
    "mailchimp-api-key": "MAILCHIMP_API_KEY",
    "mailgun-api-key-legacy": "MAILGUN_API_KEY",
    "mailgun-api-key": "MAILGUN_API_KEY",
    "newrelic-user-api-key": "NEW_RELIC_API_KEY",
    "newrelic-license-key": "NEW_RELIC_LICENSE_KEY",
    "newrelic-insert-key": "NEW_RELIC_INSERT_KEY",
    "nhncloud-user-access-key-id": "NHN_ACCESS_KEY_ID",
    "nhncloud-secret-access-key": "NHN_SECRET_ACCESS_KEY",
    "nhncloud-user-access-key-basic-auth": "NHN_OAUTH_AUTHORIZATION",
    "nhncloud-appkey": "NHN_RDS_APPKEY",
    "npm-access-token": "NPM_TOKEN",
    "npm-config-auth-token": "NPM_CONFIG__AUTH_TOKEN",
    "openai-project-key": "OPENAI_API_KEY",
    "openai-admin-key": "OPENAI_ADMIN_KEY",
    "openai-legacy-key": "OPENAI_API_KEY",
    "ovhcloud-dataplatform-api-key": "OVH_DATAPLATFORM_API_KEY",
    "ovhcloud-dataplatform-secret-key": "OVH_DATAPLATFORM_SECRET_KEY",
    "postman-api-key": "POSTMAN_API_KEY",
    "pulumi-access-token": "PULUMI_ACCESS_TOKEN",
    "pypi-upload-token": "TWINE_PASSWORD",
    "pypi-test-upload-token": "TEST_PYPI_PASSWORD",
    "sendgrid-api-key": "SENDGRID_API_KEY",
    "sentry-org-auth-token": "SENTRY_AUTH_TOKEN",
    "sentry-user-auth-token": "SENTRY_AUTH_TOKEN",
    "shopify-access-token": "SHOPIFY_ACCESS_TOKEN",
    "shopify-shared-secret": "SHOPIFY_API_SECRET",
    "slack-bot-token": "SLACK_BOT_TOKEN",
    "slack-user-token": "SLACK_USER_TOKEN",
    "slack-app-token": "SLACK_APP_TOKEN",
    "slack-rotating-token": "SLACK_REFRESH_TOKEN",
    "slack-legacy-workspace-token": "SLACK_ACCESS_TOKEN",
    "slack-webhook-url": "SLACK_WEBHOOK_URL",
    "square-access-token": "SQUARE_ACCESS_TOKEN",
    "square-oauth-secret": "SQUARE_APPLICATION_SECRET",
    "stripe-secret-key": "STRIPE_SECRET_KEY",
    "stripe-restricted-key": "STRIPE_RESTRICTED_KEY",
    "stripe-test-key": "STRIPE_TEST_SECRET_KEY",
    "telegram-bot-token": "TELEGRAM_BOT_TOKEN",
    "twilio-account-sid": "TWILIO_ACCOUNT_SID",
    "twilio-auth-token": "TWILIO_AUTH_TOKEN",
    "twilio-api-key": "TWILIO_API_KEY",
    "twilio-api-key-secret": "TWILIO_API_SECRET",
    "anthropic-api-key": "ANTHROPIC_API_KEY",
    "anthropic-admin-key": "ANTHROPIC_ADMIN_KEY",
    "databricks-token": "DATABRICKS_TOKEN",
    "digitalocean-personal-access-token": "DIGITALOCEAN_TOKEN",
    "digitalocean-oauth-token": "DO_OAUTH_TOKEN",
    "digitalocean-refresh-token": "DO_REFRESH_TOKEN",
    "doppler-personal-token": "DOPPLER_TOKEN",
    "doppler-service-token": "DOPPLER_SERVICE_TOKEN",
    "gcp-service-account-key": "GOOGLE_APPLICATION_CREDENTIALS_JSON",
    "azure-ad-client-secret": "AZURE_CLIENT_SECRET",
}

# What a value is, for the contexts: one line of text, several lines (PEM blocks and
# the like), a whole JSON document, or a URL whose password is the secret.
MULTILINE_PREFIX = "private-key-"


def load():
    """All rules, in file order: a list of dicts with the TOML fields plus `provider`."""
    rules = []
    for name in sorted(os.listdir(RULES_DIR)):
        if not name.endswith(".toml"):
            continue
        with open(os.path.join(RULES_DIR, name), "rb") as f:
            data = tomllib.load(f)
        for rule in data["rules"]:
            rule = dict(rule)
            rule["provider"] = data["provider"]
            rules.append(rule)
    return rules


def python_pattern(pattern):
    """A Rust `regex` pattern as Python `re` reads it (Unicode groups are ASCII here)."""
    return re.compile(pattern.replace("(?u:", "(?:"), re.ASCII)


def entropy(text):
    """Shannon entropy in bits per byte, as keyscan computes it."""
    data = text.encode()
    if not data:
        return 0.0
    counts = {}
    for byte in data:
        counts[byte] = counts.get(byte, 0) + 1
    return -sum(c / len(data) * math.log2(c / len(data)) for c in counts.values())


PLACEHOLDER_WORDS = ("example", "xxxx", "placeholder", "redacted", "****", "...")


def looks_placeholder(secret):
    """keyscan's placeholder filter (src/engine/filters.rs), so that no planted value is
    one a person would also call a placeholder."""
    if any(c in secret for c in "{}<>") or "$(" in secret or secret.lower().startswith("your"):
        return True
    if re.fullmatch(r"\$[A-Za-z0-9_]+", secret):
        return True
    if any(word in secret.lower() for word in PLACEHOLDER_WORDS):
        return True
    same = up = down = 1
    for a, b in zip(secret, secret[1:]):
        same = same + 1 if a == b else 1
        up = up + 1 if a.isalnum() and a.isascii() and ord(b) == ord(a) + 1 else 1
        down = down + 1 if a.isalnum() and a.isascii() and ord(a) == ord(b) + 1 else 1
        if max(same, up, down) >= 6:
            return True
    return False


class Rule:
    """One built-in rule and how to make values for it."""

    def __init__(self, raw):
        self.raw = raw
        self.id = raw["id"]
        self.provider = raw["provider"]
        self.regex = python_pattern(raw["pattern"])
        self.min_entropy = raw.get("entropy")
        self.placeholder_check = raw.get("placeholder_check", True)
        self.reportable = raw.get("report_unpaired", True)
        pair = raw.get("pair")
        self.pair_with = pair["with"] if pair else None
        self.within_lines = pair["within_lines"] if pair else None
        self.name = NAMES.get(self.id) or self.id.upper().replace("-", "_")
        self.multiline = self.id.startswith(MULTILINE_PREFIX) or self.id == "gcp-service-account-key"
        self.document = self.id == "gcp-service-account-key"
        self.url = self.id.startswith("database-url-") or self.id in ("slack-webhook-url", "discord-webhook-url",
                                                                       "azure-storage-sas-token")
        self.template_text, self.template = self._template()
        self.run = self._run()
        self.alphabets = None  # probed on first use
        keywords = [k.lower() for k in raw.get("keywords", [])]
        # A value keyscan can recognise with no name beside it: the pattern captures it
        # alone and one of the rule's keywords is in it.
        self.self_identifying = self.id.startswith("database-url-") or (
            self.captures(f" {self.run} ", self.template) and any(k in self.run.lower() for k in keywords))
        # A value found only in the syntax of its rule's own example (a .netrc line, a
        # define() in wp-config.php, a connection string, a header): planted only there,
        # as the example writes it around the value.
        forms = [f"{self.name}={self.run}\n", f'{self.name}: "{self.run}"\n', f'"{self.name}": "{self.run}",\n']
        self.native_only = not (self.self_identifying or self.multiline or self.url or self.id in KNOWN_CONTEXTS
                                or any(self.captures(form, self.template) for form in forms))
        at = self.template_text.index(self.run)
        self.native = (self.template_text[:at], self.template_text[at + len(self.run):])

    def _run(self):
        """What is written for the template secret: the secret itself, or for a secret
        inside a URL, the whole URL."""
        if not self.url or self.id.startswith("database-url-"):
            return self.template
        start = self.template_text.index(self.template)
        schemes = [m.start() for m in re.finditer(r"[A-Za-z][A-Za-z0-9+.-]*://", self.template_text)
                   if m.start() <= start]
        begin = schemes[-1] if schemes else start
        end = start + len(self.template)
        while end < len(self.template_text) and self.template_text[end] not in " \t\n\"'<>":
            end += 1
        return self.template_text[begin:end]

    def _template(self):
        """(example text, secret) of the example to re-randomise: the first whose
        secret is captured on a single line, else the first."""
        chosen = None
        for example in self.raw.get("examples", []):
            text = example["text"] if isinstance(example, dict) else example
            match = self.regex.search(text)
            if not match:
                continue
            secret = match.group("secret")
            if chosen is None:
                chosen = (text, secret)
            if "\n" not in secret:
                return text, secret
        if chosen is None:
            raise SystemExit(f"rule {self.id}: no example matches its own pattern")
        return chosen

    def captures(self, text, secret):
        """Whether the pattern captures exactly `secret` somewhere in `text`."""
        return any(m.group("secret") == secret for m in self.regex.finditer(text))

    def acceptable(self, secret):
        """Whether a value passes keyscan's own filters for this rule."""
        if self.min_entropy is not None and entropy(secret) < self.min_entropy:
            return False
        return not (self.placeholder_check and looks_placeholder(secret))

    def _written(self, value):
        """`value` as the rule writes it: alone, or in place of the template secret in
        the run around it (a URL)."""
        if self.run == self.template:
            return keys.Value(value)
        at = self.run.index(self.template)
        return keys.Value(self.run[:at] + value + self.run[at + len(self.template):], value, at)

    def _probe(self):
        """For each character of the template secret, the characters the pattern also
        accepts there (within the same class: upper, lower, digit), or None to keep it."""
        text, secret = self.template_text, self.template
        start = text.index(secret)
        before, after = text[:start], text[start + len(secret):]
        alphabets = []
        # Hex stays hex: a template whose letters are all a-f (or A-F) keeps to them.
        letters = [c for c in secret if c.isalpha()]
        lower_hex = len(letters) >= 8 and all(c in "abcdef" for c in letters)
        upper_hex = len(letters) >= 8 and all(c in "ABCDEF" for c in letters)
        for i, c in enumerate(secret):
            if c in UPPER:
                candidates = "ABCDEF" if upper_hex else UPPER
            elif c in LOWER:
                candidates = "abcdef" if lower_hex else LOWER
            elif c in DIGITS:
                candidates = DIGITS
            else:
                alphabets.append(None)
                continue

            def ok(ch):
                trial = secret[:i] + ch + secret[i + 1:]
                return ch == c or self.captures(before + trial + after, trial)

            allowed = "".join(ch for ch in candidates if ok(ch))
            alphabets.append(allowed if len(allowed) > 1 else None)
        return alphabets

    def fresh(self, rng):
        """A new value in this rule's format, with FAKE in it where the format allows,
        carrying the text its rule's example writes around it."""
        value = self._fresh(rng)
        value.native = self.native
        return value

    def _fresh(self, rng):
        text, template = self.template_text, self.template
        start = text.index(template)
        before, after = text[:start], text[start + len(template):]
        special = keys.special(self.id, rng)
        if special is not None:
            if not (self.captures(before + special.secret + after, special.secret) and self.acceptable(special.secret)):
                raise SystemExit(f"rule {self.id}: keys.py made a value its pattern does not capture")
            return special
        # A validated structure (a JWT's JSON) does not survive a re-draw.
        attempts = 0 if self.raw.get("validate") else 50
        if attempts and self.alphabets is None:
            self.alphabets = self._probe()
        for attempt in range(attempts):
            chars = [rng.choice(a) if a else c for a, c in zip(self.alphabets, template)]
            if attempt < 40:
                windows = [i for i in range(len(chars) - 3)
                           if all(self.alphabets[i + k] and "FAKE"[k] in self.alphabets[i + k] for k in range(4))]
                if windows:
                    i = windows[len(windows) // 2 + rng.randrange(-min(3, len(windows) // 2), 1)]
                    chars[i:i + 4] = "FAKE"
            value = "".join(chars)
            if value != template and self.captures(before + value + after, value) and self.acceptable(value):
                return self._written(value)
        # A structure no re-draw keeps (a checksum, JWT claims, base64 of JSON, runs
        # that the stricter check above calls a placeholder) and no generator in keys.py
        # yet: the example's own value, which keyscan's rule tests find, is planted.
        if self.captures(before + template + after, template):
            return self._written(template)
        raise SystemExit(f"rule {self.id}: cannot make a value that its pattern captures")


def rulebook():
    """{rule id: Rule} of every built-in rule."""
    raws = load()
    return {raw["id"]: Rule(raw) for raw in raws}
