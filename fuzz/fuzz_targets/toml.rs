#![no_main]
//! TOML sources: pyproject.toml, pytest.toml, tox.toml.
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let (name, body) = common::pick(data, &["pyproject.toml", "pytest.toml", "tox.toml"]);
    if let Ok(text) = std::str::from_utf8(body) {
        let _ = testguard::sources::toml::parse(text);
    }
    common::check(&[(name, body)]);
});
