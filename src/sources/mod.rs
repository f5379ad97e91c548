//! Turns recognised files into the model. Each format lives in its own file and
//! knows nothing of rules: malformed input becomes a [`ParseIssue`] that the
//! parse-error rule reports.

pub mod dotenv;
pub mod frameworks;
pub mod ini;
pub mod phpunit;
pub mod pytest;
pub mod toml;
pub mod tox;

use crate::model::{DevDotenv, EnvSource, Runner, Setting, TestEnv, Via, Workspace};
use crate::source::{FileId, SourceFile, SourceKind, Span, Spanned};

/// A file that is malformed, with the span of the fault.
#[derive(Clone, Debug)]
pub struct ParseIssue {
    pub span: Span,
    pub message: String,
}

/// A recognised file that could not be read (permission, encoding, size).
#[derive(Clone, Debug)]
pub struct Unreadable {
    pub file: FileId,
    pub reason: String,
}

/// Builds the whole model from the files read by discovery.
pub fn build(
    files: Vec<SourceFile>,
    unreadable: Vec<Unreadable>,
) -> (Workspace, Vec<ParseIssue>, Vec<Unreadable>) {
    let mut ws = Workspace {
        files,
        ..Workspace::default()
    };
    let mut issues = Vec::new();
    let unreadable_ids: Vec<FileId> = unreadable.iter().map(|u| u.file).collect();
    let mut pytest_candidates = Vec::new();
    for idx in 0..ws.files.len() {
        let id = FileId(idx);
        if unreadable_ids.contains(&id) {
            continue;
        }
        let file = &ws.files[idx];
        match file.kind {
            SourceKind::DotenvTest => {
                let (env, errs) = dotenv_env(id, file);
                issues.extend(errs);
                ws.test_dotenv_dirs.push((file.dir().to_string(), id));
                ws.envs.push(env);
            }
            SourceKind::DotenvDev => {
                let (env, errs) = dotenv_env(id, file);
                issues.extend(errs);
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
                let (envs, errs) = phpunit::parse(id, file);
                issues.extend(errs);
                ws.envs.extend(envs);
            }
            SourceKind::ComposerJson
            | SourceKind::PackageJson
            | SourceKind::FrameworkMarker
            | SourceKind::DoctrineYaml
            | SourceKind::LaravelConfigCache => {}
        }
        frameworks::detect(id, file, &mut ws.folders);
    }
    pytest::resolve_precedence(&mut ws, pytest_candidates);
    for i in 0..ws.envs.len() {
        let f = framework_for_env(&ws.folders, &ws.envs[i]);
        ws.envs[i].frameworks = f;
    }
    crate::mask::mask_workspace(&mut ws);
    (ws, issues, unreadable)
}

fn framework_for_env(
    folders: &std::collections::BTreeMap<String, crate::model::FolderContext>,
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
        f.node = c.frameworks.node;
    }
    f.django = ancestors(&env.dir).any(|d| folders.get(d).is_some_and(|c| c.frameworks.django));
    // Django projects keep `manage.py` below the folder of their pytest/tox
    // config (`backend/pytest.ini`, `backend/src/app/manage.py`).
    if matches!(env.source, EnvSource::Pytest | EnvSource::Tox) && !f.django {
        f.django = folders.iter().any(|(d, c)| {
            c.has_manage_py
                && d != &env.dir
                && is_within(d, &env.dir)
                && depth_below(d, &env.dir) <= 3
        });
    }
    f
}

fn depth_below(dir: &str, anc: &str) -> usize {
    let rest = if anc.is_empty() {
        dir
    } else {
        dir.get(anc.len()..).unwrap_or("")
    };
    rest.split('/').filter(|s| !s.is_empty()).count()
}

/// A dotenv file as one test environment (for dev files: their settings).
fn dotenv_env(id: FileId, file: &SourceFile) -> (TestEnv, Vec<ParseIssue>) {
    let parsed = dotenv::parse(&file.text);
    let settings = parsed
        .entries
        .into_iter()
        .map(|e| Setting {
            key: Spanned::new(e.key, Span::new(id, e.key_range.start, e.key_range.end)),
            value: e.value,
            value_span: Span::new(id, e.value_range.start, e.value_range.end),
            verbatim: e.verbatim,
            // dotenv loaders never override a variable that is already set
            overridable: true,
            via: Via::Dotenv,
            unset: false,
        })
        .collect();
    let issues = parsed
        .errors
        .into_iter()
        .map(|e| ParseIssue {
            span: Span::new(id, e.range.start, e.range.end),
            message: e.message,
        })
        .collect();
    let env = TestEnv {
        name: format!("test dotenv ({})", file.path),
        source: EnvSource::Dotenv,
        runner: Runner::Local,
        file: id,
        dir: file.dir().to_string(),
        frameworks: Default::default(),
        anchor: Span::new(id, 0, 0),
        settings,
    };
    (env, issues)
}
