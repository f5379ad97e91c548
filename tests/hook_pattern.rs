//! The pre-commit / prek hook fires for every file testguard reads: its
//! `files:` pattern is `kinds::HOOK_FILES_PATTERN`, and every file any
//! fixture makes testguard read (`lint --show-files`) matches it.

mod common;

use common::*;
use testguard::kinds::HOOK_FILES_PATTERN;

/// The `files:` value of `.pre-commit-hooks.yaml` (a single-quoted scalar).
fn hook_files() -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .expect("read .pre-commit-hooks.yaml");
    let line = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("files: "))
        .expect("a files: key");
    line.trim()
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
        .expect("single-quoted")
        .replace("''", "'")
}

#[test]
fn the_hook_file_holds_the_pattern_discovery_keeps() {
    assert_eq!(
        hook_files(),
        HOOK_FILES_PATTERN,
        "update .pre-commit-hooks.yaml's files: to kinds::HOOK_FILES_PATTERN"
    );
}

#[test]
fn every_file_a_fixture_makes_testguard_read_fires_the_hook() {
    let pattern = regex::Regex::new(HOOK_FILES_PATTERN).expect("the pattern compiles");
    let mut missed = Vec::new();
    let mut seen = 0;
    for name in fixture_names() {
        let repo = repo_from_fixture(&name);
        let out = run(repo.path(), &["lint", "--show-files", "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stdout(&out));
        let files: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        for f in files.as_array().expect("array") {
            let path = f["path"].as_str().expect("path");
            seen += 1;
            // a folder of test sources: each of its files
            let path = match path.strip_suffix('/') {
                Some(dir) => format!("{dir}/SomeTest.java"),
                None => path.to_string(),
            };
            if !pattern.is_match(&path) {
                missed.push(format!("{name}: {path} ({})", f["why"]));
            }
        }
    }
    assert!(seen > 500, "only {seen} files read across the fixtures");
    assert!(
        missed.is_empty(),
        "files testguard reads that the hook would never be run for:\n{}",
        missed.join("\n")
    );
}

#[test]
fn the_pattern_leaves_out_what_testguard_never_reads() {
    let pattern = regex::Regex::new(HOOK_FILES_PATTERN).expect("the pattern compiles");
    for path in [
        "docs/logo.png",
        "LICENSE",
        "CHANGELOG.txt",
        "assets/app.css",
    ] {
        assert!(!pattern.is_match(path), "{path}");
    }
    for path in [
        "config/database.yml",
        "package.json",
        "composer.json",
        "config/database.php",
        "shop/settings.py",
        "tests/conftest.py",
        "Api/appsettings.Testing.json",
        "src/main/resources/application-dev.properties",
        "config/runtime.exs",
        "docker-compose.yml",
        "playwright.config.ts",
        "testguard.toml",
        ".env",
    ] {
        assert!(pattern.is_match(path), "{path}");
    }
}
