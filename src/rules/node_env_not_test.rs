//! TG202 node-env-not-test.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::EnvSource;

pub struct NodeEnvNotTest;

static META: RuleMeta = RuleMeta {
    code: "TG202",
    name: "node-env-not-test",
    default_severity: Severity::Error,
    summary: "a Node project's test dotenv file sets NODE_ENV to something other than test",
    docs: DOCS,
    supersedes: &[],
};

const DOCS: &str = r#"## What it checks
A test dotenv file of a Node project (jest, vitest, mocha, Playwright) that sets
`NODE_ENV` to anything but `test` — `production`, `development`, …. Not setting
it is fine: Jest and Vitest set `NODE_ENV=test` themselves.

Also a `package.json` test script whose runner gets `NODE_ENV` from the
script itself — `NODE_ENV=development jest`, `cross-env NODE_ENV=production
mocha`, through the scripts it calls — set to anything but `test`. The
script's assignment beats Jest's and Vitest's own default (they set
`NODE_ENV` only when it is unset).

## Why it is dangerous
Loaders pick their files and branches by `NODE_ENV`: Next.js and Bun load
`.env.test` only when it is `test` (and `.env.local` otherwise); config modules
choose the production database for `production`.

## Example
```dotenv
# .env.test
NODE_ENV=development
```

## Fix
`NODE_ENV=test`, or remove the line and let the test runner set it.
"#;

impl Rule for NodeEnvNotTest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in cx
            .ws
            .envs
            .iter()
            .filter(|e| e.source == EnvSource::Dotenv && e.frameworks.node)
        {
            let Some(s) = env.get("NODE_ENV") else {
                continue;
            };
            let v = s.value.trim();
            if v.is_empty() || v == "test" || s.is_reference() {
                continue;
            }
            out.push(
                META.diag(
                    Some(s.value_span),
                    format!(
                        "{} sets NODE_ENV to `{v}`: loaders and config modules then pick the `{v}` files and settings, not the test ones",
                        env.name
                    ),
                )
                .with_primary_label("expected `test`")
                .with_help("set `NODE_ENV=test`, or remove the line: Jest and Vitest set it themselves"),
            );
        }
        for run in &cx.ws.node_runs {
            let Some(s) = crate::resolve::decide(&run.layers, "NODE_ENV") else {
                continue;
            };
            // only the script's own assignment: a dotenv value is judged above
            if s.value_span.file != run.package {
                continue;
            }
            let v = s.value.trim();
            if v.is_empty() || v == "test" || s.is_reference() {
                continue;
            }
            out.push(
                META.diag(
                    Some(s.value_span),
                    format!(
                        "{} starts {} with NODE_ENV=`{v}`: config modules, loaders and ORMs pick their `{v}` settings — and database — instead of the test ones",
                        run.name, run.runner
                    ),
                )
                .with_primary_label("expected `test`")
                .with_label(run.runner_span, "the test runner it reaches")
                .with_help("set `NODE_ENV=test` in the script, or drop the assignment: Jest and Vitest set it themselves"),
            );
        }
    }
}
