//! `testguard run` of a Python test command: the settings module the caller
//! exports takes part in pytest-django's precedence (`--ds` > the
//! environment > the ini key; pytest-env entries without `D:` write the
//! environment before pytest-django reads it), and
//! `manage.py test` reads it through `os.environ.setdefault` (the exported
//! value wins over manage.py's default).

use crate::model::{EnvSource, Runner, RunnerFamily, TestEnv, Workspace, ancestors};

const MODULE_KEYS: [&str; 2] = ["DJANGO_SETTINGS_MODULE", "DJANGO_CONFIGURATION"];

/// Adds the caller's settings module to the configuration pytest reads for
/// the invoked folder, or, for `manage.py test` and a folder with no pytest
/// configuration, to an environment of its own. A module named on the
/// command line (`--ds`, `--settings`) decides alone.
pub fn apply(ws: &mut Workspace) {
    let Some(inv) = ws.invocation.clone() else {
        return;
    };
    // tox hands its environments only PATH, a few system variables and its
    // `passenv` list (tox 4): the caller's settings module does not reach them
    if inv.family != RunnerFamily::Python || inv.settings_module.is_some() || inv.program == "tox" {
        return;
    }
    let exported: Vec<_> = inv
        .caller
        .iter()
        .filter(|s| MODULE_KEYS.contains(&s.key.value.as_str()))
        .cloned()
        .collect();
    if exported.is_empty() {
        return;
    }
    // the configuration pytest picks: the nearest one at or above the folder
    let named = inv.config.as_deref().and_then(|path| {
        ws.pytest_configs()
            .find(|c| ws.file(c.file).path == path)
            .map(|c| c.file)
    });
    let config = if inv.program == "manage.py" {
        None
    } else if named.is_some() {
        // `pytest -c FILE`
        named
    } else {
        ancestors(&inv.dir).find_map(|d| {
            ws.pytest_configs()
                .find(|c| c.dir == d && c.shadowed_by.is_none())
                .map(|c| c.file)
        })
    };
    let target = config.and_then(|file| {
        ws.envs
            .iter()
            .position(|e| e.source == EnvSource::Pytest && e.file == file)
    });
    match target {
        Some(i) => ws.envs[i].settings.extend(exported),
        None => {
            if let Some(layer) = ws.caller_test_env(exported) {
                ws.envs.push(layer);
            }
        }
    }
}

/// `testguard run` of a Python suite whose fixtures take a database from the
/// environment with no default (`os.environ["DATABASE_URL"]` in a
/// conftest): what the caller exports under that name is the suite's
/// database, judged like any test environment's.
pub fn test_code_reads(ws: &mut Workspace) {
    let Some(inv) = ws.invocation.clone() else {
        return;
    };
    if inv.family != RunnerFamily::Python || inv.program == "tox" {
        return;
    }
    let mut envs = Vec::new();
    for read in ws.test_code_env_reads() {
        let in_scope = crate::model::is_within(&inv.dir, &read.project)
            || crate::model::is_within(&read.project, &inv.dir);
        if !in_scope || crate::database::db_key_kind(&read.key, &[]).is_none() {
            continue;
        }
        let Some(exported) = ws.caller_setting(&read.key) else {
            continue;
        };
        envs.push(TestEnv {
            name: format!("the suite's fixtures ({})", ws.file(read.span.file).path),
            source: EnvSource::TestRun,
            runner: Runner::Local,
            file: read.span.file,
            dir: read.project.clone(),
            frameworks: crate::model::Frameworks::default(),
            anchor: read.span,
            settings: vec![exported.clone()],
            commented_out: Vec::new(),
        });
    }
    ws.envs.extend(envs);
}
