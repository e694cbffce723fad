"""The places a credential is written: one function per context, named by CONTEXTS.

A context gets `groups`, each a list of Entry (one credential, or an identifier and
its secret, or a decoy) and writes one file (or an archive, or an encoded file) in
that format, with ordinary configuration around them. Values are written through
Doc.mark(), which leaves a marker that Doc.finish() replaces by the value, escaped as
the format needs, and records where the secret (and each half of a pair) ended up:
1-based line and column in characters, and the length of its first line.

Each context declares what it accepts (see Context): whether it can hold a value that
spans lines (PEM keys, a service-account JSON), whether it has a name next to the value
(rules anchored on the variable name need one; a pair needs two), and, for some, only
certain rules.
"""
import base64
import gzip
import io
import json
import re
import tarfile
import urllib.parse
import zipfile

import keys

MARKER = re.compile(r"@@V(\d+)@@")


class Entry:
    """A name and a value to write; `label` is the Label it belongs to (None for
    ordinary configuration), `half` is "secret", "identifier" or "decoy"."""

    def __init__(self, name, value, label=None, half=None):
        self.name, self.value, self.label, self.half = name, value, label, half


def same(text):
    return text


def json_escape(text):
    return json.dumps(text)[1:-1]


class Doc:
    """Text with markers for values; finish() puts the values in and says where."""

    def __init__(self):
        self.slots = []

    def mark(self, entry, escape=same):
        self.slots.append((entry, escape))
        return f"@@V{len(self.slots) - 1}@@"

    def finish(self, text):
        """(final text, spots): spots are (entry, rule id of an extra secret or None,
        line, column, length)."""
        out, offsets, last = [], [], 0
        size = 0
        for match in MARKER.finditer(text):
            piece = text[last:match.start()]
            out.append(piece)
            size += len(piece)
            entry, escape = self.slots[int(match.group(1))]
            value = entry.value
            rendered = escape(value.text)
            if entry.label is not None:
                start = size + len(escape(value.text[:value.offset]))
                first = escape(value.secret).split("\n")[0]
                offsets.append((start, entry, None, len(first)))
                for rule_id, sub in value.extras:
                    sub = escape(sub)
                    offsets.append((size + rendered.index(sub), entry, rule_id, len(sub.split("\n")[0])))
            out.append(rendered)
            size += len(rendered)
            last = match.end()
        out.append(text[last:])
        final = "".join(out)
        spots = []
        for start, entry, extra, length in offsets:
            line = final.count("\n", 0, start) + 1
            column = start - (final.rfind("\n", 0, start) + 1) + 1
            spots.append((entry, extra, line, column, length))
        return final, spots


# ---------------------------------------------------------------- names and filler

def words(name):
    return [w for w in re.split(r"[_\-.]+", name) if w]


def styled(name, style):
    """An UPPER_SNAKE variable name in the convention of a format."""
    parts = [w.lower() for w in words(name)]
    if style == "env":
        return name
    if style == "snake":
        return "_".join(parts)
    if style == "dotted":
        return ".".join(parts)
    if style == "kebab":
        return "-".join(parts)
    if style == "camel":
        return parts[0] + "".join(p.title() for p in parts[1:])
    if style == "pascal":
        return "".join(p.title() for p in parts)
    raise ValueError(style)


FILLER = [
    ("LOG_LEVEL", "info"), ("PORT", "8080"), ("AWS_REGION", "eu-west-1"), ("FEATURE_FLAGS", "search,checkout"),
    ("TIMEOUT_SECONDS", "30"), ("SERVICE_NAME", "billing-api"), ("CACHE_TTL", "300"), ("NODE_ENV", "production"),
    ("DB_HOST", "db.internal.fakecorp.test"), ("MAX_CONNECTIONS", "50"), ("ENABLE_TRACING", "true"),
    ("S3_BUCKET", "fake-artifacts-eu"), ("API_BASE_URL", "https://api.fakecorp.test/v2"), ("WORKERS", "4"),
    ("SMTP_HOST", "smtp.fakecorp.test"), ("RETRY_LIMIT", "5"), ("DEFAULT_LOCALE", "en_GB"),
    ("METRICS_PREFIX", "shop.orders"), ("QUEUE_NAME", "orders-events"), ("HEALTHCHECK_PATH", "/healthz"),
]


def filler(rng, low=2, high=6):
    """Ordinary configuration entries: names and harmless values."""
    picked = rng.sample(FILLER, rng.randint(low, high))
    return [Entry(name, keys.Value(value)) for name, value in picked]


def interleave(rng, groups):
    """Groups of entries with filler entries before, between and after them; the
    entries of one group stay together (a pair is written as people write it)."""
    items = filler(rng, 1, 3)
    for group in groups:
        items.extend(group)
        items.extend(filler(rng, 0, 2))
    return items


# ---------------------------------------------------------------- the contexts
# Each returns [(path, content, spots, member)], content str (UTF-8) or bytes.

def c_dotenv(rng, groups, paths):
    doc = Doc()
    lines = [f"# {rng.choice(['local settings', 'production', 'staging overrides', 'copied from the wiki'])}"]
    for e in interleave(rng, groups):
        style = rng.random()
        if e.value.multiline:
            lines.append(f'{e.name}="{doc.mark(e)}"')
        elif style < 0.4:
            lines.append(f"{e.name}={doc.mark(e)}")
        elif style < 0.6:
            lines.append(f"export {e.name}={doc.mark(e)}")
        elif style < 0.85:
            lines.append(f'{e.name}="{doc.mark(e)}"')
        else:
            lines.append(f"{e.name}='{doc.mark(e)}'")
    path = paths.new(["services/{svc}/.env", "services/{svc}/.env.production", "deploy/{svc}.env",
                      "services/{svc}/.env.local"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_shell_default(rng, groups, paths):
    doc = Doc()
    lines = ["#!/usr/bin/env bash", "# Deploys the service; every setting can be overridden from the environment.",
             "set -euo pipefail", ""]
    for e in interleave(rng, groups):
        if rng.random() < 0.5:
            lines.append(f'export {e.name}="${{{e.name}:-{doc.mark(e)}}}"')
        else:
            lines.append(f': "${{{e.name}:={doc.mark(e)}}}"')
    lines += ["", 'exec ./bin/server --port "${PORT:-8080}"']
    path = paths.new(["scripts/deploy-{svc}.sh", "services/{svc}/run.sh", "ops/{svc}/start.sh"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_properties(rng, groups, paths, continuation=False):
    doc = Doc()
    lines = ["# Spring Boot settings", f"spring.application.name={paths.svc}", "server.port=8080"]
    for e in interleave(rng, groups):
        key = styled(e.name, "dotted")
        sep = rng.choice(["=", " = ", ": ", ":"])
        if continuation and e.label is not None:
            lines.append(f"{key}{sep}\\")
            lines.append(f"    {doc.mark(e)}")
        else:
            lines.append(f"{key}{sep}{doc.mark(e)}")
    path = paths.new(["services/{svc}/src/main/resources/application.properties",
                      "services/{svc}/src/main/resources/application-prod.properties",
                      "services/{svc}/config/{svc}.properties"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_properties_continuation(rng, groups, paths):
    return c_properties(rng, groups, paths, continuation=True)


def c_ini(rng, groups, paths):
    doc = Doc()
    lines = ["[server]", "host = 0.0.0.0", "port = 8080", "", f"[{paths.svc}]"]
    for e in interleave(rng, groups):
        lines.append(f"{styled(e.name, 'snake')} = {doc.mark(e)}")
    path = paths.new(["services/{svc}/config.ini", "services/{svc}/settings.ini", "etc/{svc}.ini"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_aws_credentials(rng, groups, paths):
    doc = Doc()
    lines = ["[default]", "region = eu-west-1", ""]
    for group in groups:
        kakao = any(e.label and e.label.rule.startswith("kakaocloud") for e in group)
        profile = "kakaocloud" if kakao else rng.choice(["ci", "deploy", "backup"])
        lines.append(f"[{profile}]")
        if kakao:
            lines.append("region = kr-central-2")
        for e in group:
            if e.half == "identifier" or (e.label and e.label.rule == "aws-access-key-id"):
                lines.append(f"aws_access_key_id = {doc.mark(e)}")
            elif e.half == "secret":
                lines.append(f"aws_secret_access_key = {doc.mark(e)}")
            else:
                lines.append(f"aws_session_token = {doc.mark(e)}")
        lines.append("")
    path = paths.new(["home/{user}/.aws/credentials", "ops/{svc}/aws/credentials"])
    return [(path, *doc.finish("\n".join(lines)), None)]


def endpoint(group):
    if any(e.label and e.label.rule.startswith("kakaocloud") for e in group):
        return "https://objectstorage.kr-central-2.kakaocloud.com"
    return "https://s3.eu-west-1.amazonaws.com"


def c_rclone(rng, groups, paths):
    doc = Doc()
    lines = []
    for n, group in enumerate(groups):
        lines += [f"[{paths.svc}-remote{n}]", "type = s3", "provider = " + ("Other" if "kakao" in endpoint(group) else "AWS")]
        end_first = rng.random() < 0.5
        if end_first:
            lines.append(f"endpoint = {endpoint(group)}")
        for e in group:
            key = "access_key_id" if e.half == "identifier" or e.label.rule == "aws-access-key-id" else "secret_access_key"
            lines.append(f"{key} = {doc.mark(e)}")
        if not end_first:
            lines.append(f"endpoint = {endpoint(group)}")
        lines += ["acl = private", ""]
    path = paths.new(["home/{user}/.config/rclone/rclone.conf", "ops/{svc}/rclone.conf"])
    return [(path, *doc.finish("\n".join(lines)), None)]


def c_s3cfg(rng, groups, paths):
    doc = Doc()
    lines = ["[default]"]
    for group in groups:
        for e in group:
            key = "access_key" if e.half == "identifier" or e.label.rule == "aws-access-key-id" else "secret_key"
            lines.append(f"{key} = {doc.mark(e)}")
        host = endpoint(group).split("//")[1]
        lines += [f"host_base = {host}", f"host_bucket = %(bucket)s.{host}", "use_https = True"]
    path = paths.new(["home/{user}/.s3cfg", "ops/{svc}/.s3cfg"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def block(doc, e, indent):
    """A YAML value: plain, or a literal block scalar for several lines."""
    if e.value.multiline:
        return "|\n" + indent + doc.mark(e, lambda t: t.replace("\n", "\n" + indent))
    return doc.mark(e) if e.half != "decoy" or " " not in e.value.text else '"' + doc.mark(e) + '"'


def c_yaml(rng, groups, paths):
    doc = Doc()
    lines = ["# application settings", "server:", "  port: 8080", f"{paths.svc.replace('-', '_')}:"]
    for e in interleave(rng, groups):
        quote = '"' if rng.random() < 0.3 and not e.value.multiline else ""
        value = block(doc, e, "    ")
        lines.append(f"  {styled(e.name, 'snake')}: {quote}{value}{quote}")
    lines += ["logging:", "  level: info"]
    path = paths.new(["services/{svc}/config.yaml", "services/{svc}/config/production.yml",
                      "charts/{svc}/values.yaml"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def k8s_head(svc):
    return ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {svc}", "spec:", "  replicas: 2",
            "  template:", "    spec:", "      containers:", f"        - name: {svc}",
            f"          image: registry.fakecorp.test/{svc}:1.4.2", "          env:"]


def c_k8s_env(rng, groups, paths, reverse=False):
    doc = Doc()
    lines = k8s_head(paths.svc)
    for e in interleave(rng, groups):
        value = doc.mark(e) if e.value.multiline else '"' + doc.mark(e) + '"'
        if e.value.multiline:
            value = block(doc, e, "                ")
        if reverse:
            lines += [f"            - value: {value}", f"              name: {e.name}"]
        else:
            lines += [f"            - name: {e.name}", f"              value: {value}"]
    lines += ["          ports:", "            - containerPort: 8080"]
    path = paths.new(["k8s/{svc}/deployment.yaml", "deploy/k8s/{svc}.yaml"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_k8s_env_reversed(rng, groups, paths):
    return c_k8s_env(rng, groups, paths, reverse=True)


def c_compose(rng, groups, paths, as_map):
    doc = Doc()
    lines = ["services:", f"  {paths.svc}:", f"    image: fakecorp/{paths.svc}:latest", "    ports:",
             '      - "8080:8080"', "    environment:"]
    for e in interleave(rng, groups):
        if as_map:
            lines.append(f"      {e.name}: {doc.mark(e)}")
        else:
            lines.append(f"      - {e.name}={doc.mark(e)}")
    lines += ["    depends_on:", "      - db", "  db:", "    image: postgres:16"]
    path = paths.new(["services/{svc}/docker-compose.yml", "compose/{svc}.yaml", "services/{svc}/compose.yaml"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_compose_list(rng, groups, paths):
    return c_compose(rng, groups, paths, False)


def c_compose_map(rng, groups, paths):
    return c_compose(rng, groups, paths, True)


def c_gha_env(rng, groups, paths):
    doc = Doc()
    lines = [f"name: deploy {paths.svc}", "on:", "  push:", "    branches: [main]", "jobs:", "  deploy:",
             "    runs-on: ubuntu-latest", "    env:"]
    for e in interleave(rng, groups):
        lines.append(f"      {e.name}: {doc.mark(e)}")
    lines += ["    steps:", "      - uses: actions/checkout@v4", "      - run: make deploy"]
    path = paths.new([".github/workflows/deploy-{svc}.yml", ".github/workflows/{svc}-release.yaml"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def keyed(items, style):
    """{name in `style`: entry}, a second entry of the same name numbered (a JSON
    object cannot hold one name twice)."""
    out = {}
    for e in items:
        key = styled(e.name, style)
        n = 2
        while key in out:
            key, n = f"{styled(e.name, style)}{n}", n + 1
        out[key] = e
    return out


def json_doc(obj, doc):
    """JSON text of `obj`, in which Entry objects become markers (JSON-escaped values)."""
    def walk(node):
        if isinstance(node, Entry):
            return doc.mark(node, json_escape)
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node
    return json.dumps(walk(obj), indent=2) + "\n"


def c_json(rng, groups, paths):
    doc = Doc()
    section = keyed(interleave(rng, groups), "camel")
    obj = {"name": paths.svc, "version": "1.4.2", "settings": section, "logging": {"level": "info"}}
    path = paths.new(["services/{svc}/config.json", "services/{svc}/config/production.json"])
    return [(path, *doc.finish(json_doc(obj, doc)), None)]


def c_json_name_value(rng, groups, paths):
    doc = Doc()
    env = []
    for e in interleave(rng, groups):
        env.append({"name": e.name, "value": e})
    obj = {"family": paths.svc, "containerDefinitions": [
        {"name": paths.svc, "image": f"fakecorp/{paths.svc}:1.4.2", "essential": True, "environment": env}]}
    path = paths.new(["deploy/ecs/{svc}-task.json", "services/{svc}/taskdef.json"])
    return [(path, *doc.finish(json_doc(obj, doc)), None)]


def c_appsettings(rng, groups, paths):
    doc = Doc()
    secrets = keyed(interleave(rng, groups), "pascal")
    obj = {"Logging": {"LogLevel": {"Default": "Information"}}, "AllowedHosts": "*", "Secrets": secrets}
    path = paths.new(["src/{Svc}/appsettings.Production.json", "src/{Svc}/appsettings.json"])
    return [(path, *doc.finish(json_doc(obj, doc)), None)]


def c_tfjson(rng, groups, paths):
    doc = Doc()
    items = keyed(interleave(rng, groups), "snake")
    variables = {name: {"type": "string", "default": e} for name, e in items.items()}
    obj = {"variable": variables, "terraform": {"required_version": ">= 1.5"}}
    path = paths.new(["infra/{svc}/variables.tf.json", "terraform/{svc}.tf.json"])
    return [(path, *doc.finish(json_doc(obj, doc)), None)]


def split_lines(text):
    """A multi-line value in a notebook cell: JSON-escaped, one JSON string per line."""
    return json_escape(text).replace("\\n", '\\n",\n    "')


def c_ipynb(rng, groups, paths):
    doc = Doc()
    source = ["import os\n", "import requests\n", "\n"]
    for e in interleave(rng, groups):
        if e.value.multiline:
            source.append(f'{e.name} = """' + doc.mark(e, split_lines) + '"""\n')
        elif rng.random() < 0.5:
            source.append(f'{e.name} = "{doc.mark(e, json_escape)}"\n')
        else:
            source.append(f'os.environ["{e.name}"] = "{doc.mark(e, json_escape)}"\n')
    source.append("resp = requests.get(API_BASE, timeout=30)\n")
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Exploring the orders API\n"]},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": "@@SOURCE@@"}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(nb, indent=1)
    # Markers survive JSON escaping; a multi-line value is split into one JSON string
    # per line, as Jupyter stores a cell's source.
    lines = ",\n    ".join('"' + json_escape(s) + '"' for s in source)
    text = text.replace('"@@SOURCE@@"', "[\n    " + lines + "\n   ]")
    path = paths.new(["notebooks/{svc}-exploration.ipynb", "analysis/{svc}.ipynb"])
    return [(path, *doc.finish(text + "\n"), None)]


def c_hcl(rng, groups, paths):
    doc = Doc()
    lines = ["terraform {", '  required_version = ">= 1.5"', "}", ""]
    items = interleave(rng, groups)
    as_variables = rng.random() < 0.35
    if as_variables:
        for e in items:
            lines += [f'variable "{styled(e.name, "snake")}" {{', "  type    = string"]
            lines.append(heredoc(doc, e, "  default = "))
            lines += ["}", ""]
    else:
        lines.append("locals {")
        for e in items:
            lines.append(heredoc(doc, e, f"  {styled(e.name, 'snake')} = "))
        lines.append("}")
    path = paths.new(["infra/{svc}/main.tf", "terraform/{svc}/locals.tf", "infra/{svc}/variables.tf"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def heredoc(doc, e, lead):
    if e.value.multiline:
        return f"{lead}<<EOT\n{doc.mark(e)}\nEOT"
    return f'{lead}"{doc.mark(e)}"'


def c_toml(rng, groups, paths):
    doc = Doc()
    lines = ["[server]", 'host = "0.0.0.0"', "port = 8080", "", f"[{paths.svc}]"]
    for e in interleave(rng, groups):
        if e.value.multiline:
            lines.append(f"{styled(e.name, 'snake')} = '''\n{doc.mark(e)}'''")
        else:
            lines.append(f'{styled(e.name, "snake")} = "{doc.mark(e)}"')
    path = paths.new(["services/{svc}/config.toml", "services/{svc}/settings.toml"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_xml_appsettings(rng, groups, paths):
    doc = Doc()
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<configuration>", "  <appSettings>"]
    for e in interleave(rng, groups):
        lines.append(f'    <add key="{styled(e.name, "pascal")}" value="{doc.mark(e)}" />')
    lines += ["  </appSettings>", "</configuration>"]
    path = paths.new(["src/{Svc}/Web.config", "src/{Svc}/App.config"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_maven_settings(rng, groups, paths):
    doc = Doc()
    lines = ['<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">', "  <servers>"]
    for group in groups:
        for e in group:
            lines += ["    <server>", f"      <id>{paths.svc}-{styled(e.name, 'kebab')}</id>",
                      "      <username>ci-bot</username>", f"      <password>{doc.mark(e)}</password>", "    </server>"]
    lines += ["  </servers>", "</settings>"]
    path = paths.new(["home/{user}/.m2/settings.xml", "ci/{svc}/settings.xml"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_php(rng, groups, paths):
    doc = Doc()
    lines = ["<?php", "", "return [", f"    '{paths.svc}' => ["]
    for e in interleave(rng, groups):
        lines.append(f"        '{styled(e.name, 'snake')}' => '{doc.mark(e)}',")
    lines += ["    ],", "];"]
    path = paths.new(["config/{svc}.php", "app/config/{svc}.php"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_python(rng, groups, paths):
    doc = Doc()
    lines = ['"""Settings for the service."""', "import os", ""]
    for e in interleave(rng, groups):
        if e.value.multiline:
            lines.append(f'{e.name} = """{doc.mark(e)}"""')
        elif rng.random() < 0.6:
            lines.append(f'{e.name} = "{doc.mark(e)}"')
        else:
            lines.append(f'{e.name} = os.environ.get("{e.name}", "{doc.mark(e)}")')
    path = paths.new(["services/{svc}/settings.py", "services/{svc}/app/config.py"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_python_dict(rng, groups, paths):
    doc = Doc()
    lines = ["CONFIG = {"]
    for e in interleave(rng, groups):
        quote = '"""' if e.value.multiline else '"'
        lines.append(f'    "{styled(e.name, "snake")}": {quote}{doc.mark(e)}{quote},')
    lines += ["}", "", "", "def get(name):", "    return CONFIG[name]"]
    path = paths.new(["services/{svc}/app/defaults.py", "services/{svc}/conf.py"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_ruby(rng, groups, paths):
    doc = Doc()
    lines = ["# frozen_string_literal: true", ""]
    for e in interleave(rng, groups):
        if rng.random() < 0.5:
            lines.append(f"{e.name} = '{doc.mark(e)}'")
        else:
            lines.append(f'ENV["{e.name}"] ||= "{doc.mark(e)}"')
    path = paths.new(["config/initializers/{svc}.rb", "services/{svc}/config/env.rb"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_ruby_hash(rng, groups, paths):
    doc = Doc()
    lines = [f"{paths.svc.replace('-', '_').upper()}_SETTINGS = {{"]
    for e in interleave(rng, groups):
        lines.append(f"  {styled(e.name, 'snake')}: '{doc.mark(e)}',")
    lines += ["}.freeze"]
    path = paths.new(["config/{svc}_settings.rb", "lib/{svc}/settings.rb"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_js(rng, groups, paths):
    doc = Doc()
    lines = ["'use strict';", ""]
    for e in interleave(rng, groups):
        if e.value.multiline:
            lines.append(f"const {styled(e.name, 'camel')} = `{doc.mark(e)}`;")
        else:
            q = rng.choice(['"', "'"])
            lines.append(f"const {styled(e.name, 'camel')} = {q}{doc.mark(e)}{q};")
    text = "\n".join(lines) + "\n\nmodule.exports = { };\n"
    path = paths.new(["services/{svc}/src/config.js", "web/{svc}/src/settings.js"])
    return [(path, *doc.finish(text), None)]


def c_js_object(rng, groups, paths):
    doc = Doc()
    lines = ["export const config = {"]
    for e in interleave(rng, groups):
        quote = "`" if e.value.multiline else '"'
        lines.append(f"  {styled(e.name, 'camel')}: {quote}{doc.mark(e)}{quote},")
    lines += ["};", ""]
    path = paths.new(["web/{svc}/src/config.ts", "services/{svc}/src/config.mjs"])
    return [(path, *doc.finish("\n".join(lines)), None)]


def c_go(rng, groups, paths):
    doc = Doc()
    lines = [f"package {paths.svc.replace('-', '')}", "", "const ("]
    for e in interleave(rng, groups):
        quote = "`" if e.value.multiline else '"'
        lines.append(f"\t{styled(e.name, 'camel')} = {quote}{doc.mark(e)}{quote}")
    lines += [")"]
    path = paths.new(["services/{svc}/internal/config/config.go", "cmd/{svc}/settings.go"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_go_map(rng, groups, paths):
    doc = Doc()
    lines = [f"package {paths.svc.replace('-', '')}", "", "var defaults = map[string]string{"]
    for e in interleave(rng, groups):
        quote = "`" if e.value.multiline else '"'
        lines.append(f'\t"{e.name}": {quote}{doc.mark(e)}{quote},')
    lines += ["}"]
    path = paths.new(["services/{svc}/internal/config/defaults.go", "cmd/{svc}/env.go"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_java(rng, groups, paths):
    doc = Doc()
    cls = paths.svc_pascal + "Config"
    lines = [f"package com.fakecorp.{paths.svc.replace('-', '')};", "", f"public final class {cls} {{"]
    for e in interleave(rng, groups):
        lines.append(f'    public static final String {e.name} = "{doc.mark(e, java_escape)}";')
    lines += [f"    private {cls}() {{}}", "}"]
    path = paths.new(["services/{svc}/src/main/java/com/fakecorp/{Svc}Config.java"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def java_escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", '\\n"\n        + "')


def c_java_map(rng, groups, paths):
    doc = Doc()
    lines = ["import java.util.Map;", "", f"class {paths.svc_pascal}Defaults {{",
             "    static final Map<String, String> DEFAULTS = Map.of("]
    items = interleave(rng, groups)
    for n, e in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        lines.append(f'        "{styled(e.name, "camel")}", "{doc.mark(e, java_escape)}"{comma}')
    lines += ["    );", "}"]
    path = paths.new(["services/{svc}/src/main/java/com/fakecorp/{Svc}Defaults.java"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_csharp(rng, groups, paths):
    doc = Doc()
    lines = [f"namespace FakeCorp.{paths.svc_pascal};", "", "public static class Settings", "{"]
    for e in interleave(rng, groups):
        if e.value.multiline:
            lines.append(f'    public const string {styled(e.name, "pascal")} = @"{doc.mark(e)}";')
        else:
            lines.append(f'    public const string {styled(e.name, "pascal")} = "{doc.mark(e)}";')
    lines += ["}"]
    path = paths.new(["src/{Svc}/Settings.cs", "src/{Svc}/Config/Secrets.cs"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_csharp_dict(rng, groups, paths):
    doc = Doc()
    lines = ["var defaults = new Dictionary<string, string>", "{"]
    for e in interleave(rng, groups):
        at = "@" if e.value.multiline else ""
        lines.append(f'    {{ "{styled(e.name, "pascal")}", {at}"{doc.mark(e)}" }},')
    lines += ["};"]
    path = paths.new(["src/{Svc}/Defaults.cs", "src/{Svc}/Config/Defaults.cs"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_url(rng, groups, paths):
    """Credentials inside URLs: database URLs with percent-encoded passwords, and
    tokens as the password of an https URL (git remotes, package indexes)."""
    doc = Doc()
    lines = [f"# connection settings for {paths.svc}"]
    for group in groups:
        for e in group:
            if e.label is not None and e.label.rule.startswith("database-url-"):
                url = once(e, lambda: keys.db_url(rng, e.label.rule, encoded=True))
                lines.append(f"{e.name}={doc.mark(url)}")
            else:
                def wrap(v=e.value):
                    host = rng.choice(["github.com/fakecorp/infra.git", "gitlab.com/fakecorp/deploy.git",
                                       "pypi.fakecorp.test/simple/", "registry.fakecorp.test/v2/"])
                    user = rng.choice(["x-access-token", "ci-bot", "oauth2", "__token__"])
                    prefix = f"https://{user}:"
                    return keys.Value(prefix + v.text + "@" + host, v.secret, len(prefix) + v.offset, v.extras)
                lines.append(f"{e.name}_URL={doc.mark(once(e, wrap))}")
    path = paths.new(["services/{svc}/.env.urls", "deploy/{svc}/remotes.env"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def once(e, make):
    """An entry written as another value (a URL around it, a connection string): made
    once, so that every version of a file holds the same secret."""
    if not hasattr(e, "written"):
        e.written = Entry(e.name, make(), e.label, e.half)
    return e.written


def db_password_value(rng, rule_id):
    raw, encoded = keys.db_password(rng, rng.random() < 0.5)
    return encoded


def jdbc_value(rng, e, prefix, suffix="&ssl=true"):
    password = db_password_value(rng, e.label.rule)
    return keys.Value(prefix + password + suffix, password, len(prefix))


def c_jdbc(rng, groups, paths):
    doc = Doc()
    lines = ["spring.datasource.driver-class-name=org.postgresql.Driver"]
    for group in groups:
        for e in group:
            if e.label.rule == "jdbc-url-password":
                prefix = "jdbc:sqlserver://db.prod.fakecorp.internal:1433;databaseName=orders;user=app;password="
                w = once(e, lambda: jdbc_value(rng, e, prefix, ";encrypt=true"))
            else:
                scheme = "postgresql" if e.label.rule == "database-url-postgres" else "mysql"
                prefix = f"jdbc:{scheme}://db.prod.fakecorp.internal:5432/orders?user=app&password="
                w = once(e, lambda: jdbc_value(rng, e, prefix))
            lines.append(f"spring.datasource.url={doc.mark(w)}")
    lines.append("spring.jpa.hibernate.ddl-auto=validate")
    path = paths.new(["services/{svc}/src/main/resources/application-db.properties"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_adonet(rng, groups, paths):
    doc = Doc()
    strings = {}
    for n, group in enumerate(groups):
        for e in group:
            if e.label.rule == "ado-net-connection-string-password":
                prefix = "Data Source=sql.prod.fakecorp.internal;Initial Catalog=shop;User ID=app;Password="
            elif e.label.rule == "database-url-postgres":
                prefix = "Host=db.prod.fakecorp.internal;Port=5432;Database=orders;Username=app;Password="
            else:
                prefix = "Server=mysql.prod.fakecorp.internal;Database=shop;User Id=app;Password="
            strings["Default" if n == 0 else f"Replica{n}"] = once(e, lambda: jdbc_value(rng, e, prefix, ";Pooling=true"))
    obj = {"ConnectionStrings": strings, "Logging": {"LogLevel": {"Default": "Warning"}}}
    path = paths.new(["src/{Svc}/appsettings.Database.json", "src/{Svc}/appsettings.Staging.json"])
    return [(path, *doc.finish(json_doc(obj, doc)), None)]


def c_utf16(rng, groups, paths):
    """A PowerShell profile saved by Windows tools as UTF-16LE with a byte-order mark."""
    doc = Doc()
    lines = ["# set by setup.ps1"]
    for e in interleave(rng, groups):
        lines.append(f'$env:{e.name} = "{doc.mark(e)}"')
    text, spots = doc.finish("\r\n".join(lines) + "\r\n")
    path = paths.new(["tools/{svc}/env.ps1", "scripts/{svc}-profile.ps1"])
    return [(path, b"\xff\xfe" + text.encode("utf-16-le"), spots, None)]


def env_text(rng, groups):
    """A .env file's text and spots, for the encoded and archived contexts."""
    doc = Doc()
    lines = []
    for e in interleave(rng, groups):
        if e.value.multiline:
            lines.append(f'{e.name}="{doc.mark(e)}"')
        else:
            lines.append(f"{e.name}={doc.mark(e)}")
    return doc.finish("\n".join(lines) + "\n")


def c_k8s_secret_base64(rng, groups, paths):
    """A Kubernetes Secret whose data holds a whole .env file, base64-encoded: every
    secret inside is located at the encoded value."""
    inner, inner_spots = env_text(rng, groups)
    encoded = base64.b64encode(inner.encode()).decode()
    lines = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {paths.svc}-env", "type: Opaque", "data:",
             f"  .env: {encoded}"]
    line = len(lines)
    spots = [(e, extra, line, len("  .env: ") + 1, len(encoded)) for e, extra, *_ in inner_spots]
    path = paths.new(["k8s/{svc}/secret.yaml", "deploy/k8s/{svc}-secret.yaml"])
    return [(path, "\n".join(lines) + "\n", spots, None)]


def c_k8s_secret_stringdata(rng, groups, paths):
    doc = Doc()
    lines = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {paths.svc}-credentials", "type: Opaque",
             "stringData:"]
    for e in interleave(rng, groups):
        lines.append(f"  {e.name}: {block(doc, e, '    ')}")
    path = paths.new(["k8s/{svc}/credentials.yaml", "deploy/k8s/{svc}-credentials.yaml"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_docker_config(rng, groups, paths):
    """~/.docker/config.json: the registry token is inside base64("user:token")."""
    auths = {}
    spots = []
    registries = ["https://index.docker.io/v1/", "ghcr.io", "registry.gitlab.com", "registry.fakecorp.test"]
    entries = [e for group in groups for e in group]
    for n, e in enumerate(entries):
        auths[registries[n % len(registries)]] = {"auth": base64.b64encode(f"ci-bot:{e.value.text}".encode()).decode()}
    text = json.dumps({"auths": auths, "credsStore": ""}, indent=2) + "\n"
    for n, e in enumerate(entries):
        token = auths[registries[n % len(registries)]]["auth"]
        start = text.index(token)
        line = text.count("\n", 0, start) + 1
        spots.append((e, None, line, start - text.rfind("\n", 0, start), len(token)))
    path = paths.new(["home/{user}/.docker/config.json", "ci/{svc}/docker-config.json"])
    return [(path, text, spots, None)]


def c_dockerconfigjson(rng, groups, paths):
    """A kubernetes.io/dockerconfigjson Secret as kubectl writes it: compact JSON,
    base64-encoded, whose `auth` is base64 of "user:token" in turn."""
    entries = [e for group in groups for e in group]
    registries = ["ghcr.io", "registry.gitlab.com", "https://index.docker.io/v1/"]
    auths = {}
    for n, e in enumerate(entries):
        auth = base64.b64encode(f"ci-bot:{e.value.text}".encode()).decode()
        auths[registries[n % len(registries)] if n < len(registries) else f"registry{n}.fakecorp.test"] = {
            "username": "ci-bot", "auth": auth}
    config = json.dumps({"auths": auths}, separators=(",", ":"))
    encoded = base64.b64encode(config.encode()).decode()
    lines = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {paths.svc}-pull",
             "type: kubernetes.io/dockerconfigjson", "data:", f"  .dockerconfigjson: {encoded}"]
    spots = [(e, None, len(lines), len("  .dockerconfigjson: ") + 1, len(encoded)) for e in entries]
    path = paths.new(["k8s/{svc}/pull-secret.yaml", "deploy/k8s/{svc}-registry.yaml"])
    return [(path, "\n".join(lines) + "\n", spots, None)]


def c_base64_file(rng, groups, paths):
    """Whole key files base64-encoded into one value: a kubeconfig's client-key-data,
    CI variables holding a service-account file or a key."""
    entries = [e for group in groups for e in group]
    kubeconfig = rng.random() < 0.5 and all(e.value.text.startswith("-----BEGIN") for e in entries)
    lines = (["apiVersion: v1", "kind: Config", "users:"] if kubeconfig else ["deploy:", "  variables:"])
    spots = []
    for n, e in enumerate(entries):
        inner = Doc()
        text, inner_spots = inner.finish(inner.mark(e))
        encoded = base64.b64encode(text.encode()).decode()
        if kubeconfig:
            lines += [f"- name: admin-{n}", "  user:", "    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
                      f"    client-key-data: {encoded}"]
            column = len("    client-key-data: ") + 1
        else:
            lines.append(f'    {e.name}_B64: "{encoded}"')
            column = len(f'    {e.name}_B64: "') + 1
        spots += [(entry, extra, len(lines), column, len(encoded)) for entry, extra, *_ in inner_spots]
    if not kubeconfig:
        lines += ["  script:", '    - ./deploy.sh']
    path = paths.new(["home/{user}/.kube/config-{svc}", ".gitlab/ci/{svc}-deploy.yml"] if kubeconfig
                     else [".gitlab/ci/{svc}-deploy.yml", "ci/{svc}/variables.yml"])
    return [(path, "\n".join(lines) + "\n", spots, None)]


def percent_encoded(text):
    return urllib.parse.quote(text, safe="")


def c_percent(rng, groups, paths):
    """Values percent-encoded in query strings and form bodies: `/`, `+`, `=`, `:` and
    `@` become escapes (a database URL passed as a parameter is encoded whole)."""
    doc = Doc()
    lines = ["#!/bin/sh", "set -eu"]
    for e in interleave(rng, groups):
        value = doc.mark(e, percent_encoded)
        if rng.random() < 0.5:
            lines.append(f'curl -fsS "https://api.fakecorp.test/v1/{paths.svc}/connect?{e.name.lower()}={value}&mode=sync"')
        else:
            lines.append(f'curl -fsS -X POST https://auth.fakecorp.test/token --data "grant_type=client_credentials&{e.name}={value}"')
    path = paths.new(["scripts/{svc}-connect.sh", "tools/{svc}/token.sh"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


def c_native(rng, groups, paths):
    """Values whose rule knows them only in one syntax (a .netrc line, wp-config.php's
    define(), a connection string, a header), each written as its rule's own example
    writes it, one after another."""
    doc = Doc()
    parts = []
    for e in (e for group in groups for e in group):
        before, after = e.value.native
        parts.append(before + doc.mark(e) + after)
    path = paths.new(["config/{svc}/settings.conf", "deploy/{svc}/credentials.txt", "ops/{svc}/notes.md"])
    return [(path, *doc.finish("\n\n".join(parts) + "\n"), None)]


ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def c_zip(rng, groups, paths):
    inner, spots = env_text(rng, groups)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(".env", ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, inner)
        archive.writestr(zipfile.ZipInfo("README.txt", ZIP_DATE), "Configuration bundle for the deploy job.\n")
    path = paths.new(["dist/{svc}-config.zip", "backups/{svc}-env.zip"])
    return [(path, buffer.getvalue(), spots, ".env")]


def c_tar_gz(rng, groups, paths):
    inner, spots = env_text(rng, groups)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        data = inner.encode()
        info = tarfile.TarInfo("config/.env")
        info.size, info.mtime, info.mode, info.uname, info.gname = len(data), 1704067200, 0o600, "ci", "ci"
        archive.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    path = paths.new(["backups/{svc}-config.tar.gz", "dist/{svc}-env.tar.gz"])
    return [(path, out.getvalue(), spots, "config/.env")]


def c_pem_json(rng, groups, paths):
    doc = Doc()
    obj = {"name": f"{paths.svc}-signer", "algorithm": "RS256"}
    for n, e in enumerate(e for group in groups for e in group):
        obj["private_key" if n == 0 else f"private_key_{n}"] = e
    path = paths.new(["secrets/{svc}-signing-key.json", "services/{svc}/keys.json"])
    return [(path, *doc.finish(json_doc(obj, doc)), None)]


def c_pem_file(rng, groups, paths):
    doc = Doc()
    parts = [doc.mark(e) for group in groups for e in group]
    path = paths.new(["deploy/keys/{svc}.pem", "home/{user}/.ssh/id_{svc}", "services/{svc}/certs/server.key"])
    return [(path, *doc.finish("\n".join(parts) + "\n"), None)]


def c_npmrc(rng, groups, paths):
    doc = Doc()
    if rng.random() < 0.6:
        lines = ["registry=https://registry.npmjs.org/", "save-exact=true"]
        hosts = ["//registry.npmjs.org/", "//npm.pkg.github.com/", "//gitlab.com/api/v4/projects/42/packages/npm/"]
        for n, e in enumerate(e for group in groups for e in group):
            lines.append(f"{hosts[n % len(hosts)]}:_authToken={doc.mark(e)}")
        path = paths.new(["services/{svc}/.npmrc", "web/{svc}/.npmrc"])
    else:
        lines = ["nodeLinker: node-modules", "npmRegistries:"]
        for n, e in enumerate(e for group in groups for e in group):
            lines += [f'  "https://npm{n}.fakecorp.test":', f'    npmAuthToken: "{doc.mark(e)}"']
        path = paths.new(["web/{svc}/.yarnrc.yml", "services/{svc}/.yarnrc.yml"])
    return [(path, *doc.finish("\n".join(lines) + "\n"), None)]


class Context:
    """A context: its function and what it accepts. `named`: the value has a name next
    to it (rules anchored on that name, and pairs, need one). `multiline`: it can hold
    values spanning lines. `only`: if set, the only rules it takes (a format with fixed
    key names, or one made for one kind of value)."""

    def __init__(self, name, fn, named=True, multiline=False, only=None, pairs=True, accept=None):
        self.name, self.fn, self.named, self.multiline = name, fn, named, multiline
        self.only, self.pairs, self.accept = only, pairs, accept

    def accepts(self, rule):
        if rule.native_only or self.name == "native":
            return rule.native_only and self.name == "native"
        if self.only is not None:
            return rule.id in self.only
        if rule.id in ONLY_IN:
            return False
        if self.accept is not None:
            return self.accept(rule)
        if rule.multiline and not self.multiline:
            return False
        if rule.pair_with and not self.pairs:
            return False
        return self.named or rule.self_identifying

    @property
    def takes_decoys(self):
        return self.only is None and self.named


def in_url(rule):
    """Database URLs, and tokens that can be the password of an https URL."""
    if rule.id.startswith("database-url-"):
        return True
    return (rule.self_identifying and not rule.url and not rule.multiline and not rule.pair_with
            and not any(c in rule.template for c in ":/@?#%"))


S3_PAIRS = {"aws-secret-access-key", "aws-access-key-id", "kakaocloud-s3-secret-access-key"}
DB_RULES = {"database-url-postgres", "database-url-mysql"}
PRIVATE_KEYS = {"private-key-rsa", "private-key-ec", "private-key-dsa", "private-key-pkcs8",
                "private-key-pkcs8-encrypted", "private-key-pem-encrypted", "private-key-openssh",
                "private-key-openssh-encrypted", "private-key-pgp", "private-key-putty", "private-key-putty-encrypted"}
PUTTY_KEYS = {"private-key-putty", "private-key-putty-encrypted"}
REGISTRY = {"dockerhub-pat", "dockerhub-oat", "github-pat", "github-fine-grained-pat", "gitlab-pat",
            "gitlab-deploy-token", "github-app-installation-token"}
NPM = {"npm-access-token", "npm-config-auth-token", "github-pat", "gitlab-pat", "gitlab-deploy-token"}
# Rules whose value means something only in one format.
# A connection string's password is a password only inside its connection string.
ONLY_IN = {"npm-config-auth-token", "jdbc-url-password", "ado-net-connection-string-password"}

CONTEXTS = [
    Context("dotenv", c_dotenv, multiline=True),
    Context("shell-default", c_shell_default),
    Context("properties", c_properties),
    Context("properties-continuation", c_properties_continuation),
    Context("ini", c_ini),
    Context("aws-credentials", c_aws_credentials, only=S3_PAIRS),
    Context("rclone", c_rclone, only=S3_PAIRS),
    Context("s3cfg", c_s3cfg, only=S3_PAIRS),
    Context("yaml", c_yaml, multiline=True),
    Context("k8s-env", c_k8s_env, multiline=True),
    Context("k8s-env-reversed", c_k8s_env_reversed),
    Context("compose-env-list", c_compose_list),
    Context("compose-env-map", c_compose_map),
    Context("gha-env", c_gha_env),
    Context("json", c_json, multiline=True),
    Context("json-name-value", c_json_name_value),
    Context("appsettings", c_appsettings, multiline=True),
    Context("terraform-json", c_tfjson, multiline=True),
    Context("ipynb", c_ipynb, multiline=True),
    Context("hcl", c_hcl, multiline=True),
    Context("toml", c_toml, multiline=True),
    Context("xml-appsettings", c_xml_appsettings),
    Context("maven-settings", c_maven_settings, named=False, pairs=False,
            accept=lambda r: r.self_identifying and not r.multiline and not r.pair_with),
    Context("php", c_php),
    Context("python", c_python, multiline=True),
    Context("python-dict", c_python_dict, multiline=True),
    Context("ruby", c_ruby),
    Context("ruby-hash", c_ruby_hash),
    Context("js", c_js, multiline=True),
    Context("js-object", c_js_object, multiline=True),
    Context("go", c_go, multiline=True),
    Context("go-map", c_go_map, multiline=True),
    Context("java", c_java, multiline=True),
    Context("java-map", c_java_map),
    Context("csharp", c_csharp, multiline=True),
    Context("csharp-dict", c_csharp_dict, multiline=True),
    Context("url", c_url, named=False, pairs=False, accept=in_url),
    Context("jdbc", c_jdbc, only=DB_RULES | {"jdbc-url-password"}),
    Context("adonet", c_adonet, only=DB_RULES | {"ado-net-connection-string-password"}),
    Context("utf16", c_utf16),
    Context("k8s-secret-base64", c_k8s_secret_base64, multiline=True),
    Context("k8s-secret-stringdata", c_k8s_secret_stringdata, multiline=True),
    Context("docker-config", c_docker_config, only=REGISTRY),
    Context("k8s-dockerconfigjson", c_dockerconfigjson, only=REGISTRY),
    Context("base64-file", c_base64_file, only=(PRIVATE_KEYS - PUTTY_KEYS) | {"gcp-service-account-key"}),
    Context("percent", c_percent),
    Context("zip", c_zip, multiline=True),
    Context("tar-gz", c_tar_gz, multiline=True),
    Context("pem-json", c_pem_json, only=PRIVATE_KEYS),
    Context("pem-file", c_pem_file, only=PRIVATE_KEYS),
    Context("npmrc", c_npmrc, only=NPM),
    Context("native", c_native, named=False, multiline=True),
]
