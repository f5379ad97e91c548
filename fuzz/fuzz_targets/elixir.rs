#![no_main]
//! Elixir configuration (`config/*.exs`, `mix.exs` aliases): `config`
//! calls, keyword pairs, strings with interpolations, the environment reads
//! in values. The checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("elixir", data) {
        panic!("invariant broken: {e}");
    }
});
