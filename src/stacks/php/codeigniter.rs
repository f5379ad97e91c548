//! CodeIgniter 4: the database its tests use is the `tests` group of
//! `app/Config/Database.php` — `DatabaseTestTrait`'s `$DBGroup` is `tests`,
//! and the class's constructor makes `tests` the default group when
//! `ENVIRONMENT` is `testing`, which the framework's PHPUnit bootstrap sets
//! (codeigniter4 user guide, "Testing Your Database"). `BaseConfig` replaces
//! each value with a `database.tests.<field>` variable when one is set:
//! PHPUnit's `<env>`, the caller's environment, or `.env` (loaded by the
//! test bootstrap's DotEnv). The group's literal values are therefore the
//! run's lowest layer. Code in the class's constructor that rewrites the
//! groups is not evaluated.

use crate::model::run::{Layer, LayerKind, Write};
use crate::model::{Setting, Via, Workspace};
use crate::source::{FileId, SourceKind, Span, Spanned};
use crate::syntax::code::Value;
use crate::syntax::php;

/// The fields of a group that name its database.
const FIELDS: &[&str] = &["database", "hostname", "DSN", "DBDriver"];

/// The `tests` group of the app at `app_dir`, as a layer of
/// `database.tests.<field>` settings.
pub fn tests_group(ws: &Workspace, app_dir: &str) -> Option<Layer> {
    let path = crate::paths::join(app_dir, "app/Config/Database.php");
    let (i, f) = ws
        .files
        .iter()
        .enumerate()
        .find(|(_, f)| f.kind == SourceKind::AppCode && f.path == path)?;
    let script = php::parse(&f.text);
    // code PHP would refuse decides nothing
    if script.has_error {
        return None;
    }
    let group = script.properties.iter().rev().find(|p| p.name == "tests")?;
    let Value::Map(entries) = &group.value else {
        return None;
    };
    let file = FileId(i);
    let mut settings = Vec::new();
    for e in entries {
        let Some(field) = FIELDS.iter().find(|f| f.eq_ignore_ascii_case(&e.key)) else {
            continue;
        };
        let Value::Str {
            text,
            range,
            verbatim,
        } = &e.value
        else {
            continue;
        };
        // an empty DSN or hostname says nothing
        if text.is_empty() && *field != "database" {
            continue;
        }
        settings.push(Setting {
            key: Spanned::new(
                format!("database.tests.{field}"),
                Span::new(file, e.key_range.start, e.key_range.end),
            ),
            value: text.clone(),
            value_span: Span::new(file, range.start, range.end),
            verbatim: *verbatim,
            overridable: true,
            via: Via::FrameworkConfig,
            unset: false,
            provenance: None,
            raw_offsets: None,
        });
    }
    if settings.is_empty() {
        return None;
    }
    Some(
        Layer::new(
            format!("the `tests` group of {}", f.path),
            LayerKind::FrameworkConfig,
            Write::IfUnset,
            Some(file),
        )
        .with(settings),
    )
}
