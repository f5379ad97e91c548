#![no_main]
//! GitHub Actions workflows (saphyr YAML with spans).
//! The input's files and checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("github", data) {
        panic!("invariant broken: {e}");
    }
});
