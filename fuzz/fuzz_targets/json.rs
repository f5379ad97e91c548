#![no_main]
//! JSON inputs (composer.json, package.json) as framework context.
//! The input's files and checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("json", data) {
        panic!("invariant broken: {e}");
    }
});
