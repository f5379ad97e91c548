//! TG206 laravel-no-test-database.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EnvSource, LayerKind, RunFramework, Setting, TestEnv};

pub struct LaravelNoTestDatabase;

static META: RuleMeta = RuleMeta {
    code: "TG206",
    name: "laravel-no-test-database",
    default_severity: Severity::Error,
    summary: "a Laravel PHPUnit config leaves the database to .env (or to the app's own sqlite file)",
    docs: DOCS,
    supersedes: &["TG101"],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
The PHPUnit configuration of a Laravel app, together with `.env.testing` beside
it, must choose the test database:
- no active `DB_DATABASE`, `DB_CONNECTION` or `DB_URL` override and no
  `.env.testing` — the database comes from `.env`;
- `DB_CONNECTION` set to a server driver (`mysql`, `mariadb`, `pgsql`,
  `sqlsrv`) with no `DB_DATABASE` — the database *name* comes from `.env`;
- `DB_CONNECTION=sqlite` with an empty or missing `DB_DATABASE` — Laravel then
  uses `database/database.sqlite`, the app's own database file;
- `DB_DATABASE` naming that file.

A custom connection (`mysql_testing`, `pgsql_test`) carries its database in
`config/database.php` and is not reported. Commented-out `<env>` lines count as
absent.

## Why it is dangerous
`APP_ENV=testing` alone is not isolation. Laravel's skeleton shipped its DB
overrides commented out from 2022 to April 2025, and every app scaffolded then
runs `RefreshDatabase` — `migrate:fresh` — on the developer's database.

## Example
```xml
<env name="APP_ENV" value="testing"/>
<!-- <env name="DB_CONNECTION" value="sqlite"/> -->
<!-- <env name="DB_DATABASE" value=":memory:"/> -->
```

## Fix
```xml
<env name="DB_CONNECTION" value="sqlite" force="true"/>
<env name="DB_DATABASE" value=":memory:" force="true"/>
```
or a `.env.testing` naming a test database.

## Severity: what the suite does to the database
The test code under the app's `tests/` (at most 400 PHP files, each under
256 KiB) is read for what wipes a database: `RefreshDatabase`,
`LazilyRefreshDatabase`, `DatabaseMigrations`, `DatabaseTruncation`,
`migrate:fresh`, `TRUNCATE`, and the query builders' `->truncate(` and
`->empty_table(` (CodeIgniter's `$this->db->truncate('t')`, Laravel's
`DB::table('t')->truncate()`); CodeIgniter 3's suite is read from
`application/tests` (ci-phpunit-test). One of them: an error, and the message points at
it. A trait counts where a class uses it (`use DatabaseMigrations;` in its
body), not where a file only imports it: Lumen's skeleton `ExampleTest.php`
imports `DatabaseMigrations` and `DatabaseTransactions` and uses neither.
Commands and SQL (`migrate:fresh`, `TRUNCATE`) count anywhere, a
bootstrap script's top level included. So does the shell script that runs
the suite (`test.sh`, `bin/test.sh`, `scripts/run-tests.sh` in the app's
folder, when it starts a PHP test runner: `artisan test`, `phpunit`, Pest,
ParaTest, `composer test`): a `migrate:fresh`, `migrate:refresh`,
`migrate:reset`, `db:wipe` or `doctrine:schema:drop` it runs before the
runner reads the app's own `.env`, whatever PHPUnit sets later. Test code
read and none found: a warning — the tests reach the development database
but do not wipe it. No test code read (none there, or a
suite too large to read whole): an error, as a Laravel suite usually
refreshes its database.

## Framework facts
With `APP_ENV=testing`, Laravel loads `.env.testing` instead of `.env` when it
exists. Lumen loads only `.env` (laravel/lumen `bootstrap/app.php`,
lumen-framework `LoadEnvironmentVariables`): its `.env.testing` is never read,
so a Lumen PHPUnit config without its own database override falls back to
`.env` whatever `.env.testing` says. That is a warning, not an error: Lumen
ships no `RefreshDatabase` default and often runs without Eloquent. Dusk
configs (`phpunit.dusk.xml`) are judged by what `artisan dusk` swaps in, below
(laravel/dusk `DuskCommand.php` `setupDuskEnvironment()`;
laravel.com/docs/dusk). The sqlite default is severe when the app itself runs
on sqlite (the default since Laravel 11); when its dev dotenv selects another
driver, the default file holds no development data and the finding is a
warning.

Laravel Dusk (`phpunit.dusk.xml`): `php artisan dusk` swaps `.env.dusk.{env}`
or `.env.dusk` in as `.env` for the app the browser drives; with neither in
the repository the app keeps `.env`, the development database, whatever
`phpunit.dusk.xml` says (its values reach only the test process): a warning.

When `composer test` runs the suite in parallel (`php artisan test --parallel`
or ParaTest in composer.json's `scripts.test`), each worker uses
`<database>_test_<token>` (laravel/framework `Testing/Concerns/TestDatabases.php`):
that way of starting the suite does not reach the database itself, but
`php artisan test` and `vendor/bin/phpunit` do: the finding stays, graded as
above, and says so.

A Codeception suite (`tests/*.suite.yml`) whose `Laravel` module boots the
app with `.env` — its `environment_file`, `.env` by default
(codeception.com/docs/modules/Laravel) — runs on the development database:
a warning while the module's `cleanup` (on by default) rolls each test back
in a transaction, an error with `cleanup: false`.

Silent when the suite decides its database in code: PHPUnit's bootstrap file
(`bootstrap="tests/bootstrap.php"`) writing `DB_CONNECTION`/`DB_DATABASE`
with `putenv`/`$_ENV`/`$_SERVER`, or the test code switching
`database.default`/`database.connections.*` with `config([...])` or
`$app['config']->set(...)` (a `createApplication()` override); and for a
Lumen app whose `bootstrap/app.php` computes the dotenv file's name.
"#;

const SERVER_DRIVERS: &[&str] = &["mysql", "mariadb", "pgsql", "sqlsrv"];

impl Rule for LaravelNoTestDatabase {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in cx
            .ws
            .envs
            .iter()
            .filter(|e| e.source == EnvSource::Phpunit && e.frameworks.laravel)
        {
            check_env(cx, env, out);
        }
        codeception(cx, out);
    }
}

/// A Codeception suite whose `Laravel` module boots the app on the
/// development dotenv (`environment_file`, default `.env`).
fn codeception(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.ws.codeception_laravel() {
        if !cx.ws.frameworks_of(&m.dir).laravel || cx.ws.php_database_set_in_code(&m.dir) {
            continue;
        }
        // the app folder: the nearest one above the suite with a dotenv
        let Some(app) = crate::model::ancestors(&m.dir).find(|d| {
            cx.ws.dev_dotenvs.iter().any(|x| x.dir == *d)
                || cx.ws.test_dotenv_dirs.iter().any(|(x, _)| x == d)
        }) else {
            continue;
        };
        let path = crate::paths::join(app, &m.environment_file);
        let name = path.rsplit('/').next().unwrap_or(&path);
        // a test dotenv is judged as one; only the development file is this finding
        if name != ".env" {
            continue;
        }
        let Some(dev) = dev_database(cx, app, "DB_DATABASE") else {
            continue;
        };
        if cx.policy.markers.has_test(&dev.value)
            || dev.is_reference()
            || dev.value.contains(":memory:")
        {
            continue;
        }
        let suite = &cx.ws.file(m.file).path;
        let how = if m.environment_file_span.is_some() {
            "its `environment_file`"
        } else {
            "the module's default `environment_file`"
        };
        let (severity, rollback) = if m.cleanup {
            (
                Severity::Warning,
                "; `cleanup` wraps each test in a transaction it rolls back, so only what commits outside one (migrations, DDL, a second connection) stays",
            )
        } else {
            (Severity::Error, "; with `cleanup: false` every write stays")
        };
        let mut d = META
            .diag_with(
                severity,
                Some(m.environment_file_span.unwrap_or(m.module_span)),
                format!(
                    "Codeception's Laravel module ({suite}) boots the app with `.env`, {how}: the suite runs on the development database{rollback}"
                ),
            )
            .with_primary_label("loads .env")
            .with_help("set `environment_file: .env.testing` on the Laravel module and commit a .env.testing with a test database");
        d = with_dev_label(d, Some(dev), cx);
        out.push(d);
    }
}

fn check_env(cx: &Context<'_>, env: &TestEnv, out: &mut Vec<Diagnostic>) {
    let run = cx.ws.php_runs().find(|r| r.config() == env.file);
    let framework = run.map_or(RunFramework::Laravel, |r| r.framework);
    // Dusk's browser server reads `.env.dusk.*` swapped in as `.env`
    if framework == RunFramework::LaravelDusk {
        dusk_without_env_file(cx, env, run, out);
        return;
    }
    let lumen = framework == RunFramework::Lumen;
    // Lumen's bootstrap/app.php computes the dotenv file name: nothing is known
    if lumen
        && cx.ws.nearest(&env.dir, |c| {
            c.php.lumen.then_some(c.php.lumen_dotenv.clone())
        }) == Some(crate::model::LumenDotenv::Code)
    {
        return;
    }
    // the test code switches the database after the app boots: decided in code
    if cx
        .ws
        .php_database_set_in_code(run.map_or(env.dir.as_str(), |r| r.dir.as_str()))
    {
        return;
    }
    // the dotenv file the run's loader reads instead of `.env` (`.env.testing`
    // when APP_ENV=testing selects it); Lumen has none
    let testing: Option<&[Setting]> = run
        .and_then(|r| {
            r.layers.iter().find(|l| {
                l.kind == LayerKind::Dotenv
                    && l.file.is_some_and(|f| cx.ws.file(f).file_name() != ".env")
            })
        })
        .map(|l| l.settings.as_slice());
    let from_testing =
        |k: &str| testing.and_then(|t| t.iter().rev().find(|s| s.key_is(k) && !s.unset));
    // PHPUnit's bootstrap file writes above every other layer
    let bootstrap: Option<&[Setting]> = run
        .and_then(|r| {
            r.layers
                .iter()
                .find(|l| l.kind == LayerKind::Runner && l.file.is_some_and(|f| f != env.file))
        })
        .map(|l| l.settings.as_slice());
    let from_bootstrap =
        |k: &str| bootstrap.and_then(|b| b.iter().rev().find(|s| s.key_is(k) && !s.unset));
    let get = |k: &str| {
        from_bootstrap(k)
            .or_else(|| env.get(k))
            .or_else(|| from_testing(k))
    };
    if get("DB_URL")
        .or_else(|| get("DATABASE_URL"))
        .is_some_and(|s| !s.value.trim().is_empty())
    {
        return;
    }
    let conn = get("DB_CONNECTION");
    let db = get("DB_DATABASE");
    if db.is_some_and(Setting::is_reference) || conn.is_some_and(Setting::is_reference) {
        return;
    }
    let conn_value = conn.map(|s| s.value.trim().to_ascii_lowercase());
    let db_empty = db.is_none_or(|s| s.value.trim().is_empty());
    match (conn, conn_value.as_deref()) {
        (None, _) if db.is_none() => {
            if testing.is_some() {
                return;
            }
            // a gitignored `.env.testing` is TG106's finding, at its line
            if run
                .and_then(|r| r.missing_env_file())
                .is_some_and(|m| m.ignored_by.is_some())
            {
                return;
            }
            let commented: Vec<&Setting> = env
                .commented_out
                .iter()
                .filter(|s| {
                    ["DB_CONNECTION", "DB_DATABASE", "DB_URL"]
                        .iter()
                        .any(|k| s.key_is(k))
                })
                .collect();
            let why = if commented.is_empty() {
                "does not choose a test database"
            } else {
                "has its database overrides commented out (XML comments set nothing)"
            };
            let message = if lumen {
                // Lumen ships no RefreshDatabase default and often runs without
                // Eloquent: the fall-back is real, the wipe is not proven
                format!(
                    "{} {why}: Lumen loads only `.env` (it never reads .env.testing), so the tests use the development database",
                    env.name
                )
            } else if let Some(app_env) = run
                .and_then(|r| r.decided("APP_ENV").cloned())
                .filter(|s| s.via == crate::model::Via::Caller)
            {
                // `testguard run`: the exported APP_ENV picks the dotenv file
                format!(
                    "{} {why}, and your environment's APP_ENV=`{}` makes Laravel skip .env.testing: it takes the database from `.env`, the development database",
                    env.name,
                    app_env.value.trim()
                )
            } else {
                format!(
                    "{} {why} and there is no .env.testing: Laravel takes the database from `.env`, the development database",
                    env.name
                )
            };
            let severity = if lumen {
                Severity::Warning
            } else {
                Severity::Error
            };
            // `--fix`: the skeleton's own overrides, uncommented — only when
            // what they say is an in-memory or test database
            let safe = |c: &&Setting| {
                let v = c.value.trim();
                if c.key_is("DB_CONNECTION") {
                    v == "sqlite"
                } else if c.key_is("DB_DATABASE") {
                    v == ":memory:" || cx.policy.markers.has_test(v)
                } else {
                    false
                }
            };
            let text = &cx.ws.file(env.file).text;
            let fix = if !commented.is_empty() && commented.iter().all(safe) {
                let edits: Option<Vec<_>> = commented
                    .iter()
                    .map(|c| crate::fix::uncomment_xml_element(text, c.key.span))
                    .collect();
                edits.and_then(|e| {
                    crate::diagnostic::Fix::new("uncomment the database overrides", e)
                })
            } else {
                None
            };
            let mut d = META
                .diag_with(severity, Some(env.anchor), message)
                .with_primary_label("no active DB_CONNECTION / DB_DATABASE override here")
                .with_fix(fix);
            for c in commented {
                d = d.with_label(c.key.span, format!("{} is commented out", c.key.value));
            }
            let help = if lumen {
                "add `<env name=\"DB_CONNECTION\" value=\"sqlite\" force=\"true\"/>` and `<env name=\"DB_DATABASE\" value=\":memory:\" force=\"true\"/>` to phpunit.xml (Lumen has no .env.testing)"
            } else if d.labels.is_empty() {
                "add `<env name=\"DB_CONNECTION\" value=\"sqlite\" force=\"true\"/>` and `<env name=\"DB_DATABASE\" value=\":memory:\" force=\"true\"/>`, or a .env.testing with a test database"
            } else {
                "uncomment the overrides and add force=\"true\": `<env name=\"DB_CONNECTION\" value=\"sqlite\" force=\"true\"/>`, `<env name=\"DB_DATABASE\" value=\":memory:\" force=\"true\"/>`"
            };
            let dev = dev_database(cx, &env.dir, "DB_DATABASE")
                .or_else(|| dev_database(cx, &env.dir, "DB_CONNECTION"));
            let d = with_dev_label(d, dev, cx).with_help(help);
            // Lumen without proof of a wipe stays a warning
            // `composer test` gives each parallel worker `{db}_test_{token}`:
            // only the other ways of starting the suite reach `.env`'s database
            let parallel = cx
                .ws
                .nearest(&env.dir, |c| c.php.composer_test_parallel.then_some(()))
                .is_some();
            let d = if parallel {
                let mut d = d;
                d.message.push_str(" — `composer test` runs it with --parallel, whose workers use `<database>_test_<token>`, but `php artisan test` and `vendor/bin/phpunit` without it do not");
                d
            } else {
                d
            };
            let d = match (lumen, cx.ws.wipe_evidence(&env.dir)) {
                (true, crate::model::Wipe::Proven(_)) => super::graded_by_wipe(
                    Diagnostic {
                        severity: Severity::Error,
                        ..d
                    },
                    cx,
                    &env.dir,
                ),
                (true, _) => d,
                (false, _) => super::graded_by_wipe(d, cx, &env.dir),
            };
            out.push(d);
        }
        (Some(c), Some("sqlite")) if db_empty => {
            let dev_driver = dev_connection(cx, &env.dir);
            let app_runs_sqlite = dev_driver.as_deref().is_none_or(|d| d == "sqlite");
            let severity = if app_runs_sqlite {
                Severity::Error
            } else {
                Severity::Warning
            };
            let span = db.map_or(c.value_span, |d| d.value_span);
            let why = if app_runs_sqlite {
                "the app's own database file"
            } else {
                "a file the app also uses whenever it runs on sqlite"
            };
            let dev = if app_runs_sqlite {
                dev_database(cx, &env.dir, "DB_CONNECTION")
            } else {
                None
            };
            out.push(with_dev_label(
                META.diag_with(
                    severity,
                    Some(span),
                    format!(
                        "{} selects sqlite without a DB_DATABASE: Laravel then opens database/database.sqlite, {why}, and RefreshDatabase wipes it",
                        env.name
                    ),
                )
                .with_primary_label(if db.is_some() { "empty DB_DATABASE" } else { "sqlite with no DB_DATABASE" })
                .with_help("add `<env name=\"DB_DATABASE\" value=\":memory:\" force=\"true\"/>`"),
                dev,
                cx,
            ));
        }
        (Some(c), Some(driver))
            if SERVER_DRIVERS.contains(&driver) && db_empty && testing.is_none() =>
        {
            let d = with_dev_label(
                META.diag(
                    Some(c.value_span),
                    format!(
                        "{} selects the `{driver}` connection but no DB_DATABASE and there is no .env.testing: the database name comes from `.env`, the development database",
                        env.name
                    ),
                )
                .with_primary_label("database name left to .env")
                .with_help("add `<env name=\"DB_DATABASE\" value=\"testing\" force=\"true\"/>` (a database used only by tests) or a .env.testing"),
                dev_database(cx, &env.dir, "DB_DATABASE"),
                cx,
            );
            out.push(super::graded_by_wipe(d, cx, &env.dir));
        }
        _ => {
            if let Some(d) = db {
                let v = d.value.trim().to_ascii_lowercase();
                if v.ends_with("database/database.sqlite") || v == "database.sqlite" {
                    out.push(
                        META.diag(
                            Some(d.value_span),
                            format!(
                                "{} names database/database.sqlite, the Laravel app's own database file: RefreshDatabase wipes it",
                                env.name
                            ),
                        )
                        .with_primary_label("the app's database file")
                        .with_help("use `:memory:` or a file of its own such as database/testing.sqlite"),
                    );
                }
            }
        }
    }
}

/// Laravel Dusk with no `.env.dusk.{env}` or `.env.dusk`: `artisan dusk`
/// leaves `.env` in place, and the app the browser drives (served by its
/// own process, which never reads `phpunit.dusk.xml`) runs on the
/// development database (laravel/dusk `DuskCommand::setupDuskEnvironment()`).
fn dusk_without_env_file(
    cx: &Context<'_>,
    env: &TestEnv,
    run: Option<&crate::model::TestRun>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(run) = run else { return };
    // any `.env.dusk*` of the app: which one `artisan dusk` picks depends on
    // the APP_ENV of a `.env` the repository may not hold
    let swapped = cx
        .ws
        .files
        .iter()
        .any(|f| f.dir() == run.dir && f.file_name().starts_with(".env.dusk"));
    if swapped || cx.ws.php_database_set_in_code(&run.dir) {
        return;
    }
    let Some(dev) = dev_database(cx, &run.dir, "DB_DATABASE") else {
        return;
    };
    if cx.policy.markers.has_test(&dev.value) || dev.is_reference() {
        return;
    }
    let d = META
        .diag_with(
            Severity::Warning,
            Some(env.anchor),
            format!(
                "{} has no .env.dusk.{{env}} or .env.dusk to swap in: `php artisan dusk` leaves `.env` in place, and the app the browser drives reads it, not this file — the browser tests write to the development database",
                env.name
            ),
        )
        .with_primary_label("read by the test process only")
        .with_help("add a .env.dusk.local (or .env.dusk) naming a test database: `artisan dusk` swaps it in as `.env` while the tests run");
    out.push(with_dev_label(d, Some(dev), cx));
}

/// The dev dotenv setting that names the database the tests would fall back
/// to: `DB_DATABASE` (or, for sqlite apps, `DB_CONNECTION=sqlite`).
fn dev_database<'a>(cx: &Context<'a>, dir: &str, key: &str) -> Option<&'a Setting> {
    crate::model::ancestors(dir).find_map(|anc| {
        cx.ws
            .dev_dotenvs
            .iter()
            .filter(|d| d.dir == anc)
            .find_map(|d| {
                d.settings
                    .iter()
                    .rev()
                    .find(|s| s.key_is(key) && !s.value.trim().is_empty())
            })
    })
}

fn with_dev_label(d: Diagnostic, dev: Option<&Setting>, cx: &Context<'_>) -> Diagnostic {
    match dev {
        Some(s) => {
            let path = &cx.ws.file(s.key.span.file).path;
            d.with_label(
                s.value_span,
                format!("the development database the tests would use ({path})"),
            )
        }
        None => d,
    }
}

/// The `DB_CONNECTION` the app's own dotenv files select (nearest folder first).
fn dev_connection(cx: &Context<'_>, dir: &str) -> Option<String> {
    for anc in crate::model::ancestors(dir) {
        for dev in cx.ws.dev_dotenvs.iter().filter(|d| d.dir == anc) {
            if let Some(s) = dev
                .settings
                .iter()
                .rev()
                .find(|s| s.key_is("DB_CONNECTION") && !s.value.is_empty())
            {
                return Some(s.value.trim().to_ascii_lowercase());
            }
        }
    }
    None
}
