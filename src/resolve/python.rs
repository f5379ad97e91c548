//! pytest and pytest-django: which configuration file pytest reads in a
//! folder, and which settings module wins among the places that name one.

use crate::model::{EnvSource, PytestConfig, TestEnv, Via, Workspace};

/// Where a settings-module setting stands in pytest-django's precedence
/// (higher wins): `--ds` > pytest-env without `D:` (written before
/// pytest-django reads the environment) > the caller's environment >
/// pytest-env `D:` and dotenv (they yield to what is exported) > the ini
/// key (pytest-django `plugin.py`, `_get_option_with_source`).
pub fn settings_module_rank(via: Via) -> u8 {
    match via {
        Via::PytestDsOption | Via::ToxCommandOption => 5,
        Via::PytestEnv { skip_if_set: false } | Via::ToxSetenv => 4,
        Via::Caller => 3,
        Via::PytestEnv { skip_if_set: true }
        | Via::Dotenv
        | Via::DotenvLayered
        | Via::DevDotenvLoaded => 2,
        _ => 1,
    }
}

/// The keys whose value is a Django settings module or configuration class.
const SETTINGS_KEYS: &[&str] = &["DJANGO_SETTINGS_MODULE", "DJANGO_CONFIGURATION"];

/// Orders the settings-module settings of each Python test environment by
/// pytest-django's precedence, so that the last of a key is the one that
/// wins (what [`TestEnv::get`] returns): the ones of every other key keep
/// their places.
pub fn order_settings_modules(ws: &mut Workspace) {
    for env in &mut ws.envs {
        let python = matches!(
            env.source,
            EnvSource::Pytest | EnvSource::Tox | EnvSource::FrameworkConfig | EnvSource::TestRun
        );
        if !python {
            continue;
        }
        order_env(env);
    }
}

fn order_env(env: &mut TestEnv) {
    let slots: Vec<usize> = (0..env.settings.len())
        .filter(|&i| SETTINGS_KEYS.iter().any(|k| env.settings[i].key_is(k)))
        .collect();
    if slots.len() < 2 {
        return;
    }
    let mut ranked: Vec<_> = slots.iter().map(|&i| env.settings[i].clone()).collect();
    // stable: among equal ranks, the later one still wins
    ranked.sort_by_key(|s| settings_module_rank(s.via));
    for (slot, s) in slots.into_iter().zip(ranked) {
        env.settings[slot] = s;
    }
}

/// pytest reads only the first matching file of a folder, in its search
/// order (`pytest.toml`, `.pytest.toml`, `pytest.ini`, `.pytest.ini`,
/// `pyproject.toml`, `tox.ini`, `setup.cfg`): each candidate is marked with
/// the file that shadows it, and the one read becomes a test environment.
pub fn pytest_configs(ws: &mut Workspace, mut configs: Vec<PytestConfig>) {
    configs.sort_by(|a, b| (a.dir.as_str(), a.rank).cmp(&(b.dir.as_str(), b.rank)));
    let mut active: Option<(String, crate::source::FileId)> = None;
    for c in &mut configs {
        match &active {
            Some((dir, file)) if *dir == c.dir => c.shadowed_by = Some(*file),
            _ => {
                active = Some((c.dir.clone(), c.file));
                let f = ws.file(c.file);
                let name = format!("pytest ({} {})", f.path, c.section_name);
                let env = TestEnv::local(
                    name,
                    EnvSource::Pytest,
                    f,
                    c.file,
                    c.section,
                    c.settings.clone(),
                );
                ws.envs.push(env);
            }
        }
    }
    for c in configs {
        ws.project_mut(&c.dir.clone()).python.pytest_configs.push(c);
    }
}
