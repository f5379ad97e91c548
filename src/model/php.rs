//! PHP projects: what a Laravel, Lumen or Symfony app's own files say about
//! the database its test runs reach (`config/database.php`, Lumen's
//! bootstrap, Codeception suites, PHPUnit bootstrap code).

use crate::source::{FileId, Span};

use super::{ConfigValue, Setting};

/// A Laravel project's `config/database.php`: its default connection and
/// the connections it defines.
#[derive(Clone, Debug)]
pub struct LaravelDatabases {
    /// The project folder (holding `config/`).
    pub project: String,
    pub file: FileId,
    pub default: ConfigValue,
    pub connections: Vec<LaravelConnection>,
}

#[derive(Clone, Debug)]
pub struct LaravelConnection {
    pub name: String,
    pub name_span: Span,
    pub driver: ConfigValue,
    pub database: ConfigValue,
    pub url: ConfigValue,
}

/// Which dotenv file a Lumen app loads (`bootstrap/app.php`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LumenDotenv {
    /// `.env`: the skeleton's `LoadEnvironmentVariables(dirname(__DIR__))`,
    /// or no `bootstrap/app.php` read.
    #[default]
    Default,
    /// A literal second argument names another file.
    Named(String),
    /// The file name is computed in code: nothing is known.
    Code,
}

/// A Codeception suite's `Laravel` module: the app boots with
/// `environment_file` (default `.env`); `cleanup` (default true) wraps each
/// test in a transaction that is rolled back.
#[derive(Clone, Debug)]
pub struct CodeceptionLaravel {
    pub file: FileId,
    /// The module's entry (`- Laravel:`), where a finding points.
    pub module_span: Span,
    /// The folder of the suite file.
    pub dir: String,
    pub environment_file: String,
    pub environment_file_span: Option<Span>,
    pub cleanup: bool,
}

/// What one PHP test file sets up.
#[derive(Clone, Debug)]
pub struct PhpTestSetup {
    pub project: String,
    pub file: FileId,
    /// It is PHPUnit's bootstrap file (`tests/bootstrap.php`).
    pub bootstrap: bool,
    /// Top-level `putenv`/`$_ENV`/`$_SERVER` writes of a bootstrap file.
    pub env_writes: Vec<Setting>,
    /// `database.*` configuration set in code, with the call.
    pub config_sets: Vec<(String, Span)>,
    /// The bootstrap file clears or deletes the cached configuration.
    pub clears_config_cache: bool,
}

/// What a PHP project's files say about its test runs.
#[derive(Clone, Debug, Default)]
pub struct PhpProject {
    /// Symfony's `when@test: doctrine: dbal: dbname_suffix` gives tests their own database.
    pub symfony_test_dbname_suffix: bool,
    /// `bootstrap/cache/config.php` of a Laravel app (TG205).
    pub laravel_config_cache: Option<FileId>,
    /// `laravel/lumen-framework`: Lumen loads `.env` only.
    pub lumen: bool,
    /// `composer test` runs the suite in parallel (`artisan test --parallel`,
    /// ParaTest): each worker uses `{db}_test_{token}`.
    pub composer_test_parallel: bool,
    /// The file Lumen's `bootstrap/app.php` hands `LoadEnvironmentVariables`.
    pub lumen_dotenv: LumenDotenv,
    /// `"type": "symfony-bundle"`: its test kernel boots in `test` by default.
    pub symfony_bundle: bool,
    /// `codeigniter4/framework`: the tests use the `tests` database group.
    pub codeigniter4: bool,
    /// `codeigniter/framework` (3.x): the tests use `$active_group` of
    /// `application/config/{testing/,}database.php`.
    pub codeigniter3: bool,
    /// `cakephp/cakephp`: the tests use the `test` datasource of
    /// `config/app.php` and `config/app_local.php`.
    pub cakephp: bool,
    /// The variables the project's doctrine configuration (`config/packages/`)
    /// reads its connection from, when one was read.
    pub doctrine_url_vars: Option<Vec<String>>,
    /// A Laravel app: the environment variables its database configuration
    /// reads (`config/database.php`'s `env()` calls; else the framework's
    /// own file for the version the lock file names: `DB_URL` from Laravel
    /// 11, `DATABASE_URL` before). `None` when not known.
    pub laravel_database_keys: Option<Vec<String>>,
    /// Its `config/database.php`, read literally (where a run selects a
    /// connection of its own).
    pub laravel_databases: Option<LaravelDatabases>,
    /// Codeception suites that boot the Laravel app through the `Laravel` module.
    pub codeception_laravel: Vec<CodeceptionLaravel>,
    /// Codeception `Db`/`WPDb` modules that reload a dump into a database
    /// whose `dsn` names it by parameters (`%DB_NAME%`), which the suite's
    /// params loader decides: the file, the `dsn` and the module's name.
    pub codeception_param_dsns: Vec<(FileId, Span, String)>,
    /// The files its Codeception configuration's `params:` loads.
    pub codeception_params: Vec<String>,
    /// What its test code sets up before the tests (bootstrap env writes,
    /// `database.*` config switches).
    pub test_setup: Vec<PhpTestSetup>,
}
