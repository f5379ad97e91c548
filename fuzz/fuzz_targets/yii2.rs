#![no_main]
//! The Yii 2 config evaluator end to end (see
//! `testguard_invariants::fuzz_case`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("yii2", data) {
        panic!("invariant broken: {e}");
    }
});
