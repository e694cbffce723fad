//! Arbitrary bytes as a scanned blob: the built-in rules' engine (prefilter,
//! patterns, filters, validators, overlaps and pairing), then the findings built
//! from its matches with their positions, redaction and fingerprints.

#![no_main]

mod findings;

use std::sync::OnceLock;

use keyscan::engine::Engine;
use keyscan::rules::{RuleOptions, load_rule_set};
use libfuzzer_sys::fuzz_target;

/// The built-in rules' engine, built once per process.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let options = RuleOptions::builtin_only();
        Engine::new(load_rule_set(&options).expect("built-in rules load"))
    })
}

fuzz_target!(|data: &[u8]| {
    // Blobs are scanned as bytes, valid UTF-8 or not.
    let engine = engine();
    findings::check(engine.rules(), data, engine.scan(data));
});
