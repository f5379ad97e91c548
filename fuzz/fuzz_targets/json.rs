#![no_main]
//! JSON inputs (composer.json, package.json): framework context for the
//! dotenv and PHPUnit rules beside them.
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let (name, body) = common::pick(data, &["composer.json", "package.json"]);
    common::check(&[
        (name, body),
        (
            ".env.test",
            b"DATABASE_URL=postgres://app:pw@localhost/app\n",
        ),
        (".env", b"DATABASE_URL=postgres://app:pw@localhost/app\n"),
        (
            "phpunit.xml",
            b"<phpunit><php><env name=\"DB_DATABASE\" value=\"app\"/></php></phpunit>",
        ),
    ]);
});
