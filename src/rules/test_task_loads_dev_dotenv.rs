//! TG211 test-task-loads-dev-dotenv.

use super::{Context, Rule, RuleMeta};
use crate::database::{DatabaseRef, db_key_kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::TestTask;
use crate::source::Span;

pub struct TestTaskLoadsDevDotenv;

static META: RuleMeta = RuleMeta {
    code: "TG211",
    name: "test-task-loads-dev-dotenv",
    default_severity: Severity::Warning,
    summary: "a Taskfile or Makefile target that runs the tests loads the development dotenv (`.env`) into their environment",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A task-runner target whose commands run a test suite (`pytest`, `phpunit`,
`jest`, `go test`, …) and that loads the development dotenv file into their
environment:

- Taskfile: `dotenv: ['.env']`, global or on the task (Taskfile puts the
  file's variables into each command's environment);
- GNU make: `include .env` with a bare `export` (or
  `.EXPORT_ALL_VARIABLES:`), which exports the file's variables to every
  recipe — over the shell's own values, since a makefile assignment beats the
  environment.

When the file is in the repository and names no database, or only test ones,
nothing is reported. When it is the developer's own (git-ignored, not in the
repository), the tests get whatever database it names: a warning.

## Why it is dangerous
`.env` is where a developer points the app at the development database. A test
target that loads it runs the suite on that database (Taskfile `dotenv:`:
taskfile.dev/docs/guide/environment; make `include .env` + `export`: GNU make
manual, "Variables from the Environment").

## Example
```yaml
dotenv: [".env"]
tasks:
  test:
    cmds:
      - poetry run pytest
```

## Fix
Load a test dotenv for the test target (`dotenv: ['.env.test']` on the task,
`include .env.test` in a test-only makefile), or set the test database on the
command (`DATABASE_URL=…_test pytest`).
"#;

impl Rule for TestTaskLoadsDevDotenv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // one finding per dotenv line, naming every test target that loads it
        let mut seen: Vec<Span> = Vec::new();
        // the targets already reported, per file: one finding names the
        // first development dotenv they load
        let mut reported: Vec<(crate::source::FileId, Vec<String>)> = Vec::new();
        for t in cx.ws.test_tasks() {
            if seen.contains(&t.dotenv_span) || !t.dotenv_is_development {
                continue;
            }
            seen.push(t.dotenv_span);
            let group: Vec<String> = cx
                .ws
                .test_tasks()
                .filter(|x| x.dotenv_span == t.dotenv_span)
                .map(|x| x.name.clone())
                .collect();
            let file = t.dotenv_span.file;
            if reported.iter().any(|(f, g)| *f == file && *g == group) {
                continue;
            }
            reported.push((file, group));
            let path = crate::paths::join(&t.dir, t.dotenv.trim_start_matches("./"));
            let committed = cx
                .ws
                .dev_dotenvs
                .iter()
                .find(|d| cx.ws.file(d.file).path == path);
            let db = match committed {
                // the committed file: judged by what it names
                Some(d) => {
                    let found = d.settings.iter().find_map(|s| {
                        let kind = db_key_kind(&s.key.value, &cx.policy.extra_db_keys)?;
                        let r = DatabaseRef::parse(&s.value, kind);
                        let name = r.name?;
                        (!name.is_reference()
                            && !r.in_memory
                            && !cx.policy.markers.has_test(&name.text))
                        .then_some((s, name.text))
                    });
                    match found {
                        Some(f) => Some(f),
                        None => continue,
                    }
                }
                None => None,
            };
            let tasks: Vec<&TestTask> = cx
                .ws
                .test_tasks()
                .filter(|x| x.dotenv_span == t.dotenv_span)
                .collect();
            let names: Vec<&str> = tasks.iter().map(|x| x.name.as_str()).collect();
            let listed = match names.as_slice() {
                [one] => one.to_string(),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
                [] => String::new(),
            };
            let path = &cx.ws.file(file).path;
            let over = if t.beats_caller {
                ", over the shell's own values (a makefile assignment beats the environment)"
            } else {
                ""
            };
            let what = match &db {
                Some((_, name)) => format!("the development database `{name}`"),
                None => format!(
                    "whatever database the developer's {} names (it is not in the repository)",
                    t.dotenv
                ),
            };
            let mut d = META
                .diag(
                    Some(t.dotenv_span),
                    format!(
                        "{listed} ({path}) load{} {} into the tests' environment{over}: the tests run on {what}",
                        if names.len() == 1 { "s" } else { "" },
                        t.dotenv
                    ),
                )
                .with_primary_label("the development dotenv")
                .with_label(t.command, "runs the tests")
                .with_help(format!(
                    "load a test dotenv for the test target instead of {}, or set the test database on the command",
                    t.dotenv
                ));
            if let Some((s, _)) = db {
                d = d.with_label(s.value_span, "the development database");
            }
            out.push(d);
        }
    }
}
