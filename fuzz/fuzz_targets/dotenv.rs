#![no_main]
//! dotenv files (hand-written lexer): a test dotenv beside a dev one.
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = testguard::sources::dotenv::parse(text);
    }
    common::check(&[
        (".env.test", data),
        (".env", data),
        (
            "composer.json",
            b"{\"require\":{\"laravel/framework\":\"^11\"}}",
        ),
    ]);
});
