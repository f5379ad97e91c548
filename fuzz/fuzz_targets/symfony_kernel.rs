#![no_main]
//! The Symfony 2/3 kernel reader end to end (see `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("symfony_kernel", data) {
        panic!("invariant broken: {e}");
    }
});
