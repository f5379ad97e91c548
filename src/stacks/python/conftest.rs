//! What a pytest suite's `conftest.py` files do to the database they reach
//! (destructive evidence), read
//! shallowly: `drop_database(...)`, `metadata.drop_all(...)`,
//! `call_command("flush")`, and SQL that truncates or drops. Also which
//! environment variables the fixtures take their database from
//! (`os.environ["DATABASE_URL"]`): a variable the caller's environment then
//! decides.
//!
//! Only proof is recorded. Not finding an idiom here says nothing: the test
//! modules themselves are not read.

use crate::database::db_key_kind;
use crate::model::{Destruction, TestCodeEnvRead, Workspace};
use crate::source::{FileId, SourceKind, Span};
use crate::syntax::code::Value;
use crate::syntax::python;

/// Calls that wipe a database, and what each does.
const CALLS: &[(&str, &str)] = &[
    ("drop_database", "drops it"),
    ("drop_all", "drops its tables"),
];

/// SQL in a string literal passed to any call.
const SQL: &[(&str, &str)] = &[
    ("TRUNCATE", "truncates its tables"),
    ("DROP DATABASE", "drops it"),
    ("DROP SCHEMA", "drops its schema"),
];

/// Records each project's conftest `django_db_setup` that replaces
/// pytest-django's: before the Django runs are built, whose settings module's
/// own database the tests then use.
pub fn db_setup_overrides(ws: &mut Workspace, parsed: &super::parsed::Parsed) {
    let mut overrides = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::AppCode || f.file_name() != "conftest.py" {
            continue;
        }
        let Some(m) = parsed.get(&i).filter(|m| !m.has_error) else {
            continue;
        };
        if let Some(o) = db_setup_override(i, m) {
            overrides.push((project_of(ws, f.dir()), o));
        }
    }
    for (project, o) in overrides {
        ws.project_mut(&project)
            .python
            .django_db_setup_override
            .get_or_insert(o);
    }
}

/// Records the proof and the reads.
pub fn scan(ws: &mut Workspace, parsed: &super::parsed::Parsed) {
    let mut found = Vec::new();
    let mut reads = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::AppCode || f.file_name() != "conftest.py" {
            continue;
        }
        let project = project_of(ws, f.dir());
        let Some(m) = parsed.get(&i) else { continue };
        // code Python would refuse proves nothing
        if m.has_error {
            continue;
        }
        scan_module(i, &project, m, &mut found, &mut reads);
    }
    // one record per idiom per project: the first place it is written
    found.sort_by_key(|d| (d.project.clone(), d.idiom, d.span));
    found.dedup_by(|a, b| a.project == b.project && a.idiom == b.idiom);
    for d in &found {
        // proof alone makes a project's test code known here; its absence
        // does not (the test modules are not read)
        ws.test_code.entry(d.project.clone()).or_insert(1);
    }
    ws.destruction.extend(found);
    for r in reads {
        ws.project_mut(&r.project.clone())
            .python
            .test_code_env_reads
            .push(r);
    }
}

fn scan_module(
    i: usize,
    project: &str,
    m: &python::Module,
    found: &mut Vec<Destruction>,
    reads: &mut Vec<TestCodeEnvRead>,
) {
    let project = project.to_string();
    {
        for call in &m.calls {
            let Value::Call { args, range, .. } = call else {
                continue;
            };
            let name = call.callee_name().unwrap_or("");
            let hit = CALLS
                .iter()
                .find(|(c, _)| *c == name)
                .map(|(c, w)| (*c, *w, range.clone()))
                .or_else(|| {
                    // call_command("flush"): Django empties every table
                    (name == "call_command"
                        && args.first().and_then(Value::as_str) == Some("flush"))
                    .then(|| {
                        (
                            "call_command(\"flush\")",
                            "empties every table",
                            range.clone(),
                        )
                    })
                })
                .or_else(|| {
                    args.iter().find_map(|a| {
                        let Value::Str { text, range, .. } = a else {
                            return None;
                        };
                        let upper = text.to_ascii_uppercase();
                        SQL.iter()
                            .find(|(s, _)| upper.trim_start().starts_with(s))
                            .map(|(s, w)| (*s, *w, range.clone()))
                    })
                });
            if let Some((idiom, what, range)) = hit {
                found.push(Destruction {
                    project: project.clone(),
                    idiom,
                    what,
                    span: Span::new(FileId(i), range.start, range.end),
                    escapes_rollback: true,
                });
            }
        }
        for r in &m.env_reads {
            if let Value::EnvRead {
                key,
                key_range,
                default: None,
                ..
            } = r
                && db_key_kind(key, &[]).is_some()
            {
                reads.push(TestCodeEnvRead {
                    project: project.clone(),
                    key: key.clone(),
                    span: Span::new(FileId(i), key_range.start, key_range.end),
                });
            }
        }
    }
}

/// A module-level pytest fixture named `django_db_setup` that does not
/// request pytest-django's own (`def django_db_setup(django_db_setup,
/// django_db_blocker)` extends it; `def django_db_setup():` and
/// `def django_db_setup(django_db_blocker):` replace it).
fn db_setup_override(i: usize, m: &python::Module) -> Option<crate::model::DjangoDbSetupOverride> {
    let f = m.functions.iter().find(|f| {
        f.name == "django_db_setup"
            && f.decorators.iter().any(|d| {
                let callee = d.split('(').next().unwrap_or("").trim();
                callee == "pytest.fixture" || callee == "fixture"
            })
    })?;
    if f.params.iter().any(|p| p == "django_db_setup") {
        return None;
    }
    Some(crate::model::DjangoDbSetupOverride {
        span: Span::new(FileId(i), f.name_range.start, f.name_range.end),
        empty: f.empty_body,
        sets: written_default_database(f)
            .map(|(range, _)| Span::new(FileId(i), range.start, range.end)),
    })
}

/// `settings.DATABASES["default"] = {…}` (or `DATABASES = {"default": {…}}`)
/// written unconditionally in a fixture's body, literal: where, and the map.
pub fn written_default_database(f: &python::Function) -> Option<(std::ops::Range<usize>, &Value)> {
    f.body.iter().rev().find_map(|s| match s {
        python::Stmt::Assign {
            name,
            path,
            value,
            range,
            when: python::When::Always,
            ..
        } if name == "DATABASES" || name.ends_with(".DATABASES") => {
            let map = match path.as_slice() {
                [alias] if alias == "default" => Some(value),
                [] => value.get("default"),
                _ => None,
            }?;
            matches!(map, Value::Map(_)).then_some((range.clone(), map))
        }
        _ => None,
    })
}

/// The Python project a `conftest.py` belongs to: the nearest folder above it
/// with a `pyproject.toml`, `setup.cfg`, requirements or `manage.py`; else
/// its own folder with any trailing `tests` segments dropped.
fn project_of(ws: &Workspace, dir: &str) -> String {
    if let Some(root) =
        crate::model::ancestors(dir).find(|d| ws.projects.get(*d).is_some_and(|c| c.python_root))
    {
        return root.to_string();
    }
    let mut d = dir;
    while let Some(parent) = d.strip_suffix("/tests").or_else(|| d.strip_suffix("tests")) {
        d = parent;
    }
    d.trim_end_matches('/').to_string()
}
