//! TG102 database-forbidden-marker.

use super::{Context, Rule, RuleMeta};
use crate::database::{DbKeyKind, reference_names};
use crate::diagnostic::{Diagnostic, Severity};

pub struct DatabaseForbiddenMarker;

static META: RuleMeta = RuleMeta {
    code: "TG102",
    name: "database-forbidden-marker",
    default_severity: Severity::Error,
    summary: "a test environment's database name, host or secret name says prod/staging/dev/local/main",
    docs: DOCS,
    supersedes: &["TG101", "TG103", "TG104", "TG302"],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A database setting of a test environment whose database name, host, or the name
of the variable/secret it comes from carries a marker of a real environment, as
a whole token: `prod`, `production`, `live`, `staging`, `dev`, `development`,
`local`, `main`. `localhost` is one token (not `local`); `domain` is not `main`.

For a sqlite file only the file name counts (`/home/dev/app_test.db` is fine).

A development dotenv file that the test run loads itself is the run's value
too: `dotenv -e .env -- jest`, `setupFiles: ['dotenv/config']` (which reads
`.env`), a setup file's `dotenv.config()`, Laravel's fall-back to `.env`
when there is no `.env.testing`, pytest-dotenv (`env_files`, `.env` by
default). A `prod`, `production`, `live`, `staging` or configured marker
there is this rule's finding, and `testguard run` refuses the run; a `dev`
or `local` name there is the developer's own database, reported by TG302
(or TG206 for Laravel). One finding per setting: a finding of this rule
replaces TG101, TG103, TG104 and TG302 on the same line.

## Why it is dangerous
This is not a database that merely lacks proof of being a test database: it
says it is a real one. `DATABASE_URL=${{ secrets.PROD_DATABASE_URL }}` in a test
job, `DB_HOST=db.staging.internal` or `DB_DATABASE=app_dev` in `.env.testing`
point the test suite's cleanup at data someone uses.

## Example
```xml
<env name="DB_DATABASE" value="shop_production"/>
```
fires on `production`; so does
```json
{ "scripts": { "test": "dotenv -e .env -- jest" } }
```
with `DATABASE_URL=postgres://app:…@prod-db.example.com/app` in `.env`.

## Fix
Use a dedicated test database, on a local or disposable server.

## Configure or suppress
Extra forbidden markers in `testguard.toml` (`extra-forbidden-markers =
["uat"]`); an inline `testguard: ignore[TG102] reason` comment for a
deliberate exception.
"#;

impl Rule for DatabaseForbiddenMarker {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let markers = &cx.policy.markers;
        for env in &cx.ws.envs {
            for d in cx.db_settings(env) {
                if d.db.in_memory {
                    continue;
                }
                let s = d.setting;
                // a reference's variable name: `${{ secrets.PROD_DB }}`, `$LIVE_DB_URL`
                if s.is_reference() {
                    for name in reference_names(&s.value) {
                        if let Some(m) = markers.forbidden_in(&name) {
                            out.push(super::with_test_command(
                                META.diag(
                                    Some(s.value_span),
                                    format!(
                                        "{} takes `{}` from `{}`, whose name marks it as `{}`: a test run would reach that environment's database",
                                        env.name, s.key.value, name, m
                                    ),
                                )
                                .with_primary_label(format!("`{m}` variable"))
                                .with_help(format!("give the test environment its own database variable (e.g. `TEST_{}`) holding a test database", s.key.value.to_ascii_uppercase()))
                            , env));
                        }
                    }
                }
                let host = d.db.host.as_ref().map(|h| h.text.as_str());
                if let Some(name) = &d.db.name
                    && d.kind != DbKeyKind::Host
                    && !env.ephemeral_db(host, &cx.policy.extra_local_hosts)
                {
                    let judged = if d.db.is_sqlite() {
                        name.text
                            .rsplit(['/', '\\'])
                            .next()
                            .unwrap_or(&name.text)
                            .to_string()
                    } else {
                        crate::database::strip_references(&name.text)
                    };
                    if let Some(m) = markers.forbidden_in(&judged)
                        && !developer_marker_of_dev_file(d.setting, &m)
                    {
                        out.push(super::with_test_command(
                            META.diag(
                                Some(s.value_span),
                                format!(
                                    "{} uses database `{}`, whose name marks it as a `{}` database: the suite's cleanup would wipe it",
                                    env.name, name.text, m
                                ),
                            )
                            .with_primary_label("real-environment database")
                            .with_label(s.value_sub_span(name.range.clone()), format!("`{m}` in the database name"))
                            .with_help("use a dedicated test database (a name with `test`, e.g. `app_test`) or an in-memory database")
                        , env));
                        continue;
                    }
                }
                // SQL Server's `(local)` / `(localdb)` name this machine
                if let Some(host) = &d.db.host
                    && !host.is_reference()
                    && !host.text.to_ascii_lowercase().starts_with("(local")
                    && let Some(m) = markers.forbidden_in(&host.text)
                    && !developer_marker_of_dev_file(d.setting, &m)
                {
                    out.push(super::with_test_command(
                        META.diag(
                            Some(s.value_span),
                            format!(
                                "{} reaches database host `{}`, whose name marks it as a `{}` server",
                                env.name, host.text, m
                            ),
                        )
                        .with_primary_label("real-environment host")
                        .with_label(s.value_sub_span(host.range.clone()), format!("`{m}` in the host name"))
                        .with_help("run tests against a local or disposable database server (localhost, a container)")
                    , env));
                }
            }
        }
    }
}

/// A development file the run loads itself (`.env` through `dotenv -e`,
/// pytest-dotenv, Laravel's fall-back) naming its database `app_dev` or
/// `app_local` says it is the developer's database: that the tests reach it
/// is TG302's (or TG206's) finding. A production, staging or live marker
/// there is this rule's: the run reaches a real environment's database.
fn developer_marker_of_dev_file(s: &crate::model::Setting, marker: &str) -> bool {
    s.via == crate::model::Via::DevDotenvLoaded && matches!(marker, "dev" | "development" | "local")
}
