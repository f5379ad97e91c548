#![no_main]
//! Go test setup (`TestMain`, loaders, connections) and C#-style
//! strings, tokenised; the Makefile reader on the same bytes.
//! The checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("go_code", data) {
        panic!("invariant broken: {e}");
    }
});
