#![no_main]
//! The shell commands an end-to-end suite runs, followed one step (see
//! `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("node_shell", data) {
        panic!("invariant broken: {e}");
    }
});
