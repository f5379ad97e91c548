//! Python settings objects that load a dotenv file:
//!
//! - pydantic-settings: a `BaseSettings` subclass with `env_file` in
//!   `model_config = SettingsConfigDict(...)` or a v1 `class Config:`; each
//!   field reads the variable of its name (case-insensitive, after
//!   `env_prefix`). Init kwargs > environment > dotenv > defaults, and a
//!   relative `env_file` resolves from the working directory
//!   (docs.pydantic.dev settings).
//! - Starlette: `config = Config(".env")`, then `config("DATABASE_URL")`:
//!   environment > file > default (encode/starlette `starlette/config.py`).
//!
//! Both let the environment win, so a test run is isolated by a test dotenv
//! it loads instead, pytest-env, or a conftest that sets the variable before
//! the import; without one of those it reads the development `.env`.

use crate::database::db_key_kind;
use crate::model::{
    ConfigValue, FlaskChoice, FlaskConfigClass, FlaskConfigModule, PythonDotenvSettings,
    TestCodeEnvRead, Workspace,
};
use crate::source::{FileId, SourceKind, Span};
use crate::syntax::code::Value;
use crate::syntax::python::{Class, Stmt};

pub fn read(ws: &mut Workspace, parsed: &super::parsed::Parsed) {
    let mut found = Vec::new();
    let mut writes = Vec::new();
    let mut isolated = Vec::new();
    let mut flask_modules = Vec::new();
    let mut choices = Vec::new();
    let mut conftest_facts: Vec<(String, Vec<String>, bool, Option<Span>)> = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::AppCode || !f.path.ends_with(".py") {
            continue;
        }
        let cheap = f.text.contains("env_file")
            || f.text.contains("load_dotenv")
            || f.text.contains("Config(")
            || f.text.contains("SQLALCHEMY_DATABASE_URI")
            || f.file_name() == "conftest.py";
        if !cheap {
            continue;
        }
        let id = FileId(i);
        let project = project_of(ws, f.dir());
        let Some(m) = parsed.get(&i) else { continue };
        // code Python would refuse decides nothing
        if m.has_error {
            continue;
        }
        if f.file_name() == "conftest.py" {
            // code only: a commented-out override isolates nothing
            let code =
                crate::syntax::comments::blank(&f.text, crate::syntax::comments::Style::Python);
            // the app's database swapped in code: FastAPI's dependency
            // override, or a container the suite starts
            let isolating = [
                "dependency_overrides",
                "PostgresContainer",
                "MySqlContainer",
                "testcontainers",
            ]
            .into_iter()
            .find(|w| code.contains(w));
            // a database of its own the suite creates under a unique name
            let unique_db = code.contains("uuid")
                && (code.contains("create_database") || code.contains("CREATE DATABASE"));
            let isolating = isolating.or(unique_db.then_some("a uuid-named database it creates"));
            if let Some(w) = isolating {
                isolated.push((project.clone(), w));
            }
            // the config an app factory is given: `create_app("testing")`
            for c in &m.calls {
                let Value::Call { args, kwargs, .. } = c else {
                    continue;
                };
                if !matches!(c.callee_name(), Some("create_app" | "make_app")) {
                    continue;
                }
                let arg = args.first().or_else(|| kwargs.first().map(|(_, v)| v));
                let choice = match arg {
                    Some(Value::Str { text, range, .. }) => {
                        FlaskChoice::Key(text.clone(), Span::new(id, range.start, range.end))
                    }
                    Some(Value::Name(n)) => {
                        let class = n.rsplit('.').next().unwrap_or(n).to_string();
                        FlaskChoice::Class(class, Span::new(id, 0, 0))
                    }
                    _ => FlaskChoice::Unknown,
                };
                choices.push((project.clone(), choice));
            }
            let (imports, builds_engine) = conftest_imports(&code);
            let late = flask_late_uri(&code).map(|r| Span::new(id, r.start, r.end));
            conftest_facts.push((project.clone(), imports, builds_engine, late));
            writes.extend(m.env_writes.iter().map(|(k, r)| TestCodeEnvRead {
                project: project.clone(),
                key: k.clone(),
                span: Span::new(id, r.start, r.end),
            }));
            continue;
        }
        for c in &m.classes {
            if let Some(s) = pydantic(id, &project, f.dir(), &m.statements, c) {
                found.push(s);
            }
        }
        let flask: Vec<FlaskConfigClass> = m
            .classes
            .iter()
            .map(|c| FlaskConfigClass {
                name: c.name.clone(),
                name_span: Span::new(id, c.name_range.start, c.name_range.end),
                bases: c.bases.clone(),
                uri: crate::stacks::config_value(id, c.assigned("SQLALCHEMY_DATABASE_URI")),
            })
            .collect();
        if flask.iter().any(|c| c.uri != ConfigValue::Absent) {
            // `config = {"testing": TestingConfig}` at module level
            let by_key = m
                .statements
                .iter()
                .filter_map(|s| match s {
                    Stmt::Assign {
                        value: Value::Map(entries),
                        conditional: false,
                        ..
                    } => Some(entries),
                    _ => None,
                })
                .flatten()
                .filter_map(|e| match &e.value {
                    Value::Name(n) if flask.iter().any(|c| &c.name == n) => {
                        Some((e.key.clone(), n.clone()))
                    }
                    _ => None,
                })
                .collect();
            flask_modules.push(FlaskConfigModule {
                project: project.clone(),
                file: id,
                classes: flask,
                by_key,
            });
        }
        found.extend(starlette(id, &project, &m.statements));
        let module = module_name(&project, &f.path);
        found.extend(dotenv_module(id, &f.path, &project, module, &m.statements));
    }
    for (project, how) in isolated {
        let c = ws.projects.entry(project).or_default();
        if c.isolating_dependency.is_none() {
            c.isolating_dependency = Some(format!("`{how}` in conftest.py"));
        }
    }
    for s in found {
        ws.project_mut(&s.project.clone())
            .python
            .dotenv_settings
            .push(s);
    }
    for m in flask_modules {
        ws.project_mut(&m.project.clone())
            .python
            .flask_config_modules
            .push(m);
    }
    for (project, c) in choices {
        ws.project_mut(&project).python.flask_choices.push(c);
    }
    for (project, imports, builds_engine, late) in conftest_facts {
        let py = &mut ws.project_mut(&project).python;
        py.conftest_imports.extend(imports);
        py.conftest_builds_engine |= builds_engine;
        if py.flask_late_uri.is_none() {
            py.flask_late_uri = late;
        }
    }
    for w in writes {
        ws.project_mut(&w.project.clone())
            .python
            .test_code_env_writes
            .push(w);
    }
}

/// The Python project a file belongs to: the nearest folder at or above it
/// with a `pyproject.toml`, `setup.cfg`, requirements or `manage.py`.
pub fn project_of(ws: &Workspace, dir: &str) -> String {
    crate::model::ancestors(dir)
        .find(|d| ws.projects.get(*d).is_some_and(|c| c.python_root))
        .unwrap_or("")
        .to_string()
}

fn pydantic(
    file: FileId,
    project: &str,
    module_dir: &str,
    statements: &[Stmt],
    c: &Class,
) -> Option<PythonDotenvSettings> {
    if !c.bases.iter().any(|b| b.ends_with("BaseSettings")) {
        return None;
    }
    let config = c.assigned("model_config");
    let inner = c.inner.iter().find(|k| k.name == "Config");
    let env_file = config
        .and_then(|v| v.kwarg("env_file"))
        .or_else(|| inner.and_then(|k| k.assigned("env_file")))?;
    let prefix = config
        .and_then(|v| v.kwarg("env_prefix"))
        .or_else(|| inner.and_then(|k| k.assigned("env_prefix")))
        .and_then(Value::as_str)
        .unwrap_or("");
    // of several files the later wins; the development one is `.env`
    let files: Vec<&Value> = match env_file {
        Value::List(items) => items.iter().collect(),
        other => vec![other],
    };
    // a literal resolves from the working folder; a path built from the
    // module's own file (`Path(__file__).parent / ".env"`) is that file,
    // written here relative to the project
    let (name, range) = files.iter().rev().find_map(|v| match v {
        Value::Str { text, range, .. } => Some((text.clone(), range.clone())),
        other => module_relative_file(other, module_dir, statements)
            .map(|(path, range)| (relative_to(project, &path), range)),
    })?;
    let keys: Vec<String> = c
        .fields()
        .map(|(n, _)| format!("{prefix}{n}").to_ascii_uppercase())
        .filter(|k| db_key_kind(k, &[]).is_some())
        .collect();
    if keys.is_empty() {
        return None;
    }
    Some(PythonDotenvSettings {
        project: project.to_string(),
        what: format!("pydantic-settings `{}`", c.name),
        env_file: name,
        env_file_span: Span::new(file, range.start, range.end),
        keys,
        module: None,
    })
}

/// A file path code builds from the module's own location: `BASE_DIR /
/// ".env"` (with `BASE_DIR = Path(__file__).resolve().parent.parent`),
/// `os.path.join(os.path.dirname(__file__), "..", ".env")`, `str(…)` of
/// either. The path relative to the scan root, and the range of its last
/// literal part.
fn module_relative_file(
    v: &Value,
    module_dir: &str,
    statements: &[Stmt],
) -> Option<(String, std::ops::Range<usize>)> {
    let (base, rest): (&Value, &[Value]) = match v {
        Value::PathJoin { parts, .. } => parts.split_first()?,
        Value::Call { callee, args, .. } if callee == "os.path.join" => args.split_first()?,
        Value::Call { callee, args, .. } if callee == "str" && args.len() == 1 => {
            return module_relative_file(&args[0], module_dir, statements);
        }
        _ => return None,
    };
    let up = folder_of(base, statements, 0)?;
    let mut path = module_dir.to_string();
    for _ in 0..up {
        path = parent(&path)?;
    }
    let mut last = None;
    for part in rest {
        let Value::Str { text, range, .. } = part else {
            return None;
        };
        path = crate::paths::normalize(&crate::paths::join(&path, text.trim_start_matches("./")))?;
        last = Some(range.clone());
    }
    Some((path, last?))
}

/// How many folders above the module's own a value names: `Path(__file__)
/// .parent` is 0, each further `.parent` one more; `os.path.dirname(
/// __file__)` 0, each further `dirname` one more; a module-level name bound
/// to either. `None` for anything else.
fn folder_of(v: &Value, statements: &[Stmt], depth: usize) -> Option<usize> {
    if depth > 4 {
        return None;
    }
    match v {
        Value::Name(n) if n.contains("__file__") => {
            let t: String = n.split_whitespace().collect();
            let t = t.strip_prefix("pathlib.").unwrap_or(&t);
            let rest = t.strip_prefix("Path(__file__)")?;
            let rest = rest.replace(".resolve()", "").replace(".absolute()", "");
            let parents = rest.matches(".parent").count();
            (rest == ".parent".repeat(parents) && parents > 0).then(|| parents - 1)
        }
        Value::Name(n) => statements.iter().rev().find_map(|s| match s {
            Stmt::Assign {
                name,
                path,
                value,
                conditional: false,
                ..
            } if name == n && path.is_empty() => folder_of(value, statements, depth + 1),
            _ => None,
        }),
        Value::Call { callee, args, .. } => match (callee.as_str(), args.as_slice()) {
            ("os.path.dirname", [Value::Name(f)]) if f == "__file__" => Some(0),
            ("os.path.dirname", [inner]) => folder_of(inner, statements, depth + 1).map(|k| k + 1),
            ("os.path.abspath" | "os.path.realpath", [inner]) => {
                folder_of(inner, statements, depth + 1)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The folder above `dir` (relative to the scan root); `None` above the root.
fn parent(dir: &str) -> Option<String> {
    if dir.is_empty() {
        return None;
    }
    Some(
        dir.rsplit_once('/')
            .map_or(String::new(), |(p, _)| p.to_string()),
    )
}

/// `path` (relative to the scan root) as written from `dir`: `../.env`.
fn relative_to(dir: &str, path: &str) -> String {
    let mut up = 0;
    let mut base = dir.to_string();
    loop {
        let prefix = crate::paths::dir_prefix(&base);
        if let Some(rest) = path.strip_prefix(&prefix) {
            return format!("{}{rest}", "../".repeat(up));
        }
        match parent(&base) {
            Some(p) => {
                base = p;
                up += 1;
            }
            None => return format!("{}{path}", "../".repeat(up)),
        }
    }
}

/// Where a conftest sets `SQLALCHEMY_DATABASE_URI` on an app its factory
/// has already built, in the same function: `app = create_app()` and then
/// `app.config["SQLALCHEMY_DATABASE_URI"] = …` (or `app.config.update(
/// SQLALCHEMY_DATABASE_URI=…)`). A URI handed to the factory itself
/// (`create_app({"SQLALCHEMY_DATABASE_URI": …})`) is not late.
fn flask_late_uri(code: &str) -> Option<std::ops::Range<usize>> {
    const KEY: &str = "SQLALCHEMY_DATABASE_URI";
    for (call, _) in code
        .match_indices("create_app(")
        .chain(code.match_indices("make_app("))
    {
        // a call, not the conftest's own factory (`def create_app(…)`) nor
        // another name's tail (`_create_app(`)
        let before = code[..call].trim_end_matches([' ', '\t']);
        if before.ends_with("def")
            || code[..call]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        // the factory call's closing parenthesis
        let mut depth = 0i32;
        let mut end = None;
        for (i, c) in code[call..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(call + i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end?;
        // up to the next function of the module
        let body_end = code[end..]
            .find("\ndef ")
            .or_else(|| code[end..].find("\nasync def "))
            .map_or(code.len(), |i| end + i);
        let body = &code[end..body_end];
        for (k, _) in body.match_indices(KEY) {
            let before = body[..k].trim_end_matches(['"', '\'']).trim_end();
            let after = body[k + KEY.len()..]
                .trim_start_matches(['"', '\''])
                .trim_start();
            let subscript = before.ends_with(".config[")
                && after.starts_with(']')
                && after[1..].trim_start().starts_with('=')
                && !after[1..].trim_start().starts_with("==");
            let update = after.starts_with('=')
                && !after.starts_with("==")
                && body[..k]
                    .rfind(".config.update(")
                    .is_some_and(|u| !body[u..k].contains(')'));
            if subscript || update {
                return Some(end + k..end + k + KEY.len());
            }
        }
    }
    None
}

/// `src/config.py` in the project at `` → `src.config`.
fn module_name(project: &str, path: &str) -> String {
    let rel = match project {
        "" => path,
        p => path
            .strip_prefix(p)
            .map_or(path, |r| r.trim_start_matches('/')),
    };
    rel.trim_end_matches(".py")
        .trim_end_matches("/__init__")
        .replace('/', ".")
}

/// The modules a conftest imports (`from src.db import engine`, `import
/// src.db`), and whether it builds an engine itself. Read from the code with
/// comments and strings blanked, line by line: imports are statements.
fn conftest_imports(code: &str) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    for line in code.lines() {
        let line = line.trim();
        let module = if let Some(rest) = line.strip_prefix("from ") {
            rest.split_whitespace().next()
        } else if let Some(rest) = line.strip_prefix("import ") {
            rest.split([',', ' ']).next()
        } else {
            None
        };
        if let Some(m) = module.filter(|m| !m.is_empty() && !m.starts_with('.')) {
            out.push(m.to_string());
        }
    }
    let builds = [
        "create_engine(",
        "create_async_engine(",
        "engine_from_config(",
    ]
    .iter()
    .any(|c| code.contains(c));
    (out, builds)
}

/// A module that loads a dotenv file itself and reads database variables
/// from the environment at import: `load_dotenv()` (python-dotenv), then
/// `DB_URL = os.environ["DB_URL"]`. With no argument `load_dotenv` finds
/// `.env` from the calling file's folder upwards (`find_dotenv`); it never
/// overwrites an exported variable unless `override=True`. Both statements
/// must run whenever the module is imported (not under an `if`).
fn dotenv_module(
    file: FileId,
    path: &str,
    project: &str,
    module: String,
    stmts: &[Stmt],
) -> Option<PythonDotenvSettings> {
    let (env_file, span) = stmts.iter().find_map(|s| match s {
        Stmt::Call {
            call: call @ Value::Call { args, range, .. },
            conditional: false,
        } if call.callee_name() == Some("load_dotenv") => {
            let name = match args.first() {
                None => ".env".to_string(),
                Some(Value::Str { text, .. }) => text.clone(),
                Some(c @ Value::Call { args, .. })
                    if c.callee_name() == Some("find_dotenv") && args.is_empty() =>
                {
                    ".env".to_string()
                }
                _ => return None,
            };
            Some((name, Span::new(file, range.start, range.end)))
        }
        _ => None,
    })?;
    let keys: Vec<String> = stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Assign {
                value: Value::EnvRead { key, .. },
                conditional: false,
                ..
            } if db_key_kind(key, &[]).is_some() => Some(key.clone()),
            _ => None,
        })
        .collect();
    if keys.is_empty() {
        return None;
    }
    Some(PythonDotenvSettings {
        project: project.to_string(),
        what: format!("`load_dotenv()` in {path}"),
        env_file,
        env_file_span: span,
        keys,
        module: Some(module),
    })
}

fn starlette(file: FileId, project: &str, stmts: &[Stmt]) -> Vec<PythonDotenvSettings> {
    let mut out = Vec::new();
    for s in stmts {
        let Stmt::Assign {
            name,
            value:
                Value::Call {
                    callee,
                    args,
                    kwargs,
                    ..
                },
            conditional: false,
            ..
        } = s
        else {
            continue;
        };
        if callee != "Config" && !callee.ends_with(".Config") {
            continue;
        }
        let env_file = args
            .first()
            .or_else(|| kwargs.iter().find(|(k, _)| k == "env_file").map(|(_, v)| v));
        let Some(Value::Str { text, range, .. }) = env_file else {
            continue;
        };
        // `DATABASE_URL = config("DATABASE_URL", ...)`
        let keys: Vec<String> = stmts
            .iter()
            .filter_map(|t| match t {
                Stmt::Assign {
                    value: Value::Call { callee, args, .. },
                    ..
                } if callee == name => args.first().and_then(Value::as_str),
                _ => None,
            })
            .filter(|k| db_key_kind(k, &[]).is_some())
            .map(str::to_string)
            .collect();
        if keys.is_empty() {
            continue;
        }
        out.push(PythonDotenvSettings {
            project: project.to_string(),
            what: "Starlette `Config`".to_string(),
            env_file: text.clone(),
            env_file_span: Span::new(file, range.start, range.end),
            keys,
            module: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_file_of(code: &str, dir: &str) -> Option<String> {
        let m = crate::syntax::python::parse(code);
        let c = m.classes.first()?;
        let v = c.assigned("model_config")?.kwarg("env_file")?;
        module_relative_file(v, dir, &m.statements).map(|(p, _)| p)
    }

    #[test]
    fn env_files_built_from_the_module_path() {
        let head = "from pathlib import Path\nimport os\n";
        let class = |expr: &str| {
            format!(
                "class S(BaseSettings):\n    model_config = SettingsConfigDict(env_file={expr})\n"
            )
        };
        let base = "BASE_DIR = Path(__file__).resolve().parent.parent\n";
        assert_eq!(
            env_file_of(
                &format!("{head}{base}{}", class("BASE_DIR / \".env\"")),
                "api/app/core"
            )
            .as_deref(),
            Some("api/app/.env")
        );
        assert_eq!(
            env_file_of(
                &format!("{head}{}", class("Path(__file__).parent / \"../.env\"")),
                "src/app"
            )
            .as_deref(),
            Some("src/.env")
        );
        assert_eq!(
            env_file_of(
                &format!(
                    "{head}{}",
                    class("os.path.join(os.path.dirname(os.path.dirname(__file__)), \".env\")")
                ),
                "svc/app"
            )
            .as_deref(),
            Some("svc/.env")
        );
        // code decides: nothing
        assert_eq!(
            env_file_of(&format!("{head}{}", class("get_env_file()")), "app"),
            None
        );
        assert_eq!(
            env_file_of(&format!("{head}{}", class("Path(__file__)")), "app"),
            None
        );
    }

    #[test]
    fn paths_relative_to_a_project() {
        assert_eq!(relative_to("api", "api/.env"), ".env");
        assert_eq!(relative_to("api/app", "api/.env"), "../.env");
        assert_eq!(relative_to("", "api/.env"), "api/.env");
        assert_eq!(relative_to("api", ".env"), "../.env");
    }

    #[test]
    fn a_uri_set_after_the_factory_is_late_one_handed_to_it_is_not() {
        let late = "def app():\n    app = create_app()\n    app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite://'\n";
        assert!(flask_late_uri(late).is_some());
        let update = "def app():\n    app = create_app()\n    app.config.update(SQLALCHEMY_DATABASE_URI='sqlite://')\n";
        assert!(flask_late_uri(update).is_some());
        let handed = "def app():\n    app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n    yield app\n";
        assert!(flask_late_uri(handed).is_none());
        // the conftest's own factory sets it before init_app
        let own = "def create_app():\n    app = Flask(__name__)\n    app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite://'\n    db.init_app(app)\n";
        assert!(flask_late_uri(own).is_none());
        // another function after the factory call is not its body
        let other = "def app():\n    return create_app()\n\ndef cfg(app):\n    assert app.config['SQLALCHEMY_DATABASE_URI'] == 'x'\n";
        assert!(flask_late_uri(other).is_none());
    }

    #[test]
    fn module_names_are_dotted_from_the_project() {
        assert_eq!(module_name("", "src/config.py"), "src.config");
        assert_eq!(module_name("api", "api/app/__init__.py"), "app");
    }
}
