//! Python projects: pytest's configurations, settings objects that load a
//! dotenv file, Flask config classes, and what test code reads and writes.

use crate::source::{FileId, Span};

use super::{ConfigValue, Setting};

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
    /// For a module that loads the file itself (`load_dotenv()`): its
    /// dotted name from the project's root (`src.config`), by which test
    /// code reaches it.
    pub module: Option<String>,
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

/// A Dynaconf settings object (`Dynaconf(...)`, `FlaskDynaconf(app)`) and
/// what its settings files hold for each environment.
#[derive(Clone, Debug)]
pub struct DynaconfSettings {
    pub project: String,
    /// The call that builds it.
    pub call: Span,
    /// For humans: `FlaskDynaconf`, `Dynaconf`.
    pub what: String,
    /// Whether its files hold one section per environment (`[development]`,
    /// `[testing]`); without, every top-level key applies to every run.
    pub environments: bool,
    /// The variable that picks the environment: `ENV_FOR_DYNACONF`, or
    /// `FLASK_ENV` under `FlaskDynaconf`, or the object's `env_switcher`.
    pub switcher: String,
    /// The settings files read, in the order Dynaconf loads them.
    pub files: Vec<FileId>,
    /// Each database key of the files: the section it is in (lower case;
    /// `""` at the top without environments), the key as written, its
    /// value and where, in load order (a later value wins).
    pub values: Vec<DynaconfValue>,
    /// What the test run does about the environment.
    pub test_env: DynaconfChoice,
}

impl DynaconfSettings {
    /// The environment a run gets: the test run's pick, else `development`.
    pub fn env_name(&self) -> &str {
        match &self.test_env {
            DynaconfChoice::Env(e, _, _) => e,
            _ => "development",
        }
    }

    /// The value of each database key in `env`, as Dynaconf merges the
    /// sections: `[global]`, else the environment's, else `[default]`
    /// (without environments, the top-level keys).
    pub fn merged(&self, env: &str) -> Vec<&DynaconfValue> {
        let d = self;
        let order: Vec<&str> = if d.environments {
            vec!["global", env, "default"]
        } else {
            vec![""]
        };
        let mut keys: Vec<String> = d
            .values
            .iter()
            .map(|v| v.key.to_ascii_uppercase())
            .collect();
        keys.dedup();
        let mut seen: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for k in keys {
            if seen.contains(&k) {
                continue;
            }
            seen.push(k.clone());
            let found = order.iter().find_map(|section| {
                d.values
                    .iter()
                    .rev()
                    .find(|v| v.section == *section && v.key.eq_ignore_ascii_case(&k))
            });
            if let Some(v) = found {
                out.push(v);
            }
        }
        out
    }
}

#[derive(Clone, Debug)]
pub struct DynaconfValue {
    pub section: String,
    pub key: String,
    pub value: String,
    pub span: Span,
}

/// How a project's test run picks the Dynaconf environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DynaconfChoice {
    /// An environment named as a literal: its name, where, and how
    /// (`FORCE_ENV_FOR_DYNACONF` handed to the app factory, a pytest-env
    /// entry, a conftest's `os.environ[...] =` before any import).
    Env(String, Span, String),
    /// Code switches it where testguard cannot say what ran before (a
    /// `setenv` in a fixture, `configure` on another settings object).
    Code(Span, String),
    /// Nothing in the run: the caller's variable, else `development`.
    Default,
}

/// A database variable a project's test code reads from the environment.
#[derive(Clone, Debug)]
pub struct TestCodeEnvRead {
    pub project: String,
    pub key: String,
    pub span: Span,
}

/// What a Python project's files say about its test runs.
#[derive(Clone, Debug, Default)]
pub struct PythonProject {
    /// `manage.py` lives here (a Django project root).
    pub has_manage_py: bool,
    /// The pytest configuration candidates of this folder, in pytest's
    /// search order (the first that matches is read, the others shadowed).
    pub pytest_configs: Vec<PytestConfig>,
    /// Settings objects that load a dotenv file into database settings
    /// (pydantic-settings `env_file`, Starlette `Config(".env")`, pytest-dotenv).
    pub dotenv_settings: Vec<PythonDotenvSettings>,
    /// Flask-style config classes of each module that sets
    /// `SQLALCHEMY_DATABASE_URI` in one of them.
    pub flask_config_modules: Vec<FlaskConfigModule>,
    /// What the project's conftests hand the app factory.
    pub flask_choices: Vec<FlaskChoice>,
    /// Dynaconf settings objects of the project's code, with their files.
    pub dynaconf: Vec<DynaconfSettings>,
    /// Database variables its test code reads from the environment with no
    /// default (`os.environ["DATABASE_URL"]` in a conftest fixture).
    pub test_code_env_reads: Vec<TestCodeEnvRead>,
    /// The modules its conftests import at their top (`src.db` of `from
    /// src.db import engine`), and whether one builds an engine of its own
    /// (`create_engine(…)`): what the suite's fixtures connect with.
    pub conftest_imports: Vec<String>,
    pub conftest_builds_engine: bool,
    /// A conftest sets `SQLALCHEMY_DATABASE_URI` on the app after its
    /// factory has returned (`app = create_app(); app.config[…] = …`): where.
    pub flask_late_uri: Option<Span>,
    /// The project depends on Flask-SQLAlchemy 3 or later (or unpinned, which
    /// installs it): `init_app` creates the engine from the configuration
    /// then and never reads it again.
    pub flask_sqlalchemy_binds_at_init: bool,
    /// Variables its test code writes into the environment
    /// (`os.environ["X"] = …`, `monkeypatch.setenv`).
    pub test_code_env_writes: Vec<TestCodeEnvRead>,
    /// A conftest's own `django_db_setup` fixture that does not request
    /// pytest-django's: no test database is created.
    pub django_db_setup_override: Option<DjangoDbSetupOverride>,
    /// Where the settings module a Django run here names leaves `DATABASES`
    /// to code testguard cannot decide (an `if` on the environment, a
    /// missing module), with why: what `runs` says for it.
    pub django_databases_undecided: Option<(crate::source::Span, String)>,
}

/// pytest-django's `django_db_setup` creates the test databases; a
/// conftest fixture of that name replaces it ("Using an existing, external
/// database for tests", pytest-django docs) unless it requests the original
/// as a parameter (then it only adds to it).
#[derive(Clone, Debug)]
pub struct DjangoDbSetupOverride {
    /// The fixture's name in the conftest.
    pub span: crate::source::Span,
    /// Its body does nothing: the tests run on the settings' `DATABASES`
    /// as configured. Otherwise its code decides (it usually rewrites
    /// `settings.DATABASES`).
    pub empty: bool,
    /// Its body writes a literal `settings.DATABASES['default'] = {…}`
    /// (there, unconditionally): the tests use that database as written.
    pub sets: Option<crate::source::Span>,
}

impl DjangoDbSetupOverride {
    /// The tests use the database the run's settings name, as they are:
    /// the fixture does nothing, or writes that database itself.
    pub fn uses_settings_as_read(&self) -> bool {
        self.empty || self.sets.is_some()
    }
}
