//! Node packages whose test database lives only in a test script's
//! wrapper (`dotenv -e .env.test -- jest`, a CI step's variables): what
//! TG212 reports, and where TG302 then says nothing more. Shared by both
//! rules; not a rule itself.

use crate::database::db_key_kind;
use crate::model::run::{LayerKind, NodeRun, TestRun};
use crate::model::{Setting, Workspace, is_within};
use crate::source::{SourceKind, Span};

pub(super) enum SetBy<'w> {
    Script(&'w TestRun, Setting),
    Ci(Setting),
}

pub(super) struct Finding<'w> {
    pub key: String,
    pub set_by: SetBy<'w>,
    pub dev: &'w Setting,
    pub loader: String,
    pub runner_command: String,
    pub other_ways: &'static str,
    pub wipe: Option<Span>,
}

/// Packages whose test database lives only in the wrapper. Shared with
/// TG302, which stays silent where this fires.
pub(super) fn findings<'w>(ws: &'w Workspace, extra: &[String]) -> Vec<Finding<'w>> {
    let mut out = Vec::new();
    let mut dirs: Vec<&str> = ws.node_runs().map(|(r, _)| r.dir.as_str()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        let runs: Vec<(&TestRun, &NodeRun)> =
            ws.node_runs().filter(|(r, _)| r.dir == dir).collect();
        if runs.iter().any(|(_, n)| n.isolated.is_some())
            || ws
                .projects
                .get(dir)
                .is_some_and(|c| c.isolating_dependency.is_some())
            || ws.test_dotenv_dirs.iter().any(|(d, _)| is_within(d, dir))
        {
            continue;
        }
        let Some(loader) = runs.iter().find_map(|(_, n)| {
            n.dev_loader.as_ref().map(|(w, _)| w.clone()).or_else(|| {
                n.app_loads_dotenv
                    .as_ref()
                    .map(|d| format!("the app depends on `{d}`, which loads it"))
            })
        }) else {
            continue;
        };
        let dev_settings: Vec<&Setting> = ws
            .dev_dotenvs
            .iter()
            .filter(|d| d.dir == dir)
            .flat_map(|d| d.settings.iter())
            .filter(|s| db_key_kind(&s.key.value, extra).is_some())
            .collect();
        for dev in dev_settings {
            let key = dev.key.value.as_str();
            // the runner's own configuration sets it: a direct start is safe too
            let direct = runs.iter().any(|(r, n)| {
                r.layers.iter().enumerate().any(|(i, l)| {
                    !n.script_layers.contains(&i)
                        && l.kind != LayerKind::Caller
                        && l.file
                            .is_none_or(|f| ws.file(f).kind != SourceKind::DotenvDev)
                        && l.settings.iter().any(|s| s.key.value == key)
                })
            });
            if direct {
                continue;
            }
            let scripted = runs.iter().find_map(|(r, n)| {
                let s = r.decided(key).cloned()?;
                let i = r
                    .layers
                    .iter()
                    .position(|l| l.settings.iter().any(|x| x.value_span == s.value_span))?;
                // a development template the script loads (`dotenv -e .env.example`)
                // is no test database of its own
                let from_dev = r.layers[i]
                    .file
                    .is_some_and(|f| ws.file(f).kind == SourceKind::DotenvDev);
                (n.script_layers.contains(&i) && !from_dev && s.value != dev.value)
                    .then_some((*r, s))
            });
            let set_by = match scripted {
                Some((r, s)) => SetBy::Script(r, s),
                None => {
                    let ci = ws.envs.iter().find_map(|e| {
                        let job = e.ci()?;
                        let cmd = job.test_command.as_ref()?;
                        let node_cmd = ["npm", "yarn", "pnpm", "npx", "jest", "vitest", "mocha"]
                            .iter()
                            .any(|w| cmd.value.split_whitespace().any(|x| x == *w));
                        // a CI job works in its checkout's root unless it `cd`s
                        let job_dir = job
                            .commands
                            .iter()
                            .rev()
                            .find_map(|c| c.value.trim().strip_prefix("cd "))
                            .map_or("", |d| {
                                d.trim().trim_start_matches("./").trim_end_matches('/')
                            });
                        if !node_cmd || job_dir != dir {
                            return None;
                        }
                        e.get(key).filter(|s| !s.value.trim().is_empty()).cloned()
                    });
                    match ci {
                        Some(s) => SetBy::Ci(s),
                        None => continue,
                    }
                }
            };
            let runner = runs
                .first()
                .map_or("the runner", |(r, _)| r.runner.as_str());
            let wipe = match ws.wipe_evidence(dir) {
                crate::model::Wipe::Proven(d) => Some(d.span),
                _ => None,
            };
            out.push(Finding {
                key: key.to_string(),
                set_by,
                dev,
                loader: loader.clone(),
                runner_command: runner.to_string(),
                other_ways: "`npx`, an editor's test button, a shell without the CI variables",
                wipe,
            });
        }
    }
    out
}

/// The package folders TG212 reports: TG302 then says nothing more there.
pub(super) fn covered_dirs<'w>(ws: &'w Workspace, extra: &[String]) -> Vec<&'w str> {
    findings(ws, extra)
        .iter()
        .map(|f| ws.file(f.dev.key.span.file).dir())
        .collect()
}
