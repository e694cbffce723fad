//! What reports show of a secret instead of the secret: a short prefix and a mask,
//! or a private key's armour line.

/// The secret as reports show it: at most its first 4 characters (fewer for short
/// secrets), then a fixed mask that reveals nothing about its length. A private key
/// shows its armour line instead (`-----BEGIN RSA PRIVATE KEY----- ****`), which names
/// the kind of key and nothing of it.
pub fn redact(secret: &str) -> String {
    if let Some(armour) = armour_line(secret) {
        return format!("{armour} ****");
    }
    let visible = (secret.chars().count() / 8).min(4);
    let prefix: String = secret
        .chars()
        .take(visible)
        .filter(|c| !c.is_control())
        .collect();
    format!("{prefix}********")
}

/// The first line of a PEM block (`-----BEGIN … -----`) or of a PuTTY key file
/// (`PuTTY-User-Key-File-3: ssh-ed25519`), when `secret` starts with one; the line
/// ends at a line break or where a string literal escapes one (`\n`, `"`).
fn armour_line(secret: &str) -> Option<&str> {
    let end = secret.find(['\n', '\r', '\\', '"']).unwrap_or(secret.len());
    let first = secret[..end].trim_end();
    let pem = first.starts_with("-----BEGIN ") && first.ends_with("-----") && first.len() <= 80;
    let putty = first.starts_with("PuTTY-User-Key-File-") && first.len() <= 80;
    ((pem || putty) && first.chars().all(|c| c.is_ascii_graphic() || c == ' ')).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_contains_the_secret() {
        for secret in [
            "short",
            "q7Vz2LmN9pR4tX8w",
            "ghp_FAKE0aB1cD2eF3gH4iJ5kL6mN7oP8q9rS0tU",
        ] {
            let shown = redact(secret);
            assert!(!shown.contains(secret));
            assert!(shown.ends_with("********"));
            assert!(shown.chars().count() <= 12);
        }
        assert_eq!(redact("short"), "********");
        assert_eq!(redact("q7Vz2LmN9pR4tX8w"), "q7********");
        assert_eq!(
            redact("ghp_FAKE0aB1cD2eF3gH4iJ5kL6mN7oP8q9rS0tU"),
            "ghp_********"
        );
    }

    #[test]
    fn a_private_key_shows_its_armour_line_and_nothing_of_its_body() {
        let key =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAFAKE\n-----END RSA PRIVATE KEY-----";
        assert_eq!(redact(key), "-----BEGIN RSA PRIVATE KEY----- ****");
        let putty =
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAAFAKE";
        assert_eq!(redact(putty), "PuTTY-User-Key-File-3: ssh-ed25519 ****");
        let escaped = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANFAKE\\n-----END PRIVATE KEY-----";
        assert_eq!(redact(escaped), "-----BEGIN PRIVATE KEY----- ****");
        // Not an armour line: the usual prefix and mask.
        assert_eq!(redact("-----BEGIN x"), "-********");
    }
}
