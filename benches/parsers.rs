//! Per-parser micro-benchmarks on realistic inputs, so that a parser
//! regression shows up as a number: `cargo bench --bench parsers`.
//!
//! The inputs are generated here (not copied from any repository) at the sizes
//! real projects reach: a 2,000-line `.gitlab-ci.yml`, a workflow with dozens of
//! jobs and a matrix, a Laravel-style phpunit.xml, a Django pyproject.toml.

use std::fmt::Write;

use divan::{Bencher, black_box};
use testguard::database::{DatabaseRef, DbKeyKind};
use testguard::rules::Policy;
use testguard::source::{FileId, SourceFile, SourceKind};
use testguard::{stacks, syntax};

fn main() {
    divan::main();
}

/// About 2,000 lines: templates, anchors, extends, services and rules.
fn gitlab_ci() -> String {
    let mut s = String::from(
        "stages: [build, test, deploy]\n\nvariables:\n  POSTGRES_USER: runner\n  POSTGRES_PASSWORD: runner\n\n\
         .db: &db\n  services:\n    - name: postgres:16\n      alias: db\n  variables:\n    DATABASE_URL: postgres://runner:runner@db:5432/app_test\n\n\
         .test:\n  stage: test\n  image: python:3.12\n  before_script:\n    - pip install -r requirements.txt\n\n",
    );
    let mut i = 0;
    while s.lines().count() < 2000 {
        let _ = write!(
            s,
            "test-{i}:\n  extends: .test\n  <<: *db\n  variables:\n    POSTGRES_DB: app_{i}_test\n    \
             DJANGO_SETTINGS_MODULE: config.settings.test\n    SHARD: \"{i}\"\n  script:\n    \
             - python manage.py migrate --noinput\n    - pytest -n 4 --shard $SHARD tests/pkg{i}\n  \
             rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n    - changes: [\"pkg{i}/**/*\"]\n  \
             artifacts:\n    reports:\n      junit: report.xml\n\n"
        );
        i += 1;
    }
    s
}

/// A workflow with 40 jobs, services, a matrix and multi-line scripts.
fn workflow() -> String {
    let mut s = String::from(
        "name: CI\non:\n  push:\n    branches: [main]\n  pull_request:\n\nenv:\n  PYTHONUNBUFFERED: \"1\"\n\njobs:\n",
    );
    for i in 0..40 {
        let _ = write!(
            s,
            "  test-{i}:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        python: [\"3.11\", \"3.12\", \"3.13\"]\n        \
             db: [postgres, mysql]\n    services:\n      postgres:\n        image: postgres:16\n        env:\n          \
             POSTGRES_PASSWORD: postgres\n          POSTGRES_DB: app_test\n        ports: [\"5432:5432\"]\n        \
             options: >-\n          --health-cmd pg_isready\n          --health-interval 10s\n    env:\n      \
             DATABASE_URL: postgres://postgres:postgres@localhost:5432/app_test\n      DB_ENGINE: ${{{{ matrix.db }}}}\n    \
             steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n        with:\n          \
             python-version: ${{{{ matrix.python }}}}\n      - run: |\n          pip install -r requirements.txt\n          \
             python manage.py check\n          pytest -q tests/part{i}\n        env:\n          \
             DJANGO_SETTINGS_MODULE: config.settings.test\n"
        );
    }
    s
}

fn phpunit_text() -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<phpunit xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n         \
         xsi:noNamespaceSchemaLocation=\"vendor/phpunit/phpunit/phpunit.xsd\"\n         bootstrap=\"vendor/autoload.php\"\n         \
         colors=\"true\">\n    <testsuites>\n",
    );
    for i in 0..60 {
        let _ = writeln!(
            s,
            "        <testsuite name=\"Suite{i}\">\n            <directory>tests/Suite{i}</directory>\n        </testsuite>"
        );
    }
    s.push_str("    </testsuites>\n    <source>\n        <include><directory>app</directory></include>\n    </source>\n    <php>\n");
    for (k, v) in [
        ("APP_ENV", "testing"),
        ("APP_MAINTENANCE_DRIVER", "file"),
        ("BCRYPT_ROUNDS", "4"),
        ("CACHE_STORE", "array"),
        ("MAIL_MAILER", "array"),
        ("QUEUE_CONNECTION", "sync"),
        ("SESSION_DRIVER", "array"),
        ("TELESCOPE_ENABLED", "false"),
    ] {
        let _ = writeln!(s, "        <env name=\"{k}\" value=\"{v}\"/>");
    }
    s.push_str(
        "        <!-- <env name=\"DB_CONNECTION\" value=\"sqlite\"/> -->\n        \
         <env name=\"DB_CONNECTION\" value=\"pgsql\" force=\"true\"/>\n        \
         <env name=\"DB_DATABASE\" value=\"app_testing\" force=\"true\"/>\n    </php>\n</phpunit>\n",
    );
    s
}

fn pyproject() -> String {
    let mut s = String::from(
        "[project]\nname = \"shop\"\nversion = \"2.3.0\"\nrequires-python = \">=3.11\"\ndependencies = [\n",
    );
    for i in 0..80 {
        let _ = writeln!(s, "    \"package-{i}>=1.{i}\",");
    }
    s.push_str(
        "    \"django>=5.0\",\n]\n\n[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = \"shop.settings.test\"\n\
         addopts = \"-ra --reuse-db --strict-markers\"\ntestpaths = [\"tests\"]\nfilterwarnings = [\"error\"]\n\
         env = [\n    \"DATABASE_URL=postgres://shop:shop@localhost:5432/shop_test\",\n]\n\n",
    );
    for i in 0..40 {
        let _ = write!(
            s,
            "[tool.ruff.lint.per-file-ignores.\"pkg{i}/*.py\"]\nrules = [\"E501\", \"F401\"]\n\n"
        );
    }
    s
}

fn tox_ini() -> String {
    let mut s = String::from(
        "[tox]\nenv_list = py{311,312,313}-django{42,50}\n\n[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE = app.settings.test\n    DATABASE_URL = sqlite:///:memory:\ncommands = pytest {posargs}\n\n",
    );
    for i in 0..50 {
        let _ = write!(
            s,
            "[testenv:part{i}]\nsetenv =\n    {{[testenv]setenv}}\n    PART = {i}\ncommands = pytest tests/part{i}\n\n"
        );
    }
    s
}

fn dotenv() -> String {
    let mut s = String::from(
        "APP_ENV=testing\nAPP_KEY=base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n# the test database\nDB_CONNECTION=pgsql\n\
         DB_HOST=127.0.0.1\nDB_DATABASE=app_testing\nDATABASE_URL=\"postgres://app:${DB_PASSWORD}@localhost:5432/app_testing\"\n",
    );
    for i in 0..200 {
        let _ = writeln!(s, "export FEATURE_{i}='on' # flag {i}");
    }
    s
}

fn file(path: &str, kind: SourceKind, text: String) -> SourceFile {
    SourceFile::new(path.to_string(), kind, text)
}

#[divan::bench]
fn gitlab_ci_2000_lines(b: Bencher) {
    let files = vec![file(".gitlab-ci.yml", SourceKind::GitlabCi, gitlab_ci())];
    let (envs, issues) = stacks::ci::gitlab::parse(FileId(0), &files);
    assert!(
        envs.len() > 100 && issues.is_empty(),
        "the input must parse into jobs"
    );
    b.bench(|| stacks::ci::gitlab::parse(FileId(0), black_box(&files)));
}

#[divan::bench]
fn github_workflow_40_jobs(b: Bencher) {
    let f = file(
        ".github/workflows/ci.yml",
        SourceKind::GithubWorkflow,
        workflow(),
    );
    let (envs, issues) = stacks::ci::github::parse(FileId(0), &f);
    assert!(
        envs.len() >= 40 && issues.is_empty(),
        "the input must parse into jobs"
    );
    b.bench(|| stacks::ci::github::parse(FileId(0), black_box(&f)));
}

#[divan::bench]
fn yaml_parse_2000_lines(b: Bencher) {
    let text = gitlab_ci();
    b.bench(|| syntax::yaml::parse(FileId(0), black_box(&text)));
}

#[divan::bench]
fn phpunit_xml_60_suites(b: Bencher) {
    let f = file("phpunit.xml", SourceKind::Phpunit, phpunit_text());
    let (envs, issues) = stacks::php::phpunit::parse(FileId(0), &f);
    assert!(
        !envs.is_empty() && issues.is_empty(),
        "the input must parse"
    );
    b.bench(|| stacks::php::phpunit::parse(FileId(0), black_box(&f)));
}

#[divan::bench]
fn pyproject_toml(b: Bencher) {
    let f = file("pyproject.toml", SourceKind::PyprojectToml, pyproject());
    b.bench(|| stacks::python::pytest::parse(FileId(0), black_box(&f)));
}

#[divan::bench]
fn tox_ini_50_envs(b: Bencher) {
    let f = file("tox.ini", SourceKind::ToxIni, tox_ini());
    assert!(
        stacks::python::tox::parse(FileId(0), &f).len() >= 50,
        "the input must parse"
    );
    b.bench(|| stacks::python::tox::parse(FileId(0), black_box(&f)));
}

#[divan::bench]
fn dotenv_200_lines(b: Bencher) {
    let text = dotenv();
    b.bench(|| syntax::dotenv::parse(black_box(&text)));
}

#[divan::bench(args = [
    "postgres://app:secret@db.internal:5432/app_test?sslmode=require",
    "mysql+pymysql://root@127.0.0.1/shop",
    "Server=(local);Database=Shop_Test;Trusted_Connection=True",
])]
fn database_url(url: &str) -> DatabaseRef {
    DatabaseRef::parse(black_box(url), DbKeyKind::Url)
}

/// Everything after reading: model, every rule, suppressions, sorting.
#[divan::bench]
fn lint_files_all_formats(b: Bencher) {
    let policy = Policy::default();
    let files = || {
        vec![
            file(".gitlab-ci.yml", SourceKind::GitlabCi, gitlab_ci()),
            file(
                ".github/workflows/ci.yml",
                SourceKind::GithubWorkflow,
                workflow(),
            ),
            file("phpunit.xml", SourceKind::Phpunit, phpunit_text()),
            file("pyproject.toml", SourceKind::PyprojectToml, pyproject()),
            file("tox.ini", SourceKind::ToxIni, tox_ini()),
            file(".env.testing", SourceKind::DotenvTest, dotenv()),
        ]
    };
    b.with_inputs(files)
        .bench_values(|fs| testguard::lint_files(fs, Vec::new(), &policy, None));
}
