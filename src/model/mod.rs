//! The common model every source is parsed into and every rule looks at.

use std::collections::BTreeMap;

pub mod dotnet;
pub mod jvm;
pub mod run;

use crate::database::{DatabaseRef, DbKeyKind, contains_reference};
use crate::source::{FileId, SourceFile, Span, Spanned};

pub use run::{
    Invocation, Layer, LayerKind, Provenance, RunFramework, RunnerFamily, TestRun, Write,
};

/// How a setting reaches the test run; decides whether the caller's
/// environment can override it and how a message names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// `KEY=value` in a dotenv file (dotenv never overrides what is already set).
    Dotenv,
    /// A `.env` assignment that a test dotenv inherits: Symfony layers
    /// `.env.test` over `.env`, so a key `.env.test` leaves out comes from `.env`.
    DotenvLayered,
    /// A development dotenv file (`.env`) that the test run itself loads
    /// and that decides its value: Laravel's fall-back to `.env`, `dotenv -e
    /// .env`, `dotenv/config` in a setup file, Prisma's own loader. That the
    /// tests use the development configuration is the fall-back's own
    /// finding (TG206, TG302); what the value says about itself (a
    /// production name or host, a remote server) is judged like any other.
    DevDotenvLoaded,
    /// PHPUnit `<env>`; `force` says whether it overwrites the real environment.
    PhpunitEnv { force: bool },
    /// PHPUnit `<server>`: always written into `$_SERVER`.
    PhpunitServer,
    /// An ini/TOML key of pytest's own config (`DJANGO_SETTINGS_MODULE = …`).
    PytestIniKey,
    /// `--ds=` in pytest's `addopts`: beats every other source.
    PytestDsOption,
    /// A pytest-env entry; `skip_if_set` is its `D:` flag (or `skip_if_set = true`).
    PytestEnv { skip_if_set: bool },
    /// tox `setenv` / `set_env`.
    ToxSetenv,
    /// `--ds=`/`--settings=` on a tox `commands` line.
    ToxCommandOption,
    /// A CI variable (`env:` in GitHub Actions, `variables:` in GitLab CI).
    CiVariable,
    /// A framework's own configuration file (doctrine.yaml's `url:`).
    FrameworkConfig,
    /// `testguard run`: a variable exported in the environment the test
    /// command starts from.
    Caller,
}

impl Via {
    /// Where a settings-module setting stands in pytest-django's precedence
    /// (higher wins): `--ds` > pytest-env without `D:` (written before
    /// pytest-django reads the environment) > the caller's environment >
    /// pytest-env `D:` and dotenv (they yield to what is exported) > the ini
    /// key.
    pub fn settings_module_rank(self) -> u8 {
        match self {
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

    pub fn describe(self) -> &'static str {
        match self {
            Via::Dotenv => "dotenv assignment",
            Via::DotenvLayered => ".env assignment the test dotenv inherits",
            Via::DevDotenvLoaded => "development dotenv file the test run loads",
            Via::PhpunitEnv { .. } => "PHPUnit <env>",
            Via::PhpunitServer => "PHPUnit <server>",
            Via::PytestIniKey => "pytest ini key",
            Via::PytestDsOption => "pytest --ds option",
            Via::PytestEnv { .. } => "pytest-env entry",
            Via::ToxSetenv => "tox setenv",
            Via::ToxCommandOption => "tox command option",
            Via::CiVariable => "CI variable",
            Via::FrameworkConfig => "framework configuration",
            Via::Caller => "your environment",
        }
    }
}

/// One `KEY = value` a test run receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub key: Spanned<String>,
    /// The value as the framework sees it (quotes removed, escapes and
    /// entities decoded).
    pub value: String,
    /// Where the value is written (inside the quotes).
    pub value_span: Span,
    /// The raw text at `value_span` equals `value`, so byte ranges inside the
    /// value map 1:1 onto the file (false after escapes or entities).
    pub verbatim: bool,
    /// Whether the caller's environment wins over this setting.
    pub overridable: bool,
    pub via: Via,
    /// A pytest-env `U:` entry or `unset = true`: removes the variable.
    pub unset: bool,
    /// In a resolved test run: the layer that decided this value and what it
    /// beat (`None` for a setting judged on its own).
    pub provenance: Option<Box<Provenance>>,
    /// For a value that is not verbatim but decodes from its raw text byte
    /// by byte (XML entities, backslash escapes): where each byte of `value`
    /// starts in the raw text (relative to `value_span.start`), and one more
    /// entry for its end. A secret or a database name inside it is then
    /// pointed at exactly, not the whole value.
    pub raw_offsets: Option<std::sync::Arc<[usize]>>,
}

impl Setting {
    /// A span for a byte range inside the value: exact when the value is
    /// verbatim, otherwise the whole value.
    pub fn value_sub_span(&self, range: std::ops::Range<usize>) -> Span {
        if self.verbatim && range.end <= self.value_span.len() {
            return self.value_span.sub(range.start, range.end);
        }
        if let Some(map) = &self.raw_offsets
            && let (Some(&start), Some(&end)) = (map.get(range.start), map.get(range.end))
            && start <= end
            && end <= self.value_span.len()
        {
            return self.value_span.sub(start, end);
        }
        self.value_span
    }

    /// The value is a runtime reference (`${X}`, `$X`, `%env(X)%`, `${{ … }}`).
    pub fn is_reference(&self) -> bool {
        contains_reference(&self.value)
    }

    pub fn key_is(&self, k: &str) -> bool {
        self.key.value.eq_ignore_ascii_case(k)
    }
}

/// A database setting with its parsed reference.
#[derive(Clone, Debug)]
pub struct DbSetting<'a> {
    pub setting: &'a Setting,
    pub kind: DbKeyKind,
    pub db: DatabaseRef,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Frameworks {
    pub django: bool,
    pub laravel: bool,
    pub symfony: bool,
    pub node: bool,
}

impl Frameworks {
    pub fn union(self, o: Frameworks) -> Frameworks {
        Frameworks {
            django: self.django || o.django,
            laravel: self.laravel || o.laravel,
            symfony: self.symfony || o.symfony,
            node: self.node || o.node,
        }
    }

    pub fn names(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.django {
            v.push("django");
        }
        if self.laravel {
            v.push("laravel");
        }
        if self.symfony {
            v.push("symfony");
        }
        if self.node {
            v.push("node");
        }
        v
    }
}

/// Where a test environment comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvSource {
    Pytest,
    Tox,
    Dotenv,
    Phpunit,
    GithubActions,
    GitlabCi,
    /// A resolved test run: the values its dotenv and framework layers decide
    /// (see [`TestRun`]).
    TestRun,
    /// What a framework's own configuration code decides for a run (a
    /// Django settings module's `DATABASES`).
    FrameworkConfig,
}

/// Who runs the tests: a developer's machine, or a CI job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runner {
    Local,
    Ci(Box<CiJob>),
}

/// What a CI job adds to its test environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CiJob {
    pub job: String,
    pub step: Option<String>,
    /// The deployment environment the job is bound to (`environment:`).
    pub deployment: Option<Spanned<String>>,
    /// The job's shell commands in order, up to and including the test command.
    pub commands: Vec<Spanned<String>>,
    /// The command that runs the tests (the last of `commands`).
    pub test_command: Option<Spanned<String>>,
    /// Host names of the job's service containers (their names and aliases).
    pub services: Vec<String>,
    /// Dotenv files an earlier job copied over the `.env` this job's tests
    /// read, in a folder outside the checkout both jobs `cd` into (a shell
    /// runner's deploy folder): the run gets that file's values.
    pub env_file_copies: Vec<EnvFileCopy>,
}

/// `cp .env.deploy .env` in job `by_job`, in the folder a later test job
/// runs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFileCopy {
    pub by_job: String,
    /// The copied file, relative to the scan root.
    pub from: String,
    /// The command.
    pub span: Span,
    /// The folder both jobs work in, as the scripts write it.
    pub folder: String,
    /// The copied file's settings.
    pub settings: Vec<Setting>,
}

/// One place where a test run gets its environment.
#[derive(Clone, Debug)]
pub struct TestEnv {
    /// For humans: `pytest (pytest.ini)`, `tox [testenv:py312]`, `PHPUnit (phpunit.xml)`.
    pub name: String,
    pub source: EnvSource,
    pub runner: Runner,
    pub file: FileId,
    /// The folder of the file (relative to the scan root).
    pub dir: String,
    pub frameworks: Frameworks,
    /// The section, element or file that holds the settings; where a finding
    /// about a missing setting points.
    pub anchor: Span,
    pub settings: Vec<Setting>,
    /// Settings that are present only inside comments (`<!-- <env …/> -->`):
    /// they set nothing, and a finding about a missing setting points at them.
    pub commented_out: Vec<Setting>,
}

impl TestEnv {
    /// A test environment a developer's machine runs, read from `file`.
    pub fn local(
        name: String,
        source: EnvSource,
        file: &SourceFile,
        id: FileId,
        anchor: Span,
        settings: Vec<Setting>,
    ) -> TestEnv {
        TestEnv {
            name,
            source,
            runner: Runner::Local,
            file: id,
            dir: file.dir().to_string(),
            frameworks: Frameworks::default(),
            anchor,
            settings,
            commented_out: Vec::new(),
        }
    }

    /// Whether a database this environment reaches on `host` is ephemeral: a CI
    /// runner's own or service-container database. Its *name* cannot
    /// lose data; a remote host still can.
    pub fn ephemeral_db(&self, host: Option<&str>, extra_local: &[String]) -> bool {
        match &self.runner {
            Runner::Ci(ci) => host.is_none_or(|h| {
                crate::database::is_local_host(h, extra_local)
                    || ci.services.iter().any(|s| s.eq_ignore_ascii_case(h))
            }),
            Runner::Local => false,
        }
    }

    /// The CI job, when a CI runner runs this environment.
    pub fn ci(&self) -> Option<&CiJob> {
        match &self.runner {
            Runner::Ci(ci) => Some(ci),
            Runner::Local => None,
        }
    }

    /// The last active setting of a key (later definitions win).
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.settings
            .iter()
            .rev()
            .find(|s| s.key_is(key) && !s.unset)
    }
}

/// A pytest configuration candidate in one folder: which file, in which rank
/// of pytest's search order, and whether it matches (pytest stops at the first).
#[derive(Clone, Debug)]
pub struct PytestConfig {
    pub file: FileId,
    pub dir: String,
    /// Position in pytest's search order (0 = `pytest.toml`).
    pub rank: u8,
    /// The section pytest would read (`[pytest]`, `[tool.pytest.ini_options]`…),
    /// or the whole file for `pytest.ini` that always matches.
    pub section: Span,
    pub section_name: String,
    /// Its guarding settings: settings module, `--ds`, pytest-env entries.
    pub settings: Vec<Setting>,
    /// The file pytest reads instead, when this one is shadowed.
    pub shadowed_by: Option<FileId>,
    /// pytest-dotenv's `env_files` entries (each file as written, and where),
    /// when the key is set.
    pub dotenv_files: Option<Vec<(String, Span)>>,
    /// pytest-dotenv's `env_override_existing_values`: its files beat what
    /// the environment already holds.
    pub dotenv_override: bool,
}

/// What one folder tells about the project that lives there.
#[derive(Clone, Debug, Default)]
pub struct FolderContext {
    pub frameworks: Frameworks,
    /// Symfony's `when@test: doctrine: dbal: dbname_suffix` gives tests their own database.
    pub symfony_test_dbname_suffix: bool,
    /// `bootstrap/cache/config.php` of a Laravel app (TG205).
    pub laravel_config_cache: Option<FileId>,
    /// `manage.py` lives here (a Django project root).
    pub has_manage_py: bool,
    /// A `composer.json` or `artisan` lives here: the root of a PHP project.
    pub php_root: bool,
    /// A `package.json` or a test-runner config lives here: the root of a Node package.
    pub node_root: bool,
    /// A `pyproject.toml`, `requirements*.txt`, `setup.cfg` or `manage.py` lives
    /// here: the root of a Python project.
    pub python_root: bool,
    /// A Node package with a test runner lives here or below (monorepo workspaces).
    pub node_tests_below: bool,
    /// `laravel/lumen-framework`: Lumen loads `.env` only.
    pub lumen: bool,
    /// `composer test` runs the suite in parallel (`artisan test --parallel`,
    /// ParaTest): each worker uses `{db}_test_{token}`.
    pub composer_test_parallel: bool,
    /// The file Lumen's `bootstrap/app.php` hands `LoadEnvironmentVariables`.
    pub lumen_dotenv: LumenDotenv,
    /// `"type": "symfony-bundle"`: its test kernel boots in `test` by default.
    pub symfony_bundle: bool,
    /// The variables the project's doctrine configuration (`config/packages/`)
    /// reads its connection from, when one was read.
    pub doctrine_url_vars: Option<Vec<String>>,
    /// `@adonisjs/core`: `node ace test` layers `.env.test` over `.env`.
    pub adonis: bool,
    /// A Laravel app: the environment variables its database configuration
    /// reads (`config/database.php`'s `env()` calls for the default
    /// connection and each connection's `url`, `host`, `database`, `driver`;
    /// else the framework's own file for the version the lock file names:
    /// `DB_URL` from Laravel 11, `DATABASE_URL` before). `None` when not
    /// known (code a literal reading cannot follow, no version).
    pub laravel_database_keys: Option<Vec<String>>,
    /// A dependency that gives the tests a database of their own in code
    /// (`mongodb-memory-server`, `testcontainers`, `pg-mem`): the run is
    /// isolated in code.
    pub isolating_dependency: Option<String>,
}

/// A dotenv file the developer's own app reads (`.env`, `.env.example`, …).
#[derive(Clone, Debug)]
pub struct DevDotenv {
    pub file: FileId,
    pub dir: String,
    pub settings: Vec<Setting>,
}

/// Everything the rules may look at.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub files: Vec<SourceFile>,
    pub envs: Vec<TestEnv>,
    pub folders: BTreeMap<String, FolderContext>,
    pub dev_dotenvs: Vec<DevDotenv>,
    pub pytest_configs: Vec<PytestConfig>,
    /// Folders holding a test dotenv file (for TG206, TG302).
    pub test_dotenv_dirs: Vec<(String, FileId)>,
    /// Test runs resolved from their layers; each names the
    /// [`TestEnv`] in `envs` that holds its effective settings.
    pub runs: Vec<TestRun>,
    /// `testguard run`: the run being started, and the environment it starts
    /// from. `None` in `lint`, where the caller is unknown.
    pub invocation: Option<run::Invocation>,
    /// Variables that files show in a test run's caller environment (compose,
    /// Dockerfile `ENV`, `.envrc`, CI test jobs): the evidence TG203 needs.
    pub caller_keys: Vec<CallerKey>,
    /// What the test code of each project does to its database (destructive
    /// evidence).
    pub destruction: Vec<Destruction>,
    /// How many test files of each project (folder above `tests/`) were read.
    pub test_code: BTreeMap<String, usize>,
    /// Database variables the test code takes from the environment with no
    /// default (`os.environ["DATABASE_URL"]` in a conftest fixture).
    pub test_code_env_reads: Vec<TestCodeEnvRead>,
    /// Shell lines a README documents for the tests' environment.
    pub documented: Vec<Documented>,
    /// Each Laravel project's `config/database.php`, read literally.
    pub laravel_databases: Vec<LaravelDatabases>,
    /// Python settings objects that load a dotenv file into database
    /// settings (pydantic-settings `env_file`, Starlette `Config(".env")`).
    pub python_dotenv_settings: Vec<PythonDotenvSettings>,
    /// Task-runner targets that run the tests with a dotenv file loaded.
    pub test_tasks: Vec<TestTask>,
    /// Codeception suites that boot a Laravel app through the `Laravel` module.
    pub codeception_laravel: Vec<CodeceptionLaravel>,
    /// What each PHP project's test code sets up before its tests (bootstrap
    /// env writes, `database.*` config switches).
    pub php_test_setup: Vec<PhpTestSetup>,
    /// Flask-style config classes (`class TestingConfig(Config):`) of each
    /// module that sets `SQLALCHEMY_DATABASE_URI` in one of them.
    pub flask_config_modules: Vec<FlaskConfigModule>,
    /// What each project's conftests hand the app factory.
    pub flask_choices: Vec<(String, FlaskChoice)>,
    /// Variables a project's test code writes into the environment
    /// (`os.environ["X"] = …`, `monkeypatch.setenv`), per project.
    pub test_code_env_writes: Vec<TestCodeEnvRead>,
    /// Node config modules a `NODE_ENV=test` run selects, with the database
    /// settings they read (`config/env/test.js`).
    pub node_test_configs: Vec<NodeTestConfig>,
    /// The database settings of each environment of a Rails
    /// `config/database.yml` or an Ecto app's `config/{dev,test}.exs`, read
    /// where they are environment reads.
    pub environment_databases: Vec<EnvironmentDatabase>,
    /// Elixir configuration writes of Ecto repositories, in no order: the
    /// effective settings of `environment_databases` are resolved from them.
    pub config_writes: Vec<ConfigWrite>,
    /// ORM connection files (TypeORM `ormconfig.*`) and what they name.
    pub orm_configs: Vec<OrmConfig>,
    /// Compose test overlays a script starts in the development project.
    pub compose_test_stacks: Vec<ComposeTestStack>,
    /// Node configs keyed by `NODE_ENV` (knexfile, Sequelize config) that
    /// have a `development` block.
    pub node_env_keyed_configs: Vec<NodeEnvKeyedConfig>,
    /// Servers Playwright's `webServer` starts (or reuses) for the e2e suite.
    pub e2e_servers: Vec<E2eServer>,
    /// Properties of every Spring `application*.{properties,yml}`.
    pub spring_properties: Vec<jvm::SpringProperty>,
    /// Spring test classes, from the test sources of each module read.
    pub spring_tests: Vec<jvm::SpringTestClass>,
    /// Modules whose test sources were read.
    pub spring_modules: Vec<jvm::SpringModule>,
    /// Profiles a build file hands the test JVM (`systemProperty
    /// "spring.profiles.active", "test"`): the build file's folder, the
    /// profiles, where.
    pub spring_build_profiles: Vec<(String, Vec<String>, Span)>,
    /// The env files among them, parsed.
    pub go_loaded_env: Vec<DevDotenv>,
    /// Every setting of every `appsettings*.json`.
    pub app_settings: Vec<dotnet::AppSetting>,
}

/// A Go test file that loads a file into its configuration (a `TestMain`
/// calling `util.LoadConfig("../..")` that reads `app.env` with viper, a
/// `godotenv.Load("../.env")`). Both viper's `AutomaticEnv` and godotenv's
/// `Load` let a variable the environment already holds win.
#[derive(Clone, Debug)]
pub struct GoTestLoad {
    /// The package folder (`go test` runs each package there).
    pub package: String,
    pub file: FileId,
    /// The call that loads it.
    pub call: Span,
    /// For humans: "godotenv", "viper", "`util.LoadConfig(\"../..\")`".
    pub loader: String,
    pub loaded: FileId,
    /// The file opens a database connection (`sql.Open`, `pgxpool.New`…).
    pub connects: Option<Span>,
    /// An import that gives the tests a database of their own
    /// (testcontainers-go, dockertest, go-txdb…), with where.
    pub isolated: Option<(String, Span)>,
    /// A call of the package's tests that writes or deletes rows.
    pub writes: Option<(String, Span)>,
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

/// Where a framework keeps one database setting per environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseFramework {
    /// Rails' `config/database.yml` entries.
    Rails,
    /// Ecto repositories in Elixir's `config/{dev,test}.exs`.
    Ecto,
    /// A makefile's test variable set from the development one
    /// (`TEST_DATABASE_URL := $(DATABASE_URL)` under `ifdef DATABASE_URL`).
    Make,
}

/// One database setting of one environment: a Rails `config/database.yml`
/// entry's, an Ecto repository's in `config/test.exs` or `config/dev.exs`.
#[derive(Clone, Debug)]
pub struct EnvironmentDatabase {
    pub framework: DatabaseFramework,
    /// The app: the folder holding `config/`.
    pub project: String,
    pub file: FileId,
    /// `development` or `test` (Mix's `dev` is `development`).
    pub environment: String,
    /// What holds the setting besides the environment: empty for a Rails
    /// entry, the repository (`MyApp.Repo`) for Ecto.
    pub scope: String,
    /// The key: `database`, `url`, `primary.database`.
    pub key: String,
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

/// A value read from configuration: a literal, or literal text around one
/// environment read (Rails' ERB, an Elixir expression).
#[derive(Clone, Debug)]
pub enum EnvTemplate {
    Literal {
        text: String,
        span: Span,
    },
    /// One output tag with literal text around it (`"<%= ENV['DB'] %>_test"`):
    /// the tag's value is the first of `alternatives` that is not nil.
    Erb {
        prefix: String,
        alternatives: Vec<EnvAlternative>,
        suffix: String,
        span: Span,
    },
    /// Ruby that is not an environment read, several tags, a tag that
    /// generates lines: not judged.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvAlternative {
    /// `ENV['X']`, `ENV.fetch('X')`: the variable and where its name stands.
    Env { name: String, span: Span },
    /// A literal default (`|| 'app_test'`, `ENV.fetch('X') { 'app_test' }`).
    Literal(String),
    /// A default that code computes (`Util.fetch_env!("DB", test: "app_test")`
    /// through a helper of the file): there is one, its value is not known.
    Computed,
}

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

/// A task (`task py:test`, `make test`) whose command runs the tests with a
/// dotenv file loaded into its environment.
#[derive(Clone, Debug)]
pub struct TestTask {
    /// For humans: "`task py:test`", "`make test`".
    pub name: String,
    /// The folder the task runs in.
    pub dir: String,
    /// The dotenv file as written, and where.
    pub dotenv: String,
    pub dotenv_span: Span,
    /// The test command.
    pub command: Span,
    /// The file's values beat the caller's (make's `include` + `export`);
    /// Taskfile's `dotenv:` yields to the process environment.
    pub beats_caller: bool,
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

/// A module of config classes; a class's URI, when its body does not set
/// one, is its first base's (within the module).
#[derive(Clone, Debug)]
pub struct FlaskConfigModule {
    pub project: String,
    pub file: FileId,
    pub classes: Vec<FlaskConfigClass>,
    /// `config = {"testing": TestingConfig, …}`: names an app factory takes.
    pub by_key: Vec<(String, String)>,
}

/// What a conftest hands the app factory (`create_app("testing")`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlaskChoice {
    /// A config class, by name (`create_app(TestingConfig)`).
    Class(String, Span),
    /// A key of the config module's mapping (`create_app("testing")`).
    Key(String, Span),
    /// No argument, or one a literal reading cannot follow: the factory's
    /// default or something computed.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct FlaskConfigClass {
    pub name: String,
    pub name_span: Span,
    pub bases: Vec<String>,
    /// Its own `SQLALCHEMY_DATABASE_URI` (`Absent` when it inherits).
    pub uri: ConfigValue,
}

/// A Python settings object that reads database settings from a dotenv file.
#[derive(Clone, Debug)]
pub struct PythonDotenvSettings {
    /// The Python project (folder of its `pyproject.toml`, …).
    pub project: String,
    /// For humans: "pydantic-settings `Settings`", "Starlette `Config`".
    pub what: String,
    /// The dotenv file as written (`.env`), relative to the working directory.
    pub env_file: String,
    pub env_file_span: Span,
    /// The database variables it reads.
    pub keys: Vec<String>,
}

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

/// A configuration value as written in code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigValue {
    /// A literal string.
    Literal { text: String, span: Span },
    /// `env('KEY', default)`: the environment decides, else the default.
    Env {
        key: String,
        span: Span,
        /// A literal default, if there is one.
        default: Option<(String, Span)>,
    },
    /// The key is not there.
    Absent,
    /// Code a literal reading cannot decide (`database_path(...)`, a variable).
    Unknown,
}

/// A database variable a project's test code reads from the environment.
#[derive(Clone, Debug)]
pub struct TestCodeEnvRead {
    pub project: String,
    pub key: String,
    pub span: Span,
}

/// What a README's setup instructions do, for the folder it documents.
#[derive(Clone, Debug)]
pub enum Documented {
    /// `export KEY=value` in a shell block: the developer's shell carries it.
    Export { dir: String, setting: Setting },
    /// `cp FROM TO` between two dotenv files.
    Copy {
        dir: String,
        from: String,
        to: String,
        span: Span,
    },
}

/// Something in a suite's test code that wipes the database it reaches.
#[derive(Clone, Debug)]
pub struct Destruction {
    /// The project whose `tests/` holds it.
    pub project: String,
    /// The idiom as written (`RefreshDatabase`).
    pub idiom: &'static str,
    /// What it does, for a message: "runs migrate:fresh on it".
    pub what: &'static str,
    pub span: Span,
}

/// What a project's test code shows about its database.
#[derive(Clone, Copy, Debug)]
pub enum Wipe<'a> {
    /// This idiom wipes it.
    Proven(&'a Destruction),
    /// Test code was read (this many files) and nothing in it wipes a database.
    NotSeen(usize),
    /// No test code was read: nothing is known.
    Unknown,
}

/// A variable some file puts into the environment a test command starts with.
#[derive(Clone, Debug)]
pub struct CallerKey {
    pub key: String,
    /// Where it is set.
    pub span: Span,
    /// The folder whose commands get it (`""`: the whole repository).
    pub scope: String,
    /// For humans: "compose service `app` (docker-compose.yml) exports it".
    pub how: String,
    /// The value, when it is literal text.
    pub value: Option<String>,
    /// A developer's shell exports it (direnv `.envrc`, a devenv shell):
    /// development runs and test runs started there both get it.
    pub shell: bool,
}

impl CallerKey {
    pub fn repo_wide(key: &str, span: Span, how: &str) -> Self {
        CallerKey {
            key: key.to_string(),
            span,
            scope: String::new(),
            how: how.to_string(),
            value: None,
            shell: false,
        }
    }
}

impl Workspace {
    /// How many test environments the rules checked: every [`TestEnv`] (test
    /// dotenv files, runner configs, CI test steps, resolved PHP runs) and
    /// each ecosystem's own runs.
    pub fn test_environment_count(&self) -> usize {
        // a Rails app's or an Ecto project's test entry (one per app and
        // scope, however many keys it sets)
        let mut entries: Vec<(DatabaseFramework, &str, &str)> = self
            .environment_databases
            .iter()
            .filter(|e| e.environment == "test")
            .map(|e| (e.framework, e.project.as_str(), e.scope.as_str()))
            .collect();
        entries.sort_by(|a, b| (a.1, a.2).cmp(&(b.1, b.2)));
        entries.dedup();
        // a Node run's values are held in a test environment of its own,
        // counted with the run
        let envs = self
            .envs
            .iter()
            .filter(|e| {
                !(e.source == EnvSource::TestRun
                    && self.file(e.file).kind == crate::source::SourceKind::PackageJson)
            })
            .count();
        envs + self.runs.iter().filter(|r| !r.is_php()).count()
            + entries.len()
            + self.test_tasks.len()
            + self.compose_test_stacks.len()
            + self.codeception_laravel.len()
            + self.flask_config_modules.len()
            + self.python_dotenv_settings.len()
            + self.e2e_servers.len()
    }

    /// The runs of PHP frameworks' PHPUnit configs (and AdonisJS's).
    pub fn php_runs(&self) -> impl Iterator<Item = &TestRun> {
        self.runs.iter().filter(|r| r.is_php())
    }

    /// Node test entry points (`package.json` scripts), with their facts.
    pub fn node_runs(&self) -> impl Iterator<Item = (&TestRun, &run::NodeRun)> {
        self.runs.iter().filter_map(|r| r.node().map(|n| (r, n)))
    }

    /// Rails apps whose test run loads dotenv files (dotenv-rails).
    pub fn rails_runs(&self) -> impl Iterator<Item = (&TestRun, &run::RailsRun)> {
        self.runs.iter().filter_map(|r| r.rails().map(|n| (r, n)))
    }

    /// Spring Boot modules' test runs.
    pub fn spring_runs(&self) -> impl Iterator<Item = &jvm::SpringRun> {
        self.runs.iter().filter_map(TestRun::spring)
    }

    /// ASP.NET Core test runs: each `WebApplicationFactory` with its app.
    pub fn dotnet_runs(&self) -> impl Iterator<Item = &dotnet::DotnetRun> {
        self.runs.iter().filter_map(TestRun::dotnet)
    }

    /// Go packages whose test code loads a configuration file.
    pub fn go_test_loads(&self) -> impl Iterator<Item = &GoTestLoad> {
        self.runs.iter().filter_map(TestRun::go)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// The frameworks of a folder: its own markers and those of its ancestors.
    pub fn frameworks_of(&self, dir: &str) -> Frameworks {
        let mut f = Frameworks::default();
        for anc in ancestors(dir) {
            if let Some(c) = self.folders.get(anc) {
                f = f.union(c.frameworks);
            }
        }
        f
    }

    /// The context of the nearest folder (itself or an ancestor) for which `pick` holds.
    pub fn nearest<T>(&self, dir: &str, pick: impl Fn(&FolderContext) -> Option<T>) -> Option<T> {
        ancestors(dir).find_map(|d| self.folders.get(d).and_then(&pick))
    }

    /// A Symfony bundle's PHPUnit configuration sets `key` for a test kernel
    /// (its `KERNEL_CLASS`) whose doctrine configuration lives in the
    /// bundle's test application, which is not read: whether the connection
    /// reads `key` at all is decided there (symfony/framework-bundle's
    /// recipe leaves `DATABASE_URL` in every bundle's `phpunit.xml.dist`,
    /// where a test kernel configured with `driver`/`path` never reads it).
    pub fn bundle_database_key_unread(&self, dir: &str, key: &str) -> bool {
        let Some(project) = ancestors(dir).find_map(|d| self.folders.get(d).filter(|c| c.php_root))
        else {
            return false;
        };
        project.symfony_bundle
            && !project
                .doctrine_url_vars
                .as_ref()
                .is_some_and(|vars| vars.iter().any(|v| v == key))
    }

    /// Test dotenv files in `dir` named as `names` lists (e.g. `.env.testing`).
    pub fn test_dotenv_in(&self, dir: &str, names: &[&str]) -> Option<FileId> {
        self.test_dotenv_dirs
            .iter()
            .find(|(d, id)| d == dir && names.contains(&self.file(*id).file_name()))
            .map(|(_, id)| *id)
    }

    /// The test environment parsed from one file (dotenv files give exactly one).
    pub fn env_of_file(&self, file: FileId) -> Option<&TestEnv> {
        self.envs.iter().find(|e| e.file == file)
    }

    /// What the test code of the project at `dir` (the nearest project with
    /// test code at or above it) does to its database.
    pub fn wipe_evidence(&self, dir: &str) -> Wipe<'_> {
        for anc in ancestors(dir) {
            if let Some(n) = self.test_code.get(anc) {
                return match self.destruction.iter().find(|d| d.project == anc) {
                    Some(d) => Wipe::Proven(d),
                    None => Wipe::NotSeen(*n),
                };
            }
        }
        Wipe::Unknown
    }

    /// Evidence that the caller's environment of a run in `dir` carries `key`.
    pub fn caller_key(&self, dir: &str, key: &str) -> Option<&CallerKey> {
        self.caller_keys
            .iter()
            .find(|c| c.key == key && is_within(dir, &c.scope))
    }

    /// The resolved test run whose effective settings `env` holds.
    pub fn run_of(&self, env: &TestEnv) -> Option<&TestRun> {
        self.php_runs().find(|r| {
            r.env
                .and_then(|i| self.envs.get(i))
                .is_some_and(|e| std::ptr::eq(e, env))
        })
    }
}

/// `a/b/c` → `a/b/c`, `a/b`, `a`, `` (the scan root).
pub fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let cur = next?;
        next = if cur.is_empty() {
            None
        } else {
            Some(cur.rfind('/').map_or("", |i| &cur[..i]))
        };
        Some(cur)
    })
}

/// Whether `dir` is `anc` or inside it.
pub fn is_within(dir: &str, anc: &str) -> bool {
    anc.is_empty() || dir == anc || dir.strip_prefix(anc).is_some_and(|r| r.starts_with('/'))
}

impl Workspace {
    /// The caller's environment as a test run's layer: what `testguard run`
    /// starts from, or, in `lint`, an unknown environment that may hold any
    /// variable.
    pub fn caller_layer(&self) -> Layer {
        match &self.invocation {
            Some(inv) => Layer {
                name: "your environment".into(),
                kind: LayerKind::Caller,
                write: Write::Always,
                file: inv.caller_file,
                settings: inv.caller.clone(),
                known: true,
            },
            None => Layer::unknown_caller(),
        }
    }

    /// A layer of the `testguard run` invocation's own test environment
    /// holding `settings` taken from the caller's environment (anchored at
    /// the first); `None` outside `testguard run`.
    pub fn caller_test_env(&self, settings: Vec<Setting>) -> Option<TestEnv> {
        let inv = self.invocation.as_ref()?;
        let file = inv.caller_file?;
        let anchor = settings.first()?.key.span;
        Some(TestEnv {
            name: inv.runner.clone(),
            source: EnvSource::TestRun,
            runner: Runner::Local,
            file,
            dir: inv.dir.clone(),
            frameworks: self.frameworks_of(&inv.dir),
            anchor,
            settings,
            commented_out: Vec::new(),
        })
    }

    /// The caller's value of `key` in `testguard run` (exported in the
    /// environment the test command starts from).
    pub fn caller_setting(&self, key: &str) -> Option<&Setting> {
        self.invocation
            .as_ref()?
            .caller
            .iter()
            .rev()
            .find(|s| s.key.value == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_walk_up_to_the_root() {
        assert_eq!(ancestors("a/b").collect::<Vec<_>>(), ["a/b", "a", ""]);
        assert_eq!(ancestors("").collect::<Vec<_>>(), [""]);
        assert!(is_within("a/b", "a"));
        assert!(!is_within("ab", "a"));
        assert!(is_within("x", ""));
    }
}
