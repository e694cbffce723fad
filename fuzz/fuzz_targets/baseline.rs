//! Arbitrary bytes as a baseline file, through `Baseline::load` (which reads the file
//! itself); a baseline that loads must survive writing and reading back unchanged.

#![no_main]

mod scratch;

use keyscan::Error;
use keyscan::filter::baseline::Baseline;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = scratch::write("baseline.json", data);
    match Baseline::load(&path, None) {
        Ok(baseline) => {
            assert_eq!(baseline.accepted().is_empty(), baseline.is_empty());
            let again = scratch::write("again.json", baseline.to_text().as_bytes());
            assert_eq!(
                Baseline::load(&again, None).expect("written baseline loads"),
                baseline
            );
        }
        Err(Error::Baseline(problem)) => {
            assert_eq!(problem.path, path);
            let _ = problem.to_string();
        }
        Err(other) => unreachable!("not a baseline error: {other}"),
    }
});
