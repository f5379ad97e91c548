//! TG101 database-not-test.

use super::{Context, Rule, RuleMeta, db_kind_is_db};
use crate::diagnostic::{Diagnostic, Severity};

pub struct DatabaseNotTest;

static META: RuleMeta = RuleMeta {
    code: "TG101",
    name: "database-not-test",
    default_severity: Severity::Error,
    summary: "a test environment's database has no test marker and is not in-memory",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
Every database setting of a test environment (`DATABASE_URL`, `*_DATABASE_URL`,
`DB_DATABASE`, `DB_NAME`, `POSTGRES_DB`, `MYSQL_DATABASE`, `MONGODB_URI`, …) in
a test dotenv file, a PHPUnit `<env>`/`<server>` or bootstrap file, a
pytest-env entry, a tox `setenv`, a Django settings module's `TEST.NAME`, or a
Codeception `Db` module's `dsn`. The *database name* — the URL path, a `dbname=` parameter, the bare
value, or a sqlite file path — must be a test database's name, or an
in-memory database (`:memory:`, `sqlite::memory:`, `file::memory:`). A test
database's name is either:

- a name with a test marker as a whole token (`test`, `tests`, `testing`, and
  `extra-test-markers`): `app_test`, `test-app`, `testing`, `myAppTest`;
- a development database's name (from the dotenv files a developer keeps in
  the folder, above or below it) or `db` with a marker glued on: `mautictest`
  beside a `.env` naming `mautic`, `testshop` beside `shop`, `testdb`.

User names and passwords never count: `postgres://test_user@db/app` names the
database `app`. A marker inside a word is no marker: `latest_snapshot`,
`contest` and `attestation` are not test databases, `test_domain_events` is.

## Why it is dangerous
Test suites truncate tables, run `migrate:fresh`, and `deleteMany()` between
tests. Pointed at a database that is not a throw-away test database, they wipe
it: this is how teams lose their development — and sometimes production — data.

## Example
```dotenv
# .env.test
DATABASE_URL=postgres://app:****@localhost:5432/myapp
```
fires on `myapp`.

## Fix
Name a dedicated database: `myapp_test`, or use an in-memory database.

## Framework facts
- Django creates its test database as `test_<NAME>` (sqlite: in memory), so in
  a Django project a non-test name is reported as a warning: the risk is the
  server, and a `TEST: {"NAME": …}` override, not the name itself.
- A Django settings module's `DATABASES['default']['TEST']['NAME']` (read from
  the module a run uses, through its `from .base import *` chain) is the test
  database itself: Django creates it under that name and drops an existing one
  first (pytest-django always; `manage.py test --noinput` without asking). Equal
  to the application's own `NAME`: an error. Another name without a test
  marker: a warning.
- Laravel Dusk's `.env.dusk.{env}` (or `.env.dusk`) is read by `php artisan
  dusk` alone: it swaps the file in for `.env` while the browser tests run
  and puts `.env` back after (laravel/dusk `DuskCommand::setupDuskEnvironment`).
  A database that file names is the browser suite's own when the folder's
  development files name a database and it is none of them
  (`ecommerce_dusk` beside `.env.example`'s `laravel`): no finding. The
  development database's own name there is TG105's; with no development
  database to compare with, the name is judged as any other.
- pytest-django creates the test databases in its `django_db_setup`
  fixture. A conftest fixture of that name replaces it ("Using an existing,
  external database for tests" in pytest-django's docs) unless it requests
  the original as a parameter (`def django_db_setup(django_db_setup,
  django_db_blocker)` only adds to it). A replacement whose body does
  nothing (a docstring, `pass`) creates no test database: the tests run on
  the configured database itself, so its name is judged as any non-Django
  one, an error, and the finding points at the fixture. A replacement with
  code (it usually rewrites `settings.DATABASES`) decides the database
  there: no finding, and `testguard runs` says the run is unresolved at the
  fixture.
- A replacement that writes the database itself, unconditionally and as
  literals (`settings.DATABASES["default"] = {"ENGINE": …, "NAME":
  "db.sqlite3"}`), gives the tests that database: it is judged as the
  no-op's, at the fixture, and other settings of the run (a pytest-env
  `DATABASE_URL`) no longer decide it. Written from the environment or a
  call (`dj_database_url.config()`), it stays the fixture's code: no
  finding, unresolved in `testguard runs`.
- A database on `localhost` at a port that a compose service named for
  the tests publishes (`test-db: ports: ["5435:5432"]`, `postgres_test`,
  `testdb`; every service of a `docker-compose.test.yml`) is on the tests'
  own server, whatever the database is called (`…@localhost:5435/nest`
  beside the development `dev-db` on 5434): no finding, and `testguard
  runs` names the service. The same name on the development service's port
  is TG105's.
- A Django database on a server named for the tests (`"HOST": "testdb"`,
  the service of a test-only compose file) holds no real data: no finding,
  and the run's database is `test`.
- With such a no-op replacement, the settings module's own `NAME` is the
  database the tests use (`BASE_DIR / "db.sqlite3"` and
  `os.path.join(BASE_DIR, "db.sqlite3")` name the file `db.sqlite3`). A
  switch on how the process started is decided as Python would: under the
  pytest script `sys.argv` is the script's full path (`/…/bin/pytest`) and
  the arguments typed (a configuration's `addopts`/`testpaths` never reach
  it; its run is taken as `pytest` with none), so `'pytest' in sys.argv` and
  `'test' in sys.argv` are false, `'pytest' in sys.argv[0]` and `'pytest'
  in sys.modules` true; under `manage.py test`, `sys.argv[1] == 'test'`.
  An `if` that does not run under the launch is shown in the finding; one
  on anything else (`os.environ.get(…)`) leaves the database unresolved at
  that condition: no finding.
- CodeIgniter 4 runs its database tests on the `tests` group of
  `app/Config/Database.php` (`DatabaseTestTrait`'s `$DBGroup`, and the
  default group under `ENVIRONMENT=testing`, which its PHPUnit bootstrap
  sets); a `database.tests.database` variable (PHPUnit `<env>`, the
  caller's environment, `.env`) replaces the group's literal. A group
  whose database is no test database (often the `default` group's own) is
  an error there; SQLite `:memory:` (the framework's own template) is
  isolated.
- CodeIgniter 3 (`codeigniter/framework` with ci-phpunit-test, whose
  `Bootstrap.php` defines `ENVIRONMENT` as `testing`): `DB()` loads
  `application/config/testing/database.php` when it exists, else
  `application/config/database.php` (system/database/DB.php), and connects
  to `$db[$active_group]`. Its `database` (or `dsn`) is the run's database,
  graded by the suite in `application/tests` like a Laravel or Symfony one;
  a value computed in code (`getenv('DB_NAME')`) leaves the run unresolved.
- CakePHP (`cakephp/cakephp`) runs its tests on the `test` datasource
  (`ConnectionHelper::addTestAliases()` points `default` at it): the fields
  of `config/app.php`, each replaced by the same field of
  `config/app_local.php` (`Configure::load` merges deeply), or of
  `config/app_local.example.php` — the template the installer copies — when
  the repository holds no local file. A `url` that is not `null` replaces the
  other fields (`StaticConfigTrait::setConfig`): `env('DATABASE_TEST_URL',
  'sqlite://…')` is that variable when anything sets it (PHPUnit `<env>`,
  the caller, `config/.env` where the bootstrap loads it), else the
  default. A `test` datasource copied from `default` is the error;
  `SchemaLoader::loadSqlFiles()` and migrations' `Migrator` in
  `tests/bootstrap.php` are the suite's wipe. A field computed in code
  leaves the run unresolved.
- Yii 2: Codeception's `Yii2` module boots the application from its
  `configFile` (relative to `codeception.yml`'s folder), and the tests use
  its `components.db.dsn`. testguard follows the config as PHP builds it:
  `require __DIR__ . '/x.php'` (and `dirname(__DIR__)` forms), top-level
  variables (`$db = require 'db.php'; $db['dsn'] = …; return $db;`),
  `ArrayHelper::merge` (a deep merge: the last array that writes the key
  wins), `array_merge` and `array_replace_recursive`. A gitignored
  `*-local.php` is read from its `php init` template
  (`environments/dev/…`) at the place it is copied to. The basic
  template's `test_db.php` that leaves `db.php`'s `dsn` in place, or an
  advanced `test-local.php` that merges `main-local.php` without a `dsn`
  of its own, is the development database: the error. A config built in
  code (`TestConfiguration::forSuite(…)`) leaves the run unresolved where
  the code is.
- WordPress's core test library (a PHPUnit bootstrap that requires
  `includes/bootstrap.php` from `WP_TESTS_DIR`, `WP_DEVELOP_DIR` or
  wp-phpunit) reads the `DB_NAME` of `wp-tests-config.php`, the file
  `WP_TESTS_CONFIG_FILE_PATH` or wp-phpunit's `WP_PHPUNIT__TESTS_CONFIG`
  names, and before the tests drops only the core tables named with its
  `$table_prefix` (wp-phpunit's default: `wptests_`) and installs
  WordPress again (`tests/phpunit/includes/install.php`). A prefix other
  than a site's (`wp_`, or the prefix of the site's `wp-config.php` when the
  repository holds it) keeps the run to tables of its own: no finding. With
  a site's prefix in a database with no test marker, a warning: a site kept
  in that database loses its tables. Where the repository holds the site's
  `wp-config.php`, its database is TG105's. The samples' placeholder
  (`youremptytestdbnamehere`), a configuration the repository lacks
  (`/tmp/wordpress-tests-lib`, written by `bin/install-wp-tests.sh`), and a
  `DB_NAME` under a condition or from a variable with no default leave the
  run unresolved. wp-browser's `WPLoader` module (not `loadOnly`) installs
  the same way into its `dbName` under its `tablePrefix` (default `wp_`).
- Codeception's `Db` module connects with its own `dsn`; with `populate: true`
  or `cleanup: true` it reloads its dump into that database.
- Symfony's `when@test: doctrine: dbal: dbname_suffix: '_test…'` (standard in
  its recipes) appends `_test` to the name: no finding then — except for a
  sqlite URL, whose path DoctrineBundle never suffixes (`ConnectionFactory.php`).
- In a Laravel or Symfony project the suite's test code grades the finding
  (see `testguard explain TG206`): an idiom that wipes the database keeps the
  error and is pointed at; test code with none makes it a warning.
- A literal doctrine `url:` for tests decides the database whatever the
  dotenv files say; `%kernel.environment%` in it is the test kernel's `test`.
- Symfony 2 and 3 (the `app/` layout) boot the test kernel on
  `app/config/config_test.yml` (`AppKernel::registerContainerConfiguration`;
  `APP_ENV` picks another file from 3.4). Each file's `imports:` load first
  and its own keys override them; `%name%` is the last `parameters:` entry
  loaded. The Standard Edition's `config_test.yml` imports `config_dev.yml`
  and overrides no `doctrine: dbal:`, so unless the project adds one
  (`dbname: "%database_name%_test"`, a `parameters_test.yml`, a sqlite
  `path` in `%kernel.cache_dir%`) the tests use the development database.
  The gitignored `parameters.yml` is read from its template
  `parameters.yml.dist` (what `composer install` copies it from), and the
  finding says so. A connection read from `%env(…)%` is left to the
  variables; `testguard runs` lists the run as unresolved when none sets it.
- A Symfony bundle (`"type": "symfony-bundle"`) runs its tests in a test
  kernel of its own (`KERNEL_CLASS`), configured in its test application. A
  `DATABASE_URL` in the bundle's PHPUnit configuration is judged only when a
  doctrine configuration of the bundle (`config/packages/`) reads it: the
  recipe puts one in every bundle's `phpunit.xml.dist`, and a test kernel
  whose dbal names a `driver` and `path` (Sylius's bundles) never reads it.

## Configure or suppress
`# testguard: ignore[TG101] reason` on the line (or the line above); extra
test markers in `testguard.toml` (`extra-test-markers = ["qa"]`).
"#;

impl Rule for DatabaseNotTest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in &cx.ws.envs {
            let symfony_suffix = env.frameworks.symfony
                && cx
                    .ws
                    .nearest(&env.dir, |c| c.php.symfony_test_dbname_suffix.then_some(()))
                    .is_some();
            // a conftest's `django_db_setup` in place of pytest-django's
            let db_setup = env
                .frameworks
                .django
                .then(|| cx.ws.django_db_setup_override(&env.dir))
                .flatten();
            for d in cx.db_settings(env) {
                // the run's own fall-back to the development file is the
                // fall-back's finding (TG206, TG302)
                if !db_kind_is_db(d.kind)
                    || d.db.in_memory
                    || d.setting.value.trim().is_empty()
                    || d.setting.via == crate::model::Via::DevDotenvLoaded
                {
                    continue;
                }
                if cx
                    .ws
                    .bundle_database_key_unread(&env.dir, &d.setting.key.value)
                {
                    continue;
                }
                let Some(name) = &d.db.name else { continue };
                if name.is_reference()
                    || cx.is_test_database(&name.text, &env.dir)
                    || cx.ws.names_test_tool_database(
                        d.setting.value_span.file,
                        &name.text,
                        &env.dir,
                        &cx.policy.extra_db_keys,
                    )
                {
                    continue;
                }
                let host = d.db.host.as_ref().map(|h| h.text.as_str());
                // DoctrineBundle suffixes `dbname` only: a sqlite file keeps its path
                let suffixed = symfony_suffix && !d.db.is_sqlite();
                if suffixed || env.ephemeral_db(host, &cx.policy.extra_local_hosts) {
                    continue;
                }
                // the server a compose service named for the tests publishes
                // holds the tests' data, whatever the database is called
                if cx
                    .ws
                    .test_server_at(host, d.db.port.as_ref().map(|p| p.text.as_str()), &env.dir)
                    .is_some()
                {
                    continue;
                }
                // a run that drops and installs only tables under a prefix
                // of its own leaves the rest of the database alone; one on
                // the site's own database is TG105's
                let run = cx.ws.run_of(env);
                let prefix = run.and_then(|r| r.table_prefix());
                // (a site whose configuration names another database or
                // server is not in this one)
                if let Some(tp) = prefix
                    && (tp.confines() || tp.site_database.is_some())
                {
                    continue;
                }
                let s = d.setting;
                let shown = cx.display(s);
                let name_span = s.value_sub_span(name.range.clone());
                let test_name_key = s.key.value.strip_suffix(".TEST.NAME");
                let (severity, message, help) = if let Some(alias) = test_name_key {
                    // Django creates the test database under TEST.NAME itself and,
                    // when one by that name exists, drops it (pytest-django always,
                    // `manage.py test` after asking, or silently under --noinput):
                    // django `db/backends/base/creation.py`, pytest-django
                    // `django_db_setup`
                    let real = env
                        .get(&format!("{alias}.NAME"))
                        .filter(|n| n.value == name.text);
                    let same = if real.is_some() {
                        ", the very database `NAME` names for the application"
                    } else {
                        ""
                    };
                    // the application's own database is certain loss; another
                    // name is most likely a dedicated one the name does not show
                    (
                        if real.is_some() {
                            Severity::Error
                        } else {
                            Severity::Warning
                        },
                        format!(
                            "{} pins Django's test database to `{}` (`TEST.NAME`){same}: Django creates the test database under that name and drops the existing one first (pytest-django always, `manage.py test --noinput` without asking)",
                            env.name, name.text
                        ),
                        format!(
                            "name the test database for tests, e.g. `\"TEST\": {{\"NAME\": \"{}_test\"}}`, or leave TEST.NAME out (Django then uses `test_{}`)",
                            name.text, name.text
                        ),
                    )
                } else if db_setup.is_some_and(|o| {
                    !o.uses_settings_as_read()
                        // the fixture's own `DATABASES` replaces this one
                        || o.sets.is_some() && !s.key.value.starts_with("DATABASES.")
                }) {
                    // the conftest's own fixture decides the database in code
                    continue;
                } else if let Some(o) = db_setup {
                    // a test server of its own (`"HOST": "testdb"`, a
                    // compose service for the tests) holds no real data
                    if s.key.value.starts_with("DATABASES.")
                        && env
                            .get("DATABASES.default.HOST")
                            .is_some_and(|h| cx.is_test_database(&h.value, &env.dir))
                    {
                        continue;
                    }
                    let at = cx.ws.file(o.span.file);
                    let (line, _) = at.line_col(o.span.start);
                    let what = if o.sets.is_some() {
                        "with a fixture that writes this database into the settings"
                    } else {
                        "with a fixture that does nothing"
                    };
                    (
                        Severity::Error,
                        format!(
                            "{} uses database `{}`, which is not a test database, and {}:{line} replaces pytest-django's `django_db_setup` {what}: no test database is created, so the tests run on `{}` itself",
                            env.name, name.text, at.path, name.text
                        ),
                        format!(
                            "delete the `django_db_setup` fixture (pytest-django then creates {}), or request the original (`def django_db_setup(django_db_setup, django_db_blocker)`) to add to it",
                            if d.db.is_sqlite() {
                                "an in-memory test database".to_string()
                            } else {
                                format!("`test_{}`", name.text)
                            }
                        ),
                    )
                } else if env.frameworks.django {
                    // Django runs sqlite test databases in memory, and a
                    // settings module's own `NAME` is the one it prefixes
                    // with `test_` (the URL of an environment is another's)
                    if d.db.is_sqlite() || s.key.value.starts_with("DATABASES.") {
                        continue;
                    }
                    (
                        Severity::Warning,
                        format!(
                            "{} uses database `{}` (from `{}`), which is not a test database; Django will create `test_{}` beside it on the same server unless the settings pin `TEST: {{\"NAME\": …}}`",
                            env.name, name.text, shown, name.text
                        ),
                        format!(
                            "point `{}` at a test database (e.g. `{}_test`) or at a server that holds no real data",
                            s.key.value, name.text
                        ),
                    )
                } else if let (Some(tp), Some(run)) = (prefix, run) {
                    // the site's prefix, in a database that may hold no site:
                    // the name says nothing either way
                    let whose = match tp.site_prefix_at {
                        Some(at) => format!(
                            "the prefix of the site's configuration {}",
                            cx.ws.file(at.file).path
                        ),
                        None => "a site's default prefix".to_string(),
                    };
                    (
                        Severity::Warning,
                        format!(
                            "{} uses database `{}`, which is not a test database, and names its tables with `{}`, {whose}: before the tests the {} drops every table named with it and installs again, so a site kept in `{}` loses its tables",
                            env.name,
                            name.text,
                            tp.prefix,
                            run.framework.describe(),
                            name.text
                        ),
                        format!(
                            "give the tests a database of their own (`{}_test`), or a table prefix no site uses (`$table_prefix = 'wptests_';`)",
                            name.text
                        ),
                    )
                } else {
                    (
                        Severity::Error,
                        format!(
                            "{} uses database `{}`, which is not a test database: the suite's cleanup (truncate, migrate:fresh, deleteMany) will run against it",
                            env.name, name.text
                        ),
                        format!(
                            "name a test database with `test` as a word of its name (`{stem}_test`, `test-{stem}`) or glued onto the development database's name or `db` (`{stem}test`, `testdb`), or use an in-memory database",
                            stem = name
                                .text
                                .trim_end_matches(".sqlite")
                                .trim_end_matches(".db")
                        ),
                    )
                };
                let mut d = META
                    .diag_with(severity, Some(s.value_span), message)
                    .with_primary_label("not a test database")
                    .with_label(name_span, "database name")
                    .with_help(help);
                if test_name_key.is_none()
                    && let Some(o) = db_setup
                {
                    d = d.with_label(o.span, "creates no test database");
                }
                // a PHP suite's test code shows whether it wipes the database
                let php = env.frameworks.laravel
                    || env.frameworks.symfony
                    || cx.ws.run_of(env).is_some_and(|r| {
                        matches!(
                            r.framework,
                            crate::model::run::RunFramework::CodeIgniter3
                                | crate::model::run::RunFramework::CakePhp
                        )
                    });
                let d = if severity == Severity::Error && php {
                    let mut d = d;
                    // the suite's own evidence replaces the generic clause
                    if let Some(i) = d.message.find(": the suite's cleanup") {
                        d.message.truncate(i);
                    }
                    super::graded_by_wipe(d, cx, &env.dir)
                } else {
                    d
                };
                out.push(super::with_test_command(d, env));
            }
        }
    }
}
