#![no_main]
//! End to end: bytes as any kind of file testguard reads -> the whole lint ->
//! every output format, with every invariant checked.
use libfuzzer_sys::fuzz_target;
mod common;

const NAMES: &[&str] = &[
    "pytest.ini",
    "tox.ini",
    "setup.cfg",
    "pyproject.toml",
    "tox.toml",
    ".env.test",
    ".env.testing",
    ".env",
    "phpunit.xml.dist",
    ".github/workflows/test.yml",
    ".gitlab-ci.yml",
    "config/packages/doctrine.yaml",
    "composer.json",
    "package.json",
    "bootstrap/cache/config.php",
];

fuzz_target!(|data: &[u8]| {
    let (name, body) = common::pick(data, NAMES);
    common::check(&[(name, body), ("artisan", b""), ("manage.py", b"")]);
});
