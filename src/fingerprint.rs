//! Fingerprints: a finding's identity across moves, machines and runs, from its rule
//! and secret, that does not give the secret away.
//!
//! Baselines and SARIF files are shared more widely than the secrets they describe,
//! so a fingerprint must not be a shortcut to the secret. A random token (an access
//! key, a PEM key) cannot be guessed however fast each guess is: its fingerprint is a
//! salted SHA-256. A secret a person chose (`hunter2` in a database URL) can be: its
//! fingerprint is Argon2id with the memory and time OWASP recommends for password
//! storage, so every guess costs an attacker what it costs keyscan, about 15 ms and
//! 19 MiB, and a salt kept with the baseline rules out tables computed in advance.
//! Each distinct secret is derived once a scan, and at most [`SLOW_BUDGET`] of them.
//!
//! Version 1 fingerprints (an unsalted SHA-256) are still recognised when reading old
//! baselines and allow markers, never written.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::{Algorithm, Argon2, Block, Params, Version};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// The salt when neither a baseline nor anything else gives one.
pub const DEFAULT_SALT: &str = "keyscan";

/// Bytes of a fingerprint (shown as twice as many hex digits).
const FINGERPRINT_BYTES: usize = 16;

/// Argon2id memory in KiB and passes: OWASP's first recommended setting.
const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
const ARGON2_PASSES: u32 = 2;

/// A secret is strong when its length times the Shannon entropy of its characters
/// reaches this many bits, and it is at least [`STRONG_MIN_CHARS`] long.
const STRONG_BITS: f64 = 128.0;
const STRONG_MIN_CHARS: usize = 20;

/// Most slow derivations one scan makes: about 30 CPU seconds. Each guessable secret
/// costs 15 ms where scanning the bytes that hold it costs nanoseconds, so a file of a
/// million short generated values (or one built to stall scanners) would otherwise take
/// hours. Which secrets get them is decided over the whole scan, in sorted order, so
/// that a scan of the same secrets gives the same fingerprints. Past this, guessable
/// secrets get the fast fingerprint and the scan says so.
pub const SLOW_BUDGET: usize = 2048;

thread_local! {
    /// The Argon2 working memory of this thread, allocated at its first slow derivation.
    static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Makes the fingerprints of one scan, with one salt.
pub struct Fingerprinter {
    salt: String,
    argon2: Argon2<'static>,
    /// Guessable secrets given the fast fingerprint because the budget was spent.
    over_budget: AtomicUsize,
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fingerprinter")
            .field("salt", &self.salt)
            .finish_non_exhaustive()
    }
}

impl Fingerprinter {
    /// Fingerprints salted with `salt` (a baseline's, or [`DEFAULT_SALT`]).
    pub fn new(salt: &str) -> Fingerprinter {
        let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, Some(FINGERPRINT_BYTES))
            .expect("constant Argon2 parameters are valid");
        Fingerprinter {
            salt: salt.to_owned(),
            argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            over_budget: AtomicUsize::new(0),
        }
    }

    /// The salt these fingerprints are made with.
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// How many distinct guessable secrets got the fast fingerprint because the scan
    /// had more than [`SLOW_BUDGET`] of them.
    pub fn over_budget(&self) -> usize {
        self.over_budget.load(Ordering::Relaxed)
    }

    /// The fingerprints of `items` (rule id, secret), in their order: 32 hex digits
    /// each. Random tokens get the fast one; of the distinct guessable secrets, the
    /// first [`SLOW_BUDGET`] in sorted order get the slow one (derived in parallel),
    /// the rest the fast one.
    pub fn all(&self, items: &[(&str, &str)]) -> Vec<String> {
        self.within_budget(items, SLOW_BUDGET)
    }

    /// [`Fingerprinter::all`] with at most `budget` slow derivations.
    fn within_budget(&self, items: &[(&str, &str)], budget: usize) -> Vec<String> {
        let mut guessable: Vec<(&str, &str)> = items
            .iter()
            .copied()
            .filter(|(_, secret)| !is_strong(secret))
            .collect();
        guessable.sort_unstable();
        guessable.dedup();
        let over = guessable.len().saturating_sub(budget);
        self.over_budget.fetch_add(over, Ordering::Relaxed);
        guessable.truncate(budget);
        let slow: HashMap<(&str, &str), String> = guessable
            .par_iter()
            .map(|&(rule_id, secret)| ((rule_id, secret), self.slow(rule_id, secret)))
            .collect();
        items
            .iter()
            .map(|key| {
                slow.get(key)
                    .cloned()
                    .unwrap_or_else(|| self.fast(key.0, key.1))
            })
            .collect()
    }

    /// What every fingerprint is salted with for `rule_id`.
    fn salted(&self, rule_id: &str) -> [u8; 32] {
        hash(&["keyscan:v2", &self.salt, rule_id])
    }

    /// The salted SHA-256 fingerprint.
    fn fast(&self, rule_id: &str, secret: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.salted(rule_id));
        hasher.update(secret.as_bytes());
        hex(&hasher.finalize()[..FINGERPRINT_BYTES])
    }

    /// The Argon2id fingerprint.
    fn slow(&self, rule_id: &str, secret: &str) -> String {
        let mut out = [0u8; FINGERPRINT_BYTES];
        // Each thread keeps its 19 MiB of blocks: mapping them afresh for every secret
        // cost as much system time as the derivation itself.
        MEMORY.with_borrow_mut(|blocks| {
            blocks.resize(ARGON2_MEMORY_KIB as usize, Block::default());
            self.argon2
                .hash_password_into_with_memory(
                    secret.as_bytes(),
                    &self.salted(rule_id),
                    &mut out,
                    blocks,
                )
                .expect("a 32-byte salt and a 16-byte output are within Argon2's bounds");
        });
        hex(&out)
    }
}

/// The version 1 fingerprint of `secret` found by rule `rule_id`, as baselines and
/// allow markers written before version 2 hold it.
pub fn legacy(rule_id: &str, secret: &str) -> String {
    hex(&hash(&["keyscan:v1", rule_id, secret])[..FINGERPRINT_BYTES])
}

/// A new random salt for a baseline: 128 bits from the operating system, in hex.
pub fn new_salt() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(hex(&bytes))
}

/// Whether `secret` is too random to guess: long, and with enough entropy in its
/// characters that no list of likely secrets holds it.
fn is_strong(secret: &str) -> bool {
    let mut counts: HashMap<char, usize> = HashMap::new();
    for c in secret.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let length = secret.chars().count();
    if length < STRONG_MIN_CHARS {
        return false;
    }
    let n = length as f64;
    let per_char: f64 = counts
        .values()
        .map(|&count| {
            let p = count as f64 / n;
            -p * p.log2()
        })
        .sum();
    per_char * n >= STRONG_BITS
}

/// SHA-256 of `parts`, each followed by a NUL so that no two lists hash alike.
fn hash(parts: &[&str]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANDOM_TOKEN: &str = "Zq8vN2xLr5TfW1cYb7HgK3mPd9sJa4Ue6";

    impl Fingerprinter {
        /// The fingerprint of one finding.
        fn of(&self, rule_id: &str, secret: &str) -> String {
            self.all(&[(rule_id, secret)]).remove(0)
        }
    }

    #[test]
    fn fingerprints_depend_on_salt_rule_and_secret_only() {
        let keyscan = Fingerprinter::new("s1");
        for secret in [RANDOM_TOKEN, "hunter2"] {
            let a = keyscan.of("rule", secret);
            assert_eq!(a.len(), 32);
            assert_eq!(a, Fingerprinter::new("s1").of("rule", secret));
            assert_ne!(a, keyscan.of("other-rule", secret));
            assert_ne!(a, Fingerprinter::new("s2").of("rule", secret));
            assert_ne!(a, legacy("rule", secret));
        }
        assert_ne!(keyscan.of("rule", "hunter2"), keyscan.of("rule", "hunter3"));
    }

    #[test]
    fn chosen_secrets_get_the_slow_derivation_and_random_tokens_the_fast_one() {
        assert!(is_strong(RANDOM_TOKEN));
        assert!(is_strong("wJalrXUtnFEMIK7MDENGbPxRfiCYFAKEKEY0123456"));
        for weak in [
            "hunter2",
            "Summer2024!",
            "CorrectHorseBatteryStaple1!",
            "0123456789abcdef0123",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert!(!is_strong(weak), "{weak}");
        }
        // A chosen secret gets Argon2id, a random token the salted SHA-256.
        let keyscan = Fingerprinter::new(DEFAULT_SALT);
        assert_eq!(
            keyscan.of("rule", "hunter2"),
            keyscan.slow("rule", "hunter2")
        );
        assert_ne!(
            keyscan.of("rule", "hunter2"),
            keyscan.fast("rule", "hunter2")
        );
        assert_eq!(
            keyscan.of("rule", RANDOM_TOKEN),
            keyscan.fast("rule", RANDOM_TOKEN)
        );
    }

    #[test]
    fn past_the_budget_the_last_guessable_secrets_in_sorted_order_get_the_fast_one() {
        let keyscan = Fingerprinter::new("s");
        let items = [
            ("rule", "hunter3"),
            ("rule", RANDOM_TOKEN),
            ("rule", "hunter1"),
            ("rule", "hunter2"),
            ("rule", "hunter1"),
        ];
        let made = keyscan.within_budget(&items, 2);
        assert_eq!(keyscan.over_budget(), 1);
        assert_eq!(made[2], made[4], "one secret, one fingerprint");
        assert_eq!(made[2], keyscan.slow("rule", "hunter1"));
        assert_eq!(made[3], keyscan.slow("rule", "hunter2"));
        assert_eq!(made[0], keyscan.fast("rule", "hunter3"));
        assert_eq!(made[1], keyscan.fast("rule", RANDOM_TOKEN));
        // The same secrets in another order get the same fingerprints.
        let mut reversed = items;
        reversed.reverse();
        let again = Fingerprinter::new("s").within_budget(&reversed, 2);
        assert_eq!(
            again.iter().rev().collect::<Vec<_>>(),
            made.iter().collect::<Vec<_>>()
        );
    }

    #[test]
    fn version_1_fingerprints_are_what_keyscan_wrote_before() {
        // What keyscan 0.1 wrote for this finding, computed independently.
        assert_eq!(
            legacy("aws-access-key-id", "AKIAFAKE"),
            "e07bde357de382601b6d384762b266e4"
        );
    }

    #[test]
    fn new_salts_differ() {
        let salt = new_salt().unwrap();
        assert_eq!(salt.len(), 32);
        assert_ne!(salt, new_salt().unwrap());
    }
}
