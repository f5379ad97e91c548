//! The hook with real `git commit`: it checks what is being committed (the
//! index, including git's temporary index for `commit -a`), never destroys an
//! existing hook, and works from subdirectories, linked worktrees and
//! `core.hooksPath`.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::bin;

const GOOD: &str = "DATABASE_URL=postgres://localhost/app_test\n";
const BAD: &str = "DATABASE_URL=postgres://localhost/app\n";

/// git, isolated from the machine's global and system configuration.
fn git_cmd(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("NO_COLOR", "1");
    c
}

fn git(dir: &Path, args: &[&str]) -> Output {
    git_cmd(dir).args(args).output().expect("git is installed")
}

fn git_ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn testguard(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run testguard");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    out
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A repository with one good commit and testguard's hook installed.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    git_ok(dir.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(dir.path().join(".env.test"), GOOD).expect("write");
    git_ok(dir.path(), &["add", "."]);
    git_ok(dir.path(), &["commit", "-q", "-m", "init"]);
    let out = testguard(dir.path(), &["install-hook"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    dir
}

fn commit(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["commit", "-m", "change"];
    args.extend_from_slice(extra);
    git(dir, &args)
}

#[test]
fn blocks_a_bad_staged_file_while_the_work_tree_is_good() {
    let r = repo();
    std::fs::write(r.path().join(".env.test"), BAD).expect("write");
    git_ok(r.path(), &["add", ".env.test"]);
    std::fs::write(r.path().join(".env.test"), GOOD).expect("write");
    let out = commit(r.path(), &[]);
    assert!(
        !out.status.success(),
        "the commit went through: {}",
        text(&out)
    );
    assert!(text(&out).contains("TG101"), "{}", text(&out));
}

#[test]
fn lets_a_good_staged_file_through_while_the_work_tree_is_bad() {
    let r = repo();
    std::fs::write(
        r.path().join(".env.test"),
        "DATABASE_URL=postgres://localhost/other_test\n",
    )
    .expect("write");
    git_ok(r.path(), &["add", ".env.test"]);
    std::fs::write(r.path().join(".env.test"), BAD).expect("write");
    let out = commit(r.path(), &[]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn commit_all_and_commit_paths_check_git_s_temporary_index() {
    let r = repo();
    // the index is good, the work tree is bad: `commit -a` commits the work tree
    std::fs::write(r.path().join(".env.test"), BAD).expect("write");
    let out = commit(r.path(), &["-a"]);
    assert!(
        !out.status.success(),
        "commit -a let the bad file through: {}",
        text(&out)
    );
    let out = commit(r.path(), &["--", ".env.test"]);
    assert!(
        !out.status.success(),
        "commit <path> let the bad file through: {}",
        text(&out)
    );
    // and a bad index with a good work tree passes `commit -a`
    git_ok(r.path(), &["add", ".env.test"]);
    std::fs::write(
        r.path().join(".env.test"),
        "DATABASE_URL=postgres://localhost/other_test\n",
    )
    .expect("write");
    let out = commit(r.path(), &["-a"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn works_from_a_subdirectory_and_ignores_files_deleted_in_the_index() {
    let r = repo();
    let sub = r.path().join("services/api");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::write(sub.join(".env.testing"), BAD).expect("write");
    git_ok(&sub, &["add", ".env.testing"]);
    let out = commit(&sub, &[]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("services/api/.env.testing"),
        "{}",
        text(&out)
    );
    // deleted in the index: gone, even though the file is still on disk
    git_ok(&sub, &["rm", "-q", "--cached", ".env.testing"]);
    std::fs::write(sub.join("README"), "api").expect("write");
    git_ok(&sub, &["add", "README"]);
    let out = commit(&sub, &[]);
    assert!(out.status.success(), "{}", text(&out));
    // installing again from a subdirectory is idempotent
    let out = testguard(&sub, &["install-hook"]);
    assert!(
        out.status.success() && text(&out).contains("already installed"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_linked_worktree_uses_the_common_hooks_and_its_own_index() {
    let r = repo();
    let wt_parent = tempfile::tempdir().expect("tempdir");
    let wt = wt_parent.path().join("wt");
    git_ok(
        r.path(),
        &[
            "worktree",
            "add",
            "-q",
            wt.to_str().expect("utf8"),
            "-b",
            "feature",
        ],
    );
    // installing from the worktree writes to the common dir's hooks
    let out = testguard(&wt, &["install-hook"]);
    assert!(
        text(&out).contains(".git/hooks/pre-commit"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("worktrees"), "{}", text(&out));
    std::fs::write(wt.join(".env.test"), BAD).expect("write");
    git_ok(&wt, &["add", ".env.test"]);
    let out = commit(&wt, &[]);
    assert!(!out.status.success(), "{}", text(&out));
    // the main work tree's index is untouched and still commits
    std::fs::write(r.path().join("README"), "x").expect("write");
    git_ok(r.path(), &["add", "README"]);
    assert!(commit(r.path(), &[]).status.success());
}

#[test]
fn core_hooks_path_relative_and_absolute() {
    let dir = tempfile::tempdir().expect("tempdir");
    git_ok(dir.path(), &["init", "-q"]);
    git_ok(dir.path(), &["config", "core.hooksPath", ".githooks"]);
    let out = testguard(dir.path(), &["install-hook"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(dir.path().join(".githooks/pre-commit").is_file());
    std::fs::write(dir.path().join(".env.test"), BAD).expect("write");
    git_ok(dir.path(), &["add", ".env.test"]);
    assert!(!commit(dir.path(), &[]).status.success());

    let hooks = tempfile::tempdir().expect("tempdir");
    let abs = hooks.path().to_str().expect("utf8");
    git_ok(dir.path(), &["config", "core.hooksPath", abs]);
    let out = testguard(&dir.path().join(".githooks"), &["install-hook"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(hooks.path().join("pre-commit").is_file());
}

#[test]
fn a_foreign_hook_is_refused_kept_with_force_and_restored_byte_for_byte() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    git_ok(dir.path(), &["init", "-q"]);
    let hook = dir.path().join(".git/hooks/pre-commit");
    let foreign = b"#!/bin/sh\n# the team's own checks\necho foreign-ran > \"$(git rev-parse --show-toplevel)/foreign-ran\"\n";
    std::fs::write(&hook, foreign).expect("write");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).expect("chmod");

    let out = testguard(dir.path(), &["install-hook"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--force"), "{}", text(&out));
    assert_eq!(
        std::fs::read(&hook).expect("read"),
        foreign,
        "refusal changed the hook"
    );

    let out = testguard(dir.path(), &["install-hook", "--force"]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(dir.path().join(".env.test"), BAD).expect("write");
    git_ok(dir.path(), &["add", ".env.test"]);
    let out = commit(dir.path(), &[]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        dir.path().join("foreign-ran").is_file(),
        "the kept hook did not run first"
    );

    let out = testguard(dir.path(), &["uninstall-hook"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read(&hook).expect("read"), foreign);
    let mode = std::fs::metadata(&hook).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o750);
    assert!(
        !dir.path()
            .join(".git/hooks/pre-commit.testguard-previous")
            .exists()
    );
}

#[test]
fn a_pre_commit_framework_hook_is_recognised() {
    let dir = tempfile::tempdir().expect("tempdir");
    git_ok(dir.path(), &["init", "-q"]);
    let hook = dir.path().join(".git/hooks/pre-commit");
    let text_before = "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n# ID: 138fd403232d2ddd5efb44317e38bf03\n";
    std::fs::write(&hook, text_before).expect("write");
    let out = testguard(dir.path(), &["install-hook"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains(".pre-commit-config.yaml"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(&hook).expect("read"), text_before);
}

#[test]
fn bare_repositories_and_no_repository_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    git_ok(dir.path(), &["init", "-q", "--bare", "b.git"]);
    let out = testguard(&dir.path().join("b.git"), &["install-hook"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("bare repository"), "{}", text(&out));
    let plain = tempfile::tempdir().expect("tempdir");
    let out = testguard(plain.path(), &["lint", "--staged"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not inside a git repository"),
        "{}",
        text(&out)
    );
    let out = testguard(plain.path(), &["uninstall-hook"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_missing_binary_falls_back_to_path_or_says_what_to_do() {
    let r = repo();
    let hook = r.path().join(".git/hooks/pre-commit");
    let script = std::fs::read_to_string(&hook).expect("read");
    let recorded = bin().canonicalize().expect("canonical");
    let moved = script.replace(recorded.to_str().expect("utf8"), "/nonexistent/testguard");
    assert_ne!(moved, script, "the hook records the binary's absolute path");
    std::fs::write(&hook, moved).expect("write");
    std::fs::write(r.path().join(".env.test"), BAD).expect("write");
    git_ok(r.path(), &["add", ".env.test"]);
    // on PATH: found there, and it blocks
    let dir_of_bin = bin().parent().expect("dir").to_path_buf();
    let path = format!("{}:/usr/bin:/bin:/usr/local/bin", dir_of_bin.display());
    let out = git_cmd(r.path())
        .env("PATH", &path)
        .args(["commit", "-m", "x"])
        .output()
        .expect("git");
    assert!(
        !out.status.success() && text(&out).contains("TG101"),
        "{}",
        text(&out)
    );
    // nowhere: a clear message, and the commit stops
    let out = git_cmd(r.path())
        .env("PATH", "/usr/bin:/bin:/usr/local/bin")
        .args(["commit", "-m", "x"])
        .output()
        .expect("git");
    assert!(!out.status.success());
    assert!(
        text(&out).contains("cannot find testguard"),
        "{}",
        text(&out)
    );
}
