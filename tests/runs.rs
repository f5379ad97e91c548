//! `testguard runs` (SPEC §1b): every test run and every suite no run
//! covers, with its database verdict — human and JSON snapshots of a
//! repository whose every layer holds a password (none may be printed),
//! the staged tree, and the verdicts a suite gets from its manifests.

mod common;

use common::*;

/// A Laravel app whose every layer holds a password: PHPUnit's `<env>`,
/// `.env.testing`, `.env`, a CI job, a compose service; a Python service with
/// a suite and no recognised run; a Node package isolated by testcontainers.
fn every_layer() -> tempfile::TempDir {
    repo_with(&[
        ("artisan", b"#!/usr/bin/env php\n"),
        (
            "composer.json",
            br#"{"require": {"laravel/framework": "^11.0"}, "require-dev": {"phpunit/phpunit": "^11"}}"#,
        ),
        (
            "phpunit.xml",
            br#"<?xml version="1.0"?>
<phpunit>
  <php>
    <env name="APP_ENV" value="testing"/>
    <env name="DB_PASSWORD" value="pu-Secret-1111"/>
    <env name="DATABASE_URL" value="mysql://shop:pu-Secret-2222@127.0.0.1:3306/shop_test" force="true"/>
  </php>
</phpunit>
"#,
        ),
        (
            ".env.testing",
            b"DB_CONNECTION=mysql\nDB_PASSWORD=et-Secret-3333\nDATABASE_URL=mysql://shop:et-Secret-4444@127.0.0.1:3306/shop_test\n",
        ),
        (
            ".env",
            b"DB_CONNECTION=mysql\nDB_DATABASE=shop\nDB_PASSWORD=dev-Secret-5555\n",
        ),
        (
            ".github/workflows/ci.yml",
            br#"on: push
jobs:
  tests:
    runs-on: ubuntu-latest
    services:
      mysql:
        image: mysql:8
    env:
      DATABASE_URL: mysql://root:ci-Secret-6666@127.0.0.1:3306/shop
    steps:
      - run: php artisan test
"#,
        ),
        (
            "api/requirements.txt",
            b"fastapi==0.110\nsqlalchemy==2.0\npsycopg2-binary==2.9\npytest==8.2\n",
        ),
        (
            "api/tests/test_items.py",
            b"def test_items(client):\n    assert client.get('/items').status_code == 200\n",
        ),
        (
            "worker/package.json",
            br#"{"name": "worker", "scripts": {"test": "jest"}, "dependencies": {"pg": "^8"}, "devDependencies": {"jest": "^29", "@testcontainers/postgresql": "^10"}}"#,
        ),
    ])
}

const SECRETS: &[&str] = &[
    "pu-Secret-1111",
    "pu-Secret-2222",
    "et-Secret-3333",
    "et-Secret-4444",
    "dev-Secret-5555",
    "ci-Secret-6666",
];

#[test]
fn runs_lists_every_run_with_its_database_and_prints_no_secret() {
    let repo = every_layer();
    let human = run(repo.path(), &["runs", "--color", "never"]);
    assert_eq!(human.status.code(), Some(0));
    let human = stdout(&human);
    let json_out = run(repo.path(), &["runs", "--format", "json"]);
    let json_text = stdout(&json_out);
    for s in SECRETS {
        assert!(!human.contains(s), "{s} printed:\n{human}");
        assert!(!json_text.contains(s), "{s} printed:\n{json_text}");
    }
    let doc: serde_json::Value = serde_json::from_str(&json_text).expect("JSON");
    assert_eq!(doc["version"], 1);
    let runs = doc["runs"].as_array().expect("runs");
    let verdict_of = |name_part: &str| -> Vec<String> {
        runs.iter()
            .filter(|r| r["name"].as_str().is_some_and(|n| n.contains(name_part)))
            .map(|r| r["database"]["verdict"].as_str().unwrap_or("").to_string())
            .collect()
    };
    // PHPUnit's forced DATABASE_URL decides the Laravel run
    assert_eq!(verdict_of("Laravel test run"), ["test"], "{json_text}");
    // the CI job's database is its service container's
    assert_eq!(verdict_of("job \"tests\""), ["isolated"], "{json_text}");
    // the Python suite uses a database no file names: unresolved, with why
    let api: Vec<&serde_json::Value> = runs
        .iter()
        .filter(|r| r["entry"]["path"] == "api/tests")
        .collect();
    assert_eq!(api.len(), 1, "{json_text}");
    assert_eq!(api[0]["database"]["verdict"], "unresolved");
    assert_eq!(
        api[0]["database"]["reason_at"]["path"],
        "api/requirements.txt"
    );
    assert_eq!(api[0]["database"]["reason_at"]["line"], 3);
    // testcontainers gives the Node package's tests their own database
    let worker: Vec<&serde_json::Value> = runs.iter().filter(|r| r["dir"] == "worker").collect();
    assert!(!worker.is_empty());
    assert!(
        worker
            .iter()
            .all(|r| r["database"]["verdict"] == "isolated"),
        "{json_text}"
    );
    insta::assert_snapshot!("runs_human", human);
    insta::assert_snapshot!("runs_json", json_text);
    // lint says the same in its last line, and carries the same runs
    let lint = stdout(&run(repo.path(), &["lint", "--color", "never"]));
    let last = lint.lines().last().unwrap_or("");
    assert!(
        last.contains("test runs:") && last.contains("unresolved"),
        "{lint}"
    );
    let lint_json = json(repo.path());
    assert_eq!(lint_json["runs"], doc["runs"]);
}

#[test]
fn runs_of_the_staged_tree_follow_the_index() {
    let repo = repo_with(&[
        ("requirements.txt", b"psycopg2-binary==2.9\npytest==8\n"),
        ("tests/test_a.py", b"def test_a():\n    pass\n"),
    ]);
    // staged: a pytest configuration that names a test database
    std::fs::write(
        repo.path().join("pytest.ini"),
        "[pytest]\nenv =\n    DATABASE_URL=postgres://localhost/app_test\n",
    )
    .expect("write");
    git(repo.path(), &["add", "pytest.ini"]);
    // not staged: a worktree edit that points it at the real database
    std::fs::write(
        repo.path().join("pytest.ini"),
        "[pytest]\nenv =\n    DATABASE_URL=postgres://localhost/app\n",
    )
    .expect("write");
    let staged = run(repo.path(), &["runs", "--staged", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&staged.stdout).expect("JSON");
    let verdicts: Vec<&str> = doc["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|r| r["database"]["verdict"].as_str())
        .collect();
    assert_eq!(verdicts, ["test"], "{doc}");
    let worktree = run(repo.path(), &["runs", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&worktree.stdout).expect("JSON");
    assert_eq!(doc["runs"][0]["database"]["verdict"], "not-test", "{doc}");
    assert_eq!(doc["runs"][0]["findings"][0], "TG101", "{doc}");
}

#[test]
fn a_suite_gets_its_verdict_from_its_manifests() {
    type Files<'a> = &'a [(&'a str, &'a [u8])];
    let cases: &[(Files, &str)] = &[
        (
            &[
                ("requirements.txt", b"requests\npytest\n"),
                ("tests/test_a.py", b"def test_a():\n    pass\n"),
            ],
            "none",
        ),
        (
            &[
                ("requirements.txt", b"sqlalchemy\npytest\ntestcontainers[postgres]\n"),
                ("tests/test_a.py", b"def test_a():\n    pass\n"),
            ],
            "isolated",
        ),
        (
            &[
                ("go.mod", b"module x\n\nrequire github.com/jackc/pgx/v5 v5.5.0\n"),
                ("store/store_test.go", b"package store\n"),
            ],
            "unresolved",
        ),
        (
            // Ecto's test database: `_test` with the partition appended
            &[
                ("mix.exs", b"defp deps, do: [{:ecto_sql, \"~> 3.10\"}, {:postgrex, \">= 0.0.0\"}]\n"),
                (
                    "config/test.exs",
                    b"import Config\n\nconfig :shop, Shop.Repo,\n  database: \"shop_test\",\n  hostname: \"localhost\"\n",
                ),
                ("test/shop_test.exs", b"defmodule ShopTest do\nend\n"),
            ],
            "test",
        ),
        (
            // a project template's suite is listed, not judged: its settings
            // are only complete in a project generated from it
            &[
                (
                    "{{cookiecutter.app_name}}/requirements.txt",
                    b"sqlalchemy\npytest\n",
                ),
                (
                    "{{cookiecutter.app_name}}/tests/settings.py",
                    b"SQLALCHEMY_DATABASE_URI = \"sqlite://\"\n",
                ),
                ("{{cookiecutter.app_name}}/tests/test_a.py", b"def test_a():\n    pass\n"),
            ],
            "unresolved",
        ),
    ];
    for (files, want) in cases {
        let repo = repo_with(files);
        let out = run(repo.path(), &["runs", "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let verdicts: Vec<&str> = doc["runs"]
            .as_array()
            .expect("runs")
            .iter()
            .filter_map(|r| r["database"]["verdict"].as_str())
            .collect();
        assert_eq!(verdicts, [*want], "{files:?}: {doc}");
    }
}

/// A Codeception suite's `Db` module is a PHP run: it covers the suite's
/// folder, so no second, unrecognised "suite" is listed beside it.
#[test]
fn a_codeception_module_run_is_php_and_covers_its_suite() {
    let repo = repo_with(&[
        (
            "composer.json",
            br#"{"require-dev": {"codeception/codeception": "^5", "codeception/module-db": "^3"}}"#,
        ),
        ("codeception.yml", b"paths:\n    tests: tests\n"),
        (
            "tests/Acceptance.suite.yml",
            b"modules:\n    enabled:\n        - Db:\n            dsn: 'mysql:host=127.0.0.1;dbname=shop'\n            cleanup: true\n",
        ),
        ("tests/Acceptance/HomeCest.php", b"<?php\nclass HomeCest {}\n"),
    ]);
    let out = run(repo.path(), &["runs", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let runs = doc["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "{doc:#}");
    assert_eq!(runs[0]["runner"], "Codeception", "{doc:#}");
    assert_eq!(runs[0]["database"]["verdict"], "not-test", "{doc:#}");
}

/// An end-to-end suite that wipes a database through a shell command
/// (`execSync` of a script file, `cy.exec` of a framework command, a package
/// script) reaches a database whatever its package's manifest says: the run
/// is `unresolved` at the bytes that wipe, not `none`. A command that wipes
/// nothing, a commented-out `TRUNCATE` and a script the repository lacks
/// leave it `none`.
#[test]
fn an_e2e_suite_that_wipes_through_a_shell_command_is_unresolved_there() {
    type Files<'a> = &'a [(&'a str, &'a [u8])];
    const PLAYWRIGHT: &[u8] =
        br#"{"scripts": {"test": "playwright test", "db:reset": "psql -d app -c 'TRUNCATE users'"}, "devDependencies": {"@playwright/test": "^1.54.0"}}"#;
    const CYPRESS: &[u8] =
        br#"{"scripts": {"test": "cypress run"}, "devDependencies": {"cypress": "^13.0.0"}}"#;
    let cases: &[(Files, &str, &[&str])] = &[
        (
            &[
                ("package.json", PLAYWRIGHT),
                (
                    "tests/helpers.ts",
                    b"import { execSync } from \"child_process\";\nexport function refresh() {\n  execSync(\"./scripts/reset-db.sh\", { cwd: root });\n}\n",
                ),
                (
                    "scripts/reset-db.sh",
                    b"#!/bin/sh\ndocker compose exec -T db psql -d app <<'SQL'\nTRUNCATE TABLE widgets CASCADE;\nSQL\n",
                ),
            ],
            "unresolved",
            &["tests/helpers.ts:3", "scripts/reset-db.sh:3"],
        ),
        (
            &[
                ("package.json", CYPRESS),
                (
                    "cypress/support/commands.js",
                    b"Cypress.Commands.add('seed', () => {\n  cy.exec('php artisan migrate:fresh --seed')\n})\n",
                ),
            ],
            "unresolved",
            &["cypress/support/commands.js:2"],
        ),
        (
            &[
                ("package.json", PLAYWRIGHT),
                (
                    "e2e/global-setup.ts",
                    b"import { execSync } from 'node:child_process';\nexport default () => { execSync('npm run db:reset'); };\n",
                ),
            ],
            "unresolved",
            &["e2e/global-setup.ts:2", "package.json:1"],
        ),
        (
            // a command that wipes by itself is named by its idiom alone:
            // it can carry a password
            &[
                ("package.json", CYPRESS),
                (
                    "cypress/e2e/users.cy.js",
                    b"beforeEach(() => {\n  cy.exec('psql postgres://app:s3cretpw@localhost/app -c \"TRUNCATE users\"')\n})\n",
                ),
            ],
            "unresolved",
            &["cypress/e2e/users.cy.js:2"],
        ),
        (
            // near-misses: a command that wipes nothing, a commented-out
            // TRUNCATE, a script the repository lacks
            &[
                ("package.json", CYPRESS),
                (
                    "cypress/support/commands.js",
                    b"Cypress.Commands.add('seed', () => {\n  cy.exec('php artisan migrate --seed')\n  cy.exec('./scripts/seed.sh')\n  cy.exec('./scripts/missing.sh')\n})\n",
                ),
                (
                    "scripts/seed.sh",
                    b"#!/bin/sh\n# TRUNCATE TABLE users;\nphp artisan db:seed\n",
                ),
            ],
            "none",
            &[],
        ),
    ];
    for (files, want, decided) in cases {
        let repo = repo_with(files);
        let out = run(repo.path(), &["runs", "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let runs = doc["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 1, "{doc:#}");
        let database = &runs[0]["database"];
        assert_eq!(database["verdict"], *want, "{files:?}: {doc:#}");
        let chain: Vec<String> = database["decided_by"]
            .as_array()
            .map(|d| {
                d.iter()
                    .map(|s| format!("{}:{}", s["path"].as_str().unwrap_or(""), s["line"]))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(chain, *decided, "{doc:#}");
        let human = stdout(&run(repo.path(), &["runs"]));
        assert!(
            !doc.to_string().contains("s3cretpw") && !human.contains("s3cretpw"),
            "a password printed: {human}"
        );
    }
}
