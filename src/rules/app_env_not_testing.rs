//! TG201 app-env-not-testing.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EnvSource, LayerKind, RunFramework};

pub struct AppEnvNotTesting;

static META: RuleMeta = RuleMeta {
    code: "TG201",
    name: "app-env-not-testing",
    default_severity: Severity::Error,
    summary: "a Laravel/Symfony PHPUnit config does not set APP_ENV=testing (Symfony: test)",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
The PHPUnit configuration of a Laravel app must set `APP_ENV` to `testing`; of
a Symfony app, to `test` — through `<env>` or `<server>` inside `<php>`. XML
comments do not count: `<!-- <env name="APP_ENV" value="testing"/> -->` sets
nothing. A plain PHP library (no Laravel, no Symfony) is not checked.

## Why it is dangerous
`APP_ENV` decides which configuration the framework loads. Without it Laravel
reads `.env` — the developer's own database — instead of `.env.testing`, and
Symfony boots its `dev` kernel with the dev `DATABASE_URL`.

## Example
```xml
<php>
    <env name="APP_ENV" value="local"/>
</php>
```

## Fix
Laravel: `<env name="APP_ENV" value="testing" force="true"/>`.
Symfony: `<server name="APP_ENV" value="test" force="true"/>`.

## Framework facts
Laravel loads `.env.testing` instead of `.env` when `APP_ENV=testing` is set
before it boots; Symfony's test environment is named `test`, not `testing`.

Not reported: `phpunit.dusk.xml` (Dusk's browser server takes its environment
from `.env.dusk.{env}`, laravel/dusk `DuskCommand.php`), and a Symfony
bundle's config without `APP_ENV` (`"type": "symfony-bundle"`: its test
kernel boots in `test` when `APP_ENV` is unset, `KernelTestCase::createKernel`),
and a Symfony config without `APP_ENV` whose run reads no `.env`: the
bootstrap is `vendor/autoload.php` or absent (a library such as the
components of symfony/symfony, with `symfony/framework-bundle` only in
`require-dev`), or a bootstrap file never calls `Dotenv`, or there is no
`.env` to read. Then the kernel boots in `test` as well; only
`Dotenv::bootEnv()` defaults `APP_ENV` to `dev`.
"#;

impl Rule for AppEnvNotTesting {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in cx.ws.envs.iter().filter(|e| e.source == EnvSource::Phpunit) {
            let f = env.frameworks;
            // Dusk's browser server takes APP_ENV from `.env.dusk.*`; a bundle's
            // test kernel boots in `test` when APP_ENV is unset
            // (KernelTestCase::createKernel)
            let run = cx.ws.php_runs().find(|r| r.config() == env.file);
            match run.map(|r| r.framework) {
                Some(RunFramework::LaravelDusk) => continue,
                Some(RunFramework::SymfonyBundle) if env.get("APP_ENV").is_none() => continue,
                // a Symfony kernel without APP_ENV boots in `test` unless a
                // dotenv loader (`bootEnv`) ran and defaulted it to `dev`: with
                // no `.env` read (a library's `vendor/autoload.php` bootstrap,
                // or no `.env` at all, where `bootEnv` throws) nothing is at risk
                Some(RunFramework::Symfony)
                    if !f.laravel
                        && env.get("APP_ENV").is_none()
                        && !run.is_some_and(|r| {
                            r.layers.iter().any(|l| l.kind == LayerKind::Dotenv)
                        }) =>
                {
                    continue;
                }
                _ => {}
            }
            let expected: Vec<&str> = match (f.laravel, f.symfony) {
                (true, false) => vec!["testing"],
                (false, true) => vec!["test"],
                (true, true) => vec!["testing", "test"],
                _ => continue,
            };
            let framework = if f.laravel { "Laravel" } else { "Symfony" };
            let want = expected[0];
            match env.get("APP_ENV") {
                None => {
                    let commented = env.commented_out.iter().find(|s| s.key_is("APP_ENV"));
                    let mut d = META
                        .diag(
                            Some(env.anchor),
                            format!(
                                "{} does not set APP_ENV{}: {framework} then boots with the environment of `.env`, including its database",
                                env.name,
                                if commented.is_some() { " (its APP_ENV line is commented out)" } else { "" }
                            ),
                        )
                        .with_primary_label("no active APP_ENV in here");
                    if let Some(c) = commented {
                        d = d.with_label(c.key.span, "commented out: XML comments set nothing");
                        // `--fix`: the line says the right thing, it is only commented out
                        if expected.contains(&c.value.trim()) {
                            d = d.with_fix(
                                crate::fix::uncomment_xml_element(&cx.ws.file(env.file).text, c.key.span)
                                    .and_then(|e| crate::diagnostic::Fix::new("uncomment the APP_ENV line", vec![e])),
                            );
                        }
                    }
                    out.push(d.with_help(format!("add `<env name=\"APP_ENV\" value=\"{want}\" force=\"true\"/>` inside <php>")));
                }
                Some(s) if !s.is_reference() && !expected.contains(&s.value.trim()) => out.push(
                    META.diag(
                        Some(s.value_span),
                        format!(
                            "{} sets APP_ENV to `{}`: {framework} loads that environment's configuration, not the test one",
                            env.name, s.value
                        ),
                    )
                    .with_primary_label(format!("expected `{want}`"))
                    .with_help(format!("set APP_ENV to `{want}`"))
                    .with_fix(if s.verbatim && expected.len() == 1 {
                        crate::diagnostic::Fix::new(
                            format!("set APP_ENV to `{want}`"),
                            vec![crate::diagnostic::Edit {
                                span: s.value_span,
                                replacement: want.to_string(),
                            }],
                        )
                    } else {
                        None
                    }),
                ),
                Some(_) => {}
            }
        }
    }
}
