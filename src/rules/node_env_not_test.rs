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
    }
}
