//! TG205 laravel-config-cache.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

pub struct LaravelConfigCache;

static META: RuleMeta = RuleMeta {
    code: "TG205",
    name: "laravel-config-cache",
    default_severity: Severity::Error,
    summary: "a Laravel app has bootstrap/cache/config.php, so PHPUnit's env and .env.testing are ignored",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A Laravel app (a folder with `artisan` or `laravel/framework`) whose
`bootstrap/cache/config.php` exists in the working tree — left behind by
`php artisan config:cache` or `php artisan optimize`. testguard looks for it
even though it is normally git-ignored: it is the file on this machine that
decides what the next `php artisan test` does.

## Why it is dangerous
With a cached configuration Laravel loads no `.env` file at all and uses the
cached values: phpunit.xml's `<env>` overrides and `.env.testing` are ignored,
and `RefreshDatabase` runs `migrate:fresh` on whatever database was cached —
usually the development one (laravel/framework#55365, #50037).

## Example
```console
$ php artisan optimize        # writes bootstrap/cache/config.php
$ php artisan test            # RefreshDatabase: migrate:fresh on the cached DB
```

Silent when every PHPUnit config of the app sets `APP_CONFIG_CACHE` to a
file of its own (`<server name="APP_CONFIG_CACHE"
value="bootstrap/cache/config.phpunit.php"/>`: Laravel's
`getCachedConfigPath()` reads that variable), or when PHPUnit's bootstrap file (`tests/bootstrap.php`) runs
`config:clear` or deletes `bootstrap/cache/config.php` before the tests.

## Fix
`php artisan config:clear` before running tests (Laravel's skeleton `composer
test` script does exactly that), and never cache config in a test job.
"#;

impl Rule for LaravelConfigCache {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (dir, c) in &cx.ws.projects {
            let Some(file) = c.php.laravel_config_cache else {
                continue;
            };
            if !cx.ws.frameworks_of(dir).laravel {
                continue;
            }
            // PHPUnit's bootstrap clears or deletes the cache before any test
            let cleared = cx
                .ws
                .php_test_setup()
                .any(|t| t.clears_config_cache && crate::model::is_within(dir, &t.project));
            // every PHPUnit config of the app points Laravel at a cache file of
            // its own (`APP_CONFIG_CACHE`): the cached development file is not read
            let own_cache = |e: &&crate::model::TestEnv| {
                e.get("APP_CONFIG_CACHE").is_some_and(|s| {
                    let v = s.value.trim().trim_start_matches("./");
                    !v.is_empty() && !v.ends_with("bootstrap/cache/config.php")
                })
            };
            let configs: Vec<&crate::model::TestEnv> = cx
                .ws
                .envs
                .iter()
                .filter(|e| {
                    e.source == crate::model::EnvSource::Phpunit
                        && crate::model::is_within(&e.dir, dir)
                })
                .collect();
            let bypassed = !configs.is_empty() && configs.iter().all(own_cache);
            if cleared || bypassed {
                continue;
            }
            out.push(
                META.diag(
                    Some(Span::new(file, 0, 0)),
                    "the Laravel configuration is cached: Laravel loads no .env file and ignores phpunit.xml's <env> and .env.testing, so tests run against the cached (development) database".to_string(),
                )
                .with_primary_label("cached configuration")
                .with_help("run `php artisan config:clear` (and clear before every test run, as Laravel's `composer test` script does)"),
            );
        }
    }
}
