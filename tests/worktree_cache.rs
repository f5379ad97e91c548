//! `lint` of a work tree replays its last result while nothing it depends on
//! has changed: the binary, the options, the configuration, the candidate
//! paths the walk finds, and every answer the work tree gave (a file's stat
//! data, whether a path exists, a folder's listing). These tests prove a
//! replay by planting a marker in the stored result, then check that each
//! kind of change is seen — including an edit that keeps the file's size
//! and puts its modification time back — and that a file changed within
//! seconds of a lint, whose times cannot vouch for it, is never cached.

mod common;

use std::path::Path;
use std::time::Duration;

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
            ".env",
            b"APP_ENV=local\nDB_CONNECTION=mysql\nDB_DATABASE=shop_dev\n",
        ),
        (
            "tests/Feature/HealthTest.php",
            b"<?php\nclass HealthTest extends TestCase { public function test_up(): void {} }\n",
        ),
    ])
}

fn cache_file(repo: &Path) -> std::path::PathBuf {
    repo.join(".git/testguard/worktree.json")
}

/// Replaces the stored output by [`MARKER`]: a run that prints it replayed.
fn plant_marker(repo: &Path) {
    plant_cache_marker(&cache_file(repo));
}

fn lint(repo: &Path, extra: &[&str]) -> (String, i32) {
    let mut args = vec!["lint"];
    args.extend_from_slice(extra);
    let out = run(repo, &args);
    (stdout(&out), out.status.code().expect("exit code"))
}

/// Waits until every file written so far is older than the window in which
/// stat data cannot vouch for content (three seconds).
fn let_files_settle() {
    std::thread::sleep(Duration::from_millis(3200));
}

#[test]
fn an_unchanged_work_tree_replays_and_every_change_is_seen() {
    let repo = laravel_app();
    let dir = repo.path();
    let_files_settle();
    let (first, code) = lint(dir, &[]);
    assert_eq!(code, 0, "{first}");
    assert!(first.contains("TG206"), "{first}");
    plant_marker(dir);
    assert_eq!(
        lint(dir, &[]),
        (MARKER.to_string(), 0),
        "an unchanged tree replays"
    );

    // other options are another result (and store it in turn)
    let (json, _) = lint(dir, &["--format", "json"]);
    assert!(json.trim_start().starts_with('{'), "{json}");
    assert_eq!(lint(dir, &["--no-cache"]).0, first, "--no-cache lints");
    let (again, _) = lint(dir, &[]);
    assert_eq!(again, first, "the JSON entry replaced the plain one");
    plant_marker(dir);
    assert_eq!(lint(dir, &[]).0, MARKER);

    // a new candidate: linted again, and (being seconds old) not stored;
    // once it is gone the tree is the stored one again
    std::fs::write(dir.join(".env.testing"), "DB_DATABASE=shop_test\n").expect("write");
    assert_ne!(lint(dir, &[]).0, MARKER, "a new candidate is seen");
    std::fs::remove_file(dir.join(".env.testing")).expect("rm");
    assert_eq!(lint(dir, &[]).0, MARKER, "the stored tree again");

    // another configuration
    std::fs::write(dir.join("testguard.toml"), "[severity]\nTG206 = \"off\"\n").expect("write");
    assert_ne!(lint(dir, &[]).0, MARKER, "a new configuration is seen");
    std::fs::remove_file(dir.join("testguard.toml")).expect("rm");
    // (its bytes are compared whole, so that result was stored in turn)
    assert_eq!(lint(dir, &[]).0, first);
    plant_marker(dir);
    assert_eq!(lint(dir, &[]).0, MARKER);

    // an edit of a file read that keeps its size and puts its modification
    // time back: the change time still tells
    let env = dir.join(".env");
    let before = std::fs::metadata(&env).expect("stat");
    let old_mtime = before.modified().expect("mtime");
    let edited = "APP_ENV=local\nDB_CONNECTION=mysql\nDB_DATABASE=shop_prd\n";
    assert_eq!(edited.len() as u64, before.len());
    std::fs::write(&env, edited).expect("write");
    std::fs::File::options()
        .write(true)
        .open(&env)
        .and_then(|f| f.set_modified(old_mtime))
        .expect("set mtime back");
    let (after, _) = lint(dir, &[]);
    assert_ne!(after, MARKER, "an edit with the old size and time is seen");
    assert_eq!(after, lint(dir, &["--no-cache"]).0);
}

#[test]
fn files_changed_within_seconds_are_not_cached_and_a_folder_outside_git_has_no_cache() {
    // just written: their times cannot vouch for a rewrite in the same tick
    let repo = laravel_app();
    let (first, _) = lint(repo.path(), &[]);
    assert!(first.contains("TG206"), "{first}");
    assert!(
        !cache_file(repo.path()).exists(),
        "a lint of files seconds old stored its result"
    );

    // a folder that is no repository: nothing written anywhere
    let plain = dir_with(&[(".env", b"DB_DATABASE=shop\n")]);
    let _ = lint(plain.path(), &[]);
    assert_eq!(
        walk(plain.path()),
        [".env"],
        "lint wrote into a folder outside git"
    );
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}
