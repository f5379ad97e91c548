//! TG208 runtime-env-not-test.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EnvSource, TestEnv};

pub struct RuntimeEnvNotTest;

static META: RuleMeta = RuleMeta {
    code: "TG208",
    name: "runtime-env-not-test",
    default_severity: Severity::Error,
    summary: "a test run sets the framework's environment (RAILS_ENV, MIX_ENV, APP_ENV, ASPNETCORE_ENVIRONMENT, …) to a non-test one",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A test run's effective value of the variable that picks the framework's
environment names a real one (`production`, `prod`, `staging`,
`development`, `dev`, `local`) instead of the test one:

| variable | framework | test value |
|---|---|---|
| `RAILS_ENV`, `RACK_ENV` | Rails, Rack | `test` |
| `MIX_ENV` | Elixir / Phoenix | `test` |
| `APP_ENV` | Laravel, Symfony, most PHP apps | `testing` / `test` |
| `ASPNETCORE_ENVIRONMENT`, `DOTNET_ENVIRONMENT` | ASP.NET Core | `Testing` (or any name of its own) |
| `SPRING_PROFILES_ACTIVE` | Spring Boot | `test` |

Read from test dotenv files, the values a resolved test run's dotenv layers
decide, pytest-env and tox `setenv`, and the steps of CI jobs that run tests.
`NODE_ENV` is TG202's; PHPUnit's own `APP_ENV` is TG201's; a CI step that sets
one of these to production is TG204's.

Under `testguard run`, rspec keeps an exported `RAILS_ENV` (else `RACK_ENV`)
unless `spec/rails_helper.rb` or `spec/spec_helper.rb` assigns `test`
outright, and `mix test` keeps an exported `MIX_ENV`: a development or
production value there refuses the run. `rails test` sets `RAILS_ENV=test`
itself and is not refused for it.

A compose service whose `command` runs rspec (`bundle exec rspec`,
`parallel_rspec`) keeps the `RAILS_ENV` (else `RACK_ENV`) the service pins in
`environment:`, an `env_file:` or the `ENV` of the Dockerfile it is built from
(the `target` stage, else the last) the same way: a development value there is
reported at the pin, with the command cited (rspec-rails' generated
`rails_helper.rb` only does `ENV['RAILS_ENV'] ||= 'test'`: rspec-rails
`…/install/templates/spec/rails_helper.rb:3`). Silent for `bin/rails test` and
for a helper that assigns `test` outright.

Under `testguard run`, a development `APP_ENV` exported in your environment
that beats phpunit.xml's is a warning: the PHP run's database is resolved
from the same layers and judged by the database rules, so the run is refused
only when that database is not a test one.

## Why it is dangerous
The environment picks the configuration, and with it the database: Rails
reads `database.yml`'s `development:` entry, Phoenix `config/dev.exs`,
ASP.NET Core `appsettings.Development.json` (and user secrets), Spring
`application-dev.yml`. `mix test` obeys an exported `MIX_ENV=dev`
(elixir `mix/lib/mix/tasks/test.ex`); rspec's `rails_helper.rb` keeps an
exported `RAILS_ENV` (`||=`). The suite's cleanup then runs on the
development or production database.

## Example
```dotenv
# .env.test
RAILS_ENV=development
```

## Fix
Set the test value (`RAILS_ENV=test`), or remove the line and let the runner
set it (`bin/rails test`, `mix test` do).

## Framework facts
On a CI runner (a CI job's step, a `.env.ci` file) a `local` or `development`
environment reaches the runner's own throwaway database: only `production`
and `staging` are reported there. Laravel Dusk's `.env.dusk.{env}` files describe the app the browser drives,
often in its `local` environment: only a production one is reported there,
as a warning. A reference (`${RAILS_ENV}`) is not judged.
"#;

/// Variables that pick a framework's environment (NODE_ENV is TG202's).
const RUNTIME_ENV_KEYS: &[&str] = &[
    "RAILS_ENV",
    "RACK_ENV",
    "MIX_ENV",
    "APP_ENV",
    "ASPNETCORE_ENVIRONMENT",
    "DOTNET_ENVIRONMENT",
    "SPRING_PROFILES_ACTIVE",
];

fn real_environment(value: &str) -> Option<&'static str> {
    // `dev,test` in SPRING_PROFILES_ACTIVE: every profile applies
    for token in value.split([',', ' ']).map(str::trim) {
        let t = token.to_ascii_lowercase();
        let real = match t.as_str() {
            "production" | "prod" | "prd" | "live" => "production",
            "staging" | "stage" => "staging",
            "development" | "dev" | "local" => "development",
            _ => continue,
        };
        return Some(real);
    }
    None
}

fn is_dusk_file(env: &TestEnv, cx: &Context<'_>) -> bool {
    let name = cx.ws.file(env.file).file_name();
    name == ".env.dusk" || name.starts_with(".env.dusk.")
}

impl Rule for RuntimeEnvNotTest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in &cx.ws.envs {
            // PHPUnit's own <env>/<server> APP_ENV is TG201's
            if env.source == EnvSource::Phpunit {
                continue;
            }
            for key in RUNTIME_ENV_KEYS {
                let Some(s) = env.get(key) else { continue };
                if s.is_reference() {
                    continue;
                }
                let value = s.value.trim();
                let Some(real) = real_environment(value) else {
                    continue;
                };
                // a CI runner holds no development data: its `local`/`dev`
                // environment reaches a throwaway database
                if env.ci().is_some() && real == "development" {
                    continue;
                }
                let ci_step = matches!(env.source, EnvSource::GithubActions | EnvSource::GitlabCi);
                if ci_step && real == "production" && super::ENV_KEYS.contains(key) {
                    continue;
                }
                // `testguard run`: an exported development APP_ENV boots the
                // app in that environment, but a PHP run's database is
                // resolved from the layers and judged on its own (TG101,
                // TG105): the environment alone is a warning there
                let exported_dev_php = s.via == crate::model::Via::Caller
                    && env.source == EnvSource::TestRun
                    && *key == "APP_ENV"
                    && real == "development";
                let severity = if is_dusk_file(env, cx) {
                    if real != "production" {
                        continue;
                    }
                    Severity::Warning
                } else if exported_dev_php {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                // a compose service that runs rspec (stacks/ruby/runs.rs)
                let compose_pin = env.source == EnvSource::TestRun
                    && cx.ws.file(env.file).kind == crate::source::SourceKind::ComposeFile;
                let message = if exported_dev_php {
                    format!(
                        "{} runs with {key}=`{value}` from your environment: the app boots in its {real} environment (its {real} mail, queue and cache settings); the run's database is decided by its other settings and checked on its own",
                        env.name
                    )
                } else if compose_pin {
                    let pin = cx.ws.file(s.value_span.file);
                    let from = if s.value_span.file == env.file {
                        String::new()
                    } else if pin.kind == crate::source::SourceKind::Dockerfile {
                        format!(
                            " through the `ENV` of {}, the image it is built from",
                            pin.path
                        )
                    } else {
                        format!(" through its `env_file` {}", pin.path)
                    };
                    format!(
                        "{} keeps {key}=`{value}`, which the service pins{from}: rspec only defaults it (`ENV['RAILS_ENV'] ||= 'test'` in the generated rails_helper.rb), so the framework loads its {real} configuration, and with it the {real} database",
                        env.name
                    )
                } else if s.via == crate::model::Via::Caller && env.source == EnvSource::TestRun {
                    // rspec and `mix test` keep what the shell exports
                    format!(
                        "{} keeps {key}=`{value}` from your environment: the framework then loads its {real} configuration, and with it the {real} database",
                        env.name
                    )
                } else {
                    format!(
                        "{} sets {key} to `{value}`: the framework then loads its {real} configuration, and with it the {real} database",
                        env.name
                    )
                };
                let want = match *key {
                    "APP_ENV" if env.frameworks.laravel && !env.frameworks.symfony => "`testing`",
                    "APP_ENV" if env.frameworks.symfony && !env.frameworks.laravel => "`test`",
                    "APP_ENV" => "`testing` (Laravel) or `test` (Symfony)",
                    "ASPNETCORE_ENVIRONMENT" | "DOTNET_ENVIRONMENT" => "`Testing`",
                    _ => "`test`",
                };
                let mut d = META
                    .diag_with(severity, Some(s.value_span), message)
                    .with_primary_label(format!("a {real} environment"));
                if compose_pin {
                    d = d.with_label(env.anchor, "runs the tests with it").with_help(format!(
                        "set {key}: test for this service (`environment:` wins over `env_file:` and the image's `ENV`), assign it outright in spec/rails_helper.rb (`ENV['{key}'] = 'test'`), or run `bin/rails test`, which sets it"
                    ));
                } else {
                    d = d.with_help(format!(
                        "set {key} to {want}, or remove the line and let the test runner set it"
                    ));
                }
                out.push(super::with_test_command(d, env));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::real_environment;

    #[test]
    fn real_environments_are_whole_tokens() {
        assert_eq!(real_environment("production"), Some("production"));
        assert_eq!(real_environment("Development"), Some("development"));
        assert_eq!(real_environment("dev,test"), Some("development"));
        assert_eq!(real_environment("test"), None);
        assert_eq!(real_environment("devtest"), None);
        assert_eq!(real_environment("Testing"), None);
    }
}
