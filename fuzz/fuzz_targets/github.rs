#![no_main]
//! GitHub Actions workflows (saphyr YAML with spans).
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    common::check(&[(".github/workflows/ci.yml", data)]);
});
