#![no_main]
//! Dynaconf objects, their settings files and the test run's pick end to end (see
//! `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("dynaconf", data) {
        panic!("invariant broken: {e}");
    }
});
