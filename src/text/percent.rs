//! Percent-encoding (RFC 3986) for URLs, forms and URIs: the one encoder the SARIF
//! writer, the verifiers' URL templates and AWS SigV4 share, each with the set of
//! characters its context keeps.

/// The characters RFC 3986 calls unreserved besides letters and digits; every
/// context keeps these.
pub const UNRESERVED: &[u8] = b"-._~";

/// Appends `bytes` to `out`, ASCII letters and digits and the bytes of `keep` as they
/// are, every other byte as `%XX` in upper-case hex.
pub fn percent_encode_into(bytes: &[u8], keep: &[u8], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

/// `text` percent-encoded, keeping ASCII letters, digits and the bytes of `keep`.
pub fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    percent_encode_into(text.as_bytes(), keep, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_kept_characters_stay_as_they_are() {
        assert_eq!(percent_encode("a-Z_9.~", UNRESERVED), "a-Z_9.~");
        assert_eq!(percent_encode("a b/c:é", UNRESERVED), "a%20b%2Fc%3A%C3%A9");
        assert_eq!(percent_encode("a b/c:", b"-._~/:"), "a%20b/c:");
    }
}
