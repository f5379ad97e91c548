//! This repository's `.pre-commit-hooks.yaml` run by the real pre-commit and
//! prek (`try-repo`, which builds testguard with `cargo install` as users get
//! it): a bad test configuration fails the run with testguard's diagnostic, a
//! good one passes. In CI (`CI=true`) a missing tool fails the test.

mod common;

use std::path::Path;
use std::process::Command;

fn available(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::required_in_ci(tool, "pip install pre-commit prek");
    }
    ok
}

fn sample_repo(env_test: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    std::fs::write(dir.path().join(".env.test"), env_test).expect("write");
    std::fs::write(dir.path().join("README.md"), "sample\n").expect("write");
    git(&["add", "."]);
    dir
}

fn try_repo(tool: &str) {
    if !available(tool) {
        return;
    }
    let this_repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |dir: &Path| {
        let out = Command::new(tool)
            .args([
                "try-repo",
                this_repo.to_str().expect("utf8 path"),
                "testguard",
                "--all-files",
            ])
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            // every hook environment either tool builds shares one cargo
            // build folder: the dependencies are compiled once, not once per
            // tool and run (each built them from nothing, and the two
            // together were over 1,000 s of CI on two cores). The build
            // itself is still pre-commit's and prek's own `cargo install`.
            .env("CARGO_TARGET_DIR", this_repo.join("target/hook-install"))
            // and without optimisation: what is tested is how the tools
            // install and call the hook, not the optimiser; a release build
            // of testguard itself took minutes per install
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
            .output()
            .expect("run the tool");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let bad = sample_repo("DATABASE_URL=postgres://localhost/shop\n");
    let (ok, text) = run(bad.path());
    assert!(!ok, "{tool} passed a bad configuration:\n{text}");
    assert!(
        text.contains("TG101 database-not-test") && text.contains(".env.test:1:35"),
        "{tool} output lacks the diagnostic:\n{text}"
    );
    let good = sample_repo("DATABASE_URL=postgres://localhost/shop_test\n");
    let (ok, text) = run(good.path());
    assert!(ok, "{tool} failed a good configuration:\n{text}");
    assert!(
        text.contains("testguard") && text.contains("Passed"),
        "{text}"
    );
}

#[test]
fn pre_commit_runs_the_hook() {
    try_repo("pre-commit");
}

#[test]
fn prek_runs_the_hook() {
    try_repo("prek");
}

/// This repository as pre-commit and prek fetch a hook repository: its files
/// (tracked, and new ones not ignored) committed in a repository of their
/// own, and that commit.
fn hook_repository() -> (tempfile::TempDir, String) {
    let this_repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = Command::new("git")
        .args(["ls-files", "-z", "-co", "--exclude-standard"])
        .current_dir(this_repo)
        .output()
        .expect("git ls-files");
    let dir = tempfile::tempdir().expect("tempdir");
    for rel in listed.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let rel = std::str::from_utf8(rel).expect("utf8 path");
        let from = this_repo.join(rel);
        if !from.is_file() {
            continue;
        }
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&from, &to).expect("copy");
    }
    common::git(dir.path(), &["init", "-q"]);
    common::git(dir.path(), &["add", "-A"]);
    common::git(dir.path(), &["commit", "-q", "-m", "hook repository"]);
    let sha = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(dir.path())
        .output()
        .expect("rev-parse");
    let sha = String::from_utf8_lossy(&sha.stdout).trim().to_string();
    (dir, sha)
}

/// `git commit` in a repository where `tool install` put the hook: a commit
/// that changes `config/database.yml`, or a `package.json` whose test
/// script then loads a production `.env`, is stopped by testguard's
/// finding; a commit of a README is not.
fn commits_run_the_hook(tool: &str) {
    if !available(tool) {
        return;
    }
    let this_repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (hooks, rev) = hook_repository();
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    let sh = |args: &[&str]| {
        let out = Command::new(args[0])
            .args(&args[1..])
            .current_dir(repo)
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .env("CARGO_TARGET_DIR", this_repo.join("target/hook-install"))
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
            .output()
            .expect("run");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let write = |rel: &str, text: &str| {
        let p = repo.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    const DATABASE_YML: &str = "default: &default\n  adapter: postgresql\n\ndevelopment:\n  <<: *default\n  database: <%= ENV['POSTGRES_DATABASE'] %>\n\ntest:\n  <<: *default\n  database: shop_test\n";
    const PACKAGE_JSON: &str = "{\"name\": \"web\", \"scripts\": {\"test\": \"jest\"},\n \"dependencies\": {\"pg\": \"^8\"}, \"devDependencies\": {\"jest\": \"^29\", \"dotenv-cli\": \"^7\"}}\n";
    write(
        "Gemfile",
        "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'pg'\n",
    );
    write("config/database.yml", DATABASE_YML);
    write("spec/rails_helper.rb", "ENV['RAILS_ENV'] ||= 'test'\n");
    write("web/package.json", PACKAGE_JSON);
    write(
        "web/.env",
        "DATABASE_URL=postgres://web:Hk-3318-pw@db.prod.example.com/web_production\n",
    );
    write("README.md", "shop\n");
    write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: testguard\n",
            hooks.path().display()
        ),
    );
    assert!(sh(&["git", "init", "-q"]).0);
    assert!(sh(&["git", "add", "-A"]).0);
    let (ok, text) = sh(&["git", "commit", "-q", "-m", "start"]);
    assert!(ok, "{text}");
    let (ok, text) = sh(&[tool, "install"]);
    assert!(ok, "{tool} install: {text}");

    // the test entry now takes the development database's variable
    write(
        "config/database.yml",
        &DATABASE_YML.replace(
            "database: shop_test",
            "database: <%= ENV['POSTGRES_DATABASE'] %>",
        ),
    );
    assert!(sh(&["git", "add", "config/database.yml"]).0);
    let (ok, text) = sh(&["git", "commit", "-m", "share the database"]);
    assert!(!ok, "{tool}: the commit went through:\n{text}");
    assert!(
        text.contains("TG107") && text.contains("config/database.yml"),
        "{tool}:\n{text}"
    );
    assert!(sh(&["git", "reset", "-q", "--hard"]).0);

    // the test script now loads the `.env` that names a production database
    write(
        "web/package.json",
        &PACKAGE_JSON.replace("\"jest\"},", "\"dotenv -e .env -- jest\"},"),
    );
    assert!(sh(&["git", "add", "web/package.json"]).0);
    let (ok, text) = sh(&["git", "commit", "-m", "load .env"]);
    assert!(!ok, "{tool}: the commit went through:\n{text}");
    assert!(
        text.contains("TG102") && text.contains("web/.env") && !text.contains("Hk-3318-pw"),
        "{tool}:\n{text}"
    );
    assert!(sh(&["git", "reset", "-q", "--hard"]).0);

    // a change to nothing testguard reads: the hook passes
    write("README.md", "shop, with notes\n");
    assert!(sh(&["git", "add", "README.md"]).0);
    let (ok, text) = sh(&["git", "commit", "-m", "notes"]);
    assert!(ok, "{tool}: {text}");
}

#[test]
fn pre_commit_stops_a_commit_of_a_database_yml_or_a_package_json() {
    commits_run_the_hook("pre-commit");
}

#[test]
fn prek_stops_a_commit_of_a_database_yml_or_a_package_json() {
    commits_run_the_hook("prek");
}
