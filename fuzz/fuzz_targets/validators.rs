//! Arbitrary bytes as a captured secret through each structural validator: JWT
//! (base64url JSON header with `alg`, JSON payload) and GitHub's CRC32 checksum.

#![no_main]

use keyscan::engine::is_valid;
use keyscan::rules::Validator;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if is_valid(Validator::Jwt, data) {
        assert_eq!(
            data.iter().filter(|&&b| b == b'.').count(),
            2,
            "a JWT has 3 parts"
        );
    }
    if is_valid(Validator::GithubChecksum, data) {
        let underscore = data.iter().rposition(|&b| b == b'_').expect("a prefix_");
        assert!(data.len() - underscore > 7, "a body and 6 checksum digits");
    }
});
