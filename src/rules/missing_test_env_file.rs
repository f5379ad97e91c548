//! TG302 missing-test-env-file.

use super::{Context, Rule, RuleMeta, db_kind_is_db};
use crate::database::db_key_kind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::is_within;

pub struct MissingTestEnvFile;

static META: RuleMeta = RuleMeta {
    code: "TG302",
    name: "missing-test-env-file",
    default_severity: Severity::Warning,
    summary: "a Node project whose dev dotenv files define a database has no test dotenv file",
    docs: DOCS,
    supersedes: &[],
};

const DOCS: &str = r#"## What it checks
A Node project (a `package.json` with jest, vitest, mocha or Playwright, or a
`jest.config.*`) whose development dotenv files (`.env`, `.env.example`,
`.env.sample`, …) define a database, but with no test dotenv file
(`.env.test`, `.env.testing`, …) anywhere in the project. A project with no
database anywhere gets nothing.

## Why it is dangerous
Test setups load dotenv files too (`dotenv/config` in a setup file, Next.js,
Bun, Playwright configs): with no test file, the tests read the development
database URL, and their cleanup runs against it.

## Example
`.env.example` with `DATABASE_URL=postgres://…/app` and no `.env.test`.

Silent when the project (or a workspace below it) depends on a package that
gives the tests a database of their own — `mongodb-memory-server`,
`@shelf/jest-mongodb`, `testcontainers` (`@testcontainers/*`), `pg-mem`
(STACKS.md, "Node", safe idioms): the run is isolated in code.

## Fix
Add a `.env.test` with a test database (`DATABASE_URL=…/app_test`) and load it
in the test setup; or derive the test database in code and suppress with a
reason.
"#;

impl Rule for MissingTestEnvFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (dir, c) in &cx.ws.folders {
            // a Node package with tests here or in a workspace below; the dotenv
            // of a Laravel, Symfony or Django app belongs to that app, not to its JS tests
            let node = c.frameworks.node || (c.node_root && c.node_tests_below);
            let other = c.frameworks.laravel || c.frameworks.symfony || c.frameworks.django;
            if !node || other {
                continue;
            }
            let has_test_file = cx
                .ws
                .test_dotenv_dirs
                .iter()
                .any(|(d, _)| is_within(d, dir));
            if has_test_file {
                continue;
            }
            // isolated in code: the suite starts its own database
            if cx
                .ws
                .folders
                .iter()
                .any(|(d, f)| is_within(d, dir) && f.isolating_dependency.is_some())
            {
                continue;
            }
            let db = cx
                .ws
                .dev_dotenvs
                .iter()
                .filter(|d| d.dir == *dir)
                .find_map(|d| {
                    d.settings.iter().find(|s| {
                        db_key_kind(&s.key.value, &cx.policy.extra_db_keys)
                            .is_some_and(db_kind_is_db)
                            && !s.value.trim().is_empty()
                            && !cx.policy.markers.has_test(&s.key.value)
                    })
                });
            let Some(s) = db else { continue };
            let path = &cx.ws.file(s.key.span.file).path;
            let project = if dir.is_empty() {
                "the repository root".to_string()
            } else {
                format!("`{dir}`")
            };
            out.push(
                META.diag(
                    Some(s.key.span),
                    format!(
                        "the Node project in {project} configures a database in {path} but has no test dotenv file: unless the test setup picks another database in code, its tests use this development one"
                    ),
                )
                .with_primary_label("development database")
                .with_help(format!("add a .env.test beside {path} with `{}` pointing at a test database, and load it in the test setup", s.key.value)),
            );
        }
    }
}
