//! TG106 test-env-file-missing.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct TestEnvFileMissing;

static META: RuleMeta = RuleMeta {
    code: "TG106",
    name: "test-env-file-missing",
    default_severity: Severity::Error,
    summary: "a test run loads a test env file the repository keeps out (gitignored), and the loader falls back to the development file",
    docs: DOCS,
    supersedes: &[],
};

const DOCS: &str = r#"## What it checks
A test run whose loader reads a test env file that the repository does not
contain because `.gitignore` keeps it out, while nothing else in the run
chooses the test database. Today: a Laravel PHPUnit config that sets
`APP_ENV=testing` and no database override, with `.env.testing` gitignored.

## Why it is dangerous
The test database then lives only in a file each developer is expected to
create by hand. On every machine where it was never created — a fresh clone,
a new colleague's laptop — Laravel finds no `.env.testing`, loads `.env`
instead (`LoadEnvironmentVariables::checkForSpecificEnvironmentFile`), and
`RefreshDatabase` runs `migrate:fresh` on the development database. Nothing
fails: the suite passes, on the wrong data.

## Example
```gitignore
# .gitignore
.env
.env.testing
```
```xml
<!-- phpunit.xml -->
<env name="APP_ENV" value="testing"/>
```

## Fix
Commit a `.env.testing` that names a test database (it holds no secrets a
test needs), or choose the database in `phpunit.xml` itself:
`<env name="DB_CONNECTION" value="sqlite" force="true"/>` and
`<env name="DB_DATABASE" value=":memory:" force="true"/>`.

## Framework facts
Laravel reads `.env.{APP_ENV}` when it exists, else `.env`; dotenv never
overrides a variable PHPUnit already set (SEMANTICS.md, "Laravel"). When the
file is simply absent and not gitignored, the finding is TG206's. `testguard
run` sees whether the file exists on the machine that runs the tests.
"#;

/// Database keys a PHPUnit config may set to choose the test database.
const DB_OVERRIDES: &[&str] = &["DB_CONNECTION", "DB_DATABASE", "DB_URL", "DATABASE_URL"];

impl Rule for TestEnvFileMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for run in &cx.ws.runs {
            let Some(missing) = &run.missing_env_file else {
                continue;
            };
            let Some(ignored) = missing.ignored_by else {
                continue;
            };
            let Some(runner) = cx
                .ws
                .envs
                .iter()
                .find(|e| e.file == run.config && e.source == crate::model::EnvSource::Phpunit)
            else {
                continue;
            };
            if DB_OVERRIDES.iter().any(|k| runner.get(k).is_some()) {
                continue;
            }
            let config = &cx.ws.file(run.config).path;
            let mut d = META
                .diag(
                    Some(ignored),
                    format!(
                        "{} loads {}, which the repository keeps out: wherever it was not created by hand, Laravel reads {} instead and the tests use the development database",
                        run.name, missing.path, missing.fallback
                    ),
                )
                .with_primary_label(format!("keeps {} out of the repository", missing.path))
                .with_help(format!(
                    "commit a {} that names a test database, or choose it in {config}: `<env name=\"DB_CONNECTION\" value=\"sqlite\" force=\"true\"/>` and `<env name=\"DB_DATABASE\" value=\":memory:\" force=\"true\"/>`",
                    missing.path
                ));
            if let Some(chosen) = missing.chosen_by {
                d = d.with_label(chosen, format!("makes Laravel look for {}", missing.path));
            }
            out.push(d);
        }
    }
}
