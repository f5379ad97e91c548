//! What must hold for any input, however broken or hostile: the checks the fuzz
//! targets (`fuzz/`) and the robustness tests run after every lint.
//!
//! - every span lies inside its file's text and on character boundaries;
//! - the line and column every output reports agree with the span (counted
//!   here independently: `\n`, `\r\n` and a lone `\r` end a line; columns count
//!   characters, and a leading byte order mark is not one);
//! - the masked copy of a file has the same length as the text;
//! - a secret that was masked never appears in any rendered output (human,
//!   json, sarif, github, gitlab).

use std::collections::BTreeMap;
use std::path::Path;

use testguard::discover::Candidate;
use testguard::rules::Policy;
use testguard::{Outcome, ReadFailure, Tree, check_size, report};

/// Files held in memory: a [`Tree`] for fuzzing the whole pipeline without a disk.
#[derive(Default)]
pub struct MemoryTree {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Tree for MemoryTree {
    fn read(&self, rel_path: &str) -> Result<Vec<u8>, ReadFailure> {
        let bytes = self.files.get(rel_path).ok_or(ReadFailure::Gone)?;
        check_size(bytes.len() as u64)?;
        Ok(bytes.clone())
    }

    fn exists(&self, rel_path: &str) -> bool {
        self.files.contains_key(rel_path)
    }

    fn files_under(&self, rel_dir: &str, limit: usize) -> Vec<String> {
        let prefix = testguard::paths::dir_prefix(rel_dir);
        self.files
            .keys()
            .filter(|p| p.starts_with(&prefix))
            .take(limit)
            .cloned()
            .collect()
    }

    fn list_dir(&self, rel_dir: &str) -> Vec<String> {
        let prefix = if rel_dir.is_empty() {
            String::new()
        } else {
            format!("{rel_dir}/")
        };
        self.files
            .keys()
            .filter(|p| p.starts_with(&prefix) && !p[prefix.len()..].contains('/'))
            .cloned()
            .collect()
    }
}

/// Lints the files of `tree` (each classified by its path) through the whole
/// pipeline, renders every output format and checks every invariant.
pub fn lint_and_check(tree: &MemoryTree, policy: &Policy) -> Result<Outcome, String> {
    let candidates: Vec<Candidate> = tree
        .files
        .keys()
        .filter_map(|p| {
            testguard::kinds::classify(p).map(|kind| Candidate {
                rel_path: p.clone(),
                kind,
            })
        })
        .collect();
    let outcome = testguard::lint_tree(tree, candidates, policy, None);
    check(&outcome)?;
    Ok(outcome)
}

/// Lints one file given as bytes, as if it were at `path`.
pub fn lint_one_and_check(path: &str, bytes: &[u8]) -> Result<Outcome, String> {
    let mut tree = MemoryTree::default();
    tree.files.insert(path.to_string(), bytes.to_vec());
    lint_and_check(&tree, &Policy::default())
}

/// The fuzz targets in `fuzz/`, by name; [`fuzz_case`] runs one input of one.
pub const FUZZ_TARGETS: &[&str] = &[
    "comments",
    "ini",
    "dotenv",
    "toml",
    "phpunit",
    "github",
    "gitlab",
    "json",
    "database_url",
    "lint",
    "symfony",
    "containers",
    "python_code",
    "codeception",
    "codeigniter",
    "symfony_kernel",
    "node_shell",
    "cakephp",
    "yii2",
    "wordpress",
    "dynaconf",
    "php_code",
    "readme",
    "task_runner",
    "js_code",
    "node_scripts",
    "run_command",
    "erb",
    "elixir",
    "nix",
    "gemfile",
    "spring",
    "go_code",
    "dotnet",
    "git_index",
];

const SYMFONY_COMPOSER: &[u8] = br#"{"require":{"symfony/framework-bundle":"^7"}}"#;

const LARAVEL_COMPOSER: &[u8] = br#"{"require":{"laravel/framework":"^11"}}"#;

/// Every file name the end-to-end target can give its input.
const LINT_NAMES: &[&str] = &[
    "pytest.ini",
    "tox.ini",
    "setup.cfg",
    "pyproject.toml",
    "tox.toml",
    ".env.test",
    ".env.testing",
    ".env",
    "phpunit.xml.dist",
    ".github/workflows/test.yml",
    ".gitlab-ci.yml",
    "config/packages/doctrine.yaml",
    "composer.json",
    "package.json",
    "bootstrap/cache/config.php",
    "tests/Api.suite.yml",
    "README.md",
    "config/settings/test.py",
];

/// Picks one of `names` from the first byte; the rest is the file.
fn pick<'a>(data: &'a [u8], names: &[&'static str]) -> (&'static str, &'a [u8]) {
    match data.split_first() {
        Some((b, rest)) => (names[*b as usize % names.len()], rest),
        None => (names[0], data),
    }
}

/// What blanking comments must keep: the length, every line break where it
/// was, every byte outside a blanked run, and nothing left to blank.
fn check_comments(text: &str) -> Result<(), String> {
    use testguard::syntax::comments::{Style, blank};
    for style in [Style::Php, Style::Js, Style::Python] {
        let out = blank(text, style);
        if out.len() != text.len() {
            return Err(format!(
                "{style:?}: length {} became {}",
                text.len(),
                out.len()
            ));
        }
        for (i, (a, b)) in text.bytes().zip(out.bytes()).enumerate() {
            if a != b && b != b' ' {
                return Err(format!("{style:?}: byte {i} became {b:#x}, not a space"));
            }
            if (a == b'\n') != (b == b'\n') {
                return Err(format!("{style:?}: a line break moved at {i}"));
            }
        }
        if blank(&out, style) != out {
            return Err(format!("{style:?}: blanking twice changes the text"));
        }
    }
    Ok(())
}

/// Lints `files` (path, bytes) in memory and checks every invariant.
fn check_files(files: &[(&str, &[u8])]) -> Result<(), String> {
    let mut tree = MemoryTree::default();
    for (path, bytes) in files {
        tree.files.insert((*path).to_string(), bytes.to_vec());
    }
    lint_and_check(&tree, &Policy::default()).map(|_| ())
}

/// One input of one fuzz target: the files it becomes, the parser it reaches
/// and the checks it must pass. The fuzz targets and the replay of saved
/// crashes (`tests/fuzz_regressions.rs`) both call this, so they cannot drift.
pub fn fuzz_case(target: &str, data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).ok();
    match target {
        // comments blanked byte for byte, then the PHP and JS suites scanned
        "comments" => {
            if let Some(t) = text {
                check_comments(t)?;
            }
            check_files(&[
                ("tests/Feature/UserTest.php", data),
                ("phpunit.xml", br#"<phpunit><php><env name="APP_ENV" value="testing"/></php></phpunit>"#),
                ("artisan", b"#!/usr/bin/env php\n"),
                ("composer.json", LARAVEL_COMPOSER),
                ("package.json", br#"{"scripts": {"test": "jest"}, "dependencies": {"pg": "^8"}, "devDependencies": {"jest": "^29"}}"#),
                ("test/helpers.ts", data),
                (".env", b"DATABASE_URL=postgres://u:p@localhost/app\n"),
            ])
        }
        // pytest's configuration, with pytest-dotenv loading a `.env` beside it
        "ini" => {
            let (name, body) = pick(data, &["pytest.ini", "tox.ini", "setup.cfg"]);
            if let Ok(t) = std::str::from_utf8(body) {
                let _ = testguard::syntax::ini::parse(t);
            }
            check_files(&[
                (name, body),
                ("requirements.txt", b"pytest\npytest-dotenv\n"),
                (
                    ".env",
                    b"DATABASE_URL=postgres://u:p@db.prod.example.com/app\n",
                ),
            ])
        }
        "dotenv" => {
            if let Some(t) = text {
                let _ = testguard::syntax::dotenv::parse(t);
            }
            // a test dotenv beside a dev one, in a Laravel app
            check_files(&[
                (".env.test", data),
                (".env", data),
                ("composer.json", LARAVEL_COMPOSER),
            ])
        }
        "toml" => {
            let (name, body) = pick(data, &["pyproject.toml", "pytest.toml", "tox.toml"]);
            if let Ok(t) = std::str::from_utf8(body) {
                let _ = testguard::syntax::toml::parse(t);
            }
            check_files(&[(name, body)])
        }
        // in a Laravel app, so every PHPUnit rule applies
        "phpunit" => check_files(&[
            ("phpunit.xml", data),
            ("artisan", b"#!/usr/bin/env php\n"),
            ("composer.json", LARAVEL_COMPOSER),
            (".env", b"DB_CONNECTION=mysql\nDB_DATABASE=shop\n"),
        ]),
        "github" => check_files(&[(".github/workflows/ci.yml", data)]),
        // split at the first NUL into the pipeline and a local include, so
        // includes, extends and anchors mix
        "gitlab" => {
            let (main, inc) = match data.iter().position(|&b| b == 0) {
                Some(i) => (&data[..i], &data[i + 1..]),
                None => (data, &b"include: []\n"[..]),
            };
            check_files(&[(".gitlab-ci.yml", main), ("ci/test.yml", inc)])
        }
        // framework context for the dotenv and PHPUnit rules beside it
        "json" => {
            let (name, body) = pick(data, &["composer.json", "package.json"]);
            check_files(&[
                (name, body),
                (
                    ".env.test",
                    b"DATABASE_URL=postgres://app:pw@localhost/app\n",
                ),
                (".env", b"DATABASE_URL=postgres://app:pw@localhost/app\n"),
                (
                    "phpunit.xml",
                    br#"<phpunit><php><env name="DB_DATABASE" value="app"/></php></phpunit>"#,
                ),
            ])
        }
        "database_url" => text.map_or(Ok(()), check_database_url),
        "lint" => {
            let (name, body) = pick(data, LINT_NAMES);
            check_files(&[
                (name, body),
                ("artisan", b""),
                (
                    "manage.py",
                    b"os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'app.settings')\n",
                ),
            ])
        }
        // a Symfony run: doctrine.yaml and the dotenv chain it layers, split
        // at the first NUL (`.env.test` after it)
        "symfony" => {
            let (doctrine, env_test) = match data.iter().position(|&b| b == 0) {
                Some(i) => (&data[..i], &data[i + 1..]),
                None => (data, &b"DATABASE_URL=mysql://app@db/${DB_NAME}_test\n"[..]),
            };
            check_files(&[
                ("config/packages/doctrine.yaml", doctrine),
                ("config/packages/test/doctrine.yaml", doctrine),
                (".env.test", env_test),
                (".env", b"DB_NAME=shop\nDATABASE_URL=mysql://app:pw@db/shop\n"),
                ("composer.json", SYMFONY_COMPOSER),
                (
                    "phpunit.xml.dist",
                    br#"<phpunit><php><server name="APP_ENV" value="test" force="true"/></php></phpunit>"#,
                ),
            ])
        }
        // what the caller's environment carries, beside a Laravel app whose
        // PHPUnit <env> it may override and whose .env.testing may be ignored
        "containers" => {
            let (name, body) = pick(
                data,
                &[
                    "compose.yaml",
                    "Dockerfile",
                    ".envrc",
                    ".gitignore",
                    "docker-compose.test.yml",
                ],
            );
            check_files(&[
                (name, body),
                ("artisan", b"#!/usr/bin/env php\n"),
                ("composer.json", LARAVEL_COMPOSER),
                (
                    "phpunit.xml",
                    br#"<phpunit><php><env name="APP_ENV" value="testing"/><env name="DB_DATABASE" value="testing"/></php></phpunit>"#,
                ),
                (".env", b"DB_CONNECTION=mysql\nDB_DATABASE=shop\n"),
            ])
        }
        // a Django project whose test settings module, its star-imported
        // base and its conftest are the input
        "python_code" => {
            if let Some(t) = text {
                let _ = testguard::syntax::python::parse(t);
            }
            check_files(&[
                ("app/settings/test.py", data),
                // a module that loads `.env` itself (`load_dotenv()`)
                ("app/config.py", data),
                ("app/settings/base.py", data),
                ("conftest.py", data),
                (
                    "manage.py",
                    b"import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'app.settings.base')\nfrom django.core.management import execute_from_command_line\n",
                ),
                ("pytest.ini", b"[pytest]\nDJANGO_SETTINGS_MODULE = app.settings.test\n"),
                ("README.md", b"```bash\nexport DATABASE_URL=postgres://app@localhost/app\n```\n"),
            ])
        }
        // a Codeception suite whose `%PARAM%` dsn is filled from the
        // template of the `params:` file: both are the input
        "codeception" => check_files(&[
            (
                "codeception.dist.yml",
                b"params:\n    - .env\n    - tests/_config/params.php\n",
            ),
            ("tests/_config/params.php", data),
            ("tests/Acceptance.suite.yml", data),
            (".env.dist", data),
            (
                "tests/Unit.suite.yml",
                b"modules:\n    enabled:\n        - lucatume\\WPBrowser\\Module\\WPDb:\n            dsn: '%TEST_DB_DSN%'\n            cleanup: true\n",
            ),
            ("composer.json", b"{\"require-dev\":{\"lucatume/wp-browser\":\"^4\"}}"),
        ]),
        // a Symfony 2/3 app whose kernel configuration chain is the input:
        // every file of it, so imports and parameters meet themselves
        "symfony_kernel" => check_files(&[
            ("app/config/config_test.yml", data),
            ("app/config/config_dev.yml", data),
            ("app/config/config.yml", data),
            ("app/config/parameters.yml.dist", data),
            ("composer.json", b"{\"require\":{\"symfony/symfony\":\"3.4.*\"}}"),
            (
                "phpunit.xml.dist",
                b"<phpunit><php><server name=\"KERNEL_DIR\" value=\"app/\"/></php></phpunit>",
            ),
            ("tests/AppTest.php", b"<?php\nuse Doctrine\\Common\\DataFixtures\\Purger\\ORMPurger;\n"),
        ]),
        // a Yii 2 app whose every config file is the input: required by
        // itself, merged, read from its `php init` template
        "yii2" => check_files(&[
            ("composer.json", b"{\"require\":{\"yiisoft/yii2\":\"~2.0\"}}"),
            ("codeception.yml", b"modules:\n  config:\n    Yii2:\n      configFile: 'config/test.php'\n"),
            ("config/test.php", data),
            ("config/test_db.php", data),
            ("config/db.php", data),
            ("environments/dev/config/main-local.php", data),
        ]),
        // a WordPress plugin whose bootstrap, test configurations, suite
        // and site configuration are the input: the core test library's
        // and WPLoader's runs, the table prefixes beside the site's
        "wordpress" => check_files(&[
            ("composer.json", b"{\"require-dev\":{\"wp-phpunit/wp-phpunit\":\"^6\"}}"),
            (
                "phpunit.xml.dist",
                b"<phpunit bootstrap=\"tests/bootstrap.php\"><php><env name=\"WP_PHPUNIT__TESTS_CONFIG\" value=\"tests/wp-tests-config.php\"/></php></phpunit>",
            ),
            ("tests/bootstrap.php", data),
            ("tests/wp-tests-config.php", data),
            ("wp-tests-config.php", data),
            ("wp-config.php", data),
            ("tests/integration.suite.yml", data),
        ]),
        // a Flask app with a Dynaconf object whose module, settings files
        // and conftest are the input: the sections, the test run's pick
        "dynaconf" => check_files(&[
            (
                "pyproject.toml",
                b"[project]\nname = \"shop\"\ndependencies = [\"flask\", \"dynaconf\", \"psycopg2\"]\n",
            ),
            ("app/config.py", data),
            ("settings.toml", data),
            ("settings.yaml", data),
            ("tests/conftest.py", data),
        ]),
        // a CakePHP app whose config files are the input: the `test`
        // datasource merged over itself, its template, its bootstrap
        "cakephp" => check_files(&[
            ("composer.json", b"{\"require\":{\"cakephp/cakephp\":\"^5.0\"}}"),
            ("phpunit.xml.dist", b"<phpunit bootstrap=\"tests/bootstrap.php\"></phpunit>"),
            ("config/app.php", data),
            ("config/app_local.php", data),
            ("config/app_local.example.php", data),
            ("config/bootstrap.php", data),
            ("config/.env", b"DATABASE_TEST_URL=mysql://u:p@localhost/shop\n"),
            ("tests/bootstrap.php", data),
        ]),
        // an end-to-end suite whose helper, reset script and package script
        // are the input: the command scanners, and one step followed
        "node_shell" => {
            let text = String::from_utf8_lossy(data);
            let _ = testguard::stacks::node::shell::script_paths(&text);
            let _ = testguard::stacks::commands::destructive(&text);
            let pkg = serde_json::json!({
                "scripts": {"test": "playwright test", "db:reset": text},
                "devDependencies": {"@playwright/test": "^1.54.0"},
            })
            .to_string();
            check_files(&[
                ("package.json", pkg.as_bytes()),
                ("tests/helpers.ts", data),
                ("scripts/reset-db.sh", data),
                (
                    "e2e/setup.ts",
                    b"import { execSync } from 'node:child_process';\nexecSync('./scripts/reset-db.sh');\nexecSync('npm run db:reset');\n",
                ),
            ])
        }
        // a CodeIgniter 4 app whose `app/Config/Database.php` is the input,
        // and a CodeIgniter 3 app whose `application/config/database.php` is
        "codeigniter" => {
            check_files(&[
                ("app/Config/Database.php", data),
                ("composer.json", b"{\"require\":{\"codeigniter4/framework\":\"^4.5\"}}"),
                ("phpunit.xml.dist", b"<phpunit><php><env name=\"CI_ENVIRONMENT\" value=\"testing\"/></php></phpunit>"),
            ])?;
            check_files(&[
                ("application/config/database.php", data),
                ("application/tests/Some_test.php", data),
                ("composer.json", b"{\"require\":{\"codeigniter/framework\":\"3.1.13\"}}"),
                ("application/tests/phpunit.xml", b"<phpunit bootstrap=\"./Bootstrap.php\"/>"),
            ])
        }
        // a Laravel app whose database config and test bootstrap are the input
        "php_code" => {
            if let Some(t) = text {
                let _ = testguard::syntax::php::parse(t);
            }
            check_files(&[
                ("config/database.php", data),
                ("tests/bootstrap.php", data),
                ("config/packages/doctrine.php", data),
                ("bootstrap/app.php", data),
                ("artisan", b"#!/usr/bin/env php\n"),
                ("composer.json", LARAVEL_COMPOSER),
                (
                    "phpunit.xml",
                    br#"<phpunit bootstrap="tests/bootstrap.php"><php><env name="APP_ENV" value="testing"/><env name="DB_CONNECTION" value="testing"/></php></phpunit>"#,
                ),
                (".env", b"DB_CONNECTION=mysql\nDB_DATABASE=shop\n"),
            ])
        }
        // a README's setup lines beside a suite that reads and wipes
        // DATABASE_URL, and a Laravel app with a committed .env.testing
        "readme" => {
            if let Some(t) = text {
                let _ = testguard::syntax::markdown::shell_lines(t);
            }
            check_files(&[
                ("README.md", data),
                (
                    "tests/conftest.py",
                    b"import os\nfrom sqlalchemy_utils import drop_database\ndrop_database(os.environ['DATABASE_URL'])\n",
                ),
                ("pyproject.toml", b"[project]\nname = 'app'\n"),
                ("artisan", b"#!/usr/bin/env php\n"),
                ("composer.json", LARAVEL_COMPOSER),
                (
                    "phpunit.xml",
                    br#"<phpunit><php><env name="APP_ENV" value="testing"/></php></phpunit>"#,
                ),
                (".env.testing", b"DB_CONNECTION=mysql\nDB_DATABASE=shop_testing\n"),
            ])
        }
        // a Node package whose runner configs, setup file, NODE_ENV config
        // module and test helper are the input
        "js_code" => {
            if let Some(t) = text {
                let _ = testguard::syntax::js::parse(t, testguard::syntax::js::Dialect::Tsx);
                let _ = testguard::syntax::js::parse(t, testguard::syntax::js::Dialect::TypeScript);
            }
            check_files(&[
                ("jest.config.js", data),
                ("vitest.config.ts", data),
                ("test/setup.js", data),
                ("config/env/test.js", data),
                ("knexfile.js", data),
                (
                    "package.json",
                    br#"{"scripts":{"test":"jest","test:unit":"vitest run"},"jest":{"setupFiles":["<rootDir>/test/setup.js"]},"dependencies":{"mongoose":"^8","dotenv":"^16","knex":"^3"},"devDependencies":{"jest":"^29","vitest":"^2"}}"#,
                ),
                (".env.example", b"MONGODB_URL=mongodb://localhost/app\nDB_NAME=app\n"),
                (".gitignore", b".env\n.env.test\n"),
            ])
        }
        // Rails' config/database.yml: ERB over YAML, beside a test dotenv
        "erb" => {
            if let Some(t) = text
                && let Some(template) = testguard::syntax::erb::strip(t)
            {
                if template.text.len() != t.len() {
                    return Err("a blanked template changed length".into());
                }
                for tag in &template.tags {
                    let Some(code) = t.get(tag.code.clone()) else {
                        return Err(format!("tag code {:?} is not text", tag.code));
                    };
                    for a in testguard::syntax::erb::ruby_value(code).unwrap_or_default() {
                        if let testguard::syntax::erb::Alternative::Env { name, at } = a
                            && code.get(at.clone()) != Some(name.as_str())
                        {
                            return Err(format!("`{name}` is not at {at:?} of {code:?}"));
                        }
                    }
                }
            }
            check_files(&[
                ("config/database.yml", data),
                (".env.test", b"DATABASE_URL=postgres://localhost/app_test\n"),
                ("Gemfile", b"gem 'rails'\n"),
            ])
        }
        // Elixir config: the same text as every file of an app's config/
        "elixir" => {
            if let Some(t) = text {
                let helpers = testguard::syntax::elixir::helpers(t);
                for call in testguard::syntax::elixir::config_calls(t) {
                    if !t
                        .get(call.at..)
                        .is_some_and(|rest| rest.starts_with("config"))
                    {
                        return Err(format!(
                            "a call at {} does not start with `config`",
                            call.at
                        ));
                    }
                    for (key, range) in &call.pairs {
                        if t.get(range.clone()).is_none() {
                            return Err(format!("`{key}`'s value {range:?} is not text"));
                        }
                        let value = testguard::syntax::elixir::value(t, range.clone(), &helpers);
                        for a in value.map(|v| v.alternatives).unwrap_or_default() {
                            if let testguard::syntax::erb::Alternative::Env { name, at } = a
                                && t.get(at.clone()) != Some(name.as_str())
                            {
                                return Err(format!("`{name}` is not at {at:?}"));
                            }
                        }
                    }
                }
            }
            check_files(&[
                ("config/config.exs", data),
                ("config/test.exs", data),
                ("config/dev.exs", data),
                ("config/runtime.exs", data),
                ("mix.exs", data),
            ])
        }
        // a Gemfile (and the same text as a suite helper and a Dockerfile)
        // beside a Rails app whose .env would reach its tests through
        // dotenv-rails
        "gemfile" => {
            if let Some(t) = text
                && let Some(r) =
                    testguard::stacks::ruby::gemfile::required_in_test(t, "dotenv-rails")
                && t.get(r.clone()) != Some("dotenv-rails")
            {
                return Err(format!("the gem's name is not at {r:?}"));
            }
            check_files(&[
                ("Gemfile", data),
                ("spec/rails_helper.rb", data),
                ("spec/support/database_cleaner.rb", data),
                (
                    "config/database.yml",
                    b"development:\n  database: app_development\ntest:\n  database: app_test\n",
                ),
                (
                    ".env",
                    b"DATABASE_URL=postgres://localhost/app_development\n",
                ),
                // the same text as the image a compose service running
                // rspec is built from
                ("Dockerfile", data),
                (
                    "docker-compose.yml",
                    b"services:\n  specs:\n    build: .\n    command: bundle exec rspec\n",
                ),
            ])
        }
        // a devenv shell definition, beside an app whose test and dev
        // configuration read the same variable
        "nix" => {
            if let Some(t) = text {
                for e in testguard::syntax::nix::shell_exports(t) {
                    if t.get(e.at.clone()) != Some(e.name.as_str()) {
                        return Err(format!("`{}` is not at {:?}", e.name, e.at));
                    }
                }
            }
            check_files(&[
                ("devenv.nix", data),
                ("nix/flake-modules/devenv.nix", data),
                (".envrc", b"use flake .\n"),
                (
                    "config/runtime.exs",
                    b"import Config\nconfig :a, A.Repo, database: System.get_env(\"DATABASE_NAME\", \"a_test\")\n",
                ),
                ("mix.exs", b"defmodule App.MixProject do\nend\n"),
            ])
        }
        // Spring configuration and test classes: `.properties`, YAML with
        // profile documents, Java with annotations, comments, text blocks
        "spring" => {
            if let Some(t) = text {
                for p in testguard::syntax::properties::parse(t) {
                    if p.verbatim && t.get(p.value_range.clone()) != Some(p.value.as_str()) {
                        return Err(format!(
                            "property `{}` is not at {:?}",
                            p.key, p.value_range
                        ));
                    }
                }
                let toks =
                    testguard::syntax::clike::tokens(t, testguard::syntax::clike::Dialect::Java);
                for tok in &toks {
                    if t.get(tok.range()).is_none() {
                        return Err(format!("token {tok:?} splits a character"));
                    }
                }
                let _ = testguard::syntax::clike::annotations(&toks);
            }
            check_files(&[
                ("src/main/resources/application.properties", data),
                ("src/main/resources/application.yml", data),
                (
                    "src/main/resources/application-dev.yml",
                    b"spring:\n  datasource:\n    url: jdbc:mysql://localhost/shop\n",
                ),
                ("src/test/java/shop/ShopTests.java", data),
                ("build.gradle", b"dependencies {}\n"),
            ])
        }
        // ASP.NET Core: `appsettings*.json` with comments and trailing
        // commas, C# factories, `.csproj` references
        "dotnet" => {
            if let Some(t) = text {
                let f = testguard::source::SourceFile::new(
                    "src/Web/appsettings.Development.json".into(),
                    testguard::source::SourceKind::DotnetAppSettings,
                    t.to_string(),
                );
                for s in testguard::stacks::dotnet::read_settings(testguard::source::FileId(0), &f)
                {
                    let v = &s.setting;
                    if v.verbatim
                        && t.get(v.value_span.start..v.value_span.end) != Some(v.value.as_str())
                    {
                        return Err(format!("`{}` is not at {:?}", v.value, v.value_span));
                    }
                }
            }
            check_files(&[
                ("src/Web/appsettings.json", data),
                ("src/Web/appsettings.Development.json", data),
                ("src/Web/Web.csproj", b"<Project />\n"),
                (
                    "tests/Web.Tests/Web.Tests.csproj",
                    b"<Project><PackageReference Include=\"Microsoft.AspNetCore.Mvc.Testing\" /><ProjectReference Include=\"..\\..\\src\\Web\\Web.csproj\" /></Project>\n",
                ),
                ("tests/Web.Tests/Factory.cs", data),
            ])
        }
        // the git index streamed for its file names: never a panic, and
        // where gix decodes the same bytes, the same names
        "git_index" => check_git_index(data),
        // Go test setup: TestMain, loaders, connections, raw strings
        "go_code" => {
            if let Some(t) = text {
                for d in [
                    testguard::syntax::clike::Dialect::Go,
                    testguard::syntax::clike::Dialect::CSharp,
                ] {
                    let toks = testguard::syntax::clike::tokens(t, d);
                    for tok in &toks {
                        if t.get(tok.range()).is_none() {
                            return Err(format!("token {tok:?} splits a character"));
                        }
                    }
                    for (_, _, i) in testguard::syntax::clike::calls(&toks) {
                        let _ = testguard::syntax::clike::call_strings(&toks, i);
                    }
                }
            }
            check_files(&[
                ("go.mod", b"module example.com/x\n"),
                ("db/main_test.go", data),
                ("app.env", b"DB_SOURCE=postgres://localhost/app\n"),
                ("config/local.yml", data),
                (
                    "db/config_test.go",
                    b"package db\n\nfunc setup() {\n\tviper.AddConfigPath(\"../config\")\n\tviper.SetConfigName(\"local\")\n\tviper.SetConfigType(\"yml\")\n\tsql.Open(\"postgres\", \"\")\n}\n",
                ),
                ("Makefile", data),
            ])
        }
        // `testguard run`'s command line: arguments split at NUL bytes
        "run_command" => {
            let args: Vec<std::ffi::OsString> = data
                .split(|b| *b == 0)
                .map(|a| std::ffi::OsString::from(String::from_utf8_lossy(a).into_owned()))
                .collect();
            if let Some(r) = testguard::stacks::runners::recognise(&args) {
                if r.program.is_empty() || r.runner.is_empty() {
                    return Err(format!("recognised with no program: {r:?}"));
                }
                if r.node_script.is_some() && r.family != testguard::model::RunnerFamily::Node {
                    return Err(format!("a package script outside Node: {r:?}"));
                }
            }
            if let Some(first) = args.first() {
                let _ = testguard::stacks::runners::named(&first.to_string_lossy());
            }
            Ok(())
        }
        // a package.json whose test scripts are the input (and the input as
        // the whole package.json), beside Prisma and a gitignored .env.test
        "node_scripts" => {
            let script = String::from_utf8_lossy(data);
            let _ = testguard::stacks::node::scripts::words(&script);
            let pkg = serde_json::json!({
                "scripts": {
                    "test": script,
                    "pretest": script,
                    "test:e2e": "npm run test",
                },
                "dependencies": {"@prisma/client": "^5", "dotenv": "^16"},
                "devDependencies": {"jest": "^29"},
            })
            .to_string();
            let (name, body) = pick(data, &["package.json", "ormconfig.json"]);
            check_files(&[
                ("package.json", pkg.as_bytes()),
                (
                    if name == "package.json" {
                        "web/package.json"
                    } else {
                        name
                    },
                    body,
                ),
                (
                    "prisma/schema.prisma",
                    b"datasource db {\n  url = env(\"DATABASE_URL\")\n}\n",
                ),
                (".env.example", b"DATABASE_URL=postgres://localhost/app\n"),
                (".gitignore", b".env\n.env.test\n"),
            ])
        }
        // a Taskfile or Makefile whose test target may load a dotenv
        "task_runner" => {
            let (name, body) = pick(data, &["Taskfile.yml", "Makefile"]);
            if let Ok(t) = std::str::from_utf8(body) {
                let _ = testguard::syntax::makefile::parse(t);
            }
            check_files(&[
                (name, body),
                (".env", b"DATABASE_URL=postgres://app@localhost/app\n"),
                ("pyproject.toml", b"[project]\nname = 'app'\n"),
            ])
        }
        other => Err(format!("no fuzz target called {other}")),
    }
}

/// Every part and secret range of a parsed database value lies inside it, and
/// the byte-for-byte mask (what snippets are cut from) hides every secret byte.
fn check_database_url(value: &str) -> Result<(), String> {
    use testguard::database::{DatabaseRef, DbKeyKind};
    for kind in [DbKeyKind::Url, DbKeyKind::Name, DbKeyKind::Host] {
        let r = DatabaseRef::parse(value, kind);
        for p in [&r.user, &r.password, &r.host, &r.port, &r.name]
            .into_iter()
            .flatten()
        {
            if value.get(p.range.clone()) != Some(p.text.as_str()) {
                return Err(format!("part {p:?} of {value:?}"));
            }
        }
        let masked = testguard::mask::mask_bytes(value, &r.secrets);
        if masked.len() != value.len() {
            return Err(format!("masking changed the length of {value:?}"));
        }
        for s in &r.secrets {
            let hidden = masked
                .as_bytes()
                .get(s.clone())
                .is_some_and(|m| m.iter().all(|&b| b == b'*'));
            if !hidden {
                return Err(format!("secret {s:?} of {value:?} not masked"));
            }
        }
        let _ = testguard::database::tokens(value);
        let _ = testguard::database::reference_names(value);
        let _ = testguard::database::is_local_host(value, &[]);
    }
    Ok(())
}

/// Checks every invariant of an outcome (see the module documentation).
pub fn check(outcome: &Outcome) -> Result<(), String> {
    for f in &outcome.workspace.files {
        if testguard::mask::masked(f).len() != f.text.len() {
            return Err(format!("{}: masking changed the length", f.path));
        }
    }
    for d in &outcome.diagnostics {
        let spans = d.primary.into_iter().chain(d.labels.iter().map(|l| l.span));
        for sp in spans {
            let t = &outcome.workspace.file(sp.file).text;
            if !(sp.start <= sp.end && sp.end <= t.len()) {
                return Err(format!(
                    "{} {}: span {sp:?} outside a text of {} bytes",
                    d.code,
                    outcome.workspace.file(sp.file).path,
                    t.len()
                ));
            }
            if !(t.is_char_boundary(sp.start) && t.is_char_boundary(sp.end)) {
                return Err(format!("{}: span {sp:?} splits a character", d.code));
            }
        }
    }
    let root = Path::new(".");
    let outputs = [
        ("human", report::human::render(outcome, false, false)),
        ("json", report::json::render(outcome)),
        ("sarif", report::sarif::render(outcome, root)),
        ("github", report::github::render(outcome)),
        ("gitlab", report::gitlab::render(outcome)),
    ];
    check_json_locations(outcome, &outputs[1].1)?;
    let secrets = masked_secrets(outcome);
    if secrets.is_empty() {
        return Ok(());
    }
    // What the outputs hold whatever the messages say: their own field names,
    // paths, rule documentation and the masked snippets. A secret found there
    // (`end_co` inside `end_column`) is not a leak.
    let mut base = outcome.clone();
    for f in &mut base.workspace.files {
        f.text = testguard::mask::masked(f).to_string();
    }
    for d in base
        .diagnostics
        .iter_mut()
        .chain(base.suppressed_findings.iter_mut().map(|(d, _)| d))
    {
        d.message.clear();
        d.help = None;
        d.primary_label = None;
        for l in &mut d.labels {
            l.message.clear();
        }
    }
    let boilerplate = [
        report::human::render(&base, false, false),
        report::json::render(&base),
        report::sarif::render(&base, root),
        report::github::render(&base),
        report::gitlab::render(&base),
    ];
    for secret in secrets {
        for ((format, text), base_text) in outputs.iter().zip(&boilerplate) {
            // a secret that is an ordinary word may stand in a message's own
            // prose ("the repository root"); as a quoted value it is a leak
            if testguard::mask::quoted_occurrences(text, &secret)
                > testguard::mask::quoted_occurrences(base_text, &secret)
            {
                return Err(format!(
                    "the masked secret {secret:?} appears in the {format} output"
                ));
            }
        }
    }
    Ok(())
}

/// Line and column of a byte offset, counted from scratch.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let mut line = 1;
    let mut line_start = 0;
    for (i, &b) in before.iter().enumerate() {
        let ends_line = b == b'\n' || (b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    if line == 1 && before.starts_with("\u{feff}".as_bytes()) {
        line_start = 3;
    }
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The JSON output's line, column, offset and length agree with the text.
fn check_json_locations(outcome: &Outcome, json: &str) -> Result<(), String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("the json output does not parse: {e}"))?;
    let diags = value["diagnostics"].as_array().cloned().unwrap_or_default();
    if diags.len() != outcome.diagnostics.len() {
        return Err("the json output lost diagnostics".into());
    }
    for (j, d) in diags.iter().zip(&outcome.diagnostics) {
        let Some(sp) = d.primary else { continue };
        let f = outcome.workspace.file(sp.file);
        let got = (
            j["line"].as_u64().unwrap_or(0) as usize,
            j["column"].as_u64().unwrap_or(0) as usize,
            j["span"]["offset"].as_u64().unwrap_or(u64::MAX) as usize,
            j["span"]["length"].as_u64().unwrap_or(u64::MAX) as usize,
        );
        let (line, column) = line_col(&f.text, sp.start);
        let want = (line, column, sp.start, sp.end - sp.start);
        if got != want {
            return Err(format!(
                "{} in {}: json says line/column/offset/length {got:?}, the text says {want:?}",
                d.code, f.path
            ));
        }
        let (end_line, end_column) = line_col(&f.text, sp.end);
        let got_end = (
            j["end_line"].as_u64().unwrap_or(0) as usize,
            j["end_column"].as_u64().unwrap_or(0) as usize,
        );
        if got_end != (end_line, end_column) {
            return Err(format!(
                "{} in {}: json end {got_end:?}, the text says {:?}",
                d.code,
                f.path,
                (end_line, end_column)
            ));
        }
    }
    Ok(())
}

/// Secrets that masking hid and that appear nowhere unmasked: each maximal
/// run of masked bytes, when it is long enough to be meaningful and made of
/// characters no output format escapes.
fn masked_secrets(outcome: &Outcome) -> Vec<String> {
    let ws = &outcome.workspace;
    testguard::mask::hidden_secrets(ws)
        .into_iter()
        .filter(|secret| {
            secret.len() >= 6
                && secret
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
                && !ws.files.iter().any(|g| g.path.contains(secret))
        })
        .map(String::from)
        .collect()
}

/// The streamed index reader against gix's decoder on the same bytes: the
/// same staged files, each with the same object id and stat data.
fn check_git_index(data: &[u8]) -> Result<(), String> {
    type Row = (Vec<u8>, Vec<u8>, u32, (u32, u32), u32);
    let mut streamed: Vec<Row> = Vec::new();
    let mut offsets = Vec::new();
    let result = testguard::git::index_names::for_each_file(data, |f| {
        offsets.push(f.offset);
        streamed.push((f.path.to_vec(), f.id.to_vec(), f.size, f.mtime, f.ino))
    });
    let Ok(layout) = result else {
        return Ok(());
    };
    // formats 2 and 3 read back from any staged entry's offset give the
    // same entries from there on (what `--staged` lookups rely on)
    if layout.version <= 3 {
        let end = usize::try_from(layout.entries_end).map_err(|e| e.to_string())?;
        for (k, offset) in offsets.iter().enumerate().step_by(7) {
            let start = usize::try_from(*offset).map_err(|e| e.to_string())?;
            let slice = data.get(start..end).ok_or("offset beyond the entries")?;
            let mut again: Vec<Row> = Vec::new();
            testguard::git::index_names::for_each_file_in(slice, layout.version, *offset, |f| {
                again.push((f.path.to_vec(), f.id.to_vec(), f.size, f.mtime, f.ino))
            })
            .map_err(|e| format!("entries from offset {offset} not read back: {e:?}"))?;
            if again[..] != streamed[k..] {
                return Err(format!("entries read back from offset {offset} differ"));
            }
        }
    }
    let options = gix::index::decode::Options {
        thread_limit: Some(1),
        expected_checksum: None,
        ..Default::default()
    };
    let Ok((state, _)) = gix::index::State::from_bytes(
        data,
        filetime::FileTime::zero(),
        gix::hash::Kind::Sha1,
        options,
    ) else {
        return Ok(());
    };
    use gix::index::entry::{Flags, Mode, Stage};
    let decoded: Vec<Row> = state
        .entries()
        .iter()
        .filter(|e| {
            (e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE)
                && e.stage() == Stage::Unconflicted
                && !e.flags.contains(Flags::INTENT_TO_ADD)
        })
        .map(|e| {
            (
                e.path(&state).to_vec(),
                e.id.as_bytes().to_vec(),
                e.stat.size,
                (e.stat.mtime.secs, e.stat.mtime.nsecs),
                e.stat.ino,
            )
        })
        .collect();
    if decoded != streamed {
        return Err(format!(
            "streamed {} files, gix decoded {} (or an id or stat differs)",
            streamed.len(),
            decoded.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let t = "a\r\nbé\rc\nd";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 6), (2, 3)); // after "bé"
        assert_eq!(line_col(t, 7), (3, 1));
        assert_eq!(line_col(t, 9), (4, 1));
        assert_eq!(line_col("\u{feff}ab", 4), (1, 2));
    }

    #[test]
    fn a_leaked_secret_is_caught() {
        let out = lint_one_and_check(
            ".env.test",
            b"DATABASE_URL=postgres://app:Sup3rSecretPw@db.prod.example.com/app\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!out.diagnostics.is_empty());
        assert_eq!(masked_secrets(&out), vec!["Sup3rSecretPw".to_string()]);
    }
}
