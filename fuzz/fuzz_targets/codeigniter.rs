#![no_main]
//! The codeigniter readers end to end (see `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("codeigniter", data) {
        panic!("invariant broken: {e}");
    }
});
