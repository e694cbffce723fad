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

/// Marks of a shortened or masked value. No token alphabet holds them, so a value
/// carrying one anywhere was edited by hand.
const MASKS: &[&[u8]] = &[b"...", "…".as_bytes(), b"****"];

/// Words that mark a value as documentation or a stand-in, matched case-insensitively.
/// They count when they stand apart (see [`is_placeholder`]) or dominate the value.
const PLACEHOLDER_WORDS: &[&[u8]] = &[
    b"example",
    b"xxxx",
    b"placeholder",
    b"redacted",
    b"your",
    b"changeme",
    b"change_me",
];

/// Nouns that may follow a placeholder word without hiding it: AWS's documented
/// secret key ends in `EXAMPLEKEY`.
const TRAILING_NOUNS: &[&[u8]] = &[b"key", b"token", b"secret"];

/// Shortest run of one repeated character, or of consecutive characters (`abcdef`,
/// `654321`), that counts as typed by hand.
const RUN_LIMIT: usize = 6;

/// Fewest characters that must remain, once the placeholder parts are taken out, for
/// a value to still be a secret.
const MIN_REMAINING: usize = 8;

/// Shortest word of a name that a value spelling it is judged by.
const NAME_WORD: usize = 4;

/// Whether `secret` spells a word of the `name` it is assigned to (`password =
/// "SomeKindOfPassword123"`, `secret = 'AmAz0n+SqSsEcReT'`), case and the usual digit
/// and symbol stand-ins for letters aside: a sample value, made up to read as what it
/// is. Words are the name's runs of letters, at least four long.
pub fn spells_name(name: &[u8], secret: &[u8]) -> bool {
    let plain = |text: &[u8]| -> Vec<u8> {
        text.iter()
            .map(|&byte| match byte.to_ascii_lowercase() {
                b'4' | b'@' => b'a',
                b'3' => b'e',
                b'1' | b'!' => b'i',
                b'0' => b'o',
                b'5' | b'$' => b's',
                b'7' => b't',
                lower => lower,
            })
            .collect()
    };
    let secret = plain(secret);
    name.split(|byte| !byte.is_ascii_alphabetic())
        .filter(|word| word.len() >= NAME_WORD)
        .any(|word| {
            let word = word.to_ascii_lowercase();
            occurrences(&secret, &word).any(|at| !is_vendor_prefix(&secret, at, word.len()))
        })
}

/// Whether the word at `at..at + len` of `value` opens it as a vendor's prefix does
/// (`access_…`, `secret-…`, `token.…`): real tokens of some formats start so.
fn is_vendor_prefix(value: &[u8], at: usize, len: usize) -> bool {
    at == 0 && matches!(value.get(len), Some(b'_' | b'-' | b'.'))
}

/// Whether `secret` looks like a documentation value rather than a real credential.
///
/// The whole value is judged, so that a random token which merely contains a
/// look-alike (`xxxx`, `Example`, `abcdef`, `123456`) between random characters is
/// kept. A value is a placeholder when:
///
/// - it holds a brace or angle bracket (`{Secret Access Key}`, `<token>`, `${VAR}`),
///   `$(`, or is a whole `$VAR` or a variable's name (`OVH_SECRET_KEY`);
/// - it holds a mask, `...`, `…` or `****`, anywhere (`abc...`, `********`);
/// - a placeholder word (`example`, `xxxx`, `placeholder`, `redacted`, `your`,
///   `changeme`, `change_me`; any case) stands apart: it begins or ends the value, or
///   is a segment of its own between non-alphanumeric delimiters. A trailing `key`,
///   `token` or `secret` after the word is ignored. This drops `YOUR_API_KEY`,
///   `AKIAIOSFODNN7EXAMPLE`, `…bPxRfiCYEXAMPLEKEY`, `sk_live_xxxxxxxx`, `REDACTED`;
/// - or the placeholder parts dominate it: take out every placeholder word, every run
///   of `RUN_LIMIT` (6) or more identical or consecutive alphanumerics (`aaaaaa`,
///   `abcdef`, `654321`; delimiters between them are skipped) and every delimiter.
///   If fewer than `MIN_REMAINING` (8) alphanumerics remain, or fewer than were
///   taken out, the value is a placeholder (`0123456789abcdef`, `zyxwvu98q`,
///   `00000000-0000-0000-0000-000000000000`).
pub fn is_placeholder(secret: &[u8]) -> bool {
    if secret
        .iter()
        .any(|b| matches!(b, b'{' | b'}' | b'<' | b'>'))
    {
        return true;
    }
    if contains(secret, b"$(") || is_shell_variable(secret) || is_variable_name(secret) {
        return true;
    }
    if MASKS.iter().any(|mask| contains(secret, mask)) {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    let mut taken = vec![false; secret.len()];
    for word in PLACEHOLDER_WORDS {
        for start in occurrences(&lower, word) {
            let end = start + word.len();
            if stands_apart(&lower, start, end) {
                return true;
            }
            taken[start..end].fill(true);
        }
    }
    mark_runs(secret, &mut taken);
    dominated(secret, &taken)
}

/// A whole value that reads as an environment variable's name, `SCREAMING_SNAKE_CASE`
/// (`OVH_DATAPLATFORM_SECRET_KEY`, `SOPS_AGE_KEY`): words of capital letters (digits
/// after the first letter) joined by underscores, each word at least two letters
/// long. Where a key is expected, it names the variable that holds the key.
fn is_variable_name(secret: &[u8]) -> bool {
    let words: Vec<&[u8]> = secret.split(|&b| b == b'_').collect();
    words.len() >= 2
        && words.iter().all(|word| {
            word.len() >= 2
                && word[0].is_ascii_uppercase()
                && word
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && word.iter().filter(|b| b.is_ascii_uppercase()).count() >= 2
        })
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

/// Start of every occurrence of `needle` in `haystack`, overlapping ones included.
fn occurrences<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(move |(_, window)| *window == needle)
        .map(|(start, _)| start)
}

/// Whether `byte` separates segments of a value: anything but an ASCII letter or digit.
fn is_delimiter(byte: u8) -> bool {
    !byte.is_ascii_alphanumeric()
}

/// Whether the word at `start..end` of `lower` begins or ends the value or is a
/// delimited segment of its own, a trailing noun (`EXAMPLEKEY`) included.
fn stands_apart(lower: &[u8], start: usize, end: usize) -> bool {
    let edge = |at: usize| at == lower.len() || is_delimiter(lower[at]);
    let end = TRAILING_NOUNS
        .iter()
        .find(|noun| lower[end..].starts_with(noun) && edge(end + noun.len()))
        .map_or(end, |noun| end + noun.len());
    start == 0 || end == lower.len() || (is_delimiter(lower[start - 1]) && edge(end))
}

/// Marks in `taken` every run of `RUN_LIMIT` or more identical, ascending or
/// descending alphanumerics, skipping the delimiters between them.
fn mark_runs(secret: &[u8], taken: &mut [bool]) {
    let positions: Vec<usize> = (0..secret.len())
        .filter(|&i| !is_delimiter(secret[i]))
        .collect();
    // For each kind of run, the index in `positions` where the current run started.
    let mut starts = [0usize; 3];
    for k in 1..=positions.len() {
        for (kind, start) in starts.iter_mut().enumerate() {
            let continues = k < positions.len() && {
                let (a, b) = (secret[positions[k - 1]], secret[positions[k]]);
                match kind {
                    0 => a == b,
                    1 => a.checked_add(1) == Some(b),
                    _ => b.checked_add(1) == Some(a),
                }
            };
            if !continues {
                if k - *start >= RUN_LIMIT {
                    for &at in &positions[*start..k] {
                        taken[at] = true;
                    }
                }
                *start = k;
            }
        }
    }
}

/// Whether the `taken` placeholder parts dominate `secret`: any were found, and the
/// alphanumerics left are fewer than `MIN_REMAINING` or fewer than those taken.
fn dominated(secret: &[u8], taken: &[bool]) -> bool {
    let (mut taken_count, mut remaining) = (0, 0);
    for (&byte, &t) in secret.iter().zip(taken) {
        match (t, is_delimiter(byte)) {
            (_, true) => {}
            (true, false) => taken_count += 1,
            (false, false) => remaining += 1,
        }
    }
    taken_count > 0 && (remaining < MIN_REMAINING || remaining < taken_count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_that_spells_its_name_is_a_sample() {
        assert!(spells_name(b"Password", b"SomeKindOfPassword123!@#"));
        assert!(spells_name(
            b"secret",
            b"AmAz0n+SqSsEcReT+aLpHaNuM3R1CsTr1nG"
        ));
        assert!(spells_name(b"DB_PASSWORD", b"P@ssw0rd2024"));
        assert!(spells_name(b"api_token", b"myT0ken-q7Vz2LmN"));
        // Words under four letters, and random values, say nothing.
        assert!(!spells_name(b"pwd", b"q7Vz2LmN9pR4tX8w"));
        assert!(!spells_name(b"secret", b"q7Vz2LmN9pR4tX8w"));
        assert!(!spells_name(b"api_key", b"Xk3yq7Vz2LmN9pR4"));
        // A vendor's prefix is the format, not a spelling.
        assert!(!spells_name(
            b"ACCESS_TOKEN",
            b"access_XgutKRB7g7jPiq7Vz2LmN"
        ));
        assert!(!spells_name(b"secret", b"secret-q7Vz2LmN9pR4tX8w"));
        assert!(spells_name(b"secret", b"secret123-q7Vz"));
    }

    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// SplitMix64: a small deterministic generator, so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, bound: usize) -> usize {
            (self.next() % bound as u64) as usize
        }

        /// `len` random base62 characters.
        fn token(&mut self, len: usize) -> String {
            (0..len)
                .map(|_| BASE62[self.below(BASE62.len())] as char)
                .collect()
        }
    }

    /// Look-alikes that a random token can contain by chance.
    const LOOK_ALIKES: &[&str] = &[
        "xxxx",
        "XXXX",
        "Example",
        "EXAMPLE",
        "example",
        "abcdef",
        "ABCDEF",
        "123456",
        "654321",
        "zyxwvu",
        "aaaaaa",
        "000000",
        "Redacted",
        "your",
        "placeholder",
        "changeme",
    ];

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
            "<token>",
            "<your-key>",
            "${VAR}",
            "${NHN_SECRET}",
            "$VAR",
            "$NHN_SECRET",
            "$(cmd)",
            "$(vault read key)",
            "OVH_DATAPLATFORM_SECRET_KEY",
            "SOPS_AGE_KEY",
            "YOUR_API_KEY",
            "YOUR_APPKEY",
            "YOURSECRETKEY123",
            "your-token-here",
            "your-api-key-here",
            "xxxxxxxxxxxxxxxx",
            "XXXXXXXX",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "sk_live_xxxxxxxxxxxxxxxx",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "example",
            "example-secret",
            "my-example-token-q7Vz2LmN9pR4",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc_placeholder_not_valid",
            "********",
            "abc****def",
            "abc...",
            "npm_q7Vz2LmN...9pR4tX8w",
            "0123456789abcdef…",
            "changeme",
            "change_me",
            "ChangeMe123",
            "REDACTED",
            "redacted-q7Vz2LmN9pR4tX8w",
            "aaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaab",
            "xxxxxxxx1xxxxxxx",
            "0000000000000000",
            "00000000-0000-0000-0000-000000000000",
            "0123456789abcdef",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "1234-5678-9012",
            "AKIA123456789012",
            "zyxwvu98q",
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
            "q7Vz2LmNxxxx9pR4tX8w",
            "q7Vz2LmNExample9pR4tX8w",
            "q7Vz2LmN123456pR4tX8w",
            "q7Vz2LmNabcdef9pR4tX8w",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYq7Vz",
            "51M0XvqZjxTW3xvbxxxxoSRt5Mh3dAwVtRMflhbmuaptt0Azn0DNRUQxA71p2Td8VKqxryo",
            "Q7VZ2LMN9PR4TX8WQ2KD",
            "Q7VZ_2LMN9PR4TX8W",
            "TOKEN_Q7VZ2LmN9pR4tX8w",
        ] {
            assert!(
                !is_placeholder(value.as_bytes()),
                "{value} should not be a placeholder"
            );
        }
    }

    /// Many random tokens, each with a look-alike between random characters: all kept.
    #[test]
    fn random_tokens_with_embedded_look_alikes_are_kept() {
        let mut rng = Rng(0x6b65_7973_6361_6e31);
        let mut checked = 0;
        for _ in 0..20_000 {
            let word = LOOK_ALIKES[rng.below(LOOK_ALIKES.len())];
            let left = 1 + rng.below(24);
            let right = (1 + rng.below(24)).max(16usize.saturating_sub(left));
            let (left, right) = (rng.token(left), rng.token(right));
            // Random neighbours that spell more of the word (`XXXX` + `xX` at the end)
            // would make it stand at an end; such a token is rightly dropped.
            let repeats = |c: Option<char>| {
                c.is_some_and(|c| word.to_ascii_lowercase().contains(c.to_ascii_lowercase()))
            };
            if repeats(left.chars().last()) || repeats(right.chars().next()) {
                continue;
            }
            let token = format!("{left}{word}{right}");
            assert!(
                !is_placeholder(token.as_bytes()),
                "{token} holds {word} between random characters and should be kept"
            );
            let prefixed = format!("sk_live_{token}");
            assert!(
                !is_placeholder(prefixed.as_bytes()),
                "{prefixed} should be kept"
            );
            checked += 1;
        }
        assert!(checked > 12_000, "only {checked} tokens checked");
    }

    /// The same look-alikes standing apart (at an end, or as a segment of their own)
    /// or filling most of the value mark a placeholder.
    #[test]
    fn look_alikes_that_stand_apart_or_dominate_are_dropped() {
        let mut rng = Rng(0x706c_6163_6568_6f6c);
        let words = [
            "xxxx",
            "EXAMPLE",
            "Example",
            "your",
            "placeholder",
            "redacted",
        ];
        for _ in 0..2_000 {
            let word = words[rng.below(words.len())];
            let len = 16 + rng.below(24);
            let random = rng.token(len);
            for value in [
                format!("{word}{random}"),
                format!("{random}{word}"),
                format!("{random}{word}KEY"),
                format!("{}_{word}_{random}", rng.token(8)),
                format!("{}-{word}.{random}", rng.token(8)),
            ] {
                assert!(
                    is_placeholder(value.as_bytes()),
                    "{value} should be dropped"
                );
            }
            let run = ["aaaaaaaaaaaa", "0123456789ab", "zyxwvutsrqpo"][rng.below(3)];
            let (left, right) = (rng.below(4), rng.below(4));
            let short = format!("{}{run}{}", rng.token(left), rng.token(right));
            assert!(
                is_placeholder(short.as_bytes()),
                "{short} should be dropped"
            );
        }
    }

    #[test]
    fn random_tokens_without_look_alikes_are_kept() {
        let mut rng = Rng(0x7261_6e64_6f6d_3136);
        for _ in 0..20_000 {
            let len = 16 + rng.below(48);
            let token = rng.token(len);
            assert!(!is_placeholder(token.as_bytes()), "{token} should be kept");
        }
    }
}
