#![no_main]
//! Gemfiles: `group` blocks, `gem` lines and their options, the
//! Rails suite helpers (DatabaseCleaner) read from the same text.
//! The checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("gemfile", data) {
        panic!("invariant broken: {e}");
    }
});
