//! The GitHub Action (`action.yml`): its shell steps run as GitHub runs them
//! — bash, inputs as `INPUT_*` environment variables, `GITHUB_OUTPUT` and
//! `GITHUB_PATH` files — against fixture repositories. `cargo` is a fake that
//! records its arguments and installs the binary under test, so the install
//! step's cache-miss path runs without a second release build.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// action.yml as JSON (PyYAML, which `.ci/run` installs).
fn action_yml() -> serde_json::Value {
    let out = Command::new("python3")
        .args([
            "-c",
            "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(crate_root().join("action.yml"))
        .output()
        .expect("python3 is installed");
    assert!(
        out.status.success(),
        "action.yml does not parse: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// An action checkout of its own (the scripts, Cargo.toml, Cargo.lock), so
/// the install step writes into a temp dir.
fn action_checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["action.yml", "Cargo.toml", "Cargo.lock"] {
        std::fs::copy(crate_root().join(f), dir.path().join(f)).expect("copy");
    }
    std::fs::create_dir_all(dir.path().join("action")).expect("mkdir");
    for e in std::fs::read_dir(crate_root().join("action")).expect("action/") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), dir.path().join("action").join(e.file_name())).expect("copy");
    }
    dir
}

/// A fake `cargo` on PATH: records its arguments, and for `install --root
/// R` puts the binary under test at `R/bin/testguard`.
fn fake_cargo(dir: &Path) -> PathBuf {
    let fake_bin = dir.join("fake-bin");
    std::fs::create_dir_all(&fake_bin).expect("mkdir");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"{log}\"\nroot=\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\" && cp \"{tg}\" \"$root/bin/testguard\"\n",
        log = dir.join("cargo.log").display(),
        tg = bin().display()
    );
    let cargo = fake_bin.join("cargo");
    std::fs::write(&cargo, script).expect("write");
    chmod_x(&cargo);
    fake_bin
}

fn chmod_x(p: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

/// Runs one of the action's scripts with bash, as a composite step does.
fn step(script: &Path, cwd: &Path, env: &[(&str, &str)], path: &str) -> Output {
    Command::new("bash")
        .arg(script)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("bash is installed")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn action_yml_declares_the_inputs_the_scripts_read() {
    let a = action_yml();
    assert_eq!(a["runs"]["using"], "composite");
    for input in ["paths", "config", "sarif", "fail-level"] {
        assert!(a["inputs"][input]["description"].is_string(), "{input}");
    }
    let steps = a["runs"]["steps"].as_array().expect("steps");
    let mut scripts = Vec::new();
    for s in steps {
        if let Some(run) = s["run"].as_str() {
            assert_eq!(s["shell"], "bash", "{run}");
            let name = run
                .split("/action/")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .expect("a script of action/");
            let path = crate_root().join("action").join(name);
            assert!(path.is_file(), "{name} is missing");
            scripts.push((name.to_string(), s["env"].clone()));
        }
    }
    assert_eq!(
        scripts.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["cache-key.sh", "install.sh", "lint.sh"]
    );
    // every INPUT_* the lint script reads is given by the step, from its input
    let lint = std::fs::read_to_string(crate_root().join("action/lint.sh")).expect("read");
    let env = &scripts[2].1;
    for (var, input) in [
        ("INPUT_PATHS", "paths"),
        ("INPUT_CONFIG", "config"),
        ("INPUT_SARIF", "sarif"),
        ("INPUT_FAIL_LEVEL", "fail-level"),
    ] {
        assert!(lint.contains(var), "lint.sh reads {var}");
        assert_eq!(env[var], format!("${{{{ inputs.{input} }}}}"), "{var}");
    }
    // the cache restores exactly the folder install.sh installs into
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("a cache step");
    assert_eq!(
        cache["with"]["path"],
        "${{ github.action_path }}/target/action-install"
    );
    assert_eq!(cache["with"]["key"], "${{ steps.key.outputs.key }}");
}

#[test]
fn the_install_step_builds_once_then_uses_the_cache() {
    let action = action_checkout();
    let work = tempfile::tempdir().expect("tempdir");
    let fake = fake_cargo(work.path());
    let path = format!("{}:/usr/bin:/bin", fake.display());
    let outputs = work.path().join("github_output");
    let github_path = work.path().join("github_path");
    let action_path = action.path().to_str().expect("utf8");
    let env = [
        ("ACTION_PATH", action_path),
        ("GITHUB_OUTPUT", outputs.to_str().expect("utf8")),
        ("GITHUB_PATH", github_path.to_str().expect("utf8")),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
    ];
    let key = step(
        &action.path().join("action/cache-key.sh"),
        work.path(),
        &env,
        &path,
    );
    assert!(key.status.success(), "{}", text(&key));
    let out = std::fs::read_to_string(&outputs).expect("GITHUB_OUTPUT");
    assert!(out.starts_with("key=testguard-action-Linux-X64-"), "{out}");
    assert_eq!(
        out.trim().len(),
        "key=testguard-action-Linux-X64-".len() + 32
    );

    let first = step(
        &action.path().join("action/install.sh"),
        work.path(),
        &env,
        &path,
    );
    assert!(first.status.success(), "{}", text(&first));
    let log = std::fs::read_to_string(work.path().join("cargo.log")).expect("cargo ran");
    let root = action.path().join("target/action-install");
    assert_eq!(
        log.trim(),
        format!(
            "install --locked --quiet --path {action_path} --root {}",
            root.display()
        )
    );
    let added = std::fs::read_to_string(&github_path).expect("GITHUB_PATH");
    assert_eq!(added.trim(), root.join("bin").display().to_string());

    // the cache restored the folder: no build
    let second = step(
        &action.path().join("action/install.sh"),
        work.path(),
        &env,
        &path,
    );
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        text(&second).contains("restored from the cache"),
        "{}",
        text(&second)
    );
    let log = std::fs::read_to_string(work.path().join("cargo.log")).expect("log");
    assert_eq!(log.lines().count(), 1, "cargo ran again: {log}");

    // no toolchain and no cache: a clear error
    std::fs::remove_dir_all(&root).expect("rm");
    let none = step(
        &action.path().join("action/install.sh"),
        work.path(),
        &env,
        "/usr/bin:/bin",
    );
    assert!(!none.status.success());
    assert!(text(&none).contains("::error title=testguard::cargo is not installed"));
}

/// The lint step in a fixture repository, with the binary under test on PATH.
fn lint_step(fixture: &str, inputs: &[(&str, &str)]) -> (Output, tempfile::TempDir, String) {
    let repo = repo_from_fixture(fixture);
    // the SARIF folder exists, as a workflow's earlier step would make it
    std::fs::create_dir_all(repo.path().join("results")).expect("mkdir");
    let bin_dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(bin(), bin_dir.path().join("testguard")).expect("copy");
    chmod_x(&bin_dir.path().join("testguard"));
    let outputs = repo.path().join(".github_output");
    let path = format!("{}:/usr/bin:/bin", bin_dir.path().display());
    let mut env: Vec<(&str, &str)> = vec![("GITHUB_OUTPUT", outputs.to_str().expect("utf8"))];
    env.extend_from_slice(inputs);
    let out = step(
        &crate_root().join("action/lint.sh"),
        repo.path(),
        &env,
        &path,
    );
    let written = std::fs::read_to_string(&outputs).unwrap_or_default();
    (out, repo, written)
}

#[test]
fn the_lint_step_annotates_writes_sarif_and_fails_by_level() {
    let inputs = [
        ("INPUT_PATHS", "."),
        ("INPUT_CONFIG", ""),
        ("INPUT_SARIF", "results/testguard.sarif"),
        ("INPUT_FAIL_LEVEL", "error"),
    ];
    let (out, repo, outputs) = lint_step("laravel-no-test-database-fires-no-override", &inputs);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("::error file=phpunit.xml,line=11"),
        "{stdout}"
    );
    assert!(
        outputs.contains("sarif=results/testguard.sarif"),
        "{outputs}"
    );
    let sarif_path = repo.path().join("results/testguard.sarif");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).expect("SARIF written"))
            .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "TG206");
    if let Some(tool) = sarif_multitool() {
        let v = Command::new(tool)
            .arg("validate")
            .arg(&sarif_path)
            .output()
            .expect("validator");
        assert!(v.status.success(), "{}", text(&v));
        assert!(
            text(&v).contains("Analysis completed successfully"),
            "{}",
            text(&v)
        );
    }

    // fail-level none: the same findings, a green step
    let (out, _, _) = lint_step(
        "laravel-no-test-database-fires-no-override",
        &[("INPUT_FAIL_LEVEL", "none"), ("INPUT_SARIF", "")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::error file="));

    // warnings only: green at `error`, red at `warning`
    let (out, _, _) = lint_step(
        "database-remote-host-fires",
        &[("INPUT_FAIL_LEVEL", "error")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::warning file=.env.test"));
    let (out, _, _) = lint_step(
        "database-remote-host-fires",
        &[("INPUT_FAIL_LEVEL", "warning")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    // paths on several lines; a bad fail-level is the step's error
    let (out, _, _) = lint_step(
        "database-remote-host-fires",
        &[("INPUT_PATHS", ".env.test\n.\n"), ("INPUT_SARIF", "")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (out, _, _) = lint_step(
        "database-remote-host-fires",
        &[("INPUT_FAIL_LEVEL", "loud")],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::error title=testguard::fail-level"));
}
