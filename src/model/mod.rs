//! The common model every source is parsed into and every rule looks at.

use std::collections::BTreeMap;

pub mod account;
pub mod dotnet;
pub mod elixir;
pub mod go;
pub mod jvm;
pub mod node;
pub mod php;
pub mod python;
pub mod run;

pub use account::{DatabaseVerdict, Decision, Evidence, RunAccount, Suite, Verdict};
pub use elixir::{ConfigWrite, Runs};
pub use go::GoTestLoad;
pub use node::{ComposeTestStack, E2eServer, NodeEnvKeyedConfig, NodeTestConfig, OrmConfig};
pub use php::{CodeceptionLaravel, LaravelConnection, LaravelDatabases, LumenDotenv, PhpTestSetup};
pub use python::{
    DjangoDbSetupOverride, DynaconfChoice, DynaconfSettings, DynaconfValue, FlaskChoice,
    FlaskConfigClass, FlaskConfigModule, PytestConfig, PythonDotenvSettings, TestCodeEnvRead,
};

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
    /// The command that caches Laravel's configuration before the tests
    /// (`php artisan config:cache`, `optimize`), when no later one clears it.
    pub caches_laravel_config: Option<Span>,
    /// The ecosystem and runner of the test command, when recognised.
    pub test_family: Option<RunnerFamily>,
    pub test_runner: Option<String>,
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

/// A project: a folder that a manifest or a framework's files mark as the
/// root of something tests run in (a `composer.json`, `package.json`,
/// `pyproject.toml`, `requirements*.txt`, `manage.py`, `artisan`, a runner
/// config), what those files say about it, and what each ecosystem's stack
/// learned about it ([`php::PhpProject`], [`python::PythonProject`], …).
/// Every per-framework fact lives here or on a [`TestRun`], never on the
/// [`Workspace`] itself.
#[derive(Clone, Debug, Default)]
pub struct Project {
    pub frameworks: Frameworks,
    /// A `composer.json` or `artisan` lives here: the root of a PHP project.
    pub php_root: bool,
    /// A `package.json` or a test-runner config lives here: the root of a Node package.
    pub node_root: bool,
    /// A `pyproject.toml`, `requirements*.txt`, `setup.cfg` or `manage.py` lives
    /// here: the root of a Python project.
    pub python_root: bool,
    /// A Node package with a test runner lives here or below (monorepo workspaces).
    pub node_tests_below: bool,
    /// A dependency or fixture that gives the tests a database of their own
    /// in code (`mongodb-memory-server`, `testcontainers`, `pg-mem`, a
    /// conftest's `dependency_overrides`): the run is isolated in code.
    pub isolating_dependency: Option<String>,
    /// The ecosystems whose manifests stand here.
    pub ecosystems: Vec<RunnerFamily>,
    /// A database client or ORM its manifests depend on, per ecosystem.
    pub database_client: Vec<(RunnerFamily, Evidence)>,
    /// A dependency that gives its tests a database of their own.
    pub isolating_evidence: Vec<(RunnerFamily, Evidence)>,
    /// A test runner its manifests depend on.
    pub test_runner: Vec<(RunnerFamily, Evidence)>,
    /// A harness that runs each test in a transaction and rolls it back
    /// after (DAMA DoctrineTestBundle's PHPUnit extension): row writes do
    /// not persist, what escapes a transaction does ([`Destruction::escapes_rollback`]).
    pub rolled_back: Option<Evidence>,
    pub php: php::PhpProject,
    pub python: python::PythonProject,
    pub node: node::NodeProject,
    /// Rails' `config/database.yml` entries of this app.
    pub rails_databases: Vec<EnvironmentDatabase>,
    pub elixir: elixir::ElixirProject,
    pub jvm: jvm::JvmProject,
    pub dotnet: dotnet::DotnetProject,
    pub go: go::GoProject,
    /// Task-runner targets that run the tests with a dotenv file loaded,
    /// and makefile test variables set from the development ones.
    pub tasks: TaskProject,
}

/// What a folder's task runners (`Makefile`, `Taskfile.yml`) do for its tests.
#[derive(Clone, Debug, Default)]
pub struct TaskProject {
    pub test_tasks: Vec<TestTask>,
    /// `TEST_DATABASE_URL := $(DATABASE_URL)` under `ifdef DATABASE_URL`.
    pub databases: Vec<EnvironmentDatabase>,
}

/// A dotenv file the developer's own app reads (`.env`, `.env.example`, …).
#[derive(Clone, Debug)]
pub struct DevDotenv {
    pub file: FileId,
    pub dir: String,
    pub settings: Vec<Setting>,
}

/// A file that is malformed, with the span of the fault.
#[derive(Clone, Debug)]
pub struct ParseIssue {
    pub span: Span,
    pub message: String,
}

/// A recognised file that could not be read (permission, encoding, size).
#[derive(Clone, Debug)]
pub struct Unreadable {
    pub file: FileId,
    pub reason: String,
}

/// Everything the rules may look at: the files, the test environments
/// and runs built from them, the projects they belong to, and the evidence
/// found around them. Nothing here is a framework's own: each ecosystem's
/// facts live on its [`Project`]s and [`TestRun`]s.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub files: Vec<SourceFile>,
    pub envs: Vec<TestEnv>,
    /// Every project, by folder (relative to the scan root).
    pub projects: BTreeMap<String, Project>,
    pub dev_dotenvs: Vec<DevDotenv>,
    /// Folders holding a test dotenv file (for TG206, TG302).
    pub test_dotenv_dirs: Vec<(String, FileId)>,
    /// Files that a test tool alone reads, and only while its tests run
    /// (Laravel Dusk's `.env.dusk.{env}`, swapped in for `.env` by `artisan
    /// dusk`): a database only such a file names is the tool's own.
    pub test_tool_files: Vec<FileId>,
    /// Every test run, in every ecosystem; a run names the [`TestEnv`] in
    /// `envs` that holds its effective settings, when it has one.
    pub runs: Vec<TestRun>,
    /// `testguard run`: the run being started, and the environment it starts
    /// from. `None` in `lint`, where the caller is unknown.
    pub invocation: Option<run::Invocation>,
    /// Variables that files show in a test run's caller environment (compose,
    /// Dockerfile `ENV`, `.envrc`, CI test jobs): the evidence TG203 needs.
    pub caller_keys: Vec<CallerKey>,
    /// Database servers the compose files start for the tests: a service
    /// named for tests that publishes a port on the host.
    pub test_servers: Vec<TestServer>,
    /// What the test code of each project does to its database (destructive
    /// evidence).
    pub destruction: Vec<Destruction>,
    /// How many test files of each project (folder above `tests/`) were read.
    pub test_code: BTreeMap<String, usize>,
    /// Shell lines a README documents for the tests' environment.
    pub documented: Vec<Documented>,
    /// The folders of tests the repository holds (`tests/`, `spec/`, Go
    /// packages with tests…).
    pub suites: Vec<Suite>,
    /// Every run and every suite no run covers, with its database verdict:
    /// filled by the account stage after `resolve`.
    pub accounts: Vec<RunAccount>,
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
    /// It is a file a developer keeps the development values in (`.env`,
    /// `.env.local`, `.dev.env`), not a test, CI or example file.
    pub dotenv_is_development: bool,
    pub dotenv_span: Span,
    /// The test command.
    pub command: Span,
    /// The file's values beat the caller's (make's `include` + `export`);
    /// Taskfile's `dotenv:` yields to the process environment.
    pub beats_caller: bool,
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
    /// A transaction rolled back after each test does not undo it: DDL
    /// (`migrate:fresh`, a schema drop) and MySQL's `TRUNCATE` commit
    /// implicitly, and a wipe before the first test runs outside any test's
    /// transaction. `false` only for row writes inside a test (Doctrine's
    /// `ORMPurger`, which deletes rows by default).
    pub escapes_rollback: bool,
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

/// A compose service named for the tests (`test-db`, `postgres_test`) that
/// publishes a port on the host: a database reached on `localhost` at that
/// port is the tests' server, whatever its database is called.
#[derive(Clone, Debug)]
pub struct TestServer {
    pub service: String,
    /// The host port (`5435` of `"5435:5432"`).
    pub host_port: String,
    /// The `ports:` entry.
    pub span: Span,
    /// The compose file's folder.
    pub dir: String,
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

/// The project at `dir` of `projects`, created when it is not known yet
/// (for a caller that holds other parts of the [`Workspace`] meanwhile).
pub fn project_in<'p>(projects: &'p mut BTreeMap<String, Project>, dir: &str) -> &'p mut Project {
    projects.entry(dir.to_string()).or_default()
}

impl Workspace {
    /// The project at `dir`, created when it is not known yet.
    pub fn project_mut(&mut self, dir: &str) -> &mut Project {
        project_in(&mut self.projects, dir)
    }

    /// Every pytest configuration candidate, by folder and in pytest's order.
    pub fn pytest_configs(&self) -> impl Iterator<Item = &PytestConfig> {
        self.projects
            .values()
            .flat_map(|p| &p.python.pytest_configs)
    }

    /// Python settings objects (and pytest-dotenv) that load a dotenv file.
    pub fn python_dotenv_settings(&self) -> impl Iterator<Item = &PythonDotenvSettings> {
        self.projects
            .values()
            .flat_map(|p| &p.python.dotenv_settings)
    }

    pub fn flask_config_modules(&self) -> impl Iterator<Item = &FlaskConfigModule> {
        self.projects
            .values()
            .flat_map(|p| &p.python.flask_config_modules)
    }

    pub fn dynaconf_settings(&self) -> impl Iterator<Item = &DynaconfSettings> {
        self.projects.values().flat_map(|p| &p.python.dynaconf)
    }

    /// What each project's conftests hand the app factory, with the project.
    pub fn flask_choices(&self) -> impl Iterator<Item = (&str, &FlaskChoice)> {
        self.projects
            .iter()
            .flat_map(|(d, p)| p.python.flask_choices.iter().map(move |c| (d.as_str(), c)))
    }

    pub fn test_code_env_reads(&self) -> impl Iterator<Item = &TestCodeEnvRead> {
        self.projects
            .values()
            .flat_map(|p| &p.python.test_code_env_reads)
    }

    pub fn test_code_env_writes(&self) -> impl Iterator<Item = &TestCodeEnvRead> {
        self.projects
            .values()
            .flat_map(|p| &p.python.test_code_env_writes)
    }

    /// A dotenv file's settings as the model holds them (test or dev file alike),
    /// for a run that layers it.
    pub fn dotenv_settings(&self, id: FileId) -> Vec<Setting> {
        if let Some(d) = self.dev_dotenvs.iter().find(|d| d.file == id) {
            return d.settings.clone();
        }
        self.envs
            .iter()
            .find(|e| e.file == id && e.source == EnvSource::Dotenv)
            .map(|e| e.settings.clone())
            .unwrap_or_default()
    }

    /// A PHP project's test code sets `database.*` configuration itself
    /// (`config(['database.default' => 'sqlite'])` in `createApplication()`).
    pub fn php_database_set_in_code(&self, dir: &str) -> bool {
        self.php_test_setup()
            .any(|t| !t.config_sets.is_empty() && is_within(dir, &t.project))
    }

    pub fn laravel_databases(&self) -> impl Iterator<Item = &LaravelDatabases> {
        self.projects
            .values()
            .filter_map(|p| p.php.laravel_databases.as_ref())
    }

    pub fn codeception_laravel(&self) -> impl Iterator<Item = &CodeceptionLaravel> {
        self.projects
            .values()
            .flat_map(|p| &p.php.codeception_laravel)
    }

    pub fn php_test_setup(&self) -> impl Iterator<Item = &PhpTestSetup> {
        self.projects.values().flat_map(|p| &p.php.test_setup)
    }

    pub fn node_test_configs(&self) -> impl Iterator<Item = &NodeTestConfig> {
        self.projects.values().flat_map(|p| &p.node.test_configs)
    }

    pub fn orm_configs(&self) -> impl Iterator<Item = &OrmConfig> {
        self.projects.values().flat_map(|p| &p.node.orm_configs)
    }

    pub fn compose_test_stacks(&self) -> impl Iterator<Item = &ComposeTestStack> {
        self.projects
            .values()
            .flat_map(|p| &p.node.compose_test_stacks)
    }

    pub fn node_env_keyed_configs(&self) -> impl Iterator<Item = &NodeEnvKeyedConfig> {
        self.projects
            .values()
            .flat_map(|p| &p.node.env_keyed_configs)
    }

    pub fn e2e_servers(&self) -> impl Iterator<Item = &E2eServer> {
        self.projects.values().flat_map(|p| &p.node.e2e_servers)
    }

    /// The database setting of each environment of a Rails `database.yml`,
    /// an Ecto repository's configuration, or a makefile's test variable.
    pub fn environment_databases(&self) -> impl Iterator<Item = &EnvironmentDatabase> {
        self.projects.values().flat_map(|p| {
            p.rails_databases
                .iter()
                .chain(&p.elixir.databases)
                .chain(&p.tasks.databases)
        })
    }

    pub fn config_writes(&self) -> impl Iterator<Item = &ConfigWrite> {
        self.projects.values().flat_map(|p| &p.elixir.config_writes)
    }

    pub fn test_tasks(&self) -> impl Iterator<Item = &TestTask> {
        self.projects.values().flat_map(|p| &p.tasks.test_tasks)
    }

    pub fn spring_properties(&self) -> impl Iterator<Item = &jvm::SpringProperty> {
        self.projects.values().flat_map(|p| &p.jvm.properties)
    }

    pub fn spring_tests(&self) -> impl Iterator<Item = &jvm::SpringTestClass> {
        self.projects.values().flat_map(|p| &p.jvm.tests)
    }

    pub fn go_loaded_env(&self) -> impl Iterator<Item = &DevDotenv> {
        self.projects.values().flat_map(|p| &p.go.loaded_env)
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

    /// The names of the development databases around `dir` (the dotenv
    /// files a developer keeps, in the folder or above or below it): a test
    /// database named like one of them with a test marker glued on
    /// (`mautictest` beside `mautic`) is a test database.
    pub fn dev_database_names(&self, dir: &str, extra_keys: &[String]) -> Vec<String> {
        use crate::database::{DatabaseRef, DbKeyKind, db_key_kind};
        let mut out = Vec::new();
        for d in &self.dev_dotenvs {
            if !(is_within(dir, &d.dir) || is_within(&d.dir, dir)) {
                continue;
            }
            for s in &d.settings {
                let Some(kind) = db_key_kind(&s.key.value, extra_keys) else {
                    continue;
                };
                if kind == DbKeyKind::Host {
                    continue;
                }
                if let Some(n) = DatabaseRef::parse(&s.value, kind).name
                    && !n.is_reference()
                    && !out.contains(&n.text)
                {
                    out.push(n.text);
                }
            }
        }
        out
    }

    /// Whether `name`, set in `file`, is a database that only a test tool's
    /// own settings name: `file` is one of [`Workspace::test_tool_files`],
    /// the folder's development files name at least one database, and none
    /// of them is `name`. (Without a development database to compare with,
    /// nothing says the name is not the developer's own.)
    pub fn names_test_tool_database(
        &self,
        file: FileId,
        name: &str,
        dir: &str,
        extra_keys: &[String],
    ) -> bool {
        if !self.test_tool_files.contains(&file) {
            return false;
        }
        let dev = self.dev_database_names(dir, extra_keys);
        !dev.is_empty() && !dev.iter().any(|d| d.eq_ignore_ascii_case(name))
    }

    /// The compose test server a database on `host`:`port` is, for a run in
    /// `dir`: the host is this machine and the port one a test service of a
    /// compose file in the same tree publishes.
    pub fn test_server_at(
        &self,
        host: Option<&str>,
        port: Option<&str>,
        dir: &str,
    ) -> Option<&TestServer> {
        let host = host?.trim().trim_matches(['[', ']']);
        let port = port?.trim();
        if !matches!(host, "localhost" | "127.0.0.1" | "::1" | "0.0.0.0") {
            return None;
        }
        self.test_servers
            .iter()
            .find(|t| t.host_port == port && (is_within(dir, &t.dir) || is_within(&t.dir, dir)))
    }

    /// The file read at `path`, if it was.
    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path).map(FileId)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// The frameworks of a folder: its own markers and those of its ancestors.
    pub fn frameworks_of(&self, dir: &str) -> Frameworks {
        let mut f = Frameworks::default();
        for anc in ancestors(dir) {
            if let Some(c) = self.projects.get(anc) {
                f = f.union(c.frameworks);
            }
        }
        f
    }

    /// The context of the nearest folder (itself or an ancestor) for which `pick` holds.
    pub fn nearest<T>(&self, dir: &str, pick: impl Fn(&Project) -> Option<T>) -> Option<T> {
        ancestors(dir).find_map(|d| self.projects.get(d).and_then(&pick))
    }

    /// A Symfony bundle's PHPUnit configuration sets `key` for a test kernel
    /// (its `KERNEL_CLASS`) whose doctrine configuration lives in the
    /// bundle's test application, which is not read: whether the connection
    /// reads `key` at all is decided there (symfony/framework-bundle's
    /// recipe leaves `DATABASE_URL` in every bundle's `phpunit.xml.dist`,
    /// where a test kernel configured with `driver`/`path` never reads it).
    pub fn bundle_database_key_unread(&self, dir: &str, key: &str) -> bool {
        let Some(project) =
            ancestors(dir).find_map(|d| self.projects.get(d).filter(|c| c.php_root))
        else {
            return false;
        };
        project.php.symfony_bundle
            && !project
                .php
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

    /// A conftest's `django_db_setup` that replaces pytest-django's, in the
    /// project at `dir` or above: the tests get no test database.
    pub fn django_db_setup_override(&self, dir: &str) -> Option<&DjangoDbSetupOverride> {
        ancestors(dir).find_map(|d| {
            self.projects
                .get(d)
                .and_then(|p| p.python.django_db_setup_override.as_ref())
        })
    }

    /// Why the Django settings a run at `dir` uses leave `DATABASES`
    /// undecided, and where.
    pub fn django_databases_undecided(&self, dir: &str) -> Option<&(crate::source::Span, String)> {
        ancestors(dir).find_map(|d| {
            self.projects
                .get(d)
                .and_then(|p| p.python.django_databases_undecided.as_ref())
        })
    }

    /// The first idiom of the test code of the project at `dir` (as in
    /// [`Workspace::wipe_evidence`]) that a transaction rolled back after
    /// each test does not undo.
    pub fn wipe_escaping_rollback(&self, dir: &str) -> Option<&Destruction> {
        let project = ancestors(dir).find(|anc| self.test_code.contains_key(*anc))?;
        self.destruction
            .iter()
            .find(|d| d.project == project && d.escapes_rollback)
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

pub use crate::paths::{ancestors, is_within};

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
