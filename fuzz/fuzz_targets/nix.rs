#![no_main]
//! Nix development shells (`devenv.nix`): `env` attributes, `enterShell`
//! indented strings and their `export` lines, comments, unclosed strings.
//! The checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("nix", data) {
        panic!("invariant broken: {e}");
    }
});
