#![no_main]
//! CakePHP's `test` datasource reader end to end (see
//! `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("cakephp", data) {
        panic!("invariant broken: {e}");
    }
});
