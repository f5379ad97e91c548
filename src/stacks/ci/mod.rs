//! CI pipelines: which jobs and steps run tests, and the environment each one
//! hands them (GitHub Actions, GitLab CI). The CI job is the caller of the test
//! run: its variables are the top of the run's chain of layers.

mod commands;
pub mod github;
pub mod gitlab;
pub mod reads;

pub use commands::*;

/// What the commands of each CI test job do before its tests: the last
/// `artisan config:cache` (or `optimize`) that no later command clears.
pub fn annotate(envs: &mut [crate::model::TestEnv]) {
    for env in envs {
        let crate::model::Runner::Ci(ci) = &mut env.runner else {
            continue;
        };
        let mut cached = None;
        for cmd in &ci.commands {
            if caches_laravel_config(&cmd.value) {
                cached = Some(cmd.span);
            } else if clears_laravel_config(&cmd.value) {
                cached = None;
            }
        }
        ci.caches_laravel_config = cached;
        if let Some(cmd) = &ci.test_command {
            let words: Vec<std::ffi::OsString> = crate::syntax::shell::texts(&cmd.value)
                .into_iter()
                .map(Into::into)
                .collect();
            if let Some(r) = crate::stacks::runners::recognise(&words) {
                ci.test_family = Some(r.family);
                ci.test_runner = Some(r.runner);
            }
        }
    }
}
