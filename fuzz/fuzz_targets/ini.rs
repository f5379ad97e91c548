#![no_main]
//! INI sources: pytest.ini, tox.ini, setup.cfg (hand-written lexer).
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let (name, body) = common::pick(data, &["pytest.ini", "tox.ini", "setup.cfg"]);
    if let Ok(text) = std::str::from_utf8(body) {
        let ini = testguard::sources::ini::parse(text);
        drop(ini);
    }
    common::check(&[(name, body)]);
});
