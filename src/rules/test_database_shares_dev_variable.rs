//! TG107 test-database-shares-dev-variable.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{ConfigValue, RunFramework, Setting, is_within};

pub struct TestDatabaseSharesDevVariable;

static META: RuleMeta = RuleMeta {
    code: "TG107",
    name: "test-database-shares-dev-variable",
    default_severity: Severity::Error,
    summary: "a test run selects its own connection, but that connection's database reads the same variable as development and nothing in the run sets it",
    docs: DOCS,
    supersedes: &[],
};

const DOCS: &str = r#"## What it checks
A Laravel test run that selects a connection of its own — `DB_CONNECTION`
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

## Why it is dangerous
The connection's name says "testing"; the database it opens is the
developer's. `RefreshDatabase` runs `migrate:fresh` on it (STACKS.md, "PHP":
`env('DB_DATABASE', literal)`; SEMANTICS.md, "Laravel").

## Example
```php
'mysql_testing' => [
    'driver' => 'mysql',
    'database' => env('DB_DATABASE', 'forge'),
],
```
with `<env name="DB_CONNECTION" value="mysql_testing"/>` in `phpunit.xml`
and `DB_DATABASE=shop` in `.env`.

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
        for run in &cx.ws.runs {
            if !matches!(run.framework, RunFramework::Laravel) {
                continue;
            }
            let Some(config) = cx
                .ws
                .laravel_databases
                .iter()
                .filter(|c| is_within(&run.dir, &c.project))
                .max_by_key(|c| c.project.len())
            else {
                continue;
            };
            let Some(chosen) = crate::resolve::decide(&run.layers, "DB_CONNECTION") else {
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
                && crate::resolve::decide(&run.layers, key)
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
            let set_by_run = crate::resolve::decide(&run.layers, key);
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
