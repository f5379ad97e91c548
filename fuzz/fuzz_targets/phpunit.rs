#![no_main]
//! PHPUnit XML, in a Laravel app (so every PHPUnit rule applies).
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    common::check(&[
        ("phpunit.xml", data),
        ("artisan", b"#!/usr/bin/env php\n"),
        (
            "composer.json",
            b"{\"require\":{\"laravel/framework\":\"^11\"}}",
        ),
        (".env", b"DB_CONNECTION=mysql\nDB_DATABASE=shop\n"),
    ]);
});
