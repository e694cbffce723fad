//! Redaction: what reports show of a secret (the mask itself is [`crate::text::redact`]).

pub use crate::text::redact;

use super::ReportOptions;

/// What a report shows of a secret: redacted unless the user asked to see it.
pub(super) fn shown(secret: &str, options: &ReportOptions) -> String {
    if options.show_secrets {
        secret.to_owned()
    } else {
        redact(secret)
    }
}
