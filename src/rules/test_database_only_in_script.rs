//! TG212 test-database-only-in-script.

use super::{Context, Rule, RuleMeta};
use crate::database::db_key_kind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::run::{LayerKind, NodeRun, TestRun};
use crate::model::{Setting, Workspace, is_within};
use crate::source::{SourceKind, Span};

pub struct TestDatabaseOnlyInScript;

static META: RuleMeta = RuleMeta {
    code: "TG212",
    name: "test-database-only-in-script",
    default_severity: Severity::Warning,
    summary: "a Node suite gets its test database only from the command line that starts it (a package.json script's prefix, a CI step's env); the runner started any other way takes the development `.env`",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A Node package whose test database is set only by the wrapper around the
runner — an inline `DATABASE_URL=… jest` or `dotenv -e` in one
`package.json` script, or a CI step's `env:` — while:

- the development dotenv beside the package (`.env`, or the `.env.example`
  it is copied from) declares that variable;
- something loads that `.env` into the test process whatever the command
  line: the app (`dotenv`, `@nestjs/config`, Strapi), Prisma ≤ 6, a setup
  file's `import 'dotenv/config'`;
- the runner's own configuration sets nothing for it: no Vitest `test.env`,
  no setup file loading a test env file, no test dotenv in the package.

A warning: the scripted run is safe. Silent when the suite picks its
database in code (`mongodb-memory-server`, testcontainers, a mocked client).

## Why it is dangerous
The runner is started in more ways than the script: `npx jest`, an editor's
test button (VS Code's Jest extension, WebStorm), `npm test` on a machine
whose CI variables are not set. Each of those gets the variable from `.env`:
the development database, which the suite's cleanup (`deleteMany`, `TRUNCATE`,
deleting the sqlite file) then empties: loaders that do not override keep what
is set, and nothing else is.

## Example
```json
{ "scripts": { "test": "DATABASE_FILENAME=.tmp/test.db jest" } }
```
with Strapi loading `.env` (`DATABASE_FILENAME=.tmp/data.db`) and no
`jest.config` setting it.

## Framework facts
Jest and Vitest read no env file of their own; `dotenv`, `@nestjs/config`,
Strapi and Prisma ≤ 6 load `.env` without overriding what is set
(motdotla/dotenv README; docs.strapi.io configurations/environment; prisma.io
docs orm/v6 environment-variables), so the script's value wins when the script
runs — and `.env`'s when it does not. `testguard run -- npx jest` sees the
real environment.

## Fix
Set the test database where every start of the runner reads it: a setup
file (`process.env.DATABASE_FILENAME = '.tmp/test.db'` before the app
loads), a committed `.env.test` that the setup loads, or Vitest's
`test.env`.
"#;

impl Rule for TestDatabaseOnlyInScript {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for finding in findings(cx.ws, &cx.policy.extra_db_keys) {
            let (primary, by) = match &finding.set_by {
                SetBy::Script(run, s) => (s.value_span, run.name.clone()),
                SetBy::Ci(s) => (s.value_span, "the CI test step".to_string()),
            };
            let dev_file = &cx.ws.file(finding.dev.key.span.file).path;
            let dev_env = if dev_file.ends_with("/.env") || dev_file == ".env" {
                format!("the development `{dev_file}`")
            } else {
                format!("the development `.env` (made from {dev_file})")
            };
            let mut d = META
                .diag(
                    Some(primary),
                    format!(
                        "the test database (`{}`) is set only by {by}: {} started any other way ({}) takes `{}` from {dev_env}, because {}",
                        finding.key, finding.runner_command, finding.other_ways, finding.key, finding.loader
                    ),
                )
                .with_primary_label("set only here")
                .with_label(
                    if finding.dev.value.is_empty() {
                        finding.dev.key.span
                    } else {
                        finding.dev.value_span
                    },
                    "what every other start of the runner gets",
                )
                .with_help(format!(
                    "set `{}` where the runner itself reads it: a setup file (`process.env.{} = …` before the app loads), a committed test env file the setup loads, or Vitest's `test.env`",
                    finding.key, finding.key
                ));
            if let Some(w) = finding.wipe {
                d = d.with_label(w, "the suite wipes the database it reaches");
            }
            out.push(d);
        }
    }
}

enum SetBy<'w> {
    Script(&'w TestRun, Setting),
    Ci(Setting),
}

struct Finding<'w> {
    key: String,
    set_by: SetBy<'w>,
    dev: &'w Setting,
    loader: String,
    runner_command: String,
    other_ways: &'static str,
    wipe: Option<Span>,
}

/// Packages whose test database lives only in the wrapper. Shared with
/// TG302, which stays silent where this fires.
fn findings<'w>(ws: &'w Workspace, extra: &[String]) -> Vec<Finding<'w>> {
    let mut out = Vec::new();
    let mut dirs: Vec<&str> = ws.node_runs().map(|(r, _)| r.dir.as_str()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        let runs: Vec<(&TestRun, &NodeRun)> =
            ws.node_runs().filter(|(r, _)| r.dir == dir).collect();
        if runs.iter().any(|(_, n)| n.isolated.is_some())
            || ws
                .projects
                .get(dir)
                .is_some_and(|c| c.isolating_dependency.is_some())
            || ws.test_dotenv_dirs.iter().any(|(d, _)| is_within(d, dir))
        {
            continue;
        }
        let Some(loader) = runs.iter().find_map(|(_, n)| {
            n.dev_loader.as_ref().map(|(w, _)| w.clone()).or_else(|| {
                n.app_loads_dotenv
                    .as_ref()
                    .map(|d| format!("the app depends on `{d}`, which loads it"))
            })
        }) else {
            continue;
        };
        let dev_settings: Vec<&Setting> = ws
            .dev_dotenvs
            .iter()
            .filter(|d| d.dir == dir)
            .flat_map(|d| d.settings.iter())
            .filter(|s| db_key_kind(&s.key.value, extra).is_some())
            .collect();
        for dev in dev_settings {
            let key = dev.key.value.as_str();
            // the runner's own configuration sets it: a direct start is safe too
            let direct = runs.iter().any(|(r, n)| {
                r.layers.iter().enumerate().any(|(i, l)| {
                    !n.script_layers.contains(&i)
                        && l.kind != LayerKind::Caller
                        && l.file
                            .is_none_or(|f| ws.file(f).kind != SourceKind::DotenvDev)
                        && l.settings.iter().any(|s| s.key.value == key)
                })
            });
            if direct {
                continue;
            }
            let scripted = runs.iter().find_map(|(r, n)| {
                let s = r.decided(key).cloned()?;
                let i = r
                    .layers
                    .iter()
                    .position(|l| l.settings.iter().any(|x| x.value_span == s.value_span))?;
                // a development template the script loads (`dotenv -e .env.example`)
                // is no test database of its own
                let from_dev = r.layers[i]
                    .file
                    .is_some_and(|f| ws.file(f).kind == SourceKind::DotenvDev);
                (n.script_layers.contains(&i) && !from_dev && s.value != dev.value)
                    .then_some((*r, s))
            });
            let set_by = match scripted {
                Some((r, s)) => SetBy::Script(r, s),
                None => {
                    let ci = ws.envs.iter().find_map(|e| {
                        let job = e.ci()?;
                        let cmd = job.test_command.as_ref()?;
                        let node_cmd = ["npm", "yarn", "pnpm", "npx", "jest", "vitest", "mocha"]
                            .iter()
                            .any(|w| cmd.value.split_whitespace().any(|x| x == *w));
                        // a CI job works in its checkout's root unless it `cd`s
                        let job_dir = job
                            .commands
                            .iter()
                            .rev()
                            .find_map(|c| c.value.trim().strip_prefix("cd "))
                            .map_or("", |d| {
                                d.trim().trim_start_matches("./").trim_end_matches('/')
                            });
                        if !node_cmd || job_dir != dir {
                            return None;
                        }
                        e.get(key).filter(|s| !s.value.trim().is_empty()).cloned()
                    });
                    match ci {
                        Some(s) => SetBy::Ci(s),
                        None => continue,
                    }
                }
            };
            let runner = runs
                .first()
                .map_or("the runner", |(r, _)| r.runner.as_str());
            let wipe = match ws.wipe_evidence(dir) {
                crate::model::Wipe::Proven(d) => Some(d.span),
                _ => None,
            };
            out.push(Finding {
                key: key.to_string(),
                set_by,
                dev,
                loader: loader.clone(),
                runner_command: runner.to_string(),
                other_ways: "`npx`, an editor's test button, a shell without the CI variables",
                wipe,
            });
        }
    }
    out
}

/// The package folders TG212 reports: TG302 then says nothing more there.
pub fn covered_dirs<'w>(ws: &'w Workspace, extra: &[String]) -> Vec<&'w str> {
    findings(ws, extra)
        .iter()
        .map(|f| ws.file(f.dev.key.span.file).dir())
        .collect()
}
