//! `lint --staged` replays its last result while nothing it depends on has
//! changed: the binary, the options, the configuration, the candidate paths
//! and every answer the index gave (object ids, listings). These tests prove
//! a replay by planting a marker in the stored result, then check that each
//! kind of change is seen: a staged edit of a file read, a new test file in a
//! folder listed, a new candidate, other options, another configuration.

mod common;

use std::path::Path;

use common::*;

const MARKER: &str = CACHE_MARKER;

/// A Laravel app whose suite does not wipe the database: TG206 warns.
fn laravel_app() -> tempfile::TempDir {
    repo_with(&[
        (
            "composer.json",
            br#"{"require":{"laravel/framework":"^11.0"}}"#,
        ),
        ("artisan", b"#!/usr/bin/env php\n"),
        (
            "phpunit.xml",
            br#"<?xml version="1.0"?>
<phpunit>
  <php>
    <env name="APP_ENV" value="testing" force="true"/>
  </php>
</phpunit>
"#,
        ),
        (
            ".env.example",
            b"APP_ENV=local\nDB_CONNECTION=mysql\nDB_DATABASE=shop\n",
        ),
        (
            "tests/Feature/HealthTest.php",
            b"<?php\nclass HealthTest extends TestCase { public function test_up(): void {} }\n",
        ),
        ("src/App.php", b"<?php\n"),
    ])
}

fn cache_file(repo: &Path) -> std::path::PathBuf {
    repo.join(".git/testguard/staged.json")
}

/// Replaces the stored output by [`MARKER`]: a run that prints it replayed.
fn plant_marker(repo: &Path) {
    plant_cache_marker(&cache_file(repo));
}

fn staged(repo: &Path, extra: &[&str]) -> (String, i32) {
    let mut args = vec!["lint", "--staged"];
    args.extend_from_slice(extra);
    let out = run(repo, &args);
    (stdout(&out), out.status.code().expect("exit code"))
}

fn write(repo: &Path, rel: &str, text: &str) {
    let p = repo.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

#[test]
fn an_unchanged_index_replays_and_unrelated_changes_keep_it() {
    let repo = laravel_app();
    let (first, code) = staged(repo.path(), &[]);
    assert_eq!(code, 0, "{first}");
    assert!(first.contains("TG206"), "{first}");
    plant_marker(repo.path());
    assert_eq!(staged(repo.path(), &[]), (MARKER.to_string(), 0));
    // a staged change to a file no test run is configured from
    write(repo.path(), "src/App.php", "<?php\necho 1;\n");
    write(repo.path(), "src/Other.php", "<?php\n");
    git(repo.path(), &["add", "-A"]);
    assert_eq!(staged(repo.path(), &[]), (MARKER.to_string(), 0));
    // an unstaged edit of a configuration file: the commit does not hold it
    write(
        repo.path(),
        "phpunit.xml",
        "<phpunit><php><env name=\"DB_DATABASE\" value=\"shop\"/></php></phpunit>\n",
    );
    assert_eq!(staged(repo.path(), &[]), (MARKER.to_string(), 0));
}

#[test]
fn a_staged_edit_of_a_file_read_is_linted_again() {
    let repo = laravel_app();
    staged(repo.path(), &[]);
    plant_marker(repo.path());
    write(
        repo.path(),
        "phpunit.xml",
        r#"<?xml version="1.0"?>
<phpunit>
  <php>
    <env name="APP_ENV" value="testing" force="true"/>
    <env name="DB_CONNECTION" value="sqlite" force="true"/>
    <env name="DB_DATABASE" value=":memory:" force="true"/>
  </php>
</phpunit>
"#,
    );
    git(repo.path(), &["add", "phpunit.xml"]);
    let (out, code) = staged(repo.path(), &[]);
    assert_eq!(code, 0);
    assert!(!out.contains("REPLAYED") && !out.contains("TG206"), "{out}");
}

#[test]
fn a_new_test_file_in_a_listed_folder_is_linted_again() {
    let repo = laravel_app();
    staged(repo.path(), &[]);
    plant_marker(repo.path());
    // the suite now wipes the database it reaches: the warning becomes an error
    write(
        repo.path(),
        "tests/Feature/OrderTest.php",
        "<?php\nuse Illuminate\\Foundation\\Testing\\RefreshDatabase;\nclass OrderTest extends TestCase { use RefreshDatabase; }\n",
    );
    git(repo.path(), &["add", "tests"]);
    let (out, code) = staged(repo.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("TG206") && !out.contains("REPLAYED"), "{out}");
}

#[test]
fn a_new_candidate_is_linted_again() {
    let repo = laravel_app();
    staged(repo.path(), &[]);
    plant_marker(repo.path());
    write(
        repo.path(),
        ".env.testing",
        "DB_CONNECTION=sqlite\nDB_DATABASE=:memory:\n",
    );
    git(repo.path(), &["add", ".env.testing"]);
    let (out, code) = staged(repo.path(), &[]);
    assert_eq!(code, 0);
    assert!(!out.contains("REPLAYED") && !out.contains("TG206"), "{out}");
}

#[test]
fn other_options_configuration_or_no_cache_lint_again() {
    let repo = laravel_app();
    staged(repo.path(), &[]);
    plant_marker(repo.path());
    let (json, code) = staged(repo.path(), &["--format", "json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON report");
    assert!(json.contains("TG206"), "{report}");
    // the JSON run stored its own result; the human one is linted again
    let (human, _) = staged(repo.path(), &[]);
    assert!(
        human.contains("TG206") && !human.contains("REPLAYED"),
        "{human}"
    );
    plant_marker(repo.path());
    let (strict, code) = staged(repo.path(), &["--strict"]);
    assert_eq!(code, 1, "--strict fails on the warning: {strict}");
    plant_marker(repo.path());
    let (quiet, _) = staged(repo.path(), &["--quiet"]);
    assert!(!quiet.contains("REPLAYED"), "{quiet}");
    plant_marker(repo.path());
    let (fresh, code) = staged(repo.path(), &["--quiet", "--no-cache"]);
    assert_eq!(code, 0);
    assert!(
        fresh.contains("TG206") && !fresh.contains("REPLAYED"),
        "{fresh}"
    );
    // a configuration file in the work tree (not staged) decides the policy
    write(
        repo.path(),
        "testguard.toml",
        "[severity]\nTG206 = \"error\"\n",
    );
    let (configured, code) = staged(repo.path(), &["--quiet"]);
    assert_eq!(code, 1, "{configured}");
    assert!(!configured.contains("REPLAYED"), "{configured}");
}

#[test]
fn an_unreadable_cache_is_a_miss_and_is_rewritten() {
    let repo = laravel_app();
    staged(repo.path(), &[]);
    std::fs::write(cache_file(repo.path()), "{ not json").expect("corrupt");
    let (out, code) = staged(repo.path(), &[]);
    assert_eq!(code, 0);
    assert!(out.contains("TG206"), "{out}");
    plant_marker(repo.path());
    assert_eq!(staged(repo.path(), &[]).0, MARKER);
}
