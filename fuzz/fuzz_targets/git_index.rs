#![no_main]
//! The git index streamed for its file names, against gix's decoder (see
//! `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("git_index", data) {
        panic!("invariant broken: {e}");
    }
});
