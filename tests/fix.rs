//! `lint --fix` and `--diff` against exact results: each `fixes/<case>/`
//! holds a `before/` tree and the `after/` tree `--fix` must leave, byte for
//! byte (line endings, indentation and every other line included). Fixing
//! twice changes nothing; `--diff` shows the change and writes nothing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixes");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixes/")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Every file under `dir` (but `.git`), by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if e.file_name() == ".git" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

fn repo_of(before: &Path) -> tempfile::TempDir {
    let files = tree(before);
    let pairs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_slice()))
        .collect();
    repo_with(&pairs)
}

#[test]
fn every_fix_gives_its_exact_result_and_fixing_twice_changes_nothing() {
    let cases = cases();
    assert!(cases.len() >= 6, "the fix cases are missing");
    for case in cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let before = tree(&case.join("before"));
        let after = tree(&case.join("after"));
        let changes = before != after;
        let repo = repo_of(&case.join("before"));

        // --diff shows it and writes nothing
        let diff = run(repo.path(), &["lint", "--diff"]);
        assert_eq!(
            diff.status.code(),
            Some(if changes { 1 } else { 0 }),
            "{name}: --diff exit"
        );
        let shown = stdout(&diff);
        assert_eq!(shown.is_empty(), !changes, "{name}: {shown}");
        if changes {
            assert!(shown.starts_with("--- a/"), "{name}: {shown}");
        }
        assert_eq!(tree(repo.path()), before, "{name}: --diff wrote");

        // --fix: exactly the after tree
        let fixed = run(repo.path(), &["lint", "--fix", "--quiet"]);
        assert_ne!(fixed.status.code(), Some(2), "{name}");
        let got = tree(repo.path());
        for (path, bytes) in &after {
            assert_eq!(
                got.get(path)
                    .map(|b| String::from_utf8_lossy(b).into_owned()),
                Some(String::from_utf8_lossy(bytes).into_owned()),
                "{name}: {path}"
            );
        }
        assert_eq!(got, after, "{name}: the fixed tree");
        if changes {
            let err = String::from_utf8_lossy(&fixed.stderr);
            assert!(err.contains("testguard: fixed"), "{name}: {err}");
        }

        // idempotent: a second --fix changes nothing and --diff is empty
        let again = run(repo.path(), &["lint", "--fix", "--quiet"]);
        assert_eq!(
            tree(repo.path()),
            after,
            "{name}: the second --fix changed it"
        );
        assert!(
            !String::from_utf8_lossy(&again.stderr).contains("fixed"),
            "{name}"
        );
        let diff = run(repo.path(), &["lint", "--diff"]);
        assert_eq!(diff.status.code(), Some(0), "{name}: {}", stdout(&diff));
        assert!(stdout(&diff).is_empty());
    }
}

#[test]
fn fixed_findings_are_gone_and_a_near_miss_stays() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixes/laravel-skeleton-database-overrides");
    let repo = repo_of(&case.join("before"));
    let before = summary_lines(&json(repo.path()));
    assert!(
        before.iter().any(|l| l.starts_with("TG206 error")),
        "{before:?}"
    );
    let fixed = run(repo.path(), &["lint", "--fix", "--format", "json"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    let report: serde_json::Value = serde_json::from_slice(&fixed.stdout).expect("json");
    assert!(
        summary_lines(&report)
            .iter()
            .all(|l| !l.starts_with("TG206")),
        "{report}"
    );

    // the near-miss: the commented overrides name the development database,
    // so uncommenting them is no fix; the finding stays, the file too
    let near = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixes/no-fix-commented-dev-database");
    let repo = repo_of(&near.join("before"));
    let out = run(repo.path(), &["lint", "--fix", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        summary_lines(&report)
            .iter()
            .any(|l| l.starts_with("TG206 error"))
    );
}

#[test]
fn fix_and_diff_refuse_the_index() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixes/app-env-wrong-value");
    let repo = repo_of(&case.join("before"));
    let out = run(repo.path(), &["lint", "--staged", "--fix"]);
    assert_eq!(out.status.code(), Some(2), "--fix cannot write the index");
    let out = run(repo.path(), &["lint", "--staged", "--diff"]);
    assert_eq!(out.status.code(), Some(2));
}
