//! TG203 overridable-setting.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Via;

pub struct OverridableSetting;

static META: RuleMeta = RuleMeta {
    code: "TG203",
    name: "overridable-setting",
    default_severity: Severity::Warning,
    summary: "a guarding setting (APP_ENV, DB_*, DATABASE_URL) can be silently overridden by the caller's environment",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A setting that guards the test run — `APP_ENV`, `DB_*`, `DATABASE_URL` and other
database keys, `DJANGO_SETTINGS_MODULE` — written so that a variable already in
the caller's environment wins over it:
- PHPUnit `<env>` without `force="true"`;
- pytest-env entries with the `D:` flag (or `skip_if_set = true`).

It fires only with evidence that the caller's environment carries the key for
this run: a compose service's `environment:` or `env_file:`, a Dockerfile
`ENV`, a direnv `.envrc` export, or the variables of a CI job that runs the
tests. A Dockerfile stage that builds the production image (named
`production`, `release`, `prod`…, or setting `NODE_ENV=production`,
`APP_ENV=production` and the like) and a Dockerfile named for production
(`Dockerfile.prod`) are no evidence: no test run starts from them. On
possibility alone it stays silent: that is what `testguard run`
checks, with the real environment in hand.

Under `testguard run` the caller is known: the rule fires (a warning) exactly
when your environment exports the key, and the value that then wins is
judged as the run's own — a non-test database there refuses the run.

## Why it is dangerous
The shell, a Docker image's `ENV`, compose's `env_file: .env` or a CI `env:`
usually export the development values. PHPUnit then keeps them: `<env>` calls
`putenv` only `if ($force || getenv($name) === false)`. The test run uses the
development database while the config file says otherwise.

## Example
```xml
<env name="DB_DATABASE" value="testing"/>
```

## Fix
`<env name="DB_DATABASE" value="testing" force="true"/>`; for pytest-env, drop
the `D:` flag.

## Framework facts
`<server>` is always written into `$_SERVER`. pytest-env overwrites by default;
`D:` means "only if not already set".
"#;

impl Rule for OverridableSetting {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in &cx.ws.envs {
            for s in &env.settings {
                if !s.overridable || s.unset || !super::is_guarding_key(&s.key.value, cx.policy) {
                    continue;
                }
                let (rule_how, help) = match s.via {
                    Via::PhpunitEnv { force: false } => (
                        "PHPUnit <env> without force=\"true\" only applies when the variable is not already set",
                        format!(
                            "add force=\"true\": <env name=\"{}\" value=\"…\" force=\"true\"/>",
                            s.key.value
                        ),
                    ),
                    Via::PytestEnv { skip_if_set: true } => (
                        "pytest-env's `D:` flag (skip_if_set) only applies when the variable is not already set",
                        "remove the `D:` flag (or `skip_if_set`) so pytest-env always sets it"
                            .to_string(),
                    ),
                    _ => continue,
                };
                // `testguard run` knows the caller: only what it really
                // exports overrides (the value that wins is judged as the run's)
                let (evidence_how, at) = if cx.ws.invocation.is_some() {
                    match cx.ws.caller_setting(&s.key.value) {
                        Some(c) => ("your environment exports it".to_string(), c.key.span),
                        None => continue,
                    }
                } else {
                    // noise policy: only with evidence that the caller's
                    // environment carries this key for this run
                    match cx.ws.caller_key(&env.dir, &s.key.value) {
                        Some(e) => (e.how.clone(), e.span),
                        None => continue,
                    }
                };
                out.push(
                    META.diag(
                        Some(s.key.span),
                        format!(
                            "{}: `{}` can be overridden by the caller's environment, and {evidence_how} — {rule_how}, so that value wins",
                            env.name, s.key.value
                        ),
                    )
                    .with_primary_label("overridable")
                    .with_label(at, "the caller's environment sets it here")
                    .with_help(help)
                    .with_fix(if s.via == (Via::PhpunitEnv { force: false }) {
                        crate::fix::set_xml_attribute(
                            &cx.ws.file(s.key.span.file).text,
                            s.key.span,
                            "force",
                            "true",
                        )
                        .and_then(|e| crate::diagnostic::Fix::new("add force=\"true\"", vec![e]))
                    } else {
                        None
                    }),
                );
            }
        }
    }
}
