//! Ecto: which configuration write decides a repository's setting in an
//! environment (Mix's evaluation order, hexdocs.pm/elixir/Config.html).

/// The effective Ecto repository settings of each project, environment,
/// repository and key (`url`, `database`), from Elixir's configuration
/// writes: the last write that runs in the environment wins (Mix evaluates
/// `config.exs`, the environment's file, then `runtime.exs`; a later key
/// wins, even `nil`). When that last write may not run, or may write any
/// key, what the key holds is not known.
///
/// An umbrella's root `config/` configures its apps too (its `config.exs`
/// imports theirs, and its own environment file and `runtime.exs` come
/// after them): a write of the root, or of any folder above an app, counts
/// for that app's repository, after the app's own writes of the same stage.
pub fn ecto_settings(
    writes: &[crate::model::ConfigWrite],
) -> Vec<crate::model::EnvironmentDatabase> {
    use crate::model::{DatabaseFramework, EnvTemplate, EnvironmentDatabase, Runs, is_within};
    let mut sorted: Vec<&crate::model::ConfigWrite> = writes.iter().collect();
    // load order: the stage, then deeper projects first, then the position
    sorted.sort_by(|a, b| {
        (a.order.0, std::cmp::Reverse(a.project.len()), a.order.1).cmp(&(
            b.order.0,
            std::cmp::Reverse(b.project.len()),
            b.order.1,
        ))
    });
    let mut out: Vec<EnvironmentDatabase> = Vec::new();
    for w in &sorted {
        let Some(key) = &w.key else { continue };
        for environment in ["test", "development"] {
            if out.iter().any(|d| {
                d.project == w.project
                    && d.environment == environment
                    && d.scope == w.scope
                    && d.key == *key
            }) {
                continue;
            }
            let runs = |x: &crate::model::ConfigWrite| match environment {
                "test" => x.runs_in_test,
                _ => x.runs_in_development,
            };
            let last = sorted.iter().rev().find(|x| {
                is_within(&w.project, &x.project)
                    && x.scope == w.scope
                    && x.key.as_ref().is_none_or(|k| k == key)
                    && runs(x) != Runs::No
            });
            let Some(last) = last else { continue };
            let value = if runs(last) == Runs::Yes && last.key.is_some() {
                last.value.clone()
            } else {
                EnvTemplate::Unknown
            };
            out.push(EnvironmentDatabase {
                framework: DatabaseFramework::Ecto,
                project: w.project.clone(),
                file: last.file,
                environment: environment.to_string(),
                scope: w.scope.clone(),
                key: key.clone(),
                value,
            });
        }
    }
    out
}
