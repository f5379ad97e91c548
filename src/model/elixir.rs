//! Elixir projects: the Ecto repositories' configuration writes, in Mix's
//! evaluation order.

use crate::source::FileId;

use super::EnvTemplate;

/// One write of an Elixir configuration (`config :app, Repo, key: value`),
/// placed in the order Mix evaluates the files for an environment:
/// `config.exs` up to its `import_config`, the environment's file
/// (`test.exs`, `dev.exs`), the rest of `config.exs`, then `runtime.exs`,
/// which runs in every environment (hexdocs.pm/elixir/Config.html). Keyword
/// lists deep-merge and a later key wins, even `nil`.
#[derive(Clone, Debug)]
pub struct ConfigWrite {
    pub project: String,
    pub file: FileId,
    /// The file's place in the load order, then the write's within it.
    pub order: (u8, usize),
    /// Whether it runs for `test` and for `development`.
    pub runs_in_test: Runs,
    pub runs_in_development: Runs,
    /// The repository (`MyApp.Repo`).
    pub scope: String,
    /// The key written; `None` for an argument that may write any key
    /// (`config :app, Repo, repo_config`).
    pub key: Option<String>,
    pub value: EnvTemplate,
}

/// Whether a configuration write runs in an environment: it stands in a
/// block whose condition decides (`if config_env() == :prod do`), or one
/// whose condition is not known (`case System.get_env("X") do`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runs {
    Yes,
    No,
    Maybe,
}

/// What an Elixir project's configuration says about its Ecto repositories.
#[derive(Clone, Debug, Default)]
pub struct ElixirProject {
    /// Configuration writes of Ecto repositories, in no order: the
    /// effective settings of `databases` are resolved from them.
    pub config_writes: Vec<ConfigWrite>,
    /// Each repository's effective database setting in `test` and `development`.
    pub databases: Vec<super::EnvironmentDatabase>,
}
