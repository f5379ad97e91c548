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
