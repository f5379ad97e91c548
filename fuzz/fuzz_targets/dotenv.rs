#![no_main]
//! dotenv files (hand-written lexer): a test dotenv beside a dev one.
//! The input's files and checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("dotenv", data) {
        panic!("invariant broken: {e}");
    }
});
