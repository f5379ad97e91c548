//! Hostile and broken input: every case ends in a diagnostic or a clean skip
//! with the exit code SPEC gives, never a panic or a hang (`common::run`
//! fails the test on any output that contains "panicked" or "internal error").

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{bin, dir_with, run};

const DEV_ENV: &[u8] = b"DATABASE_URL=postgres://app@localhost:5432/shop\n";
const BAD_TEST_ENV: &str = "DATABASE_URL=postgres://app@localhost:5432/shop\n";

/// Runs `testguard lint --format json` and returns (exit code, report).
fn lint_json(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["lint", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    let code = out.status.code().expect("exit code");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "exit {code}, invalid JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, report)
}

fn diags(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// `(code, path)` of every diagnostic.
fn codes(report: &serde_json::Value) -> Vec<(String, String)> {
    diags(report)
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn has(report: &serde_json::Value, code: &str, path: &str) -> bool {
    codes(report).iter().any(|(c, p)| c == code && p == path)
}

fn message_of(report: &serde_json::Value, code: &str, path: &str) -> String {
    diags(report)
        .iter()
        .find(|d| d["code"] == code && d["path"] == path)
        .and_then(|d| d["message"].as_str().map(String::from))
        .unwrap_or_default()
}

#[test]
fn truncated_files_of_every_format_never_crash_and_structural_cuts_are_tg001() {
    let fixtures = common::fixtures_dir();
    let sources = [
        "database-not-test-fires/.env.test",
        "app-env-not-testing-fires-wrong-value/phpunit.xml",
        "settings-module-not-test-fires-production/pyproject.toml",
        "parse-error-fires-ini/pytest.ini",
        "ci-github-fires-merge-matrix-secrets/.github/workflows/ci.yml",
        "ci-gitlab-silent-services-templates/.gitlab-ci.yml",
        "laravel-good-silent/composer.json",
    ];
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for src in sources {
        let path = fixtures.join(src);
        let Ok(bytes) = std::fs::read(&path) else {
            panic!("fixture {src} is missing");
        };
        for (i, cut) in [1, bytes.len() / 4, bytes.len() / 2, bytes.len() - 1]
            .into_iter()
            .enumerate()
        {
            let name = src.split_once('/').map_or(src, |(_, rest)| rest);
            let folder = format!("cut{i}-{}", src.len());
            // a workflow runs at a repository's root: each cut folder is one
            if name.starts_with(".github/") {
                files.push((
                    format!("{folder}/.git/HEAD"),
                    b"ref: refs/heads/main\n".to_vec(),
                ));
            }
            files.push((format!("{folder}/{name}"), bytes[..cut].to_vec()));
        }
    }
    // cuts that break the structure itself
    files.push((
        "structural/phpunit.xml".into(),
        b"<phpunit><php><env name=\"APP_ENV\" val".to_vec(),
    ));
    files.push((
        "structural/pyproject.toml".into(),
        b"[tool.pytest.ini_options\naddopts = \"-q\"\n".to_vec(),
    ));
    files.push((
        "structural/.git/HEAD".into(),
        b"ref: refs/heads/main\n".to_vec(),
    ));
    files.push((
        "structural/.github/workflows/ci.yml".into(),
        b"jobs:\n  test:\n    steps: [ {run: pytest".to_vec(),
    ));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let dir = dir_with(&refs);
    let (code, report) = lint_json(dir.path(), &[]);
    assert!(code == 0 || code == 1, "exit {code}");
    for path in [
        "structural/phpunit.xml",
        "structural/pyproject.toml",
        "structural/.github/workflows/ci.yml",
    ] {
        assert!(has(&report, "TG001", path), "no TG001 on {path}: {report}");
    }
}

#[test]
fn binary_garbage_invalid_utf8_and_utf16_are_tg002_and_scanning_goes_on() {
    let mut garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    garbage[10] = 0xff;
    let utf16le: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain("DATABASE_URL=x\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let utf16be: Vec<u8> = [0xfe, 0xff]
        .into_iter()
        .chain("[pytest]\n".encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let dir = dir_with(&[
        ("pytest.ini", &garbage),
        (".gitlab-ci.yml", &garbage),
        ("phpunit.xml", b"<phpunit>\xc3\x28</phpunit>"),
        ("a/.env.test", &utf16le),
        ("b/tox.ini", &utf16be),
        ("c/.env", DEV_ENV),
        ("c/.env.test", BAD_TEST_ENV.as_bytes()),
    ]);
    let (code, report) = lint_json(dir.path(), &[]);
    assert_eq!(code, 1, "{report}");
    for path in ["pytest.ini", ".gitlab-ci.yml", "phpunit.xml"] {
        assert!(has(&report, "TG002", path), "{path}: {report}");
        assert!(message_of(&report, "TG002", path).contains("not valid UTF-8"));
    }
    assert!(message_of(&report, "TG002", "phpunit.xml").contains("offset 9"));
    for path in ["a/.env.test", "b/tox.ini"] {
        assert!(
            message_of(&report, "TG002", path).contains("UTF-16"),
            "{path}: {report}"
        );
    }
    assert!(has(&report, "TG105", "c/.env.test"), "{report}");
}

/// The same finding in a file with LF, CRLF, lone-CR line ends and a BOM:
/// the same line and column, and the span's bytes are the value's bytes.
#[test]
fn crlf_lone_cr_and_bom_keep_lines_columns_and_spans_right() {
    let body = |eol: &str| format!("# the test database{eol}APP_ENV=test{eol}{BAD_TEST_ENV}");
    let variants = [
        ("lf", body("\n")),
        ("crlf", body("\r\n")),
        ("cr", body("\r")),
        ("bom", format!("\u{feff}{}", body("\n"))),
        ("bomfirst", format!("\u{feff}{BAD_TEST_ENV}")),
    ];
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, text) in &variants {
        files.push((format!("{name}/.env.test"), text.clone().into_bytes()));
        files.push((format!("{name}/.env"), DEV_ENV.to_vec()));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let dir = dir_with(&refs);
    let (_, report) = lint_json(dir.path(), &[]);
    for (name, text) in &variants {
        let path = format!("{name}/.env.test");
        let d = diags(&report)
            .into_iter()
            .find(|d| d["code"] == "TG105" && d["path"] == path.as_str())
            .unwrap_or_else(|| panic!("no TG105 in {path}: {report}"));
        let want_line = if *name == "bomfirst" { 1 } else { 3 };
        assert_eq!(d["line"], want_line, "{path}");
        let offset = d["span"]["offset"].as_u64().expect("offset") as usize;
        let length = d["span"]["length"].as_u64().expect("length") as usize;
        let spanned = &text.as_bytes()[offset..offset + length];
        assert!(
            spanned.ends_with(b"shop") && !spanned.contains(&b'\r'),
            "{path}: span {:?}",
            String::from_utf8_lossy(spanned)
        );
        // the column counts characters from the line start, the BOM not included
        let line_start = text[..offset]
            .rfind(['\n', '\r'])
            .map_or(if text.starts_with('\u{feff}') { 3 } else { 0 }, |i| i + 1);
        let want_column = text[line_start..offset].chars().count() + 1;
        assert_eq!(d["column"], want_column, "{path}");
    }
}

#[test]
fn nul_bytes_and_control_characters_do_not_break_anything() {
    let dir = dir_with(&[
        (".env", DEV_ENV),
        (
            ".env.test",
            b"APP_ENV=te\0st\nDATABASE_URL=postgres://app@localhost:5432/shop\0\n\x1b[31mX=1\n",
        ),
        ("pytest.ini", b"[pytest]\0\naddopts = -q\0\n"),
        (
            "phpunit.xml",
            b"<phpunit><php><env name=\"A\0\" value=\"\0\"/></php></phpunit>",
        ),
    ]);
    let (code, report) = lint_json(dir.path(), &[]);
    assert!(code == 0 || code == 1, "exit {code}: {report}");
    // the human output never carries a raw escape sequence from a file
    let out = run(dir.path(), &["lint"]);
    assert!(!common::stdout(&out).contains('\x1b'));
}

#[test]
fn a_50_mib_file_is_tg002_and_the_rest_is_still_linted_in_both_modes() {
    let mut big = b"[pytest]\naddopts = -q\n".to_vec();
    big.resize(50 * 1024 * 1024, b'#');
    let repo = common::repo_with(&[
        ("pytest.ini", &big),
        (".env", DEV_ENV),
        (".env.test", BAD_TEST_ENV.as_bytes()),
    ]);
    for extra in [&[][..], &["--staged"][..]] {
        let start = Instant::now();
        let (code, report) = lint_json(repo.path(), extra);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{extra:?} too slow"
        );
        assert_eq!(code, 1, "{extra:?}: {report}");
        assert!(
            message_of(&report, "TG002", "pytest.ini").contains("over the 8 MiB limit"),
            "{extra:?}: {report}"
        );
        assert!(has(&report, "TG105", ".env.test"), "{extra:?}: {report}");
    }
}

#[test]
fn the_file_size_limit_holds_at_its_boundary() {
    let limit = testguard::MAX_FILE_SIZE as usize;
    let fill = |len: usize| {
        let mut t = b"[pytest]\naddopts = -q\n".to_vec();
        t.resize(len - 1, b'#');
        t.push(b'\n');
        t
    };
    let at = fill(limit);
    let over = fill(limit + 1);
    let dir = dir_with(&[("at/pytest.ini", &at), ("over/pytest.ini", &over)]);
    let (_, report) = lint_json(dir.path(), &[]);
    assert!(!has(&report, "TG002", "at/pytest.ini"), "{report}");
    assert!(has(&report, "TG002", "over/pytest.ini"), "{report}");
}

#[test]
fn xml_nesting_is_cut_at_its_limit_and_entities_are_never_expanded() {
    use testguard::stacks::php::phpunit::MAX_XML_DEPTH;
    let nested = |depth: usize| {
        let mut s = String::from("<phpunit>");
        s.push_str(&"<a>".repeat(depth - 1));
        s.push_str(&"</a>".repeat(depth - 1));
        s.push_str("</phpunit>");
        s.into_bytes()
    };
    let mut laughs =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        laughs.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    laughs.push_str(
        "]>\n<phpunit><php><env name=\"DB_DATABASE\" value=\"&lol9;\"/></php></phpunit>\n",
    );
    let dir = dir_with(&[
        ("at/phpunit.xml", &nested(MAX_XML_DEPTH)),
        ("over/phpunit.xml", &nested(MAX_XML_DEPTH + 1)),
        ("deep/phpunit.xml", &nested(10_000)),
        ("lolz/phpunit.xml", laughs.as_bytes()),
    ]);
    let start = Instant::now();
    let (_, report) = lint_json(dir.path(), &[]);
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(!has(&report, "TG001", "at/phpunit.xml"), "{report}");
    assert!(has(&report, "TG001", "over/phpunit.xml"), "{report}");
    assert!(has(&report, "TG001", "deep/phpunit.xml"), "{report}");
    let human = common::stdout(&run(dir.path(), &["lint"]));
    assert!(
        !human.contains("lollol"),
        "an entity was expanded:\n{human}"
    );
}

#[test]
fn yaml_nesting_is_cut_at_its_limit() {
    use testguard::syntax::yaml::MAX_YAML_DEPTH;
    // the document's own mapping is level 0; each `[` adds one
    let nested = |depth: usize| {
        format!(
            "on: push\njobs: {}{}\n",
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
        .into_bytes()
    };
    let dir = dir_with(&[
        // each folder a repository of its own, where a workflow runs
        ("at/.git/HEAD", b"ref: refs/heads/main\n"),
        ("over/.git/HEAD", b"ref: refs/heads/main\n"),
        ("at/.github/workflows/ci.yml", &nested(MAX_YAML_DEPTH)),
        ("over/.github/workflows/ci.yml", &nested(MAX_YAML_DEPTH + 2)),
        ("deep/.gitlab-ci.yml", &nested(10_000)),
    ]);
    let (_, report) = lint_json(dir.path(), &[]);
    assert!(
        !has(&report, "TG001", "at/.github/workflows/ci.yml"),
        "{report}"
    );
    assert!(
        has(&report, "TG001", "over/.github/workflows/ci.yml"),
        "{report}"
    );
    assert!(has(&report, "TG001", "deep/.gitlab-ci.yml"), "{report}");
}

#[test]
fn deep_toml_and_json_nesting_end_cleanly() {
    let toml = format!(
        "[tool.pytest.ini_options]\naddopts = {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let json = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let dir = dir_with(&[
        ("pyproject.toml", toml.as_bytes()),
        ("composer.json", json.as_bytes()),
        ("package.json", json.as_bytes()),
    ]);
    let (code, report) = lint_json(dir.path(), &[]);
    assert!(code == 0 || code == 1, "exit {code}");
    assert!(has(&report, "TG001", "pyproject.toml"), "{report}");
}

#[test]
fn symlinks_are_never_followed_loops_and_outside_targets_alike() {
    let outside = dir_with(&[(".env.test", BAD_TEST_ENV.as_bytes())]);
    let dir = dir_with(&[(".env", DEV_ENV), ("sub/keep.txt", b"x")]);
    let root = dir.path();
    std::os::unix::fs::symlink(outside.path().join(".env.test"), root.join(".env.test"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), root.join("linked-dir")).expect("symlink");
    std::os::unix::fs::symlink("loop-b/pytest.ini", root.join("pytest.ini")).expect("symlink");
    std::os::unix::fs::symlink("../sub", root.join("sub/loop")).expect("symlink");
    std::os::unix::fs::symlink("tox.ini", root.join("tox.ini")).expect("symlink");
    let start = Instant::now();
    let (code, report) = lint_json(root, &[]);
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(code, 0, "{report}");
    assert!(
        codes(&report).is_empty(),
        "a symlink was followed: {report}"
    );
}

#[test]
fn a_directory_named_like_a_config_file_is_skipped() {
    let dir = dir_with(&[
        ("pytest.ini/readme.txt", b"not a config"),
        (".env.test/x", b"DATABASE_URL=postgres://localhost/shop\n"),
        ("phpunit.xml/y", b"<phpunit/>"),
        (".env", DEV_ENV),
    ]);
    let (code, report) = lint_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    assert!(codes(&report).is_empty(), "{report}");
}

#[test]
fn an_unreadable_file_is_tg002_as_a_user_without_permission() {
    let dir = dir_with(&[
        ("pytest.ini", b"[pytest]\naddopts = -q\n"),
        (".env", DEV_ENV),
        (".env.test", BAD_TEST_ENV.as_bytes()),
    ]);
    let root = dir.path();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(
        root.join("pytest.ini"),
        std::fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    // root reads anything: run as `nobody` then (setpriv, util-linux)
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let mut cmd = if is_root {
        if Command::new("setpriv").arg("--version").output().is_err() {
            common::required_in_ci("setpriv", "apt-get install util-linux");
            return;
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(bin());
        c
    } else {
        Command::new(bin())
    };
    let out = cmd
        .args(["lint", "--format", "json", "."])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(out.status.code(), Some(1), "{report} {stderr}");
    assert!(
        message_of(&report, "TG002", "pytest.ini").contains("permission denied"),
        "{report}"
    );
    assert!(has(&report, "TG105", ".env.test"), "{report}");
}

/// A file listed by the walk and gone before it is read is skipped quietly.
#[test]
fn a_file_deleted_between_discovery_and_reading_is_skipped() {
    let dir = dir_with(&[(".env", DEV_ENV), (".env.test", BAD_TEST_ENV.as_bytes())]);
    let root = dir.path();
    let candidates = testguard::discover::walk(root);
    assert!(candidates.iter().any(|c| c.rel_path == ".env.test"));
    std::fs::remove_file(root.join(".env.test")).expect("rm");
    let outcome = testguard::lint_tree(
        &testguard::WorkTree::new(root),
        candidates,
        &testguard::rules::Policy::default(),
        None,
    );
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    assert!(
        outcome
            .workspace
            .files
            .iter()
            .all(|f| f.path != ".env.test")
    );
}

#[test]
fn diagnostics_per_file_are_capped_at_the_limit_and_errors_are_kept() {
    let max = testguard::MAX_DIAGNOSTICS_PER_FILE;
    let stale = |n: usize| {
        (0..n)
            .map(|i| format!("# testguard: ignore[TG101] reason {i}\n"))
            .collect::<String>()
    };
    let at = stale(max);
    let over = format!("{}{BAD_TEST_ENV}", stale(max + 5));
    let dir = dir_with(&[
        ("at/.env.test", at.as_bytes()),
        ("over/.env", DEV_ENV),
        ("over/.env.test", over.as_bytes()),
    ]);
    let (code, report) = lint_json(dir.path(), &[]);
    let errors = report["summary"]["errors"].clone();
    let report = serde_json::json!({ "diagnostics": report["diagnostics"] });
    let count = |path: &str| codes(&report).iter().filter(|(_, p)| p == path).count();
    assert_eq!(count("at/.env.test"), max);
    assert_eq!(count("over/.env.test"), max);
    // the error is on the last line, after every warning: it is still kept
    assert!(has(&report, "TG105", "over/.env.test"), "no TG105 kept");
    assert_eq!(code, 1);
    assert_eq!(errors, 1);
    let notes: Vec<String> = diags(&report)
        .iter()
        .filter_map(|d| d["message"].as_str().map(String::from))
        .filter(|m| m.contains("not shown"))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("6 more findings in this file not shown"),
        "{notes:?}"
    );
}

/// Found by the mutation test: a URL inside a URL made the "database name"
/// carry the inner password into the message, past the snippet masking.
#[test]
fn a_password_inside_a_malformed_url_never_reaches_a_message() {
    let dir = dir_with(&[(
        ".env.test",
        b"DATABASE_URL=postgpostgres://u:p@h/dbres://app:s3cret-pw@localhost:5432/myapp\n",
    )]);
    for format in ["human", "json", "sarif", "github", "gitlab"] {
        let out = run(dir.path(), &["lint", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = format!(
            "{}{}",
            common::stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("s3cret-pw"), "{format}: {all}");
        assert!(all.contains("myapp"), "{format}: {all}");
    }
}

/// A panic anywhere is a bug report in two lines and exit 2, without the
/// panic's message (it can quote file text) and without a backtrace.
#[test]
fn a_panic_exits_2_with_a_short_bug_report_and_no_payload() {
    let dir = dir_with(&[(".env", DEV_ENV)]);
    let out = Command::new(bin())
        .args(["lint", "."])
        .current_dir(dir.path())
        .env("TESTGUARD_TEST_PANIC", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("internal error"), "{stderr}");
    assert!(stderr.contains("This is a bug in testguard"), "{stderr}");
    assert!(!stderr.contains("hunter2-test-secret"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
    assert!(stderr.lines().count() <= 3, "{stderr}");
}

#[test]
fn broken_application_code_is_never_tg001_and_decides_nothing() {
    // every file a run points at, cut mid-token: the code is the project's,
    // not a configuration of ours, so nothing is reported and nothing judged
    let dir = dir_with(&[
        ("manage.py", b"import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\nfrom django.core.management import execute_from_command_line\n"),
        ("shop/settings.py", b"DATABASES = {\n    'default': {\n        'HOST': 'db.example.com',\n        'NAME': 'shop\n"),
        ("tests/conftest.py", b"import os\ndef f(:\n    drop_database(os.environ['DATABASE_URL'\n"),
        ("config.py", b"class TestingConfig(Config:\n    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL'\n"),
        ("README.md", b"```bash\nexport DATABASE_URL=postgres://app@localhost/shop\n"),
        // make: "missing separator" (no rule)
        ("Makefile", b"include .env\nexport\ntest pytest\n\tpytest\n"),
        ("Taskfile.yml", b"tasks:\n  test:\n    cmds: [pytest\n"),
        ("api/artisan", b"#!/usr/bin/env php\n"),
        ("api/composer.json", br#"{"require":{"laravel/framework":"^11"}}"#),
        ("api/config/database.php", b"<?php\nreturn [\n  'default' => env('DB_CONNECTION', 'mysql'),\n  'connections' => [ 'testing' => ['database' => env('DB_DATABASE', "),
        ("api/tests/bootstrap.php", b"<?php\nputenv('DB_DATABASE=\n"),
        ("api/bootstrap/app.php", b"<?php\n(new Laravel\\Lumen\\Bootstrap\\LoadEnvironmentVariables(dirname(__DIR__), \n"),
        ("api/tests/Api.suite.yml", b"modules:\n  enabled:\n    - Db:\n        dsn: 'mysql:host=x;dbname=shop\n"),
    ]);
    let (code, report) = lint_json(dir.path(), &[]);
    // no TG001, and no finding built on a half-read value (the settings'
    // HOST, the conftest's drop_database, the bootstrap's putenv)
    assert_eq!(codes(&report), Vec::<(String, String)>::new());
    assert_eq!(code, 0);
}

#[test]
fn broken_spring_dotnet_and_go_sources_are_never_tg001_and_decide_nothing() {
    // what Spring, .NET or Go would refuse is their failure at start-up, not
    // a configuration testguard reads wrongly: no TG001, no finding built on
    // a half-read file, no panic
    let dir = dir_with(&[
        ("build.gradle", b"dependencies {\n"),
        (
            "src/main/resources/application.yml",
            b"spring:\n  datasource:\n    url: [jdbc:mysql://localhost/shop\n  profiles: {active: dev\n",
        ),
        (
            "src/main/resources/application-dev.properties",
            b"spring.datasource.url=jdbc:mysql://localhost/shop\\\n",
        ),
        (
            "src/test/java/shop/Broken.java",
            b"@SpringBootTest(properties = {\"spring.profiles.active=dev\"\nclass Broken extends { /* unterminated\n",
        ),
        ("web/Web.csproj", b"<Project Sdk=\"Microsoft.NET.Sdk.Web\"><ProjectReference Include=\"\n"),
        (
            "web/appsettings.json",
            b"{ // dev\n  \"ConnectionStrings\": { \"Default\": \"Server=.;Database=Shop\" ,, }\n",
        ),
        (
            "web.tests/Web.Tests.csproj",
            b"<Project><PackageReference Include=\"Microsoft.AspNetCore.Mvc.Testing\" /><ProjectReference Include=\"..\\web\\Web.csproj\" />",
        ),
        ("web.tests/F.cs", b"class F : WebApplicationFactory<Program> { @\"unterminated"),
        ("go.mod", b"module x\n"),
        ("app.env", b"DB_SOURCE=postgresql://root@localhost/bank\nKEY: value\nexport X=\"unterminated\n"),
        ("db/main_test.go", b"func TestMain(m *testing.M) { util.LoadConfig(`..` \n pgxpool.New(\"\xff"),
    ]);
    let (code, report) = lint_json(dir.path(), &[]);
    assert!(
        !codes(&report).iter().any(|(c, _)| c == "TG001"),
        "{report:#}"
    );
    // the one finding the intact parts support: the test class's own
    // `spring.profiles.active=dev` selects application-dev.properties (the
    // broken application.yml activates nothing); the Go test file is not
    // UTF-8 and is not read, the broken appsettings.json gives nothing
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        codes(&report),
        [(
            "TG105".to_string(),
            "src/main/resources/application-dev.properties".to_string()
        )],
        "{report:#}"
    );
}
