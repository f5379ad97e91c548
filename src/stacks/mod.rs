//! Turns recognised files into the model. Each format lives in its own file and
//! knows nothing of rules: malformed input becomes a [`ParseIssue`] that the
//! parse-error rule reports.

pub mod ci;
pub mod commands;
pub mod containers;
pub mod detect;
pub mod docs;
pub mod dotnet;
pub mod elixir;
pub mod environment;
pub mod go;
pub mod jvm;
pub mod node;
pub mod php;
pub mod python;
pub mod ruby;
pub mod runners;
pub mod stack;
pub mod suites;
pub mod task_runners;
pub mod usage;

use crate::model::{EnvSource, TestEnv, Workspace};
use crate::source::{FileId, SourceFile, SourceKind, Span};
use stack::Stack;

pub use crate::model::{ParseIssue, Unreadable};

/// Every stack, in the order each phase visits them (see [`stack`]): CI
/// pipelines and dotenv files first (they are the environments the others'
/// runs start in), then the ecosystems, then compose services (which pin
/// the runs above) and the documentation (which only adds evidence).
pub fn registry() -> Vec<Box<dyn Stack>> {
    vec![
        Box::new(ci::Ci::default()),
        Box::new(environment::DotenvFiles::default()),
        Box::new(task_runners::TaskRunners),
        Box::new(python::Python::default()),
        Box::new(php::Php::default()),
        Box::new(node::Node),
        Box::new(ruby::Ruby),
        Box::new(elixir::Elixir),
        Box::new(jvm::Jvm),
        Box::new(go::Go),
        Box::new(dotnet::Dotnet),
        Box::new(containers::Containers),
        Box::new(docs::Docs),
    ]
}

/// Reads what each stack's configuration points at and no listing by name
/// finds (included pipelines, settings modules, test code, setup files),
/// then finds the suite folders of every project.
pub fn read_more(
    tree: &dyn crate::tree::Tree,
    files: &mut Vec<SourceFile>,
    unreadable: &mut Vec<Unreadable>,
) -> Vec<crate::model::Suite> {
    for stack in registry() {
        stack.read_more(tree, files, unreadable);
    }
    suites::find(tree, files)
}

/// Builds the whole model from the files read by discovery, every stack of
/// the [`registry`] in each phase.
/// With an `invocation` (`testguard run`), the runs are the one being
/// started and the caller's environment is known.
pub fn build(
    files: Vec<SourceFile>,
    unreadable: Vec<Unreadable>,
    invocation: Option<crate::model::Invocation>,
    suites: Vec<crate::model::Suite>,
) -> (Workspace, Vec<ParseIssue>, Vec<Unreadable>) {
    let mut stacks = registry();
    let mut ws = Workspace {
        invocation,
        suites,
        ..Workspace::default()
    };
    let mut issues = Vec::new();
    let readable: Vec<bool> = {
        let mut r = vec![true; files.len()];
        for u in &unreadable {
            if let Some(x) = r.get_mut(u.file.0) {
                *x = false;
            }
        }
        r
    };
    // which stack reads each kind
    let mut reader: std::collections::HashMap<SourceKind, usize> = std::collections::HashMap::new();
    for (i, stack) in stacks.iter().enumerate() {
        for kind in stack.kinds() {
            reader.insert(*kind, i);
        }
    }
    // the parsers that cost most on a large repository (YAML workflows,
    // PHPUnit XML), run on several threads first; the files are then read
    // in order, each taking its result
    let ahead: Vec<(usize, stack::ParseAhead)> = files
        .iter()
        .enumerate()
        .filter(|(i, _)| readable[*i])
        .filter_map(|(i, f)| {
            let parse = stacks[*reader.get(&f.kind)?].parse_ahead(f.kind)?;
            Some((i, parse))
        })
        .collect();
    let results = parallel_map(&ahead, |(i, parse)| parse(FileId(*i), &files[*i]));
    // (a file whose result is missing is parsed again in order)
    let mut parsed_ahead: std::collections::HashMap<usize, stack::Parsed> =
        if results.len() == ahead.len() {
            ahead.iter().map(|(i, _)| *i).zip(results).collect()
        } else {
            std::collections::HashMap::new()
        };
    for (idx, file) in files.iter().enumerate() {
        if !readable[idx] {
            continue;
        }
        let id = FileId(idx);
        if let Some(&s) = reader.get(&file.kind) {
            let stack = &mut stacks[s];
            let ahead = parsed_ahead
                .remove(&idx)
                .or_else(|| stack.parse_ahead(file.kind).map(|parse| parse(id, file)));
            stack.read_file(id, file, ahead, &mut ws, &mut issues);
        }
        // every file may say which projects exist, their frameworks, and
        // the database clients and test runners they depend on
        detect::detect(id, file, &mut ws.projects);
        usage::scan(id, file, &mut ws.projects);
    }
    ws.files = files;
    for stack in &mut stacks {
        stack.link(&mut ws, &mut issues);
    }
    let pytest_dirs: Vec<String> = ws.pytest_configs().map(|c| c.dir.clone()).collect();
    let pytest_dirs: Vec<&str> = pytest_dirs.iter().map(String::as_str).collect();
    for i in 0..ws.envs.len() {
        let f = framework_for_env(&ws.projects, &pytest_dirs, &ws.envs[i]);
        ws.envs[i].frameworks = f;
    }
    for stack in &mut stacks {
        stack.invocation(&mut ws);
    }
    for stack in &mut stacks {
        stack.runs(&mut ws);
    }
    for stack in &mut stacks {
        stack.evidence(&mut ws);
    }
    keep_invoked_family(&mut ws);
    // A project template (cookiecutter, copier: `{{cookiecutter.slug}}/…`) holds
    // files that are rendered before use; their Jinja is not a syntax error.
    issues.retain(|i| !is_template_path(&ws.file(i.span.file).path));
    // One parse error per file: the first is the one to fix, the rest cascade.
    let mut seen = std::collections::BTreeSet::new();
    issues.retain(|i| seen.insert(i.span.file));
    (ws, issues, unreadable)
}

/// `testguard run`: the test environments of another ecosystem are other
/// runs (a Laravel app's `.env.testing` says nothing about its `npx jest`
/// run): only the invoked family's, and those no framework claims, stay.
fn keep_invoked_family(ws: &mut Workspace) {
    use crate::model::RunnerFamily;
    let Some(family) = ws.invocation.as_ref().map(|i| i.family) else {
        return;
    };
    let caller_file = ws.invocation.as_ref().and_then(|i| i.caller_file);
    let keep: Vec<bool> = ws
        .envs
        .iter()
        .map(|e| {
            let f = e.frameworks;
            let php = f.laravel || f.symfony || e.source == EnvSource::Phpunit;
            let python = f.django || matches!(e.source, EnvSource::Pytest | EnvSource::Tox);
            let node = f.node;
            let claimed = php || python || node;
            if !claimed || Some(e.file) == caller_file {
                return true;
            }
            match family {
                RunnerFamily::Php => php,
                RunnerFamily::Python => python,
                RunnerFamily::Node => node,
                _ => false,
            }
        })
        .collect();
    // a PHP run names its environment by index: renumber, and a run whose
    // environment went goes too
    let mut new_index = vec![None; keep.len()];
    let mut next = 0;
    for (i, k) in keep.iter().enumerate() {
        if *k {
            new_index[i] = Some(next);
            next += 1;
        }
    }
    let mut i = 0;
    ws.envs.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    ws.runs.retain_mut(|r| {
        if let Some(env) = r.env {
            match new_index.get(env).copied().flatten() {
                Some(n) => r.env = Some(n),
                None => return false,
            }
        }
        // the PHP frameworks' runs (and AdonisJS's) and the Node scripts'
        // are the invoked family's only
        if r.is_php() {
            family == RunnerFamily::Php
        } else if r.node().is_some() {
            family == RunnerFamily::Node
        } else {
            true
        }
    });
}

fn framework_for_env(
    folders: &std::collections::BTreeMap<String, crate::model::Project>,
    pytest_dirs: &[&str],
    env: &TestEnv,
) -> crate::model::Frameworks {
    use crate::model::{Frameworks, ancestors, is_within};
    let mut f = Frameworks::default();
    // PHP and Node frameworks belong to the nearest project root: a package
    // with its own composer.json inside a Laravel app is a library, not the app.
    let php = ancestors(&env.dir).find_map(|d| folders.get(d).filter(|c| c.php_root));
    if let Some(c) = php {
        f.laravel = c.frameworks.laravel;
        f.symfony = c.frameworks.symfony;
    }
    let node = ancestors(&env.dir).find_map(|d| folders.get(d).filter(|c| c.node_root));
    if let Some(c) = node {
        f.node = c.frameworks.node || c.node_tests_below;
    }
    // Django: the nearest Python project (pyproject, requirements, setup.cfg,
    // manage.py) decides; a client library inside a Django repository is not Django.
    f.django = match ancestors(&env.dir).find_map(|d| folders.get(d).filter(|c| c.python_root)) {
        Some(c) => c.frameworks.django,
        None => ancestors(&env.dir).any(|d| folders.get(d).is_some_and(|c| c.frameworks.django)),
    };
    // Django projects keep `manage.py` below the folder of their pytest/tox
    // config (`backend/pytest.ini`, `backend/src/app/manage.py`) — unless a
    // pytest config closer to it claims it.
    if matches!(env.source, EnvSource::Pytest | EnvSource::Tox) && !f.django {
        f.django = folders.iter().any(|(d, c)| {
            c.python.has_manage_py
                && d != &env.dir
                && is_within(d, &env.dir)
                && depth_below(d, &env.dir) <= 3
                && !pytest_dirs
                    .iter()
                    .any(|p| *p != env.dir && is_within(p, &env.dir) && is_within(d, p))
        });
    }
    f
}

pub use crate::paths::join;

/// The dotenv file `name` in folder `dir`, if the workspace holds it.
pub fn dotenv_file_in(ws: &Workspace, dir: &str, name: &str) -> Option<FileId> {
    let want = join(dir, name);
    ws.files
        .iter()
        .position(|f| {
            f.path == want && matches!(f.kind, SourceKind::DotenvTest | SourceKind::DotenvDev)
        })
        .map(FileId)
}

/// Whether a path runs through a template folder (`{{cookiecutter.project_slug}}`).
pub fn is_template_path(path: &str) -> bool {
    path.contains("{{") || path.contains("{%")
}

fn depth_below(dir: &str, anc: &str) -> usize {
    let rest = if anc.is_empty() {
        dir
    } else {
        dir.get(anc.len()..).unwrap_or("")
    };
    rest.split('/').filter(|s| !s.is_empty()).count()
}

/// A configuration value as code writes it: a literal, an environment read
/// with its literal default (`env('X', 'd')`, `os.environ.get('X') or 'd'`),
/// or code. Shared by the PHP and Python configuration readers.
pub fn config_value(
    file: FileId,
    v: Option<&crate::syntax::code::Value>,
) -> crate::model::ConfigValue {
    use crate::model::ConfigValue;
    use crate::syntax::code::Value;
    let literal = |text: &str, range: &std::ops::Range<usize>| {
        (text.to_string(), Span::new(file, range.start, range.end))
    };
    match v {
        None => ConfigValue::Absent,
        Some(Value::Str { text, range, .. }) => ConfigValue::Literal {
            text: text.clone(),
            span: Span::new(file, range.start, range.end),
        },
        Some(Value::EnvRead {
            key,
            key_range,
            default,
            ..
        }) => ConfigValue::Env {
            key: key.clone(),
            span: Span::new(file, key_range.start, key_range.end),
            default: match default.as_deref() {
                Some(Value::Str { text, range, .. }) => Some(literal(text, range)),
                _ => None,
            },
        },
        // `os.environ.get('X') or 'default'`
        Some(Value::BoolOr(parts)) => match parts.as_slice() {
            [first, Value::Str { text, range, .. }] => match config_value(file, Some(first)) {
                ConfigValue::Env { key, span, .. } => ConfigValue::Env {
                    key,
                    span,
                    default: Some(literal(text, range)),
                },
                _ => ConfigValue::Unknown,
            },
            _ => ConfigValue::Unknown,
        },
        Some(_) => ConfigValue::Unknown,
    }
}

pub use crate::parallel::map as parallel_map;

/// A syntax module's environment reads as the model's, each variable's
/// position (`at`, from `offset` in the file `file`) made a span.
pub fn env_alternatives(
    file: crate::source::FileId,
    offset: usize,
    alternatives: Vec<crate::syntax::erb::Alternative>,
) -> Vec<crate::model::EnvAlternative> {
    use crate::model::EnvAlternative;
    use crate::syntax::erb::Alternative;
    alternatives
        .into_iter()
        .map(|a| match a {
            Alternative::Env { name, at } => EnvAlternative::Env {
                name,
                span: Span::new(file, offset + at.start, offset + at.end),
            },
            Alternative::Literal(l) => EnvAlternative::Literal(l),
            Alternative::Computed => EnvAlternative::Computed,
        })
        .collect()
}

/// The `.gitignore` line that keeps `path` out of the repository: the
/// nearest `.gitignore` above `from_dir` that has a say decides, as in git.
pub fn gitignored_by(ws: &Workspace, from_dir: &str, path: &str) -> Option<Span> {
    crate::model::ancestors(from_dir)
        .find_map(|dir| {
            let gi = join(dir, ".gitignore");
            let (id, f) = ws
                .files
                .iter()
                .enumerate()
                .find(|(_, f)| f.path == gi && f.kind == SourceKind::Gitignore)?;
            let (ignored, range) = crate::syntax::gitignore::decide(&f.text, dir, path)?;
            Some(ignored.then(|| Span::new(FileId(id), range.start, range.end)))
        })
        .flatten()
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    #[test]
    fn no_kind_is_read_by_two_stacks() {
        let mut reader: std::collections::BTreeMap<SourceKind, &str> = Default::default();
        for stack in registry() {
            for kind in stack.kinds() {
                if let Some(other) = reader.insert(*kind, stack.name()) {
                    panic!("{kind:?} is read by {other} and by {}", stack.name());
                }
            }
        }
        // the kinds whose text is test environments are each some stack's
        for kind in [
            SourceKind::DotenvTest,
            SourceKind::PytestIni,
            SourceKind::Phpunit,
            SourceKind::GithubWorkflow,
            SourceKind::GitlabCi,
            SourceKind::Codeception,
            SourceKind::ElixirConfig,
            SourceKind::RailsDatabase,
            SourceKind::GoLoadedEnv,
            SourceKind::TaskRunner,
        ] {
            assert!(reader.contains_key(&kind), "{kind:?} is read by no stack");
        }
    }

    #[test]
    fn every_stack_is_registered_once() {
        let names: Vec<&str> = registry().iter().map(|s| s.name()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for ecosystem in [
            "Python", "PHP", "Node", "Ruby", "Elixir", "JVM", ".NET", "Go",
        ] {
            assert!(
                names.contains(&ecosystem),
                "{ecosystem} is not in {names:?}"
            );
        }
    }
}
