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
//!
//! Version 1 fingerprints (an unsalted SHA-256) are still recognised when reading old
//! baselines and allow markers, never written.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::{Algorithm, Argon2, Block, Params, Version};
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
/// hours. Past this, guessable secrets get the fast fingerprint and the scan says so.
pub const SLOW_BUDGET: usize = 2048;

thread_local! {
    /// The Argon2 working memory of this thread, allocated at its first slow derivation.
    static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Computes the fingerprints of one scan, with one salt, remembering the slow ones.
pub struct Fingerprinter {
    salt: String,
    argon2: Argon2<'static>,
    slow: Mutex<HashMap<[u8; 32], String>>,
    /// Slow derivations started.
    spent: AtomicUsize,
    /// Guessable secrets given the fast fingerprint once the budget was spent.
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
            slow: Mutex::default(),
            spent: AtomicUsize::new(0),
            over_budget: AtomicUsize::new(0),
        }
    }

    /// How many guessable secrets got the fast fingerprint because the scan had more
    /// than [`SLOW_BUDGET`] of them.
    pub fn over_budget(&self) -> usize {
        self.over_budget.load(Ordering::Relaxed)
    }

    /// The salt these fingerprints are made with.
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// The fingerprint of `secret` found by rule `rule_id`: 32 hex digits.
    pub fn of(&self, rule_id: &str, secret: &str) -> String {
        let salted = hash(&["keyscan:v2", &self.salt, rule_id]);
        let fast = || {
            let mut hasher = Sha256::new();
            hasher.update(salted);
            hasher.update(secret.as_bytes());
            hex(&hasher.finalize()[..FINGERPRINT_BYTES])
        };
        if is_strong(secret) {
            return fast();
        }
        let key = hash(&[&hex(&salted), secret]);
        if let Some(known) = lock(&self.slow).get(&key) {
            return known.clone();
        }
        if self.spent.fetch_add(1, Ordering::Relaxed) >= SLOW_BUDGET {
            self.over_budget.fetch_add(1, Ordering::Relaxed);
            return fast();
        }
        let mut out = [0u8; FINGERPRINT_BYTES];
        // Each thread keeps its 19 MiB of blocks: mapping them afresh for every secret
        // cost as much system time as the derivation itself.
        MEMORY.with_borrow_mut(|blocks| {
            blocks.resize(ARGON2_MEMORY_KIB as usize, Block::default());
            self.argon2
                .hash_password_into_with_memory(secret.as_bytes(), &salted, &mut out, blocks)
                .expect("a 32-byte salt and a 16-byte output are within Argon2's bounds");
        });
        let fingerprint = hex(&out);
        lock(&self.slow).insert(key, fingerprint.clone());
        fingerprint
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

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANDOM_TOKEN: &str = "Zq8vN2xLr5TfW1cYb7HgK3mPd9sJa4Ue6";

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
        // The slow one is Argon2id: not the SHA-256 the fast one would give.
        let keyscan = Fingerprinter::new(DEFAULT_SALT);
        let salted = hash(&["keyscan:v2", DEFAULT_SALT, "rule"]);
        let mut hasher = Sha256::new();
        hasher.update(salted);
        hasher.update(b"hunter2");
        assert_ne!(
            keyscan.of("rule", "hunter2"),
            hex(&hasher.finalize()[..FINGERPRINT_BYTES])
        );
    }

    #[test]
    fn past_the_budget_guessable_secrets_get_the_fast_fingerprint_and_are_counted() {
        let keyscan = Fingerprinter::new("s");
        let slow = keyscan.of("rule", "hunter2");
        keyscan.spent.store(SLOW_BUDGET, Ordering::Relaxed);
        // Derived before: still the slow one.
        assert_eq!(keyscan.of("rule", "hunter2"), slow);
        assert_eq!(keyscan.over_budget(), 0);
        let fresh = Fingerprinter::new("s");
        let slow_other = fresh.of("rule", "hunter3");
        assert_ne!(keyscan.of("rule", "hunter3"), slow_other);
        assert_eq!(keyscan.over_budget(), 1);
        // Random tokens never count against it.
        keyscan.of("rule", RANDOM_TOKEN);
        assert_eq!(keyscan.over_budget(), 1);
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
