//! Cheap filters that drop matches which are not secrets: low entropy and
//! documentation placeholders.

/// Shannon entropy of `bytes` in bits per byte.
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &byte in bytes {
        counts[byte as usize] += 1;
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&count| count > 0)
        .map(|&count| {
            let p = count as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a value as documentation or a stand-in, matched case-insensitively.
const PLACEHOLDER_WORDS: &[&[u8]] = &[
    b"example",
    b"xxxx",
    b"placeholder",
    b"redacted",
    b"****",
    b"...",
    "…".as_bytes(),
];

/// Shortest run of one repeated character, or of consecutive characters (`abcdef`,
/// `654321`), that marks a value as typed by hand.
const RUN_LIMIT: usize = 6;

/// Whether `secret` looks like a documentation value rather than a real credential:
/// `{Secret Access Key}`, `<token>`, `${VAR}`, `$VAR`, `YOUR_KEY`, `xxxx`, `EXAMPLE`,
/// or long runs of one or of consecutive characters.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if secret
        .iter()
        .any(|b| matches!(b, b'{' | b'}' | b'<' | b'>'))
    {
        return true;
    }
    if secret.windows(2).any(|pair| pair == b"$(") || is_shell_variable(secret) {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    if lower.starts_with(b"your") {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|word| contains(&lower, word)) {
        return true;
    }
    has_run(secret)
}

/// `$NAME` as a whole value: a reference to an environment variable.
fn is_shell_variable(secret: &[u8]) -> bool {
    match secret.split_first() {
        Some((b'$', name)) => {
            !name.is_empty() && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        }
        _ => false,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// A run of `RUN_LIMIT` identical, ascending or descending characters.
fn has_run(secret: &[u8]) -> bool {
    let (mut same, mut up, mut down) = (1, 1, 1);
    for pair in secret.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        same = if a == b { same + 1 } else { 1 };
        up = if a.is_ascii_alphanumeric() && b == a.wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if a.is_ascii_alphanumeric() && a == b.wrapping_add(1) {
            down + 1
        } else {
            1
        };
        if same >= RUN_LIMIT || up >= RUN_LIMIT || down >= RUN_LIMIT {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_uniform_and_random_strings() {
        assert_eq!(shannon_entropy(b""), 0.0);
        assert_eq!(shannon_entropy(b"aaaaaaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy(b"q7Vz2LmN9pR4tX8w") > 3.9);
    }

    #[test]
    fn documentation_values_are_placeholders() {
        for value in [
            "{Secret Access Key}",
            "<your-key>",
            "${NHN_SECRET}",
            "$NHN_SECRET",
            "$(vault read key)",
            "YOUR_APPKEY",
            "your-api-key-here",
            "AKIAIOSFODNN7EXAMPLE",
            "sk_live_xxxxxxxxxxxxxxxx",
            "abc****def",
            "aaaaaaaaaaaaaaaa",
            "0123456789abcdef",
            "zyxwvu98q",
            "REDACTED",
        ] {
            assert!(
                is_placeholder(value.as_bytes()),
                "{value} should be a placeholder"
            );
        }
    }

    #[test]
    fn random_values_are_not_placeholders() {
        for value in [
            "q7Vz2LmN9pR4tX8w",
            "Zt8$kQ2m",
            "a1b2c3d4e5f6a7b8",
            "4f8Q2b9Zt1LmN0pR7sV3wX6yA5cD8eFg",
        ] {
            assert!(
                !is_placeholder(value.as_bytes()),
                "{value} should not be a placeholder"
            );
        }
    }
}
