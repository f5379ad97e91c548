#![no_main]
//! ASP.NET Core: `appsettings*.json` with comments and trailing commas,
//! C# `WebApplicationFactory` code, `.csproj` references.
//! The checks: `testguard_invariants::fuzz_case`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = testguard_invariants::fuzz_case("dotnet", data) {
        panic!("invariant broken: {e}");
    }
});
