//! TG302 dev-database-reaches-tests (formerly `missing-test-env-file`).

use super::{Context, Rule, RuleMeta, db_kind_is_db};
use crate::database::db_key_kind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::is_within;

pub struct DevDatabaseReachesTests;

static META: RuleMeta = RuleMeta {
    code: "TG302",
    name: "dev-database-reaches-tests",
    default_severity: Severity::Warning,
    summary: "a test run gets its database from the development configuration (`.env` and its templates, a settings class reading `.env`, an e2e server started without a test environment) and nothing in the run overrides it",
    docs: DOCS,
    supersedes: &[],
    aliases: &["missing-test-env-file"],
};

const DOCS: &str = r#"Formerly named `missing-test-env-file` (it also fires where a test env file
exists and the run never loads it); the old name is still accepted in
`testguard.toml`, `--select` and `ignore[…]` comments.

## What it checks
A Node project (a `package.json` with jest, vitest, mocha or Playwright, or a
`jest.config.*`) whose development dotenv files (`.env`, `.env.example`,
`.env.sample`, …) define a database, but with no test dotenv file
(`.env.test`, `.env.testing`, …) anywhere in the project. A project with no
database anywhere gets nothing.

## Why it is dangerous
Test setups load dotenv files too (`dotenv/config` in a setup file, Next.js,
Bun, Playwright configs): with no test file, the tests read the development
database URL, and their cleanup runs against it.

## Example
`.env.example` with `DATABASE_URL=postgres://…/app` and no `.env.test`.

Only the files a test run can load count: `.env` and the templates it is
made from (`.env.example`, `.env.sample`, `example.env`). `.env.local` and
`.env.development` belong to the dev server: `next/jest` skips them in test
(next.js `build/jest/jest.ts`), and Vitest puts only `VITE_*` keys of its
env files into `import.meta.env`, none into `process.env`
(vite.dev/guide/env-and-mode).

Resolved per test run (`package.json` test scripts): silent when the run sets
the database itself — an inline `DATABASE_URL=…` or `cross-env`, an env file
it loads (`dotenv -e`, `env-cmd`), Vitest's `test.env`, a setup file
loading a test env file — when it names a test env file the repository lacks
(TG106's), when a `NODE_ENV=test` config module decides the database
(TG107's), and when the database lives only in the script (TG212's).

### A test dotenv the run never loads
A package with a test dotenv (`.env.test` naming a database) whose test run
loads the development `.env` and never that file: jest's `setupFiles:
['dotenv/config']` (which reads `.env`, not `.env.test`), a setup file's
plain `dotenv.config()`, a runner config's `config({ path: '../.env' })`,
Prisma ≤ 6. The tests get `.env`'s database while the file that looks like
their configuration is dead. Silent when something in the run does load the
test file (`dotenv -e .env.test`, `next/jest`, a setup's `config({ path:
'.env.test' })`). A package with a committed test dotenv has its runner
configs read but not its setup files: a setup file's own `dotenv.config()`
there goes unseen (a miss, never a false finding).

### E2e servers
Playwright's `webServer.command`, and the server a test script starts with
`start-server-and-test SERVER URL 'cypress run'`, when it is the app's own
start command with no test environment (no `NODE_ENV=test`, test env file,
`--mode test`, or database key in the entry's `env`): Playwright loads no env
file and Cypress tests whatever serves `baseUrl`, so the app reads the
developer's `.env` and the e2e tests write to its database; with
`reuseExistingServer` they may even use the running dev server
(playwright.dev/docs/test-webserver). A mock API (`dev:mock`) serves none.

### Framework loaders
`next/jest` and Blitz's jest preset load `.env.test.local`, `.env.test`,
`.env`; Nx loads `.env.test`, `.env.local`, `.env` for a `test` target;
Vite's `loadEnv` in Vitest's `test.env` reads `.env.test.local`, `.env.test`,
`.env.local`, `.env`; `dotenv -c test` the same cascade. Remix has no test
loader of its own (`remix dev` loads `.env` for the dev server only): its
tests get `.env` only through a setup file, Prisma ≤ 6 or an e2e server.
Redwood's api test setup points `DATABASE_URL` at `TEST_DATABASE_URL` or
`.redwood/test.db`: isolation.

### Rails: dotenv-rails and a `.env` template
A Rails app whose Gemfile requires `dotenv-rails` in test, whose `.env` is
not in the repository but made from a template (`.env.example`,
`.env.sample`) that sets `DATABASE_URL` to a database with no test marker,
with no `.env.test`/`.env.test.local` setting `DATABASE_URL`. dotenv-rails
loads `.env.test.local`, `.env.test`, then `.env` in test, none overwriting
(bkeepers/dotenv, `lib/dotenv/rails.rb`), and Active Record merges
`DATABASE_URL` over the `test` entry of `config/database.yml`, where it
wins (guides.rubyonrails.org/configuring.html): the developer's copy runs
the tests on the development database.
Silent when the `test` entry has a `url` of its own, when dotenv-rails is
only in the `development` group, and for a multi-database entry. A
committed `.env` is TG105's.

### TypeORM 0.2: `ormconfig.json`
TypeORM ≤ 0.2 reads `ormconfig.json` (a README copies it from
`ormconfig.json.example`) in every environment unless `TYPEORM_*` variables
are set. A package whose test runs set none of them tests on the database it
names; `synchronize: true` or `dropSchema: true` there rewrites it.

Silent when the project (or a workspace below it) depends on a package that
gives the tests a database of their own — `mongodb-memory-server`,
`@shelf/jest-mongodb`, `testcontainers` (`@testcontainers/*`), `pg-mem`: the
run is isolated in code.

### Python: a settings object that loads the development `.env`
A pydantic-settings class (`BaseSettings` with `env_file=".env"` in
`model_config` or `class Config:`) or a Starlette `Config(".env")` that reads
a database variable (`database_url`, `POSTGRES_DB`…), in a project whose
development dotenv (`.env`, or the `.env.example` it is made from) names a
database that is not a test one — and nothing in the test run sets the
variable first: no pytest-env entry, no test dotenv file in the project, no
`os.environ[...] =` / `monkeypatch.setenv` in a `conftest.py`, no
`dependency_overrides` or testcontainers there. Both libraries let the
environment win over the file (docs.pydantic.dev settings;
starlette.io/config), so those are what isolate a run. A warning; an error
when a `conftest.py` provably wipes the database (`drop_all`, `drop_database`,
`TRUNCATE`). A literal `env_file` resolves from the working folder (the
project's); one built from the module's own location is that file
wherever pytest runs: `BASE_DIR / ".env"` with a module-level `BASE_DIR =
Path(__file__).resolve().parent.parent`, `Path(__file__).parent /
"../.env"`, `os.path.join(os.path.dirname(__file__), "..", ".env")`
(`abspath`, `realpath` and `str(…)` around them). A path chosen by a
condition or a function is code: no finding.

A module that loads the file itself counts the same: python-dotenv's
`load_dotenv()` (no argument: `find_dotenv` looks for `.env` from the
calling file's folder upwards; it never overwrites an exported variable
unless `override=True`) followed, at the module's top, by a read of a
database variable (`DB_URL = os.environ["DB_URL"]`, `os.getenv(…)`). Where
the repository holds neither `.env` nor a template of it, the database is
the developer's own copy, unseen: `testguard runs` lists the run as
unresolved at the `load_dotenv()` call, and the rule reports it only with
proof that the suite reaches and wipes it — a `conftest.py` that imports the
module's package, builds no engine of its own (`create_engine(…)`), and
drops or truncates (`metadata.drop_all`) — with nothing in the run setting
the variable first. That is an error.

### Flask-SQLAlchemy 3: a test URI set after the factory ran
Flask-SQLAlchemy 3 creates its engines in `db.init_app(app)` from the
configuration of that moment; "the configuration is not read again after
that" (flask-sqlalchemy.palletsprojects.com, Configuration). A conftest that
builds the app (`app = create_app()`) and only then sets
`app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///:memory:"` changes
nothing: the tests use the URI the app was created with. When every config
class of the app's config module ends with the same URI (no class of its own
for tests, so the factory's choice does not matter), that URI is the tests'
database: a warning, an error when the conftest drops or truncates it.
Silent on Flask-SQLAlchemy 2 (`==2.5.1`, `<3`: its engine is made lazily
from the configuration of the moment), when the URI is handed to the
factory (`create_app(TestingConfig)`), when the variable the URI reads is set
for the run first (pytest-env, a conftest `os.environ[…]`), and when the
shared URI is a test or in-memory database.

### Dynaconf: a test environment the run never picks
A Dynaconf object (`Dynaconf(environments=True, …)`, or `FlaskDynaconf(app)`,
which turns environments on and switches on `FLASK_ENV`) reads one section
of its settings files per environment: `FORCE_ENV_FOR_DYNACONF`, else the
switcher variable (`ENV_FOR_DYNACONF`, `env_switcher=`), else
`development`; a key's value is `[global]`'s, else the environment's, else
`[default]`'s (dynaconf `base.py`, `utils/__init__.py build_env_list`).
Nothing switches to a testing environment by itself. When the files hold a
section named for tests with a test database (`[testing]
SQLALCHEMY_DATABASE_URI = "sqlite:///test.db"`) and nothing in the test
run picks it — no `create_app(FORCE_ENV_FOR_DYNACONF="testing")` in a
conftest, no pytest-env entry, no conftest `os.environ[…] =` at the top —
a bare `pytest` reads `development`, whose database is named: a warning,
an error when the conftest drops or truncates it. A Makefile or CI job
that exports the switcher does not count (`pytest` typed alone skips
it). A conftest that switches in code (`settings.setenv(…)`,
`from_env`, `using_env`, `configure`) leaves the run unresolved: what was
built at import keeps the environment it had. `configure` on `from dynaconf
import settings` under `FlaskDynaconf` changes nothing for `app.config`
(it has an object of its own). `testguard runs` lists each Dynaconf object
with the environment the run gets and its database.

pytest-dotenv loads `.env` (or the `env_files` its ini options list,
found from the working folder upwards) into `os.environ` before any test
module is imported, without overriding what is exported unless
`env_override_existing_values = 1` (pytest-dotenv `plugin.py`): a project
that declares it (requirements, `pyproject.toml`) or sets `env_files` gets
the same finding, at the entry or the dependency that loads `.env`. Not in
a Django project: Django runs its tests on `test_<NAME>`. A production,
staging or live database in that `.env` is TG102's finding instead.

## Fix
Add a `.env.test` with a test database (`DATABASE_URL=…/app_test`) and load it
in the test setup; or derive the test database in code and suppress with a
reason.
"#;

impl Rule for DevDatabaseReachesTests {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let covered_by_tg212 =
            super::script_database::covered_dirs(cx.ws, &cx.policy.extra_db_keys);
        for (dir, c) in &cx.ws.projects {
            // a Node package with tests here or in a workspace below; the dotenv
            // of a Laravel, Symfony or Django app belongs to that app, not to its JS tests
            let node = c.frameworks.node || (c.node_root && c.node_tests_below);
            let other = c.frameworks.laravel || c.frameworks.symfony || c.frameworks.django;
            if !node || other {
                continue;
            }
            let has_test_file = cx
                .ws
                .test_dotenv_dirs
                .iter()
                .any(|(d, _)| is_within(d, dir));
            if has_test_file {
                continue;
            }
            // the run resolves its database: from its script, its runner's
            // config or setup, or TG212 says it lives only in the script
            if node_run_sets_database(cx, dir) || covered_by_tg212.contains(&dir.as_str()) {
                continue;
            }
            // isolated in code: the suite starts its own database
            if cx
                .ws
                .projects
                .iter()
                .any(|(d, f)| is_within(d, dir) && f.isolating_dependency.is_some())
            {
                continue;
            }
            let db = cx
                .ws
                .dev_dotenvs
                .iter()
                .filter(|d| d.dir == *dir && loaded_by_node_tests(&cx.ws.file(d.file).path))
                .find_map(|d| {
                    d.settings.iter().find(|s| {
                        db_key_kind(&s.key.value, &cx.policy.extra_db_keys)
                            .is_some_and(db_kind_is_db)
                            && !s.value.trim().is_empty()
                            && !cx.policy.markers.has_test(&s.key.value)
                    })
                });
            let Some(s) = db else {
                typeorm_config(cx, dir, out);
                continue;
            };
            let path = &cx.ws.file(s.key.span.file).path;
            let project = if dir.is_empty() {
                "the repository root".to_string()
            } else {
                format!("`{dir}`")
            };
            out.push(
                META.diag(
                    Some(s.key.span),
                    format!(
                        "the Node project in {project} configures a database in {path} but has no test dotenv file: {}",
                        match cx.ws.node_runs().filter(|(r, _)| r.dir == *dir).find_map(|(_, n)| n.dev_loader.as_ref()) {
                            Some((loader, _)) => format!("{loader}, so unless the test setup picks another database in code, its tests use this development one"),
                            None => "unless the test setup picks another database in code, its tests use this development one".to_string(),
                        }
                    ),
                )
                .with_primary_label("development database")
                .with_help(format!("add a .env.test beside {path} with `{}` pointing at a test database, and load it in the test setup", s.key.value)),
            );
        }
        loaded_elsewhere(cx, out);
        test_dotenv_never_loaded(cx, out);
        e2e_servers(cx, out);
        python_settings(cx, out);
        flask_late_uri(cx, out);
        dynaconf_default_env(cx, out);
        rails_templates(cx, out);
    }
}

/// A package whose test dotenv no loader of its test run reads, while one
/// loads the development `.env` (`setupFiles: ['dotenv/config']`, a setup
/// file's plain `dotenv.config()`, Prisma ≤ 6): the test file is dead and
/// the tests get `.env`'s database (`dotenv/config` reads `.env`, not
/// `.env.test`: motdotla/dotenv README).
fn test_dotenv_never_loaded(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::source::SourceKind;
    let mut seen: Vec<crate::source::FileId> = Vec::new();
    for (run, node) in cx.ws.node_runs() {
        let Some((loader, _)) = &node.dev_loader else {
            continue;
        };
        // a setup file that was not read may load the test file itself
        if node.isolated.is_some() || node.unread_setup {
            continue;
        }
        // the run reads a test dotenv (next/jest, `dotenv -e .env.test`, a
        // setup's `config({ path: '.env.test' })`): not this trap
        let reads_test_file = run.layers.iter().any(|l| {
            l.file
                .is_some_and(|f| cx.ws.file(f).kind == SourceKind::DotenvTest)
        });
        if reads_test_file {
            continue;
        }
        for env in cx.ws.envs.iter().filter(|e| {
            e.source == crate::model::EnvSource::Dotenv
                && e.dir == run.dir
                && cx.ws.file(e.file).kind == SourceKind::DotenvTest
        }) {
            if seen.contains(&env.file) {
                continue;
            }
            let Some(s) = env.settings.iter().find(|s| {
                db_key_kind(&s.key.value, &cx.policy.extra_db_keys).is_some_and(db_kind_is_db)
                    && !s.value.trim().is_empty()
            }) else {
                continue;
            };
            // the run sets that database itself (inline, `test.env`): the
            // test file's value would not matter either
            let set_by_run = run
                .decided(&s.key.value)
                .cloned()
                .is_some_and(|d| cx.ws.file(d.value_span.file).kind != SourceKind::DotenvDev);
            if set_by_run {
                continue;
            }
            seen.push(env.file);
            let test_file = &cx.ws.file(env.file).path;
            out.push(
                META.diag(
                    Some(s.key.span),
                    format!(
                        "{} never loads {test_file}: {loader}, so the tests get the development `.env`'s `{}`, not this one",
                        run.name, s.key.value
                    ),
                )
                .with_primary_label("never loaded")
                .with_label(node.runner_span, "the test run")
                .with_help(format!(
                    "load {test_file} in the test setup (`dotenv.config({{ path: '{}' }})` before anything loads `.env`), or run the tests with `dotenv -e {} -- …`",
                    test_file.rsplit('/').next().unwrap_or(test_file),
                    test_file.rsplit('/').next().unwrap_or(test_file)
                )),
            );
        }
    }
}

/// A Playwright `webServer` that starts the app with the developer's
/// `.env`: the e2e suite's data goes to the development database.
fn e2e_servers(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for s in cx.ws.e2e_servers() {
        let db = cx
            .ws
            .dev_dotenvs
            .iter()
            .filter(|d| d.dir == s.served_dir && loaded_by_node_tests(&cx.ws.file(d.file).path))
            .find_map(|d| {
                d.settings.iter().find(|x| {
                    db_key_kind(&x.key.value, &cx.policy.extra_db_keys).is_some_and(db_kind_is_db)
                        && !x.value.trim().is_empty()
                        && !cx.policy.markers.has_test(&x.value)
                })
            });
        let Some(dev) = db else { continue };
        let file = &cx.ws.file(dev.key.span.file).path;
        let config = &cx.ws.file(s.config).path;
        let mut d = META
            .diag(
                Some(s.command),
                format!(
                    "{config} starts the e2e suite's server with a command that gives it no test environment: the app reads the developer's .env, whose database ({file}) the e2e tests then write to"
                ),
            )
            .with_primary_label("the app's own start command")
            .with_label(dev.value_span, "the database the server gets")
            .with_help(format!(
                "start the server with a test environment (`dotenv -e .env.test -- npm run start`, or `env: {{ {}: '…_test' }}` in the webServer entry)",
                dev.key.value
            ));
        if let Some(r) = s.reuse {
            d = d.with_label(
                r,
                "or reuses whatever already runs on the port: the dev server",
            );
        }
        out.push(d);
    }
}

/// A Node run whose runner config or setup file loads a development `.env`
/// outside its own package (`config({ path: '../.env' })`): the folder check
/// above does not see it, and the database that `.env` (or the template it
/// is made from) names is what the tests get.
fn loaded_elsewhere(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<&str> = Vec::new();
    for (run, node) in cx.ws.node_runs() {
        let (Some(path), Some((loader, _))) = (&node.dev_dotenv, &node.dev_loader) else {
            continue;
        };
        let dev_dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        if dev_dir == run.dir || seen.contains(&run.dir.as_str()) {
            continue;
        }
        if node_run_sets_database(cx, &run.dir) {
            continue;
        }
        let template = |p: &str| {
            let name = p.rsplit('/').next().unwrap_or(p);
            p == path
                || name
                    .split(['.', '-', '_'])
                    .any(|w| matches!(w, "example" | "sample" | "template" | "dist"))
        };
        let db = cx
            .ws
            .dev_dotenvs
            .iter()
            .filter(|d| d.dir == dev_dir && template(&cx.ws.file(d.file).path))
            .find_map(|d| {
                d.settings.iter().find(|s| {
                    db_key_kind(&s.key.value, &cx.policy.extra_db_keys).is_some_and(db_kind_is_db)
                        && !s.value.trim().is_empty()
                        && !cx.policy.markers.has_test(&s.value)
                })
            });
        let Some(s) = db else { continue };
        seen.push(&run.dir);
        let file = &cx.ws.file(s.key.span.file).path;
        out.push(
            META.diag(
                Some(s.key.span),
                format!(
                    "{} runs {} with {path} loaded ({loader}), and nothing in the run sets the database: the tests use the development one {file} configures",
                    run.name, run.runner
                ),
            )
            .with_primary_label("development database")
            .with_label(node.runner_span, "the test run")
            .with_help(format!(
                "load a test env file instead (`.env.test` with `{}` pointing at a test database), or set it in the runner config (Vitest's `test.env`)",
                s.key.value
            )),
        );
    }
}

/// Whether a Node test run can load this development dotenv: `.env` and
/// the templates it is made from. `.env.local` and `.env.development*` are
/// the dev server's (Next.js and `next/jest`, Vite and Vitest skip them in
/// test, or load only `VITE_*` keys; dotenv loads `.env`).
fn loaded_by_node_tests(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    !name
        .split(['.', '-', '_'])
        .any(|w| matches!(w, "local" | "development" | "dev" | "production" | "prod"))
}

/// TypeORM ≤ 0.2 reads `ormconfig.json` in every environment unless
/// `TYPEORM_*` variables are set (typeorm CHANGELOG 0.3.0): a package whose
/// only connection file names a development database, and whose test run
/// sets none of them, tests on that database.
fn typeorm_config(cx: &Context<'_>, dir: &str, out: &mut Vec<Diagnostic>) {
    let version = cx
        .ws
        .files
        .iter()
        .find(|f| f.kind == crate::source::SourceKind::PackageJson && f.dir() == dir)
        .and_then(|f| serde_json::from_str::<serde_json::Value>(&f.text).ok())
        .and_then(|v| {
            ["dependencies", "devDependencies"]
                .iter()
                .find_map(|s| v.get(s)?.get("typeorm")?.as_str().map(str::to_string))
        });
    let Some(version) = version else { return };
    let v = version.trim_start_matches(['^', '~', '=', 'v', ' ']);
    if !(v.starts_with("0.2") || v.starts_with("0.1")) {
        return;
    }
    let sets_typeorm = cx
        .ws
        .node_runs()
        .filter(|(r, _)| r.dir == dir)
        .any(|(r, _)| {
            r.layers.iter().any(|l| {
                l.settings
                    .iter()
                    .any(|s| s.key.value.starts_with("TYPEORM_"))
            })
        });
    if sets_typeorm {
        return;
    }
    for c in cx.ws.orm_configs().filter(|c| c.project == dir) {
        let crate::model::ConfigValue::Literal { text, span } = &c.database else {
            continue;
        };
        let db = crate::database::DatabaseRef::parse(text, crate::database::DbKeyKind::Name);
        let test_db = db.in_memory
            || db
                .name
                .as_ref()
                .is_some_and(|n| cx.policy.markers.has_test(&n.text));
        if test_db || text.trim().is_empty() {
            continue;
        }
        let path = &cx.ws.file(c.file).path;
        let mut d = META
            .diag(
                Some(*span),
                format!(
                    "TypeORM {v} reads {} in every environment and no test run sets `TYPEORM_*`: the tests connect to `{text}`, the development database",
                    path.trim_end_matches(".example").trim_end_matches(".dist")
                ),
            )
            .with_primary_label("development database")
            .with_help("give the tests their own connection: `TYPEORM_DATABASE=…_test` in a committed .env.test the test setup loads, or a test ormconfig chosen by `NODE_ENV`");
        if let Some((what, at)) = &c.rewrites_schema {
            d = d.with_label(*at, what.to_string());
        }
        out.push(d);
    }
}

/// A Node run of the package in `dir` sets a database variable through a
/// layer of its own (an inline assignment, an env file it loads that is
/// not the development one, Vitest's `test.env`), or picks it in code.
fn node_run_sets_database(cx: &Context<'_>, dir: &str) -> bool {
    use crate::model::run::LayerKind;
    // a `NODE_ENV=test` config module decides the database: TG107 judges it
    if cx.ws.node_test_configs().any(|c| c.project == dir) {
        return true;
    }
    cx.ws
        .node_runs()
        .filter(|(r, _)| r.dir == dir)
        .any(|(r, n)| {
            // a run that names a test env file: whether it is missing is TG106's
            n.isolated.is_some()
                || !n.missing.is_empty()
                || r.layers.iter().any(|l| {
                    l.kind != LayerKind::Caller
                        && l.file.is_none_or(|f| {
                            cx.ws.file(f).kind != crate::source::SourceKind::DotenvDev
                        })
                        && l.settings.iter().any(|s| {
                            db_key_kind(&s.key.value, &cx.policy.extra_db_keys)
                                .is_some_and(db_kind_is_db)
                        })
                })
        })
}

/// A Python settings object that loads the development dotenv's database,
/// with nothing in the test run setting the variable first.
/// A Rails app with dotenv-rails whose `.env` is made from a template that
/// sets `DATABASE_URL`: the developer's copy is loaded in test too, and its
/// `DATABASE_URL` merges over the `test` entry of `config/database.yml`.
fn rails_templates(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (run, rails) in cx.ws.rails_runs() {
        if rails.entry_has_url || run.decided("DATABASE_URL").cloned().is_some() {
            continue;
        }
        let found = rails.templates.iter().find_map(|t| {
            let s = cx
                .ws
                .dotenv_settings(*t)
                .into_iter()
                .rev()
                .find(|s| s.key.value == "DATABASE_URL")?;
            if s.is_reference() {
                return None;
            }
            let db = crate::database::DatabaseRef::parse(&s.value, crate::database::DbKeyKind::Url);
            let name = db.name.as_ref().filter(|n| !n.is_reference())?;
            (!db.in_memory && !cx.policy.markers.has_test(&name.text))
                .then(|| (s.clone(), name.text.clone(), name.range.clone()))
        });
        let Some((s, name, range)) = found else {
            continue;
        };
        let template = &cx.ws.file(s.value_span.file).path;
        let yml = &cx.ws.file(rails.database_yml).path;
        let gem = rails.dotenv_gem_name;
        let env_path = crate::paths::join(&run.dir, ".env");
        let base = ["_development", "_dev"]
            .iter()
            .find_map(|sfx| name.strip_suffix(sfx))
            .unwrap_or(&name);
        let d = META
            .diag(
                Some(s.value_sub_span(range)),
                format!(
                    "{env_path} is made from {template}, whose `DATABASE_URL` names the development database `{name}`; {gem} loads {env_path} in test, no .env.test sets `DATABASE_URL` first, and Active Record merges it over the `test` entry of {yml}, so the tests would run on `{name}`"
                ),
            )
            .with_primary_label("the development database")
            .with_label(rails.dotenv_gem, "loads .env in test too")
            .with_help(format!(
                "add a .env.test beside it with `DATABASE_URL` naming a test database (`…/{base}_test`): {gem} loads it before .env and never overwrites a variable"
            ));
        out.push(d);
    }
}

/// Whether the project's tests get a database of their own another way: a
/// test dotenv file in the project, or a dependency that isolates them
/// (testcontainers, an in-memory server).
fn python_tests_set_apart(cx: &Context<'_>, project: &str) -> bool {
    cx.ws
        .test_dotenv_dirs
        .iter()
        .any(|(d, _)| is_within(d, project))
        || cx
            .ws
            .projects
            .iter()
            .any(|(d, f)| is_within(d, project) && f.isolating_dependency.is_some())
}

/// Whether something in the test run sets `key` before the settings read it:
/// a pytest-env entry, or a conftest's `os.environ[…] =` / `setenv`.
fn python_key_overridden(cx: &Context<'_>, project: &str, key: &str) -> bool {
    cx.ws
        .pytest_configs()
        .filter(|c| is_within(&c.dir, project) || is_within(project, &c.dir))
        .any(|c| {
            c.settings
                .iter()
                .any(|s| s.key.value.eq_ignore_ascii_case(key))
        })
        || cx
            .ws
            .test_code_env_writes()
            .any(|w| is_within(&w.project, project) && w.key.eq_ignore_ascii_case(key))
}

/// A module that loads `.env` itself (`load_dotenv()`) and reads the
/// database from it, in a project that holds no `.env` nor a template of
/// one: the value is the developer's, unseen. Reported only with proof that
/// the suite reaches it and wipes it — a conftest that imports the module's
/// package, builds no engine of its own, and drops or truncates — and with
/// nothing in the run setting the variable first.
fn unheld_dotenv_wiped(
    cx: &Context<'_>,
    ps: &crate::model::PythonDotenvSettings,
) -> Option<Diagnostic> {
    let module = ps.module.as_deref()?;
    let project = ps.project.as_str();
    let path = crate::paths::join(project, &ps.env_file);
    if cx.ws.files.iter().any(|f| f.path == path) {
        return None;
    }
    let py = &cx.ws.projects.get(project)?.python;
    let package = module.split('.').next().unwrap_or(module);
    let reached = py
        .conftest_imports
        .iter()
        .any(|m| m == module || m.split('.').next() == Some(package));
    if !reached || py.conftest_builds_engine {
        return None;
    }
    if !matches!(cx.ws.wipe_evidence(project), crate::model::Wipe::Proven(_)) {
        return None;
    }
    let key = ps
        .keys
        .iter()
        .find(|k| !python_key_overridden(cx, project, k))?;
    let d = META
        .diag(
            Some(ps.env_file_span),
            format!(
                "{} loads {key} from `{}`, which the repository does not hold: the developer's own copy, the one the application runs on. The suite's conftest imports `{package}` and builds no engine of its own, and nothing in the test run sets {key} first (no pytest-env entry, test dotenv or conftest write): pytest runs on the developer's database",
                ps.what, ps.env_file
            ),
        )
        .with_primary_label("loads the development dotenv")
        .with_help(format!(
            "set {key} for the tests before `{module}` is imported: a pytest-env entry (`env = {key}=…_test`), `os.environ[\"{key}\"] = …` at the top of conftest.py, or a .env.test the module loads under pytest"
        ));
    Some(super::error_if_wiped(d, cx, project))
}

/// A Dynaconf object whose files hold a test environment the test run
/// never picks: Dynaconf then reads `development` (the switcher unset), and
/// its database is no test database.
fn dynaconf_default_env(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::model::DynaconfChoice;
    for d in cx.ws.dynaconf_settings() {
        if !d.environments || d.test_env != DynaconfChoice::Default {
            continue;
        }
        let project = d.project.as_str();
        if python_tests_set_apart(cx, project)
            || ["FORCE_ENV_FOR_DYNACONF", d.switcher.as_str()]
                .iter()
                .any(|k| python_key_overridden(cx, project, k))
        {
            continue;
        }
        // a section named for tests that sets a database: the one meant
        let Some(test_value) = d
            .values
            .iter()
            .find(|v| cx.policy.markers.has_test(&v.section) && cx.url_is_test(&v.value))
        else {
            continue;
        };
        let env = d.env_name();
        let Some(dev) = d
            .merged(env)
            .into_iter()
            .find(|v| v.key.eq_ignore_ascii_case(&test_value.key))
        else {
            continue;
        };
        if cx.url_is_test(&dev.value) {
            continue;
        }
        let dev_path = &cx.ws.file(dev.span.file).path;
        let call_path = &cx.ws.file(d.call.file).path;
        let db = crate::database::DatabaseRef::parse(&dev.value, crate::database::DbKeyKind::Url);
        let Some(name) = db.name.filter(|n| !n.is_reference()) else {
            continue;
        };
        let diag = META
            .diag(
                Some(dev.span),
                format!(
                    "the test run never picks the Dynaconf environment `{}` that {dev_path} holds for the tests: nothing in it sets `{}` or `FORCE_ENV_FOR_DYNACONF` (no pytest-env entry, no `create_app(FORCE_ENV_FOR_DYNACONF=…)`, no conftest `os.environ[…]`), so {} in {call_path} reads `{env}` and the tests use its `{}`, database `{}`",
                    test_value.section, d.switcher, d.what, dev.key, name.text
                ),
            )
            .with_primary_label(format!("the `{}` database the tests get", dev.section))
            .with_label(test_value.span, "the tests' database, never selected")
            .with_label(d.call, "picks its environment from the caller")
            .with_help(format!(
                "pick the test environment inside the test run: `create_app(FORCE_ENV_FOR_DYNACONF=\"{0}\")` in conftest.py, or a pytest-env entry `FORCE_ENV_FOR_DYNACONF={0}`",
                test_value.section
            ));
        out.push(super::error_if_wiped(diag, cx, project));
    }
}

/// A conftest that sets `SQLALCHEMY_DATABASE_URI` after the app factory
/// ran, in a project on Flask-SQLAlchemy 3: `init_app` made the engine from
/// the app's own configuration, so the tests use the URI every config
/// class of the module shares (whichever the factory picks).
fn flask_late_uri(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::model::ConfigValue;
    for m in cx.ws.flask_config_modules() {
        let project = m.project.as_str();
        let Some(py) = cx.ws.projects.get(project).map(|p| &p.python) else {
            continue;
        };
        let Some(late) = py.flask_late_uri else {
            continue;
        };
        if !py.flask_sqlalchemy_binds_at_init {
            continue;
        }
        if python_tests_set_apart(cx, project) {
            continue;
        }
        // the class that writes each class's URI (its own, else a base's)
        let find = |n: &str| m.classes.iter().find(|c| c.name == n);
        let owner = |c: &crate::model::FlaskConfigClass| -> Option<String> {
            let mut cur = c;
            for _ in 0..8 {
                if cur.uri != ConfigValue::Absent {
                    return Some(cur.name.clone());
                }
                cur = cur.bases.iter().find_map(|b| find(b))?;
            }
            None
        };
        let owners: Vec<Option<String>> = m.classes.iter().map(owner).collect();
        // every class ends with one URI, so the factory's choice decides nothing
        let Some(Some(first)) = owners.first() else {
            continue;
        };
        if owners.iter().any(|o| o.as_ref() != Some(first)) {
            continue;
        }
        let Some(class) = find(first) else { continue };
        let (shown, at) = match &class.uri {
            ConfigValue::Env { key, span, default } => {
                if python_key_overridden(cx, project, key) {
                    continue;
                }
                // a default named for tests is what most checkouts get
                if default.as_ref().is_some_and(|(d, _)| cx.url_is_test(d)) {
                    continue;
                }
                let fallback = default
                    .as_ref()
                    .map(|(d, _)| format!(", else `{d}`"))
                    .unwrap_or_default();
                (
                    format!("`{key}` from the environment or `.env`{fallback}"),
                    *span,
                )
            }
            ConfigValue::Literal { text, span } => {
                if cx.url_is_test(text) {
                    continue;
                }
                (format!("`{text}`"), *span)
            }
            _ => continue,
        };
        let late_path = &cx.ws.file(late.file).path;
        let code_path = &cx.ws.file(m.file).path;
        let d = META
            .diag(
                Some(late),
                format!(
                    "{late_path} sets SQLALCHEMY_DATABASE_URI after the app factory has run: Flask-SQLAlchemy 3 creates the engine in `init_app` and never reads the setting again, so the tests use the app's own database, {shown} (`{}.SQLALCHEMY_DATABASE_URI` in {code_path}, shared by every config class of the module)",
                    class.name
                ),
            )
            .with_primary_label("too late: the engine already exists")
            .with_label(at, "the database the engine was made with")
            .with_help(
                "hand the test URI to the factory (`create_app({\"SQLALCHEMY_DATABASE_URI\": \"sqlite://\"})`, or a testing config class it applies before `db.init_app`), or set the variable the config reads before the app is created",
            );
        out.push(super::error_if_wiped(d, cx, project));
    }
}

fn python_settings(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for ps in cx.ws.python_dotenv_settings() {
        let file_name = ps.env_file.rsplit('/').next().unwrap_or(&ps.env_file);
        if file_name != ".env" {
            continue;
        }
        let project = ps.project.as_str();
        // Django tests on `test_<NAME>`, created beside the configured one
        if cx.ws.frameworks_of(project).django {
            continue;
        }
        if python_tests_set_apart(cx, project) {
            continue;
        }
        // `.env` itself, else the template it is made from
        let dev = cx
            .ws
            .dev_dotenvs
            .iter()
            .filter(|d| d.dir == project)
            .filter(|d| {
                let name = cx.ws.file(d.file).file_name();
                name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
            })
            .flat_map(|d| d.settings.iter())
            .find(|s| {
                ps.keys.iter().any(|k| s.key.value.eq_ignore_ascii_case(k))
                    && !s.value.trim().is_empty()
                    && !s.is_reference()
            });
        let Some(dev) = dev else {
            out.extend(unheld_dotenv_wiped(cx, ps));
            continue;
        };
        let Some(kind) = db_key_kind(&dev.key.value, &cx.policy.extra_db_keys) else {
            continue;
        };
        let db = crate::database::DatabaseRef::parse(&dev.value, kind);
        let Some(name) = db.name.as_ref() else {
            continue;
        };
        if name.is_reference() || db.in_memory || cx.policy.markers.has_test(&name.text) {
            continue;
        }
        // a production or staging database there is TG102's finding
        if super::names_real_environment(cx, &db) {
            continue;
        }
        let key = &dev.key.value;
        if python_key_overridden(cx, project, key) {
            continue;
        }
        let dev_path = &cx.ws.file(dev.key.span.file).path;
        let code_path = &cx.ws.file(ps.env_file_span.file).path;
        let d = META
            .diag(
                Some(ps.env_file_span),
                format!(
                    "{} ({code_path}) loads {key} from `.env`, and nothing in the test run sets it first (no pytest-env entry, test dotenv or conftest write): pytest runs on the development database `{}` ({dev_path})",
                    ps.what, name.text
                ),
            )
            .with_primary_label("the development dotenv")
            .with_label(dev.value_span, "the development database")
            .with_help(format!(
                "set {key} for the tests before the settings are imported: a pytest-env entry (`env = {key}=…_test`), `os.environ[\"{key}\"] = …` at the top of conftest.py, or a .env.test the settings load under pytest"
            ));
        out.push(super::error_if_wiped(d, cx, project));
    }
}
