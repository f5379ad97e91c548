//! CI pipelines: which jobs and steps run tests, and the environment each one
//! hands them (GitHub Actions, GitLab CI). The CI job is the caller of the test
//! run: its variables are the top of the run's chain of layers.

mod commands;
pub mod github;
pub mod gitlab;

pub use commands::*;
