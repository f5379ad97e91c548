//! TG003 unused-suppression.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::suggest::closest;
use crate::suppress::Suppression;

pub struct UnusedSuppression;

pub static META: RuleMeta = RuleMeta {
    code: "TG003",
    name: "unused-suppression",
    default_severity: Severity::Warning,
    summary: "an inline `testguard: ignore[...]` comment suppresses nothing",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A `testguard: ignore[…]` comment that silences nothing: no finding of the rules
it names starts on its line or the line below, it names a rule that does not
exist, or it names none at all (there is no blanket ignore).

## Why it matters
A suppression outlives the problem it was written for: after the database was
renamed, a stale `ignore[TG101]` would silently hide the next real finding on
that line. Reporting it keeps every suppression meaningful.

## Example
```dotenv
# testguard: ignore[TG101] local fixture database
DATABASE_URL=postgres://localhost/app_test
```
fires: `app_test` is a test database, there is nothing to suppress.

## Fix
Delete the comment, or correct the rule it names.

## Configure or suppress
Suppressions are written in each file's own comment syntax, on the line of the
finding or the line above:
- dotenv, TOML, YAML, INI: `# testguard: ignore[TG101] reason`
- INI also: `; testguard: ignore[TG101] reason`
- XML: `<!-- testguard: ignore[TG201] reason -->`

Several rules: `ignore[TG101, database-remote-host]`. `--no-ignore-comments`
shows suppressed findings again.
"#;

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Unused suppressions are known only after every other rule ran: the
    /// engine calls [`report`] then.
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// TG003 for each rule a suppression names without using it.
pub fn report(s: &Suppression, used: &[&'static str], out: &mut Vec<Diagnostic>) {
    if s.rules.is_empty() {
        out.push(
            META.diag(
                Some(s.span),
                "this suppression names no rule: testguard has no blanket ignore",
            )
            .with_primary_label("no rule named")
            .with_help("name the rules it silences, e.g. `testguard: ignore[TG101] reason`"),
        );
        return;
    }
    for (written, code) in &s.rules {
        match code {
            None => {
                let words = super::registry().iter().flat_map(|r| [r.meta().code, r.meta().name]);
                let help = match closest(written, words) {
                    Some(c) => format!("did you mean `{c}`? (`testguard rules` lists every rule)"),
                    None => "`testguard rules` lists every rule".to_string(),
                };
                out.push(
                    META.diag(Some(s.span), format!("this suppression names `{written}`, which is not a testguard rule"))
                        .with_primary_label("unknown rule")
                        .with_help(help),
                );
            }
            Some(code) if !used.contains(code) => out.push(
                META.diag(
                    Some(s.span),
                    format!("`{written}` is suppressed here, but no {code} finding starts on this line or the next: the suppression is stale"),
                )
                .with_primary_label("suppresses nothing")
                .with_help("delete the suppression (or move it next to the finding it is meant for)"),
            ),
            Some(_) => {}
        }
    }
}
