//! TG105 test-database-is-dev-database.

use super::{Context, Rule, RuleMeta, db_kind_is_db};
use crate::database::{DatabaseRef, DbKeyKind, base_key, db_key_kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{RunFramework, Setting, Via, is_within};

pub struct TestDatabaseIsDevDatabase;

static META: RuleMeta = RuleMeta {
    code: "TG105",
    name: "test-database-is-dev-database",
    default_severity: Severity::Error,
    summary: "a test environment uses the same database as the dev dotenv files",
    docs: DOCS,
    supersedes: &["TG101", "TG102"],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A test environment's database is the very database the repository's own
development dotenv files (`.env`, `.env.example`, `.env.sample`, `.env.local`,
`.env.development`, …) configure: same name, and same host and port when both
say. A test setting without a host (a bare `DB_DATABASE`) is compared with the
dev files of its own project, whose host it inherits.

## Why it is dangerous
It is the classic incident: `.env.test` was copied from `.env` and never
changed, so every test run truncates the developer's local data — silently,
because nothing fails.

## Example
```dotenv
# apps/web/.env.test
DATABASE_URL=postgres://postgres:****@localhost:5450/rallly
# apps/web/.env.sample
DATABASE_URL=postgres://postgres:****@localhost:5450/rallly
```


**Spring Boot.** A test class that starts an application context
(`@SpringBootTest`, or a slice with `@AutoConfigureTestDatabase(replace =
NONE)`) opens the datasource its profiles select, resolved the way Spring
does (docs.spring.io …/features/external-config.html):
a `src/test/resources` file replaces main's file of the same name (the test
classpath finds it first, spring-boot#12809); `@ActiveProfiles`, else the
profiles the build hands the test JVM (Gradle's `systemProperty
"spring.profiles.active"` in the test task, Surefire's
`systemPropertyVariables`), outranks the `spring.profiles.active` of
`application.yml`; `application-{profile}.*`
beats `application.*`, `.properties` beats `.yml`; `${name:default}` takes
another property, else the default. When that datasource
(`spring.datasource.url`, `…hikari.jdbc-url`, `…druid.url`, `spring.r2dbc.url`,
`spring.data.mongodb.uri`, `jdbc:p6spy:` included) comes from
`src/main/resources` and names a database with no test marker, the tests
run on the application's own database. Silent for `@ActiveProfiles("test")`
with a test profile's file, a test resource that replaces main's,
`@DataJpaTest` and the other slices that swap in an embedded database,
`@Testcontainers`, `@ServiceConnection`, `@DynamicPropertySource`, a
`jdbc:tc:` or in-memory URL. A commented-out `@ActiveProfiles` does not
count. A module whose test sources are not in the repository is judged by
Spring Initializr's generated test, a bare `@SpringBootTest`. A warning; an
error when `ddl-auto: create`/`create-drop` drops the tables at startup or
the test class writes (`deleteAll`, `insert…`, `DELETE FROM`) outside
`@Transactional`. A `spring.config.import: optional:file:.env[.properties]`
reads the module folder's `.env` (the working directory of Gradle's `test`
task and of surefire) as properties, so `${DB_URL}` takes its value there.

**Go.** A `_test.go` file whose setup loads the application's env file —
`util.LoadConfig("../..")` handed the folder holding `app.env` (viper's
`SetConfigName("app")`/`SetConfigType("env")`), `godotenv.Load("../.env")`,
`viper.SetConfigFile`, or a YAML file viper finds through `AddConfigPath` and
`SetConfigName` (`config/local.yml`, its `database.url` read like
`DATABASE_URL`) — and connects to a database (`sql.Open`, `pgxpool.New`,
`gorm.Open`…): `go test` sets no database of its own, so the tests open the
one the file names (techschool/simplebank `db/sqlc/main_test.go`). Silent when
the file is named for tests (`test.env`), and with testcontainers-go,
dockertest, go-txdb, pgtestdb or sqlmock. A warning; an error when the
package's tests write (`CreateAccount(…)`, `Exec("DELETE …")`).


**ASP.NET Core.** A test project whose `WebApplicationFactory` starts the
app it references (the one project with an `appsettings.json`) runs it as
`Development` unless the factory calls `UseEnvironment` (dotnet/aspnetcore
`WebApplicationFactory.cs`), so `appsettings.Development.json` over
`appsettings.json` decides its `ConnectionStrings` (comments and trailing
commas allowed, as .NET's JSON provider allows them). A connection string
naming a database with no test marker (`Database=`/`Initial Catalog=`, a
SQLite `Data Source=` file) is the app's own. Silent when the factory
replaces the database (`UseInMemoryDatabase`, SQLite `:memory:`,
Testcontainers' `MsSqlBuilder`/`PostgreSqlBuilder`, `UseSetting` of the
connection string), when `UseEnvironment("Testing")` selects a test file,
and when the test project holds an `appsettings*.json` of its own (code
loads it: what it changes is decided there). A warning; an error when the
tests call `EnsureDeleted()`.

**WordPress core test suites.** A PHPUnit run whose bootstrap loads
WordPress's core test library (`$_tests_dir . '/includes/bootstrap.php'`
from `WP_TESTS_DIR`, `WP_DEVELOP_DIR` or wp-phpunit's `WP_PHPUNIT__DIR`)
reads `wp-tests-config.php`: the file the constant
`WP_TESTS_CONFIG_FILE_PATH` names, or with wp-phpunit the file the variable
`WP_PHPUNIT__TESTS_CONFIG` names (PHPUnit `<env>`, or the bootstrap's
`putenv`). Before the first test its `install.php` drops every core table
named with that file's `$table_prefix` in `DB_NAME` and installs WordPress
again; other tables of the database survive (wordpress-develop
`tests/phpunit/includes/{bootstrap,install}.php`). When the repository holds
the site's `wp-config.php` (in the run's folder, a folder above it, or their
`wp/`, `web/`, `public/`, `wordpress/`, `htdocs/`) and both name the same
database on the same server: an error when the tests' prefix is the site's
(`wp_` unless `wp-config.php` says otherwise), a warning when only the prefix
keeps them apart (the sample's own words: "DO NOT use a production database
or one that is shared with something else"). `getenv('X') ?: 'd'` is `d`
unless PHPUnit's `<env>` sets `X`. wp-browser's `WPLoader` Codeception
module does the same with its `dbName` (or `dbUrl`) and `tablePrefix`
(default `wp_`) before the suite, unless `loadOnly: true` (it then loads
an installed site and drops nothing).

## Fix
Give tests their own database: `…/rallly_test`, or an in-memory database.

**Compose test overlays.** A `package.json` script that merges a test
overlay into the development stack (`docker-compose -f docker-compose.yml -f
docker-compose.test.yml up`, no `-p`): when the overlay's test service keeps
a database setting of the files before it whose host is a service the
overlay does not redefine, the tests run on the development stack's database
container. Silent when the overlay points the variable at a service of its
own, redefines the database service, or runs as its own project (`-p`). A
warning, since the app may derive a test database from the variable in code
(`-test` appended under `NODE_ENV=test`); an error when a `NODE_ENV=test`
config module (`config/env/test.js`, a knexfile's `test:` block) is seen
reading the variable as it is.

**Rails with dotenv-rails.** A committed `.env` whose `DATABASE_URL` names
a database with no test marker, in an app whose Gemfile requires
`dotenv-rails` (or dotenv 3, by `Gemfile.lock`, which loads itself in a
Rails app) in test and whose `config/database.yml` `test` entry names
one database without a `url` of its own: dotenv-rails loads
`.env.test.local`, `.env.test`, then `.env` in test, none overwriting
(bkeepers/dotenv, `lib/dotenv/rails.rb`), and Active Record merges
`DATABASE_URL` over the `test` entry, where it wins
(guides.rubyonrails.org/configuring.html). The finding points at `.env`'s
database and cites the Gemfile line and the entry it replaces. Silent when
`.env.test` or `.env.test.local` sets `DATABASE_URL`, when dotenv-rails is
only in the `development` group, and when the entry sets `url`.

## Framework facts
Django never uses the configured name for tests (it creates `test_<NAME>`), and
Symfony's `dbname_suffix` appends `_test`: no finding in those projects.
Without that suffix, Symfony layers `.env.test` over `.env`: a `.env.test`
that sets no `DATABASE_URL` (the recipe's default file) runs the tests on the
`.env` database, and the finding points at that `.env` line.
Dev-file keys that are themselves about tests (`TEST_DATABASE_URL`) are not
taken as the development database.

**Each test rolled back.** DAMA DoctrineTestBundle's PHPUnit hook
(`<bootstrap class="DAMA\DoctrineTestBundle\PHPUnit\PHPUnitExtension"/>`
in PHPUnit 10+, `<extension class="…"/>` in 8 and 9, `<listener
class="…PHPUnitListener"/>` before its version 6) begins a transaction
before every test on each DBAL connection and rolls it back after
(dmaicher/doctrine-test-bundle README): the tests' row writes never reach
the development data. The finding is then a warning, naming the hook. What
escapes a transaction still does: DDL (`ALTER`/`DROP TABLE`, which MySQL
commits implicitly), MySQL's `TRUNCATE`, a schema reset or fixture load
before the first test, a test marked `#[SkipDatabaseRollback]`. When the
suite's code shows one (`doctrine:schema:drop`, Foundry's `ResetDatabase`,
`migrate:fresh`, `TRUNCATE`), the finding stays an error and names it.
A commented-out hook is no hook.

**Codeception parameters.** A `Db` module (or wp-browser's `WPDb`, named
short or by its class, `lucatume\WPBrowser\Module\WPDb`) that reloads its
dump (`populate`/`cleanup`) into a `dsn` written with `%PARAM%`s takes them
from the files `params:` lists in `codeception.yml`/`.dist.yml`
(codeception.com/docs/reference/Configuration, "params"), later files
winning, `${VAR}` expanded as the dotenv loader does. Where the repository
holds only the template of such a file (`.env.dist`, `.env.example`: what a
developer copies it to), its values are the ones a developer starts with.
A database every parameter of which is known is judged as a literal one
(wp-browser's templates default the test database to the site's own:
`TEST_DB_NAME=${WORDPRESS_DB_NAME}`). A PHP file in `params:`
(`tests/_config/params.php`) is read for the array it returns: a
`getenv('DB_NAME')` there is the value the dotenv files it loads first with
Codeception's `ParamsLoader` give (`(new ParamsLoader())->load('.env.development')`).
`getenv()` sees them only with vlucas/phpdotenv 2, 3 or 4, whose loaders
write the process environment: `ParamsLoader` gives phpdotenv 5 an
`EnvConstAdapter` alone and Symfony's Dotenv no `putenv`, so those fill
`$_ENV`/`$_SERVER` and `getenv()` returns false, and with neither it throws
(codeception `Lib/ParamsLoader.php`, `loadDotEnvFile`). The version is the
project's `composer.lock`'s; without phpdotenv 2-4 there the parameters are
left unresolved. A loaded `.env.<name>` the repository does not hold is read
from the folder's `.env.example`/`.env.dist`, and the finding says so. A load
under `! in_array('ci', $argv)` is the developer's plain run; under any other
condition, or any other code, the parameter is what code decides. The hidden
`.codeception.yml` (run with `codecept run -c`) is read as
`codeception.yml`. A parameter only code decides, or one that stays a
reference, leaves the module unresolved in `testguard runs`.
"#;

/// A compose test overlay started in the development project whose test
/// service keeps the development stack's database (a compose test service
/// on its own port, with no volume, is the safe form).
fn compose_test_stacks(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for stack in cx.ws.compose_test_stacks() {
        let Some(s) = stack.shared.first() else {
            continue;
        };
        let db = DatabaseRef::parse(&s.value, DbKeyKind::Url);
        let name = db
            .name
            .as_ref()
            .map(|n| format!("database `{}`", n.text))
            .unwrap_or_else(|| "database".to_string());
        let host = db.host.as_ref().map(|h| h.text.clone()).unwrap_or_default();
        let base = &cx.ws.file(s.value_span.file).path;
        // the app may still derive a test database from it in code (append
        // `-test` under NODE_ENV=test): an error only when a test config
        // module is seen reading the variable as it is
        let read_as_is = cx.ws.node_test_configs().any(|c| {
            matches!(&c.value, crate::model::ConfigValue::Env { key, .. } if *key == s.key.value)
        });
        let severity = if read_as_is {
            Severity::Error
        } else {
            Severity::Warning
        };
        let caveat = if read_as_is {
            ""
        } else {
            " (unless the app derives a test database from it in code)"
        };
        out.push(
            META.diag_with(
                severity,
                Some(stack.command),
                format!(
                    "`npm run {}` runs the tests in the compose project of the development stack: service `{}` reaches `{host}`'s {name} from {base}, the container and data the development overlay uses, and the test overlay gives it no database of its own{caveat}",
                    stack.script, stack.test_service
                ),
            )
            .with_primary_label("runs the tests")
            .with_label(s.value_span, format!("`{}`, inherited from the development stack", s.key.value))
            .with_label(stack.script_span, "merges the test overlay into the development project")
            .with_help(format!(
                "give the test overlay a database service of its own (`{host}-test` on another port, `tmpfs` instead of a volume) and point `{}` at it, or start it as its own project (`-p <name>-test`)",
                s.key.value
            )),
        );
    }
}

/// A dev file that keeps the test database beside the development one
/// (`MONGO_URI` and `MONGO_URI_TEST`) but gives both the same database: the
/// tests configured with the test key wipe the development data.
fn test_keys_equal_to_their_base(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for dev in &cx.ws.dev_dotenvs {
        for s in &dev.settings {
            let Some(kind) = db_key_kind(&s.key.value, &cx.policy.extra_db_keys) else {
                continue;
            };
            let Some(base_name) = base_key(&s.key.value) else {
                continue;
            };
            if !db_kind_is_db(kind) || s.is_reference() || s.value.trim().is_empty() {
                continue;
            }
            let Some(base) = lookup(&dev.settings, &base_name) else {
                continue;
            };
            if base.is_reference()
                || db_key_kind(&base.key.value, &cx.policy.extra_db_keys) != Some(kind)
            {
                continue;
            }
            let test_db = DatabaseRef::parse(&s.value, kind);
            let dev_db = DatabaseRef::parse(&base.value, kind);
            if test_db.in_memory {
                continue;
            }
            let (Some(t), Some(d)) = (&test_db.name, &dev_db.name) else {
                continue;
            };
            let part =
                |p: &Option<crate::database::Part>| p.as_ref().map(|x| x.text.to_ascii_lowercase());
            let same_server = test_db.host.as_ref().map(|h| norm_host(&h.text))
                == dev_db.host.as_ref().map(|h| norm_host(&h.text))
                && part(&test_db.port) == part(&dev_db.port);
            if t.is_reference() || norm_name(&t.text) != norm_name(&d.text) || !same_server {
                continue;
            }
            let path = &cx.ws.file(dev.file).path;
            out.push(
                META.diag(
                    Some(s.value_span),
                    format!(
                        "`{}` in {path} names database `{}`, the same database as `{}` beside it: tests configured with it wipe the development data",
                        s.key.value, t.text, base.key.value
                    ),
                )
                .with_primary_label("test database")
                .with_label(s.value_sub_span(t.range.clone()), "database name")
                .with_label(base.value_span, "the development database")
                .with_help(format!(
                    "point `{}` at a database of its own (e.g. `{}_test`)",
                    s.key.value, t.text
                )),
            );
        }
    }
}

struct DevDb<'a> {
    name: String,
    host: Option<String>,
    port: Option<String>,
    setting: &'a Setting,
    dir: &'a str,
}

fn norm_host(h: &str) -> String {
    let h = h.trim_matches(['[', ']']).to_ascii_lowercase();
    match h.as_str() {
        "127.0.0.1" | "::1" | "0.0.0.0" | "localhost" => "localhost".into(),
        _ => h,
    }
}

fn norm_name(n: &str) -> String {
    n.trim_start_matches("./").to_ascii_lowercase()
}

fn lookup<'a>(settings: &'a [Setting], key: &str) -> Option<&'a Setting> {
    settings
        .iter()
        .rev()
        .find(|s| s.key_is(key) && !s.value.is_empty())
}

fn dev_databases<'a>(cx: &Context<'a>) -> Vec<DevDb<'a>> {
    let mut out = Vec::new();
    for dev in &cx.ws.dev_dotenvs {
        let host_of = |k: &str| lookup(&dev.settings, k).map(|s| s.value.clone());
        for s in &dev.settings {
            let Some(kind) = db_key_kind(&s.key.value, &cx.policy.extra_db_keys) else {
                continue;
            };
            // `TEST_DATABASE_URL` in a dev file names the test database, not the dev one
            if !db_kind_is_db(kind) || cx.policy.markers.has_test(&s.key.value) {
                continue;
            }
            let db = DatabaseRef::parse(&s.value, kind);
            let Some(name) = db.name.as_ref().filter(|n| !n.is_reference()) else {
                continue;
            };
            let (host, port) = if kind == DbKeyKind::Name {
                (host_of("DB_HOST"), host_of("DB_PORT"))
            } else {
                (
                    db.host.as_ref().map(|h| h.text.clone()),
                    db.port.as_ref().map(|p| p.text.clone()),
                )
            };
            out.push(DevDb {
                name: norm_name(&name.text),
                host: host
                    .filter(|h| !crate::database::contains_reference(h))
                    .map(|h| norm_host(&h)),
                port,
                setting: s,
                dir: &dev.dir,
            });
        }
    }
    out
}

/// A run whose tables live under a prefix (WordPress's core test library),
/// on the database of the site the repository configures: with the site's
/// own prefix, the install before the tests drops the site's tables; with
/// another, only the prefix keeps the two apart.
fn site_database_shared(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for run in cx.ws.php_runs() {
        let (Some(tp), Some(env)) = (run.table_prefix(), run.env.and_then(|i| cx.ws.envs.get(i)))
        else {
            continue;
        };
        // `DB_NAME` on `DB_HOST`, or a URL's database and server
        let (s, name, host) = if let Some(s) = run.decided("DB_NAME") {
            (
                s,
                s.value.trim().to_string(),
                cx.effective_value(env, "DB_HOST"),
            )
        } else if let Some(s) = run.decided("DATABASE_URL") {
            let db = DatabaseRef::parse(&s.value, DbKeyKind::Url);
            let Some(name) = db.name.filter(|n| !n.is_reference()) else {
                continue;
            };
            (s, name.text, db.host.map(|h| h.text))
        } else {
            continue;
        };
        let Some(site) = tp.site_database_of(&name, host.as_deref()) else {
            continue;
        };
        let site_path = &cx.ws.file(site.at.file).path;
        let framework = run.framework.describe();
        let mut d = if tp.confines() {
            META.diag_with(
                Severity::Warning,
                Some(s.value_span),
                format!(
                    "{} uses database `{}`, the site's own database ({site_path}); the {framework} drops and installs only tables named with `{}` before the tests, so the site's `{}` tables survive, but only the prefix keeps the tests apart from the site's data",
                    env.name, site.name, tp.prefix, tp.site_prefix
                ),
            )
        } else {
            META.diag(
                Some(s.value_span),
                format!(
                    "{} uses database `{}`, the site's own database ({site_path}), with the site's table prefix `{}`: before the tests the {framework} drops every table named with it and installs again, so running them wipes the site's posts, users and options",
                    env.name, site.name, tp.prefix
                ),
            )
        }
        .with_primary_label("test database")
        .with_label(site.at, format!("the site's database, in {site_path}"))
        .with_help(format!(
            "give the tests their own database (e.g. `{}_test`)",
            site.name
        ));
        if let Some(at) = tp.at {
            d = d.with_label(at, "the tests' table prefix");
        }
        if let Some(at) = tp.site_prefix_at.filter(|_| !tp.confines()) {
            d = d.with_label(at, "the site's table prefix");
        }
        out.push(super::with_provenance(d, env));
    }
}

/// A Rails app whose test run gets `.env`'s `DATABASE_URL`: dotenv-rails
/// loads `.env` in test after the test files, and Active Record merges
/// `DATABASE_URL` over the `test` entry, where it wins.
fn rails_dotenv_database_url(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (run, rails) in cx.ws.rails_runs() {
        if rails.entry_has_url {
            continue;
        }
        let Some(s) = run.decided("DATABASE_URL").cloned() else {
            continue;
        };
        let from_dev_file = s.provenance.as_ref().is_some_and(|p| p.layer == ".env")
            && cx.ws.file(s.value_span.file).file_name() == ".env";
        if !from_dev_file || s.is_reference() {
            continue;
        }
        let db = DatabaseRef::parse(&s.value, DbKeyKind::Url);
        let Some(name) = db.name.as_ref().filter(|n| !n.is_reference()) else {
            continue;
        };
        if db.in_memory || cx.policy.markers.has_test(&name.text) {
            continue;
        }
        let yml = &cx.ws.file(rails.database_yml).path;
        let gem = rails.dotenv_gem_name;
        let env_path = &cx.ws.file(s.value_span.file).path;
        let mut d = META
            .diag(
                Some(s.value_sub_span(name.range.clone())),
                format!(
                    "the tests use `{}`, the development database: {gem} loads {env_path} in test, nothing before it (.env.test, .env.test.local, the shell) sets `DATABASE_URL`, and Active Record merges `DATABASE_URL` over the `test` entry of {yml}, where it wins",
                    name.text
                ),
            )
            .with_primary_label("the development database")
            .with_label(rails.dotenv_gem, "loads .env in test too");
        if let Some(entry) = cx.ws.environment_databases().find(|e| {
            e.file == rails.database_yml && e.environment == "test" && e.key == "database"
        }) && let crate::model::EnvTemplate::Literal { span, .. }
        | crate::model::EnvTemplate::Erb { span, .. } = &entry.value
        {
            d = d.with_label(*span, "replaced by DATABASE_URL's database");
        }
        // the suite's own helper says what happens to it
        if let Some(w) = cx.ws.destruction.iter().find(|w| w.project == run.dir) {
            d = super::with_wipe_proof(d, cx, w);
        }
        out.push(d.with_help(
            format!("set `DATABASE_URL` to a test database in .env.test ({gem} loads it before .env, and a variable once set is never overwritten), or keep `DATABASE_URL` out of .env (`.env.development`)"),
        ));
    }
}

/// A Spring Boot test run whose datasource is the application's own: set by
/// `src/main/resources` for the profiles the run has (a profile the main
/// configuration activates included), with nothing on the test classpath
/// or in the test class replacing it.
fn spring_main_datasource(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (run, ds, classes) in super::spring::main_decided_runs(cx) {
        let Some(db) = super::spring::target(ds) else {
            continue;
        };
        // a name the environment gives is TG104's
        let Some(name) = db.name.as_ref().filter(|n| !n.is_reference()) else {
            continue;
        };
        if cx.policy.markers.has_test(&name.text) {
            continue;
        }
        let s = &ds.property.setting;
        let path = &cx.ws.file(s.value_span.file).path;
        let what = if db.is_sqlite() {
            format!("the database file `{}`", name.text)
        } else {
            match db.host_text() {
                Some(h) if h.contains("${") => format!(
                    "database `{}` on whichever host `{}` gives",
                    name.text,
                    db.host.as_ref().map_or(h.as_str(), |p| p.text.as_str())
                ),
                Some(h) => format!("database `{}` on `{h}`", name.text),
                None => format!("database `{}`", name.text),
            }
        };
        let defaults: Vec<String> = ds
            .from_environment
            .iter()
            .filter(|(_, d)| d.is_some())
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        let unless = if defaults.is_empty() {
            String::new()
        } else {
            format!(" (the default while {} is unset)", defaults.join(" and "))
        };
        let message = format!(
            "{} `{}` from {path}: {what}{unless}, the application's own database; nothing on the test classpath or in the test class replaces it",
            super::spring::subject(cx, run, classes),
            s.key.value,
        );
        let d = META
            .diag(
                Some(super::spring::part_span(ds, name.range.clone())),
                message,
            )
            .with_primary_label("the database the tests open");
        let d = super::spring::chain(cx, d, run, ds);
        let d = super::spring::graded(d, run).with_help(
            "give the tests a database of their own: a `src/test/resources/application.yml` (it replaces main's) naming an in-memory or `_test` database, `@ActiveProfiles(\"test\")` with an `application-test.yml`, or Testcontainers with `@ServiceConnection`",
        );
        out.push(d);
    }
}

/// A Go test setup that loads the application's own env file (`app.env`,
/// `.env`) and connects to the database it names: `go test` has no
/// environment of its own, so the tests run on the development database
/// unless the shell exports another (viper's `AutomaticEnv` and godotenv's
/// `Load` both let the environment win).
fn go_setup_loads_dev_config(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for l in cx.ws.go_test_loads() {
        let Some(connects) = l.connects else {
            continue;
        };
        if l.isolated.is_some() {
            continue;
        }
        let loaded = cx.ws.file(l.loaded);
        // a file named for tests is the test configuration, judged as such
        if cx.policy.markers.has_test(loaded.file_name()) {
            continue;
        }
        let settings = cx
            .ws
            .go_loaded_env()
            .chain(&cx.ws.dev_dotenvs)
            .find(|d| d.file == l.loaded)
            .map(|d| d.settings.as_slice())
            .unwrap_or(&[]);
        let Some((s, db)) = settings.iter().rev().find_map(|s| {
            // a YAML file's `database.url` is read like `DATABASE_URL`
            let kind = db_key_kind(&s.key.value.replace('.', "_"), &cx.policy.extra_db_keys)?;
            if !db_kind_is_db(kind) || s.is_reference() {
                return None;
            }
            let db = DatabaseRef::parse(&s.value, kind);
            (!db.in_memory).then_some((s, db))
        }) else {
            continue;
        };
        let Some(name) = db.name.as_ref().filter(|n| !n.is_reference()) else {
            continue;
        };
        if cx.policy.markers.has_test(&name.text) {
            continue;
        }
        // `testguard run`: an exported variable beats the file (viper's
        // `AutomaticEnv`, godotenv's `Load`); a test database there decides
        if let Some(c) = cx.ws.caller_setting(&s.key.value)
            && cx.url_is_test(&c.value)
        {
            continue;
        }
        let test_path = &cx.ws.file(l.file).path;
        let where_ = match db.host_text() {
            Some(h) if !db.is_sqlite() => format!("database `{}` on `{h}`", name.text),
            _ => format!("database `{}`", name.text),
        };
        let mut d = META
            .diag(
                Some(s.value_sub_span(name.range.clone())),
                format!(
                    "{test_path} loads {} ({}) and connects to its `{}`: {where_}, the database the application itself runs on; `go test` sets no database of its own, so the tests use it{}",
                    loaded.path,
                    l.loader,
                    s.key.value,
                    if s.key.value.contains('.') {
                        String::new()
                    } else {
                        format!(" unless the shell exports `{}`", s.key.value)
                    }
                ),
            )
            .with_primary_label("the database the tests connect to")
            .with_label(l.call, "loads the application's env file")
            .with_label(connects, "connects to it");
        match &l.writes {
            Some((what, span)) => {
                d.message
                    .push_str(&format!("; the package's tests write to it ({what})"));
                d = d.with_label(*span, "writes to the database");
            }
            None => {
                d.severity = Severity::Warning;
                d.message
                    .push_str("; no test code was seen writing to it, so this is a warning");
            }
        }
        out.push(d.with_help(format!(
            "load a test configuration in the test setup (a `test.env` naming `{}_test`), or start a throwaway database (testcontainers-go, dockertest) and point the tests at it",
            name.text
        )));
    }
}

/// The database an ADO.NET connection string names: `Database=`/`Initial
/// Catalog=` on its server, or a SQLite `Data Source=` file. `None` for an
/// in-memory one or one not read.
fn connection_database(value: &str) -> Option<(crate::database::Part, bool)> {
    let lower = value.to_ascii_lowercase();
    let has_name = ["database=", "initial catalog=", "dbname="]
        .iter()
        .any(|k| lower.contains(k));
    if !has_name {
        // SQLite: `Data Source=app.db`, `DataSource=app.db;Cache=Shared`
        for key in ["data source=", "datasource=", "filename="] {
            if let Some(i) = lower.find(key) {
                let start = i + key.len();
                let end = value[start..].find(';').map_or(value.len(), |e| start + e);
                let file = value[start..end].trim();
                if file.is_empty() || crate::database::is_in_memory(file) {
                    return None;
                }
                let looks_like_file = [".db", ".sqlite", ".sqlite3", ".db3"]
                    .iter()
                    .any(|x| file.to_ascii_lowercase().ends_with(x));
                if !looks_like_file {
                    return None;
                }
                let lead = value[start..end].len() - value[start..end].trim_start().len();
                return Some((
                    crate::database::Part {
                        text: file.to_string(),
                        range: start + lead..start + lead + file.len(),
                    },
                    true,
                ));
            }
        }
        return None;
    }
    let db = DatabaseRef::parse(value, DbKeyKind::Url);
    if db.in_memory {
        return None;
    }
    db.name.map(|n| (n, false))
}

/// An ASP.NET Core test project whose `WebApplicationFactory` starts the
/// app with a connection string of the app's own configuration: the
/// factory runs the app as `Development` unless it calls `UseEnvironment`,
/// so `appsettings.Development.json` over `appsettings.json` decides
/// (dotnet/aspnetcore `WebApplicationFactory.cs`).
fn dotnet_factory_on_app_database(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // several test classes sharing one app's connection string: one finding
    let mut seen: Vec<crate::source::Span> = Vec::new();
    for run in cx.ws.dotnet_runs() {
        if run.factory.isolation.is_some() {
            continue;
        }
        for cs in &run.connection_strings {
            let s = &cs.setting;
            if s.is_reference() {
                continue;
            }
            let Some((name, file_db)) = connection_database(&s.value) else {
                continue;
            };
            if name.is_reference() || cx.policy.markers.has_test(&name.text) {
                continue;
            }
            if seen.contains(&s.value_span) {
                continue;
            }
            seen.push(s.value_span);
            let exported = cx
                .ws
                .invocation
                .as_ref()
                .is_some_and(|i| i.caller_file == Some(cs.file));
            let path = if exported {
                "your environment (it is exported)".to_string()
            } else {
                cx.ws.file(cs.file).path.clone()
            };
            let test_file = &cx.ws.file(run.factory.file).path;
            let how = match &run.factory.environment {
                Some((e, _)) => format!("as `{e}` (its `UseEnvironment`)"),
                None => "as `Development`, WebApplicationFactory's default (no `UseEnvironment`)"
                    .to_string(),
            };
            let what = if file_db {
                format!("the SQLite file `{}`", name.text)
            } else {
                format!("database `{}`", name.text)
            };
            let mut d = META
                .diag(
                    Some(s.value_sub_span(name.range.clone())),
                    format!(
                        "the WebApplicationFactory in {test_file} starts the app in {} {how}, and its `{}` from {path} names {what}, {}; nothing in the factory replaces the DbContext or the connection string",
                        if run.app.is_empty() { "the root folder" } else { run.app.as_str() },
                        s.key.value,
                        if exported { "a database with no test marker" } else { "the app's own database" },
                    ),
                )
                .with_primary_label("the database the tests open")
                .with_label(run.factory.span, "starts the app with its own configuration");
            if let Some((_, span)) = &run.factory.environment {
                d = d.with_label(*span, "chooses the environment");
            }
            match run.factory.ensure_deleted {
                Some(span) => {
                    d.message
                        .push_str("; `EnsureDeleted()` in the tests drops it");
                    d = d.with_label(span, "drops the database");
                }
                None => {
                    d.severity = Severity::Warning;
                    d.message
                        .push_str("; no test code was seen deleting it, so this is a warning");
                }
            }
            out.push(d.with_help(format!(
                "give the tests a database of their own: `builder.UseEnvironment(\"Testing\")` with an `appsettings.Testing.json` in {} naming a test database, or replace the DbContext in `ConfigureTestServices` (`RemoveAll<DbContextOptions<…>>()`, then SQLite `:memory:` or Testcontainers)",
                if run.app.is_empty() { "the app's folder" } else { run.app.as_str() }
            )));
        }
    }
}

impl Rule for TestDatabaseIsDevDatabase {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        test_keys_equal_to_their_base(cx, out);
        compose_test_stacks(cx, out);
        rails_dotenv_database_url(cx, out);
        spring_main_datasource(cx, out);
        go_setup_loads_dev_config(cx, out);
        dotnet_factory_on_app_database(cx, out);
        site_database_shared(cx, out);
        let devs = dev_databases(cx);
        if devs.is_empty() {
            return;
        }
        for env in &cx.ws.envs {
            // Django tests use `test_<NAME>`; a CI runner is not the developer's machine
            if env.frameworks.django || env.ci().is_some() {
                continue;
            }
            let symfony_suffix = env.frameworks.symfony
                && cx
                    .ws
                    .nearest(&env.dir, |c| c.php.symfony_test_dbname_suffix.then_some(()))
                    .is_some();
            for d in cx.db_settings(env) {
                // a value the run loads from the development file itself is
                // that file's, not a test database equal to it (TG206, TG302)
                if !db_kind_is_db(d.kind)
                    || d.db.in_memory
                    || d.setting.via == crate::model::Via::DevDotenvLoaded
                {
                    continue;
                }
                // DoctrineBundle suffixes `dbname` only, never a sqlite path
                if symfony_suffix && !d.db.is_sqlite() {
                    continue;
                }
                let Some(name) = d.db.name.as_ref().filter(|n| !n.is_reference()) else {
                    continue;
                };
                let (host, port) = if d.kind == DbKeyKind::Name {
                    (
                        cx.effective_value(env, "DB_HOST"),
                        cx.effective_value(env, "DB_PORT"),
                    )
                } else {
                    (
                        d.db.host.as_ref().map(|h| h.text.clone()),
                        d.db.port.as_ref().map(|p| p.text.clone()),
                    )
                };
                let host = host.map(|h| norm_host(&h));
                let want = norm_name(&name.text);
                // the project's own dev file first: same folder, then the nearest ancestor
                let closeness = |dev: &&DevDb<'_>| {
                    if is_within(&env.dir, dev.dir) {
                        usize::MAX - dev.dir.len()
                    } else {
                        usize::MAX
                    }
                };
                let mut candidates: Vec<&DevDb<'_>> = devs.iter().collect();
                candidates.sort_by_key(closeness);
                let same = candidates.into_iter().find(|dev| {
                    if dev.name != want {
                        return false;
                    }
                    match (&host, &dev.host) {
                        (Some(a), Some(b)) => {
                            a == b && (port.is_none() || dev.port.is_none() || port == dev.port)
                        }
                        // no host on one side: it comes from the same project's dev file
                        _ => is_within(&env.dir, dev.dir),
                    }
                });
                let Some(dev) = same else { continue };
                let prefix = cx.ws.run_of(env).and_then(|r| r.table_prefix());
                // the site's own configuration is compared in
                // `site_database_shared`
                if prefix.is_some_and(|p| p.site_database.is_some()) {
                    continue;
                }
                let s = d.setting;
                let dev_path = &cx.ws.file(dev.setting.value_span.file).path;
                if s.via == Via::DotenvLayered {
                    // the test file is silent: say where the value really comes
                    // from; in a resolved run, the test dotenv is its layer
                    let test_file = cx
                        .ws
                        .run_of(env)
                        .and_then(|r| {
                            r.layers.iter().find_map(|l| {
                                l.file.filter(|f| {
                                    l.kind == crate::model::LayerKind::Dotenv
                                        && !matches!(
                                            cx.ws.file(*f).file_name(),
                                            ".env" | ".env.dist"
                                        )
                                })
                            })
                        })
                        .unwrap_or(env.file);
                    let anchor = if test_file == env.file {
                        env.anchor
                    } else {
                        crate::source::Span::new(test_file, 0, 0)
                    };
                    let test_path = &cx.ws.file(test_file).path;
                    let framework = cx
                        .ws
                        .run_of(env)
                        .map_or(RunFramework::Symfony, |r| r.framework);
                    let symfony = matches!(
                        framework,
                        RunFramework::Symfony | RunFramework::SymfonyBundle
                    );
                    let (loader, fix) = if symfony {
                        (
                            "Symfony",
                            ", or add Doctrine's `when@test: doctrine: dbal: dbname_suffix: '_test%env(default::TEST_TOKEN)%'` to config/packages/doctrine.yaml",
                        )
                    } else {
                        (framework.describe(), "")
                    };
                    out.push(
                        META.diag(
                            Some(s.value_span),
                            format!(
                                "{} sets no `{}`, so {loader} takes it from {dev_path}, which it loads under the test file: the tests use database `{}`, the development database, and running them wipes the development data",
                                env.name, s.key.value, name.text
                            ),
                        )
                        .with_primary_label(format!("inherited by {test_path}"))
                        .with_label(s.value_sub_span(name.range.clone()), "database name")
                        .with_label(anchor, format!("no `{}` here", s.key.value))
                        .with_help(format!(
                            "set `{}` in {test_path} to a test database (e.g. `{}_test`){fix}",
                            s.key.value, name.text
                        )),
                    );
                    continue;
                }
                let mut d = META
                    .diag(
                        Some(s.value_span),
                        format!(
                            "{} uses database `{}`, the same database the development file {} configures: running the tests wipes the development data",
                            env.name, name.text, dev_path
                        ),
                    )
                    .with_primary_label("test database")
                    .with_label(s.value_sub_span(name.range.clone()), "database name")
                    .with_label(dev.setting.value_span, format!("the development database, in {dev_path}"))
                    .with_help(format!(
                        "give the tests their own database (e.g. `{}_test`) or an in-memory database",
                        name.text.trim_end_matches(".sqlite").trim_end_matches(".db")
                    ));
                // tables under a prefix of the run's own: the rest survives
                if let Some(tp) = prefix
                    && tp.confines()
                {
                    d.severity = Severity::Warning;
                    d.message = format!(
                        "{} uses database `{}`, the same database the development file {} configures; the run drops and creates only tables named with `{}`, so tables under the site's `{}` survive, but nothing else keeps the tests apart from the development data",
                        env.name, name.text, dev_path, tp.prefix, tp.site_prefix
                    );
                    out.push(super::with_provenance(d, env));
                    continue;
                }
                // each test rolled back: only what escapes a transaction
                // persists, so the development data survives unless the
                // suite wipes past it
                let rolled = cx.ws.nearest(&env.dir, |c| c.rolled_back.clone());
                let escaping = cx.ws.wipe_escaping_rollback(&env.dir);
                if let (Some(rolled), Some(wipe)) = (&rolled, escaping) {
                    d.message.push_str(&format!(
                        "; {} rolls each test back, but `{}` in {} {} past the rollback",
                        rolled.what,
                        wipe.idiom,
                        cx.ws.file(wipe.span.file).path,
                        wipe.what
                    ));
                    d = d
                        .with_label(wipe.span, "escapes the rollback")
                        .with_label(rolled.span, "rolls each test back");
                } else if let Some(rolled) = rolled {
                    d.severity = Severity::Warning;
                    d.message = format!(
                        "{} uses database `{}`, the same database the development file {} configures; {} rolls every test back, so the tests leave its rows as they were, but a schema change or `TRUNCATE` in them, a fixture load before the first test, or a test the hook skips writes to the development data",
                        env.name, name.text, dev_path, rolled.what
                    );
                    d = d.with_label(rolled.span, "rolls each test back");
                }
                out.push(super::with_provenance(d, env));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::base_key;

    #[test]
    fn base_keys_drop_the_test_word() {
        assert_eq!(
            base_key("DATABASE_URL_TEST").as_deref(),
            Some("DATABASE_URL")
        );
        assert_eq!(
            base_key("TEST_DATABASE_URL").as_deref(),
            Some("DATABASE_URL")
        );
        assert_eq!(base_key("MONGO_URI_TESTS").as_deref(), Some("MONGO_URI"));
        assert_eq!(base_key("DATABASE_URL"), None);
        assert_eq!(base_key("TEST"), None);
    }
}
