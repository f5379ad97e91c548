#![no_main]
//! Rails' `config/database.yml`: ERB tags blanked, the YAML under them, the
//! Ruby environment reads in its values. The checks:
//! `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("erb", data) {
        panic!("invariant broken: {e}");
    }
});
