#![no_main]
//! Comments blanked out of PHP, JS and Python byte for byte, and the suites
//! scanned after it (see `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("comments", data) {
        panic!("invariant broken: {e}");
    }
});
