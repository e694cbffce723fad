//! The built-in verifiers (`verifiers.toml`, compiled in): for each rule, the request
//! that asks its provider whether a secret works, and how to read the answer. A
//! verifier is data; the one piece of code it can name is a signature scheme.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;

use super::sigv4;
use crate::finding::Liveness;
use crate::text::{self, UNRESERVED};

/// The catalog's text, compiled in so that nothing at run time can change it.
const VERIFIERS: &str = include_str!("verifiers.toml");

/// Every built-in verifier, by rule id.
pub struct Catalog {
    verifiers: Vec<Verifier>,
    unverifiable: Vec<Unverifiable>,
    by_rule: HashMap<String, Entry>,
}

/// What the catalog says of a rule.
#[derive(Clone, Copy)]
enum Entry {
    /// Verified by `verifiers[index]`.
    Verifier(usize),
    /// Not verifiable, for `unverifiable[index].why`.
    Unverifiable(usize),
}

/// How a rule's secrets are verified.
pub enum Plan<'a> {
    /// By this verifier.
    Ask(&'a Verifier),
    /// Not at all, for this reason.
    Cannot(&'a str),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    verifiers: Vec<Verifier>,
    unverifiable: Vec<Unverifiable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Unverifiable {
    rules: Vec<String>,
    why: String,
}

/// One provider call and how its answers read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verifier {
    /// The provider, for messages.
    provider: String,
    rules: Vec<String>,
    /// The provider's documentation of the call (read by people; the README links it).
    #[serde(rename = "reference")]
    _reference: String,
    method: String,
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    body_encoding: BodyEncoding,
    basic: Option<Basic>,
    sign: Option<Signing>,
    #[serde(default)]
    unverifiable_identifiers: Vec<Prefix>,
    #[serde(default)]
    unverifiable_secrets: Vec<Prefix>,
    answers: Vec<Answer>,
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum BodyEncoding {
    #[default]
    Form,
    Json,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Basic {
    user: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Signing {
    scheme: SigningScheme,
    region: String,
    service: String,
    key_id: String,
    secret: String,
}

#[derive(Deserialize, Clone, Copy)]
enum SigningScheme {
    #[serde(rename = "aws-sigv4")]
    AwsSigV4,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Prefix {
    prefix: String,
    why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    status: Vec<u16>,
    contains: Option<String>,
    #[serde(default)]
    json: BTreeMap<String, Value>,
    verdict: Verdict,
    detail: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Verdict {
    Live,
    Invalid,
    Unknown,
}

/// A request ready to send: the host is the verifier's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// `GET` or `POST`.
    pub method: String,
    /// The host, as fixed by the verifier.
    pub host: String,
    /// The path and query, encoded.
    pub path_and_query: String,
    /// Headers to send, the host's aside.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Catalog {
    /// The built-in catalog.
    pub fn builtin() -> Catalog {
        Catalog::parse(VERIFIERS).expect("the built-in verifiers are checked by the tests")
    }

    fn parse(text: &str) -> Result<Catalog, String> {
        let file: File = toml::from_str(text).map_err(|err| err.to_string())?;
        let mut by_rule = HashMap::new();
        let entries = file
            .verifiers
            .iter()
            .enumerate()
            .map(|(index, verifier)| (&verifier.rules, Entry::Verifier(index)))
            .chain(
                file.unverifiable
                    .iter()
                    .enumerate()
                    .map(|(index, entry)| (&entry.rules, Entry::Unverifiable(index))),
            );
        for (rules, entry) in entries {
            for rule in rules {
                if by_rule.insert(rule.clone(), entry).is_some() {
                    return Err(format!("{rule}: listed twice"));
                }
            }
        }
        for verifier in &file.verifiers {
            verifier
                .check()
                .map_err(|err| format!("{}: {err}", verifier.url))?;
        }
        Ok(Catalog {
            verifiers: file.verifiers,
            unverifiable: file.unverifiable,
            by_rule,
        })
    }

    /// How the secrets of the built-in rule `rule_id` are verified, if the catalog
    /// names it.
    pub fn plan(&self, rule_id: &str) -> Option<Plan<'_>> {
        Some(match *self.by_rule.get(rule_id)? {
            Entry::Verifier(index) => Plan::Ask(&self.verifiers[index]),
            Entry::Unverifiable(index) => Plan::Cannot(&self.unverifiable[index].why),
        })
    }

    /// Every rule id the catalog names.
    #[cfg(test)]
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.by_rule.keys().map(String::as_str)
    }
}

/// What fills a verifier's placeholders.
#[derive(Clone, Copy)]
pub struct Values<'a> {
    /// The secret.
    pub secret: &'a str,
    /// The identifier it is paired with, if any.
    pub identifier: Option<&'a str>,
}

impl Verifier {
    /// Whether the verifier needs the identifier a secret is paired with.
    pub fn needs_identifier(&self) -> bool {
        let mut texts = vec![&self.url, &self.body];
        texts.extend(self.headers.values());
        if let Some(basic) = &self.basic {
            texts.extend([&basic.user, &basic.password]);
        }
        if let Some(sign) = &self.sign {
            texts.extend([&sign.key_id, &sign.secret]);
        }
        texts.iter().any(|text| text.contains("{identifier}"))
    }

    /// Why `values` cannot be verified here, if they cannot: a temporary AWS key
    /// without its session token, a refresh token that only an exchange would use.
    pub fn refuses(&self, values: Values<'_>) -> Option<&str> {
        refused(values.identifier, &self.unverifiable_identifiers)
            .or_else(|| refused(Some(values.secret), &self.unverifiable_secrets))
    }

    /// The provider, as messages name it.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The host every call of this verifier goes to.
    pub fn host(&self) -> &str {
        let rest = self.url.strip_prefix("https://").unwrap_or(&self.url);
        &rest[..rest.find('/').unwrap_or(rest.len())]
    }

    /// The checks a catalog entry must pass: an `https` URL whose host holds no
    /// placeholder, known placeholders only, a method, and answers that say something.
    fn check(&self) -> Result<(), String> {
        if !self.url.starts_with("https://") {
            return Err("not an https URL".to_owned());
        }
        let host = self.host();
        if host.is_empty() || host.contains(['{', '}', '@', ':']) {
            return Err(format!("the host {host:?} is not fixed"));
        }
        if !matches!(self.method.as_str(), "GET" | "POST") {
            return Err(format!("method {}: GET or POST", self.method));
        }
        if self.answers.is_empty() {
            return Err("no answers".to_owned());
        }
        let mut texts = vec![&self.url, &self.body];
        texts.extend(self.headers.values());
        for text in texts {
            let stripped = text.replace("{secret}", "").replace("{identifier}", "");
            let json_braces = self.body_encoding == BodyEncoding::Json && text == &self.body;
            if !json_braces && stripped.contains(['{', '}']) {
                return Err(format!("an unknown placeholder in {text:?}"));
            }
        }
        Ok(())
    }

    /// The request for `values`, or why it cannot be made.
    pub fn call(&self, values: Values<'_>, now: sigv4::AmzTime) -> Result<Call, String> {
        if values.identifier.is_none() && self.needs_identifier() {
            return Err("the secret was found without the identifier it is used with".to_owned());
        }
        let fill = |template: &str, escape: fn(&str) -> String| -> String {
            template
                .replace("{secret}", &escape(values.secret))
                .replace(
                    "{identifier}",
                    &escape(values.identifier.unwrap_or_default()),
                )
        };
        let plain = |text: &str| text.to_owned();
        // In the path, `:` and `@` may stay as they are (a Telegram token's colon); in
        // the query, every reserved character is encoded.
        let url = match self.url.split_once('?') {
            Some((path, query)) => {
                format!(
                    "{}?{}",
                    fill(path, path_encode),
                    fill(query, percent_encode)
                )
            }
            None => fill(&self.url, path_encode),
        };
        let rest = &url["https://".len()..];
        let host = self.host().to_owned();
        let path_and_query = match &rest[host.len()..] {
            "" => "/".to_owned(),
            path => path.to_owned(),
        };
        let mut headers = Vec::new();
        for (name, template) in &self.headers {
            let value = fill(template, plain);
            if value.chars().any(char::is_control) {
                return Err("the secret holds a control character".to_owned());
            }
            headers.push((name.clone(), value));
        }
        if let Some(basic) = &self.basic {
            let pair = format!(
                "{}:{}",
                fill(&basic.user, plain),
                fill(&basic.password, plain)
            );
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            headers.push(("Authorization".to_owned(), format!("Basic {encoded}")));
        }
        let body = match self.body_encoding {
            BodyEncoding::Form => fill(&self.body, percent_encode),
            BodyEncoding::Json => fill(&self.body, json_escape),
        }
        .into_bytes();
        if let Some(sign) = &self.sign {
            let SigningScheme::AwsSigV4 = sign.scheme;
            let key_id = fill(&sign.key_id, plain);
            let secret = fill(&sign.secret, plain);
            let (path, query) = path_and_query
                .split_once('?')
                .unwrap_or((&path_and_query, ""));
            if !query.is_empty() {
                return Err("a signed call takes no query".to_owned());
            }
            let extra: Vec<(&str, &str)> = headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            let request = sigv4::Request {
                method: &self.method,
                host: &host,
                path,
                query: &[],
                headers: &extra,
                body: &body,
            };
            let credentials = sigv4::Credentials {
                access_key_id: &key_id,
                secret_access_key: &secret,
                session_token: None,
            };
            let signed = sigv4::sign(&credentials, &sign.region, &sign.service, &request, now);
            headers.extend(signed);
        }
        Ok(Call {
            method: self.method.clone(),
            host,
            path_and_query,
            headers,
            body,
        })
    }

    /// What the answer `status` with `body` says, by the first of the verifier's
    /// answers it matches, with the answer's detail.
    pub fn read(&self, status: u16, body: &[u8]) -> Option<(Liveness, Option<&str>)> {
        let text = String::from_utf8_lossy(body);
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let answer = self.answers.iter().find(|answer| {
            answer.status.contains(&status)
                && answer
                    .contains
                    .as_ref()
                    .is_none_or(|needle| text.contains(needle.as_str()))
                && answer.json.iter().all(|(pointer, expected)| {
                    let found = json.as_ref().and_then(|json| json.pointer(pointer));
                    match (found, expected) {
                        (Some(found), Value::Array(any)) => any.contains(found),
                        (Some(found), expected) => found == expected,
                        (None, _) => false,
                    }
                })
        })?;
        let liveness = match answer.verdict {
            Verdict::Live => Liveness::Live,
            Verdict::Invalid => Liveness::Invalid,
            Verdict::Unknown => Liveness::Unknown,
        };
        Some((liveness, answer.detail.as_deref()))
    }
}

/// Why `value` is not asked about, if one of `prefixes` starts it.
fn refused<'a>(value: Option<&str>, prefixes: &'a [Prefix]) -> Option<&'a str> {
    let value = value?;
    prefixes
        .iter()
        .find(|entry| value.starts_with(&entry.prefix))
        .map(|entry| entry.why.as_str())
}

/// `text` percent-encoded for a URL query or form: RFC 3986 unreserved characters kept.
fn percent_encode(text: &str) -> String {
    text::percent_encode(text, UNRESERVED)
}

/// `text` percent-encoded for a URL path segment: unreserved characters, `:` and `@`
/// kept (RFC 3986 `pchar`), so a segment can never gain a `/`, `?` or `#`.
fn path_encode(text: &str) -> String {
    text::percent_encode(text, b"-._~:@")
}

/// `text` escaped to sit inside a JSON string.
fn json_escape(text: &str) -> String {
    let quoted = Value::String(text.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn github() -> &'static str {
        "github-pat"
    }

    #[test]
    fn the_builtin_catalog_loads_and_every_host_is_fixed() {
        let catalog = Catalog::builtin();
        for verifier in &catalog.verifiers {
            assert!(verifier.check().is_ok(), "{}", verifier.url);
            assert!(!verifier.host().is_empty());
        }
        assert!(matches!(catalog.plan(github()), Some(Plan::Ask(_))));
        assert!(matches!(
            catalog.plan("nhncloud-appkey"),
            Some(Plan::Cannot(_))
        ));
        assert!(catalog.plan("generic-password-assignment").is_none());
    }

    #[test]
    fn every_rule_the_catalog_names_is_a_built_in_rule() {
        let rules = crate::rules::load_rule_set(&crate::rules::RuleOptions::builtin_only())
            .expect("the built-in rules load");
        let ids: std::collections::BTreeSet<&str> =
            rules.rules().iter().map(|rule| rule.id.as_str()).collect();
        for id in Catalog::builtin().rule_ids() {
            assert!(ids.contains(id), "{id} is no built-in rule");
        }
    }

    #[test]
    fn a_verifier_whose_host_is_a_placeholder_is_refused() {
        let text = |url: &str| {
            format!(
                "unverifiable = []\n[[verifiers]]\nprovider = \"x\"\nrules = [\"r\"]\n\
                 reference = \"\"\nmethod = \"GET\"\nurl = \"{url}\"\n\
                 answers = [{{ status = [200], verdict = \"live\" }}]\n"
            )
        };
        assert!(Catalog::parse(&text("https://api.example.com/{secret}")).is_ok());
        for url in [
            "https://{identifier}.example.com/",
            "https://example.com@{secret}/",
            "http://api.example.com/",
            "https://api.example.com:{secret}/",
            "https://api.example.com/{other}",
        ] {
            assert!(Catalog::parse(&text(url)).is_err(), "{url}");
        }
    }

    #[test]
    fn values_are_encoded_where_they_go_and_control_characters_refused() {
        let catalog = Catalog::builtin();
        let Some(Plan::Ask(twilio)) = catalog.plan("twilio-auth-token") else {
            panic!("twilio is verified");
        };
        let now = sigv4::AmzTime::from_unix(0);
        let values = Values {
            secret: "s3cr/t",
            identifier: Some("AC 1"),
        };
        let call = twilio.call(values, now).unwrap();
        assert_eq!(call.host, "api.twilio.com");
        assert_eq!(call.path_and_query, "/2010-04-01/Accounts/AC%201.json");
        let alone = Values {
            identifier: None,
            ..values
        };
        assert!(
            twilio.call(alone, now).is_err(),
            "a pair is verified as a pair"
        );
        let Some(Plan::Ask(github)) = catalog.plan(github()) else {
            panic!("github is verified");
        };
        let injected = Values {
            secret: "ghp_x\r\nHost: evil.example",
            identifier: None,
        };
        assert!(github.call(injected, now).is_err());
        let Some(Plan::Ask(telegram)) = catalog.plan("telegram-bot-token") else {
            panic!("telegram is verified");
        };
        let bot = |secret| Values {
            secret,
            identifier: None,
        };
        let path = |secret| telegram.call(bot(secret), now).unwrap().path_and_query;
        assert_eq!(path("123456:AAx-y_z"), "/bot123456:AAx-y_z/getMe");
        assert_eq!(path("1:a/../b?c#d"), "/bot1:a%2F..%2Fb%3Fc%23d/getMe");
        let Some(Plan::Ask(kakao)) = catalog.plan("kakaocloud-iam-secret-access-key") else {
            panic!("kakaocloud is verified");
        };
        let quoted = Values {
            secret: "a\"b",
            identifier: Some("id"),
        };
        let body = String::from_utf8(kakao.call(quoted, now).unwrap().body).unwrap();
        let parsed: Value = serde_json::from_str(&body).unwrap();
        let credential = &parsed["auth"]["identity"]["application_credential"];
        assert_eq!(credential["secret"], "a\"b");
        assert_eq!(credential["id"], "id");
    }

    #[test]
    fn answers_are_read_in_order_by_status_body_and_json() {
        let catalog = Catalog::builtin();
        let Some(Plan::Ask(slack)) = catalog.plan("slack-bot-token") else {
            panic!("slack is verified");
        };
        let read = |status, body: &str| slack.read(status, body.as_bytes()).map(|(l, _)| l);
        assert_eq!(read(200, r#"{"ok":true}"#), Some(Liveness::Live));
        assert_eq!(
            read(200, r#"{"ok":false,"error":"token_revoked"}"#),
            Some(Liveness::Invalid)
        );
        assert_eq!(read(200, r#"{"ok":false,"error":"ratelimited"}"#), None);
        assert_eq!(read(200, "<html>"), None);
        let Some(Plan::Ask(aws)) = catalog.plan("aws-secret-access-key") else {
            panic!("aws is verified");
        };
        let (liveness, detail) = aws
            .read(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>")
            .unwrap();
        assert_eq!(liveness, Liveness::Invalid);
        assert!(detail.unwrap().contains("not the access key ID's"));
        let pair = |identifier| Values {
            secret: "s",
            identifier: Some(identifier),
        };
        assert!(aws.refuses(pair("ASIAXXXXXXXXXXXXXXXX")).is_some());
        assert_eq!(aws.refuses(pair("AKIAXXXXXXXXXXXXXXXX")), None);
        let Some(Plan::Ask(vercel)) = catalog.plan("vercel-access-token") else {
            panic!("vercel is verified");
        };
        let token = |secret| Values {
            secret,
            identifier: None,
        };
        assert!(vercel.refuses(token("vcr_x")).is_some());
        assert_eq!(vercel.refuses(token("vcp_x")), None);
    }
}
