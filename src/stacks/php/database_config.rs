//! Laravel's `config/database.php`: the default
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
    for d in out {
        let project = d.project.clone();
        ws.project_mut(&project).php.laravel_databases = Some(d);
    }
}

/// The variables each Laravel app's database configuration reads
/// (`Project::laravel_database_keys`): its `config/database.php`'s
/// `env()` reads for the default connection and each connection's `url`,
/// `host`, `database` and `driver`; without that file, the framework's own
/// for the major version `composer.lock` (else `composer.json`) names —
/// Laravel 11 renamed `DATABASE_URL` to `DB_URL`
/// (laravel/framework 11.x `config/database.php`). Before the runs are built.
pub fn database_keys(ws: &mut Workspace) {
    let apps: Vec<String> = ws
        .projects
        .iter()
        .filter(|(_, c)| c.frameworks.laravel && !c.php.lumen)
        .map(|(d, _)| d.clone())
        .collect();
    for app in apps {
        let path = crate::paths::join(&app, "config/database.php");
        let config = ws
            .files
            .iter()
            .find(|f| f.kind == SourceKind::AppCode && f.path == path);
        let keys = match config {
            Some(f) => keys_read(&f.text),
            None => framework_version(ws, &app).map(|major| {
                let url = if major >= 11 {
                    "DB_URL"
                } else {
                    "DATABASE_URL"
                };
                ["DB_CONNECTION", url, "DB_HOST", "DB_DATABASE"]
                    .map(String::from)
                    .to_vec()
            }),
        };
        ws.projects
            .entry(app)
            .or_default()
            .php
            .laravel_database_keys = keys;
    }
}

/// The variables a `config/database.php` reads: the key of every `env()`
/// call (and `getenv()`, `Env::get()`) in its code, comments left out. A
/// superset of what picks the database (usernames and ports come along);
/// `None` when a call's key is not a literal string, since any variable
/// may then be read. A literal scan: the file is read for every Laravel app,
/// and a syntax tree of it cost more than all the rest of a run's PHP.
fn keys_read(text: &str) -> Option<Vec<String>> {
    let code = crate::syntax::comments::blank(text, crate::syntax::comments::Style::Php);
    let mut keys = Vec::new();
    for call in ["env(", "getenv(", "Env::get("] {
        for (at, _) in code.match_indices(call) {
            // a whole name: `env(` is not the tail of `getenv(`
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| {
                c.is_alphanumeric() || c == '_' || (c == ':' && call != "Env::get(")
            }) || (call == "env(" && code[..at].ends_with("get"))
            {
                continue;
            }
            let arg = code[at + call.len()..].trim_start();
            let quote = arg.chars().next()?;
            if quote != '\'' && quote != '"' {
                return None;
            }
            let end = arg[1..].find(quote)?;
            let key = &arg[1..1 + end];
            if key.is_empty() || key.contains(['$', '{', '\\']) {
                return None;
            }
            keys.push(key.to_string());
        }
    }
    keys.sort();
    keys.dedup();
    Some(keys)
}

/// The major version of `laravel/framework` an app runs: `composer.lock`'s
/// package version, else the lowest major `composer.json` allows.
fn framework_version(ws: &Workspace, app: &str) -> Option<u32> {
    let find = |name: &str| {
        let path = crate::paths::join(app, name);
        ws.files.iter().find(|f| f.path == path)
    };
    let major = |v: &str| -> Option<u32> {
        let v = v.trim().trim_start_matches(['^', '~', '=', '>', 'v', ' ']);
        v.split(['.', ' ', '|', ',', '*']).next()?.parse().ok()
    };
    if let Some(lock) = find("composer.lock")
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(&lock.text)
        && let Some(version) = json
            .get("packages")
            .and_then(|p| p.as_array())
            .and_then(|p| {
                p.iter()
                    .find(|p| p.get("name").and_then(|n| n.as_str()) == Some("laravel/framework"))
            })
            .and_then(|p| p.get("version"))
            .and_then(|v| v.as_str())
    {
        return major(version);
    }
    let composer = find("composer.json")?;
    let json = serde_json::from_str::<serde_json::Value>(&composer.text).ok()?;
    let constraint = json.get("require")?.get("laravel/framework")?.as_str()?;
    major(constraint)
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
        ws.projects.entry(project).or_default().php.lumen_dotenv = which;
    }
}

#[cfg(test)]
mod key_tests {
    use super::keys_read;

    #[test]
    fn keys_are_the_literal_env_reads_outside_comments() {
        let text = "<?php\n// 'url' => env('DATABASE_URL'),\nreturn [\n  'default' => env('DB_CONNECTION', 'sqlite'),\n  'connections' => ['mysql' => ['url' => env(\"DB_URL\"), 'host' => getenv('DB_HOST'), 'database' => Env::get('DB_DATABASE', database_path('x.sqlite'))]],\n];\n";
        assert_eq!(
            keys_read(text),
            Some(vec![
                "DB_CONNECTION".to_string(),
                "DB_DATABASE".to_string(),
                "DB_HOST".to_string(),
                "DB_URL".to_string()
            ])
        );
        // a key built in code: any variable may be read
        assert_eq!(
            keys_read("<?php return ['url' => env($prefix.'_URL')];"),
            None
        );
        assert_eq!(
            keys_read("<?php return ['url' => env(\"{$p}_URL\")];"),
            None
        );
    }
}
