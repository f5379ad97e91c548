//! Codeception: a suite's `Db` module connects with its
//! own `dsn`, whatever the application's dotenv says, and with `populate:
//! true` or `cleanup: true` it reloads its dump into that database —
//! dropping what is there — before the suite or before every test
//! (codeception.com/docs/modules/Db). A suite file (`tests/*.suite.yml`) or
//! the global `codeception.yml` configures it, under `modules: enabled:`
//! (`- Db: {dsn: …}`) or `modules: config: Db:`.
//!
//! `%PARAM%` placeholders are filled from `params:` (often a dotenv file) at
//! run time: such a value is a reference and not judged here.

use crate::model::{CodeceptionLaravel, EnvSource, Setting, TestEnv, Via};
use crate::source::{FileId, SourceFile, Span, Spanned};
use crate::syntax::yaml::{self, Node};

/// The `Laravel` (or `Laravel5`) module of a suite, enabled with or
/// without inline configuration, or configured under `modules: config:`.
pub fn laravel_module(id: FileId, file: &SourceFile) -> Option<CodeceptionLaravel> {
    let docs = yaml::parse(id, &file.text).ok()?;
    let modules = docs.first()?.get("modules")?;
    let names = ["Laravel", "Laravel5", "\\Codeception\\Module\\Laravel"];
    let mut span = None;
    let mut config: Option<&Node> = None;
    for item in modules.get("enabled").map(Node::items).unwrap_or_default() {
        if let Some(s) = item
            .as_scalar()
            .filter(|s| names.contains(&s.value.as_str()))
        {
            span = Some(s.span);
        }
        for (k, v) in item.entries() {
            if names.contains(&k.value.as_str()) {
                span = Some(k.span);
                config = Some(v);
            }
        }
    }
    let span = span?;
    let global = names
        .iter()
        .find_map(|n| modules.get("config").and_then(|c| c.get(n)));
    let get = |k: &str| {
        config
            .and_then(|c| c.get(k))
            .or_else(|| global.and_then(|g| g.get(k)))
            .and_then(Node::as_scalar)
    };
    let env_file = get("environment_file");
    let cleanup = get("cleanup").is_none_or(|s| !s.value.eq_ignore_ascii_case("false"));
    Some(CodeceptionLaravel {
        file: id,
        module_span: span,
        dir: file.dir().to_string(),
        environment_file: env_file.map_or(".env".to_string(), |s| s.value.clone()),
        environment_file_span: env_file.map(|s| s.span),
        cleanup,
    })
}

/// The configurations of the module `name` in a suite's `modules`: in the
/// `enabled` list and under `config`.
fn db_modules<'n>(modules: &'n Node, name: &str) -> Vec<&'n Node> {
    let mut configs: Vec<&Node> = Vec::new();
    if let Some(enabled) = modules.get("enabled") {
        configs.extend(enabled.items().iter().filter_map(|item| item.get(name)));
    }
    configs.extend(modules.get("config").and_then(|c| c.get(name)));
    configs
}

/// Whether a `Db` module reloads its database (`populate` or `cleanup`).
fn reloads(db: &Node) -> bool {
    let flag = |k: &str| {
        db.get(k)
            .and_then(Node::as_scalar)
            .is_some_and(|s| s.value.eq_ignore_ascii_case("true"))
    };
    flag("populate") || flag("cleanup")
}

/// The `Db` modules (and wp-browser's `WPDb`, which extends it) that reload
/// a dump into a database their `dsn` names only by Codeception parameters
/// (`mysql:host=%DB_HOST%;dbname=%DB_NAME%`): the params loader decides it.
pub fn param_dsns(id: FileId, file: &SourceFile) -> Vec<(FileId, Span, String)> {
    let Ok(docs) = yaml::parse(id, &file.text) else {
        return Vec::new();
    };
    let Some(modules) = docs.first().and_then(|d| d.get("modules")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for name in ["Db", "WPDb"] {
        for db in db_modules(modules, name) {
            let Some(dsn) = db.get("dsn").and_then(Node::as_scalar) else {
                continue;
            };
            if reloads(db) && dsn.value.contains('%') {
                out.push((id, dsn.span, name.to_string()));
            }
        }
    }
    out
}

/// One environment per file whose `Db` module reloads a database it names.
pub fn read(id: FileId, file: &SourceFile) -> Vec<TestEnv> {
    // a file Codeception cannot read is its error to report, not ours
    let Ok(docs) = yaml::parse(id, &file.text) else {
        return Vec::new();
    };
    let Some(doc) = docs.first() else {
        return Vec::new();
    };
    let Some(modules) = doc.get("modules") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for db in db_modules(modules, "Db") {
        let Some(dsn) = db.get("dsn").and_then(Node::as_scalar) else {
            continue;
        };
        if !reloads(db) || dsn.value.contains('%') {
            continue;
        }
        let setting = Setting {
            key: Spanned::new("DB_DSN".to_string(), dsn.span),
            value: dsn.value.clone(),
            value_span: dsn.span,
            verbatim: dsn.verbatim,
            overridable: false,
            via: Via::FrameworkConfig,
            unset: false,
            provenance: None,
            raw_offsets: None,
        };
        out.push(TestEnv::local(
            format!(
                "Codeception's Db module ({}, which reloads its dump into it)",
                file.path
            ),
            EnvSource::FrameworkConfig,
            file,
            id,
            dsn.span,
            vec![setting],
        ));
    }
    out
}
