//! `testguard run` (SPEC §1a) with fake runners: executables that record the
//! process id they run as and their arguments, in real git repositories in
//! temp dirs. Every run starts from a cleared environment plus what the test
//! exports, so the machine's own variables cannot decide a result.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

/// A runner that writes its pid and its arguments (NUL-terminated) next to
/// `$TG_RECORD`, and exits with `$TG_EXIT`.
const FAKE_RUNNER: &[u8] = b"#!/bin/sh\n\
printf '%s\\n' \"$$\" > \"$TG_RECORD.pid\"\n\
for a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$TG_RECORD.args\"\n\
exit ${TG_EXIT:-0}\n";

struct Guarded {
    out: Output,
    /// testguard's process id.
    pid: u32,
    record: PathBuf,
    _records: tempfile::TempDir,
}

impl Guarded {
    fn status(&self) -> i32 {
        self.out.status.code().expect("exit status")
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    fn all_output(&self) -> String {
        format!(
            "{}{}",
            self.stderr(),
            String::from_utf8_lossy(&self.out.stdout)
        )
    }
    /// The runner ran: its pid and arguments.
    fn ran(&self) -> Option<(u32, Vec<Vec<u8>>)> {
        let pid = std::fs::read_to_string(self.record.with_extension("pid")).ok()?;
        let args = std::fs::read(self.record.with_extension("args")).unwrap_or_default();
        let args = args
            .split(|b| *b == 0)
            .map(<[u8]>::to_vec)
            .collect::<Vec<_>>();
        let args = args[..args.len().saturating_sub(1)].to_vec();
        Some((pid.trim().parse().expect("pid"), args))
    }
}

/// `testguard run ARGS` in `dir`, from an environment holding only PATH and `env`.
fn guarded(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Guarded {
    let records = tempfile::tempdir().expect("tempdir");
    let record = records.path().join("run");
    let child = Command::new(bin())
        .arg("run")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("TG_RECORD", &record)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start testguard");
    let pid = child.id();
    let out = child.wait_with_output().expect("wait for testguard");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        !text.contains("panicked") && !text.contains("internal error"),
        "testguard panicked: {text}"
    );
    Guarded {
        out,
        pid,
        record,
        _records: records,
    }
}

fn executable(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, bytes).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

const LARAVEL_GITIGNORE: &str = "/vendor\n.env\n.env.testing\n/bootstrap/cache/*.php\n";

fn phpunit_xml(env: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<phpunit bootstrap=\"vendor/autoload.php\">\n    <php>\n        <env name=\"APP_ENV\" value=\"testing\"/>\n{env}    </php>\n</phpunit>\n"
    )
}

/// A Laravel app whose phpunit.xml carries `env`, with a developer's `.env`
/// (gitignored) on the development database and a fake `vendor/bin/phpunit`.
fn laravel(env: &str) -> tempfile::TempDir {
    let repo = repo_with(&[
        (
            "composer.json",
            br#"{"require": {"laravel/framework": "^11.0"}}"#,
        ),
        ("artisan", b"#!/usr/bin/env php\n"),
        ("phpunit.xml", phpunit_xml(env).as_bytes()),
        (".gitignore", LARAVEL_GITIGNORE.as_bytes()),
        (
            ".env.example",
            b"APP_ENV=local\nDB_CONNECTION=mysql\nDB_DATABASE=shop\n",
        ),
    ]);
    write(
        repo.path(),
        ".env",
        "APP_ENV=local\nDB_CONNECTION=mysql\nDB_DATABASE=shop\nDB_PASSWORD=dev-pass-9f3k\n",
    );
    executable(repo.path(), "vendor/bin/phpunit", FAKE_RUNNER);
    repo
}

const TEST_DB_ENV: &str = "        <env name=\"DB_CONNECTION\" value=\"mysql\"/>\n        <env name=\"DB_DATABASE\" value=\"shop_test\"/>\n";

#[test]
fn a_safe_laravel_run_becomes_the_runner_and_returns_its_status() {
    let repo = laravel(TEST_DB_ENV);
    let g = guarded(repo.path(), &[], &["--", "vendor/bin/phpunit"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    let (pid, args) = g.ran().expect("the runner ran");
    assert_eq!(
        pid, g.pid,
        "the runner runs as testguard's own process (exec)"
    );
    assert!(args.is_empty());
    assert_eq!(g.stderr(), "", "a safe run prints nothing of its own");

    for code in ["1", "3", "255"] {
        let g = guarded(
            repo.path(),
            &[("TG_EXIT", code)],
            &["--", "vendor/bin/phpunit"],
        );
        assert_eq!(g.status().to_string(), code, "{}", g.stderr());
        assert!(g.ran().is_some());
    }
}

#[test]
fn an_exported_database_beats_an_unforced_env_and_the_run_is_refused() {
    let repo = laravel(TEST_DB_ENV);
    let g = guarded(
        repo.path(),
        &[("DB_DATABASE", "shop")],
        &["--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.ran().is_none(), "nothing may start");
    let err = g.stderr();
    assert!(err.contains("DB_DATABASE"), "{err}");
    assert!(err.contains("your environment"), "{err}");
    assert!(err.contains("refused to start PHPUnit"), "{err}");
    assert!(!err.contains("dev-pass-9f3k"), "{err}");

    // force="true" beats the caller: the same export is harmless
    let forced = laravel(
        "        <env name=\"DB_CONNECTION\" value=\"mysql\" force=\"true\"/>\n        <env name=\"DB_DATABASE\" value=\"shop_test\" force=\"true\"/>\n",
    );
    let g = guarded(
        forced.path(),
        &[("DB_DATABASE", "shop")],
        &["--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 0, "{}", g.stderr());
    assert!(g.ran().is_some());

    // an export of a test database is the run's database, and fine
    let g = guarded(
        repo.path(),
        &[("DB_DATABASE", "shop_test_2")],
        &["--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 0, "{}", g.stderr());
}

#[test]
fn a_cached_laravel_config_on_disk_refuses_the_run() {
    let repo = laravel(TEST_DB_ENV);
    write(
        repo.path(),
        "bootstrap/cache/config.php",
        "<?php return ['database' => ['default' => 'mysql']];\n",
    );
    let g = guarded(repo.path(), &[], &["--", "vendor/bin/phpunit"]);
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.ran().is_none());
    assert!(g.stderr().contains("TG205"), "{}", g.stderr());

    std::fs::remove_file(repo.path().join("bootstrap/cache/config.php")).expect("rm");
    let g = guarded(repo.path(), &[], &["--", "vendor/bin/phpunit"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
}

#[test]
fn a_gitignored_env_testing_counts_when_it_exists_here() {
    // APP_ENV=testing and no database override: the database is whatever
    // `.env.testing` says, or, where it does not exist, `.env`'s
    let repo = laravel("");
    let absent = guarded(repo.path(), &[], &["--", "vendor/bin/phpunit"]);
    assert_eq!(absent.status(), 125, "{}", absent.stderr());
    assert!(absent.ran().is_none());
    let err = absent.stderr();
    assert!(err.contains("does not exist on this machine"), "{err}");
    assert!(err.contains("`shop`"), "{err}");

    write(
        repo.path(),
        ".env.testing",
        "APP_ENV=testing\nDB_CONNECTION=mysql\nDB_DATABASE=shop_test\n",
    );
    let present = guarded(
        repo.path(),
        &[],
        &[
            "--explain",
            "--",
            "vendor/bin/phpunit",
            "--testsuite",
            "Feature",
        ],
    );
    assert_eq!(present.status(), 0, "{}", present.stderr());
    let (_, args) = present.ran().expect("ran");
    assert_eq!(args, [b"--testsuite".to_vec(), b"Feature".to_vec()]);
    // --explain names the effective database and the file it came from
    let err = present.stderr();
    assert!(
        err.lines()
            .any(|l| l.contains("DB_DATABASE = shop_test") && l.contains(".env.testing:3")),
        "{err}"
    );
}

fn django(pytest_ini: &str) -> tempfile::TempDir {
    let repo = repo_with(&[
        ("requirements.txt", b"django\npytest-django\n"),
        (
            "manage.py",
            b"import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"shop.settings.dev\")\n",
        ),
        ("pytest.ini", pytest_ini.as_bytes()),
        ("shop/__init__.py", b""),
        ("shop/settings/__init__.py", b""),
        (
            "shop/settings/production.py",
            b"DATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.postgresql\", \"NAME\": \"shop\"}}\n",
        ),
        ("shop/settings/test.py", b"from .production import *\n"),
    ]);
    executable(repo.path(), "bin/pytest", FAKE_RUNNER);
    repo
}

#[test]
fn an_exported_settings_module_beats_the_ini_key_but_not_ds() {
    let ini = "[pytest]\nDJANGO_SETTINGS_MODULE = shop.settings.test\n";
    let repo = django(ini);
    let prod = [("DJANGO_SETTINGS_MODULE", "shop.settings.production")];
    let g = guarded(repo.path(), &prod, &["--", "bin/pytest", "-q"]);
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.ran().is_none());
    assert!(
        g.stderr().contains("shop.settings.production"),
        "{}",
        g.stderr()
    );
    assert!(g.stderr().contains("TG301"), "{}", g.stderr());

    // without the export the ini key decides
    let g = guarded(repo.path(), &[], &["--", "bin/pytest", "-q"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());

    // `--ds` in addopts beats the environment
    let repo = django(&format!("{ini}addopts = --ds=shop.settings.test\n"));
    let g = guarded(repo.path(), &prod, &["--", "bin/pytest", "-q"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    assert!(g.ran().is_some());

    // and so does `--ds` on the command line
    let repo = django(ini);
    let g = guarded(
        repo.path(),
        &prod,
        &["--", "bin/pytest", "--ds=shop.settings.test"],
    );
    assert_eq!(g.status(), 0, "{}", g.stderr());
}

const PROD_URL: &str = "postgres://admin:Pr0d-S3cret-pw@db.prod.example.com:5432/shop";

fn jest_app() -> tempfile::TempDir {
    let repo = repo_with(&[
        (
            "package.json",
            br#"{"name": "api", "scripts": {"test": "dotenv -e .env.test -- jest --runInBand"},
 "dependencies": {"@prisma/client": "^5.0.0"},
 "devDependencies": {"jest": "^29.0.0", "dotenv-cli": "^7.0.0", "prisma": "^5.0.0"}}"#,
        ),
        (
            ".env.test",
            b"DATABASE_URL=postgresql://postgres:postgres@localhost:5432/shop_test\n",
        ),
        (
            "prisma/schema.prisma",
            b"datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n",
        ),
        (".gitignore", b"node_modules\n.env\n"),
    ]);
    executable(repo.path(), "node_modules/.bin/jest", FAKE_RUNNER);
    repo
}

#[test]
fn an_exported_production_database_url_beats_the_test_dotenv_under_jest() {
    let repo = jest_app();
    for command in [&["npm", "test"][..], &["node_modules/.bin/jest"][..]] {
        let mut args = vec!["--explain", "--"];
        args.extend_from_slice(command);
        let g = guarded(repo.path(), &[("DATABASE_URL", PROD_URL)], &args);
        assert_eq!(g.status(), 125, "{command:?}: {}", g.stderr());
        assert!(g.ran().is_none());
        let all = g.all_output();
        assert!(all.contains("DATABASE_URL"), "{all}");
        assert!(all.contains("your environment"), "{all}");
        // the password of an exported URL appears in no output
        assert!(!all.contains("Pr0d-S3cret-pw"), "{all}");
        assert!(!all.contains("S3cret"), "{all}");
    }
    // a local development database by name, not only a production host
    let g = guarded(
        repo.path(),
        &[(
            "DATABASE_URL",
            "postgresql://me:pw-7731@localhost:5432/shop",
        )],
        &["--", "npm", "test"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(!g.all_output().contains("pw-7731"), "{}", g.all_output());

    // without the export `.env.test` decides, and the runner starts
    let g = guarded(repo.path(), &[], &["--", "node_modules/.bin/jest", "--ci"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    let (pid, args) = g.ran().expect("ran");
    assert_eq!(pid, g.pid);
    assert_eq!(args, [b"--ci".to_vec()]);
}

#[test]
fn arguments_reach_the_runner_byte_for_byte() {
    let repo = laravel(TEST_DB_ENV);
    let args: &[&str] = &[
        "a b",
        "it's",
        "\"quoted\"",
        "",
        "$HOME",
        "`id`",
        "--",
        "-c",
        "ünïcode\ttab",
        "*",
    ];
    let mut cmd = vec!["--", "vendor/bin/phpunit"];
    cmd.extend_from_slice(args);
    let g = guarded(repo.path(), &[("HOME", "/nonexistent-home")], &cmd);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    let (pid, got) = g.ran().expect("ran");
    assert_eq!(pid, g.pid);
    let want: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
    assert_eq!(got, want);

    // without `--` too: everything after the command is the command's
    let g = guarded(repo.path(), &[], &["vendor/bin/phpunit", "--explain", "-x"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    let (_, got) = g.ran().expect("ran");
    assert_eq!(got, [b"--explain".to_vec(), b"-x".to_vec()]);
}

#[test]
fn an_unknown_command_is_not_run_and_runner_names_it() {
    let repo = laravel(TEST_DB_ENV);
    executable(repo.path(), "run-tests.sh", FAKE_RUNNER);
    let g = guarded(repo.path(), &[], &["--", "./run-tests.sh"]);
    assert_eq!(g.status(), 2, "{}", g.stderr());
    assert!(g.ran().is_none());
    assert!(g.stderr().contains("--runner"), "{}", g.stderr());

    // --runner phpunit applies PHPUnit's resolution to the wrapper script
    let g = guarded(
        repo.path(),
        &[("DB_DATABASE", "shop")],
        &["--runner", "phpunit", "--", "./run-tests.sh"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.ran().is_none());
    let g = guarded(
        repo.path(),
        &[],
        &["--runner", "phpunit", "--", "./run-tests.sh", "x"],
    );
    assert_eq!(g.status(), 0, "{}", g.stderr());
    assert_eq!(g.ran().expect("ran").1, [b"x".to_vec()]);

    // an unknown runner name is exit 2 as well
    let g = guarded(
        repo.path(),
        &[],
        &["--runner", "nosuch", "--", "./run-tests.sh"],
    );
    assert_eq!(g.status(), 2, "{}", g.stderr());
    assert!(g.ran().is_none());
}

#[test]
fn a_command_that_cannot_be_executed_is_126_or_127() {
    let repo = laravel(TEST_DB_ENV);
    let g = guarded(
        repo.path(),
        &[],
        &["--runner", "phpunit", "--", "./no-such-runner"],
    );
    assert_eq!(g.status(), 127, "{}", g.stderr());
    write(repo.path(), "not-executable", "#!/bin/sh\nexit 0\n");
    let g = guarded(
        repo.path(),
        &[],
        &["--runner", "phpunit", "--", "./not-executable"],
    );
    assert_eq!(g.status(), 126, "{}", g.stderr());
}

#[test]
fn warnings_print_and_the_run_goes_on() {
    // a Prisma 5 app whose direct `jest` never loads `.env.test`: TG302 warns
    let repo = jest_app();
    let g = guarded(repo.path(), &[], &["--", "node_modules/.bin/jest"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    assert!(g.stderr().contains("TG302"), "{}", g.stderr());
    assert!(g.ran().is_some());
}

#[test]
fn findings_of_other_entry_points_do_not_refuse_a_run() {
    // a CI job on a production database is lint's business, not this run's
    let repo = laravel(TEST_DB_ENV);
    write(
        repo.path(),
        ".github/workflows/test.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      APP_ENV: production\n    steps:\n      - run: vendor/bin/phpunit\n",
    );
    let lint = run(repo.path(), &["lint", "--format", "json", "."]);
    assert_eq!(
        lint.status.code(),
        Some(1),
        "lint reports the CI job: {}",
        stdout(&lint)
    );
    let g = guarded(repo.path(), &[], &["--", "vendor/bin/phpunit"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
}

#[test]
fn the_configuration_the_command_reads_decides() {
    // phpunit.xml forces a test database; phpunit.ci.xml names the real one
    let repo = laravel(
        "        <env name=\"DB_CONNECTION\" value=\"mysql\" force=\"true\"/>\n        <env name=\"DB_DATABASE\" value=\"shop_test\" force=\"true\"/>\n",
    );
    write(
        repo.path(),
        "phpunit.ci.xml",
        &phpunit_xml("        <env name=\"DB_DATABASE\" value=\"shop\" force=\"true\"/>\n"),
    );
    write(
        repo.path(),
        "composer.json",
        r#"{"require": {"laravel/framework": "^11.0"},
 "scripts": {"test": ["@clear", "@php vendor/bin/phpunit -c phpunit.ci.xml"], "clear": "@php artisan config:clear", "unit": "phpunit"}}"#,
    );
    let g = guarded(repo.path(), &[], &["--", "vendor/bin/phpunit"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    for cmd in [
        &["vendor/bin/phpunit", "-c", "phpunit.ci.xml"][..],
        &["vendor/bin/phpunit", "--configuration=phpunit.ci.xml"][..],
        &["composer", "test"][..],
    ] {
        let mut args = vec!["--"];
        args.extend_from_slice(cmd);
        let g = guarded(repo.path(), &[], &args);
        assert_eq!(g.status(), 125, "{cmd:?}: {}", g.stderr());
        assert!(g.stderr().contains("phpunit.ci.xml"), "{}", g.stderr());
        assert!(g.ran().is_none());
    }
}

#[test]
fn an_exported_app_env_is_judged_by_the_database_it_leads_to() {
    // phpunit.xml's own test database survives APP_ENV=local: a warning
    let repo = laravel(TEST_DB_ENV);
    let g = guarded(
        repo.path(),
        &[("APP_ENV", "local")],
        &["--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 0, "{}", g.stderr());
    assert!(g.stderr().contains("TG208"), "{}", g.stderr());
    assert!(g.ran().is_some());

    // with the database in `.env.testing`, APP_ENV=local makes Laravel read `.env`
    let repo = laravel("");
    write(
        repo.path(),
        ".env.testing",
        "DB_CONNECTION=mysql\nDB_DATABASE=shop_test\n",
    );
    let g = guarded(repo.path(), &[], &["--", "vendor/bin/phpunit"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    let g = guarded(
        repo.path(),
        &[("APP_ENV", "local")],
        &["--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.stderr().contains("APP_ENV=`local`"), "{}", g.stderr());
    assert!(g.ran().is_none());
}

#[test]
fn a_package_script_gives_the_runner_its_own_environment() {
    if Command::new("npm").arg("--version").output().is_err() {
        required_in_ci("npm", "apt-get install npm");
        return;
    }
    // an inline assignment beats what the caller exports
    let repo = jest_app();
    write(
        repo.path(),
        "package.json",
        r#"{"name": "api", "scripts": {"test": "DATABASE_URL=postgresql://localhost:5432/shop_test jest --runInBand"},
 "dependencies": {"@prisma/client": "^5.0.0"},
 "devDependencies": {"jest": "^29.0.0", "prisma": "^5.0.0"}}"#,
    );
    let g = guarded(
        repo.path(),
        &[("DATABASE_URL", PROD_URL)],
        &["--", "npm", "test"],
    );
    assert_eq!(g.status(), 0, "{}", g.stderr());
    let (_, args) = g.ran().expect("npm ran the script's jest");
    assert_eq!(args, [b"--runInBand".to_vec()]);
    // a runner started directly gets none of the script's environment
    let g = guarded(
        repo.path(),
        &[("DATABASE_URL", PROD_URL)],
        &["--", "npx", "jest"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(!g.all_output().contains("S3cret"));
}

#[test]
fn a_nested_project_is_another_run() {
    let repo = laravel(TEST_DB_ENV);
    write(
        repo.path(),
        "packages/legacy/composer.json",
        r#"{"require": {"laravel/framework": "^10.0"}}"#,
    );
    write(
        repo.path(),
        "packages/legacy/artisan",
        "#!/usr/bin/env php\n",
    );
    write(
        repo.path(),
        "packages/legacy/phpunit.xml",
        &phpunit_xml("        <env name=\"DB_DATABASE\" value=\"legacy\" force=\"true\"/>\n"),
    );
    executable(
        repo.path(),
        "packages/legacy/vendor/bin/phpunit",
        FAKE_RUNNER,
    );
    let lint = run(repo.path(), &["lint", "."]);
    assert_eq!(lint.status.code(), Some(1), "lint reports the nested app");
    let g = guarded(repo.path(), &[], &["--", "vendor/bin/phpunit"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    let g = guarded(
        &repo.path().join("packages/legacy"),
        &[],
        &["--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.stderr().contains("legacy"), "{}", g.stderr());
}

#[test]
fn inside_a_script_it_sees_the_environment_the_wrappers_built() {
    // `"test": "dotenv -e .env.test -- testguard run -- jest"`: testguard
    // starts with what dotenv-cli loaded, or with what it did not override
    let repo = jest_app();
    write(
        repo.path(),
        "package.json",
        r#"{"name": "api", "scripts": {"test": "dotenv -e .env.test -- testguard run -- jest"},
 "dependencies": {"@prisma/client": "^5.0.0"},
 "devDependencies": {"jest": "^29.0.0", "dotenv-cli": "^7.0.0", "prisma": "^5.0.0"}}"#,
    );
    let loaded = [(
        "DATABASE_URL",
        "postgresql://postgres:postgres@localhost:5432/shop_test",
    )];
    let bare_path = [loaded[0], ("PATH", "/usr/bin:/bin")];
    let g = guarded(repo.path(), &bare_path, &["--", "jest"]);
    // `jest` is not on PATH here: recognised, resolved, then 127
    assert_eq!(g.status(), 127, "{}", g.stderr());
    let g = guarded(repo.path(), &loaded, &["--", "node_modules/.bin/jest"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    let g = guarded(
        repo.path(),
        &[("DATABASE_URL", PROD_URL)],
        &["--", "node_modules/.bin/jest"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());

    // a package whose scripts never start the runner: the runner alone
    write(
        repo.path(),
        "package.json",
        r#"{"name": "api", "scripts": {"build": "tsc"},
 "dependencies": {"@prisma/client": "^5.0.0"}, "devDependencies": {"jest": "^29.0.0", "prisma": "^5.0.0"}}"#,
    );
    let g = guarded(
        repo.path(),
        &[("DATABASE_URL", "postgresql://me:pw@localhost:5432/shop")],
        &["--", "npx", "jest"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.stderr().contains("`shop`"), "{}", g.stderr());
}

/// The refusal as a user reads it (a reviewed snapshot): the exported
/// variable, the chain it beat, the fix, the verdict; and `--explain`.
#[test]
fn refusal_and_explanation_as_printed() {
    let repo = laravel(TEST_DB_ENV);
    let g = guarded(
        repo.path(),
        &[
            ("DB_DATABASE", "shop"),
            ("DB_PASSWORD", "exported-secret-77"),
        ],
        &["--explain", "--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 125);
    let err = g.stderr();
    assert!(!err.contains("exported-secret-77") && !err.contains("dev-pass-9f3k"));
    insta::assert_snapshot!("run_refused_exported_db_database", err);
}

#[test]
fn the_configuration_file_applies_to_the_run() {
    let repo = laravel(TEST_DB_ENV);
    let qa = [("DB_DATABASE", "shop_qa")];
    let g = guarded(repo.path(), &qa, &["--", "vendor/bin/phpunit"]);
    assert_eq!(g.status(), 125, "{}", g.stderr());
    write(
        repo.path(),
        "ci/testguard.toml",
        "extra-test-markers = [\"qa\"]\n",
    );
    let g = guarded(
        repo.path(),
        &qa,
        &["--config", "ci/testguard.toml", "--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 0, "{}", g.stderr());
    // a configuration testguard cannot read is exit 2, and nothing runs
    write(repo.path(), "bad.toml", "[rules]\n");
    let g = guarded(
        repo.path(),
        &[],
        &["--config", "bad.toml", "--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 2, "{}", g.stderr());
    assert!(g.ran().is_none());
}

#[test]
fn fixtures_that_read_the_database_from_the_environment_get_the_exported_one() {
    let repo = repo_with(&[
        ("requirements.txt", b"fastapi\nsqlalchemy\npytest\n"),
        ("pytest.ini", b"[pytest]\ntestpaths = tests\n"),
        (
            "tests/conftest.py",
            b"import os\nimport pytest\nfrom sqlalchemy import create_engine\n\nfrom app.db import Base\n\n\n@pytest.fixture(scope=\"session\")\ndef engine():\n    engine = create_engine(os.environ[\"DATABASE_URL\"])\n    Base.metadata.drop_all(engine)\n    Base.metadata.create_all(engine)\n    yield engine\n",
        ),
    ]);
    executable(repo.path(), "bin/pytest", FAKE_RUNNER);
    let dev = [(
        "DATABASE_URL",
        "postgresql://app:devpw-31@localhost:5432/shop_development",
    )];
    let g = guarded(repo.path(), &dev, &["--", "bin/pytest"]);
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.stderr().contains("tests/conftest.py"), "{}", g.stderr());
    assert!(!g.all_output().contains("devpw-31"));
    let test = [(
        "DATABASE_URL",
        "postgresql://app:devpw-31@localhost:5432/shop_test",
    )];
    let g = guarded(repo.path(), &test, &["--", "bin/pytest"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    // tox hands its environments none of the caller's variables
    let g = guarded(repo.path(), &dev, &["--runner", "tox", "--", "bin/pytest"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
}

#[test]
fn an_exported_node_env_that_jest_keeps_picks_the_development_block() {
    let repo = repo_with(&[
        (
            "package.json",
            br#"{"name": "ledger", "scripts": {"test": "jest --runInBand"},
 "dependencies": {"knex": "^3.1.0", "pg": "^8.11.0"}, "devDependencies": {"jest": "^29.0.0"}}"#,
        ),
        (
            "knexfile.js",
            b"module.exports = {\n  development: {\n    client: 'pg',\n    connection: { database: 'ledger' },\n  },\n  test: {\n    client: 'pg',\n    connection: { database: 'ledger_test' },\n  },\n};\n",
        ),
    ]);
    executable(repo.path(), "node_modules/.bin/jest", FAKE_RUNNER);
    let g = guarded(
        repo.path(),
        &[("NODE_ENV", "development")],
        &["--", "node_modules/.bin/jest"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.stderr().contains("TG202"), "{}", g.stderr());
    for env in [&[("NODE_ENV", "test")][..], &[][..]] {
        let g = guarded(repo.path(), env, &["--", "node_modules/.bin/jest"]);
        assert_eq!(g.status(), 0, "{env:?}: {}", g.stderr());
    }
}

#[test]
fn another_ecosystem_in_the_same_folder_is_another_run() {
    // a Laravel app whose PHPUnit run is refused (no .env.testing here) also
    // has Jest tests for its front end: those start
    let repo = laravel("");
    write(
        repo.path(),
        "package.json",
        r#"{"private": true, "scripts": {"test": "jest"}, "devDependencies": {"jest": "^29.0.0", "vite": "^5.0.0"}}"#,
    );
    executable(repo.path(), "node_modules/.bin/jest", FAKE_RUNNER);
    let g = guarded(repo.path(), &[], &["--", "vendor/bin/phpunit"]);
    assert_eq!(g.status(), 125, "{}", g.stderr());
    let g = guarded(repo.path(), &[], &["--", "node_modules/.bin/jest"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    assert_eq!(g.stderr(), "");
}

/// A Rails app whose rspec helper only defaults `RAILS_ENV` (`||=`, as
/// rspec-rails generates it), with a fake `bundle` on PATH.
fn rails_app(helper: &str) -> tempfile::TempDir {
    let repo = repo_with(&[
        (
            "Gemfile",
            b"source \"https://rubygems.org\"\ngem \"rails\"\ngem \"rspec-rails\"\n",
        ),
        (
            "config/database.yml",
            b"development:\n  database: shop_development\ntest:\n  database: shop_test\n",
        ),
        ("spec/rails_helper.rb", helper.as_bytes()),
    ]);
    executable(repo.path(), "fakebin/bundle", FAKE_RUNNER);
    executable(repo.path(), "fakebin/mix", FAKE_RUNNER);
    repo
}

const RSPEC_HELPER: &str = "require 'spec_helper'\nENV['RAILS_ENV'] ||= 'test'\nrequire_relative '../config/environment'\n";

fn fake_path(repo: &Path) -> String {
    format!("{}:/usr/bin:/bin", repo.join("fakebin").display())
}

#[test]
fn rspec_is_refused_under_an_exported_development_rails_env_and_runs_without_it() {
    let repo = rails_app(RSPEC_HELPER);
    let path = fake_path(repo.path());
    let refused = guarded(
        repo.path(),
        &[("PATH", &path), ("RAILS_ENV", "development")],
        &["--", "bundle", "exec", "rspec"],
    );
    assert_eq!(refused.status(), 125, "{}", refused.all_output());
    assert!(refused.ran().is_none(), "the runner started");
    let text = refused.all_output();
    assert!(
        text.contains("TG208")
            && text.contains("keeps RAILS_ENV=`development` from your environment"),
        "{text}"
    );
    // RACK_ENV decides when RAILS_ENV is not exported
    let rack = guarded(
        repo.path(),
        &[("PATH", &path), ("RACK_ENV", "production")],
        &["--", "bundle", "exec", "rspec"],
    );
    assert_eq!(rack.status(), 125, "{}", rack.all_output());
    let clean = guarded(
        repo.path(),
        &[("PATH", &path)],
        &["--", "bundle", "exec", "rspec"],
    );
    assert_eq!(clean.status(), 0, "{}", clean.all_output());
    let (_, args) = clean.ran().expect("the runner ran");
    assert_eq!(args, [b"exec".to_vec(), b"rspec".to_vec()]);
    let test_env = guarded(
        repo.path(),
        &[("PATH", &path), ("RAILS_ENV", "test")],
        &["--", "bundle", "exec", "rspec"],
    );
    assert_eq!(test_env.status(), 0, "{}", test_env.all_output());
}

#[test]
fn a_helper_that_assigns_test_and_rails_test_are_not_refused() {
    let forced = rails_app("ENV['RAILS_ENV'] = 'test'\nrequire_relative '../config/environment'\n");
    let path = fake_path(forced.path());
    let run = guarded(
        forced.path(),
        &[("PATH", &path), ("RAILS_ENV", "development")],
        &["--", "bundle", "exec", "rspec"],
    );
    assert_eq!(run.status(), 0, "{}", run.all_output());
    assert!(run.ran().is_some());
    // `rails test` replaces an exported RAILS_ENV with `test`
    let repo = rails_app(RSPEC_HELPER);
    executable(repo.path(), "bin/rails", FAKE_RUNNER);
    let path = fake_path(repo.path());
    let rails = guarded(
        repo.path(),
        &[("PATH", &path), ("RAILS_ENV", "development")],
        &["--", "bin/rails", "test"],
    );
    assert_eq!(rails.status(), 0, "{}", rails.all_output());
    assert!(rails.ran().is_some());
}

#[test]
fn mix_test_is_refused_under_an_exported_dev_mix_env() {
    let repo = rails_app(RSPEC_HELPER);
    write(
        repo.path(),
        "config/test.exs",
        "import Config\n\nconfig :shop, Shop.Repo,\n  database: \"shop_test\"\n",
    );
    let path = fake_path(repo.path());
    let refused = guarded(
        repo.path(),
        &[("PATH", &path), ("MIX_ENV", "dev")],
        &["--", "mix", "test"],
    );
    assert_eq!(refused.status(), 125, "{}", refused.all_output());
    assert!(refused.ran().is_none());
    assert!(
        refused.all_output().contains("keeps MIX_ENV=`dev`"),
        "{}",
        refused.all_output()
    );
    let clean = guarded(repo.path(), &[("PATH", &path)], &["--", "mix", "test"]);
    assert_eq!(clean.status(), 0, "{}", clean.all_output());
    assert!(clean.ran().is_some());
}

#[test]
fn rspec_is_refused_when_dotenv_rails_hands_it_the_development_database_url() {
    // the developer's .env is ignored by git but present, as on every clone
    // made from the template; dotenv-rails loads it in test and Active
    // Record merges its DATABASE_URL over the test entry
    let repo = rails_app(RSPEC_HELPER);
    write(
        repo.path(),
        "Gemfile",
        "source \"https://rubygems.org\"\ngem \"rails\"\ngroup :development, :test do\n  gem \"dotenv-rails\"\n  gem \"rspec-rails\"\nend\n",
    );
    write(repo.path(), ".gitignore", ".env\n");
    write(
        repo.path(),
        ".env",
        "DATABASE_URL=postgres://shop@localhost/shop_development\n",
    );
    let path = fake_path(repo.path());
    let refused = guarded(
        repo.path(),
        &[("PATH", &path)],
        &["--", "bundle", "exec", "rspec"],
    );
    assert_eq!(refused.status(), 125, "{}", refused.all_output());
    assert!(refused.ran().is_none(), "the runner started");
    let text = refused.all_output();
    assert!(
        text.contains("TG105") && text.contains("shop_development"),
        "{text}"
    );
    // dotenv never overwrites: an exported test URL decides
    let exported = guarded(
        repo.path(),
        &[
            ("PATH", &path),
            ("DATABASE_URL", "postgres://shop@localhost/shop_test"),
        ],
        &["--", "bundle", "exec", "rspec"],
    );
    assert_eq!(exported.status(), 0, "{}", exported.all_output());
    // and so does .env.test, loaded before .env
    write(
        repo.path(),
        ".env.test",
        "DATABASE_URL=postgres://shop@localhost/shop_test\n",
    );
    let with_test_file = guarded(
        repo.path(),
        &[("PATH", &path)],
        &["--", "bundle", "exec", "rspec"],
    );
    assert_eq!(
        with_test_file.status(),
        0,
        "{}",
        with_test_file.all_output()
    );
    assert!(with_test_file.ran().is_some());
}

#[test]
fn mix_test_is_refused_only_when_the_shell_exports_the_development_url() {
    // test.exs and dev.exs read the same variable: what decides is whether
    // this shell exports it, and what it names
    let repo = rails_app(RSPEC_HELPER);
    write(
        repo.path(),
        "config/test.exs",
        "import Config\n\nconfig :shop, Shop.Repo,\n  url: System.get_env(\"DATABASE_URL\"),\n  pool: Ecto.Adapters.SQL.Sandbox\n",
    );
    write(
        repo.path(),
        "config/dev.exs",
        "import Config\n\nconfig :shop, Shop.Repo,\n  url: System.get_env(\"DATABASE_URL\")\n",
    );
    let path = fake_path(repo.path());
    let refused = guarded(
        repo.path(),
        &[
            ("PATH", &path),
            ("DATABASE_URL", "ecto://postgres@localhost/shop_dev"),
        ],
        &["--", "mix", "test"],
    );
    assert_eq!(refused.status(), 125, "{}", refused.all_output());
    assert!(refused.ran().is_none());
    let text = refused.all_output();
    assert!(
        text.contains("TG107")
            && text.contains("exports it")
            && text.contains("(your environment)"),
        "{text}"
    );
    for env in [
        vec![("PATH", path.as_str())],
        vec![
            ("PATH", path.as_str()),
            ("DATABASE_URL", "ecto://postgres@localhost/shop_test"),
        ],
    ] {
        let run = guarded(repo.path(), &env, &["--", "mix", "test"]);
        assert_eq!(run.status(), 0, "{env:?}: {}", run.all_output());
        assert!(run.ran().is_some());
    }
}

#[test]
fn an_exported_development_database_url_refuses_rails_test_and_rspec_alike() {
    // Active Record merges DATABASE_URL over the test entry, whatever the
    // runner sets RAILS_ENV to
    let repo = rails_app(RSPEC_HELPER);
    executable(repo.path(), "bin/rails", FAKE_RUNNER);
    let path = fake_path(repo.path());
    for command in [
        &["--", "bin/rails", "test"][..],
        &["--", "bundle", "exec", "rspec"],
    ] {
        let refused = guarded(
            repo.path(),
            &[
                ("PATH", &path),
                ("DATABASE_URL", "postgres://shop@localhost/shop_development"),
            ],
            command,
        );
        assert_eq!(
            refused.status(),
            125,
            "{command:?}: {}",
            refused.all_output()
        );
        assert!(refused.ran().is_none());
        let ok = guarded(
            repo.path(),
            &[
                ("PATH", &path),
                ("DATABASE_URL", "postgres://shop@localhost/shop_test"),
            ],
            command,
        );
        assert_eq!(ok.status(), 0, "{command:?}: {}", ok.all_output());
    }
    // a test entry with a url of its own does not take DATABASE_URL
    write(
        repo.path(),
        "config/database.yml",
        "development:\n  database: shop_development\ntest:\n  database: shop_test\n  url: postgres://localhost/shop_test\n",
    );
    let own_url = guarded(
        repo.path(),
        &[
            ("PATH", &path),
            ("DATABASE_URL", "postgres://shop@localhost/shop_development"),
        ],
        &["--", "bin/rails", "test"],
    );
    assert_eq!(own_url.status(), 0, "{}", own_url.all_output());
}

fn spring_app() -> tempfile::TempDir {
    let repo = repo_with(&[
        (
            "build.gradle",
            b"dependencies { testImplementation 'org.springframework.boot:spring-boot-starter-test' }\n",
        ),
        (
            "src/main/resources/application.yml",
            b"spring:\n  datasource:\n    url: ${DB_URL:jdbc:h2:mem:shop}\n",
        ),
        (
            "src/test/java/shop/OrderTests.java",
            b"package shop;\n\n@org.springframework.boot.test.context.SpringBootTest\nclass OrderTests {\n    @org.junit.jupiter.api.Test\n    void empties() { orders.deleteAll(); }\n}\n",
        ),
    ]);
    executable(repo.path(), "fakebin/gradle", FAKE_RUNNER);
    repo
}

#[test]
fn gradle_test_is_refused_when_the_shell_hands_spring_the_development_datasource() {
    // the files give the tests an in-memory H2; `SPRING_DATASOURCE_URL`
    // beats every file (relaxed binding), and the test class empties the
    // tables without a rollback
    let repo = spring_app();
    let path = fake_path(repo.path());
    let refused = guarded(
        repo.path(),
        &[
            ("PATH", &path),
            (
                "SPRING_DATASOURCE_URL",
                "jdbc:postgresql://localhost:5432/shop",
            ),
        ],
        &["--", "gradle", "test"],
    );
    assert_eq!(refused.status(), 125, "{}", refused.all_output());
    assert!(refused.ran().is_none(), "the runner started");
    let text = refused.all_output();
    assert!(
        text.contains("TG105") && text.contains("database `shop`") && text.contains("deleteAll"),
        "{text}"
    );
    for env in [
        vec![("PATH", path.as_str())],
        vec![
            ("PATH", path.as_str()),
            (
                "SPRING_DATASOURCE_URL",
                "jdbc:postgresql://localhost:5432/shop_test",
            ),
        ],
    ] {
        let run = guarded(repo.path(), &env, &["--", "gradle", "test"]);
        assert_eq!(run.status(), 0, "{env:?}: {}", run.all_output());
        assert!(run.ran().is_some(), "{env:?}: the runner did not start");
    }
    // the placeholder's variable, exported, is what the URL becomes
    let by_placeholder = guarded(
        repo.path(),
        &[
            ("PATH", &path),
            ("DB_URL", "jdbc:mysql://localhost:3306/shop"),
        ],
        &["--", "gradle", "test"],
    );
    assert_eq!(
        by_placeholder.status(),
        125,
        "{}",
        by_placeholder.all_output()
    );
}

#[test]
fn go_test_is_refused_on_the_app_env_database_and_runs_when_the_shell_exports_a_test_one() {
    let repo = repo_with(&[
        ("go.mod", b"module example.com/bank\n"),
        (
            "app.env",
            b"DB_SOURCE=postgresql://root:secret@localhost:5432/bank?sslmode=disable\n",
        ),
        (
            "db/main_test.go",
            b"package db\n\nfunc TestMain(m *testing.M) {\n\tconfig, _ := util.LoadConfig(\"..\")\n\tpool, _ := pgxpool.New(context.Background(), config.DBSource)\n\ttestStore = NewStore(pool)\n\tos.Exit(m.Run())\n}\n",
        ),
        (
            "db/account_test.go",
            b"package db\n\nfunc TestDelete(t *testing.T) { testStore.DeleteAccount(ctx, 1) }\n",
        ),
    ]);
    executable(repo.path(), "fakebin/go", FAKE_RUNNER);
    let path = fake_path(repo.path());
    let refused = guarded(
        repo.path(),
        &[("PATH", &path)],
        &["--", "go", "test", "./..."],
    );
    assert_eq!(refused.status(), 125, "{}", refused.all_output());
    assert!(
        refused.all_output().contains("app.env"),
        "{}",
        refused.all_output()
    );
    // viper's AutomaticEnv lets the exported variable win over app.env
    let run = guarded(
        repo.path(),
        &[
            ("PATH", &path),
            ("DB_SOURCE", "postgresql://root@localhost:5432/bank_test"),
        ],
        &["--", "go", "test", "./..."],
    );
    assert_eq!(run.status(), 0, "{}", run.all_output());
    assert!(run.ran().is_some());
}

#[test]
fn dotnet_test_is_refused_when_the_shell_exports_the_development_connection_string() {
    // the factory starts the app as Development, whose settings name a test
    // database; `ConnectionStrings__Default` beats both settings files
    let repo = repo_with(&[
        (
            "src/Shop.Web/Shop.Web.csproj",
            b"<Project Sdk=\"Microsoft.NET.Sdk.Web\" />\n",
        ),
        (
            "src/Shop.Web/appsettings.json",
            b"{\n  \"ConnectionStrings\": { \"Default\": \"Server=localhost;Database=Shop_Test\" },\n}\n",
        ),
        (
            "tests/Shop.Tests/Shop.Tests.csproj",
            b"<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"Microsoft.AspNetCore.Mvc.Testing\" Version=\"8.0.0\" /><ProjectReference Include=\"..\\..\\src\\Shop.Web\\Shop.Web.csproj\" /></ItemGroup></Project>\n",
        ),
        (
            "tests/Shop.Tests/ShopFactory.cs",
            b"public class ShopFactory : WebApplicationFactory<Program>\n{\n    public void Reset() { Services.GetRequiredService<ShopDb>().Database.EnsureDeleted(); }\n}\n",
        ),
    ]);
    executable(repo.path(), "fakebin/dotnet", FAKE_RUNNER);
    let path = fake_path(repo.path());
    let clean = guarded(repo.path(), &[("PATH", &path)], &["--", "dotnet", "test"]);
    assert_eq!(clean.status(), 0, "{}", clean.all_output());
    assert!(clean.ran().is_some());
    let refused = guarded(
        repo.path(),
        &[
            ("PATH", &path),
            (
                "ConnectionStrings__Default",
                "Server=localhost;Database=Shop;User Id=sa;Password=Hunter22!",
            ),
        ],
        &["--", "dotnet", "test"],
    );
    assert_eq!(refused.status(), 125, "{}", refused.all_output());
    assert!(refused.ran().is_none(), "the runner started");
    let text = refused.all_output();
    assert!(
        text.contains("TG105") && text.contains("EnsureDeleted") && !text.contains("Hunter22"),
        "{text}"
    );
    let test_db = guarded(
        repo.path(),
        &[
            ("PATH", &path),
            (
                "ConnectionStrings__Default",
                "Server=localhost;Database=Shop_Test2",
            ),
        ],
        &["--", "dotnet", "test"],
    );
    assert_eq!(test_db.status(), 0, "{}", test_db.all_output());
}

/// A production database in a file the run loads itself (`dotenv -e .env`,
/// `dotenv/config` in a jest setup file) is the run's database, as an
/// exported one is: refused, with the file named and the password masked.
#[test]
fn a_production_database_in_a_file_the_run_loads_refuses_the_run() {
    let scripts = [
        (
            r#"{"name": "api", "scripts": {"test": "dotenv -e .env -- jest"},
 "dependencies": {"pg": "^8"}, "devDependencies": {"jest": "^29", "dotenv-cli": "^7"}}"#,
            None,
            &["--", "npm", "test"][..],
        ),
        (
            r#"{"name": "api", "scripts": {"test": "jest"},
 "dependencies": {"pg": "^8", "dotenv": "^16"}, "devDependencies": {"jest": "^29"}}"#,
            Some("module.exports = { setupFiles: ['dotenv/config'] };\n"),
            &["--", "node_modules/.bin/jest"][..],
        ),
    ];
    for (package, jest_config, command) in scripts {
        let repo = repo_with(&[
            ("package.json", package.as_bytes()),
            (
                ".env",
                b"DATABASE_URL=postgres://u:Pz-9931-secret@prod-db.example.com/myapp_production\n",
            ),
        ]);
        if let Some(c) = jest_config {
            write(repo.path(), "jest.config.js", c);
        }
        executable(repo.path(), "node_modules/.bin/jest", FAKE_RUNNER);
        executable(repo.path(), "node_modules/.bin/dotenv", FAKE_RUNNER);
        let g = guarded(repo.path(), &[], command);
        assert_eq!(g.status(), 125, "{package}: {}", g.stderr());
        assert!(g.ran().is_none());
        let all = g.all_output();
        assert!(all.contains("TG102 database-forbidden-marker"), "{all}");
        assert!(all.contains(".env"), "{all}");
        assert!(!all.contains("Pz-9931-secret"), "{all}");
        // lint says the same, as an error
        let out = run(repo.path(), &["lint", "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(summary_lines(&report), ["TG102 error .env:1"]);
    }
}

/// Laravel reads the variables its `config/database.php` names: `DB_URL`
/// since Laravel 11, `DATABASE_URL` before. An exported variable the app
/// never reads decides nothing; without that file, the version the lock
/// file names says which one it reads.
#[test]
fn a_laravel_run_is_judged_by_the_variables_its_database_configuration_reads() {
    const PROD: &str = "mysql://app:Lr-4471-pw@prod-db.example.com/app";
    let config_database = "<?php\n\nreturn [\n    'default' => env('DB_CONNECTION', 'sqlite'),\n    'connections' => [\n        'sqlite' => [\n            'driver' => 'sqlite',\n            'url' => env('DB_URL'),\n            'database' => env('DB_DATABASE', database_path('database.sqlite')),\n        ],\n        'mysql' => [\n            'driver' => 'mysql',\n            'url' => env('DB_URL'),\n            'host' => env('DB_HOST', '127.0.0.1'),\n            'database' => env('DB_DATABASE', 'laravel'),\n        ],\n    ],\n];\n";
    let repo = laravel(TEST_DB_ENV);
    write(repo.path(), "config/database.php", config_database);
    let g = guarded(
        repo.path(),
        &[("DATABASE_URL", PROD)],
        &["--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 0, "DATABASE_URL is not read: {}", g.stderr());
    let g = guarded(
        repo.path(),
        &[("DB_URL", PROD)],
        &["--", "vendor/bin/phpunit"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.stderr().contains("DB_URL"), "{}", g.stderr());
    assert!(!g.all_output().contains("Lr-4471-pw"));

    // no config/database.php: the framework's own, for the locked version
    for (version, read, unread) in [
        ("v10.48.4", "DATABASE_URL", "DB_URL"),
        ("v11.9.0", "DB_URL", "DATABASE_URL"),
    ] {
        let repo = laravel(TEST_DB_ENV);
        write(
            repo.path(),
            "composer.lock",
            &format!(
                "{{\"packages\": [{{\"name\": \"laravel/framework\", \"version\": \"{version}\"}}]}}"
            ),
        );
        let g = guarded(repo.path(), &[(read, PROD)], &["--", "vendor/bin/phpunit"]);
        assert_eq!(g.status(), 125, "{version} reads {read}: {}", g.stderr());
        let g = guarded(
            repo.path(),
            &[(unread, PROD)],
            &["--", "vendor/bin/phpunit"],
        );
        assert_eq!(
            g.status(),
            0,
            "{version} does not read {unread}: {}",
            g.stderr()
        );
    }
}

/// `--explain` shows the database the verdict rests on: a Django settings
/// module that reads `DATABASE_URL` (dj-database-url) gets the exported one,
/// which `--explain` names, and a production server there refuses the run.
/// A run whose database no file decides says "unknown", never that there
/// is no setting while refusing for one.
#[test]
fn explain_shows_the_database_the_verdict_rests_on() {
    let repo = repo_with(&[
        ("requirements.txt", b"django\npytest-django\ndj-database-url\n"),
        ("pytest.ini", b"[pytest]\nDJANGO_SETTINGS_MODULE = shop.test_settings\n"),
        ("shop/__init__.py", b""),
        (
            "shop/test_settings.py",
            b"import dj_database_url\nDATABASES = {\"default\": dj_database_url.config(default=\"postgres://localhost/shop\")}\n",
        ),
    ]);
    executable(repo.path(), "bin/pytest", FAKE_RUNNER);
    let url = "postgres://shop:Dj-8812-pw@db.prod.internal/shop";
    let g = guarded(
        repo.path(),
        &[("DATABASE_URL", url)],
        &["--explain", "--", "bin/pytest"],
    );
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.ran().is_none());
    let err = g.stderr();
    assert!(
        err.contains("DATABASES.default.HOST = db.prod.internal    from your environment"),
        "{err}"
    );
    assert!(err.contains("TG102"), "{err}");
    assert!(!err.contains("Dj-8812-pw"), "{err}");
    // without the export the default decides: a local server, and it runs
    let g = guarded(repo.path(), &[], &["--explain", "--", "bin/pytest"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    assert!(
        g.stderr().contains("DATABASES.default.HOST = localhost"),
        "{}",
        g.stderr()
    );
    // a runner testguard reads no configuration for: unknown, and why
    let g = guarded(
        repo.path(),
        &[("DATABASE_URL", "postgres://localhost/shop_test")],
        &["--explain", "--runner", "rspec", "--", "bin/pytest"],
    );
    let err = g.stderr();
    assert!(err.contains("is unknown"), "{err}");
    assert!(!err.contains("modelled"), "{err}");
    assert!(
        !err.contains("(no database, environment or settings-module setting)"),
        "{err}"
    );
}

/// A suite whose database testguard cannot name: the run says so on stderr
/// and goes on; under `unresolved = "error"` it is refused.
#[test]
fn an_unresolved_run_is_said_and_refused_under_unresolved_error() {
    let files: &[(&str, &[u8])] = &[
        ("requirements.txt", b"flask\nsqlalchemy\npsycopg2-binary\npytest\n"),
        ("pytest.ini", b"[pytest]\ntestpaths = tests\n"),
        (
            "tests/conftest.py",
            b"import pytest\nfrom app import create_app\n\n@pytest.fixture\ndef app():\n    return create_app()\n",
        ),
    ];
    let repo = repo_with(files);
    executable(repo.path(), "bin/pytest", FAKE_RUNNER);
    let g = guarded(repo.path(), &[], &["--", "bin/pytest"]);
    assert_eq!(g.status(), 0, "{}", g.stderr());
    assert!(g.ran().is_some(), "an unresolved run still runs by default");
    let err = g.stderr();
    assert!(err.contains("database unresolved"), "{err}");
    assert!(err.contains("pytest.ini:1"), "{err}");
    // the environment decides what the configuration leaves unset
    let g = guarded(
        repo.path(),
        &[("DATABASE_URL", "postgresql://app:pw-77@localhost/app_test")],
        &["--", "bin/pytest"],
    );
    assert_eq!(g.status(), 0, "{}", g.stderr());
    assert!(!g.stderr().contains("unresolved"), "{}", g.stderr());
    std::fs::write(
        repo.path().join("testguard.toml"),
        "unresolved = \"error\"\n",
    )
    .expect("write");
    let g = guarded(repo.path(), &[], &["--", "bin/pytest"]);
    assert_eq!(g.status(), 125, "{}", g.stderr());
    assert!(g.ran().is_none(), "nothing may start");
    assert!(g.stderr().contains("unresolved"), "{}", g.stderr());
}
