//! TG207 config-cache-before-tests.

use super::{Context, Rule, RuleMeta, with_test_command};
use crate::diagnostic::{Diagnostic, Severity};

pub struct ConfigCacheBeforeTests;

static META: RuleMeta = RuleMeta {
    code: "TG207",
    name: "config-cache-before-tests",
    default_severity: Severity::Warning,
    summary: "a CI job runs `php artisan config:cache` or `optimize` before its tests, so PHPUnit's env is ignored",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A CI job that runs `php artisan config:cache` or `php artisan optimize` before
its test command, with no `config:clear`/`optimize:clear` in between.

## Why it is dangerous
A cached configuration makes Laravel load no `.env` file and ignore
phpunit.xml's `<env>` overrides and `.env.testing`: the tests run with the
values that were cached — the CI dotenv, not the isolated test database. In an
ephemeral CI database this is silent; copied to a real pipeline it is not.

## Example
```yaml
- run: php artisan optimize
- run: php artisan test
```

## Fix
Do not cache configuration in a test job, or run `php artisan config:clear`
before the tests (as Laravel's `composer test` script does).
"#;

impl Rule for ConfigCacheBeforeTests {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in &cx.ws.envs {
            let Some(ci) = env.ci() else { continue };
            let Some(cached) = ci.caches_laravel_config else {
                continue;
            };
            let d = META
                .diag(
                    Some(cached),
                    format!(
                        "{} caches the Laravel configuration before running the tests: Laravel then ignores phpunit.xml's <env> and .env.testing and uses the cached values",
                        env.name
                    ),
                )
                .with_primary_label("configuration cached here")
                .with_help("remove the cache step from the test job, or run `php artisan config:clear` before the tests");
            out.push(with_test_command(d, env));
        }
    }
}
