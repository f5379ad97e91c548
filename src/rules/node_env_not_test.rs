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
    aliases: &[],
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

And a test script whose runner leaves `NODE_ENV` unset — Mocha, tape,
`node --test` — with nothing in the run setting it, in a package whose
database config is keyed by environment (a knexfile or Sequelize config with
`development:` and `test:` blocks): knex, sequelize-cli (knexjs.org,
sequelize.org migrations) and the
`config[process.env.NODE_ENV || 'development']` idiom then pick the
`development` block. A warning; an error when the suite provably wipes its
database.

## Why it is dangerous
Loaders pick their files and branches by `NODE_ENV`: Next.js and Bun load
`.env.test` only when it is `test` (and `.env.local` otherwise); config modules
choose the production database for `production`.

## Example
```dotenv
# .env.test
NODE_ENV=development
```

Under `testguard run`, a non-test NODE_ENV exported in your environment that
the run keeps is an error beside a config keyed by environment (knexfile,
Sequelize `config.json`, node-config).

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
        for (run, node) in cx.ws.node_runs() {
            let Some(s) = run.decided("NODE_ENV").cloned() else {
                continue;
            };
            // only the script's own assignment: a dotenv value is judged above
            if s.value_span.file != node.package {
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
                .with_label(node.runner_span, "the test runner it reaches")
                .with_help("set `NODE_ENV=test` in the script, or drop the assignment: Jest and Vitest set it themselves"),
            );
        }
        unset_by_runner(cx, out);
        exported_beside_keyed_config(cx, out);
    }
}

/// `testguard run`: the NODE_ENV your environment exports, which the runner
/// keeps (Jest and Vitest set `test` only when it is unset), beside a config
/// keyed by environment: the tests get that environment's block.
fn exported_beside_keyed_config(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (run, _) in cx.ws.node_runs() {
        let Some(s) = run.decided("NODE_ENV").cloned() else {
            continue;
        };
        let v = s.value.trim();
        if s.via != crate::model::Via::Caller || v.is_empty() || v == "test" || s.is_reference() {
            continue;
        }
        let Some(keyed) = keyed_config(cx, &run.dir) else {
            continue;
        };
        let path = &cx.ws.file(keyed.file).path;
        out.push(
            META.diag(
                Some(s.value_span),
                format!(
                    "{} runs {} with NODE_ENV=`{v}` from your environment, which it keeps (Jest and Vitest set `test` only when NODE_ENV is unset): {path} is keyed by environment, so the tests get its `{v}` settings and database",
                    run.name, run.runner
                ),
            )
            .with_primary_label("exported NODE_ENV")
            .with_label(keyed.development, "the development block")
            .with_help("start the tests with `NODE_ENV=test` (in the script, or `unset NODE_ENV` in this shell)"),
        );
    }
}

/// The config of a package keyed by environment (knexfile, Sequelize
/// `config.json`, node-config), if it has one.
fn keyed_config<'w>(cx: &Context<'w>, dir: &str) -> Option<&'w crate::model::NodeEnvKeyedConfig> {
    cx.ws.node_env_keyed_configs().find(|k| k.project == dir)
}

/// A Mocha/tape/`node --test` run with `NODE_ENV` unset beside a config
/// keyed by environment.
fn unset_by_runner(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, crate::source::Span)> = Vec::new();
    for (run, node) in cx.ws.node_runs().filter(|(_, n)| n.runner_leaves_node_env) {
        if run.decided("NODE_ENV").cloned().is_some() {
            continue;
        }
        let Some(keyed) = keyed_config(cx, &run.dir) else {
            continue;
        };
        if seen.contains(&(run.dir.as_str(), node.runner_span)) {
            continue;
        }
        seen.push((&run.dir, node.runner_span));
        let path = &cx.ws.file(keyed.file).path;
        let d = META
            .diag_with(
                Severity::Warning,
                Some(node.runner_span),
                format!(
                    "{} starts {}, which leaves NODE_ENV unset, and nothing in the run sets it: {path} is keyed by environment, and a run without NODE_ENV gets its `development` block — the development database",
                    run.name, run.runner
                ),
            )
            .with_primary_label("NODE_ENV stays unset")
            .with_label(keyed.development, "what the tests get")
            .with_help(format!(
                "set it in the script: `NODE_ENV=test {}` (or `cross-env NODE_ENV=test …`)",
                run.runner.to_ascii_lowercase()
            ));
        out.push(super::error_if_wiped(d, cx, &run.dir));
    }
}
