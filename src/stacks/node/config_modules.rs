//! `NODE_ENV=test` config modules: `config/env/test.js`
//! (`db: process.env.MONGODB_URL || '…_test'`), the `test` block of a
//! knexfile or Sequelize config (`use_env_variable`), node-config's
//! `config/test.json` with the variables `custom-environment-variables.json`
//! maps over it; and the configs keyed by environment whose `development`
//! block a run without `NODE_ENV` gets.

use std::collections::HashMap;

use super::files::package_of;
use crate::model::{ConfigValue, NodeTestConfig, Workspace};
use crate::paths::join;
use crate::source::{FileId, SourceKind, Span};
use crate::stacks::config_value;
use crate::syntax::code::Value;
use crate::syntax::js::Module;

/// The database settings of each `NODE_ENV=test` config module
/// (`config/env/test.js`: `db: process.env.MONGODB_URL || '…_test'`), and
/// the `test` block of a knexfile or Sequelize `config/config.js`.
pub fn read(ws: &mut Workspace, parsed: &HashMap<FileId, Module>) {
    let mut out = Vec::new();
    let mut keyed = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::NodeCode {
            continue;
        }
        let Some(m) = parsed.get(&FileId(i)) else {
            continue;
        };
        if m.has_error {
            continue;
        }
        let Some(project) = package_of(ws, f.dir()) else {
            continue;
        };
        let rel = f
            .path
            .strip_prefix(&crate::paths::dir_prefix(project))
            .unwrap_or(&f.path);
        // a config keyed by environment whose `development` block is what a
        // run without NODE_ENV gets (knexfile, Sequelize config)
        if let Some(Value::Map(entries)) = &m.exports
            && entries.iter().any(|e| e.key == "test")
            && let Some(dev) = entries.iter().find(|e| e.key == "development")
        {
            keyed.push(crate::model::NodeEnvKeyedConfig {
                project: project.to_string(),
                file: FileId(i),
                development: Span::new(FileId(i), dev.key_range.start, dev.key_range.end),
            });
        }
        let scope: Option<&Value> = if rel.contains("/test.") || rel.contains("/env/test/") {
            m.exports.as_ref()
        } else {
            // a knexfile or `config/database.js` keyed by environment
            m.exports.as_ref().and_then(|e| e.get("test")).or_else(|| {
                m.named_exports
                    .iter()
                    .find(|e| e.key == "test")
                    .map(|e| &e.value)
            })
        };
        let Some(scope) = scope else { continue };
        // node-config: `custom-environment-variables.json` maps a key to a
        // variable that beats `test.json` whenever it is set
        let custom_env = if f.file_name() == "test.json" {
            let cev = join(f.dir(), "custom-environment-variables.json");
            ws.files.iter().position(|x| x.path == cev).and_then(|c| {
                parsed
                    .get(&FileId(c))
                    .and_then(|m| m.exports.clone())
                    .map(|v| (FileId(c), v))
            })
        } else {
            None
        };
        for (key, v) in database_entries(scope, "", 0) {
            let mut value = config_value(FileId(i), Some(v));
            if let (Some((cev_file, cev)), ConfigValue::Literal { text, span }) =
                (&custom_env, &value)
            {
                let mapped = key.split('.').try_fold(cev, |cur, k| cur.get(k));
                if let Some(Value::Str {
                    text: var, range, ..
                }) = mapped
                {
                    value = ConfigValue::Env {
                        key: var.clone(),
                        span: Span::new(*cev_file, range.start, range.end),
                        default: Some((text.clone(), *span)),
                    };
                }
            }
            out.push(NodeTestConfig {
                project: project.to_string(),
                file: FileId(i),
                key,
                value,
            });
        }
        // Sequelize: `"use_env_variable": "DATABASE_URL"` takes the whole URL
        // from that variable
        if let Some(Value::Str { text, range, .. }) = scope.get("use_env_variable") {
            out.push(NodeTestConfig {
                project: project.to_string(),
                file: FileId(i),
                key: "use_env_variable".to_string(),
                value: ConfigValue::Env {
                    key: text.clone(),
                    span: Span::new(FileId(i), range.start, range.end),
                    default: None,
                },
            });
        }
    }
    for c in out {
        ws.project_mut(&c.project.clone()).node.test_configs.push(c);
    }
    for c in keyed {
        ws.project_mut(&c.project.clone())
            .node
            .env_keyed_configs
            .push(c);
    }
}

/// Database-looking entries of a config object, with their dotted keys:
/// `db`, `database`, `mongoUri`, `url`, `connection.database`, `uri`.
fn database_entries<'v>(v: &'v Value, prefix: &str, depth: usize) -> Vec<(String, &'v Value)> {
    let mut out = Vec::new();
    let Value::Map(entries) = v else { return out };
    if depth > 3 {
        return out;
    }
    for e in entries {
        let key = if prefix.is_empty() {
            e.key.clone()
        } else {
            format!("{prefix}.{}", e.key)
        };
        let k = e.key.to_ascii_lowercase();
        let is_db = matches!(
            k.as_str(),
            "db" | "database"
                | "dburl"
                | "dburi"
                | "databaseurl"
                | "mongouri"
                | "mongourl"
                | "mongodburi"
                | "mongodburl"
                | "filename"
        ) || (matches!(k.as_str(), "url" | "uri")
            && prefix.to_ascii_lowercase().contains("db"));
        match &e.value {
            Value::Map(_)
                if matches!(
                    k.as_str(),
                    "db" | "database" | "connection" | "mongo" | "mongodb"
                ) =>
            {
                out.extend(database_entries(&e.value, &key, depth + 1));
            }
            Value::Str { .. } | Value::EnvRead { .. } | Value::BoolOr(_) if is_db => {
                out.push((key, &e.value));
            }
            _ => {}
        }
    }
    out
}
