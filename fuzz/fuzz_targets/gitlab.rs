#![no_main]
//! GitLab CI: a pipeline and a local include, split at the first NUL.
//! The input's files and checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("gitlab", data) {
        panic!("invariant broken: {e}");
    }
});
