#![no_main]
//! TOML sources: pyproject.toml, pytest.toml, tox.toml.
//! The input's files and checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("toml", data) {
        panic!("invariant broken: {e}");
    }
});
