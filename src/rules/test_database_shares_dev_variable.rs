//! TG107 test-database-shares-dev-variable.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{ConfigValue, FlaskConfigClass, RunFramework, Setting, is_within};

pub struct TestDatabaseSharesDevVariable;

static META: RuleMeta = RuleMeta {
    code: "TG107",
    name: "test-database-shares-dev-variable",
    default_severity: Severity::Error,
    summary: "a test run selects its own connection, but that connection's database reads the same variable as development and nothing in the run sets it",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
**Laravel.** A test run that selects a connection of its own — `DB_CONNECTION`
set by `phpunit.xml` or `.env.testing` to `mysql_testing`, `testing`,
`pgsql_test` — where `config/database.php` defines that connection's
`database` as `env('DB_DATABASE', …)`: the variable the development
connection reads too. When nothing in the run (PHPUnit's `<env>`/`<server>`,
`.env.testing`) sets that variable, it comes from `.env`, and the "test"
connection opens the development database.

Silent when the connection's database is a literal (`:memory:`, `shop_test`),
reads a variable of its own (`DB_TEST_DATABASE`) that the run or its default
makes a test one, or when its `url` is set by the run. What `config/database.php`
does not say literally (`database_path(...)`, a variable) is not judged.

**Flask.** A config class meant for tests (`TestingConfig`, `TestConfig`)
whose `SQLALCHEMY_DATABASE_URI` is the development one: inherited from its
base unchanged, read from the same environment variable
(`os.environ.get("DATABASE_URL")`) as the other classes, or the same literal.
When the project's `conftest.py` hands the app factory a config
(`create_app("testing")` through the module's
`config = {"testing": TestingConfig}`, or `create_app(TestingConfig)`), that
class is the one judged, whatever its name; a factory called only with its
default says nothing we can follow. A warning; an error when a `conftest.py`
provably wipes the database.

**Node.** A `NODE_ENV=test` config module — `config/env/test.js`,
`config/test.js`, a knexfile's or `config/database.js`'s `test:` block,
Sequelize's `config/config.json` `test` entry (`use_env_variable`),
node-config's `config/test.json` with a `custom-environment-variables.json`
mapping over it — whose database reads the variable the development dotenv
sets (`db: process.env.MONGODB_URL || 'mongodb://localhost/app_test'`), when
no test run sets that variable itself. The `_test` default holds only while
nothing sets the variable, and an app that loads `.env` (a `dotenv`
dependency, a setup file, Prisma ≤ 6, Strapi) sets it (dotenv keeps the
first value set, so `process.env.X || '…_test'` loses: motdotla/dotenv
README; node-config `lib/util.js`: custom environment variables come
last). A warning; an error when something loads `.env` into the run and
the suite provably wipes the database (`deleteMany`, `dropDatabase`,
`TRUNCATE`, `migrate:rollback --all` in a `pretest` script). A `*_TEST` key
equal to its base in a dev file is TG105's.

**Rails.** The `test` entry of `config/database.yml` (ERB, then YAML;
anchors and `<<` merges resolved, each connection of a multi-database
entry judged under its own key) whose `database` or `url` reads the
variable the `development` entry reads for the same key, with the same
text around it: `database: <%= ENV['POSTGRES_DATABASE'] %>` in both. An
error when nothing else can decide (`ENV['X']`, `ENV.fetch('X')`); a
warning when a default (`ENV.fetch('X') { 'app_test' }`, `|| 'app_test'`)
or a test variable read first (`ENV['TEST_DB'] || ENV['DB'] || …`) holds
only while the shared variable is unset. Silent when the test name has its
own suffix (`"<%= ENV['DB'] %>_test"`, as in nickjj/docker-rails-example
`config/database.yml:18`), reads a variable of its own, or when
`.env.test`/`.env.test.local` (what dotenv-rails loads in test) sets the
variable. An error again when
the Gemfile requires dotenv-rails in test and `.env` sets the shared
variable to a value that is not a test one: dotenv-rails loads `.env` in
test too, so the default never applies. A `url` read from the shared
variable beside a literal `database` (both often inherited from an anchor)
is a warning: Active Record ignores a `url` that renders empty (YAML's
null), so that `database` holds while the variable is unset; a literal
`url` decides over `database`, which is then not judged. ERB that is not
an environment read, and entries holding a tag that generates lines, are not judged. A
helper of the suite that empties the database (DatabaseCleaner's
truncation, `db:reset`) is cited.

**Ecto (Phoenix).** A repository's effective `url` or `database` in test
read from the variable development reads for the same repository
(`url: System.get_env("DATABASE_URL")` in both; `{:system, "X", default}`,
`System.get_env("X", default)`, `System.fetch_env!("X")`, `|| "default"`).
`mix test` sets `MIX_ENV=test` but keeps every other exported variable, and
Mix loads no dotenv file, so the development shell's value wins (elixir
`mix/lib/mix/tasks/test.ex`). The effective value is the last write Mix
makes for the environment: `config/config.exs` up to its `import_config`,
`config/test.exs`
(or `dev.exs`), the rest of `config.exs`, then `config/runtime.exs`, which
runs in every environment (a `test.exs` that a present `config.exs` never
imports is not loaded, and not judged); a `runtime.exs` call under `if config_env() ==
:prod do` (or a `case config_env()` arm) runs only there, and one under any
other condition may or may not run, which leaves the key unknown. A call of
a helper the file defines that hands its first argument to `System.get_env`
(`Util.fetch_env!("DATABASE_NAME", test: "app_test")`) is a read of that
variable with a default. Ecto merges a parsed `url` over `database` and
ignores a nil one: a literal test `url` decides, and a literal test
`database` is what a `url` read from an unset variable falls back to.

The same split: an error with no default, a warning behind one — and an
error again when a developer's shell that the repository commits exports
the variable with a value that is not a test one (`devenv.nix` `env.X` or
`enterShell` `export X=…`, an `.envrc` `export` or the file its
`dotenv` line loads): in that shell the default
never applies, and the development server started there reads the same
value. Silent for the generator's
`"app_test#{System.get_env("MIX_TEST_PARTITION")}"`, a test variable of its
own (`TEST_DATABASE_URL`), a `runtime.exs` read under the `:prod` guard,
and a value that is code (a guard that raises unless the URL ends in
`_test`, a function defined elsewhere). A `test` alias in `mix.exs` that
drops the database (`ecto.drop`, `ecto.reset`) is cited.

**Under `testguard run`** (rspec, `mix test`) the shell is known: the
finding is an error when your environment exports the shared variable with
a value that is not a test one, and there is none when it does not export
it (the default, or nothing, applies).

## Why it is dangerous
The connection's name says "testing"; the database it opens is the
developer's. `RefreshDatabase` runs `migrate:fresh` on it (laravel/framework
`config/database.php`: `env('DB_DATABASE', literal)`;
`Foundation/Testing/RefreshDatabase.php`).

## Example
```php
'mysql_testing' => [
    'driver' => 'mysql',
    'database' => env('DB_DATABASE', 'forge'),
],
```
with `<env name="DB_CONNECTION" value="mysql_testing"/>` in `phpunit.xml`
and `DB_DATABASE=shop` in `.env`.


**Spring Boot.** A test configuration — a `src/test/resources` file or a test
profile's `application-test.yml` — whose datasource is main's, placeholder for
placeholder (`jdbc:mariadb://${DB_URL}/app` in both): the test configuration
isolates nothing. Judged whether or not a class activates it today. A warning;
an error with `ddl-auto: create`/`create-drop` beside it.

**Make.** A makefile that sets a test variable from the development one
whenever that is defined (`ifdef DATABASE_URL` / `TEST_DATABASE_URL :=
$(DATABASE_URL)` / `else` a `_test` default) and hands it to a test recipe
(`DATABASE_URL=$(TEST_DATABASE_URL) go test ./...`): an exported development
URL becomes the tests' database (Shyp/rickover). A warning: the default
holds while nothing is exported.

## Fix
Give the test connection a variable of its own with a test default —
`'database' => env('DB_TEST_DATABASE', 'shop_test')` — or set
`<env name="DB_DATABASE" value="shop_test" force="true"/>` in `phpunit.xml`.
"#;

impl Rule for TestDatabaseSharesDevVariable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        spring_test_configuration(cx, out);
        for run in &cx.ws.runs {
            if !matches!(run.framework, RunFramework::Laravel) {
                continue;
            }
            let Some(config) = cx
                .ws
                .laravel_databases()
                .filter(|c| is_within(&run.dir, &c.project))
                .max_by_key(|c| c.project.len())
            else {
                continue;
            };
            if cx.ws.php_database_set_in_code(&run.dir) {
                continue;
            }
            let Some(chosen) = run.decided("DB_CONNECTION").cloned() else {
                continue;
            };
            // the development connection itself is TG206's
            if is_dev_dotenv(cx, &chosen) || chosen.is_reference() {
                continue;
            }
            let Some(conn) = config.connections.iter().find(|c| c.name == chosen.value) else {
                continue;
            };
            if let ConfigValue::Env { key, .. } = &conn.url
                && run
                    .decided(key)
                    .cloned()
                    .is_some_and(|u| !u.value.trim().is_empty() && !is_dev_dotenv(cx, &u))
            {
                continue;
            }
            let ConfigValue::Env {
                key,
                span: key_span,
                default,
            } = &conn.database
            else {
                continue;
            };
            // the run sets the variable itself: the other rules judge that value
            let set_by_run = run.decided(key).cloned();
            if set_by_run.as_ref().is_some_and(|s| !is_dev_dotenv(cx, s)) {
                continue;
            }
            // the development connection reads the same variable
            let dev_reads = config.connections.iter().any(|c| {
                c.name != conn.name
                    && matches!(&c.database, ConfigValue::Env { key: k, .. } if k == key)
            });
            if !dev_reads {
                continue;
            }
            let dev = set_by_run.or_else(|| dev_value(cx, &run.dir, key));
            let (name, dev_setting) = match (&dev, default) {
                (Some(s), _) => (s.value.clone(), Some(s)),
                (None, Some((d, _))) => (d.clone(), None),
                (None, None) => continue,
            };
            if name.trim().is_empty()
                || crate::database::contains_reference(&name)
                || cx.policy.markers.has_test(&name)
                || name == ":memory:"
            {
                continue;
            }
            let config_path = &cx.ws.file(config.file).path;
            let mut d = META
                .diag(
                    Some(*key_span),
                    format!(
                        "{} selects the `{}` connection, whose database is `env('{key}')` in {config_path} — the variable the development connection reads too; nothing in the run sets {key}, so the tests use `{name}`",
                        run.name, conn.name
                    ),
                )
                .with_primary_label("the development connection's variable")
                .with_label(chosen.value_span, format!("selects `{}`", conn.name))
                .with_help(format!(
                    "give `{}` a variable of its own with a test default (`env('DB_TEST_DATABASE', '{}_test')`), or set `<env name=\"{key}\" value=\"{}_test\" force=\"true\"/>` in phpunit.xml",
                    conn.name, name, name
                ));
            if let Some(s) = dev_setting {
                let path = &cx.ws.file(s.value_span.file).path;
                d = d.with_label(s.value_span, format!("the development database ({path})"));
            }
            out.push(super::graded_by_wipe(d, cx, &run.dir));
        }
        flask_configs(cx, out);
        node_test_configs(cx, out);
        environment_databases(cx, out);
    }
}

/// Rails and Ecto: the test environment's database setting (a
/// `config/database.yml` entry's, a repository's in `config/test.exs`) reads
/// a variable the development one reads for the same key, with nothing
/// around it (a `_test` suffix) to tell the two apart.
fn environment_databases(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::model::{DatabaseFramework, EnvAlternative, EnvTemplate};
    for test in cx
        .ws
        .environment_databases()
        .filter(|d| d.environment == "test")
    {
        let EnvTemplate::Erb {
            prefix,
            alternatives,
            suffix,
            span: test_span,
        } = &test.value
        else {
            continue;
        };
        let rails = test.framework == DatabaseFramework::Rails;
        let Some(dev) = cx.ws.environment_databases().find(|d| {
            d.framework == test.framework
                && d.project == test.project
                && d.scope == test.scope
                && d.key == test.key
                && d.environment == "development"
                && (!rails || d.file == test.file)
        }) else {
            continue;
        };
        let EnvTemplate::Erb {
            prefix: dev_prefix,
            alternatives: dev_alternatives,
            suffix: dev_suffix,
            span: dev_span,
        } = &dev.value
        else {
            continue;
        };
        // `<%= ENV['DB'] %>_test` against `<%= ENV['DB'] %>_development`:
        // whatever the variable holds, the names differ
        if prefix != dev_prefix || suffix != dev_suffix {
            continue;
        }
        let dev_reads = |name: &str| {
            dev_alternatives
                .iter()
                .any(|a| matches!(a, EnvAlternative::Env { name: n, .. } if n == name))
        };
        // Ecto and Active Record both merge a parsed `url` over `database`,
        // and both ignore a nil one (elixir-ecto/ecto
        // `lib/ecto/repo/supervisor.ex`; Rails' `UrlConfig`: an ERB tag
        // that renders nothing leaves YAML's null):
        // a literal test url decides the database whatever `database`
        // reads, and a literal test `database` is what a url read from an
        // unset variable falls back to. `primary.url` pairs with
        // `primary.database`.
        let sibling = |key: &str| {
            let prefix = test.key.rsplit_once('.').map(|(p, _)| p);
            let key = prefix.map_or(key.to_string(), |p| format!("{p}.{key}"));
            cx.ws.environment_databases().find(|d| {
                d.framework == test.framework
                    && d.project == test.project
                    // an Ecto repository's keys may come from other files
                    && (d.file == test.file || d.framework == DatabaseFramework::Ecto)
                    && d.scope == test.scope
                    && d.environment == "test"
                    && d.key == key
            })
        };
        let ecto = test.framework == DatabaseFramework::Ecto;
        let leaf = test.key.rsplit('.').next().unwrap_or(&test.key);
        if leaf == "database"
            && sibling("url").is_some_and(|u| matches!(u.value, EnvTemplate::Literal { .. }))
        {
            continue;
        }
        // the first alternative that is the development variable; a literal
        // (or a value code computes) before it decides first
        let mut own_before = Vec::new();
        let mut shared = None;
        for (i, a) in alternatives.iter().enumerate() {
            match a {
                EnvAlternative::Literal(_) | EnvAlternative::Computed => break,
                EnvAlternative::Env { name, span } if dev_reads(name) => {
                    shared = Some((i, name, *span));
                    break;
                }
                EnvAlternative::Env { name, .. } => own_before.push(name.as_str()),
            }
        }
        let Some((i, key, key_span)) = shared else {
            continue;
        };
        // dotenv-rails loads `.env.test` and `.env.test.local` in test: a
        // value there is the test run's own
        let set_by_test_dotenv = rails
            && cx.ws.envs.iter().any(|e| {
                e.dir == test.project
                    && matches!(
                        cx.ws.file(e.file).file_name(),
                        ".env.test" | ".env.test.local"
                    )
                    && e.settings.iter().any(|s| s.key.value == *key)
            });
        if set_by_test_dotenv {
            continue;
        }
        // `Some(None)`: a default code computes
        let mut default = alternatives[i + 1..].iter().find_map(|a| match a {
            EnvAlternative::Literal(l) => Some(Some(l.clone())),
            EnvAlternative::Computed => Some(None),
            EnvAlternative::Env { .. } => None,
        });
        let mut nil_url_falls_back = false;
        if leaf == "url"
            && default.is_none()
            && prefix.is_empty()
            && suffix.is_empty()
            && let Some(d) = sibling("database")
            && let EnvTemplate::Literal { text, .. } = &d.value
        {
            default = Some(Some(text.clone()));
            nil_url_falls_back = true;
        }
        let path = &cx.ws.file(test.file).path;
        let dev_path = &cx.ws.file(dev.file).path;
        // `config/runtime.exs` outside a `config_env()` guard: one write
        // serves both environments
        let same_write = test_span == dev_span;
        let own = if own_before.is_empty() {
            String::new()
        } else {
            format!(
                " when {} {} unset",
                own_before
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" and "),
                if own_before.len() == 1 { "is" } else { "are" }
            )
        };
        // what sets the shared variable for the test run, when something is
        // known to: the caller under `testguard run`; dotenv-rails loading
        // `.env` (a Rails run's layers); a developer's shell (devenv,
        // direnv) the repository commits, where the default never applies
        // and the development run started in the same shell reads the same
        // value. `(value, where, how)`.
        let not_test = |v: &str| {
            !v.is_empty() && !cx.policy.markers.has_test(v) && !v.contains("MIX_TEST_PARTITION")
        };
        let rails_run = cx
            .ws
            .rails_runs()
            .find(|(_, r)| rails && r.database_yml == test.file);
        let running = cx.ws.invocation.is_some();
        let set_by: Option<(String, crate::source::Span, String)> = if running {
            cx.ws.caller_setting(key).map(|s| {
                (
                    s.value.clone(),
                    s.value_span,
                    "your environment exports it".to_string(),
                )
            })
        } else {
            None
        }
        .or_else(|| {
            let s = rails_run?.0.decided(key).cloned()?;
            let by_dev_dotenv = s.provenance.as_ref().is_some_and(|p| p.layer == ".env");
            by_dev_dotenv.then(|| {
                (
                    s.value.clone(),
                    s.value_span,
                    format!(
                        "{} loads {} in test and sets it there",
                        rails_run.map_or("dotenv-rails", |(_, r)| r.dotenv_gem_name),
                        cx.ws.file(s.value_span.file).path
                    ),
                )
            })
        })
        .or_else(|| {
            (!running)
                .then(|| {
                    cx.ws.caller_keys.iter().find(|c| {
                        c.shell
                            && c.key == *key
                            && is_within(&test.project, &c.scope)
                            && c.value.is_some()
                    })
                })
                .flatten()
                .map(|c| (c.value.clone().unwrap_or_default(), c.span, c.how.clone()))
        });
        match &set_by {
            // the test run's own value: a test database
            Some((v, _, _)) if !not_test(v) => continue,
            // `testguard run`: what the caller does not export is unset,
            // and the default (or nothing) applies
            None if running => continue,
            _ => {}
        }
        let (severity, consequence) = match (&default, &set_by) {
            (_, Some((value, _, how))) if own_before.is_empty() => (
                Severity::Error,
                format!(
                    "{how} (`{key}={}`), so the tests open the database development uses with it",
                    shown(value)
                ),
            ),
            (None, _) if own_before.is_empty() => (
                Severity::Error,
                "whatever it holds, the tests open the development database".to_string(),
            ),
            _ => (
                Severity::Warning,
                format!(
                    "{} holds only while nothing sets `{key}`; a shell, `.env` or container that exports it for development makes the tests use that database",
                    match &default {
                        // a nil url is ignored
                        Some(Some(d)) if nil_url_falls_back && ecto => format!(
                            "Ecto ignores a nil `url`, so the repository's `database: \"{d}\"`"
                        ),
                        Some(Some(d)) if nil_url_falls_back => format!(
                            "Active Record ignores a `url` that renders empty, so the entry's `database: {d}`"
                        ),
                        Some(Some(d)) => format!("its default `{d}`"),
                        _ => "its default".to_string(),
                    }
                ),
            ),
        };
        let (message, help, label) = if rails {
            (
                format!(
                    "the `test` entry of {path} takes its `{}` from `ENV['{key}']`{own}, the variable the `development` entry reads for it too; {consequence}",
                    test.key
                ),
                if leaf == "url" {
                    format!(
                        "give the test entry a url of its own (`url: <%= ENV['TEST_DATABASE_URL'] %>`), or keep `{key}` out of the entry the test one shares and let its `database:` name the test database"
                    )
                } else {
                    format!(
                        "give the test database a name of its own: read a test variable (`ENV.fetch('TEST_DATABASE_NAME') {{ 'app_test' }}`), or add a suffix (`<%= ENV['{key}'] %>_test`)"
                    )
                },
                "the development entry's variable",
            )
        } else if test.framework == DatabaseFramework::Make {
            (
                format!(
                    "{path} sets `{}` to `$({key})` whenever `{key}` is defined (`ifdef {key}`), and a test target hands it to the tests as their database, while the development targets read `{key}` itself; {consequence}",
                    test.scope
                ),
                format!(
                    "give `{}` a value of its own that never falls back to `{key}` (`{} ?= postgres://localhost/app_test`), and export that for the tests",
                    test.scope, test.scope
                ),
                "the development variable",
            )
        } else if same_write {
            (
                format!(
                    "{path} gives `{}` its `{}` from the `{key}` environment variable{own} in development and test alike (it runs after `config/test.exs` in every environment), and `mix test` keeps whatever the shell exports; {consequence}",
                    test.scope, test.key
                ),
                format!(
                    "read `{key}` only under `if config_env() == :prod do` in {path}, and give the test repository a database of its own in config/test.exs (`database: \"app_test#{{System.get_env(\"MIX_TEST_PARTITION\")}}\"`)"
                ),
                "read for development and test alike",
            )
        } else {
            (
                format!(
                    "{path} gives `{}` its `{}` from the `{key}` environment variable{own}, which {dev_path} reads for it too, and `mix test` keeps whatever the shell exports; {consequence}",
                    test.scope, test.key
                ),
                format!(
                    "give the test repository a database of its own in {path}: a literal (`database: \"app_test#{{System.get_env(\"MIX_TEST_PARTITION\")}}\"`, as `mix phx.new` writes it) or a test variable (`System.get_env(\"TEST_DATABASE_URL\")`)"
                ),
                "the development repository's variable",
            )
        };
        let mut d = META.diag(Some(key_span), message).with_primary_label(label);
        if !same_write {
            d = d.with_label(*dev_span, "the development database reads it");
        }
        if let Some((_, span, _)) = set_by.as_ref().filter(|_| severity == Severity::Error) {
            d = d.with_label(*span, "set for development and tests alike");
        }
        d = d.with_help(help);
        // a Rails suite's helper that empties the database, or a Mix
        // `test` alias that drops it (an umbrella's root alias runs for
        // its apps), says what happens to the development one
        if let Some(w) =
            cx.ws.destruction.iter().find(|w| {
                w.project == test.project || !rails && is_within(&test.project, &w.project)
            })
        {
            d = super::with_wipe_proof(d, cx, w);
        }
        d.severity = severity;
        out.push(d);
    }
}

/// A Spring test configuration (a `src/test/resources` file, or a test
/// profile's `application-test.yml`) whose datasource is the main
/// configuration's, placeholder for placeholder (`jdbc:mariadb://${DB_URL}/app`
/// in both): whatever the variable holds for the application, the tests
/// open too. Judged whether or not a class activates it today: the file
/// exists to configure tests.
fn spring_test_configuration(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::model::jvm::{ClasspathRoot, datasource_key};
    let is_test_profile = |p: &Option<String>| {
        p.as_deref().is_some_and(|p| {
            p.split(['-', '_', '.']).any(|w| {
                matches!(
                    w.to_ascii_lowercase().as_str(),
                    "test" | "tests" | "testing"
                )
            })
        })
    };
    for t in cx.ws.spring_properties() {
        let test_scoped = t.root == ClasspathRoot::Test || is_test_profile(&t.file_profile);
        if !test_scoped || !datasource_key(&t.canonical) || !t.setting.value.contains("${") {
            continue;
        }
        let Some(main) = cx.ws.spring_properties().find(|m| {
            m.module == t.module
                && m.root == ClasspathRoot::Main
                && !is_test_profile(&m.file_profile)
                && m.document_profiles.is_empty()
                && m.canonical == t.canonical
                && m.setting.value.trim() == t.setting.value.trim()
        }) else {
            continue;
        };
        let vars = crate::database::reference_names(&t.setting.value);
        if vars.is_empty()
            || cx
                .policy
                .markers
                .has_test(&crate::database::strip_references(&t.setting.value))
        {
            continue;
        }
        let path = &cx.ws.file(t.file).path;
        let main_path = &cx.ws.file(main.file).path;
        let ddl = cx.ws.spring_properties().find(|p| {
            p.file == t.file
                && (p.canonical == "spring.jpa.hibernate.ddlauto"
                    || p.canonical == "spring.jpa.properties.hibernate.hbm2ddl.auto")
                && matches!(p.setting.value.trim(), "create" | "create-drop")
        });
        let names: Vec<String> = vars.iter().map(|v| format!("`{v}`")).collect();
        let mut d = META
            .diag(
                Some(t.setting.value_span),
                format!(
                    "{path} gives the tests `{}: {}`, the same value as {main_path}: the database comes from {} exactly as the application's does, so a shell or CI job that sets {} for the application makes the tests open that database",
                    t.setting.key.value,
                    t.setting.value.trim(),
                    names.join(" and "),
                    if names.len() > 1 { "them" } else { "it" },
                ),
            )
            .with_primary_label("the test configuration's datasource")
            .with_label(main.setting.value_span, "the application's datasource, the same");
        match ddl {
            Some(p) => {
                d.message.push_str(&format!(
                    "; `ddl-auto: {}` beside it drops and recreates the tables when a test context starts",
                    p.setting.value.trim()
                ));
                d = d.with_label(p.setting.value_span, "drops the schema");
                d.severity = Severity::Error;
            }
            None => d.severity = Severity::Warning,
        }
        out.push(d.with_help(
            "give the test configuration a database of its own: an in-memory URL (`jdbc:h2:mem:test`), a test variable with a test default (`${TEST_DB_URL:jdbc:mariadb://localhost/app_test}`), or Testcontainers (`@ServiceConnection`)",
        ));
    }
}

/// A value as a message may quote it: a URL's password and any live key
/// replaced by `****`.
fn shown(value: &str) -> String {
    let mut secrets = Vec::new();
    if value.contains("://") || value.contains("password=") {
        secrets.extend(
            crate::database::DatabaseRef::parse(value, crate::database::DbKeyKind::Url).secrets,
        );
    }
    secrets.extend(crate::mask::live_keys(value));
    crate::mask::mask_ranges(value, &secrets)
}

/// A Node `NODE_ENV=test` config module whose database reads the variable
/// the development dotenv sets (`db: process.env.MONGODB_URL ||
/// '…_test'`): the `_test` default holds only while nothing sets it, and
/// whatever loads `.env` into the process sets it.
fn node_test_configs(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.ws.node_test_configs() {
        let ConfigValue::Env { key, span, default } = &c.value else {
            continue;
        };
        if crate::database::db_key_kind(key, &cx.policy.extra_db_keys).is_none()
            && !key.to_ascii_uppercase().contains("DB")
            && !key.to_ascii_uppercase().contains("DATABASE")
            && !key.to_ascii_uppercase().contains("MONGO")
        {
            continue;
        }
        let runs: Vec<(&crate::model::TestRun, &crate::model::run::NodeRun)> = cx
            .ws
            .node_runs()
            .filter(|(r, _)| r.dir == c.project)
            .collect();
        if runs.iter().any(|(_, n)| n.isolated.is_some())
            || cx
                .ws
                .projects
                .get(&c.project)
                .is_some_and(|f| f.isolating_dependency.is_some())
        {
            continue;
        }
        // a run that sets the variable itself (inline, an env file of its own)
        let set_by_run = runs.iter().any(|(r, _)| {
            r.decided(key)
                .cloned()
                .is_some_and(|s| !is_dev_dotenv(cx, &s))
        });
        if set_by_run {
            continue;
        }
        let Some(dev) = dev_value(cx, &c.project, key) else {
            continue;
        };
        let dev_db =
            crate::database::DatabaseRef::parse(&dev.value, crate::database::DbKeyKind::Url);
        let dev_is_test = dev_db
            .name
            .as_ref()
            .is_some_and(|n| cx.policy.markers.has_test(&n.text))
            || dev_db.in_memory;
        if dev_is_test || dev.is_reference() {
            continue;
        }
        let path = &cx.ws.file(c.file).path;
        let dev_path = &cx.ws.file(dev.value_span.file).path;
        let fallback = default
            .as_ref()
            .map(|(d, _)| format!(" — its `{d}` applies only while nothing sets {key}"))
            .unwrap_or_default();
        let loader = runs
            .iter()
            .find_map(|(_, n)| n.dev_loader.as_ref().map(|(w, _)| w.clone()))
            .or_else(|| {
                runs.iter()
                    .find_map(|(_, n)| n.app_loads_dotenv.as_ref())
                    .map(|d| format!("the app depends on `{d}`, which loads .env"))
            });
        let mut d = META
            .diag_with(
                Severity::Warning,
                Some(*span),
                format!(
                    "the test configuration {path} takes `{}` from {key}, the variable the development dotenv sets{fallback}: {}",
                    c.key,
                    match &loader {
                        Some(l) => format!("{l}, so the tests use the development database"),
                        None => "any shell or loader that sets it sends the tests to the development database".to_string(),
                    }
                ),
            )
            .with_primary_label("the development configuration's variable")
            .with_label(dev.value_span, format!("the development database ({dev_path})"))
            .with_help(format!(
                "read a variable of its own (`process.env.{key}_TEST || …`), or pin the test database in the config module"
            ));
        if let Some((_, at)) = default {
            d = d.with_label(*at, "the test default, which loses");
        }
        if loader.is_some() {
            out.push(super::error_if_wiped(d, cx, &c.project));
        } else {
            out.push(d);
        }
    }
}

/// A class name meant for tests: `TestingConfig`, `TestConfig`, `UnitTestSettings`.
fn is_test_class(name: &str) -> bool {
    name.to_ascii_lowercase().contains("test")
}

/// A Flask test config class whose database is the development one: the
/// URI it inherits, the environment variable the other classes read, or the
/// same literal.
fn flask_configs(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in cx.ws.flask_config_modules() {
        let find = |n: &str| m.classes.iter().find(|c| c.name == n);
        // the URI a class ends with, and the class that writes it
        let effective = |c: &'_ FlaskConfigClass| -> Option<(ConfigValue, String)> {
            let mut cur = c;
            for _ in 0..8 {
                if cur.uri != ConfigValue::Absent {
                    return Some((cur.uri.clone(), cur.name.clone()));
                }
                cur = cur.bases.iter().find_map(|b| find(b))?;
            }
            None
        };
        let code_path = &cx.ws.file(m.file).path;
        // the classes the project's conftests hand the app factory, when they
        // say; a factory called with its default says nothing we can follow
        let choices: Vec<&crate::model::FlaskChoice> = cx
            .ws
            .flask_choices()
            .filter(|(p, _)| is_within(p, &m.project) || is_within(&m.project, p))
            .map(|(_, c)| c)
            .collect();
        let chosen: Vec<&str> = choices
            .iter()
            .filter_map(|c| match c {
                crate::model::FlaskChoice::Class(n, _) => Some(n.as_str()),
                crate::model::FlaskChoice::Key(k, _) => m
                    .by_key
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, n)| n.as_str()),
                crate::model::FlaskChoice::Unknown => None,
            })
            .collect();
        if !choices.is_empty() && chosen.is_empty() {
            continue;
        }
        let judged = |c: &&FlaskConfigClass| {
            if chosen.is_empty() {
                is_test_class(&c.name)
            } else {
                chosen.contains(&c.name.as_str())
            }
        };
        for t in m.classes.iter().filter(judged) {
            let Some((uri, owner)) = effective(t) else {
                continue;
            };
            let others: Vec<(ConfigValue, String)> = m
                .classes
                .iter()
                .filter(|c| c.name != t.name && !is_test_class(&c.name))
                .filter_map(effective)
                .collect();
            let (what, at) = match &uri {
                ConfigValue::Env { key, span, default } => {
                    let shared = owner != t.name
                        || others
                            .iter()
                            .any(|(u, _)| matches!(u, ConfigValue::Env { key: k, .. } if k == key));
                    if !shared {
                        continue;
                    }
                    let fallback = default
                        .as_ref()
                        .map(|(d, _)| format!(" (else `{d}`)"))
                        .unwrap_or_default();
                    (
                        format!(
                            "`{key}`{fallback}, the variable the development configuration reads"
                        ),
                        *span,
                    )
                }
                ConfigValue::Literal { text, span } => {
                    let db =
                        crate::database::DatabaseRef::parse(text, crate::database::DbKeyKind::Url);
                    let test_db = db.in_memory
                        || db
                            .name
                            .as_ref()
                            .is_some_and(|n| cx.policy.markers.has_test(&n.text));
                    let shared = owner != t.name
                        || others.iter().any(
                            |(u, _)| matches!(u, ConfigValue::Literal { text: x, .. } if x == text),
                        );
                    if test_db || !shared || text.trim() == "sqlite://" {
                        continue;
                    }
                    let named = db
                        .name
                        .as_ref()
                        .map(|n| format!("the database `{}`", n.text))
                        .unwrap_or_else(|| "the URI".to_string());
                    (format!("{named} the development configuration uses"), *span)
                }
                _ => continue,
            };
            let how = if owner == t.name {
                "sets SQLALCHEMY_DATABASE_URI to".to_string()
            } else {
                format!("inherits SQLALCHEMY_DATABASE_URI from `{owner}`:")
            };
            let d = META
                .diag_with(
                    Severity::Warning,
                    Some(t.name_span),
                    format!(
                        "the test configuration `{}` ({code_path}) {how} {what}: the app the tests create uses the development database",
                        t.name
                    ),
                )
                .with_primary_label("test configuration")
                .with_label(at, "the database it gets")
                .with_help(format!(
                    "give `{}` its own database: `SQLALCHEMY_DATABASE_URI = os.environ.get(\"TEST_DATABASE_URL\", \"sqlite://\")`",
                    t.name
                ));
            out.push(super::error_if_wiped(d, cx, &m.project));
        }
    }
}

/// A setting written in a development dotenv file (`.env`, `.env.example`).
fn is_dev_dotenv(cx: &Context<'_>, s: &Setting) -> bool {
    cx.ws
        .dev_dotenvs
        .iter()
        .any(|d| d.file == s.value_span.file)
}

/// The development dotenv value of `key` nearest to `dir`.
fn dev_value(cx: &Context<'_>, dir: &str, key: &str) -> Option<Setting> {
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
                    .cloned()
            })
    })
}
