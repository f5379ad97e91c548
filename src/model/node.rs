//! Node packages: the config modules, ORM files, compose overlays and e2e
//! servers that decide the database a package's test runs reach.

use crate::source::{FileId, Span};

use super::{ConfigValue, Setting};

/// A database setting of a Node `NODE_ENV=test` config module.
#[derive(Clone, Debug)]
pub struct NodeTestConfig {
    /// The package.
    pub project: String,
    pub file: FileId,
    /// The config key as written (`db`, `test.connection.database`).
    pub key: String,
    pub value: ConfigValue,
}

/// An ORM connection file's database, and whether it rewrites the schema.
#[derive(Clone, Debug)]
pub struct OrmConfig {
    pub project: String,
    pub file: FileId,
    /// "TypeORM", "Prisma".
    pub orm: &'static str,
    pub database: ConfigValue,
    /// `synchronize: true` / `dropSchema: true`, with where.
    pub rewrites_schema: Option<(&'static str, Span)>,
}

/// `docker-compose -f docker-compose.yml -f docker-compose.test.yml up` in a
/// script: the test service of the merged files, and the database settings
/// it takes from the files before the test overlay, whose host is a service
/// the test overlay does not redefine (the development stack's container).
#[derive(Clone, Debug)]
pub struct ComposeTestStack {
    /// The script's name (`docker:test`).
    pub script: String,
    pub script_span: Span,
    pub test_service: String,
    /// The test service's `command` in the test overlay.
    pub command: Span,
    pub shared: Vec<Setting>,
}

/// A config keyed by `NODE_ENV` (`development:`, `test:`): a run that leaves
/// `NODE_ENV` unset gets `development` (knex, sequelize-cli, and the
/// `config[process.env.NODE_ENV || 'development']` idiom).
#[derive(Clone, Debug)]
pub struct NodeEnvKeyedConfig {
    pub project: String,
    pub file: FileId,
    /// The `development` key.
    pub development: Span,
}

/// A Playwright `webServer` command that starts a Node package's app with
/// no test environment of its own.
#[derive(Clone, Debug)]
pub struct E2eServer {
    pub config: FileId,
    /// The command string.
    pub command: Span,
    /// The package whose app it starts.
    pub served_dir: String,
    /// `reuseExistingServer`, unless literally `false`.
    pub reuse: Option<Span>,
}

/// What a Node package's files say about its test runs.
#[derive(Clone, Debug, Default)]
pub struct NodeProject {
    /// `@adonisjs/core`: `node ace test` layers `.env.test` over `.env`.
    pub adonis: bool,
    /// Config modules a `NODE_ENV=test` run selects, with the database
    /// settings they read (`config/env/test.js`).
    pub test_configs: Vec<NodeTestConfig>,
    /// ORM connection files (TypeORM `ormconfig.*`) and what they name.
    pub orm_configs: Vec<OrmConfig>,
    /// Compose test overlays a script starts in the development project.
    pub compose_test_stacks: Vec<ComposeTestStack>,
    /// Configs keyed by `NODE_ENV` (knexfile, Sequelize config) that have a
    /// `development` block.
    pub env_keyed_configs: Vec<NodeEnvKeyedConfig>,
    /// Servers Playwright's `webServer` starts (or reuses) for the e2e suite.
    pub e2e_servers: Vec<E2eServer>,
}
