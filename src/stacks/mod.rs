//! Turns recognised files into the model. Each format lives in its own file and
//! knows nothing of rules: malformed input becomes a [`ParseIssue`] that the
//! parse-error rule reports.

pub mod ci;
pub mod containers;
pub mod detect;
pub mod docs;
pub mod dotnet;
pub mod elixir;
pub mod go;
pub mod jvm;
pub mod node;
pub mod php;
pub mod python;
pub mod ruby;
pub mod runners;
pub mod suites;
pub mod task_runners;
pub mod usage;

use crate::syntax::dotenv;
use ci::{github, gitlab};
use detect as frameworks;
use php::phpunit;
use python::{pytest, tox};

use crate::model::{DevDotenv, EnvSource, Runner, Setting, TestEnv, Via, Workspace};
use crate::source::{FileId, SourceFile, SourceKind, Span, Spanned};

pub use crate::model::{ParseIssue, Unreadable};

/// Builds the whole model from the files read by discovery.
/// With an `invocation` (`testguard run`), the runs are the one being
/// started and the caller's environment is known.
/// Reads what each stack's configuration points at and no listing by name
/// finds (included pipelines, settings modules, test code, setup files), in
/// this order: a stack that reads a file another one named comes after it.
pub fn read_more(
    tree: &dyn crate::tree::Tree,
    files: &mut Vec<SourceFile>,
    unreadable: &mut Vec<Unreadable>,
) -> Vec<crate::model::Suite> {
    ci::reads::gitlab_includes(tree, files, unreadable);
    php::reads::test_code(tree, files);
    python::reads::settings_modules(tree, files);
    php::reads::laravel_config(tree, files);
    docs::read_readmes(tree, files);
    ci::reads::copied_dotenvs(tree, files);
    node::reads::code(tree, files);
    node::reads::script_env_files(tree, files);
    jvm::reads::test_code(tree, files);
    go::reads::test_code(tree, files);
    dotnet::reads::test_code(tree, files);
    suites::find(tree, files)
}

pub fn build(
    files: Vec<SourceFile>,
    unreadable: Vec<Unreadable>,
    invocation: Option<crate::model::Invocation>,
    suites: Vec<crate::model::Suite>,
) -> (Workspace, Vec<ParseIssue>, Vec<Unreadable>) {
    let mut ws = Workspace {
        files,
        invocation,
        suites,
        ..Workspace::default()
    };
    let mut issues = Vec::new();
    let unreadable_ids: Vec<FileId> = unreadable.iter().map(|u| u.file).collect();
    let mut pytest_candidates = Vec::new();
    let mut doctrine_layouts: Vec<(String, php::doctrine::Layout)> = Vec::new();
    let mut dotenv_issues: Vec<DotenvIssue> = Vec::new();
    // the parsers that cost most on a large repository (YAML workflows,
    // PHPUnit XML), run on several threads first; the loop below takes
    // their results in file order
    let heavy: Vec<usize> = (0..ws.files.len())
        .filter(|&i| {
            matches!(
                ws.files[i].kind,
                SourceKind::GithubWorkflow | SourceKind::Phpunit
            ) && !unreadable_ids.contains(&FileId(i))
        })
        .collect();
    let files_ref = &ws.files;
    let results = parallel_map(&heavy, |&i| {
        let file = &files_ref[i];
        match file.kind {
            SourceKind::GithubWorkflow => github::parse(FileId(i), file),
            _ => phpunit::parse(FileId(i), file),
        }
    });
    // (a file whose result is missing is parsed again below)
    let mut pre_parsed: std::collections::HashMap<usize, (Vec<TestEnv>, Vec<ParseIssue>)> =
        if results.len() == heavy.len() {
            heavy.iter().copied().zip(results).collect()
        } else {
            std::collections::HashMap::new()
        };
    for idx in 0..ws.files.len() {
        let id = FileId(idx);
        if unreadable_ids.contains(&id) {
            continue;
        }
        let file = &ws.files[idx];
        match file.kind {
            SourceKind::DotenvTest => {
                let (env, errs) = dotenv_env(id, file);
                dotenv_issues.extend(errs);
                ws.test_dotenv_dirs.push((file.dir().to_string(), id));
                ws.envs.push(env);
            }
            SourceKind::DotenvDev => {
                let (env, errs) = dotenv_env(id, file);
                dotenv_issues.extend(errs);
                ws.dev_dotenvs.push(DevDotenv {
                    file: id,
                    dir: file.dir().to_string(),
                    settings: env.settings,
                });
            }
            SourceKind::PytestIni
            | SourceKind::PytestToml
            | SourceKind::PyprojectToml
            | SourceKind::SetupCfg
            | SourceKind::ToxIni
            | SourceKind::ToxToml => {
                let parsed = pytest::parse(id, file);
                issues.extend(parsed.issues);
                pytest_candidates.extend(parsed.configs);
                ws.envs.extend(parsed.extra_envs);
                ws.envs.extend(tox::parse(id, file));
            }
            SourceKind::Phpunit => {
                let (envs, errs) = pre_parsed
                    .remove(&idx)
                    .unwrap_or_else(|| phpunit::parse(id, file));
                issues.extend(errs);
                ws.envs.extend(envs);
            }
            SourceKind::GithubWorkflow => {
                let (envs, errs) = pre_parsed
                    .remove(&idx)
                    .unwrap_or_else(|| github::parse(id, file));
                issues.extend(errs);
                ws.envs.extend(envs);
            }
            // a pipeline is its root file and the files it includes, read together below
            SourceKind::GitlabCi | SourceKind::GitlabCiInclude => {}
            SourceKind::DoctrineConfig => {
                if let Some(layout) = php::doctrine::read(id, file) {
                    doctrine_layouts.push(layout);
                }
            }
            SourceKind::ElixirConfig => {
                for w in elixir::ecto_config::read(id, file) {
                    crate::model::project_in(&mut ws.projects, &w.project).elixir.config_writes.push(w);
                }
            }
            SourceKind::RailsDatabase => {
                for d in ruby::database_yml::read(id, file) {
                    crate::model::project_in(&mut ws.projects, &d.project).rails_databases.push(d);
                }
            }
            SourceKind::ComposerJson
            | SourceKind::RubyTestHelper
            | SourceKind::Gemfile
            | SourceKind::MixProject
            | SourceKind::PackageJson
            | SourceKind::FrameworkMarker
            | SourceKind::LaravelConfigCache
            | SourceKind::ComposeFile
            | SourceKind::Dockerfile
            | SourceKind::Envrc
                | SourceKind::DevShell
            | SourceKind::Gitignore
            | SourceKind::TestCode
            | SourceKind::AppCode
            | SourceKind::Readme
            | SourceKind::CopiedDotenv
            | SourceKind::NodeCode
            | SourceKind::OrmConfig
            // its variables are the invocation's caller layer
            | SourceKind::CallerEnvironment
            // read together once every file is known
            | SourceKind::SpringConfig
            | SourceKind::JvmTestCode
            | SourceKind::JvmBuild
            | SourceKind::GoModule
            | SourceKind::Manifest
            | SourceKind::GoTestCode
            | SourceKind::DotnetAppSettings
            | SourceKind::DotnetProject
            | SourceKind::DotnetTestCode => {}
            SourceKind::GoLoadedEnv => {
                // viper and godotenv read `KEY=value`, `export KEY=value` and
                // `KEY: value`: no line of it is a parse error. A YAML file
                // (viper's `config/local.yml`) gives its scalars as dotted
                // keys (`database.url`)
                let settings = if file.path.ends_with(".yml") || file.path.ends_with(".yaml") {
                    go::yaml_settings(id, file)
                } else {
                    dotenv_env(id, file).0.settings
                };
                let dir = file.dir().to_string();
                crate::model::project_in(&mut ws.projects, &dir).go.loaded_env.push(DevDotenv {
                    file: id,
                    dir: dir.clone(),
                    settings,
                });
            }
            SourceKind::TaskRunner => {
                for t in task_runners::read(id, file) {
                    crate::model::project_in(&mut ws.projects, &t.dir).tasks.test_tasks.push(t);
                }
                for d in task_runners::make_databases(id, file) {
                    crate::model::project_in(&mut ws.projects, &d.project).tasks.databases.push(d);
                }
            }
            SourceKind::Codeception => {
                ws.envs.extend(php::codeception::read(id, file));
                let dir = file.dir().to_string();
                crate::model::project_in(&mut ws.projects, &dir)
                    .php
                    .codeception_param_dsns
                    .extend(php::codeception::param_dsns(id, file));
                if let Some(m) = php::codeception::laravel_module(id, file) {
                    crate::model::project_in(&mut ws.projects, &m.dir).php.codeception_laravel.push(m);
                }
            }
        }
        frameworks::detect(id, file, &mut ws.projects);
        usage::scan(id, file, &mut ws.projects);
    }
    for idx in 0..ws.files.len() {
        if ws.files[idx].kind == SourceKind::GitlabCi && !unreadable_ids.contains(&FileId(idx)) {
            let (envs, errs) = gitlab::parse(FileId(idx), &ws.files);
            issues.extend(errs);
            ws.envs.extend(envs);
        }
    }
    ci::annotate(&mut ws.envs);
    // a dotenv file is malformed only for the loaders that read it
    for d in dotenv_issues {
        let dir = ws.file(d.issue.span.file).dir().to_string();
        let keep = match dotenv_loader(&ws.projects, &dir) {
            DotenvLoader::Strict => true,
            DotenvLoader::SkipsBadLines => false,
            DotenvLoader::Other => !d.strict_only,
        };
        if keep {
            issues.push(d.issue);
        }
    }
    crate::resolve::python::pytest_configs(&mut ws, pytest_candidates);
    elixir::ecto_config::drop_unloaded(&mut ws);
    let writes: Vec<crate::model::ConfigWrite> = ws.config_writes().cloned().collect();
    for d in crate::resolve::ecto_settings(&writes) {
        ws.project_mut(&d.project.clone()).elixir.databases.push(d);
    }
    ruby::runs::build(&mut ws);
    ruby::runs::compose_pins(&mut ws);
    ruby::destruction::scan(&mut ws);
    elixir::destruction::scan(&mut ws);
    jvm::build(&mut ws);
    go::build(&mut ws);
    dotnet::build(&mut ws);
    // a Node package with tests marks every folder above it (monorepo workspaces)
    let node_dirs: Vec<String> = ws
        .projects
        .iter()
        .filter(|(_, c)| c.frameworks.node)
        .map(|(d, _)| d.clone())
        .collect();
    for d in node_dirs {
        for anc in crate::model::ancestors(&d) {
            ws.projects
                .entry(anc.to_string())
                .or_default()
                .node_tests_below = true;
        }
    }
    let pytest_dirs: Vec<String> = ws.pytest_configs().map(|c| c.dir.clone()).collect();
    let pytest_dirs: Vec<&str> = pytest_dirs.iter().map(String::as_str).collect();
    for i in 0..ws.envs.len() {
        let f = framework_for_env(&ws.projects, &pytest_dirs, &ws.envs[i]);
        ws.envs[i].frameworks = f;
    }
    python::invocation::apply(&mut ws);
    ruby::invocation::apply(&mut ws);
    // the Python application code, parsed once for every reader below
    let parsed_python = python::parsed::parse_all(&ws);
    python::django::build(&mut ws, &parsed_python);
    // test runs: each PHPUnit config of an app, with its chain of layers
    let mut projects: Vec<String> = doctrine_layouts.iter().map(|(p, _)| p.clone()).collect();
    projects.sort();
    projects.dedup();
    let doctrine: Vec<php::doctrine::DoctrineTest> = projects
        .into_iter()
        .map(|p| {
            let layouts: Vec<php::doctrine::Layout> = doctrine_layouts
                .iter()
                .filter(|(q, _)| *q == p)
                .map(|(_, l)| l.clone())
                .collect();
            php::doctrine::merge(p, &layouts)
        })
        .collect();
    for d in &doctrine {
        if d.url.is_some() {
            ws.projects
                .entry(d.project.clone())
                .or_default()
                .php
                .doctrine_url_vars = Some(d.url_vars.clone());
        }
        if d.dbname_suffix
            .as_ref()
            .is_some_and(|s| php::doctrine::suffix_is_test(&s.value))
        {
            ws.projects
                .entry(d.project.clone())
                .or_default()
                .php
                .symfony_test_dbname_suffix = true;
        }
    }
    php::database_config::lumen_dotenv(&mut ws);
    php::test_setup::scan(&mut ws);
    php::database_config::database_keys(&mut ws);
    php::runs::build(&mut ws, &doctrine);
    php::database_config::read(&mut ws);
    node::adonis::build(&mut ws);
    node::runs::build(&mut ws);
    // a Symfony test dotenv no PHPUnit run reads is still layered over `.env`
    inherit_symfony_dotenv(&mut ws);
    containers::collect(&mut ws);
    php::destruction::scan(&mut ws);
    python::conftest::scan(&mut ws, &parsed_python);
    python::invocation::test_code_reads(&mut ws);
    python::app_config::read(&mut ws, &parsed_python);
    python::pytest_dotenv::read(&mut ws);
    docs::read(&mut ws);
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

/// Symfony loads `.env`, then `.env.test` over it
/// (symfony.com/doc/current/configuration.html): a database
/// setting the test file leaves out is the one `.env` gives — the development
/// database, unless Doctrine's `dbname_suffix` changes it (the rules judge that).
/// Only database keys are inherited: `APP_ENV` comes from phpunit's `<server>`
/// before dotenv runs, and dotenv never overrides what is set.
fn inherit_symfony_dotenv(ws: &mut Workspace) {
    for i in 0..ws.envs.len() {
        let env = &ws.envs[i];
        if env.source != EnvSource::Dotenv || !env.frameworks.symfony {
            continue;
        }
        let Some(dev) = ws
            .dev_dotenvs
            .iter()
            .find(|d| d.dir == env.dir && ws.files[d.file.0].file_name() == ".env")
        else {
            continue;
        };
        let inherited: Vec<Setting> = dev
            .settings
            .iter()
            .filter(|s| crate::database::db_key_kind(&s.key.value, &[]).is_some())
            .filter(|s| !env.settings.iter().any(|t| t.key.value == s.key.value))
            .map(|s| Setting {
                via: Via::DotenvLayered,
                ..s.clone()
            })
            .collect();
        ws.envs[i].settings.extend(inherited);
    }
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

/// A syntax error of a dotenv file, and whether only strict loaders reject it
/// (`KEY: value`, which godotenv and compose accept).
pub(crate) struct DotenvIssue {
    issue: ParseIssue,
    strict_only: bool,
}

/// How the loaders that read a folder's dotenv files treat a line they
/// cannot parse.
enum DotenvLoader {
    /// phpdotenv (Laravel, Lumen) and Symfony Dotenv throw: the app does not boot.
    Strict,
    /// dotenv for Node (and Next.js, Vite), python-dotenv, pydantic-settings:
    /// the line is skipped (python-dotenv warns), the rest loads.
    SkipsBadLines,
    /// Anything else (godotenv, compose `env_file`, unknown): `KEY: value`
    /// and `export KEY=` parse, other broken lines fail.
    Other,
}

/// The loader of the nearest project above `dir`.
fn dotenv_loader(
    folders: &std::collections::BTreeMap<String, crate::model::Project>,
    dir: &str,
) -> DotenvLoader {
    let project = crate::model::ancestors(dir).find_map(|d| {
        folders
            .get(d)
            .filter(|c| c.php_root || c.node_root || c.python_root)
    });
    match project {
        Some(c) if c.php_root && (c.frameworks.laravel || c.frameworks.symfony || c.php.lumen) => {
            DotenvLoader::Strict
        }
        Some(c) if c.node_root || c.python_root => DotenvLoader::SkipsBadLines,
        _ => DotenvLoader::Other,
    }
}

/// A dotenv file as one test environment (for dev files: their settings).
pub(crate) fn dotenv_env(id: FileId, file: &SourceFile) -> (TestEnv, Vec<DotenvIssue>) {
    let parsed = dotenv::parse(&file.text);
    let settings = parsed
        .entries
        .iter()
        .cloned()
        .map(|e| Setting {
            key: Spanned::new(e.key, Span::new(id, e.key_range.start, e.key_range.end)),
            value: e.value,
            value_span: Span::new(id, e.value_range.start, e.value_range.end),
            verbatim: e.verbatim,
            // dotenv loaders never override a variable that is already set
            overridable: true,
            via: Via::Dotenv,
            unset: false,
            provenance: None,
            raw_offsets: None,
        })
        .collect();
    let colon_lines = parsed.entries.iter().filter(|e| e.colon).map(|e| DotenvIssue {
        issue: ParseIssue {
            span: Span::new(id, e.key_range.start, e.value_range.end.max(e.key_range.end)),
            message: "`KEY: value` is not dotenv syntax for phpdotenv or Symfony Dotenv, which refuse the file; write `KEY=value`".into(),
        },
        strict_only: true,
    });
    let mut issues: Vec<DotenvIssue> = colon_lines.collect();
    issues.extend(parsed.errors.into_iter().map(|e| DotenvIssue {
        issue: ParseIssue {
            span: Span::new(id, e.range.start, e.range.end),
            message: e.message,
        },
        strict_only: false,
    }));
    issues.sort_by_key(|d| d.issue.span.start);
    // `.env.ci` is loaded only on CI runners, whose databases are service
    // containers or the runner's own: a CI environment, not a developer's.
    // (`.env.ci`, and a file a CI script names, `tests/ci.test.env`)
    let ci_only = file
        .file_name()
        .split(['.', '-', '_'])
        .any(|w| w.eq_ignore_ascii_case("ci"));
    let runner = if ci_only {
        Runner::Ci(Box::new(crate::model::CiJob {
            job: format!("dotenv {}", file.file_name()),
            ..Default::default()
        }))
    } else {
        Runner::Local
    };
    let mut env = TestEnv::local(
        format!("test dotenv ({})", file.path),
        EnvSource::Dotenv,
        file,
        id,
        Span::new(id, 0, 0),
        settings,
    );
    env.runner = runner;
    (env, issues)
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
