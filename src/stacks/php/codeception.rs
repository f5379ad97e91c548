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
pub(super) fn db_modules<'n>(modules: &'n Node, name: &str) -> Vec<&'n Node> {
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
    params_in(id, &file.text)
}

/// [`params`] of a configuration's text, before it has an id.
pub fn params_of(text: &str) -> Vec<String> {
    params_in(FileId(0), text)
}

fn params_in(id: FileId, text: &str) -> Vec<String> {
    let Ok(docs) = yaml::parse(id, text) else {
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
            // each source's parameters, and the templates that stood in
            let mut sources: Vec<(Vec<Setting>, Vec<String>)> = Vec::new();
            for name in names {
                let path = crate::paths::join(config_dir, name);
                if name.ends_with(".php") {
                    if let Some(id) = ws.file_id(&path)
                        && let Some(found) = php_params(ws, config_dir, id)
                    {
                        sources.push(found);
                    }
                    continue;
                }
                if let Some((id, template)) = dotenv_or_template(ws, &path, false) {
                    let layer = ws.file(id).path.clone();
                    let templates = if template {
                        vec![layer.clone()]
                    } else {
                        Vec::new()
                    };
                    let settings = ws
                        .dotenv_settings(id)
                        .into_iter()
                        .map(|st| with_layer(st, &layer))
                        .collect();
                    sources.push((settings, templates));
                }
            }
            if sources.is_empty() {
                continue;
            }
            // later files win, as Codeception merges them
            let mut settings: Vec<Setting> = Vec::new();
            let mut templates: Vec<String> = Vec::new();
            for (found, t) in sources {
                for st in found {
                    settings.retain(|x| x.key.value != st.key.value);
                    settings.push(st);
                }
                templates.extend(t);
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
            // the code that filled them, then the templates that stood in
            let mut via: Vec<String> = Vec::new();
            for s in &settings {
                if let Some(p) = &s.provenance
                    && p.layer.ends_with(')')
                    && p.layer.contains(", after ParamsLoader loads ")
                    && !via.contains(&p.layer)
                {
                    via.push(p.layer.clone());
                }
            }
            let mut from = String::new();
            if via.is_empty() && !templates.is_empty() {
                from = format!(
                    "; parameters from {}, the template a developer copies",
                    templates.join(", ")
                );
            } else if !via.is_empty() {
                from.push_str(&format!("; parameters from {}", via.join(", ")));
            }
            if !via.is_empty() && !templates.is_empty() {
                from.push_str(&format!(
                    "; {} the template a developer copies",
                    if templates.len() == 1 {
                        format!("{} is", templates[0])
                    } else {
                        format!("{} are", templates.join(", "))
                    }
                ));
            }
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

fn with_layer(mut st: Setting, layer: &str) -> Setting {
    st.provenance = Some(Box::new(crate::model::run::Provenance {
        layer: layer.to_string(),
        overrode: Vec::new(),
        caller_above: false,
        interpolated: Vec::new(),
        passed_over: Vec::new(),
    }));
    st
}

/// A dotenv file, or where the repository holds only its template, the
/// template (`X.dist`, `X.example`; for a `.env.<name>` loaded by code, the
/// folder's `.env.example` or `.env.dist` too, what a developer copies).
fn dotenv_or_template(ws: &Workspace, path: &str, folder_template: bool) -> Option<(FileId, bool)> {
    if let Some(id) = ws.file_id(path) {
        return Some((id, false));
    }
    let own = [".dist", ".example"]
        .iter()
        .find_map(|t| ws.file_id(&format!("{path}{t}")));
    if let Some(id) = own {
        return Some((id, true));
    }
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    if !folder_template || !name.starts_with(".env") {
        return None;
    }
    [".env.example", ".env.dist"]
        .iter()
        .find_map(|t| ws.file_id(&crate::paths::join(dir, t)))
        .map(|id| (id, true))
}

/// A PHP params file (`params: [tests/_config/params.php]`): the array it
/// returns, each `getenv('X')` in it read from the dotenv files the script
/// loads first with Codeception's `ParamsLoader` (whose Dotenv puts them
/// into the environment: codeception `Lib/ParamsLoader.php`). A load under a
/// condition other than "unless the command line names X" (`! in_array('ci',
/// $argv)`, true for a developer's plain run) is code testguard does not
/// evaluate: the file decides nothing then.
fn php_params(ws: &Workspace, config_dir: &str, id: FileId) -> Option<(Vec<Setting>, Vec<String>)> {
    use crate::syntax::code::Value;
    let script = crate::syntax::php::parse(&ws.file(id).text);
    if script.has_error {
        return None;
    }
    let Some(Value::Map(entries)) = &script.returns else {
        return None;
    };
    let here = ws.file(id).path.clone();
    let putenv = params_loader_writes_getenv(ws, config_dir);
    let mut env: Vec<Setting> = Vec::new();
    let mut loaded: Vec<String> = Vec::new();
    let mut templates = Vec::new();
    for (call, guard) in script.calls.iter().zip(&script.guards) {
        let Value::Call { args, range, .. } = call else {
            continue;
        };
        // `(new ParamsLoader())->load(…)`: the receiver is a call of its own
        // inside the load's range
        let on_params_loader = script.calls.iter().any(|c| {
            matches!(c, Value::Call { callee, range: r, .. }
                if callee.ends_with("ParamsLoader") && r.start >= range.start && r.end <= range.end)
        });
        if call.callee_name() != Some("load") || !on_params_loader {
            continue;
        }
        let plain_run = guard.as_deref().is_none_or(|g| {
            let g = g.trim().trim_start_matches('(').trim_start();
            g.starts_with('!') && g.contains("in_array") && g.contains("$argv")
        });
        if !plain_run || !putenv {
            return None;
        }
        // relative to the project's root (`codecept_root_dir()`)
        let name = args.first().and_then(Value::as_str)?;
        let (fid, template) = dotenv_or_template(ws, &crate::paths::join(config_dir, name), true)?;
        let path = ws.file(fid).path.clone();
        if template {
            templates.push(path.clone());
        }
        loaded.push(format!("{name} ({path})"));
        for st in ws.dotenv_settings(fid) {
            env.retain(|x| x.key.value != st.key.value);
            env.push(st);
        }
    }
    let layer = if loaded.is_empty() {
        here.clone()
    } else {
        format!("{here}, after ParamsLoader loads {}", loaded.join(", "))
    };
    let mut out = Vec::new();
    for e in entries {
        let value = match &e.value {
            Value::EnvRead { key, .. } => env.iter().rev().find(|s| s.key.value == *key).cloned(),
            Value::Str {
                text,
                range,
                verbatim,
            } => Some(Setting {
                key: Spanned::new(
                    e.key.clone(),
                    Span::new(id, e.key_range.start, e.key_range.end),
                ),
                value: text.clone(),
                value_span: Span::new(id, range.start, range.end),
                verbatim: *verbatim,
                overridable: false,
                via: Via::FrameworkConfig,
                unset: false,
                provenance: None,
                raw_offsets: None,
            }),
            _ => None,
        };
        if let Some(mut st) = value {
            st.key.value = e.key.clone();
            out.push(with_layer(st, &layer));
        }
    }
    Some((out, templates))
}

/// Whether `getenv()` sees what Codeception's `ParamsLoader` loads from a
/// dotenv file: it does with vlucas/phpdotenv 2, 3 and 4, whose loaders
/// write the process environment (`putenv`); phpdotenv 5 is given an
/// `EnvConstAdapter` alone and Symfony's Dotenv no `putenv`, so they fill
/// `$_ENV`/`$_SERVER` only, and with neither `ParamsLoader` throws
/// (codeception `Lib/ParamsLoader.php`, `loadDotEnvFile`). Read from the
/// project's `composer.lock`; without one the version is unknown.
fn params_loader_writes_getenv(ws: &Workspace, config_dir: &str) -> bool {
    let Some(lock) = ancestors(config_dir).find_map(|d| {
        let path = crate::paths::join(d, "composer.lock");
        ws.files.iter().find(|f| f.path == path)
    }) else {
        return false;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&lock.text) else {
        return false;
    };
    ["packages", "packages-dev"]
        .iter()
        .filter_map(|k| json.get(*k).and_then(|p| p.as_array()))
        .flatten()
        .filter(|p| p.get("name").and_then(|n| n.as_str()) == Some("vlucas/phpdotenv"))
        .filter_map(|p| p.get("version").and_then(|v| v.as_str()))
        .any(|v| {
            let major = v.trim_start_matches('v').split('.').next().unwrap_or("");
            matches!(major, "2" | "3" | "4")
        })
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
