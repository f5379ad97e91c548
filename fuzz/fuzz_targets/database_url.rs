#![no_main]
//! The database URL / DSN parser and its secret ranges.
//! The input's files and checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("database_url", data) {
        panic!("invariant broken: {e}");
    }
});
