//! TG104 database-unverifiable.

use super::{Context, Rule, RuleMeta, db_kind_is_db};
use crate::diagnostic::{Diagnostic, Severity};

pub struct DatabaseUnverifiable;

static META: RuleMeta = RuleMeta {
    code: "TG104",
    name: "database-unverifiable",
    default_severity: Severity::Warning,
    summary: "a test environment's database comes from a variable whose value cannot be checked",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

/// A Spring Boot test run whose datasource, set by the application's own
/// configuration, is a placeholder the environment resolves
/// (`url: ${rds.host}`): Spring reads `${rds.host}` from any property
/// source, the environment's `RDS_HOST` included (relaxed binding).
fn spring_datasource_from_environment(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (run, ds, classes) in super::spring::main_decided_runs(cx) {
        let unresolved: Vec<&str> = ds
            .from_environment
            .iter()
            .filter(|(_, d)| d.is_none())
            .map(|(n, _)| n.as_str())
            .collect();
        if unresolved.is_empty() {
            continue;
        }
        // a literal database name with a host from the environment is TG105's
        let name_literal = match crate::database::parse_jdbc(&ds.value) {
            crate::database::JdbcTarget::Database(r) => {
                r.name.as_ref().is_some_and(|n| !n.is_reference())
            }
            crate::database::JdbcTarget::Unknown => false,
            _ => true,
        };
        if name_literal || cx.policy.markers.has_test(&ds.value) {
            continue;
        }
        let s = &ds.property.setting;
        let path = &cx.ws.file(s.value_span.file).path;
        let vars: Vec<String> = unresolved
            .iter()
            .map(|n| {
                let env = n.replace(['.', '-'], "_").to_ascii_uppercase();
                if env == *n {
                    format!("`{n}`")
                } else {
                    format!("`{n}` (the environment's `{env}`)")
                }
            })
            .collect();
        let message = format!(
            "{} `{}` from {path}, which is {}: whatever that holds where the tests run, nothing in the repository gives them a database of their own",
            super::spring::subject(cx, run, classes),
            s.key.value,
            vars.join(" and "),
        );
        let d = META
            .diag(Some(s.value_span), message)
            .with_primary_label("resolved from the environment");
        let d = super::spring::chain(cx, d, run, ds);
        let d = super::spring::graded(d, run).with_help(
            "give the tests a database of their own: a `src/test/resources/application.yml` (it replaces main's) naming an in-memory or `_test` database, or Testcontainers with `@ServiceConnection`",
        );
        out.push(d);
    }
}

const DOCS: &str = r#"## What it checks
A test environment's database (or its name) is a reference that only the
runtime resolves — `${DATABASE_URL}`, `$DB_NAME`, `%env(DATABASE_URL)%`,
`${{ secrets.DATABASE_URL }}` — with no literal test marker around it
(`test_${SUFFIX}` is fine).

## Why it is dangerous
Nothing in the repository says which database the tests reach: it is whatever
the variable holds on the machine that runs them — on a developer's laptop,
often the development database.

## Example
```dotenv
# .env.test
DATABASE_URL=${DEV_DATABASE_URL}
```


**Spring Boot.** A test run whose datasource, set by `src/main/resources`,
is a placeholder with no default that no property resolves (`url:
${rds.host}`): Spring reads it from the environment (`RDS_HOST`, relaxed
binding), so the tests open whatever the machine that runs them points at,
often the production database a CI job injects for deployment. Silent with
a default (`${DB_URL:jdbc:h2:mem:test}`), a test resource or profile of its
own, and the isolation idioms TG105 lists.

## Fix
Write the test database into the test configuration (`…/app_test`), or build
the name with a literal marker: `DB_DATABASE=${DB_DATABASE}_test`.

## Configure or suppress
Suppress with a reason when the variable is guaranteed elsewhere.
"#;

impl Rule for DatabaseUnverifiable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        spring_datasource_from_environment(cx, out);
        let markers = &cx.policy.markers;
        for env in &cx.ws.envs {
            for d in cx.db_settings(env) {
                // a development file's own references are the developer's
                // setup, not a value the test configuration chose
                if !db_kind_is_db(d.kind)
                    || d.db.in_memory
                    || d.setting.via == crate::model::Via::DevDotenvLoaded
                {
                    continue;
                }
                let s = d.setting;
                let unresolved = match &d.db.name {
                    Some(n) => n.is_reference() && !markers.has_test(&n.text),
                    // the whole value is a reference (`${DATABASE_URL}`)
                    None => s.is_reference() && !markers.has_test(&s.value),
                };
                // a CI runner's own or service database: its name cannot lose data
                let host =
                    d.db.host
                        .as_ref()
                        .filter(|h| !h.is_reference())
                        .map(|h| h.text.as_str());
                if !unresolved
                    || (host.is_some() && env.ephemeral_db(host, &cx.policy.extra_local_hosts))
                {
                    continue;
                }
                out.push(super::with_test_command(
                    META.diag(
                        Some(s.value_span),
                        format!(
                            "{} takes its database from `{}`, which only the runtime resolves: nothing here shows it is a test database",
                            env.name,
                            cx.display(s)
                        ),
                    )
                    .with_primary_label("resolved at run time")
                    .with_help("write the test database here, or build its name with a literal marker (e.g. `${DB_DATABASE}_test`)")
                , env));
            }
        }
    }
}
