#![no_main]
//! GitLab CI: the input is split at the first NUL into `.gitlab-ci.yml` and a
//! local include `ci/test.yml`, so includes, extends and anchors mix.
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let (main, inc) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"include: []\n"[..]),
    };
    common::check(&[(".gitlab-ci.yml", main), ("ci/test.yml", inc)]);
});
