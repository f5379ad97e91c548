//! TG106 test-env-file-missing.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct TestEnvFileMissing;

static META: RuleMeta = RuleMeta {
    code: "TG106",
    name: "test-env-file-missing",
    default_severity: Severity::Error,
    summary: "a test run loads a test env file the repository keeps out (gitignored) or lacks, and the loader falls back to the development file",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A test run whose loader reads a test env file that the repository does not
contain because `.gitignore` keeps it out, while nothing else in the run
chooses the test database.

**Laravel.** A PHPUnit config that sets `APP_ENV=testing` and no database
override, with `.env.testing` gitignored.

**Node.** A `package.json` test script (or a runner setup file) that loads a
test env file the repository does not contain — gitignored, or never
created — through a loader that skips a missing file without a word:
`dotenv -e .env.test` (dotenv-cli), `env-cmd --fallback`, `node
--env-file-if-exists=`, `dotenv.config({ path: '.env.test' })`; while
something in the same run loads the development `.env` anyway — Prisma ≤ 6
(it loads `.env` itself), a setup file's `import 'dotenv/config'`, Strapi,
`next/jest`, `env-cmd --fallback` — and nothing else in the run (an inline
`VAR=`, Vitest's `test.env`, another env file) sets the database. Silent when
the run picks its database in code (`mongodb-memory-server`,
testcontainers, a mocked client), and for loaders that fail on a missing
file (`env-cmd -f` without `--fallback`, `node --env-file=`): the run then
stops before it starts. Several scripts of a package that load the same
missing file (`test`, `test:watch`, `test:cov`) make one finding, at the
first, with a label on each of the others: one problem, one fix.

## Why it is dangerous
The test database then lives only in a file each developer is expected to
create by hand. On every machine where it was never created — a fresh clone,
a new colleague's laptop — Laravel finds no `.env.testing`, loads `.env`
instead (`LoadEnvironmentVariables::checkForSpecificEnvironmentFile`), and
`RefreshDatabase` runs `migrate:fresh` on the development database. Nothing
fails: the suite passes, on the wrong data.

## Example
```gitignore
# .gitignore
.env
.env.testing
```
```xml
<!-- phpunit.xml -->
<env name="APP_ENV" value="testing"/>
```

```json
{ "scripts": { "test": "dotenv -e .env.test -- jest" } }
```
with `.env.test` in `.gitignore` and Prisma 5: on a fresh clone dotenv-cli
loads nothing, and Prisma reads `DATABASE_URL` from `.env`.

## Fix
Commit a `.env.testing` that names a test database (it holds no secrets a
test needs), or choose the database in `phpunit.xml` itself:
`<env name="DB_CONNECTION" value="sqlite" force="true"/>` and
`<env name="DB_DATABASE" value=":memory:" force="true"/>`. Node: commit the
test env file (with a test database and no secrets), or set the database
where the run cannot lose it: `DATABASE_URL=… jest` in the script, Vitest's
`test.env`.

## Framework facts
Laravel reads `.env.{APP_ENV}` when it exists, else `.env`; dotenv never
overrides a variable PHPUnit already set (laravel/framework
`LoadEnvironmentVariables`, and the immutable repository of
`Support/Env.php`). When the file is simply absent and not gitignored, the
finding is TG206's. `testguard run` sees whether the file exists on the
machine that runs the tests. dotenv-cli skips missing files (`cli.js:47-56`);
Prisma ≤ 6 loads `.env` without overriding; Prisma 7 loads nothing (prisma.io
docs orm/v6 environment-variables, upgrade guide v7).
"#;

/// Database keys a PHPUnit config may set to choose the test database.
const DB_OVERRIDES: &[&str] = &["DB_CONNECTION", "DB_DATABASE", "DB_URL", "DATABASE_URL"];

impl Rule for TestEnvFileMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for run in cx.ws.php_runs() {
            let Some(missing) = run.missing_env_file() else {
                continue;
            };
            let Some(ignored) = missing.ignored_by else {
                continue;
            };
            let Some(runner) =
                cx.ws.envs.iter().find(|e| {
                    e.file == run.config() && e.source == crate::model::EnvSource::Phpunit
                })
            else {
                continue;
            };
            if DB_OVERRIDES.iter().any(|k| runner.get(k).is_some()) {
                continue;
            }
            let config = &cx.ws.file(run.config()).path;
            let message = if cx.ws.invocation.is_some() {
                // `testguard run`: the file is not on this machine, and what
                // Laravel reads instead is known
                if !cx.ws.files.iter().any(|f| f.path == missing.fallback) {
                    continue;
                }
                let Some(db) = run.decided("DB_DATABASE").cloned() else {
                    continue;
                };
                let name = db.value.trim();
                if name.is_empty()
                    || db.is_reference()
                    || name == ":memory:"
                    || cx.policy.markers.has_test(name)
                {
                    continue;
                }
                format!(
                    "{} loads {}, which does not exist on this machine (`.gitignore` keeps it out of the repository): Laravel reads {} instead, and the tests would use its database `{}`",
                    run.name,
                    missing.path,
                    missing.fallback,
                    crate::mask::display_value(&db, &cx.policy.extra_db_keys)
                )
            } else {
                format!(
                    "{} loads {}, which the repository keeps out: wherever it was not created by hand, Laravel reads {} instead and the tests use the development database",
                    run.name, missing.path, missing.fallback
                )
            };
            let mut d = META
                .diag(Some(ignored), message)
                .with_primary_label(format!("keeps {} out of the repository", missing.path))
                .with_help(format!(
                    "commit a {} that names a test database, or choose it in {config}: `<env name=\"DB_CONNECTION\" value=\"sqlite\" force=\"true\"/>` and `<env name=\"DB_DATABASE\" value=\":memory:\" force=\"true\"/>`",
                    missing.path
                ));
            if let Some(chosen) = missing.chosen_by {
                d = d.with_label(chosen, format!("makes Laravel look for {}", missing.path));
            }
            out.push(d);
        }
        node(cx, out);
    }
}

/// A Node run whose test env file is missing while the run loads `.env`.
/// Several scripts of a package that load the same missing file make one
/// finding (one problem, one fix), with a label on each script.
fn node(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::database::db_key_kind;
    use crate::model::run::LayerKind;
    let mut groups: Vec<
        Vec<(
            &crate::model::TestRun,
            &crate::model::run::MissingNodeEnvFile,
            &str,
        )>,
    > = Vec::new();
    for (run, node) in cx.ws.node_runs() {
        let Some((loader, _)) = &node.dev_loader else {
            continue;
        };
        if node.isolated.is_some() {
            continue;
        }
        // the run sets its database some other way
        let sets_db = run.layers.iter().any(|l| {
            l.kind != LayerKind::Caller
                && l.file
                    .is_none_or(|f| cx.ws.file(f).kind != crate::source::SourceKind::DotenvDev)
                && l.settings
                    .iter()
                    .any(|s| db_key_kind(&s.key.value, &cx.policy.extra_db_keys).is_some())
        });
        if sets_db {
            continue;
        }
        for missing in node.missing.iter().filter(|m| m.skipped) {
            match groups
                .iter_mut()
                .find(|g| g[0].1.path == missing.path && g[0].0.dir == run.dir)
            {
                Some(g) => g.push((run, missing, loader)),
                None => groups.push(vec![(run, missing, loader)]),
            }
        }
    }
    for group in groups {
        let (run, missing, loader) = group[0];
        let state = if missing.ignored_by.is_some() {
            "`.gitignore` keeps out of the repository"
        } else {
            "the repository does not contain"
        };
        let others = match group.len() {
            1 => String::new(),
            2 => " (and so does 1 more test script)".to_string(),
            n => format!(" (and so do {} more test scripts)", n - 1),
        };
        let mut d = META
            .diag(
                Some(missing.span),
                format!(
                    "{} loads {}{others}, which {state}: {}, and {loader}: wherever it was not created by hand, the tests use the development database",
                    run.name, missing.path, missing.behaviour
                ),
            )
            .with_primary_label(format!("{} is not in the repository", missing.path))
            .with_help(format!(
                "commit {} with a test database (and no secrets), or set the database in the script itself (`DATABASE_URL=…_test {}`)",
                missing.path,
                run.runner.to_ascii_lowercase()
            ));
        for (other, m, _) in &group[1..] {
            if m.span != missing.span {
                d = d.with_label(m.span, format!("{} loads it too", other.name));
            }
        }
        // a committed template says the file is meant to be made by hand
        let template = [".example", ".sample", ".dist", ".template"]
            .iter()
            .map(|t| format!("{}{t}", missing.path))
            .find_map(|t| {
                cx.ws
                    .files
                    .iter()
                    .position(|f| f.path == t)
                    .map(crate::source::FileId)
            });
        if let Some(t) = template {
            d = d.with_label(
                crate::source::Span::new(t, 0, 0),
                format!(
                    "the template {} is copied by hand — nothing makes a fresh clone do it",
                    cx.ws.file(t).path
                ),
            );
        }
        if let Some(ignored) = missing.ignored_by {
            d = d.with_label(ignored, format!("keeps {} out", missing.path));
        }
        out.push(d);
    }
}
