//! TG001 parse-error.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct ParseError;

static META: RuleMeta = RuleMeta {
    code: "TG001",
    name: "parse-error",
    default_severity: Severity::Error,
    summary: "a recognised config file is malformed",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A file testguard recognises by name (pytest.ini, tox.ini, setup.cfg with a
`[tool:pytest]` section, pyproject.toml, pytest.toml, a dotenv file, a PHPUnit
XML file) cannot be parsed. The span points at the fault.

## Why it matters
A malformed configuration is read differently by every tool: pytest refuses to
start, PHPUnit stops at the first XML error, and dotenv loaders silently skip
lines — so the `DATABASE_URL` you think your tests use may never be set. And a
file testguard cannot read is a file it cannot check.

## Example
```ini
[pytest]
DJANGO_SETTINGS_MODULE app.settings.test
```
fires: the line has neither `=` nor `:`.

## Fix
Correct the syntax at the span. For pyproject.toml, keep only one of
`[tool.pytest]` and `[tool.pytest.ini_options]`: pytest refuses a file with both.

## Framework facts
pytest's ini files are read by `iniconfig` (continuation lines are indented;
`#`/`;` start comment lines). PHPUnit's XML is parsed before any `<env>` is
applied: a truncated file means none of them is.

A dotenv file is judged by the loaders that read it: phpdotenv (Laravel,
Lumen) and Symfony Dotenv refuse any line they cannot parse, and `KEY: value`
too; dotenv for Node and python-dotenv skip such lines and load the rest, so
in those projects a stray line is no parse error; godotenv (joho/godotenv
`parser.go`) and compose env files accept `KEY: value` and `export KEY=value`.

## Configure or suppress
Fix the file rather than suppress this rule.
"#;

impl Rule for ParseError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for issue in cx.parse_issues {
            let path = &cx.ws.file(issue.span.file).path;
            out.push(
                META.diag(Some(issue.span), format!("{path} is malformed: {}", issue.message))
                    .with_primary_label("here")
                    .with_help("fix the syntax here; until then the tool that reads this file may fail or skip its settings, and testguard cannot check them"),
            );
        }
    }
}
