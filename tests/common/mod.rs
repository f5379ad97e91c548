//! Helpers for integration tests: real git repositories in temp dirs, the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_testguard"))
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every fixture folder name, sorted.
pub fn fixture_names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .collect();
    v.sort();
    v
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let src = entry.path();
        let dst = to.join(entry.file_name());
        if src.is_dir() {
            std::fs::create_dir_all(&dst).expect("mkdir");
            copy_tree(&src, &dst);
        } else if entry.file_name() != "EXPECT" {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
}

pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=testguard tests",
            "-c",
            "user.email=tests@testguard.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git is installed (the tests need the git CLI)");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A real git repository holding the fixture's files, committed.
pub fn repo_from_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixtures_dir().join(name), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(
        dir.path(),
        &["commit", "-q", "--allow-empty", "-m", "fixture"],
    );
    dir
}

/// A plain folder (no git) holding `files`.
pub fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, bytes) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write");
    }
    dir
}

/// A git repository made from (path, bytes) pairs, committed.
pub fn repo_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = dir_with(files);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(
        dir.path(),
        &["commit", "-q", "--allow-empty", "-m", "files"],
    );
    dir
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run testguard");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for text in [&stderr, &stdout] {
        assert!(
            !text.contains("panicked") && !text.contains("internal error"),
            "testguard panicked: {stderr}"
        );
    }
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn json(dir: &Path) -> serde_json::Value {
    let out = run(dir, &["lint", "--format", "json", "."]);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", stdout(&out)))
}

/// `CODE severity path:line` for every diagnostic, sorted.
pub fn summary_lines(report: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            format!(
                "{} {} {}:{}",
                d["code"].as_str().unwrap_or("?"),
                d["severity"].as_str().unwrap_or("?"),
                d["path"].as_str().unwrap_or("null"),
                d["line"]
            )
        })
        .collect();
    v.sort();
    v
}

/// A tool a test needs is missing: in CI (`CI=true`) that fails the test,
/// elsewhere the test is skipped with a message saying how to install it.
pub fn required_in_ci(tool: &str, install: &str) {
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !in_ci,
        "{tool} is required in CI (.ci/run installs it: {install}), and it was not found"
    );
    eprintln!("SKIPPED: {tool} is not installed ({install}); this test runs in CI");
}

/// The official validator, installed by `.ci/run` under target/npm-tools.
pub fn sarif_multitool() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("SARIF_MULTITOOL").map(PathBuf::from),
        Some(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/npm-tools/node_modules/.bin/sarif-multitool"),
        ),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.exists());
    if found.is_none() {
        required_in_ci(
            "@microsoft/sarif-multitool",
            "npm install --prefix target/npm-tools @microsoft/sarif-multitool",
        );
    }
    found
}

/// What a planted cache entry prints instead of a lint: a run that prints it
/// replayed the stored result (tests/staged_cache.rs, tests/worktree_cache.rs).
pub const CACHE_MARKER: &str = "REPLAYED FROM THE CACHE\n";

/// Replaces the output stored in the result cache at `path` by [`CACHE_MARKER`].
pub fn plant_cache_marker(path: &Path) {
    let text = std::fs::read_to_string(path).expect("a lint stored its result");
    let mut entry: serde_json::Value = serde_json::from_str(&text).expect("cache is JSON");
    entry["stdout"] = serde_json::Value::String(CACHE_MARKER.into());
    std::fs::write(path, entry.to_string()).expect("write cache");
}
