#![no_main]
//! INI sources: pytest.ini, tox.ini, setup.cfg (hand-written lexer).
//! The input's files and checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("ini", data) {
        panic!("invariant broken: {e}");
    }
});
