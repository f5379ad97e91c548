#![no_main]
//! End to end: bytes as any file testguard reads -> lint -> every format.
//! The input's files and checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("lint", data) {
        panic!("invariant broken: {e}");
    }
});
