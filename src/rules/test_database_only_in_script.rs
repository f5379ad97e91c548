//! TG212 test-database-only-in-script.

use super::script_database::{SetBy, findings};
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

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
