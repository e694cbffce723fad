//! AWS Signature Version 4 request signing (header-based, single-chunk payload).
//!
//! The secret scanner uses this, when the user opts in, to check whether a leaked
//! AWS-style key pair is live: it signs an STS `GetCallerIdentity` call, or an
//! S3-compatible `ListBuckets` call against an endpoint such as KakaoCloud object
//! storage, which speaks SigV4 with its own host and region.
//!
//! The module is pure: it does no I/O, and reads the clock only in [`AmzTime::now`].
//! It hands back the headers to add to the request; sending it is the caller's job.
//!
//! What is implemented, following the AWS SigV4 specification:
//! - the canonical URI: every path segment URI-encoded (RFC 3986 unreserved characters
//!   kept); for services other than `s3` the wire path is encoded a second time, as AWS
//!   does, while for `s3` it is encoded exactly once;
//! - the canonical query string: names and values encoded, sorted by name then value;
//! - canonical headers: names lowercased and trimmed, values trimmed with inner runs of
//!   spaces collapsed, repeated names joined with `,`, sorted by name; all are signed;
//! - the hashed payload, the string to sign, the signing-key chain
//!   `AWS4`+secret → date → region → service → `aws4_request`, and the
//!   `Authorization` header.
//!
//! Not implemented: presigned URLs (query-string auth), chunked/streaming payloads,
//! SigV4a, and dot-segment normalisation of non-S3 paths (callers pass a normalised path).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::text::{UNRESERVED, percent_encode_into};

/// The algorithm name that starts the string to sign and the `Authorization` header.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The last element of the credential scope and of the signing-key chain.
const TERMINATOR: &str = "aws4_request";

/// The key pair (and optional session token) that signs a request.
///
/// `Debug` prints the access key ID but never the secret or the token.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    /// The access key ID, e.g. an `AKIA…` or `ASIA…` string; it goes into the
    /// `Credential=` part of the `Authorization` header in clear.
    pub access_key_id: &'a str,
    /// The secret access key; it only keys the HMAC chain and is never sent.
    pub secret_access_key: &'a str,
    /// The session token of temporary (`ASIA…`) credentials. When present it is sent
    /// and signed as the `x-amz-security-token` header.
    pub session_token: Option<&'a str>,
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &self.session_token.map(|_| "<redacted>"))
            .finish()
    }
}

/// The parts of an HTTP request that SigV4 covers.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The HTTP method in upper case, e.g. `GET` or `POST`.
    pub method: &'a str,
    /// The value of the `Host` header the client will send, e.g.
    /// `sts.amazonaws.com`; include `:port` when the port is not the scheme's default.
    /// It is always signed as the `host` header.
    pub host: &'a str,
    /// The path exactly as sent on the wire, already percent-encoded where needed,
    /// e.g. `/` for STS and for `ListBuckets`. An empty path is signed as `/`.
    pub path: &'a str,
    /// The query parameters, *not* percent-encoded (signing encodes them). Send them
    /// in the URL as [`canonical_query`] renders them, so both sides agree.
    pub query: &'a [(&'a str, &'a str)],
    /// Extra headers to sign, as `(name, value)`; all of them must also be sent.
    /// Entries named `host`, `authorization`, or one of the headers that [`sign`]
    /// returns are ignored, since those come from [`sign`] and [`Request::host`].
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact request body (empty for `GET`); its SHA-256 is signed.
    pub body: &'a [u8],
}

/// A UTC instant, to the second, as used by SigV4 for `x-amz-date` and the
/// credential scope.
///
/// `Display` renders it as `YYYYMMDDTHHMMSSZ` (the `x-amz-date` form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AmzTime {
    year: i64,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl AmzTime {
    /// Builds the instant `secs` seconds after 1970-01-01T00:00:00Z (leap seconds
    /// ignored, as in Unix time), using the proleptic Gregorian calendar.
    #[must_use]
    pub fn from_unix(secs: u64) -> Self {
        // u64::MAX / 86_400 fits easily in an i64, so neither conversion can fail.
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        AmzTime {
            year,
            month,
            day,
            hour: (rem / 3_600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
        }
    }

    /// The current time from the system clock; a clock set before 1970 reads as
    /// 1970-01-01T00:00:00Z (AWS then answers with a clock-skew error, not a crash).
    #[must_use]
    pub fn now() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_unix(secs)
    }

    /// The date alone as `YYYYMMDD`, the first element of the credential scope.
    #[must_use]
    pub fn date_stamp(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for AmzTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Converts a count of days since 1970-01-01 to a (year, month, day) civil date.
///
/// Howard Hinnant's `civil_from_days` algorithm; valid for every `i64` input this
/// module produces (non-negative days up to `u64::MAX / 86400`).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Signs `request` for `service` in `region` at `time`, and returns the headers to
/// add to it, names in lower case, in this order:
///
/// - `x-amz-date`: `time` as `YYYYMMDDTHHMMSSZ`;
/// - `x-amz-content-sha256`: hex SHA-256 of the body, only when `service` is `s3`
///   (S3 and S3-compatible stores require it);
/// - `x-amz-security-token`: only when the credentials carry a session token;
/// - `authorization`: `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
///
/// The request must then be sent with exactly the signed host, path, query (as
/// rendered by [`canonical_query`]), headers and body, within AWS's 15-minute clock
/// tolerance of `time`.
#[must_use]
pub fn sign(
    credentials: &Credentials,
    region: &str,
    service: &str,
    request: &Request,
    time: AmzTime,
) -> Vec<(String, String)> {
    let payload_hash = hex(&Sha256::digest(request.body));
    let mut headers = generated_headers(credentials, service, &payload_hash, time);
    let (canonical, signed_headers) = canonical_request(request, service, &headers, &payload_hash);
    let scope = credential_scope(time, region, service);
    let to_sign = string_to_sign(time, &scope, &canonical);
    let key = signing_key(
        credentials.secret_access_key,
        &time.date_stamp(),
        region,
        service,
    );
    let signature = hex(&hmac_sha256(&key, to_sign.as_bytes()));
    headers.push((
        "authorization".to_owned(),
        format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            credentials.access_key_id
        ),
    ));
    headers
}

/// Renders query parameters as the SigV4 canonical query string, which is also a
/// valid query string to put in the URL after `?`: every name and value is
/// URI-encoded (RFC 3986 unreserved characters kept, everything else `%XX` with
/// upper-case hex, including `/`, `+`, `=` and `&`), pairs are sorted by encoded name
/// then encoded value, and joined with `&`. An empty value renders as `name=`.
#[must_use]
pub fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(name, value)| {
            let mut n = String::new();
            let mut v = String::new();
            uri_encode_into(name.as_bytes(), &mut n);
            uri_encode_into(value.as_bytes(), &mut v);
            (n, v)
        })
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// The headers that [`sign`] generates before the signature: `x-amz-date`, then
/// `x-amz-content-sha256` for `s3`, then `x-amz-security-token` when there is a token.
fn generated_headers(
    credentials: &Credentials,
    service: &str,
    payload_hash: &str,
    time: AmzTime,
) -> Vec<(String, String)> {
    let mut headers = vec![("x-amz-date".to_owned(), time.to_string())];
    if service == "s3" {
        headers.push(("x-amz-content-sha256".to_owned(), payload_hash.to_owned()));
    }
    if let Some(token) = credentials.session_token {
        headers.push(("x-amz-security-token".to_owned(), token.to_owned()));
    }
    headers
}

/// Builds the canonical request and the signed-headers list from `request`, the
/// `generated` headers, and the hex SHA-256 of the body.
fn canonical_request(
    request: &Request,
    service: &str,
    generated: &[(String, String)],
    payload_hash: &str,
) -> (String, String) {
    // Canonical headers: host, the caller's headers, and the generated ones.
    let mut headers: Vec<(String, String)> = Vec::with_capacity(request.headers.len() + 4);
    headers.push(("host".to_owned(), normalize_value(request.host)));
    for (name, value) in request.headers {
        let name = name.trim().to_ascii_lowercase();
        if name == "host" || name == "authorization" || generated.iter().any(|(n, _)| *n == name) {
            continue;
        }
        headers.push((name, normalize_value(value)));
    }
    headers.extend(
        generated
            .iter()
            .map(|(n, v)| (n.clone(), normalize_value(v))),
    );
    // Stable sort: values of a repeated name keep the order they were given in.
    headers.sort_by(|a, b| a.0.cmp(&b.0));

    let mut canonical_headers = String::new();
    let mut signed_headers = String::new();
    let mut previous: Option<&str> = None;
    for (name, value) in &headers {
        if previous == Some(name.as_str()) {
            canonical_headers.pop(); // the '\n' of the previous line
            canonical_headers.push(',');
        } else {
            if previous.is_some() {
                signed_headers.push(';');
            }
            signed_headers.push_str(name);
            canonical_headers.push_str(name);
            canonical_headers.push(':');
        }
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
        previous = Some(name);
    }

    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_uri(request.path, service == "s3"),
        canonical_query(request.query),
        canonical_headers,
        signed_headers,
        payload_hash,
    );
    (canonical, signed_headers)
}

/// The credential scope `YYYYMMDD/region/service/aws4_request`.
fn credential_scope(time: AmzTime, region: &str, service: &str) -> String {
    format!("{}/{region}/{service}/{TERMINATOR}", time.date_stamp())
}

/// The string to sign: algorithm, time, scope and the hex SHA-256 of the canonical
/// request, one per line.
fn string_to_sign(time: AmzTime, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{time}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// Derives the SigV4 signing key: HMAC chain keyed with `AWS4`+secret over the
/// date, region, service and `aws4_request`.
fn signing_key(secret: &str, date_stamp: &str, region: &str, service: &str) -> [u8; 32] {
    let mut k_secret = Vec::with_capacity(4 + secret.len());
    k_secret.extend_from_slice(b"AWS4");
    k_secret.extend_from_slice(secret.as_bytes());
    let k_date = hmac_sha256(&k_secret, date_stamp.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, TERMINATOR.as_bytes())
}

/// HMAC-SHA256 (RFC 2104) over `sha2`, so that no MAC crate is needed.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64; // SHA-256 block size in bytes
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let mut inner_pad = [0x36u8; BLOCK];
    let mut outer_pad = [0x5cu8; BLOCK];
    for ((i, o), k) in inner_pad
        .iter_mut()
        .zip(outer_pad.iter_mut())
        .zip(block_key)
    {
        *i ^= k;
        *o ^= k;
    }
    let inner = Sha256::new()
        .chain_update(inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(outer_pad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// The canonical URI for a wire `path`.
///
/// For S3 each segment is percent-decoded and encoded once, which leaves a correctly
/// encoded path unchanged; for every other service each segment of the wire path is
/// encoded again, which is the double encoding AWS expects from them.
fn canonical_uri(path: &str, s3: bool) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(path.len() + 1);
    if !path.starts_with('/') {
        out.push('/');
    }
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if s3 {
            uri_encode_into(&percent_decode(segment), &mut out);
        } else {
            uri_encode_into(segment.as_bytes(), &mut out);
        }
    }
    out
}

/// Appends `bytes` URI-encoded the SigV4 way: `A-Z a-z 0-9 - . _ ~` as they are,
/// every other byte as `%XX` with upper-case hex.
fn uri_encode_into(bytes: &[u8], out: &mut String) {
    percent_encode_into(bytes, UNRESERVED, out);
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept as it is.
fn percent_decode(s: &str) -> Vec<u8> {
    fn hex_digit(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = match bytes.get(i..i + 3) {
            Some(&[b'%', hi, lo]) => hex_digit(hi).zip(hex_digit(lo)),
            _ => None,
        };
        if let Some((hi, lo)) = escape {
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A header value in canonical form: trimmed, inner runs of spaces collapsed to one.
fn normalize_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value.trim().split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example secret of the AWS documentation and test suite. It is put together
    /// at run time so that a secret scanner reading this file sees no literal key.
    fn example_secret() -> String {
        ["wJalrXUtnFEMI/K7MDENG", "+bPxRfiCYEXAMPLEKEY"].concat()
    }

    /// 2015-08-30T12:36:00Z, the time of the test suite and of the IAM example.
    const T_20150830: u64 = 1_440_938_160;

    /// The SHA-256 of an empty body.
    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// The intermediates of one signing, to compare with the published vectors; built
    /// with the same steps as [`sign`], whose output the tests check as well.
    struct Signed {
        canonical_request: String,
        string_to_sign: String,
        signing_key: [u8; 32],
    }

    fn compute(
        credentials: &Credentials,
        region: &str,
        service: &str,
        request: &Request,
        time: AmzTime,
    ) -> Signed {
        let payload_hash = hex(&Sha256::digest(request.body));
        let generated = generated_headers(credentials, service, &payload_hash, time);
        let (canonical, _) = canonical_request(request, service, &generated, &payload_hash);
        let scope = credential_scope(time, region, service);
        Signed {
            string_to_sign: string_to_sign(time, &scope, &canonical),
            canonical_request: canonical,
            signing_key: signing_key(
                credentials.secret_access_key,
                &time.date_stamp(),
                region,
                service,
            ),
        }
    }

    fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    // ---- HMAC-SHA256: RFC 4231 section 4, https://www.rfc-editor.org/rfc/rfc4231#section-4
    // ---- (test case 5, truncated output, does not apply).

    #[test]
    fn hmac_sha256_matches_rfc4231() {
        let key_25: Vec<u8> = (1..=25).collect();
        let cases: [(Vec<u8>, Vec<u8>, &str); 6] = [
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                key_25,
                vec![0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                vec![0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than \
                  block-size data. The key needs to be hashed before being used by the \
                  HMAC algorithm."
                    .to_vec(),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (i, (key, data, want)) in cases.iter().enumerate() {
            assert_eq!(
                hex(&hmac_sha256(key, data)),
                *want,
                "RFC 4231 case index {i}"
            );
        }
    }

    // ---- Signing key: "Examples of how to derive a signing key for Signature Version 4",
    // ---- https://docs.aws.amazon.com/general/latest/gr/signature-v4-examples.html

    #[test]
    fn signing_key_matches_aws_derivation_example() {
        let secret = example_secret();
        // The intermediates the page lists, then kSigning.
        let k_secret = [b"AWS4".as_slice(), secret.as_bytes()].concat();
        let k_date = hmac_sha256(&k_secret, b"20120215");
        assert_eq!(
            hex(&k_date),
            "969fbb94feb542b71ede6f87fe4d5fa29c789342b0f407474670f0c2489e0a0d"
        );
        let k_region = hmac_sha256(&k_date, b"us-east-1");
        assert_eq!(
            hex(&k_region),
            "69daa0209cd9c5ff5c8ced464a696fd4252e981430b10e3d3fd8e2f197d7a70c"
        );
        let k_service = hmac_sha256(&k_region, b"iam");
        assert_eq!(
            hex(&k_service),
            "f72cfd46f26bc4643f06a11eabb6c0ba18780c19a8da0c31ace671265e3c87fa"
        );
        assert_eq!(
            hex(&signing_key(&secret, "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    // ---- "Create a signed AWS API request": IAM ListUsers GET at 20150830T123600Z,
    // ---- https://docs.aws.amazon.com/general/latest/gr/create-signed-request.html
    // ---- (earlier: .../gr/sigv4-create-canonical-request.html, sigv4-calculate-signature.html).

    #[test]
    fn iam_list_users_example() {
        let secret = example_secret();
        let credentials = Credentials {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: &secret,
            session_token: None,
        };
        let request = Request {
            method: "GET",
            host: "iam.amazonaws.com",
            path: "/",
            query: &[("Action", "ListUsers"), ("Version", "2010-05-08")],
            headers: &[(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            body: b"",
        };
        let time = AmzTime::from_unix(T_20150830);
        let signed = compute(&credentials, "us-east-1", "iam", &request, time);
        assert_eq!(
            signed.canonical_request,
            [
                "GET",
                "/",
                "Action=ListUsers&Version=2010-05-08",
                "content-type:application/x-www-form-urlencoded; charset=utf-8",
                "host:iam.amazonaws.com",
                "x-amz-date:20150830T123600Z",
                "",
                "content-type;host;x-amz-date",
                EMPTY_SHA256,
            ]
            .join("\n")
        );
        assert_eq!(
            signed.string_to_sign,
            [
                "AWS4-HMAC-SHA256",
                "20150830T123600Z",
                "20150830/us-east-1/iam/aws4_request",
                "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
            ]
            .join("\n")
        );
        assert_eq!(
            hex(&signed.signing_key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
        let headers = sign(&credentials, "us-east-1", "iam", &request, time);
        assert_eq!(
            headers,
            vec![
                ("x-amz-date".to_owned(), "20150830T123600Z".to_owned()),
                (
                    "authorization".to_owned(),
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
                     SignedHeaders=content-type;host;x-amz-date, \
                     Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
                        .to_owned()
                ),
            ]
        );
    }

    // ---- The SigV4 test suite (aws-sig-v4-test-suite): example.amazonaws.com,
    // ---- region us-east-1, service "service", AKIDEXAMPLE, 20150830T123600Z.
    // ---- `.req` gives the request, `.creq` the canonical request, `.sts` the string
    // ---- to sign, `.authz` the Authorization header.
    // ---- https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html; files as
    // ---- mirrored in github.com/mhart/aws4, test/aws-sig-v4-test-suite (commit 9d00a5a).

    struct Case<'a> {
        name: &'a str,
        method: &'a str,
        path: &'a str,
        query: &'a [(&'a str, &'a str)],
        headers: &'a [(&'a str, &'a str)],
        body: &'a [u8],
        creq: &'a str,
        sts: &'a str,
        authz: &'a str,
    }

    fn check_suite_case(case: &Case, session_token: Option<&str>) {
        let secret = example_secret();
        let credentials = Credentials {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: &secret,
            session_token,
        };
        let request = Request {
            method: case.method,
            host: "example.amazonaws.com",
            path: case.path,
            query: case.query,
            headers: case.headers,
            body: case.body,
        };
        let time = AmzTime::from_unix(T_20150830);
        let signed = compute(&credentials, "us-east-1", "service", &request, time);
        assert_eq!(signed.canonical_request, case.creq, "{}: .creq", case.name);
        assert_eq!(signed.string_to_sign, case.sts, "{}: .sts", case.name);
        // The signing key for 20150830/us-east-1/service, the same for every case.
        assert_eq!(
            signed.signing_key,
            signing_key(&secret, "20150830", "us-east-1", "service"),
        );
        let headers = sign(&credentials, "us-east-1", "service", &request, time);
        assert_eq!(
            header(&headers, "authorization"),
            Some(case.authz),
            "{}: .authz",
            case.name
        );
        assert_eq!(header(&headers, "x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(header(&headers, "x-amz-content-sha256"), None);
    }

    #[test]
    fn aws_sigv4_test_suite() {
        let cases = [
            Case {
                name: "get-vanilla",
                method: "GET",
                path: "/",
                query: &[],
                headers: &[],
                body: b"",
                creq: "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            },
            Case {
                name: "post-vanilla-query",
                method: "POST",
                path: "/",
                query: &[("Param1", "value1")],
                headers: &[],
                body: b"",
                creq: "POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
            },
            Case {
                name: "get-vanilla-query-order-key-case",
                method: "GET",
                path: "/",
                query: &[("Param2", "value2"), ("Param1", "value1")],
                headers: &[],
                body: b"",
                creq: "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
            },
            Case {
                name: "get-vanilla-query-order-value",
                method: "GET",
                path: "/",
                query: &[("Param1", "value2"), ("Param1", "value1")],
                headers: &[],
                body: b"",
                creq: "GET\n/\nParam1=value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nc968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694",
            },
            Case {
                name: "get-vanilla-query-unreserved",
                method: "GET",
                path: "/",
                query: &[(
                    "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                    "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                )],
                headers: &[],
                body: b"",
                creq: "GET\n/\n-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nc30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
            },
            Case {
                name: "get-vanilla-utf8-query",
                method: "GET",
                path: "/",
                query: &[("ሴ", "bar")],
                headers: &[],
                body: b"",
                creq: "GET\n/\n%E1%88%B4=bar\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\neb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
            },
            Case {
                name: "get-utf8",
                method: "GET",
                path: "/ሴ",
                query: &[],
                headers: &[],
                body: b"",
                creq: "GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
            },
            Case {
                name: "get-space",
                method: "GET",
                path: "/example space/",
                query: &[],
                headers: &[],
                body: b"",
                creq: "GET\n/example%20space/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741",
            },
            Case {
                name: "get-header-value-trim",
                method: "GET",
                path: "/",
                query: &[],
                headers: &[("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
                body: b"",
                creq: "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\na726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
            },
            Case {
                name: "get-header-key-duplicate",
                method: "GET",
                path: "/",
                query: &[],
                headers: &[
                    ("My-Header1", "value2"),
                    ("My-Header1", "value2"),
                    ("My-Header1", "value1"),
                ],
                body: b"",
                creq: "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\ndc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
            },
            Case {
                name: "get-header-value-order",
                method: "GET",
                path: "/",
                query: &[],
                headers: &[
                    ("My-Header1", "value4"),
                    ("My-Header1", "value1"),
                    ("My-Header1", "value3"),
                    ("My-Header1", "value2"),
                ],
                body: b"",
                creq: "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value4,value1,value3,value2\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01",
            },
            Case {
                name: "post-x-www-form-urlencoded",
                method: "POST",
                path: "/",
                query: &[],
                headers: &[("Content-Type", "application/x-www-form-urlencoded")],
                body: b"Param1=value1",
                creq: "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
                sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
                authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            },
        ];
        for case in &cases {
            check_suite_case(case, None);
        }
    }

    /// `post-sts-token/post-sts-header-before`: the session token is part of the
    /// canonical request and the signed headers.
    #[test]
    fn aws_sigv4_test_suite_session_token() {
        // Split like the secret, so that the example token is not one literal.
        let token = [
            "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAe",
            "MicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phU",
            "ZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38x",
            "Vqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2",
            "ICCR/oLxBA==",
        ]
        .concat();
        let creq = format!(
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\
             x-amz-security-token:{token}\n\nhost;x-amz-date;x-amz-security-token\n{EMPTY_SHA256}"
        );
        let case = Case {
            name: "post-sts-header-before",
            method: "POST",
            path: "/",
            query: &[],
            headers: &[],
            body: b"",
            creq: &creq,
            sts: "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
                  c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
            authz: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
                    SignedHeaders=host;x-amz-date;x-amz-security-token, \
                    Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
        };
        check_suite_case(&case, Some(&token));

        let secret = example_secret();
        let credentials = Credentials {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: &secret,
            session_token: Some(&token),
        };
        let request = Request {
            method: "POST",
            host: "example.amazonaws.com",
            path: "/",
            query: &[],
            headers: &[],
            body: b"",
        };
        let headers = sign(
            &credentials,
            "us-east-1",
            "service",
            &request,
            AmzTime::from_unix(T_20150830),
        );
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["x-amz-date", "x-amz-security-token", "authorization"]
        );
        assert_eq!(
            header(&headers, "x-amz-security-token"),
            Some(token.as_str())
        );
    }

    // ---- Amazon S3 "Signature Calculations for the Authorization Header"
    // ---- (sig-v4-header-based-auth), example "GET Object": examplebucket, /test.txt,
    // ---- Range: bytes=0-9, 20130524T000000Z, us-east-1,
    // ---- https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html

    #[test]
    fn s3_get_object_example() {
        // The S3 example uses a secret differing from the one above by one character.
        let secret = ["wJalrXUtnFEMI/K7MDENG", "/bPxRfiCYEXAMPLEKEY"].concat();
        let access_key_id = ["AKIAIOSFODNN7", "EXAMPLE"].concat();
        let credentials = Credentials {
            access_key_id: &access_key_id,
            secret_access_key: &secret,
            session_token: None,
        };
        let request = Request {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            query: &[],
            headers: &[("Range", "bytes=0-9")],
            body: b"",
        };
        let time = AmzTime::from_unix(1_369_353_600);
        assert_eq!(time.to_string(), "20130524T000000Z");
        let signed = compute(&credentials, "us-east-1", "s3", &request, time);
        assert_eq!(
            signed.canonical_request,
            [
                "GET",
                "/test.txt",
                "",
                "host:examplebucket.s3.amazonaws.com",
                "range:bytes=0-9",
                &format!("x-amz-content-sha256:{EMPTY_SHA256}"),
                "x-amz-date:20130524T000000Z",
                "",
                "host;range;x-amz-content-sha256;x-amz-date",
                EMPTY_SHA256,
            ]
            .join("\n")
        );
        assert_eq!(
            signed.string_to_sign,
            [
                "AWS4-HMAC-SHA256",
                "20130524T000000Z",
                "20130524/us-east-1/s3/aws4_request",
                "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
            ]
            .join("\n")
        );
        let headers = sign(&credentials, "us-east-1", "s3", &request, time);
        assert_eq!(header(&headers, "x-amz-content-sha256"), Some(EMPTY_SHA256));
        // The S3 page prints the header with "," alone between its parts; this module
        // writes ", " as the test suite does, and AWS accepts both.
        let authorization = header(&headers, "authorization").unwrap();
        assert_eq!(
            authorization.replace(", ", ","),
            format!(
                "AWS4-HMAC-SHA256 Credential={access_key_id}/20130524/us-east-1/s3/aws4_request,\
                 SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,\
                 Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
            )
        );
    }

    // ---- Behaviour beyond the published vectors.

    #[test]
    fn query_is_encoded_then_sorted_by_name_then_value() {
        assert_eq!(canonical_query(&[]), "");
        assert_eq!(
            canonical_query(&[("b", "2"), ("a", "x y/z+=&"), ("a", "1"), ("c", "")]),
            "a=1&a=x%20y%2Fz%2B%3D%26&b=2&c="
        );
        // Raw order would put "~" (0x7E) before "é" (0xC3 0xA9); encoded, "%C3%A9"
        // sorts first because '%' (0x25) < '~'.
        assert_eq!(canonical_query(&[("~", "1"), ("é", "2")]), "%C3%A9=2&~=1");
        // Upper case sorts before lower case (byte order), and '*' is encoded.
        assert_eq!(
            canonical_query(&[("a", "*"), ("B", "-._~")]),
            "B=-._~&a=%2A"
        );
    }

    #[test]
    fn path_encoding_single_for_s3_double_for_others() {
        assert_eq!(canonical_uri("", true), "/");
        assert_eq!(canonical_uri("", false), "/");
        assert_eq!(canonical_uri("/", true), "/");
        assert_eq!(canonical_uri("/bucket/my%20key", true), "/bucket/my%20key");
        assert_eq!(canonical_uri("/bucket/a+b%2fc", true), "/bucket/a%2Bb%2Fc");
        assert_eq!(canonical_uri("/bucket/100%", true), "/bucket/100%25");
        assert_eq!(
            canonical_uri("/bucket/my%20key", false),
            "/bucket/my%2520key"
        );
        assert_eq!(canonical_uri("relative/x", false), "/relative/x");
    }

    #[test]
    fn sign_adds_s3_payload_hash_and_ignores_generated_headers_in_input() {
        let secret = example_secret();
        let credentials = Credentials {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: &secret,
            session_token: None,
        };
        let body = b"example payload";
        let request = Request {
            method: "POST",
            host: "objectstorage.example.com",
            path: "/",
            query: &[],
            headers: &[
                ("Host", "other.example"),
                ("X-Amz-Date", "19990101T000000Z"),
                ("Authorization", "stale"),
                ("x-amz-content-sha256", "stale"),
            ],
            body,
        };
        let time = AmzTime::from_unix(T_20150830);
        let signed = compute(&credentials, "kr-central-2", "s3", &request, time);
        let body_hash = hex(&Sha256::digest(body));
        assert!(
            signed
                .canonical_request
                .contains("\nhost:objectstorage.example.com\n")
        );
        assert!(!signed.canonical_request.contains("other.example"));
        assert!(!signed.canonical_request.contains("stale"));
        assert!(!signed.canonical_request.contains("19990101"));
        assert!(signed.canonical_request.ends_with(&format!(
            "\nhost;x-amz-content-sha256;x-amz-date\n{body_hash}"
        )));
        let headers = sign(&credentials, "kr-central-2", "s3", &request, time);
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["x-amz-date", "x-amz-content-sha256", "authorization"]
        );
        assert_eq!(
            header(&headers, "x-amz-content-sha256"),
            Some(body_hash.as_str())
        );
        assert!(
            header(&headers, "authorization")
                .unwrap()
                .contains("/20150830/kr-central-2/s3/aws4_request, ")
        );
    }

    #[test]
    fn amz_time_from_unix() {
        let cases = [
            (0, "19700101T000000Z"),
            (86_399, "19700101T235959Z"),
            (T_20150830, "20150830T123600Z"),
            (951_782_400, "20000229T000000Z"), // leap day of a 400-year leap year
            (1_483_228_799, "20161231T235959Z"), // last second of a leap year
            (4_107_542_400, "21000301T000000Z"), // 2100 is not a leap year
            (253_402_300_799, "99991231T235959Z"),
        ];
        for (secs, want) in cases {
            assert_eq!(AmzTime::from_unix(secs).to_string(), want, "{secs}");
        }
        assert_eq!(AmzTime::from_unix(1_329_264_000).date_stamp(), "20120215");
        assert!(AmzTime::from_unix(1) < AmzTime::from_unix(2));
        // Does not panic at the extreme.
        let _ = AmzTime::from_unix(u64::MAX).to_string();
        assert!(AmzTime::now() > AmzTime::from_unix(T_20150830));
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let secret = example_secret();
        let credentials = Credentials {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: &secret,
            session_token: Some("token-value"),
        };
        let printed = format!("{credentials:?}");
        assert!(printed.contains("AKIDEXAMPLE"));
        assert!(!printed.contains(&secret));
        assert!(!printed.contains("token-value"));
    }

    #[test]
    fn header_value_normalisation_and_percent_decoding() {
        assert_eq!(normalize_value("  a   b  c "), "a b c");
        assert_eq!(normalize_value(""), "");
        assert_eq!(percent_decode("%e1%88%B4x%zz%4"), b"\xe1\x88\xb4x%zz%4");
    }
}
