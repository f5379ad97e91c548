//! TG210 ci-copied-env-not-test.

use super::{Context, Rule, RuleMeta};
use crate::database::{DatabaseRef, db_key_kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Runner, is_within};

pub struct CiCopiedEnvNotTest;

static META: RuleMeta = RuleMeta {
    code: "TG210",
    name: "ci-copied-env-not-test",
    default_severity: Severity::Error,
    summary: "a CI test job runs in a folder where another job copied a non-test dotenv over `.env`, and the tests take their database from it",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A GitLab CI pipeline on a shell runner whose jobs work in a folder outside
their own checkout (`cd /var/www/html/$CI_COMMIT_SHA`, a folder one job
clones the repository into): one job copies a dotenv file over `.env` there
(`cp .env.deploy .env`), and a later job runs the tests in the same folder.
When the test run chooses no database of its own above `.env` (no
`DB_CONNECTION`/`DB_DATABASE` in PHPUnit's `<env>`/`<server>`, no
`.env.testing` that names one), the tests take the copied file's database.
That database not being a test one is an error.

Jobs in their own checkouts share nothing: GitLab fetches and cleans each
job's checkout, so a `.env` one job writes there is gone for the next.

## Why it is dangerous
The copied file is the one the pipeline deploys with: the tests'
`RefreshDatabase` and factories run on the database the deploy job then
migrates for the live application (Laravel reads `.env` when no `.env.testing`
exists: laravel/framework
`LoadEnvironmentVariables::checkForSpecificEnvironmentFile`).

## Example
```yaml
building:
  script:
    - git clone git@example.com:shop/app.git /srv/app/$CI_COMMIT_SHA
    - cd /srv/app/$CI_COMMIT_SHA
    - cp .env.deploy .env
testing:
  script:
    - cd /srv/app/$CI_COMMIT_SHA
    - php ./vendor/bin/phpunit
```

## Fix
Give the test job its own database: `DB_CONNECTION`/`DB_DATABASE` in
`phpunit.xml` with `force="true"`, a committed `.env.testing`, or run the
tests in the job's own checkout with a service container.
"#;

/// Keys a run may choose its database with above `.env`.
const DB_CHOICE: &[&str] = &["DB_CONNECTION", "DB_DATABASE", "DB_URL", "DATABASE_URL"];

impl Rule for CiCopiedEnvNotTest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in &cx.ws.envs {
            let Runner::Ci(ci) = &env.runner else {
                continue;
            };
            for copy in &ci.env_file_copies {
                // the run the job starts: one in the checkout's tree
                let Some(run) = cx.ws.php_runs().find(|r| is_within(&r.dir, &env.dir)) else {
                    continue;
                };
                if cx.ws.php_database_set_in_code(&run.dir) {
                    continue;
                }
                // the run chooses a database above `.env`
                let chosen = DB_CHOICE.iter().any(|k| run.decided(k).cloned().is_some());
                if chosen {
                    continue;
                }
                let Some((setting, name)) = copy.settings.iter().rev().find_map(|s| {
                    let kind = db_key_kind(&s.key.value, &cx.policy.extra_db_keys)?;
                    if !matches!(
                        s.key.value.as_str(),
                        "DB_DATABASE" | "DATABASE_URL" | "DB_URL"
                    ) {
                        return None;
                    }
                    let db = DatabaseRef::parse(&s.value, kind);
                    let name = db.name?;
                    (!name.is_reference() && !db.in_memory).then_some((s, name.text))
                }) else {
                    continue;
                };
                if cx.policy.markers.has_test(&name) {
                    continue;
                }
                let mut d = META
                    .diag(
                        Some(copy.span),
                        format!(
                            "{} runs the tests in `{}`, where job \"{}\" copied {} over `.env`: {} chooses no database of its own, so the tests use `{}` from {}",
                            env.name,
                            copy.folder,
                            copy.by_job,
                            copy.from,
                            run.name,
                            name,
                            copy.from
                        ),
                    )
                    .with_primary_label(format!("writes {} to `.env`", copy.from))
                    .with_label(setting.value_span, "the database the tests get")
                    .with_help(format!(
                        "choose a test database in {} (`<env name=\"DB_DATABASE\" value=\"…_test\" force=\"true\"/>`) or commit a .env.testing; better, run the tests in the job's own checkout against a service container",
                        cx.ws.file(run.config()).path
                    ));
                if let Some(t) = &ci.test_command {
                    d = d.with_label(t.span, "runs the tests there");
                }
                out.push(d);
            }
        }
    }
}
