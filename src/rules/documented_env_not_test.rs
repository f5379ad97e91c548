//! TG209 documented-env-not-test.

use super::{Context, Rule, RuleMeta};
use crate::database::{DatabaseRef, db_key_kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Documented, Wipe, is_within};

pub struct DocumentedEnvNotTest;

static META: RuleMeta = RuleMeta {
    code: "TG209",
    name: "documented-env-not-test",
    default_severity: Severity::Warning,
    summary: "a README's setup gives the test run a non-test database: it exports one the suite reads, or copies the development dotenv over the test one",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
The shell lines a project's `README.md` tells a developer to run (fenced
`sh`/`bash`/`console` blocks, and `* cp …` / `$ export …` items), where they
decide the database a test run gets:

- `export DATABASE_URL=…` (any database variable) naming a database that is
  not a test one, when the suite's own fixtures take their database from that
  variable with no default (`os.environ["DATABASE_URL"]` in `conftest.py`):
  whoever follows the README runs the tests on it. An **error** when the same
  suite wipes it (`drop_database`, `metadata.drop_all`, `TRUNCATE`,
  `call_command("flush")`), a warning otherwise.
- `cp .env .env.testing` (the development dotenv copied over the test dotenv
  a run reads): the committed test database is replaced by the development
  one before the tests run. A warning: a README is advice, not a pipeline.

Silent when the suite starts a database of its own (testcontainers,
`dependency_overrides`, a uuid-named database its conftest creates).
Exports see the exports above them (`${POSTGRES_DB}`); anything a line does
not say literally is not judged.

## Why it is dangerous
The README is what a new developer does first. A shell that exports the
development `DATABASE_URL` stays open: the next `pytest` runs the fixtures
that drop and recreate "the test database" on the development one
(`drop_all()`/`drop_database()` on the app engine). Laravel reads
`.env.testing` when `APP_ENV=testing` (laravel/framework
`LoadEnvironmentVariables::checkForSpecificEnvironmentFile`); copying `.env`
over it turns `RefreshDatabase` loose on the development database.

## Example
````markdown
```bash
export DATABASE_URL=postgresql://app@localhost:5432/app_development
```
````
with `drop_database(os.environ["DATABASE_URL"])` in `tests/conftest.py`.

## Fix
Document a test database for the tests (`export
DATABASE_URL=…/app_test` in the test section, or a `.env.test` the suite
loads), or let the fixtures derive their own (`…_test`, a uuid name,
testcontainers). For Laravel: commit `.env.testing` with the test database
and drop the copy step.
"#;

impl Rule for DocumentedEnvNotTest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &cx.ws.documented {
            match doc {
                Documented::Export { dir, setting } => {
                    let Some(kind) = db_key_kind(&setting.key.value, &cx.policy.extra_db_keys)
                    else {
                        continue;
                    };
                    // the suite below this README takes its database from the variable
                    let Some(read) = cx
                        .ws
                        .test_code_env_reads()
                        .find(|r| r.key == setting.key.value && is_within(&r.project, dir))
                    else {
                        continue;
                    };
                    // the suite derives or starts a database of its own
                    let isolated = cx.ws.projects.iter().any(|(d, f)| {
                        is_within(d, &read.project) && f.isolating_dependency.is_some()
                    });
                    if setting.is_reference() || isolated {
                        continue;
                    }
                    let db = DatabaseRef::parse(&setting.value, kind);
                    let Some(name) = db.name.as_ref() else {
                        continue;
                    };
                    if name.is_reference() || db.in_memory || cx.policy.markers.has_test(&name.text)
                    {
                        continue;
                    }
                    let readme = &cx.ws.file(setting.key.span.file).path;
                    let code = &cx.ws.file(read.span.file).path;
                    let mut d = META
                        .diag(
                            Some(setting.value_span),
                            format!(
                                "{readme} has the developer export {}, naming the database `{}`, and the suite's fixtures in {code} take their database from {}: following the README runs the tests on it",
                                setting.key.value, name.text, setting.key.value
                            ),
                        )
                        .with_primary_label("not a test database")
                        .with_label(read.span, "the fixtures read it here")
                        .with_help(format!(
                            "document a test database for the tests (`{}` naming `{}_test`), or let the fixtures choose their own",
                            setting.key.value, name.text
                        ));
                    let wipe = cx
                        .ws
                        .destruction
                        .iter()
                        .find(|w| w.project == read.project)
                        .or(match cx.ws.wipe_evidence(&read.project) {
                            Wipe::Proven(w) => Some(w),
                            _ => None,
                        });
                    if let Some(w) = wipe {
                        d.severity = Severity::Error;
                        d = super::with_wipe_proof(d, cx, w);
                    }
                    out.push(d);
                }
                Documented::Copy { from, to, span, .. } => {
                    let from_name = from.rsplit('/').next().unwrap_or(from);
                    if !matches!(
                        from_name,
                        ".env" | ".env.local" | ".env.dev" | ".env.development"
                    ) {
                        continue;
                    }
                    // a run whose database the copied-over file decides
                    let Some((run, setting)) = cx.ws.php_runs().find_map(|run| {
                        ["DB_DATABASE", "DATABASE_URL", "DB_URL", "DB_CONNECTION"]
                            .iter()
                            .find_map(|k| run.decided(k).cloned())
                            .filter(|s| cx.ws.file(s.value_span.file).path == *to)
                            .map(|s| (run, s))
                    }) else {
                        continue;
                    };
                    let readme = &cx.ws.file(span.file).path;
                    out.push(
                        META.diag(
                            Some(*span),
                            format!(
                                "{readme} tells the developer to copy {from} over {to}, the file {} takes its database from: the tests then run on the development database instead of the one {to} names",
                                run.name
                            ),
                        )
                        .with_primary_label(format!("replaces {to}"))
                        .with_label(setting.value_span, format!("the test database {to} names"))
                        .with_help(format!(
                            "drop the copy step: {to} is committed with the test database; to start from the development file, copy it to {to} once and change its database"
                        )),
                    );
                }
            }
        }
    }
}
