//! Laravel's `config/database.php` (STACKS.md, "PHP"): the default
//! connection (`env('DB_CONNECTION', …)`) and each connection's `database`
//! and `url`, as written. A custom connection a test run selects
//! (`testing`, `mysql_testing`) is only as isolated as its `database`: a
//! literal `:memory:`, or an `env()` read of a variable the run sets — or,
//! the trap, the same `DB_DATABASE` the development connection reads.

use crate::model::{LaravelConnection, LaravelDatabases, LumenDotenv, Workspace};
use crate::source::{FileId, SourceKind, Span};
use crate::syntax::code::Value;
use crate::syntax::php;

/// Reads the `config/database.php` of every Laravel project one of whose
/// runs selects a connection of its own (`DB_CONNECTION` from PHPUnit or
/// `.env.testing`) without naming its database or URL too: only then does
/// the connection's definition decide the database. Runs must be built.
pub fn read(ws: &mut Workspace) {
    let dev_files: Vec<crate::source::FileId> = ws.dev_dotenvs.iter().map(|d| d.file).collect();
    let set_by_run = |run: &crate::model::TestRun, key: &str| {
        crate::resolve::decide(&run.layers, key)
            .is_some_and(|s| !dev_files.contains(&s.value_span.file))
    };
    let needed: Vec<String> = ws
        .runs
        .iter()
        .filter(|r| r.framework == crate::model::RunFramework::Laravel)
        .filter(|r| {
            set_by_run(r, "DB_CONNECTION")
                && !["DB_DATABASE", "DB_URL", "DATABASE_URL"]
                    .iter()
                    .any(|k| set_by_run(r, k))
        })
        .map(|r| r.dir.clone())
        .collect();
    let mut out = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::AppCode {
            continue;
        }
        let Some(project) = f
            .path
            .strip_suffix("config/database.php")
            .filter(|p| p.is_empty() || p.ends_with('/'))
        else {
            continue;
        };
        let dir = project.trim_end_matches('/');
        if !needed.iter().any(|r| crate::model::is_within(r, dir)) {
            continue;
        }
        let id = FileId(i);
        let script = php::parse(&f.text);
        // code PHP would refuse decides nothing
        if script.has_error {
            continue;
        }
        let Some(config) = script.returns else {
            continue;
        };
        let connections = match config.get("connections") {
            Some(Value::Map(entries)) => entries
                .iter()
                .map(|e| LaravelConnection {
                    name: e.key.clone(),
                    name_span: Span::new(id, e.key_range.start, e.key_range.end),
                    driver: crate::stacks::config_value(id, e.value.get("driver")),
                    database: crate::stacks::config_value(id, e.value.get("database")),
                    url: crate::stacks::config_value(id, e.value.get("url")),
                })
                .collect(),
            _ => Vec::new(),
        };
        out.push(LaravelDatabases {
            project: project.trim_end_matches('/').to_string(),
            file: id,
            default: crate::stacks::config_value(id, config.get("default")),
            connections,
        });
    }
    ws.laravel_databases = out;
}

/// Lumen's `bootstrap/app.php`: `new LoadEnvironmentVariables(dirname(__DIR__))`
/// loads `.env`; a literal second argument names another file; anything else
/// is decided in code (lumen-framework `Bootstrap/LoadEnvironmentVariables.php`).
pub fn lumen_dotenv(ws: &mut Workspace) {
    let mut found = Vec::new();
    for f in &ws.files {
        if f.kind != SourceKind::AppCode || !f.path.ends_with("bootstrap/app.php") {
            continue;
        }
        if !f.text.contains("LoadEnvironmentVariables") {
            continue;
        }
        let project = f
            .path
            .strip_suffix("bootstrap/app.php")
            .unwrap_or("")
            .trim_end_matches('/')
            .to_string();
        let script = php::parse(&f.text);
        let load = script
            .calls
            .iter()
            .find(|c| c.callee_name() == Some("LoadEnvironmentVariables"));
        let which = match load {
            _ if script.has_error => LumenDotenv::Code,
            Some(Value::Call { args, .. }) => match args.get(1) {
                None | Some(Value::Null) => LumenDotenv::Default,
                Some(Value::Str { text, .. }) => LumenDotenv::Named(text.clone()),
                Some(_) => LumenDotenv::Code,
            },
            _ => LumenDotenv::Code,
        };
        found.push((project, which));
    }
    for (project, which) in found {
        ws.folders.entry(project).or_default().lumen_dotenv = which;
    }
}
