//! Structural validators: checks a secret must pass beyond its pattern.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::rules::Validator;

/// base64url that accepts values with or without `=` padding, as JWTs are found in the wild.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Whether `secret` passes `validator`.
pub fn is_valid(validator: Validator, secret: &[u8]) -> bool {
    match validator {
        Validator::Jwt => is_jwt(secret),
        Validator::GithubChecksum => has_github_checksum(secret),
    }
}

/// Three base64url parts; the header is a JSON object with `alg`, the payload a JSON object.
fn is_jwt(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let decode_object = |part: &[u8]| -> Option<serde_json::Map<String, serde_json::Value>> {
        let json = BASE64URL.decode(part).ok()?;
        serde_json::from_slice(&json).ok()
    };
    match (decode_object(header), decode_object(payload)) {
        (Some(header), Some(payload)) => {
            header.get("alg").is_some_and(|alg| alg.is_string())
                && !is_documentation_sample(&payload)
        }
        _ => false,
    }
}

/// Whether a JWT payload is the sample that JWT documentation and tutorials print
/// (subject `1234567890`, name `John Doe`): copied into code, it is not a credential.
fn is_documentation_sample(payload: &serde_json::Map<String, serde_json::Value>) -> bool {
    payload.get("sub").and_then(|sub| sub.as_str()) == Some("1234567890")
        && payload.get("name").and_then(|name| name.as_str()) == Some("John Doe")
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `prefix_` + body + six base62 digits of the CRC32 of the body (zero-padded).
fn has_github_checksum(token: &[u8]) -> bool {
    let Some(underscore) = token.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let rest = &token[underscore + 1..];
    if rest.len() <= 6 {
        return false;
    }
    let (body, checksum) = rest.split_at(rest.len() - 6);
    base62_fixed(crc32fast::hash(body), 6) == checksum
}

/// `value` in base62, left-padded with `0` to `width` digits.
fn base62_fixed(mut value: u32, width: usize) -> Vec<u8> {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documentation_sample_token_is_not_a_credential() {
        let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
        let sample = b64(r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#);
        let real = b64(r#"{"sub":"svc-billing","name":"John Doe","iat":1716239022}"#);
        assert!(!is_jwt(
            format!("{header}.{sample}.c2lnbmF0dXJl").as_bytes()
        ));
        assert!(is_jwt(format!("{header}.{real}.c2lnbmF0dXJl").as_bytes()));
    }

    fn b64(json: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn jwt_needs_json_header_with_alg_and_json_payload() {
        let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = b64(r#"{"sub":"1"}"#);
        let token = format!("{header}.{payload}.c2lnbmF0dXJl");
        assert!(is_valid(Validator::Jwt, token.as_bytes()));
        let no_alg = format!("{}.{payload}.sig", b64(r#"{"typ":"JWT"}"#));
        assert!(!is_valid(Validator::Jwt, no_alg.as_bytes()));
        let not_json = format!("{}.{payload}.sig", b64("hello"));
        assert!(!is_valid(Validator::Jwt, not_json.as_bytes()));
        assert!(!is_valid(
            Validator::Jwt,
            format!("{header}.{payload}").as_bytes()
        ));
        assert!(!is_valid(
            Validator::Jwt,
            format!("{header}.{payload}.a.b").as_bytes()
        ));
    }

    #[test]
    fn github_checksum_is_crc32_of_body_in_base62() {
        let body = "FAKE0aB1cD2eF3gH4iJ5kL6mN7oP8q";
        let checksum =
            String::from_utf8(base62_fixed(crc32fast::hash(body.as_bytes()), 6)).unwrap();
        let token = format!("ghp_{body}{checksum}");
        assert!(is_valid(Validator::GithubChecksum, token.as_bytes()));
        let mut broken = token.into_bytes();
        let last = broken.len() - 1;
        broken[last] = if broken[last] == b'A' { b'B' } else { b'A' };
        assert!(!is_valid(Validator::GithubChecksum, &broken));
    }

    #[test]
    fn base62_pads_and_encodes() {
        assert_eq!(base62_fixed(0, 6), b"000000");
        assert_eq!(base62_fixed(61, 6), b"00000z");
        assert_eq!(base62_fixed(62, 6), b"000010");
        assert_eq!(base62_fixed(u32::MAX, 6), b"4gfFC3");
    }
}
