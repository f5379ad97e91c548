#![no_main]
//! PHPUnit XML, in a Laravel app (so every PHPUnit rule applies).
//! The input's files and checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("phpunit", data) {
        panic!("invariant broken: {e}");
    }
});
