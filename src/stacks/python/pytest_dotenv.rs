//! pytest-dotenv: a pytest plugin that loads dotenv files into `os.environ`
//! before any test module is imported (`pytest_load_initial_conftests`,
//! `tryfirst`). Its ini options (pytest-dotenv 0.5.2, `pytest_dotenv/plugin.py`):
//!
//! - `env_files`, a line list, default `[".env"]`: merely installing the
//!   plugin loads `.env`. Each file is found with python-dotenv's
//!   `find_dotenv(filename, usecwd=True)`: the working folder, then each
//!   folder above it;
//! - `env_override_existing_values`, default false: `load_dotenv(path,
//!   override=…)`, so by default a variable already exported wins, and an
//!   earlier file's value beats a later one's.
//!
//! pytest-env's entries (`env = DATABASE_URL=…`) are written whatever is
//! set, so they beat these files. What a development `.env` gives the run is
//! recorded as the run's value (a production name or host there is judged)
//! and as a settings object loading `.env` (TG302: the development database
//! reaches the tests).

use crate::model::{EnvSource, PythonDotenvSettings, Setting, TestEnv, Via, Workspace, ancestors};
use crate::source::{FileId, SourceKind, Span};

/// Where a dependency manifest's text names pytest-dotenv, as a whole name.
fn plugin_named_at(text: &str) -> Option<usize> {
    // most manifests name no dotenv at all: no copy of their text then
    if !text.contains("otenv") && !text.contains("OTENV") {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    ["pytest-dotenv", "pytest_dotenv"].iter().find_map(|name| {
        lower.match_indices(name).map(|(at, _)| at).find(|&at| {
            !lower[..at].chars().next_back().is_some_and(word)
                && !lower[at + name.len()..].chars().next().is_some_and(word)
        })
    })
}

/// Every dependency manifest (a requirements file, `pyproject.toml`,
/// `setup.cfg`) that declares pytest-dotenv: the project folder it
/// describes, and where it names the plugin.
fn declarations(ws: &Workspace) -> Vec<(&str, Span)> {
    ws.files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let manifest = match f.kind {
                SourceKind::PyprojectToml | SourceKind::SetupCfg => true,
                SourceKind::FrameworkMarker => f.file_name().starts_with("requirements"),
                _ => false,
            };
            if !manifest {
                return None;
            }
            let at = plugin_named_at(&f.text)?;
            let owner = match f.dir().rsplit_once('/') {
                Some((parent, "requirements")) => parent,
                None if f.dir() == "requirements" => "",
                _ => f.dir(),
            };
            Some((owner, Span::new(FileId(i), at, at + "pytest-dotenv".len())))
        })
        .collect()
}

/// The dotenv file `find_dotenv(name, usecwd=True)` finds from `dir`.
fn find_dotenv(ws: &Workspace, dir: &str, name: &str) -> Option<FileId> {
    let name = name.trim_start_matches("./");
    ancestors(dir).find_map(|d| {
        let path = crate::paths::join(d, name);
        ws.file_id(&path)
    })
}

pub fn read(ws: &mut Workspace) {
    let declared_by = declarations(ws);
    let configured = ws.pytest_configs().any(|c| c.dotenv_files.is_some());
    if declared_by.is_empty() && !configured {
        return;
    }
    let mut envs = Vec::new();
    let mut loaders = Vec::new();
    for c in ws.pytest_configs().filter(|c| c.shadowed_by.is_none()) {
        let declared = declared_by
            .iter()
            .find(|(owner, _)| ancestors(&c.dir).any(|a| a == *owner))
            .map(|(_, at)| *at);
        // the options say the plugin is in use even where its manifest is not read
        let files: Vec<(String, Span)> = match (&c.dotenv_files, declared) {
            (Some(files), _) => files.clone(),
            (None, Some(at)) => vec![(".env".to_string(), at)],
            (None, None) => continue,
        };
        // pytest-env's own entries are written whatever is set
        let set_by_pytest_env = |key: &str| {
            c.settings
                .iter()
                .any(|s| matches!(s.via, Via::PytestEnv { .. }) && s.key.value == key)
        };
        let config_path = ws.file(c.file).path.clone();
        let mut settings: Vec<Setting> = Vec::new();
        // in load order; without override the first file's value stays
        let ordered: Vec<&(String, Span)> = if c.dotenv_override {
            files.iter().rev().collect()
        } else {
            files.iter().collect()
        };
        for (name, at) in ordered {
            let Some(id) = find_dotenv(ws, &c.dir, name) else {
                continue;
            };
            let f = ws.file(id);
            let dev = f.kind == SourceKind::DotenvDev;
            let Some(dotenv) = ws.dev_dotenvs.iter().find(|d| d.file == id) else {
                // a test dotenv is judged as its own test environment
                continue;
            };
            let mut keys = Vec::new();
            for s in &dotenv.settings {
                if crate::database::db_key_kind(&s.key.value, &[]).is_none()
                    || set_by_pytest_env(&s.key.value)
                    || settings.iter().any(|x| x.key.value == s.key.value)
                {
                    continue;
                }
                keys.push(s.key.value.clone());
                settings.push(Setting {
                    via: Via::DevDotenvLoaded,
                    overridable: !c.dotenv_override,
                    ..s.clone()
                });
            }
            if dev && f.file_name() == ".env" && !keys.is_empty() {
                loaders.push(PythonDotenvSettings {
                    project: super::app_config::project_of(ws, &c.dir),
                    what: "pytest-dotenv".into(),
                    env_file: ".env".into(),
                    env_file_span: *at,
                    keys,
                    module: None,
                });
            }
        }
        if !settings.is_empty() {
            let file = ws.file(c.file);
            let mut env = TestEnv::local(
                format!("pytest with pytest-dotenv ({config_path})"),
                EnvSource::TestRun,
                file,
                c.file,
                c.section,
                settings,
            );
            env.frameworks = ws.frameworks_of(&c.dir);
            envs.push(env);
        }
    }
    ws.envs.extend(envs);
    for l in loaders {
        ws.project_mut(&l.project.clone())
            .python
            .dotenv_settings
            .push(l);
    }
}

#[cfg(test)]
mod tests {
    use super::plugin_named_at;

    #[test]
    fn the_plugin_is_named_as_a_whole() {
        assert_eq!(
            plugin_named_at("pytest==8.0\npytest-dotenv==0.5.2\n"),
            Some(12)
        );
        assert_eq!(plugin_named_at("dev = [\"pytest_dotenv>=0.5\"]"), Some(8));
        assert_eq!(plugin_named_at("pytest-dotenv-extras==1\n"), None);
        assert_eq!(plugin_named_at("python-dotenv==1.0\n"), None);
    }
}
