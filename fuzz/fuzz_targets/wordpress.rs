#![no_main]
//! WordPress core test runs (the core test library and WPLoader) end to end (see
//! `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("wordpress", data) {
        panic!("invariant broken: {e}");
    }
});
