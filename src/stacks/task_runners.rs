//! Task runners that start the tests:
//!
//! - Taskfile: `dotenv:` (global or per task) loads files into each
//!   command's environment; the process environment wins over them
//!   (taskfile.dev/docs/guide/environment).
//! - GNU make: `include .env` turns the file's lines into make variables;
//!   with a bare `export` (or `.EXPORT_ALL_VARIABLES:`) they reach every
//!   recipe, and a makefile assignment beats the environment (GNU make
//!   manual, "Variables from the Environment").
//!
//! A target counts when one of its commands runs a test suite.

use crate::model::TestTask;
use crate::source::{FileId, SourceFile, SourceKind, Span};
use crate::stacks::ci;
use crate::syntax::{makefile, yaml};

pub fn read(id: FileId, file: &SourceFile) -> Vec<TestTask> {
    let name = file.file_name();
    if name.to_ascii_lowercase().starts_with("taskfile") {
        taskfile(id, file)
    } else {
        make(id, file)
    }
}

fn taskfile(id: FileId, file: &SourceFile) -> Vec<TestTask> {
    let Ok(docs) = yaml::parse(id, &file.text) else {
        return Vec::new();
    };
    let Some(doc) = docs.first() else {
        return Vec::new();
    };
    let dotenvs = |node: Option<&yaml::Node>| -> Vec<(String, Span)> {
        node.map(yaml::Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(yaml::Node::as_scalar)
            .map(|s| (s.value.clone(), s.span))
            .collect()
    };
    let global = dotenvs(doc.get("dotenv"));
    let mut out = Vec::new();
    let Some(tasks) = doc.get("tasks") else {
        return out;
    };
    for (task, body) in tasks.entries() {
        let own = dotenvs(body.get("dotenv"));
        let cmds = body.get("cmds").map(yaml::Node::items).unwrap_or_default();
        let test = cmds.iter().find_map(|c| {
            let s = c
                .as_scalar()
                .or_else(|| c.get("cmd").and_then(yaml::Node::as_scalar))?;
            ci::commands(&s.value)
                .into_iter()
                .any(|(_, cmd)| ci::is_test_command(cmd))
                .then_some(s.span)
        });
        let Some(command) = test else { continue };
        // a task's own files first: they are read before the global ones
        for (dotenv, span) in own.iter().chain(global.iter()) {
            out.push(TestTask {
                name: format!("`task {}`", task.value),
                dir: file.dir().to_string(),
                dotenv_is_development: is_development(dotenv),
                dotenv: dotenv.clone(),
                dotenv_span: *span,
                command,
                beats_caller: false,
            });
        }
    }
    out
}

fn make(id: FileId, file: &SourceFile) -> Vec<TestTask> {
    let m = makefile::parse(&file.text);
    // only exported variables reach a recipe's environment
    if m.export_all.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for rule in &m.rules {
        let test = rule.recipe.iter().find(|(cmd, _)| {
            ci::commands(cmd)
                .into_iter()
                .any(|(_, c)| ci::is_test_command(c))
        });
        let Some((_, range)) = test else { continue };
        for (dotenv, r) in &m.includes {
            out.push(TestTask {
                name: format!("`make {}`", rule.targets.join(" ")),
                dir: file.dir().to_string(),
                dotenv_is_development: is_development(dotenv),
                dotenv: dotenv.clone(),
                dotenv_span: Span::new(id, r.start, r.end),
                command: Span::new(id, range.start, range.end),
                beats_caller: true,
            });
        }
    }
    out
}

/// A makefile that picks the tests' database the way Shyp/rickover's does:
///
/// ```make
/// ifdef DATABASE_URL
///     TEST_DATABASE_URL := $(DATABASE_URL)
/// else
///     TEST_DATABASE_URL := 'postgres://…/app_test'
/// endif
/// test:
///     DATABASE_URL=$(TEST_DATABASE_URL) go test ./...
/// ```
///
/// A variable with a test word (`TEST_DATABASE_URL`) that a test recipe
/// hands over, set from its base variable (`DATABASE_URL`) whenever the
/// environment defines that one: a development entry (the base variable,
/// with its own default) and a test entry reading the same variable, for
/// TG107 to judge like Rails' and Ecto's.
pub fn make_databases(id: FileId, file: &SourceFile) -> Vec<crate::model::EnvironmentDatabase> {
    use crate::model::{DatabaseFramework, EnvAlternative, EnvTemplate, EnvironmentDatabase};
    let name = file.file_name();
    if name.to_ascii_lowercase().starts_with("taskfile") {
        return Vec::new();
    }
    let m = makefile::parse(&file.text);
    let reference = |v: &str, var: &str| v == format!("$({var})") || v == format!("${{{var}}}");
    let mut out = Vec::new();
    for shared in &m.assignments {
        let Some(base) = crate::database::base_key(&shared.name) else {
            continue;
        };
        if crate::database::db_key_kind(&base, &[]).is_none() || !reference(&shared.value, &base) {
            continue;
        }
        // `ifdef BASE` around it: the environment's value when there is one
        let guarded = shared
            .conditions
            .last()
            .is_some_and(|c| c.directive == "ifdef" && c.argument == base && !c.else_branch);
        let unconditional = shared.conditions.is_empty();
        if !guarded && !unconditional {
            continue;
        }
        // the base variable is the environment's only where the makefile
        // does not set it outright
        if m.assignments.iter().any(|a| {
            a.name == base && a.conditions.is_empty() && !reference(&a.value, &base) && a.op != "?="
        }) {
            continue;
        }
        let in_else = |a: &makefile::Assignment| {
            a.conditions
                .last()
                .is_some_and(|c| c.directive == "ifdef" && c.argument == base && c.else_branch)
        };
        let literal = |a: &makefile::Assignment| {
            let v = a.value.trim_matches(['\'', '"']);
            (!v.contains('$') && !v.is_empty()).then(|| v.to_string())
        };
        let test_default = m
            .assignments
            .iter()
            .filter(|a| a.name == shared.name && guarded && in_else(a))
            .find_map(literal);
        let dev_assignment = m
            .assignments
            .iter()
            .filter(|a| a.name == base && (in_else(a) || a.op == "?=" && a.conditions.is_empty()))
            .find(|a| literal(a).is_some());
        let dev_default = dev_assignment.and_then(literal);
        // a test recipe hands the test variable to the tests
        let handed = m.rules.iter().any(|r| {
            r.recipe.iter().any(|(cmd, _)| {
                (cmd.contains(&format!("$({})", shared.name))
                    || cmd.contains(&format!("${{{}}}", shared.name)))
                    && ci::commands(cmd)
                        .into_iter()
                        .any(|(_, c)| ci::is_test_command(c))
            })
        });
        if !handed {
            continue;
        }
        let span = Span::new(id, shared.value_range.start, shared.value_range.end);
        let base_span = Span::new(id, shared.value_range.start + 2, shared.value_range.end - 1);
        let template = |default: Option<String>, span: Span| {
            let mut alternatives = vec![EnvAlternative::Env {
                name: base.clone(),
                span: base_span,
            }];
            alternatives.extend(default.map(EnvAlternative::Literal));
            EnvTemplate::Erb {
                prefix: String::new(),
                alternatives,
                suffix: String::new(),
                span,
            }
        };
        let entry = |environment: &str, value| EnvironmentDatabase {
            framework: DatabaseFramework::Make,
            project: file.dir().to_string(),
            file: id,
            environment: environment.to_string(),
            scope: shared.name.clone(),
            key: base.clone(),
            value,
        };
        // the development value is written where its default is (one
        // span for both would read as one write serving both)
        let dev_span = dev_assignment.map_or(base_span, |a| {
            Span::new(id, a.value_range.start, a.value_range.end)
        });
        out.push(entry("test", template(test_default, span)));
        out.push(entry("development", template(dev_default, dev_span)));
    }
    out
}

/// A dotenv file a developer keeps the development values in: `.env`,
/// `.env.local`, `.env.development`, `.dev.env`, `local.env` — not a test,
/// CI or example file.
fn is_development(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    if let Some(kind) = crate::kinds::classify(file) {
        return kind == SourceKind::DotenvDev
            && !file.contains("example")
            && !file.contains("sample")
            && !file.contains("dist");
    }
    let stem = file.trim_end_matches(".env").trim_matches('.');
    file.ends_with(".env") && matches!(stem, "dev" | "local" | "development")
}

/// Makefiles, Taskfiles and justfiles: the test tasks they define and the
/// databases their variables name.
pub struct TaskRunners;

impl super::stack::Stack for TaskRunners {
    fn name(&self) -> &'static str {
        "task runners"
    }

    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::TaskRunner]
    }

    fn read_file(
        &mut self,
        id: FileId,
        file: &SourceFile,
        _ahead: Option<super::stack::Parsed>,
        ws: &mut crate::model::Workspace,
        _issues: &mut Vec<crate::model::ParseIssue>,
    ) {
        for t in read(id, file) {
            crate::model::project_in(&mut ws.projects, &t.dir)
                .tasks
                .test_tasks
                .push(t);
        }
        for d in make_databases(id, file) {
            crate::model::project_in(&mut ws.projects, &d.project)
                .tasks
                .databases
                .push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_development;

    #[test]
    fn development_dotenv_names() {
        for yes in [
            ".env",
            ".env.local",
            ".env.development",
            ".dev.env",
            "config/.env",
        ] {
            assert!(is_development(yes), "{yes}");
        }
        for no in [
            ".env.test",
            ".env.testing",
            ".env.example",
            ".env.ci",
            "test.env",
            "prod.env",
        ] {
            assert!(!is_development(no), "{no}");
        }
    }
}
