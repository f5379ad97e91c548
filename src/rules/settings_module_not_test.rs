//! TG301 settings-module-not-test.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::EnvSource;

pub struct SettingsModuleNotTest;

static META: RuleMeta = RuleMeta {
    code: "TG301",
    name: "settings-module-not-test",
    default_severity: Severity::Warning,
    summary: "DJANGO_SETTINGS_MODULE names no test module (warning) or a real-environment one (error), or is missing",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
The Django settings module a test run uses — `--ds=` in pytest's `addopts`, a
pytest-env entry, the `DJANGO_SETTINGS_MODULE` ini key, a tox `setenv` or
`--settings=`, a test dotenv file — judged by its dotted path's tokens:
- a test marker (`app.settings.test`, `tests.settings`, `settings_for_test`,
  and for settings modules also `e2e` and `ci`): fine;
- a shared environment's marker (`settings.production`, `settings.staging`):
  **error**;
- a developer's own (`settings.dev`, `settings.development`,
  `settings.local`): a **warning** — Django still creates `test_<NAME>` for
  the run, so the development data survives; an **error** when the suite's
  test code (`conftest.py`) provably wipes the database it reaches, since a
  dev settings module's other connections and services are the developer's
  real ones;
- neither (`app.settings`): warning — the main settings reach the main database
  server and whatever services they configure.

A Django project's active pytest configuration that sets no settings module at
all is a warning: bare `pytest` then uses whatever `DJANGO_SETTINGS_MODULE` the
shell exports. Only the module that wins is judged: `--ds` beats the
environment, which beats the ini key (pytest-django's precedence).

## Why it is dangerous
Production or local settings point at real databases, real caches, real mail
and payment services. Django isolates the *database name* (`test_<NAME>`), not
the rest. A conftest fixture named `django_db_setup` that does not request
pytest-django's own replaces it, and then not even the name is isolated:
no test database is created (pytest-django docs, "Using an existing,
external database for tests"). The message says so and points at the
fixture.

## Example
```ini
[pytest]
DJANGO_SETTINGS_MODULE = shop.settings.production
```

## Fix
A dedicated test settings module: `addopts = --ds=shop.settings.test`.
"#;

/// Markers of a developer's own environment, as opposed to a shared one.
fn is_developer_marker(m: &str) -> bool {
    matches!(m, "dev" | "development" | "local")
}

impl Rule for SettingsModuleNotTest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let markers = &cx.policy.markers;
        for env in &cx.ws.envs {
            for key in ["DJANGO_SETTINGS_MODULE", "DJANGO_CONFIGURATION"] {
                // the resolve stage orders them: the last is the one that wins
                let Some(s) = env.get(key) else {
                    continue;
                };
                let v = s.value.trim();
                // `settings.e2e`, `settings.ci`: modules that exist for test runs
                let test_run = v
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w.eq_ignore_ascii_case("e2e") || w.eq_ignore_ascii_case("ci"));
                if v.is_empty() || s.is_reference() || markers.has_test(v) || test_run {
                    continue;
                }
                let what = if key == "DJANGO_SETTINGS_MODULE" {
                    "settings module"
                } else {
                    "configuration"
                };
                let d = match markers.forbidden_in(v) {
                    // a developer's own settings: Django still runs the tests on
                    // `test_<NAME>`, so the dev data survives unless the suite
                    // wipes what it reaches (then an error) or TEST.NAME names
                    // the real database (TG101)
                    Some(m) if is_developer_marker(&m) => {
                        let d = META
                            .diag_with(
                                Severity::Error,
                                Some(s.value_span),
                                format!(
                                    "{} runs the tests with the {what} `{v}`, a `{m}` {what}: the tests use the development server, caches and services, and only Django's `test_` database prefix keeps them off the development data",
                                    env.name
                                ),
                            )
                            .with_primary_label(format!("`{m}` {what}"));
                        let d = Diagnostic {
                            severity: Severity::Warning,
                            ..d
                        };
                        super::error_if_wiped(d, cx, &env.dir)
                    }
                    Some(m) => META
                        .diag_with(
                            Severity::Error,
                            Some(s.value_span),
                            format!(
                                "{} runs the tests with the {what} `{v}`, a `{m}` {what}: the tests reach that environment's databases and services",
                                env.name
                            ),
                        )
                        .with_primary_label(format!("`{m}` {what}")),
                    None => {
                        // a conftest that replaces pytest-django's
                        // `django_db_setup` takes even the `test_` prefix away
                        let db_setup = cx.ws.django_db_setup_override(&env.dir);
                        let isolation = match db_setup {
                            Some(o) => format!(
                                ", and {}'s `django_db_setup` replaces pytest-django's, so not even a `test_<NAME>` database is created: the tests reach the databases, caches and services these settings configure",
                                cx.ws.file(o.span.file).path
                            ),
                            None => ": Django isolates only the database name (test_<NAME>), not the server, caches or external services these settings reach".to_string(),
                        };
                        let d = META
                            .diag(
                                Some(s.value_span),
                                format!(
                                    "{} runs the tests with the {what} `{v}`, which is not a test {what}{isolation}",
                                    env.name
                                ),
                            )
                            .with_primary_label(format!("not a test {what}"));
                        match db_setup {
                            Some(o) => d.with_label(o.span, "creates no test database"),
                            None => d,
                        }
                    }
                };
                out.push(super::with_test_command(
                    d.with_help(format!(
                        "use a dedicated test {what}, e.g. `--ds={}`",
                        suggest(v)
                    )),
                    env,
                ));
            }
        }
        // a Django project's active pytest config with no settings module at all
        for c in cx.ws.pytest_configs().filter(|c| c.shadowed_by.is_none()) {
            let Some(env) = cx.ws.envs.iter().find(|e| {
                e.source == EnvSource::Pytest && e.file == c.file && e.anchor == c.section
            }) else {
                continue;
            };
            if !env.frameworks.django || env.get("DJANGO_SETTINGS_MODULE").is_some() {
                continue;
            }
            let from_pytest_env = cx.ws.envs.iter().any(|e| {
                e.source == EnvSource::Pytest
                    && e.dir == env.dir
                    && e.get("DJANGO_SETTINGS_MODULE").is_some()
            });
            if from_pytest_env {
                continue;
            }
            out.push(super::with_test_command(
                META.diag(
                    Some(c.section),
                    format!(
                        "{} sets no Django settings module: a bare `pytest` uses whatever DJANGO_SETTINGS_MODULE the shell exports — often the development settings",
                        env.name
                    ),
                )
                .with_primary_label("no DJANGO_SETTINGS_MODULE or --ds here")
                .with_help("add `addopts = --ds=<project>.settings.test` (or `DJANGO_SETTINGS_MODULE = …`) to this section")
            , env));
        }
    }
}

fn suggest(module: &str) -> String {
    match module.rsplit_once('.') {
        Some((pkg, _)) => format!("{pkg}.test"),
        None => format!("{module}.test"),
    }
}
