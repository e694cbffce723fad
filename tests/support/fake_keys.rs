//! Obviously fake, structurally valid keys, made at test time.

// Each test crate that includes this file uses its own subset of it.
#![allow(dead_code)]

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A structurally valid, obviously fake GitHub classic token (`ghp_`, CRC32 checksum),
/// different for each `seed`.
pub fn fake_github_token(seed: u32) -> String {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(0x9E37_79B9);
    let mut body = String::from("FAKE");
    while body.len() < 30 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        body.push(BASE62[(state % 62) as usize] as char);
    }
    let mut checksum = crc32fast::hash(body.as_bytes());
    let mut digits = [b'0'; 6];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(checksum % 62) as usize];
        checksum /= 62;
    }
    format!("ghp_{body}{}", String::from_utf8_lossy(&digits))
}

/// An obviously fake AWS access key pair, different for each `seed`: an `AKIA` key ID
/// and a 40-character secret access key, both marked `FAKE`.
pub fn fake_aws_pair(seed: u32) -> (String, String) {
    let mut state = seed.wrapping_mul(2_246_822_519).wrapping_add(0x7F4A_7C15);
    let mut next = |alphabet: &[u8]| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        alphabet[(state % alphabet.len() as u32) as usize] as char
    };
    let upper = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let id: String = (0..12).map(|_| next(upper)).collect();
    let secret: String = (0..36).map(|_| next(BASE62)).collect();
    (format!("AKIAFAKE{id}"), format!("FAKE{secret}"))
}
