//! TG204 test-in-production-environment.

use super::{Context, Rule, RuleMeta, with_test_command};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::EnvSource;

pub struct TestInProductionEnvironment;

static META: RuleMeta = RuleMeta {
    code: "TG204",
    name: "test-in-production-environment",
    default_severity: Severity::Error,
    summary: "a CI job that runs tests is bound to a production environment or sets APP_ENV/NODE_ENV/… to production",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A CI job that runs tests (GitHub Actions step, GitLab CI job) and
- is bound to a production deployment environment (`environment: production`,
  `environment: {name: prod}`, `live`) and its test step can receive that
  environment's secrets: on GitHub, where the step (or its job or workflow
  `env:`) writes `${{ secrets.NAME }}` — a step that names no secret gets none
  (docs.github.com, using secrets); on GitLab always, as variables scoped to
  an environment are exported to every job bound to it; or
- sets `APP_ENV`, `NODE_ENV`, `RAILS_ENV`, `DJANGO_ENV`, `FLASK_ENV`,
  `APP_ENVIRONMENT` or `ENVIRONMENT` to `production`/`prod`/`live`.

Deploy, build and migrate jobs are not test jobs: a deploy job on
`environment: production` with the production `DATABASE_URL` is what it should be.

## Why it is dangerous
A deployment environment hands the job that environment's secrets — the
production `DATABASE_URL` among them — and the framework's production mode
disables the test safeguards. The suite's cleanup then runs on production.

## Example
```yaml
jobs:
  test:
    environment: production
    steps:
      - run: npm test
```
fires on `production`.

## Fix
Run tests in a job with no deployment environment (or a `test` one), and keep
production secrets to deploy jobs.

## Configure or suppress
Extra forbidden markers in `testguard.toml` (`extra-forbidden-markers =
["uat"]`); an inline `# testguard: ignore[TG204] reason` for a deliberate
exception.
"#;

fn is_production(name: &str) -> bool {
    crate::database::tokens(name)
        .iter()
        .any(|t| matches!(t.as_str(), "prod" | "production" | "live" | "prd"))
}

impl Rule for TestInProductionEnvironment {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in &cx.ws.envs {
            let Some(ci) = env.ci() else { continue };
            if ci.test_command.is_none() {
                continue;
            }
            // GitHub hands a step an environment's secret only where it writes
            // `${{ secrets.NAME }}`; GitLab exports the variables scoped to the
            // job's environment to every job bound to it
            let secret_ref = env
                .settings
                .iter()
                .find(|s| s.value.contains("secrets."))
                .map(|s| s.value_span)
                .or_else(|| {
                    ci.commands
                        .iter()
                        .chain(ci.test_command.as_ref())
                        .find(|c| c.value.contains("secrets."))
                        .map(|c| c.span)
                });
            let receives_secrets = env.source == EnvSource::GitlabCi || secret_ref.is_some();
            if let Some(dep) = &ci.deployment
                && is_production(&dep.value)
                && receives_secrets
            {
                let d = META
                    .diag(
                        Some(dep.span),
                        format!(
                            "{} runs tests in the `{}` deployment environment: the job receives that environment's secrets, its database among them, and the tests' cleanup runs against it",
                            env.name, dep.value
                        ),
                    )
                    .with_primary_label("production environment")
                    .with_help("run the tests in a job without `environment:` (or with a test one); keep production secrets to deploy jobs");
                let d = match secret_ref {
                    Some(span) => {
                        d.with_label(span, "a secret of that environment reaches the tests here")
                    }
                    None => d,
                };
                out.push(with_test_command(d, env));
            }
            for s in &env.settings {
                if super::ENV_KEYS.iter().any(|k| s.key_is(k))
                    && !s.is_reference()
                    && is_production(&s.value)
                {
                    let d = META
                        .diag(
                            Some(s.value_span),
                            format!(
                                "{} runs tests with {}={}: the application boots in production mode, with production configuration and without its test safeguards",
                                env.name, s.key.value, s.value
                            ),
                        )
                        .with_primary_label("production mode")
                        .with_help(format!("set {} to the test environment (`test`/`testing`) in this job", s.key.value));
                    out.push(with_test_command(d, env));
                }
            }
        }
    }
}
