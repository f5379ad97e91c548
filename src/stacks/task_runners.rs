//! Task runners that start the tests (STACKS.md, "Scripts and containers"):
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
use crate::source::{FileId, SourceFile, Span};
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
                dotenv: dotenv.clone(),
                dotenv_span: Span::new(id, r.start, r.end),
                command: Span::new(id, range.start, range.end),
                beats_caller: true,
            });
        }
    }
    out
}
