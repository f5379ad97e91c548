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
    // an empty DSN or hostname says nothing; an empty database is a value
    let settings = group_settings(
        file,
        entries,
        FIELDS,
        |field| format!("database.tests.{field}"),
        &["database"],
        true,
    );
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

/// CodeIgniter 3: `DB()` loads `application/config/<ENVIRONMENT>/database.php`
/// when it exists, else `application/config/database.php`
/// (system/database/DB.php), and connects to `$db[$active_group]`.
/// ci-phpunit-test's `Bootstrap.php` defines `ENVIRONMENT` as `testing`. The
/// group's values are literal configuration (CodeIgniter 3 reads no
/// variables for them), so they are the run's highest layer; a value
/// computed in code (`getenv(…)`) is left out, and the run unresolved.
pub fn active_group_ci3(ws: &Workspace, app_dir: &str) -> Option<Layer> {
    let find = |rel: &str| {
        let path = crate::paths::join(app_dir, rel);
        ws.files
            .iter()
            .enumerate()
            .find(|(_, f)| f.kind == SourceKind::AppCode && f.path == path)
    };
    let (i, f) = find("application/config/testing/database.php")
        .or_else(|| find("application/config/database.php"))?;
    let script = php::parse(&f.text);
    if script.has_error {
        return None;
    }
    let file = FileId(i);
    let active = script
        .assigns
        .iter()
        .rev()
        .find(|a| a.variable == "active_group" && a.key.is_none())?;
    let Value::Str { text: group, .. } = &active.value else {
        return None;
    };
    let entries = script.assigns.iter().rev().find_map(|a| match &a.value {
        Value::Map(entries) if a.variable == "db" && a.key.as_deref() == Some(group) => {
            Some(entries)
        }
        _ => None,
    })?;
    let settings = group_settings(
        file,
        entries,
        &["database", "hostname", "dsn"],
        |field| format!("$db['{group}']['{field}']"),
        &[],
        false,
    );
    if settings.is_empty() {
        return None;
    }
    Some(
        Layer::new(
            format!(
                "`$db['{group}']`, the `$active_group` of {} (ENVIRONMENT `testing`)",
                f.path
            ),
            LayerKind::FrameworkConfig,
            Write::Always,
            Some(file),
        )
        .with(settings),
    )
}

/// The settings of one database group's literal string fields (matched
/// case-insensitively, named as `key` says). An empty value is left out
/// unless its field is in `keep_empty`; a value computed in code is left
/// out always.
fn group_settings(
    file: FileId,
    entries: &[crate::syntax::code::Entry],
    fields: &[&str],
    key: impl Fn(&str) -> String,
    keep_empty: &[&str],
    overridable: bool,
) -> Vec<Setting> {
    let mut settings = Vec::new();
    for e in entries {
        let Some(field) = fields.iter().find(|f| f.eq_ignore_ascii_case(&e.key)) else {
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
        if text.is_empty() && !keep_empty.contains(field) {
            continue;
        }
        settings.push(Setting {
            key: Spanned::new(
                key(field),
                Span::new(file, e.key_range.start, e.key_range.end),
            ),
            value: text.clone(),
            value_span: Span::new(file, range.start, range.end),
            verbatim: *verbatim,
            overridable,
            via: Via::FrameworkConfig,
            unset: false,
            provenance: None,
            raw_offsets: None,
        });
    }
    settings
}
