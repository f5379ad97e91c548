//! ORM connection files: TypeORM ≤ 0.2's
//! `ormconfig.json` (read in every environment unless `TYPEORM_*` is set),
//! and whether Prisma loads `.env` itself (≤ 6 does, 7 does not).

use super::files::package_of;
use super::scripts::Package;
use crate::model::{ConfigValue, OrmConfig, Workspace};
use crate::source::{FileId, SourceKind, Span};

/// TypeORM's `ormconfig.json` (and the `.example` a README copies from):
/// TypeORM ≤ 0.2 reads it in every environment unless `TYPEORM_*`
/// variables are set.
pub fn read(ws: &mut Workspace) {
    let mut out = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::OrmConfig || !f.file_name().starts_with("ormconfig.json") {
            continue;
        }
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&f.text) else {
            continue;
        };
        // an array of connections: the `default` one (or the only one)
        let conn = match &v {
            serde_json::Value::Array(a) => a
                .iter()
                .find(|c| c.get("name").and_then(|n| n.as_str()) == Some("default"))
                .or_else(|| (a.len() == 1).then(|| &a[0])),
            o @ serde_json::Value::Object(_) => Some(o),
            _ => None,
        };
        let Some(conn) = conn else { continue };
        let Some(db) = conn
            .get("database")
            .or_else(|| conn.get("url"))
            .and_then(|d| d.as_str())
        else {
            continue;
        };
        let field = if conn.get("database").is_some() {
            "database"
        } else {
            "url"
        };
        let Some(span) = json_string_span(&f.text, field, db) else {
            continue;
        };
        let mut rewrites = None;
        for flag in ["dropSchema", "synchronize"] {
            if conn.get(flag).and_then(|b| b.as_bool()) == Some(true)
                && let Some(at) = f.text.find(&format!("\"{flag}\""))
            {
                rewrites = Some((
                    flag_text(flag),
                    Span::new(FileId(i), at + 1, at + 1 + flag.len()),
                ));
                break;
            }
        }
        let project = package_of(ws, f.dir()).unwrap_or(f.dir()).to_string();
        out.push(OrmConfig {
            project,
            file: FileId(i),
            orm: "TypeORM",
            database: ConfigValue::Literal {
                text: db.to_string(),
                span: Span::new(FileId(i), span.0, span.1),
            },
            rewrites_schema: rewrites,
        });
    }
    for c in out {
        ws.project_mut(&c.project.clone()).node.orm_configs.push(c);
    }
}

fn flag_text(flag: &str) -> &'static str {
    if flag == "dropSchema" {
        "dropSchema: true drops the schema on every connection"
    } else {
        "synchronize: true rewrites the schema to the entities on every connection"
    }
}

/// The byte range of the JSON string value `value` of `"key"`.
fn json_string_span(text: &str, key: &str, value: &str) -> Option<(usize, usize)> {
    let k = format!("\"{key}\"");
    let at = text.find(&k)? + k.len();
    let rest = &text[at..];
    let q = rest.find('"')?;
    let start = at + q + 1;
    text.get(start..start + value.len())
        .filter(|s| *s == value)
        .map(|_| (start, start + value.len()))
}

/// Prisma ≤ 6 loads `./.env` itself (CLI and Client) without overriding;
/// Prisma 7 does not (prisma.io docs orm/v6 environment-variables, upgrade
/// guide v7).
pub fn prisma_loads_dotenv(has_file: impl Fn(&str) -> bool, pkg: &Package) -> Option<String> {
    let version = pkg
        .dep_version("@prisma/client")
        .or_else(|| pkg.dep_version("prisma"))?;
    let major: u32 = version
        .trim_start_matches(['^', '~', '>', '=', ' ', 'v'])
        .split('.')
        .next()?
        .parse()
        .ok()?;
    if major >= 7 {
        return None;
    }
    // the schema's default places (`prisma/schema.prisma`, `schema.prisma`)
    let schema = ["prisma/schema.prisma", "schema.prisma"]
        .iter()
        .any(|p| has_file(&crate::paths::join(&pkg.dir, p)));
    schema.then(|| format!("Prisma {major} loads .env itself"))
}
