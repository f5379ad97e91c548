#![no_main]
//! Spring Boot configuration and test classes: `.properties`, YAML
//! profile documents, Java annotations, comments and text blocks.
//! The checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("spring", data) {
        panic!("invariant broken: {e}");
    }
});
