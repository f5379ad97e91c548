//! The work-tree walk finds what git lists (`git ls-files -co
//! --exclude-standard`), whatever the ignore rules: nested `.gitignore`
//! files and negations, a file re-included inside an ignored folder (git
//! does not enter the folder), `.git/info/exclude`, `core.excludesFile`,
//! and `.ignore` (ripgrep's, which wins over `.gitignore` in its folder).
//! The oracle is git itself, on a real repository.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::*;

fn git_listing(dir: &Path, home: &Path) -> BTreeSet<String> {
    let out = Command::new("git")
        .args(["ls-files", "-co", "--exclude-standard"])
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

fn walked(dir: &Path, home: &Path) -> BTreeSet<String> {
    let out = Command::new(bin())
        .args(["lint", "--show-files", "--format", "json"])
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .output()
        .expect("testguard");
    let files: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    files
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|f| f["path"].as_str().map(String::from))
        .collect()
}

#[test]
fn the_walk_lists_what_git_lists() {
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join(".config/git")).expect("mkdir");
    std::fs::write(home.path().join(".config/git/ignore"), "global-ignored/\n").expect("write");
    // every file below is a candidate by its name; `notes.txt` files are not
    let dir = dir_with(&[
        (
            ".gitignore",
            b"/build/\n*.local\n!apps/web/.env.test.local\nsecret/\nlogs\n",
        ),
        ("phpunit.xml", b"<phpunit/>\n"),
        (".env.test", b"A=1\n"),
        (".env.test.local", b"A=2\n"),
        ("apps/web/.env.test.local", b"A=3\n"),
        ("apps/web/.gitignore", b".env.testing\n!/config/\n"),
        ("apps/web/.env.testing", b"A=4\n"),
        ("apps/web/config/database.yml", b"test: {}\n"),
        ("apps/web/notes.txt", b"x\n"),
        ("build/.env.test", b"A=5\n"),
        ("secret/.gitignore", b"!.env.test\n"),
        ("secret/.env.test", b"A=6\n"),
        ("excluded/.env.test", b"A=7\n"),
        ("global-ignored/.env.test", b"A=8\n"),
        ("logs/pytest.ini", b"[pytest]\n"),
        ("api/logs", b"a file named like an ignored folder\n"),
        ("api/pytest.ini", b"[pytest]\n"),
        ("svc/.ignore", b"!.env.testing\n"),
        ("svc/.gitignore", b".env.testing\n"),
        ("svc/.env.testing", b"A=9\n"),
        ("deep/a/b/c/d/.env.test", b"A=10\n"),
        ("deep/a/b/.gitignore", b"c/\n"),
        ("node_modules/pkg/.env.test", b"A=11\n"),
    ]);
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join(".git/info/exclude"), "excluded/\n").expect("write");
    let want: BTreeSet<String> = git_listing(dir.path(), home.path())
        .into_iter()
        .filter(|p| !p.ends_with("notes.txt") && !p.ends_with("api/logs"))
        // ignore files are read only beside a test env file they may keep out
        .filter(|p| !p.ends_with(".gitignore") && !p.ends_with(".ignore"))
        // ripgrep's `.ignore` re-includes what `.gitignore` ignores in its
        // folder; git does not read it
        .chain(["svc/.env.testing".to_string()])
        // dependency folders are never read, whatever git says
        .filter(|p| !p.starts_with("node_modules/"))
        .collect();
    let got: BTreeSet<String> = walked(dir.path(), home.path())
        .into_iter()
        .filter(|p| !p.ends_with(".gitignore") && !p.ends_with(".ignore"))
        .collect();
    assert_eq!(got, want);
    // the cases that make it a test of the ignore rules
    for ignored in [
        "build/.env.test",
        ".env.test.local",
        "apps/web/.env.testing",
        "secret/.env.test",
        "excluded/.env.test",
        "global-ignored/.env.test",
        "logs/pytest.ini",
        "deep/a/b/c/d/.env.test",
    ] {
        assert!(!got.contains(ignored), "{ignored} is ignored: {got:?}");
    }
    for kept in [
        "apps/web/.env.test.local",
        "api/pytest.ini",
        "apps/web/config/database.yml",
    ] {
        assert!(got.contains(kept), "{kept} is listed: {got:?}");
    }
}

#[test]
fn a_linked_worktree_takes_info_exclude_from_the_common_git_dir() {
    let home = tempfile::tempdir().expect("home");
    let main = repo_with(&[("phpunit.xml", b"<phpunit/>\n"), ("README.md", b"readme\n")]);
    let linked = tempfile::tempdir().expect("worktree parent");
    let wt = linked.path().join("wt");
    git(
        main.path(),
        &["worktree", "add", "-q", wt.to_str().expect("utf-8 path")],
    );
    // `.git` in the worktree is a file naming `.git/worktrees/wt`, whose
    // `commondir` leads back to the main `.git`, where info/exclude is
    std::fs::write(main.path().join(".git/info/exclude"), "local/\n").expect("write");
    std::fs::create_dir_all(wt.join("local")).expect("mkdir");
    std::fs::write(wt.join("local/.env.test"), "A=1\n").expect("write");
    std::fs::create_dir_all(wt.join("kept")).expect("mkdir");
    std::fs::write(wt.join("kept/.env.test"), "A=2\n").expect("write");
    assert!(
        wt.join(".git").is_file(),
        "a linked worktree's .git is a file"
    );
    // (README.md is read for documented test commands)
    let want: BTreeSet<String> = git_listing(&wt, home.path());
    assert!(
        !want.contains("local/.env.test"),
        "git excludes it: {want:?}"
    );
    assert_eq!(walked(&wt, home.path()), want);
}
