#![no_main]
//! The codeception readers end to end (see `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("codeception", data) {
        panic!("invariant broken: {e}");
    }
});
