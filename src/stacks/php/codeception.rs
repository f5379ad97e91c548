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

use crate::model::{CodeceptionLaravel, EnvSource, Setting, TestEnv, Via, Workspace, ancestors};
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
    // a module is named short (`WPDb`) or by its class
    // (`lucatume\WPBrowser\Module\WPDb`)
    let named = |node: &'n Node| -> Option<&'n Node> {
        node.entries()
            .iter()
            .find(|(k, _)| k.value == name || k.value.rsplit('\\').next() == Some(name))
            .map(|(_, v)| v)
    };
    let mut configs: Vec<&Node> = Vec::new();
    if let Some(enabled) = modules.get("enabled") {
        configs.extend(enabled.items().iter().filter_map(named));
    }
    configs.extend(modules.get("config").and_then(named));
    configs
}

/// The files a Codeception configuration's `params:` loads, in order
/// (`env`, the process environment, is not a file).
pub fn params(id: FileId, file: &SourceFile) -> Vec<String> {
    let Ok(docs) = yaml::parse(id, &file.text) else {
        return Vec::new();
    };
    let Some(list) = docs.first().and_then(|d| d.get("params")) else {
        return Vec::new();
    };
    list.items()
        .iter()
        .filter_map(Node::as_str)
        .filter(|p| *p != "env")
        .map(str::to_string)
        .collect()
}

/// Fills each reloading `Db`/`WPDb` module's `%PARAM%` dsn from the files
/// the project's `params:` names — the file itself, or where the repository
/// holds only its template (`.env.dist`, `.env.example`: what a developer
/// copies it from), the template's values — with `${VAR}` expanded as the
/// dotenv loader does. A dsn every parameter of which is known becomes a
/// test environment judged as a literal one; the others stay unresolved.
pub fn resolve_param_dsns(ws: &mut Workspace) {
    let mut resolved: Vec<(String, Span)> = Vec::new();
    let mut envs = Vec::new();
    for (dir, p) in &ws.projects {
        for (file, dsn_span, module) in &p.php.codeception_param_dsns {
            let Some((config_dir, names)) = ancestors(dir).find_map(|d| {
                ws.projects
                    .get(d)
                    .filter(|q| !q.php.codeception_params.is_empty())
                    .map(|q| (d, &q.php.codeception_params))
            }) else {
                continue;
            };
            let mut sources: Vec<(FileId, bool)> = Vec::new();
            for name in names {
                let path = crate::paths::join(config_dir, name);
                let found = |p: &str| ws.files.iter().position(|f| f.path == p).map(FileId);
                if let Some(id) = found(&path) {
                    sources.push((id, false));
                } else if let Some(id) = [".dist", ".example"]
                    .iter()
                    .find_map(|t| found(&format!("{path}{t}")))
                {
                    sources.push((id, true));
                }
            }
            if sources.is_empty() {
                continue;
            }
            // later files win, as Codeception merges them
            let mut settings: Vec<Setting> = Vec::new();
            for (id, _) in &sources {
                for mut st in ws.dotenv_settings(*id) {
                    settings.retain(|x| x.key.value != st.key.value);
                    st.provenance = Some(Box::new(crate::model::run::Provenance {
                        layer: ws.file(*id).path.clone(),
                        overrode: Vec::new(),
                        caller_above: false,
                        interpolated: Vec::new(),
                        passed_over: Vec::new(),
                    }));
                    settings.push(st);
                }
            }
            // `${A}` inside `${B}`: expand until nothing changes
            for _ in 0..MAX_EXPANSIONS {
                let before: Vec<String> = settings.iter().map(|s| s.value.clone()).collect();
                crate::resolve::interpolate(&mut settings);
                if settings.iter().map(|s| &s.value).eq(before.iter()) {
                    break;
                }
            }
            let text = &ws.file(*file).text;
            let Some(dsn) = text.get(dsn_span.start..dsn_span.end) else {
                continue;
            };
            let dsn = dsn.trim_matches(['"', '\'']);
            let Some((value, used)) = fill_params(dsn, &settings) else {
                continue;
            };
            let templates: Vec<String> = sources
                .iter()
                .filter(|(_, t)| *t)
                .map(|(id, _)| ws.file(*id).path.clone())
                .collect();
            let from = if templates.is_empty() {
                String::new()
            } else {
                format!(
                    "; parameters from {}, the template a developer copies",
                    templates.join(", ")
                )
            };
            let setting = Setting {
                key: Spanned::new("DB_DSN".to_string(), *dsn_span),
                value,
                value_span: *dsn_span,
                verbatim: false,
                overridable: false,
                via: Via::FrameworkConfig,
                unset: false,
                provenance: Some(Box::new(crate::model::run::Provenance {
                    layer: "Codeception parameters".into(),
                    overrode: Vec::new(),
                    caller_above: false,
                    interpolated: used,
                    passed_over: Vec::new(),
                })),
                raw_offsets: None,
            };
            let f = ws.file(*file);
            let mut env = TestEnv::local(
                format!(
                    "Codeception's {module} module ({}, which reloads its dump into it{from})",
                    f.path
                ),
                EnvSource::FrameworkConfig,
                f,
                *file,
                *dsn_span,
                vec![setting],
            );
            env.dir = dir.clone();
            envs.push(env);
            resolved.push((dir.clone(), *dsn_span));
        }
    }
    for (dir, span) in resolved {
        if let Some(p) = ws.projects.get_mut(&dir) {
            p.php.codeception_param_dsns.retain(|(_, s, _)| *s != span);
        }
    }
    ws.envs.extend(envs);
}

/// `${A}` chains followed at most this deep.
const MAX_EXPANSIONS: usize = 8;

/// `dsn` with every `%NAME%` replaced by its parameter, and where each
/// value (and what it expanded) came from; `None` when one is unknown or
/// still a reference.
fn fill_params(dsn: &str, params: &[Setting]) -> Option<(String, Vec<(String, Span)>)> {
    let mut out = String::new();
    let mut used = Vec::new();
    let mut rest = dsn;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('%')?;
        let name = &after[..end];
        let p = params.iter().rev().find(|s| s.key.value == name)?;
        if crate::database::contains_reference(&p.value) {
            return None;
        }
        out.push_str(&p.value);
        used.push((format!("%{name}%"), p.value_span));
        if let Some(prov) = &p.provenance {
            used.extend(prov.interpolated.iter().cloned());
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some((out, used))
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
