//! CakePHP 3–5: the tests use the `test` datasource. The app's
//! `config/bootstrap.php` loads `config/app.php`, then `config/app_local.php`
//! over it (`Configure::load`, a deep merge: a field of the local file
//! replaces the same field of `app.php`), and hands `Datasources` to
//! `ConnectionManager`. The test suite's `ConnectionHelper::addTestAliases()`
//! points `default` at `test`, so everything the tests run uses it; its
//! fixtures truncate tables and `SchemaLoader`/`Migrator` drop them
//! (cakephp `src/TestSuite/ConnectionHelper.php`; book "Testing",
//! "Fixtures").
//!
//! A datasource's `url`, when it is not `null`, is parsed and its parts
//! replace the other fields (`StaticConfigTrait::setConfig`): the skeleton
//! writes `'url' => env('DATABASE_TEST_URL', …)`, so the variable decides
//! when it is set (PHPUnit's `<env>`, the caller, `config/.env` when the
//! bootstrap loads it), else the default, else the literal `database`.
//! `app_local.php` is gitignored and made by the skeleton's installer from
//! `config/app_local.example.php` (CakePHP 3: `app.php` from
//! `app.default.php`): when the repository holds only the template, the
//! template is what every checkout starts from.

use crate::model::run::{Layer, LayerKind, Write};
use crate::model::{ConfigValue, Workspace};
use crate::source::{FileId, SourceKind, Span};
use crate::syntax::code::{Entry, Value};
use crate::syntax::php;

/// The files of one app, relative to it, in the order they are merged.
pub const CONFIG_FILES: &[&str] = &[
    "config/app.php",
    "config/app.default.php",
    "config/app_local.php",
    "config/app_local.example.php",
    "config/bootstrap.php",
];

/// The fields of a datasource that name its database, and the setting key
/// each becomes when written literally.
const FIELDS: &[(&str, &str)] = &[
    ("url", "Datasources.test.url"),
    ("database", "Datasources.test.database"),
    ("host", "Datasources.test.host"),
];

/// The `test` datasource of the app at `app_dir`, as the run's lowest layer:
/// each field's literal value, or the variable its `env()` reads with the
/// default beneath it (any layer above that sets the variable wins, as
/// `env()` reads it first). `Err(None)` when no config file defines
/// `test`; `Err(Some(span))` when a field is computed in code there (the
/// run is then unresolved at that span).
pub fn test_datasource(ws: &Workspace, app_dir: &str) -> Result<Layer, Option<Span>> {
    let find = |rel: &str| ws.file_id(&crate::paths::join(app_dir, rel));
    // CakePHP 3's installer makes a gitignored `app.php` from
    // `app.default.php` (there was no `app_local.php` yet)
    let base = find("config/app.php").or_else(|| find("config/app.default.php"));
    let local = find("config/app_local.php");
    let template = local
        .is_none()
        .then(|| find("config/app_local.example.php"))
        .flatten();
    let files: Vec<FileId> = [base, local.or(template)].into_iter().flatten().collect();
    let (fields, decided_in) = datasource(ws, &files, "test").ok_or(None)?;
    let (default_fields, _) = datasource(ws, &files, "default").unwrap_or_default();
    // what a field of the `default` datasource holds when no variable is set
    let default_value = |field: &str| {
        default_fields
            .iter()
            .find(|(_, e)| e.key == field)
            .and_then(|(_, e)| match &e.value {
                Value::Str { text, .. } => Some(text.clone()),
                Value::EnvRead { default, .. } => match default.as_deref() {
                    Some(Value::Str { text, .. }) => Some(text.clone()),
                    _ => None,
                },
                _ => None,
            })
    };
    let last = *decided_in.last().ok_or(None)?;
    // a `url` that is never null (a literal, or a variable with a literal
    // default) replaces the other fields whatever the variable says
    let url_always = fields.iter().any(|(_, e)| {
        e.key == "url"
            && match &e.value {
                Value::Str { text, .. } => !text.is_empty(),
                Value::EnvRead { default, .. } => {
                    matches!(default.as_deref(), Some(Value::Str { text, .. }) if !text.is_empty())
                }
                _ => false,
            }
    });
    let mut settings = Vec::new();
    for (field, literal_key) in FIELDS {
        if url_always && *field != "url" {
            continue;
        }
        let Some((file, entry)) = fields.iter().find(|(_, e)| e.key == *field) else {
            continue;
        };
        let key_span = Span::new(*file, entry.key_range.start, entry.key_range.end);
        let code_at = || {
            let r = match &entry.value {
                Value::EnvRead { range, .. }
                | Value::Call { range, .. }
                | Value::Unknown(range)
                | Value::PathJoin { range, .. } => range.clone(),
                _ => entry.key_range.clone(),
            };
            Some(Span::new(*file, r.start, r.end))
        };
        // `env('X', env('Y') . '_test')`: a default computed in code
        if let Value::EnvRead {
            default: Some(d), ..
        } = &entry.value
            && !matches!(**d, Value::Str { .. } | Value::Null)
        {
            return Err(code_at());
        }
        match crate::stacks::config_value(*file, Some(&entry.value)) {
            ConfigValue::Literal { text, span } if !text.is_empty() => {
                settings.push(super::framework_setting(
                    literal_key,
                    key_span,
                    text,
                    span,
                    false,
                ));
            }
            ConfigValue::Literal { .. } | ConfigValue::Absent => {}
            // `env('DATABASE_TEST_URL', 'sqlite://…')`: the variable, with the
            // default beneath whatever sets it
            // A default that names a database (not a URL) is a placeholder
            // until a variable is set (`env('DATASOURCES_TEST_DATABASE',
            // 'my_app')`): judged only where it is the development one, the
            // `default` datasource's own.
            ConfigValue::Env { key, default, .. } => {
                if let Some((text, span)) = default.filter(|(t, _)| {
                    !t.is_empty()
                        && (*field == "url" || default_value(field).as_deref() == Some(t.as_str()))
                }) {
                    let key = if crate::database::db_key_kind(&key, &[]).is_some() {
                        key
                    } else {
                        (*literal_key).to_string()
                    };
                    settings.push(super::framework_setting(&key, key_span, text, span, true));
                }
            }
            // `null` is no value; anything else is code
            ConfigValue::Unknown if matches!(entry.value, Value::Null) => {}
            ConfigValue::Unknown => return Err(code_at()),
        }
    }
    let from_template =
        |id: FileId| Some(id) == template || ws.file(id).path.ends_with("config/app.default.php");
    let template_note = if from_template(last) {
        " (the template the installer copies)"
    } else {
        ""
    };
    Ok(Layer::new(
        format!(
            "the `test` datasource of {}{template_note}",
            ws.file(last).path
        ),
        LayerKind::FrameworkConfig,
        Write::IfUnset,
        Some(last),
    )
    .with(settings))
}

/// A datasource's fields, each with the file that wrote it last.
type Fields = Vec<(FileId, Entry)>;

/// The fields of one datasource over the config files in merge order (a
/// later file's field replaces an earlier one's), and the files that define
/// it. `None` when a file PHP would refuse is among them, or none defines it.
fn datasource(ws: &Workspace, files: &[FileId], name: &str) -> Option<(Fields, Vec<FileId>)> {
    let mut fields: Vec<(FileId, Entry)> = Vec::new();
    let mut decided_in: Vec<FileId> = Vec::new();
    for &id in files {
        let f = ws.file(id);
        if f.kind != SourceKind::AppCode {
            continue;
        }
        let script = php::parse(&f.text);
        // code PHP would refuse decides nothing
        if script.has_error {
            return None;
        }
        let Some(Value::Map(entries)) = script
            .returns
            .as_ref()
            .and_then(|r| r.get("Datasources"))
            .and_then(|d| d.get(name))
        else {
            continue;
        };
        decided_in.push(id);
        for e in entries {
            fields.retain(|(_, old)| old.key != e.key);
            fields.push((id, e.clone()));
        }
    }
    (!decided_in.is_empty()).then_some((fields, decided_in))
}

/// Whether the app's `config/bootstrap.php` loads `config/.env` (the
/// skeleton's `josegonzalez/dotenv` block, commented out unless the app
/// turned it on): its values reach `env()` without replacing what is set.
pub fn bootstrap_loads_dotenv(ws: &Workspace, app_dir: &str) -> bool {
    let Some(id) = ws.file_id(&crate::paths::join(app_dir, "config/bootstrap.php")) else {
        return false;
    };
    let f = ws.file(id);
    let code = crate::syntax::comments::blank(&f.text, crate::syntax::comments::Style::Php);
    code.contains("Dotenv\\Loader") && code.contains(".env")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn ws(files: &[(&str, &str)]) -> Workspace {
        Workspace {
            files: files
                .iter()
                .map(|(p, t)| SourceFile::new(p.to_string(), SourceKind::AppCode, t.to_string()))
                .collect(),
            ..Workspace::default()
        }
    }

    #[test]
    fn the_local_file_replaces_fields_of_app_php() {
        let ws = ws(&[
            (
                "config/app.php",
                "<?php\nreturn ['Datasources' => ['test' => ['database' => 'test_myapp', 'url' => env('DATABASE_TEST_URL', null)]]];\n",
            ),
            (
                "config/app_local.php",
                "<?php\nreturn ['Datasources' => ['test' => ['database' => 'shop']]];\n",
            ),
        ]);
        let layer = test_datasource(&ws, "").expect("layer");
        let s: Vec<(&str, &str)> = layer
            .settings
            .iter()
            .map(|s| (s.key.value.as_str(), s.value.as_str()))
            .collect();
        assert_eq!(s, [("Datasources.test.database", "shop")]);
        assert!(
            layer.name.contains("config/app_local.php"),
            "{}",
            layer.name
        );
    }

    #[test]
    fn the_url_variable_with_its_default_and_the_template() {
        let ws = ws(&[(
            "config/app_local.example.php",
            "<?php\nreturn ['Datasources' => ['test' => ['url' => env('DATABASE_TEST_URL', 'sqlite://127.0.0.1/tmp/tests.sqlite')]]];\n",
        )]);
        let layer = test_datasource(&ws, "").expect("layer");
        assert_eq!(layer.settings[0].key.value, "DATABASE_TEST_URL");
        assert!(layer.settings[0].overridable);
        assert!(layer.name.contains("template"), "{}", layer.name);
    }

    #[test]
    fn a_placeholder_default_counts_only_where_it_is_the_default_datasource_s() {
        let placeholder = ws(&[(
            "config/app.php",
            "<?php\nreturn ['Datasources' => ['default' => ['database' => env('DB_DEFAULT', '')], 'test' => ['database' => env('DB_TEST', 'my_app')]]];\n",
        )]);
        let layer = test_datasource(&placeholder, "").expect("layer");
        assert!(layer.settings.is_empty(), "{:?}", layer.settings);
        let copied = ws(&[(
            "config/app.php",
            "<?php\nreturn ['Datasources' => ['default' => ['database' => 'shop'], 'test' => ['database' => env('DB_TEST', 'shop')]]];\n",
        )]);
        let layer = test_datasource(&copied, "").expect("layer");
        assert_eq!(layer.settings[0].value, "shop");
    }

    #[test]
    fn code_and_no_test_datasource_decide_nothing() {
        let code = ws(&[(
            "config/app.php",
            "<?php\nreturn ['Datasources' => ['test' => ['url' => env('DATABASE_TEST_URL', env('DATABASE_URL') . '_test')]]];\n",
        )]);
        assert!(matches!(test_datasource(&code, ""), Err(Some(_))));
        let none = ws(&[(
            "config/app.php",
            "<?php\nreturn ['Datasources' => ['default' => ['database' => 'shop']]];\n",
        )]);
        assert!(matches!(test_datasource(&none, ""), Err(None)));
    }
}
