//! Redaction: what reports show of a secret.

use super::ReportOptions;

/// The secret as reports show it: at most its first 4 characters (fewer for short
/// secrets), then a fixed mask that reveals nothing about its length.
pub fn redact(secret: &str) -> String {
    let visible = (secret.chars().count() / 8).min(4);
    let prefix: String = secret
        .chars()
        .take(visible)
        .filter(|c| !c.is_control())
        .collect();
    format!("{prefix}********")
}

/// What a report shows of a secret: redacted unless the user asked to see it.
pub(super) fn shown(secret: &str, options: &ReportOptions) -> String {
    if options.show_secrets {
        secret.to_owned()
    } else {
        redact(secret)
    }
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
}
