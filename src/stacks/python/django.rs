//! Django: the settings module a test run uses, read as Django would import
//! it (docs.djangoproject.com django-admin `--settings`; the project
//! template's `manage.py-tpl`), and the database it gives the tests.
//!
//! - The module: pytest-django's effective `DJANGO_SETTINGS_MODULE` (already
//!   resolved into the pytest environment), else `manage.py`'s
//!   `os.environ.setdefault` for `manage.py test` — only where no pytest
//!   configuration of the project names one: a project that configures
//!   pytest-django runs its tests with pytest.
//! - The file: the dotted path under the folders Python would search (the
//!   config's folder and those above it, the `manage.py` folder, `src/`).
//! - `from .base import *` brings the imported module's `DATABASES`; later
//!   assignments, subscript ones included, replace it. An assignment under
//!   `if`/`try`-handlers leaves it undecided.
//! - `DATABASES['default']`: `HOST`, `TEST.NAME` as literals. Django runs
//!   the tests on `TEST.NAME`, else on `test_` + `NAME` (sqlite: in memory),
//!   so the name alone is isolated unless `TEST.NAME` says otherwise; the
//!   server is not. A value read from the environment, or a
//!   `dj_database_url`/`environ.Env.db()` call, is decided by the caller's
//!   environment: nothing is said about it.

use crate::model::{EnvSource, Setting, TestEnv, Via, Workspace};
use crate::source::{FileId, SourceKind, Span, Spanned};
use crate::syntax::code::Value;
use crate::syntax::python::{self, Stmt};

use super::launch::Launch;
use super::modules;

/// `DATABASES` flattened to leaves: `default.HOST` → where it is written.
#[derive(Clone, Debug)]
enum Databases {
    /// The settings never assign it.
    Unset,
    /// A conditional assignment or an unreadable module: nothing is known
    /// (where and why, when a statement decides it).
    Undecided(Option<(Span, String)>),
    Leaves(Vec<Leaf>),
}

#[derive(Clone, Debug)]
struct Leaf {
    path: String,
    file: FileId,
    key_range: std::ops::Range<usize>,
    value: Value,
}

/// One way a Django suite is started, and the settings module it imports.
struct DjangoRun {
    /// For humans: `pytest (setup.cfg)`, `` `manage.py test` (manage.py) ``.
    name: String,
    dir: String,
    /// The file that names the module, and where.
    file: FileId,
    anchor: Span,
    module: String,
    /// A CI job's runner (its test command is labelled in findings).
    runner: crate::model::Runner,
    /// How the process starts, where known: what `sys.argv` switches in
    /// the settings decide.
    launch: Option<Launch>,
}

/// A settings module as a configuration names it: (module, file, where).
type NamedModule = (String, FileId, Span);

/// Builds one environment per Django test run whose settings module the
/// repository holds: the database settings that module decides.
pub fn build(ws: &mut Workspace, parsed: &super::parsed::Parsed) {
    let mut runs: Vec<DjangoRun> = Vec::new();
    let pytest_dirs: Vec<(String, Option<NamedModule>)> = ws
        .pytest_configs()
        .filter(|c| c.shadowed_by.is_none())
        .map(|c| {
            let dsm = c
                .settings
                .iter()
                .rev()
                .find(|s| s.key_is("DJANGO_SETTINGS_MODULE") && !s.unset && !s.is_reference())
                .map(|s| (s.value.trim().to_string(), c.file, s.value_span));
            (c.dir.clone(), dsm)
        })
        .collect();
    for (dir, dsm) in &pytest_dirs {
        if let Some((module, file, span)) = dsm {
            let name = format!("pytest ({})", ws.file(*file).path);
            runs.push(DjangoRun {
                name,
                dir: dir.clone(),
                file: *file,
                anchor: *span,
                module: module.clone(),
                runner: crate::model::Runner::Local,
                // what the configuration describes: `pytest`, no arguments
                launch: Some(Launch::Pytest { args: Vec::new() }),
            });
        }
    }
    // tox environments and CI jobs: the module their setenv/variables or
    // `--settings=` give the command (`python manage.py test --settings=x`)
    for env in &ws.envs {
        if !matches!(
            env.source,
            EnvSource::Tox | EnvSource::GithubActions | EnvSource::GitlabCi
        ) {
            continue;
        }
        let from_setting = env
            .settings
            .iter()
            .rev()
            .find(|s| s.key_is("DJANGO_SETTINGS_MODULE") && !s.unset && !s.is_reference())
            .map(|s| (s.value.trim().to_string(), s.value_span));
        let command = match &env.runner {
            crate::model::Runner::Ci(ci) => ci.test_command.as_ref(),
            _ => None,
        };
        let from_command = command.and_then(|c| settings_option(&c.value).map(|m| (m, c.span)));
        let launch = command.and_then(|c| Launch::of_command(&c.value));
        // a workflow's commands run from the checkout's root
        let dir = if env.source == EnvSource::GithubActions {
            String::new()
        } else {
            env.dir.clone()
        };
        if let Some((module, span)) = from_command.or(from_setting) {
            runs.push(DjangoRun {
                name: env.name.clone(),
                dir,
                file: env.file,
                anchor: span,
                module,
                runner: env.runner.clone(),
                launch,
            });
        }
    }
    for (i, f) in ws.files.iter().enumerate() {
        if f.file_name() != "manage.py" || !f.text.contains("django") {
            continue;
        }
        let dir = f.dir().to_string();
        // pytest-django configured for this project: its runs are pytest's
        let covered = pytest_dirs.iter().any(|(d, dsm)| {
            dsm.is_some() && (crate::model::is_within(d, &dir) || crate::model::is_within(&dir, d))
        });
        if covered {
            continue;
        }
        let m = python::parse(&f.text);
        if m.has_error {
            continue;
        }
        let default = m.calls.iter().find_map(|c| match c {
            Value::Call { callee, args, .. }
                if callee.ends_with("environ.setdefault")
                    && args.first().and_then(Value::as_str) == Some("DJANGO_SETTINGS_MODULE") =>
            {
                match args.get(1) {
                    Some(Value::Str { text, range, .. }) => Some((text.clone(), range.clone())),
                    _ => None,
                }
            }
            _ => None,
        });
        if let Some((module, range)) = default {
            runs.push(DjangoRun {
                name: format!("`manage.py test` ({})", f.path),
                dir,
                file: FileId(i),
                anchor: Span::new(FileId(i), range.start, range.end),
                module,
                runner: crate::model::Runner::Local,
                launch: Some(Launch::ManagePy {
                    args: vec!["test".to_string()],
                }),
            });
        }
    }
    let manage_dirs: Vec<String> = ws
        .files
        .iter()
        .filter(|f| f.file_name() == "manage.py")
        .map(|f| f.dir().to_string())
        .collect();
    let index = app_code(ws);
    let mut envs = Vec::new();
    let mut undecided: Vec<(String, (Span, String))> = Vec::new();
    for DjangoRun {
        name,
        dir,
        file,
        anchor,
        module,
        runner,
        launch,
    } in runs
    {
        let mut roots = super::reads::settings_roots(&dir, &manage_dirs);
        // pytest's `pythonpath` of the naming config comes first on sys.path
        let config = ws.file(file);
        for p in modules::pythonpath(&config.text) {
            let r = if p == "." {
                config.dir().to_string()
            } else {
                crate::paths::join(config.dir(), &p)
            };
            if !roots.contains(&r) {
                roots.insert(0, r);
            }
        }
        let mut reading = Reading {
            ws,
            parsed,
            app_code: &index,
            launch: launch.as_ref(),
            seen: Vec::new(),
            passed_over: Vec::new(),
        };
        let found = databases(&mut reading, &roots, &module, 0);
        let passed_over = reading.passed_over;
        // a conftest's `django_db_setup` that writes `DATABASES['default']`
        // itself: that is the tests' database, whatever the module says
        let written = written_by_db_setup(ws, parsed, &dir);
        let leaves = match (found, written) {
            (Databases::Leaves(mut leaves), Some(written)) => {
                leaves.retain(|l| l.path != "default" && !l.path.starts_with("default."));
                leaves.extend(written);
                leaves
            }
            (_, Some(written)) => written,
            (Databases::Leaves(leaves), None) => leaves,
            (Databases::Undecided(Some(why)), None) => {
                undecided.push((dir.clone(), why));
                continue;
            }
            _ => continue,
        };
        // NAME is no rule's to judge (Django tests on `test_<NAME>`): it is
        // there for TEST.NAME to be compared with
        let mut settings: Vec<Setting> = ["default.HOST", "default.NAME", "default.TEST.NAME"]
            .iter()
            .filter_map(|p| leaf_setting(ws, &leaves, p))
            .collect();
        settings.extend(url_default_host(ws, &leaves));
        // sqlite: Django tests on an in-memory database unless TEST.NAME is set
        let engine = leaves
            .iter()
            .rev()
            .find(|l| l.path == "default.ENGINE")
            .and_then(|l| l.value.as_str().map(str::to_string));
        let sqlite = engine.is_some_and(|e| e.contains("sqlite"));
        let mut settings: Vec<Setting> = settings
            .into_iter()
            .filter(|s| !(sqlite && s.key.value.ends_with("HOST")))
            .collect();
        // an `if` this launch does not take: the finding shows it
        if !passed_over.is_empty() {
            for s in &mut settings {
                s.provenance = Some(Box::new(crate::model::run::Provenance {
                    layer: format!("the settings module `{module}`"),
                    overrode: Vec::new(),
                    caller_above: false,
                    interpolated: Vec::new(),
                    passed_over: passed_over.clone(),
                }));
            }
        }
        // a conftest's no-op `django_db_setup` creates no test database: the
        // tests use `NAME` itself, which is then worth judging
        let uses_name_itself = ws
            .django_db_setup_override(&dir)
            .is_some_and(|o| o.uses_settings_as_read());
        if !uses_name_itself
            && settings
                .iter()
                .all(|s| s.key.value.ends_with(".default.NAME"))
        {
            continue;
        }
        let mut env = TestEnv::local(
            format!("{name} with the settings module `{module}`"),
            EnvSource::FrameworkConfig,
            ws.file(file),
            file,
            anchor,
            settings,
        );
        env.frameworks = ws.frameworks_of(&dir);
        env.runner = runner;
        env.dir = dir;
        envs.push(env);
    }
    ws.envs.extend(envs);
    for (dir, why) in undecided {
        ws.project_mut(&dir)
            .python
            .django_databases_undecided
            .get_or_insert(why);
    }
}

/// The `DATABASES['default']` leaves the project's `django_db_setup`
/// override writes as literals (see `conftest::written_default_database`).
fn written_by_db_setup(
    ws: &Workspace,
    parsed: &super::parsed::Parsed,
    dir: &str,
) -> Option<Vec<Leaf>> {
    let o = ws.django_db_setup_override(dir)?;
    o.sets?;
    let file = o.span.file;
    let m = parsed.get(&file.0)?;
    let f = m
        .functions
        .iter()
        .find(|f| f.name == "django_db_setup" && f.name_range.start == o.span.start)?;
    let (range, map) = super::conftest::written_default_database(f)?;
    let mut leaves = Vec::new();
    flatten("default", file, range.start..range.start, map, &mut leaves);
    Some(leaves)
}

/// `--settings=x` / `--settings x` on a Django test command.
fn settings_option(cmd: &str) -> Option<String> {
    if !(cmd.contains("manage.py") || cmd.contains("django-admin")) {
        return None;
    }
    let mut words = cmd.split_whitespace();
    while let Some(w) = words.next() {
        if let Some(m) = w.strip_prefix("--settings=") {
            return Some(m.trim_matches(['"', '\'']).to_string());
        }
        if w == "--settings" {
            return words
                .next()
                .map(|m| m.trim_matches(['"', '\'']).to_string());
        }
    }
    None
}

/// The settings file of `module`, as read (first root that holds it).
fn find_module(app_code: &AppCode, roots: &[String], module: &str) -> Option<(usize, String)> {
    roots.iter().find_map(|r| {
        modules::module_paths(std::slice::from_ref(r), module)
            .into_iter()
            .find_map(|p| app_code.get(p.as_str()).map(|&i| (i, r.clone())))
    })
}

/// The application code files read, by path.
type AppCode<'a> = std::collections::HashMap<&'a str, usize>;

fn app_code(ws: &Workspace) -> AppCode<'_> {
    ws.files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == SourceKind::AppCode)
        .map(|(i, f)| (f.path.as_str(), i))
        .collect()
}

/// What reading one run's settings modules needs, and what it gathers.
struct Reading<'a> {
    ws: &'a Workspace,
    parsed: &'a super::parsed::Parsed,
    app_code: &'a AppCode<'a>,
    launch: Option<&'a Launch>,
    /// The modules read so far (an import cycle ends the reading).
    seen: Vec<usize>,
    /// `if`s the launch does not take that would have set `DATABASES`.
    passed_over: Vec<(Span, String)>,
}

/// `DATABASES` as `module` ends with it.
fn databases(r: &mut Reading<'_>, roots: &[String], module: &str, depth: usize) -> Databases {
    let (ws, parsed, app_code, launch) = (r.ws, r.parsed, r.app_code, r.launch);
    let Some((idx, root)) = find_module(app_code, roots, module) else {
        return Databases::Undecided(None);
    };
    if r.seen.contains(&idx)
        || depth > modules::MAX_SETTINGS_FILES
        || r.seen.len() > modules::MAX_SETTINGS_FILES
    {
        return Databases::Undecided(None);
    }
    r.seen.push(idx);
    let file = FileId(idx);
    let f = ws.file(file);
    let Some(m) = parsed.get(&idx) else {
        return Databases::Undecided(None);
    };
    // code Python would refuse decides nothing
    if m.has_error {
        return Databases::Undecided(None);
    }
    let (own, is_pkg) = modules::module_of(&root, &f.path).unwrap_or_default();
    let mut db = Databases::Unset;
    for s in &m.statements {
        match s {
            Stmt::StarImport {
                module: written,
                when,
                range,
                ..
            } => {
                // an `if` the launch decides either runs or does not
                let runs = runs_under(launch, when, &m.flags);
                if runs == Some(false) {
                    r.passed_over.extend(not_run(file, launch, when, &m.flags));
                    continue;
                }
                let conditional = runs.is_none();
                let imported = modules::resolve_import(&own, is_pkg, written)
                    .map(|m| databases(r, std::slice::from_ref(&root), &m, depth + 1))
                    .unwrap_or(Databases::Undecided(None));
                match imported {
                    Databases::Unset => {}
                    // an optional `try: from .local import *` may or may not replace it
                    _ if conditional => {
                        db = Databases::Undecided(Some(undecided_at(
                            file,
                            launch,
                            when,
                            &m.flags,
                            range,
                            &format!("`from {written} import *`"),
                        )))
                    }
                    other => db = other,
                }
            }
            Stmt::Assign {
                name,
                path,
                value,
                when,
                range,
                ..
            } if name == "DATABASES" => {
                let runs = runs_under(launch, when, &m.flags);
                if runs == Some(false) {
                    r.passed_over.extend(not_run(file, launch, when, &m.flags));
                    continue;
                }
                if runs.is_none() {
                    db = Databases::Undecided(Some(undecided_at(
                        file,
                        launch,
                        when,
                        &m.flags,
                        range,
                        "`DATABASES`",
                    )));
                    continue;
                }
                let prefix = path.join(".");
                let mut leaves = match (&db, path.is_empty()) {
                    (_, true) => Vec::new(),
                    (Databases::Leaves(l), false) => l
                        .iter()
                        .filter(|l| l.path != prefix && !l.path.starts_with(&format!("{prefix}.")))
                        .cloned()
                        .collect(),
                    // a subscript write into a dict nobody assigned: Python raises
                    _ => {
                        db = Databases::Undecided(None);
                        continue;
                    }
                };
                flatten(&prefix, file, range.start..range.start, value, &mut leaves);
                db = Databases::Leaves(leaves);
            }
            _ => {}
        }
    }
    db
}

/// Where and why a statement that may or may not run leaves `DATABASES`
/// undecided: the condition testguard cannot evaluate, or the statement.
fn undecided_at(
    file: FileId,
    launch: Option<&Launch>,
    when: &crate::syntax::python::When,
    flags: &[crate::syntax::python::Flag],
    statement: &std::ops::Range<usize>,
    what: &str,
) -> (Span, String) {
    let branch = match when {
        crate::syntax::python::When::If(branches) => launch
            .and_then(|l| l.undecided(when, flags))
            .or_else(|| branches.first()),
        _ => None,
    };
    match branch {
        Some(b) => (
            Span::new(file, b.range.start, b.range.end),
            format!("{what} depends on a condition testguard cannot evaluate"),
        ),
        None => (
            Span::new(file, statement.start, statement.end),
            format!("{what} sits in a loop, `with` or `except` block that may or may not run"),
        ),
    }
}

/// The `if` that keeps a statement from running, said for the finding.
fn not_run(
    file: FileId,
    launch: Option<&Launch>,
    when: &crate::syntax::python::When,
    flags: &[crate::syntax::python::Flag],
) -> Option<(Span, String)> {
    let l = launch?;
    let b = l.blocking(when, flags)?;
    Some((
        Span::new(file, b.range.start, b.range.end),
        if b.holds {
            format!(
                "false when `{}` starts the tests: the `DATABASES` under it is not the one they get",
                l.describe()
            )
        } else {
            format!(
                "true when `{}` starts the tests: the `DATABASES` of a later branch is not the one they get",
                l.describe()
            )
        },
    ))
}

/// Whether a statement runs: always when unconditional, else as far as the
/// launch decides its `if`s.
fn runs_under(
    launch: Option<&Launch>,
    when: &crate::syntax::python::When,
    flags: &[crate::syntax::python::Flag],
) -> Option<bool> {
    match (when, launch) {
        (crate::syntax::python::When::Always, _) => Some(true),
        (_, Some(l)) => l.runs(when, flags),
        (_, None) => None,
    }
}

fn flatten(
    prefix: &str,
    file: FileId,
    key_range: std::ops::Range<usize>,
    value: &Value,
    out: &mut Vec<Leaf>,
) {
    match value {
        Value::Map(entries) => {
            for e in entries {
                let path = if prefix.is_empty() {
                    e.key.clone()
                } else {
                    format!("{prefix}.{}", e.key)
                };
                flatten(&path, file, e.key_range.clone(), &e.value, out);
            }
        }
        other => out.push(Leaf {
            path: prefix.to_string(),
            file,
            key_range,
            value: other.clone(),
        }),
    }
}

/// The setting for the leaf at `path`, when a literal decides it and no
/// unreadable value sits above it (`default` itself a call).
fn leaf_setting(ws: &Workspace, leaves: &[Leaf], path: &str) -> Option<Setting> {
    let covered_by_opaque = leaves
        .iter()
        .any(|l| path.starts_with(&format!("{}.", l.path)) || l.path.is_empty());
    if covered_by_opaque {
        return None;
    }
    let leaf = leaves.iter().rev().find(|l| l.path == path)?;
    // `BASE_DIR / "db.sqlite3"`: the file name is what tells the database
    let value = match &leaf.value {
        v @ Value::Str { .. } => v,
        joined => joined.path_tail()?,
    };
    let Value::Str {
        text,
        range,
        verbatim,
    } = value
    else {
        return None;
    };
    let key = format!("DATABASES.{path}");
    let key_span = Span::new(leaf.file, leaf.key_range.start, leaf.key_range.end);
    let _ = ws;
    Some(Setting {
        key: Spanned::new(key, key_span),
        value: text.clone(),
        value_span: Span::new(leaf.file, range.start, range.end),
        verbatim: *verbatim,
        overridable: false,
        via: Via::FrameworkConfig,
        unset: false,
        provenance: None,
        raw_offsets: None,
    })
}

/// `DATABASES = {"default": dj_database_url.config(default="postgres://…")}`
/// (or `env.db("DATABASE_URL", default=…)`, `dj_database_url.parse("…")`):
/// `DATABASE_URL` beats the default, which is what a shell without it gets
/// (unless the module loads a dotenv file itself).
/// Only the default's host is kept: the name is Django's to prefix.
fn url_default_host(ws: &Workspace, leaves: &[Leaf]) -> Option<Setting> {
    let leaf = leaves.iter().rev().find(|l| l.path == "default")?;
    // a dotenv loaded in code (`environ.Env.read_env()`, `load_dotenv()`)
    // decides DATABASE_URL where it exists: nothing is known
    let text = &ws.file(leaf.file).text;
    if text.contains("read_env") || text.contains("load_dotenv") {
        return None;
    }
    let Value::Call { callee, args, .. } = &leaf.value else {
        return None;
    };
    let last = callee.rsplit('.').next().unwrap_or(callee);
    // the variable the call reads (`dj_database_url.config(env=…)`,
    // `env.db("X")`; `DATABASE_URL` by default), none for `parse`
    let variable = match last {
        "config" if callee.contains("dj_database_url") => Some(
            leaf.value
                .kwarg("env")
                .and_then(Value::as_str)
                .unwrap_or("DATABASE_URL"),
        ),
        "db" | "db_url" => Some(
            args.first()
                .and_then(Value::as_str)
                .or_else(|| leaf.value.kwarg("var").and_then(Value::as_str))
                .unwrap_or("DATABASE_URL"),
        ),
        _ => None,
    };
    // `testguard run`: an exported variable is the URL, whatever the default
    if let Some(caller) = variable.and_then(|v| ws.caller_setting(v)) {
        let db =
            crate::database::DatabaseRef::parse(&caller.value, crate::database::DbKeyKind::Url);
        if db.is_sqlite() || db.in_memory {
            return None;
        }
        let host = db.host?;
        return Some(Setting {
            key: Spanned::new("DATABASES.default.HOST".to_string(), caller.key.span),
            value: host.text.clone(),
            value_span: caller.value_sub_span(host.range.clone()),
            verbatim: true,
            overridable: false,
            via: Via::Caller,
            unset: false,
            provenance: None,
            raw_offsets: None,
        });
    }
    let url = match last {
        "config" if callee.contains("dj_database_url") => leaf.value.kwarg("default"),
        "parse" if callee.contains("dj_database_url") => args.first(),
        "db" | "db_url" => leaf.value.kwarg("default").or(args.get(1)),
        _ => None,
    }?;
    let Value::Str {
        text,
        range,
        verbatim: true,
    } = url
    else {
        return None;
    };
    let db = crate::database::DatabaseRef::parse(text, crate::database::DbKeyKind::Url);
    if db.is_sqlite() || db.in_memory {
        return None;
    }
    let host = db.host?;
    let start = range.start + host.range.start;
    let end = range.start + host.range.end;
    Some(Setting {
        key: Spanned::new(
            "DATABASES.default.HOST".to_string(),
            Span::new(leaf.file, range.start, range.end),
        ),
        value: host.text.clone(),
        value_span: Span::new(leaf.file, start, end),
        verbatim: true,
        // DATABASE_URL in the caller's environment wins over the default
        overridable: true,
        via: Via::FrameworkConfig,
        unset: false,
        provenance: None,
        raw_offsets: None,
    })
}

/// A settings module's databases as a map, for tests.
#[cfg(test)]
fn leaves_of(ws: &Workspace, module: &str) -> std::collections::BTreeMap<String, String> {
    use std::collections::BTreeMap;
    let parsed = super::parsed::parse_all(ws);
    let index = app_code(ws);
    let mut reading = Reading {
        ws,
        parsed: &parsed,
        app_code: &index,
        launch: None,
        seen: Vec::new(),
        passed_over: Vec::new(),
    };
    match databases(&mut reading, &[String::new()], module, 0) {
        Databases::Leaves(l) => l
            .into_iter()
            .map(|l| (l.path, l.value.as_str().unwrap_or("?").to_string()))
            .collect(),
        Databases::Unset => BTreeMap::from([("unset".into(), String::new())]),
        Databases::Undecided(_) => BTreeMap::from([("undecided".into(), String::new())]),
    }
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
    fn star_imports_and_subscript_writes_chain() {
        let w = ws(&[
            (
                "shop/settings/base.py",
                "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop', 'HOST': 'db.example.com'}}\n",
            ),
            (
                "shop/settings/test.py",
                "from .base import *\nDATABASES['default']['TEST'] = {'NAME': 'shop_test'}\n",
            ),
            (
                "shop/settings/dev.py",
                "from .base import *\ntry:\n    from .local import *\nexcept ImportError:\n    pass\n",
            ),
        ]);
        let t = leaves_of(&w, "shop.settings.test");
        assert_eq!(
            t.get("default.TEST.NAME").map(String::as_str),
            Some("shop_test")
        );
        assert_eq!(
            t.get("default.HOST").map(String::as_str),
            Some("db.example.com")
        );
        assert!(leaves_of(&w, "shop.settings.dev").contains_key("undecided"));
        assert!(leaves_of(&w, "shop.settings.missing").contains_key("undecided"));
    }
}
