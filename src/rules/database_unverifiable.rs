//! TG104 database-unverifiable.

use super::{Context, Rule, RuleMeta, db_kind_is_db};
use crate::diagnostic::{Diagnostic, Severity};

pub struct DatabaseUnverifiable;

static META: RuleMeta = RuleMeta {
    code: "TG104",
    name: "database-unverifiable",
    default_severity: Severity::Warning,
    summary: "a test environment's database comes from a variable whose value cannot be checked",
    docs: DOCS,
    supersedes: &[],
};

const DOCS: &str = r#"## What it checks
A test environment's database (or its name) is a reference that only the
runtime resolves — `${DATABASE_URL}`, `$DB_NAME`, `%env(DATABASE_URL)%`,
`${{ secrets.DATABASE_URL }}` — with no literal test marker around it
(`test_${SUFFIX}` is fine).

## Why it is dangerous
Nothing in the repository says which database the tests reach: it is whatever
the variable holds on the machine that runs them — on a developer's laptop,
often the development database.

## Example
```dotenv
# .env.test
DATABASE_URL=${DEV_DATABASE_URL}
```

## Fix
Write the test database into the test configuration (`…/app_test`), or build
the name with a literal marker: `DB_DATABASE=${DB_DATABASE}_test`.

## Configure or suppress
Suppress with a reason when the variable is guaranteed elsewhere.
"#;

impl Rule for DatabaseUnverifiable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let markers = &cx.policy.markers;
        for env in &cx.ws.envs {
            for d in cx.db_settings(env) {
                if !db_kind_is_db(d.kind) || d.db.in_memory {
                    continue;
                }
                let s = d.setting;
                let unresolved = match &d.db.name {
                    Some(n) => n.is_reference() && !markers.has_test(&n.text),
                    // the whole value is a reference (`${DATABASE_URL}`)
                    None => s.is_reference() && !markers.has_test(&s.value),
                };
                // a CI runner's own or service database: its name cannot lose data
                let host =
                    d.db.host
                        .as_ref()
                        .filter(|h| !h.is_reference())
                        .map(|h| h.text.as_str());
                if !unresolved
                    || (host.is_some() && env.ephemeral_db(host, &cx.policy.extra_local_hosts))
                {
                    continue;
                }
                out.push(super::with_test_command(
                    META.diag(
                        Some(s.value_span),
                        format!(
                            "{} takes its database from `{}`, which only the runtime resolves: nothing here shows it is a test database",
                            env.name,
                            cx.display(s)
                        ),
                    )
                    .with_primary_label("resolved at run time")
                    .with_help("write the test database here, or build its name with a literal marker (e.g. `${DB_DATABASE}_test`)")
                , env));
            }
        }
    }
}
