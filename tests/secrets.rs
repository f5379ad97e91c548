//! Secrets never leave testguard, through any output (SPEC: safety): every
//! `lint` format, `--output-file`, `--statistics`, `--show-files`, `--diff`,
//! `--fix` and its messages, `testguard run`'s refusal and `--explain`,
//! over a repository with a secret in every syntax testguard reads. Not a
//! byte of a secret appears, and neither does its length: the mask is
//! always the same four stars.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// Each secret, with what holds it. None is four characters long, and no
/// five characters of one appear anywhere else in the repository.
const SECRETS: &[(&str, &str)] = &[
    ("dotenv URL password", "Dq7zWm2Kx9"),
    ("dotenv credential key", "Pk3Lr8Vn5Tq1a"),
    ("XML value with an entity", "Xe5&lt;Bn2Qw"),
    ("XML credential key", "base64:Zt4Hy7Mc1Rv6Jw0Ks3="),
    ("YAML workflow URL password", "Yw8Fp1Gd6Sx"),
    ("TOML pytest-env URL password", "Tm9Cv2Nb4Hq7"),
    ("JSON connection string password", "Jc6Wq3Ld8Pz!"),
    ("Spring YAML password", "Sy2Kr5Fm8Tv0b"),
    ("Django settings PASSWORD", "Dj4Nx7Wc1Qp5"),
    ("Elixir config password", "Ex3Vb6Hs9Lm2c"),
    ("exported URL password", "Ev1Rz4Gk7Wy0"),
    ("Dynaconf TOML URL password", "Dt5Qm8Xr2Kc"),
    ("PHP define() password", "Wp7Jn3Ty6Bd"),
];

/// What each secret reads as once decoded (the XML entity).
fn decoded(secret: &str) -> String {
    secret.replace("&lt;", "<")
}

fn copy_fixture(name: &str, to: &Path) {
    fn walk(from: &Path, to: &Path) {
        for e in std::fs::read_dir(from).expect("read fixture") {
            let e = e.expect("entry");
            let dst = to.join(e.file_name());
            if e.path().is_dir() {
                std::fs::create_dir_all(&dst).expect("mkdir");
                walk(&e.path(), &dst);
            } else if e.file_name() != "EXPECT" {
                std::fs::copy(e.path(), &dst).expect("copy");
            }
        }
    }
    std::fs::create_dir_all(to).expect("mkdir");
    walk(&fixtures_dir().join(name), to);
}

fn write(repo: &Path, rel: &str, text: &str) {
    let p = repo.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn patch(repo: &Path, rel: &str, from: &str, to: &str) {
    let p = repo.join(rel);
    let text = std::fs::read_to_string(&p).expect("read");
    assert!(text.contains(from), "{rel} lacks {from}");
    std::fs::write(p, text.replacen(from, to, 1)).expect("write");
}

/// A repository holding every secret, each in a file with a finding.
fn secrets_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    let s = |i: usize| SECRETS[i].1;
    // dotenv
    write(
        repo,
        "app/.env.test",
        &format!(
            "DATABASE_URL=postgres://app:{}@localhost:5432/app\nDB_PASSWORD={}\n",
            s(0),
            s(1)
        ),
    );
    // XML: a Laravel app whose phpunit.xml sets a wrong APP_ENV (a fix)
    write(
        repo,
        "php/composer.json",
        r#"{"require": {"laravel/framework": "^10.0"}}"#,
    );
    write(repo, "php/artisan", "#!/usr/bin/env php\n");
    write(
        repo,
        "php/phpunit.xml",
        &format!(
            "<?xml version=\"1.0\"?>\n<phpunit>\n  <php>\n    <env name=\"APP_ENV\" value=\"local\"/>\n    <env name=\"APP_KEY\" value=\"{}\"/>\n    <env name=\"DATABASE_URL\" value=\"mysql://root:{}@127.0.0.1:3306/shop?charset=utf8mb4&amp;serverVersion=8\" force=\"true\"/>\n  </php>\n</phpunit>\n",
            s(3),
            s(2)
        ),
    );
    executable(repo, "php/vendor/bin/phpunit");
    // YAML: a workflow's test job
    write(
        repo,
        ".github/workflows/ci.yml",
        &format!(
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      DATABASE_URL: postgres://ci:{}@db.prod.example.com/shop\n    steps:\n      - run: pytest\n",
            s(4)
        ),
    );
    // TOML: pytest-env in pyproject.toml
    write(
        repo,
        "py/pyproject.toml",
        &format!(
            "[tool.pytest.ini_options]\nenv = [\"DATABASE_URL=postgres://py:{}@localhost/inventory\"]\n",
            s(5)
        ),
    );
    // JSON: ASP.NET Core settings
    copy_fixture(
        "test-database-is-dev-database-fires-dotnet-factory-development",
        &repo.join("dotnet"),
    );
    patch(
        repo,
        "dotnet/src/Shop.Web/appsettings.Development.json",
        "Password=Secret123!",
        &format!("Password={}", s(6)),
    );
    // Spring YAML
    copy_fixture(
        "test-database-is-dev-database-fires-spring-dev-profile",
        &repo.join("spring"),
    );
    patch(
        repo,
        "spring/src/main/resources/application-dev.yml",
        "    username: shop\n",
        &format!("    username: shop\n    password: {}\n", s(7)),
    );
    // Python code: a Django settings module
    copy_fixture(
        "database-remote-host-fires-django-settings-chain",
        &repo.join("django"),
    );
    patch(
        repo,
        "django/backend/crm/settings/base.py",
        "        \"USER\": \"crm\",\n",
        &format!(
            "        \"USER\": \"crm\",\n        \"PASSWORD\": \"{}\",\n",
            s(8)
        ),
    );
    // Elixir configuration
    copy_fixture(
        "test-database-shares-dev-variable-fires-ecto-same-url-variable",
        &repo.join("ecto"),
    );
    patch(
        repo,
        "ecto/config/test.exs",
        "  url: System.get_env(\"DATABASE_URL\"),\n",
        &format!(
            "  url: System.get_env(\"DATABASE_URL\"),\n  password: \"{}\",\n",
            s(9)
        ),
    );
    // Dynaconf settings file: the development section's URL, shown by TG302
    write(
        repo,
        "dyn/pyproject.toml",
        "[project]\nname = \"shop\"\ndependencies = [\"flask\", \"dynaconf\", \"flask-sqlalchemy\"]\n",
    );
    write(
        repo,
        "dyn/app/config.py",
        "from dynaconf import FlaskDynaconf\n\n\ndef init_app(app):\n    FlaskDynaconf(app)\n",
    );
    write(
        repo,
        "dyn/settings.toml",
        &format!(
            "[development]\nSQLALCHEMY_DATABASE_URI = \"postgresql://shop:{}@localhost/shop\"\n\n[testing]\nSQLALCHEMY_DATABASE_URI = \"sqlite:///test.db\"\n",
            s(11)
        ),
    );
    write(
        repo,
        "dyn/tests/conftest.py",
        "from app import create_app, db\n\n\ndef app():\n    app = create_app()\n    db.drop_all()\n",
    );
    // PHP `define()`: a WordPress test configuration beside its database
    copy_fixture(
        "database-not-test-fires-wordpress-core-site-prefix",
        &repo.join("wp"),
    );
    patch(
        repo,
        "wp/tests/wp-tests-config.php",
        "define( 'DB_USER', 'root' );\ndefine( 'DB_PASSWORD', 'root' );",
        &format!("define( 'DB_PASSWORD', '{}' );", s(12)),
    );
    git(repo, &["init", "-q"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "secrets"]);
    dir
}

fn executable(repo: &Path, rel: &str) {
    write(repo, rel, "#!/bin/sh\nexit 0\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(repo.join(rel), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
}

/// Fails when any output shows a secret, five characters of one, or a run
/// of stars as long as one.
fn assert_hidden(what: &str, output: &str) {
    for (holder, secret) in SECRETS {
        for s in [secret.to_string(), decoded(secret)] {
            let chars: Vec<char> = s.chars().collect();
            for w in chars.windows(5) {
                let piece: String = w.iter().collect();
                assert!(
                    !output.contains(&piece),
                    "{what} shows `{piece}` of the {holder}:\n{output}"
                );
            }
        }
    }
    // no run of stars as long as a secret (the mask is always four)
    let lengths: Vec<usize> = SECRETS
        .iter()
        .flat_map(|(_, s)| [s.chars().count(), decoded(s).chars().count()])
        .collect();
    let mut run = 0;
    for c in output.chars().chain(std::iter::once(' ')) {
        if c == '*' {
            run += 1;
            continue;
        }
        assert!(
            !lengths.contains(&run),
            "{what} shows a mask of {run} stars (a secret's length):\n{output}"
        );
        run = 0;
    }
}

fn all_output(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn no_output_shows_a_secret_or_its_length() {
    let dir = secrets_repo();
    let repo = dir.path();
    // every format, and each finding of every syntax is there to be masked
    let human = run(repo, &["lint"]);
    let text = all_output(&human);
    for file in [
        "app/.env.test",
        "php/phpunit.xml",
        ".github/workflows/ci.yml",
        "py/pyproject.toml",
        "dotnet/src/Shop.Web/appsettings.Development.json",
        "spring/src/main/resources/application-dev.yml",
        "django/backend/crm/settings/base.py",
        "ecto/config/test.exs",
    ] {
        assert!(text.contains(file), "no finding in {file}:\n{text}");
    }
    assert!(text.contains("****"), "{text}");
    assert_hidden("lint", &text);
    for format in ["human", "concise", "json", "sarif", "github", "gitlab"] {
        let out = run(repo, &["lint", "--format", format]);
        assert_hidden(&format!("lint --format {format}"), &all_output(&out));
        let report = repo.join(format!("report.{format}"));
        let out = run(
            repo,
            &[
                "lint",
                "--quiet",
                "--output-file-format",
                format,
                "--output-file",
                report.to_str().expect("utf8"),
            ],
        );
        assert_hidden(&format!("--output-file-format {format}"), &all_output(&out));
        let written = std::fs::read_to_string(&report).expect("report written");
        assert_hidden(&format!("the {format} report file"), &written);
        std::fs::remove_file(&report).expect("rm");
    }
    for args in [
        &["lint", "--statistics"][..],
        &["lint", "--show-files"][..],
        &["lint", "--no-ignore-comments", "php"][..],
        &["lint", "php/phpunit.xml", "app/.env.test"][..],
    ] {
        assert_hidden(&args.join(" "), &all_output(&run(repo, args)));
    }
    // the diff of a fix in a file full of secrets
    let diff = run(repo, &["lint", "--diff"]);
    let text = all_output(&diff);
    assert!(
        text.contains("+    <env name=\"APP_ENV\" value=\"testing\"/>"),
        "{text}"
    );
    assert!(text.contains("mysql://root:****@127.0.0.1"), "{text}");
    assert_hidden("lint --diff", &text);
    // `--fix`: its messages and the report after it; the file keeps its secrets
    let fixed = run(repo, &["lint", "--fix"]);
    assert_hidden("lint --fix", &all_output(&fixed));
    let phpunit = std::fs::read_to_string(repo.join("php/phpunit.xml")).expect("read");
    assert!(phpunit.contains(SECRETS[2].1) && phpunit.contains("value=\"testing\""));
    // `testguard run`: the refusal and `--explain`, with an exported secret
    let exported = format!("mysql://root:{}@prod-db.example.com/shop", SECRETS[10].1);
    let out = Command::new(bin())
        .args(["run", "--explain", "--", "vendor/bin/phpunit"])
        .current_dir(repo.join("php"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("DATABASE_URL", &exported)
        .env("DB_PASSWORD", SECRETS[1].1)
        .output()
        .expect("run testguard");
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(125), "{text}");
    assert!(text.contains("your environment"), "{text}");
    assert_hidden("run --explain", &text);
}
