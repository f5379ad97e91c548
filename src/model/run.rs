//! Test runs: one way the suite is started, and the ordered chain
//! of layers its environment is built from. A stack module builds the layers
//! the way its framework's loader does; [`crate::resolve`] applies precedence;
//! rules judge the effective values and cite the layer that decided each one.

use crate::source::{FileId, SourceKind, Span};

use super::Setting;

/// How a layer writes a variable the layers above it have not decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// Written whatever is already set (PHPUnit `<server>`, forced `<env>`,
    /// pytest-env without `D:`, inline `VAR=x cmd`).
    Always,
    /// Written only when the variable is not set yet (PHPUnit `<env>` without
    /// `force`, phpdotenv and Symfony Dotenv, dotenv for Node, pytest-env `D:`).
    IfUnset,
}

/// What a layer is, for messages and for the rules that care (TG203 asks
/// whether the caller sits above a layer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayerKind {
    /// The environment the test command starts with: a shell in `lint`
    /// (unknown), the real process environment in `testguard run`, a CI job's
    /// variables.
    Caller,
    /// A runner's own overrides (`<server>`, `<env>`, pytest-env).
    Runner,
    /// A dotenv file the framework's loader reads.
    Dotenv,
    /// The framework's configuration (doctrine.yaml, config/database.php…).
    FrameworkConfig,
}

/// One layer of a test run's environment, with the settings it holds.
#[derive(Clone, Debug)]
pub struct Layer {
    /// For humans: `PHPUnit <server> (phpunit.xml)`, `.env.test`.
    pub name: String,
    pub kind: LayerKind,
    pub write: Write,
    /// The file that holds it (none for the caller).
    pub file: Option<FileId>,
    pub settings: Vec<Setting>,
    /// For the caller: whether what it holds is known. Unknown in `lint`
    /// (any variable may be exported), known in `testguard run`.
    pub known: bool,
}

impl Layer {
    pub fn new(
        name: impl Into<String>,
        kind: LayerKind,
        write: Write,
        file: Option<FileId>,
    ) -> Self {
        Layer {
            name: name.into(),
            kind,
            write,
            file,
            settings: Vec::new(),
            known: true,
        }
    }

    /// The caller's environment, unknown: it may hold any variable.
    pub fn unknown_caller() -> Self {
        Layer {
            known: false,
            ..Layer::new(
                "the caller's environment",
                LayerKind::Caller,
                Write::Always,
                None,
            )
        }
    }

    pub fn with(mut self, settings: Vec<Setting>) -> Self {
        self.settings = settings;
        self
    }
}

/// Where an effective value came from: the layer whose setting decided it,
/// the settings of lower layers it beat, and whether an unknown caller sits
/// above it (then the value holds only while the shell does not export the key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The deciding layer's name.
    pub layer: String,
    /// Lower layers' settings of the same key that this one beat.
    pub overrode: Vec<Overridden>,
    /// An unknown caller's environment ranks above the deciding layer.
    pub caller_above: bool,
    /// `${VAR}` references resolved inside the value, with where each came from.
    pub interpolated: Vec<(String, Span)>,
    /// Code that would set the key but does not run in this test process
    /// (an `if 'test' in sys.argv:` the launch decides), with why.
    pub passed_over: Vec<(Span, String)>,
}

/// A setting that lost to a higher layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overridden {
    pub layer: String,
    pub span: Span,
    pub value: String,
}

/// The ecosystem of the test command `testguard run` starts: which stack's
/// runs it is, and which findings apply to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunnerFamily {
    Php,
    Python,
    Node,
    Ruby,
    Elixir,
    Jvm,
    Dotnet,
    Go,
}

impl RunnerFamily {
    pub fn describe(self) -> &'static str {
        match self {
            RunnerFamily::Php => "PHP",
            RunnerFamily::Python => "Python",
            RunnerFamily::Node => "Node",
            RunnerFamily::Ruby => "Ruby",
            RunnerFamily::Elixir => "Elixir",
            RunnerFamily::Jvm => "JVM",
            RunnerFamily::Dotnet => ".NET",
            RunnerFamily::Go => "Go",
        }
    }
}

/// The test run `testguard run` is asked to start: the command as
/// recognised, and the real environment it starts from.
#[derive(Clone, Debug)]
pub struct Invocation {
    pub family: RunnerFamily,
    /// For humans: `PHPUnit`, `pytest`, `` `npm test` ``.
    pub runner: String,
    /// The runner's program name as recognised (`phpunit`, `jest`,
    /// `manage.py`).
    pub program: String,
    /// The folder the command runs in, relative to the scan root (`""`).
    pub dir: String,
    /// Node: the `package.json` script it runs (`test`, `test:e2e`); `None`
    /// for a runner started directly (`npx jest`), which gets none of the
    /// scripts' wrappers.
    pub node_script: Option<String>,
    /// A runner configuration named on the command line (`phpunit -c
    /// phpunit.ci.xml`, `pytest -c ci.ini`), relative to the scan root.
    pub config: Option<String>,
    /// A settings module named on the command line (`pytest --ds=x`,
    /// `manage.py test --settings=x`): it beats every other source.
    pub settings_module: Option<String>,
    /// The variables of the environment that can decide a run, each with its
    /// span in the caller's environment file.
    pub caller: Vec<Setting>,
    /// That file (kind `CallerEnvironment`).
    pub caller_file: Option<FileId>,
}

/// The framework whose loader built a run's layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunFramework {
    Laravel,
    Lumen,
    Symfony,
    /// A Symfony bundle's own test kernel (`"type": "symfony-bundle"`).
    SymfonyBundle,
    /// Laravel Dusk: the browser's server reads `.env` replaced by `.env.dusk.*`.
    LaravelDusk,
    /// CodeIgniter 4: the `tests` group of `app/Config/Database.php`, which
    /// `database.tests.*` variables (PHPUnit `<env>`, `.env`) override.
    CodeIgniter4,
    /// CodeIgniter 3 (with ci-phpunit-test): `$active_group` of
    /// `application/config/testing/database.php`, else of
    /// `application/config/database.php`.
    CodeIgniter3,
    /// CakePHP: the `test` datasource of `config/app.php` and
    /// `config/app_local.php` (its `url` variable first).
    CakePhp,
    /// WordPress's core test library (wordpress-develop's
    /// `tests/phpunit/includes/bootstrap.php`, or wp-phpunit's copy): the
    /// `DB_NAME` of `wp-tests-config.php`, whose `$table_prefix` tables it
    /// drops and installs again before every run.
    WordPressCore,
    /// A PHPUnit run that boots no application: its `<env>` is all it gets.
    PlainPhpunit,
    /// `node ace test`: `.env.test.local` > `.env.test` > `.env`.
    AdonisJs,
    /// A `package.json` test script (or a runner started directly).
    NodeScript,
    /// Rails: `config/database.yml`'s `test` entry, dotenv-rails.
    Rails,
    /// Spring Boot: `application*.{properties,yml}` and the test classes.
    SpringBoot,
    /// ASP.NET Core: a `WebApplicationFactory` and `appsettings*.json`.
    AspNetCore,
    /// `go test` of a package whose test code loads a configuration file.
    GoTest,
}

impl RunFramework {
    /// Whether every run of the framework reaches a database, whatever its
    /// manifests say: WordPress's core test library installs WordPress into
    /// MySQL before the first test.
    pub fn always_uses_database(self) -> bool {
        self == RunFramework::WordPressCore
    }

    pub fn describe(self) -> &'static str {
        match self {
            RunFramework::Laravel => "Laravel",
            RunFramework::Lumen => "Lumen",
            RunFramework::Symfony => "Symfony",
            RunFramework::SymfonyBundle => "a Symfony bundle's test kernel",
            RunFramework::LaravelDusk => "Laravel Dusk",
            RunFramework::CodeIgniter4 => "CodeIgniter 4",
            RunFramework::CodeIgniter3 => "CodeIgniter 3",
            RunFramework::CakePhp => "CakePHP",
            RunFramework::WordPressCore => "WordPress core test library",
            RunFramework::PlainPhpunit => "PHPUnit",
            RunFramework::AdonisJs => "AdonisJS",
            RunFramework::NodeScript => "Node",
            RunFramework::Rails => "Rails",
            RunFramework::SpringBoot => "Spring Boot",
            RunFramework::AspNetCore => "ASP.NET Core",
            RunFramework::GoTest => "Go",
        }
    }
}

/// One way a suite is started, in any ecosystem (SPEC: the test-run model):
/// where it starts, its runner and framework, the layers its environment is
/// built from (highest precedence first), the [`super::TestEnv`] that holds
/// the effective settings its rules judge, and what its ecosystem knows
/// about it ([`RunFacts`]).
#[derive(Clone, Debug)]
pub struct TestRun {
    /// For humans: "Laravel test run (phpunit.xml)", "`npm test` (package.json)".
    pub name: String,
    /// The ecosystem whose runner starts it.
    pub family: RunnerFamily,
    pub framework: RunFramework,
    /// The runner, for humans: `PHPUnit`, `Jest`, `rspec`, `go test`.
    pub runner: String,
    /// Where the run is started: the runner configuration's element, the
    /// script, the test class or helper that decides it.
    pub entry: Span,
    /// The folder it runs in (the project's).
    pub dir: String,
    pub layers: Vec<Layer>,
    /// The effective environment of its layers, one setting per variable
    /// with its provenance: filled by the resolve stage.
    pub effective: Vec<Setting>,
    /// Index into [`super::Workspace::envs`] of its effective settings, when
    /// they are judged as a test environment.
    pub env: Option<usize>,
    pub facts: RunFacts,
}

/// What a run's ecosystem knows about it beyond its layers.
#[derive(Clone, Debug)]
pub enum RunFacts {
    /// A PHPUnit run of a PHP framework (and AdonisJS's `node ace test`).
    Php {
        /// A dotenv file the loader would read that the repository lacks.
        missing_env_file: Option<MissingEnvFile>,
        /// The framework's own database configuration computes the value
        /// in code: why, and where (CakePHP's `test` datasource).
        decided_in_code: Option<(String, Span)>,
        /// The run writes only tables under a prefix of its own
        /// (WordPress's core test library).
        table_prefix: Option<TablePrefix>,
    },
    Node(NodeRun),
    Rails(RailsRun),
    Spring(Box<super::jvm::SpringRun>),
    Dotnet(super::dotnet::DotnetRun),
    Go(super::GoTestLoad),
}

impl TestRun {
    /// The setting that decides `key` in this run (after the resolve stage),
    /// with where it came from; `None` when no layer sets it, or the one
    /// that decides unsets it.
    pub fn decided(&self, key: &str) -> Option<&Setting> {
        self.effective.iter().find(|s| s.key.value == key)
    }

    /// The file the run is started from (for PHP, its PHPUnit config).
    pub fn config(&self) -> FileId {
        self.entry.file
    }

    pub fn missing_env_file(&self) -> Option<&MissingEnvFile> {
        match &self.facts {
            RunFacts::Php {
                missing_env_file, ..
            } => missing_env_file.as_ref(),
            _ => None,
        }
    }

    pub fn node(&self) -> Option<&NodeRun> {
        match &self.facts {
            RunFacts::Node(n) => Some(n),
            _ => None,
        }
    }

    pub fn rails(&self) -> Option<&RailsRun> {
        match &self.facts {
            RunFacts::Rails(r) => Some(r),
            _ => None,
        }
    }

    pub fn spring(&self) -> Option<&super::jvm::SpringRun> {
        match &self.facts {
            RunFacts::Spring(s) => Some(s.as_ref()),
            _ => None,
        }
    }

    pub fn dotnet(&self) -> Option<&super::dotnet::DotnetRun> {
        match &self.facts {
            RunFacts::Dotnet(d) => Some(d),
            _ => None,
        }
    }

    pub fn go(&self) -> Option<&super::GoTestLoad> {
        match &self.facts {
            RunFacts::Go(g) => Some(g),
            _ => None,
        }
    }

    pub fn table_prefix(&self) -> Option<&TablePrefix> {
        match &self.facts {
            RunFacts::Php { table_prefix, .. } => table_prefix.as_ref(),
            _ => None,
        }
    }

    /// A PHPUnit (or AdonisJS) run whose environment a PHP framework's
    /// loader builds.
    pub fn is_php(&self) -> bool {
        matches!(self.facts, RunFacts::Php { .. })
    }
}

/// The tables a run creates and drops, where they are only those under a
/// prefix: WordPress's core test library drops every core table named with
/// the `$table_prefix` of `wp-tests-config.php` and installs WordPress
/// again (`includes/install.php`); other tables of the database survive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TablePrefix {
    /// `wptests_`.
    pub prefix: String,
    /// Where it is written; `None` for a default (wp-phpunit's `wptests_`).
    pub at: Option<Span>,
    /// The prefix of the site that may share the database: its
    /// `wp-config.php`'s, else WordPress's default `wp_`.
    pub site_prefix: String,
    pub site_prefix_at: Option<Span>,
    /// The site's own database (`DB_NAME` of its `wp-config.php`), when
    /// the repository holds it.
    pub site_database: Option<SiteDatabase>,
}

/// The database of the site a run's tables may share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteDatabase {
    pub name: String,
    pub at: Span,
    /// Its server, when written as a literal (`DB_HOST`).
    pub host: Option<String>,
}

impl TablePrefix {
    /// Whether the run's tables are its own: a prefix other than the
    /// site's, so the site's tables survive the install's drops.
    pub fn confines(&self) -> bool {
        !self.prefix.eq_ignore_ascii_case(&self.site_prefix)
    }

    /// The site's database, when the run's database (`name` on `host`) is
    /// it: the same name, on the same server where both say which.
    pub fn site_database_of(&self, name: &str, host: Option<&str>) -> Option<&SiteDatabase> {
        let norm = |h: &str| match h.split(':').next().unwrap_or(h) {
            "127.0.0.1" | "::1" | "" => "localhost".to_string(),
            h => h.to_ascii_lowercase(),
        };
        self.site_database.as_ref().filter(|s| {
            s.name == name
                && match (host, s.host.as_deref()) {
                    (Some(a), Some(b)) => norm(a) == norm(b),
                    _ => true,
                }
        })
    }
}

/// A test env file a run's loader looks for and the repository lacks: the
/// loader then falls back to the development file (Laravel: `.env`).
#[derive(Clone, Debug)]
pub struct MissingEnvFile {
    /// Its path, relative to the scan root (`.env.testing`).
    pub path: String,
    /// The file the loader reads instead (`.env`).
    pub fallback: String,
    /// The `.gitignore` line that keeps it out of the repository, if one does.
    pub ignored_by: Option<Span>,
    /// The setting that makes the loader look for it (`APP_ENV=testing`).
    pub chosen_by: Option<Span>,
}

/// One Node test entry point (`npm test`, `npm run test:e2e`) resolved to
/// the runner it starts and the layers its environment is built from.
#[derive(Clone, Debug)]
pub struct NodeRun {
    pub package: FileId,
    /// The script's command, where a finding about the entry point points.
    pub script_span: Span,
    /// The runner leaves `NODE_ENV` unset (Mocha, tape, `node --test`; Jest,
    /// Vitest and AVA set `test` when it is unset).
    pub runner_leaves_node_env: bool,
    pub runner_span: Span,
    /// Indices of the run's layers the script itself adds (inline assignments,
    /// `dotenv -e`/`env-cmd` files): a runner started directly (`npx jest`,
    /// an editor's test button) gets only the others.
    pub script_layers: Vec<usize>,
    /// Env files a wrapper or setup file loads that the repository lacks.
    pub missing: Vec<MissingNodeEnvFile>,
    /// What loads the development `.env` into this run, if anything does
    /// (`Prisma 5 loads .env itself`), with the layer's index.
    pub dev_loader: Option<(String, usize)>,
    /// The development `.env` that loader reads (relative to the scan root).
    pub dev_dotenv: Option<String>,
    /// A setup file the runner config names was not read: what it loads
    /// is unknown.
    pub unread_setup: bool,
    /// The run picks its database in code (an in-memory server,
    /// testcontainers, a mocked client): no name-based finding.
    pub isolated: Option<String>,
    /// The package declares or loads dotenv for its app (`dotenv`,
    /// `@nestjs/config`, Strapi): the developer's `.env` reaches the process.
    pub app_loads_dotenv: Option<String>,
    /// Shell commands the suite's code runs that wipe a database (see
    /// [`ShellReset`]).
    pub shell_resets: Vec<ShellReset>,
}

/// A shell command a suite's code runs (`execSync`, `cy.exec`) that wipes a
/// database: the one its own configuration names (artisan's `.env`, `psql
/// -d app`), which the run's layers do not decide.
#[derive(Clone, Debug)]
pub struct ShellReset {
    /// The command as the code writes it.
    pub call: Span,
    /// What a message may quote of it: the script file or package script
    /// it runs; `None` when the command itself wipes (it can carry a
    /// password, so only its idiom is named).
    pub shown: Option<String>,
    /// The idiom that wipes (`TRUNCATE`, `migrate:fresh`) and what it does.
    pub idiom: &'static str,
    pub what: &'static str,
    /// Where the idiom is: in the command, the script file it runs, or the
    /// package script it runs.
    pub at: Span,
}

/// A file a Node run's wrapper or setup names and the repository lacks.
#[derive(Clone, Debug)]
pub struct MissingNodeEnvFile {
    /// Relative to the scan root.
    pub path: String,
    /// Where it is named.
    pub span: Span,
    /// "dotenv-cli skips a missing file silently"; empty for a loader that
    /// fails on it (`env-cmd -f`, `node --env-file=`).
    pub behaviour: &'static str,
    /// The loader goes on without it (the run starts on whatever else it loads).
    pub skipped: bool,
    /// The `.gitignore` line that keeps it out, if one does.
    pub ignored_by: Option<Span>,
}

/// A Rails app's test run as far as its database goes: dotenv-rails loads
/// `.env.test.local`, `.env.test`, then `.env` in test, none overwriting
/// (bkeepers/dotenv `lib/dotenv/rails.rb`), and Active Record merges
/// `DATABASE_URL` over the `test` entry of `config/database.yml`, where it
/// wins (guides.rubyonrails.org/configuring.html).
#[derive(Clone, Debug)]
pub struct RailsRun {
    pub database_yml: FileId,
    /// Where the Gemfile requires dotenv-rails (or dotenv 3) in test.
    pub dotenv_gem: Span,
    /// That gem's name, for messages.
    pub dotenv_gem_name: &'static str,
    /// The `test` entry sets a `url` of its own: `DATABASE_URL` does not
    /// merge into it.
    pub entry_has_url: bool,
    /// Development templates in the app's folder (`.env.example`,
    /// `.env.sample`) a developer copies to `.env`, when `.env` itself is
    /// not in the repository.
    pub templates: Vec<FileId>,
}

/// The ecosystem a file belongs to: `Some(None)` for files every run may
/// read (dotenv files, `.gitignore`), `None` for files about other entry
/// points.
pub fn family_of(kind: SourceKind, path: &str) -> Option<Option<RunnerFamily>> {
    use RunnerFamily::*;
    let by_extension = || {
        if path.ends_with(".php") {
            Some(Php)
        } else if path.ends_with(".py") {
            Some(Python)
        } else {
            Some(Node)
        }
    };
    Some(match kind {
        SourceKind::Phpunit
        | SourceKind::ComposerJson
        | SourceKind::DoctrineConfig
        | SourceKind::LaravelConfigCache
        | SourceKind::Codeception => Some(Php),
        SourceKind::PytestToml
        | SourceKind::PytestIni
        | SourceKind::PyprojectToml
        | SourceKind::ToxIni
        | SourceKind::ToxToml
        | SourceKind::SetupCfg
        | SourceKind::Manifest => Some(Python),
        SourceKind::PackageJson | SourceKind::NodeCode | SourceKind::OrmConfig => Some(Node),
        SourceKind::TestCode | SourceKind::AppCode => by_extension(),
        SourceKind::FrameworkMarker => {
            let name = path.rsplit('/').next().unwrap_or(path);
            if name == "artisan" {
                Some(Php)
            } else if name == "manage.py" || name.starts_with("requirements") {
                Some(Python)
            } else {
                Some(Node)
            }
        }
        SourceKind::DotenvTest
        | SourceKind::DotenvDev
        | SourceKind::Envrc
        | SourceKind::DevShell
        | SourceKind::Gitignore
        | SourceKind::CallerEnvironment => None,
        SourceKind::GithubWorkflow
        | SourceKind::GitlabCi
        | SourceKind::GitlabCiInclude
        | SourceKind::ComposeFile
        | SourceKind::Dockerfile
        | SourceKind::TaskRunner
        | SourceKind::Readme
        | SourceKind::CopiedDotenv => return None,
        SourceKind::RailsDatabase | SourceKind::RubyTestHelper | SourceKind::Gemfile => Some(Ruby),
        SourceKind::ElixirConfig | SourceKind::MixProject => Some(Elixir),
        SourceKind::SpringConfig | SourceKind::JvmTestCode | SourceKind::JvmBuild => Some(Jvm),
        SourceKind::GoModule | SourceKind::GoTestCode | SourceKind::GoLoadedEnv => Some(Go),
        SourceKind::DotnetAppSettings | SourceKind::DotnetProject | SourceKind::DotnetTestCode => {
            Some(Dotnet)
        }
    })
}
