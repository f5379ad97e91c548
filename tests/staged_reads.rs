//! `lint --staged` reads a candidate's bytes from the work tree instead of
//! the object database when git itself would call the file clean (its stat
//! data as the index recorded it, and not racily so) and nothing converts
//! content between blob and work tree. These tests build the cases where
//! the two differ behind a matching stat — the only way to tell which was
//! read — and check that the blob is read whenever the stat cannot vouch.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const GOOD: &str = "DB_DATABASE=shop_test\n";
/// Same length as GOOD: only the bytes tell them apart.
const BAD: &str = "DB_DATABASE=shop_prod\n";

fn touch(path: &Path, epoch: i64) {
    let out = Command::new("touch")
        .arg("-m")
        .arg("-d")
        .arg(format!("@{epoch}"))
        .arg(path)
        .output()
        .expect("touch is installed");
    assert!(out.status.success());
}

/// A repository whose `.env.test` is staged as GOOD with mtime `old`, then
/// rewritten in place as BAD and given the same mtime back.
fn staged_good_worktree_bad(extra: &[(&str, &[u8])]) -> tempfile::TempDir {
    let mut files: Vec<(&str, &[u8])> = vec![
        (
            "composer.json",
            br#"{"require": {"symfony/framework-bundle": "^7.0"}}"#,
        ),
        ("web/package.json", b"{}"),
    ];
    files.extend_from_slice(extra);
    // enough candidates that the index's files are read on several threads
    let many: Vec<String> = (0..80).map(|i| format!("pkg{i}/.env.example")).collect();
    for p in &many {
        files.push((p.as_str(), b"APP_NAME=pkg\n"));
    }
    let repo = repo_with(&files);
    let env = repo.path().join(".env.test");
    std::fs::write(&env, GOOD).expect("write");
    touch(&env, 1_600_000_000);
    git(repo.path(), &["add", ".env.test"]);
    // in place (same inode), same size, same mtime: git's stat check passes
    std::fs::OpenOptions::new()
        .write(true)
        .open(&env)
        .and_then(|mut f| std::io::Write::write_all(&mut f, BAD.as_bytes()))
        .expect("rewrite");
    touch(&env, 1_600_000_000);
    repo
}

fn staged_findings(dir: &Path) -> String {
    let out = run(dir, &["lint", "--staged", "--format", "json"]);
    stdout(&out)
}

#[test]
fn a_clean_file_is_read_from_the_work_tree() {
    let repo = staged_good_worktree_bad(&[]);
    // git agrees the file is unmodified: the stat data match
    let status = Command::new("git")
        .args(["status", "--porcelain", ".env.test"])
        .current_dir(repo.path())
        .output()
        .expect("git");
    assert_eq!(String::from_utf8_lossy(&status.stdout), "A  .env.test\n");
    assert!(staged_findings(repo.path()).contains("shop_prod"));
}

#[test]
fn converting_attributes_make_it_read_the_blob() {
    for attrs in [
        "* text=auto\n",
        "*.test filter=lfs diff=lfs merge=lfs -text\n",
        "*.test eol=crlf\n",
    ] {
        let repo = staged_good_worktree_bad(&[(".gitattributes", attrs.as_bytes())]);
        let found = staged_findings(repo.path());
        assert!(!found.contains("shop_prod"), "{attrs}: {found}");
    }
    // an attributes file that converts nothing keeps the fast path
    let repo = staged_good_worktree_bad(&[(".gitattributes", b"/tests export-ignore\n")]);
    assert!(staged_findings(repo.path()).contains("shop_prod"));
}

#[test]
fn autocrlf_makes_it_read_the_blob() {
    let repo = staged_good_worktree_bad(&[]);
    git(repo.path(), &["config", "core.autocrlf", "input"]);
    assert!(!staged_findings(repo.path()).contains("shop_prod"));
}

#[test]
fn a_racily_clean_file_is_read_from_the_blob() {
    let repo = staged_good_worktree_bad(&[]);
    // the index written in the same tick as the file: its stat proves nothing
    touch(&repo.path().join(".git/index"), 1_600_000_000);
    assert!(!staged_findings(repo.path()).contains("shop_prod"));
    // and a file modified after the index was written is read from the blob
    // by its changed stat data
    let repo = staged_good_worktree_bad(&[]);
    std::fs::write(repo.path().join(".env.test"), BAD).expect("write");
    assert!(!staged_findings(repo.path()).contains("shop_prod"));
}
