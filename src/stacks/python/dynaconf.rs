//! Dynaconf: a settings object (`Dynaconf(...)`, Flask's `FlaskDynaconf(app)`)
//! that reads settings files with one section per environment.
//!
//! As Dynaconf builds it (dynaconf `default_settings.py`, `base.py`,
//! `utils/__init__.py build_env_list`, `contrib/flask_dynaconf.py`):
//! - environments are off unless `environments=True` (or a list);
//!   `FlaskDynaconf` turns them on and makes `FLASK_ENV` the switcher;
//! - the environment is `FORCE_ENV_FOR_DYNACONF`, else the switcher variable
//!   (`ENV_FOR_DYNACONF`, or `env_switcher=`), else `development`; nothing
//!   switches to a testing environment by itself;
//! - a key's value is its `[global]` one, else the environment's, else
//!   `[default]`'s; a missing section is skipped without a word;
//! - `settings_files` load in order, a later file winning; `FlaskDynaconf`
//!   with none given reads `settings.*` and `.secrets.*`.
//!
//! A test run picks its environment by handing `FORCE_ENV_FOR_DYNACONF` to
//! the app factory, a pytest-env entry, or a conftest's `os.environ[...]`;
//! `setenv`, `from_env`, `using_env` and `configure` switch it in code, after
//! whatever was built at import. Environment variables with the object's
//! prefix beat every file; they are the caller's and not read here.

use std::sync::LazyLock;

use regex::Regex;

use crate::database::db_key_kind;
use crate::model::{DynaconfChoice, DynaconfSettings, DynaconfValue, Workspace};
use crate::paths::join;
use crate::source::{FileId, SourceFile, SourceKind, Span};
use crate::syntax::code::Value;
use crate::tree::Tree;

/// The files `FlaskDynaconf` (and a `Dynaconf` with no `settings_files`
/// that a `.secrets` convention feeds) reads when none are named: the
/// formats testguard reads of Dynaconf's `DEFAULT_SETTINGS_FILES`.
const DEFAULT_FILES: &[&str] = &[
    "settings.toml",
    "settings.yaml",
    "settings.yml",
    ".secrets.toml",
    ".secrets.yaml",
    ".secrets.yml",
];
const CALLEES: &[&str] = &["Dynaconf", "FlaskDynaconf", "LazySettings"];

/// `os.environ["KEY"] = "value"` at the top of a module.
static ENV_WRITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^os\.environ\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\]\s*=\s*['"]([^'"\n]+)['"]"#,
    )
    .expect("literal pattern")
});
/// A call that switches the environment of a settings object in code.
static SWITCH_CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\.(setenv|from_env|using_env|configure)\s*\(").expect("literal pattern")
});

/// The settings files named in a module's text: the string literals of a
/// `settings_files=[…]` (or `settings_file=`, `SETTINGS_FILE_FOR_DYNACONF=`).
fn named_files(text: &str) -> Vec<String> {
    static NAMED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)(?:settings_files?|SETTINGS_FILE_FOR_DYNACONF)\s*=\s*(\[[^\]]*\]|['\x22][^'\x22]*['\x22])")
            .expect("literal pattern")
    });
    static STRING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"['"]([^'"]+)['"]"#).expect("literal pattern"));
    let mut out = Vec::new();
    for c in NAMED.captures_iter(text) {
        if let Some(list) = c.get(1) {
            out.extend(
                STRING
                    .captures_iter(list.as_str())
                    .filter_map(|s| s.get(1))
                    .map(|s| s.as_str().trim_start_matches("./").to_string())
                    .filter(|s| {
                        s.ends_with(".toml") || s.ends_with(".yaml") || s.ends_with(".yml")
                    }),
            );
        }
    }
    out
}

fn uses_dynaconf(f: &SourceFile) -> bool {
    f.kind == SourceKind::AppCode
        && f.path.ends_with(".py")
        && f.file_name() != "conftest.py"
        && CALLEES.iter().any(|c| f.text.contains(&format!("{c}(")))
}

/// The settings files a module's object reads: the names it gives, else
/// the defaults.
fn file_names(f: &SourceFile) -> Vec<String> {
    let names = named_files(&f.text);
    if names.is_empty() {
        DEFAULT_FILES.iter().map(|s| s.to_string()).collect()
    } else {
        names
    }
}

/// Where a module's settings files may be: [`file_names`] in its folder
/// and each folder above it, nearest first.
fn candidates(f: &SourceFile) -> Vec<String> {
    let names = file_names(f);
    let mut out = Vec::new();
    for anc in crate::model::ancestors(f.dir()) {
        for n in &names {
            out.push(join(anc, n));
        }
    }
    out
}

/// Reads the settings files of every module that builds a Dynaconf object.
pub fn read(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let wanted: Vec<String> = files
        .iter()
        .filter(|f| uses_dynaconf(f))
        .flat_map(candidates)
        .collect();
    if wanted.is_empty() {
        return;
    }
    crate::tree::read_named(tree, files, wanted, SourceKind::AppCode, |_| {
        crate::tree::MAX_TEST_FILE_SIZE
    });
}

/// Builds the project's Dynaconf objects and how its test run picks an
/// environment.
pub fn build(ws: &mut Workspace, parsed: &super::parsed::Parsed) {
    let mut out: Vec<DynaconfSettings> = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if !uses_dynaconf(f) {
            continue;
        }
        let Some(m) = parsed.get(&i) else { continue };
        if m.has_error {
            continue;
        }
        let id = FileId(i);
        let Some((callee, kwargs, range)) = m.calls.iter().find_map(|c| match c {
            Value::Call { kwargs, range, .. } => c
                .callee_name()
                .filter(|n| CALLEES.contains(n))
                .map(|n| (n.to_string(), kwargs, range.clone())),
            _ => None,
        }) else {
            continue;
        };
        let kwarg = |k: &str| {
            kwargs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v)
        };
        let flask = callee == "FlaskDynaconf";
        let environments =
            match kwarg("environments").or_else(|| kwarg("ENVIRONMENTS_FOR_DYNACONF")) {
                Some(Value::Bool(b)) => *b,
                Some(Value::List(_)) => true,
                Some(_) => false,
                None => flask,
            };
        let switcher = match kwarg("env_switcher").or_else(|| kwarg("ENV_SWITCHER_FOR_DYNACONF")) {
            Some(Value::Str { text, .. }) => text.clone(),
            _ if flask => "FLASK_ENV".into(),
            _ => "ENV_FOR_DYNACONF".into(),
        };
        // the settings files, the ones nearest the module first for each name
        let files: Vec<FileId> = file_names(f)
            .iter()
            .filter_map(|n| {
                crate::model::ancestors(f.dir()).find_map(|anc| ws.file_id(&join(anc, n)))
            })
            .collect();
        let mut values = Vec::new();
        for file in &files {
            values.extend(file_values(ws, *file, environments));
        }
        let project = super::app_config::project_of(ws, f.dir());
        let forced = match kwarg("FORCE_ENV_FOR_DYNACONF") {
            Some(Value::Str { text, range, .. }) => Some(DynaconfChoice::Env(
                text.to_ascii_lowercase(),
                Span::new(id, range.start, range.end),
                format!("forced by `{callee}(FORCE_ENV_FOR_DYNACONF=…)` itself"),
            )),
            _ => None,
        };
        let test_env = forced.unwrap_or_else(|| choice(ws, &project, &switcher, flask));
        out.push(DynaconfSettings {
            project,
            call: Span::new(id, range.start, range.end),
            what: format!("`{callee}`"),
            environments,
            switcher,
            files,
            values,
            test_env,
        });
    }
    for d in out {
        let project = d.project.clone();
        ws.project_mut(&project).python.dynaconf.push(d);
    }
}

/// The database keys of a settings file, by section.
fn file_values(ws: &Workspace, file: FileId, environments: bool) -> Vec<DynaconfValue> {
    let f = ws.file(file);
    let mut out = Vec::new();
    let mut push = |section: &str, key: &str, value: String, span: Span| {
        if db_key_kind(&key.to_ascii_uppercase(), &[]).is_some() {
            out.push(DynaconfValue {
                section: section.to_ascii_lowercase(),
                key: key.to_string(),
                value,
                span,
            });
        }
    };
    if f.path.ends_with(".toml") {
        let doc = crate::syntax::toml::parse(&f.text);
        for (k, v) in doc.root.get_ref().iter() {
            match v.get_ref() {
                crate::syntax::toml::DeValue::Table(t) if environments => {
                    for (k2, v2) in t.iter() {
                        if let crate::syntax::toml::DeValue::String(s) = v2.get_ref() {
                            let (inner, _) = crate::syntax::toml::string_inner(&f.text, v2.span());
                            push(
                                k.get_ref(),
                                k2.get_ref(),
                                s.to_string(),
                                Span::new(file, inner.start, inner.end),
                            );
                        }
                    }
                }
                crate::syntax::toml::DeValue::String(s) if !environments => {
                    let (inner, _) = crate::syntax::toml::string_inner(&f.text, v.span());
                    push(
                        "",
                        k.get_ref(),
                        s.to_string(),
                        Span::new(file, inner.start, inner.end),
                    );
                }
                _ => {}
            }
        }
    } else if let Ok(docs) = crate::syntax::yaml::parse(file, &f.text) {
        let Some(root) = docs.first() else { return out };
        for (k, v) in root.entries() {
            if environments {
                for (k2, v2) in v.entries() {
                    if let Some(s) = v2.as_scalar() {
                        push(&k.value, &k2.value, s.value.clone(), s.span);
                    }
                }
            } else if let Some(s) = v.as_scalar() {
                push("", &k.value, s.value.clone(), s.span);
            }
        }
    }
    out
}

/// How the project's test run picks the environment: a literal handed to
/// the app (`FORCE_ENV_FOR_DYNACONF`), a pytest-env entry or a conftest's
/// top-level `os.environ[...] =`; else code that switches it; else nothing.
fn choice(ws: &Workspace, project: &str, switcher: &str, flask: bool) -> DynaconfChoice {
    let picks = |k: &str| {
        k == "FORCE_ENV_FOR_DYNACONF"
            || k == switcher
            // `FlaskDynaconf` still falls back on `ENV_FOR_DYNACONF`
            || (flask && k == "ENV_FOR_DYNACONF")
    };
    let mut switched = None;
    for (i, f) in ws.files.iter().enumerate() {
        if f.file_name() != "conftest.py" || !crate::paths::is_within(f.dir(), project) {
            continue;
        }
        let id = FileId(i);
        let code = crate::syntax::comments::blank(&f.text, crate::syntax::comments::Style::Python);
        // `create_app(FORCE_ENV_FOR_DYNACONF="testing")`: the app's own object
        static HANDED: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r#"(\w+)\s*\([^()]*FORCE_ENV_FOR_DYNACONF\s*=\s*['"]([^'"]+)['"]"#)
                .expect("literal pattern")
        });
        if let Some(c) = HANDED
            .captures_iter(&code)
            .find(|c| c.get(1).is_some_and(|f| f.as_str() != "configure"))
            && let (Some(func), Some(env)) = (c.get(1), c.get(2))
        {
            return DynaconfChoice::Env(
                env.as_str().to_ascii_lowercase(),
                Span::new(id, env.start(), env.end()),
                format!(
                    "`FORCE_ENV_FOR_DYNACONF` handed to `{}` in {}",
                    func.as_str(),
                    f.path
                ),
            );
        }
        if let Some(c) = ENV_WRITE
            .captures_iter(&code)
            .find(|c| c.get(1).is_some_and(|k| picks(k.as_str())))
            && let (Some(key), Some(env)) = (c.get(1), c.get(2))
        {
            return DynaconfChoice::Env(
                env.as_str().to_ascii_lowercase(),
                Span::new(id, env.start(), env.end()),
                format!(
                    "`os.environ[\"{}\"]` at the top of {}",
                    key.as_str(),
                    f.path
                ),
            );
        }
        // `from dynaconf import settings` is the module's global object:
        // `FlaskDynaconf` gives `app.config` one of its own, which a switch
        // of the global one never reaches
        let global_only = flask && code.contains("from dynaconf import settings");
        if switched.is_none()
            && !global_only
            && let Some(m) = SWITCH_CALL.find(&code)
            && code.contains("dynaconf")
        {
            switched = Some((Span::new(id, m.start() + 1, m.end() - 1), f.path.clone()));
        }
    }
    // pytest-env: set before the session, as the caller would
    for c in ws.pytest_configs().filter(|c| {
        crate::paths::is_within(&c.dir, project) || crate::paths::is_within(project, &c.dir)
    }) {
        if let Some(s) = c.settings.iter().find(|s| picks(&s.key.value)) {
            return DynaconfChoice::Env(
                s.value.trim().to_ascii_lowercase(),
                s.value_span,
                format!(
                    "`{}` set by {}",
                    s.key.value,
                    ws.file(s.value_span.file).path
                ),
            );
        }
    }
    match switched {
        Some((at, path)) => DynaconfChoice::Code(
            at,
            format!(
                "{path} switches the Dynaconf environment in code: what ran before it (an engine made at import) keeps the environment it had"
            ),
        ),
        None => DynaconfChoice::Default,
    }
}

#[cfg(test)]
mod tests {
    use super::named_files;

    #[test]
    fn settings_files_named_in_code() {
        assert_eq!(
            named_files(
                "Dynaconf(envvar_prefix='X', settings_files=['settings.toml', '.secrets.toml'], environments=True)"
            ),
            vec!["settings.toml", ".secrets.toml"]
        );
        assert_eq!(
            named_files("Dynaconf(settings_file=\"conf/app.yaml\")"),
            vec!["conf/app.yaml"]
        );
        assert!(named_files("FlaskDynaconf(app)").is_empty());
    }
}
