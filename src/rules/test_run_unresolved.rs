//! TG004 test-run-unresolved.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Verdict;

pub struct TestRunUnresolved;

static META: RuleMeta = RuleMeta {
    code: "TG004",
    name: "test-run-unresolved",
    default_severity: Severity::Warning,
    summary: "a test run (or a suite no run covers) uses a database testguard cannot name; off unless `unresolved = \"warn\"` or `\"error\"`",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
`testguard runs` gives every test run of the repository — and every suite
folder no recognised run covers — a database verdict: `test`, `isolated`,
`not-test`, `none` or `unresolved`. A run is `unresolved` when its suite uses a
database (a client or ORM among its dependencies, a database setting) and the
chain that decides which one ends where testguard cannot read: code
(`create_app(config)`, a settings class computing its URL), the caller's
environment (`DATABASE_URL` is read and set nowhere in the repository), a file
the repository does not hold, or a runner testguard does not recognise. A
suite whose code runs a shell command that wipes a database —
`execSync('./scripts/reset-db.sh')` whose script truncates tables,
`cy.exec('php artisan migrate:fresh')`, `execSync('npm run db:reset')` — uses a
database even when its package has no client (an end-to-end suite driving a
PHP or Python app): the command connects to whatever its own configuration
names (artisan's `.env`, `psql -d`), so the run is `unresolved` at the idiom
that wipes (in the script file or package script the command runs, one step
followed), not `none`. This rule turns each such run into a finding, at the
bytes where the chain ends.

It is off by default: an unresolved run is not a problem found, only one not
ruled out. Teams that want every run proven turn it on.

## Why it matters
A silent linter cannot be told apart from a satisfied one. The dangerous
repositories testguard missed on real code were the ones whose test database
is decided where it did not look; `unresolved` says so instead of "no
problems", and this rule lets CI insist on an answer.

## Example
`tests/conftest.py` builds the app with `create_app()` and the project depends
on `psycopg2`, but no file testguard reads names the database:
`testguard runs` lists the suite as `unresolved`, and with
`unresolved = "error"` lint fails on it.

## Fix
Make the test database visible where testguard reads it: a `[pytest]`
`env` (pytest-env), a test dotenv file, `<env>` in `phpunit.xml`, the CI step's
`env:` — or give the suite a database of its own (in memory, Testcontainers).
When a run is decided in code by design, suppress the finding with a reason.

## Configure or suppress
`unresolved = "allow"` (default), `"warn"` or `"error"` in `testguard.toml`
(or `[tool.testguard]`); `[severity] TG004 = "warning"` turns it on as well.
Under `"error"`, `testguard run` refuses a run it cannot resolve (exit 125).
`# testguard: ignore[TG004] reason` on the line the finding points at.
"#;

impl Rule for TestRunUnresolved {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(severity) = cx.policy.unresolved else {
            return;
        };
        for a in &cx.ws.accounts {
            if a.database.verdict != Verdict::Unresolved {
                continue;
            }
            let reason = a
                .database
                .reason
                .as_deref()
                .unwrap_or("testguard cannot tell which database it reaches");
            let at = a.database.reason_at.or(a.entry);
            out.push(
                META.diag_with(
                    severity,
                    at,
                    format!("{} uses a database testguard cannot name: {reason}", a.name),
                )
                .with_primary_label("the chain that decides the database ends here")
                .with_help(
                    "set the test database where testguard reads it (a test dotenv file, the runner's env, the CI step's env), or give the suite an isolated database; `testguard runs` lists every run",
                ),
            );
        }
    }
}
