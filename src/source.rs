//! Source files, byte spans and the line/column index.
//!
//! Every position testguard reports is a byte span into one file's text. Line
//! and column are derived once per file from a line index (columns count
//! characters, not bytes), so they can never disagree with the span.

use std::fmt;

/// Index of a file in the workspace's list of files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start,
            end: end.max(start),
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// This span clamped to `text` and widened to character boundaries: a
    /// parser's error position may fall inside a multi-byte character or past
    /// the end of a truncated file.
    pub fn fit(self, text: &str) -> Span {
        let mut start = self.start.min(text.len());
        let mut end = self.end.min(text.len()).max(start);
        while start > 0 && !text.is_char_boundary(start) {
            start -= 1;
        }
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        Span::new(self.file, start, end)
    }

    /// A sub-range given relative to this span's start.
    pub fn sub(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.start + start, self.start + end)
    }
}

/// What a recognised file is, decided from its name (and for a few, its folder).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// `pytest.toml`, `.pytest.toml`
    PytestToml,
    /// `pytest.ini`, `.pytest.ini`
    PytestIni,
    PyprojectToml,
    /// `tox.ini`: `[pytest]` and `[testenv*]` sections
    ToxIni,
    /// `tox.toml`
    ToxToml,
    /// `setup.cfg`: `[tool:pytest]`
    SetupCfg,
    /// A dotenv file that a test run loads (`.env.test`, `.env.testing`, `.env.ci`, …)
    DotenvTest,
    /// A dotenv file of the developer's own environment (`.env`, `.env.example`, …): context only
    DotenvDev,
    /// `phpunit.xml`, `phpunit.xml.dist`, `phpunit.dist.xml`, `phpunit.*.xml[.dist]`
    Phpunit,
    /// Context for framework detection
    ComposerJson,
    PackageJson,
    /// `manage.py`, `artisan`, `jest.config.*`, `vitest.config.*`, `requirements*.txt`: presence or text
    FrameworkMarker,
    /// `config/packages/doctrine.{yaml,php}` (the test kernel's `url:` and `dbname_suffix`)
    DoctrineConfig,
    /// Rails' `config/database.yml` (ERB, then YAML): each environment's database
    RailsDatabase,
    /// Elixir's `config/test.exs` and `config/dev.exs`: the Ecto repositories' settings
    ElixirConfig,
    /// rspec's `spec/rails_helper.rb` and `spec/spec_helper.rb`: whether the
    /// suite sets `RAILS_ENV` itself
    RubyTestHelper,
    /// `mix.exs`: a Mix project's aliases (a `test` alias that drops the
    /// database)
    MixProject,
    /// `Gemfile`, `Gemfile.lock`: which gems Bundler requires in each
    /// environment, and their versions
    Gemfile,
    /// Spring Boot's `application[-profile].{properties,yml,yaml}` under
    /// `src/main/resources` or `src/test/resources`
    SpringConfig,
    /// Spring test sources (`src/test/java/**/*.java`, `src/test/kotlin/**/*.kt`),
    /// read per module for the classes that start a context
    JvmTestCode,
    /// `pom.xml`, `build.gradle`, `build.gradle.kts`: where a JVM module is
    JvmBuild,
    /// `appsettings.json`, `appsettings.{Environment}.json`: an ASP.NET Core
    /// app's configuration
    DotnetAppSettings,
    /// `*.csproj`: a .NET project and the projects it references
    DotnetProject,
    /// C# of a test project that references `Microsoft.AspNetCore.Mvc.Testing`,
    /// read for its `WebApplicationFactory`
    DotnetTestCode,
    /// `go.mod`: where a Go module is, and the modules it requires
    GoModule,
    /// `Pipfile`, `setup.py`: a Python project's dependencies (which
    /// database client it uses)
    Manifest,
    /// A Go module's `*_test.go` files, read for what their setup loads
    GoTestCode,
    /// An env file Go test code loads by name (`app.env` through viper)
    GoLoadedEnv,
    /// `bootstrap/cache/config.php` of a Laravel app: counts by its presence
    LaravelConfigCache,
    /// `.github/workflows/*.yml|yaml`
    GithubWorkflow,
    /// `.gitlab-ci.yml`
    GitlabCi,
    /// A file a `.gitlab-ci.yml` includes with `include: local`
    GitlabCiInclude,
    /// `compose.yaml`, `docker-compose*.yml`: what a service's environment carries
    ComposeFile,
    /// `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`: `ENV` lines
    Dockerfile,
    /// `.envrc` (direnv): exports to every command run in its folder
    Envrc,
    /// `devenv.nix`: the variables a devenv shell exports (`env.*`,
    /// `enterShell`'s `export` lines)
    DevShell,
    /// `.gitignore`: which files a repository keeps out on purpose (TG106)
    Gitignore,
    /// Test code of a project whose runs are judged (`tests/**/*.php`), read
    /// for destructive evidence (RefreshDatabase, TRUNCATE…)
    TestCode,
    /// Application code a framework configures itself with, read shallowly
    /// (Django settings modules, `conftest.py`, Laravel's
    /// `config/database.php`): found by where a run's configuration points,
    /// not by name, except `conftest.py`
    AppCode,
    /// A dotenv file under a name no loader reads (`.env.deploy`) that a CI
    /// script copies over `.env`: read for the values it passes on
    CopiedDotenv,
    /// Codeception's `codeception.yml` and `tests/*.suite.yml`: the modules a
    /// suite enables (`Db` with its own `dsn`, `Laravel` with its
    /// `environment_file`)
    Codeception,
    /// A task runner's file (`Taskfile.yml`, `Makefile`): what its test
    /// targets load into the environment
    TaskRunner,
    /// A project's `README.md`: its documented setup commands are what a
    /// developer runs before the tests
    Readme,
    /// JavaScript/TypeScript a Node test run loads, read shallowly: runner
    /// configs (`jest.config.*`, `vitest.config.*`, `playwright.config.*`),
    /// the setup files they name, `NODE_ENV` config modules
    /// (`config/env/test.js`), and the suite's helpers (destructive evidence)
    NodeCode,
    /// An ORM's connection file: TypeORM's `ormconfig.*` (and its
    /// `.example`), Prisma's `schema.prisma`
    OrmConfig,
    /// `testguard run`: the variables of the real process environment that
    /// can decide a test run (databases, environment names, settings
    /// modules), one `KEY=value` per line. Not a file on disk: its path is
    /// [`CALLER_ENVIRONMENT_PATH`].
    CallerEnvironment,
}

/// The path a finding about the caller's environment is reported under.
pub const CALLER_ENVIRONMENT_PATH: &str = "(your environment)";

impl SourceKind {
    /// Why testguard reads a file of this kind, for `--show-files`.
    pub fn describe(self) -> &'static str {
        match self {
            SourceKind::PytestToml | SourceKind::PytestIni => "pytest configuration",
            SourceKind::PyprojectToml => "pyproject.toml: pytest, tox, dependencies",
            SourceKind::ToxIni | SourceKind::ToxToml => "tox configuration (and its [pytest])",
            SourceKind::SetupCfg => "setup.cfg: [tool:pytest]",
            SourceKind::DotenvTest => "dotenv file a test run loads",
            SourceKind::DotenvDev => "development dotenv file (what tests must not reach)",
            SourceKind::Phpunit => "PHPUnit configuration",
            SourceKind::ComposerJson => "composer.json: PHP framework and test scripts",
            SourceKind::PackageJson => "package.json: test scripts and dependencies",
            SourceKind::FrameworkMarker => {
                "framework marker or test-runner configuration (manage.py, artisan, jest/vitest/playwright config, requirements)"
            }
            SourceKind::DoctrineConfig => "Doctrine configuration (the test database)",
            SourceKind::RailsDatabase => "Rails config/database.yml",
            SourceKind::ElixirConfig => "Elixir configuration (Ecto repositories)",
            SourceKind::RubyTestHelper => "rspec/minitest helper (RAILS_ENV, DatabaseCleaner)",
            SourceKind::MixProject => "mix.exs: the test alias",
            SourceKind::Gemfile => "Gemfile / Gemfile.lock: gems loaded in test",
            SourceKind::SpringConfig => "Spring Boot application configuration",
            SourceKind::JvmTestCode => "JVM test source (context annotations, isolation)",
            SourceKind::JvmBuild => "Maven/Gradle build: test profiles and properties",
            SourceKind::DotnetAppSettings => "ASP.NET Core appsettings",
            SourceKind::DotnetProject => ".NET project: its references",
            SourceKind::DotnetTestCode => ".NET test code (WebApplicationFactory)",
            SourceKind::GoModule => "go.mod: a Go module and its dependencies",
            SourceKind::Manifest => "Pipfile / setup.py: a Python project's dependencies",
            SourceKind::GoTestCode => "Go test file (what its setup loads)",
            SourceKind::GoLoadedEnv => "configuration file Go test code loads",
            SourceKind::LaravelConfigCache => "Laravel's cached configuration (present)",
            SourceKind::GithubWorkflow => "GitHub Actions workflow",
            SourceKind::GitlabCi => "GitLab CI configuration",
            SourceKind::GitlabCiInclude => "file a .gitlab-ci.yml includes",
            SourceKind::ComposeFile => "compose file: the environment of services that run tests",
            SourceKind::Dockerfile => "Dockerfile: ENV of images that run tests",
            SourceKind::Envrc => "direnv .envrc: what a developer's shell exports",
            SourceKind::DevShell => "devenv.nix: what a developer's shell exports",
            SourceKind::Gitignore => ".gitignore: whether a test env file is kept out",
            SourceKind::TestCode => "test code (what it does to the database)",
            SourceKind::AppCode => {
                "application or test-setup code a run's configuration points at (settings, conftest.py, config/database.php)"
            }
            SourceKind::CopiedDotenv => "dotenv file a CI script copies over .env",
            SourceKind::Codeception => "Codeception configuration",
            SourceKind::TaskRunner => "Makefile / Taskfile: test targets",
            SourceKind::Readme => "README: documented test setup commands",
            SourceKind::NodeCode => {
                "JS/TS a Node test run loads (runner config, setup files, config modules, helpers)"
            }
            SourceKind::OrmConfig => "ORM connection file (TypeORM, Prisma)",
            SourceKind::CallerEnvironment => "your environment",
        }
    }

    /// Whether a file of this kind is reported on (parse errors, findings); the
    /// others are read only for context.
    pub fn is_config(self) -> bool {
        !matches!(
            self,
            SourceKind::ComposerJson
                | SourceKind::PackageJson
                | SourceKind::FrameworkMarker
                | SourceKind::DoctrineConfig
                | SourceKind::RubyTestHelper
                | SourceKind::Gemfile
                | SourceKind::MixProject
                | SourceKind::Manifest
                | SourceKind::LaravelConfigCache
                | SourceKind::ComposeFile
                | SourceKind::Dockerfile
                | SourceKind::Envrc
                | SourceKind::DevShell
                | SourceKind::Gitignore
                | SourceKind::TestCode
                | SourceKind::AppCode
                | SourceKind::Readme
                | SourceKind::CopiedDotenv
                | SourceKind::Codeception
                | SourceKind::TaskRunner
                | SourceKind::NodeCode
                | SourceKind::OrmConfig
                | SourceKind::CallerEnvironment
                | SourceKind::JvmTestCode
                | SourceKind::JvmBuild
                | SourceKind::GoModule
                | SourceKind::GoTestCode
                | SourceKind::DotnetProject
                | SourceKind::DotnetTestCode
        )
    }

    /// Whether the file's text is needed at all (markers such as `artisan` and
    /// `manage.py` count by their presence).
    pub fn needs_text(self, file_name: &str) -> bool {
        match self {
            SourceKind::FrameworkMarker => {
                // runner configs are read on demand (`tree::read_node_code`)
                file_name.starts_with("requirements")
                    || file_name == "manage.py"
                    || file_name.starts_with("playwright.config.")
            }
            SourceKind::LaravelConfigCache => false,
            // listed by discovery, read per module (`tree::read_go_code`)
            SourceKind::GoTestCode => false,
            // Prisma's schema counts by its presence (Prisma ≤ 6 loads `.env`)
            SourceKind::OrmConfig => file_name != "schema.prisma",
            _ => true,
        }
    }
}

/// One file read from the working tree (or, later, the index).
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the scan root, `/`-separated.
    pub path: String,
    pub kind: SourceKind,
    pub text: String,
    /// The byte ranges of the secrets the model found in this file's settings
    /// (the text patterns and live keys are found when it is masked).
    pub secret_ranges: Vec<std::ops::Range<usize>>,
    /// A setting of the model was read from this file.
    pub holds_settings: bool,
    /// The same text with every secret byte replaced by `*`, made the first
    /// time a snippet or a scrub needs it: a clean run masks nothing.
    masked: std::sync::OnceLock<String>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: String, kind: SourceKind, text: String) -> Self {
        let line_starts = line_starts(&text);
        SourceFile {
            path,
            kind,
            secret_ranges: Vec::new(),
            holds_settings: false,
            masked: std::sync::OnceLock::new(),
            text,
            line_starts,
        }
    }

    /// A file whose snippets show its text as it is (testguard's own
    /// configuration, which holds no secrets).
    pub fn shown_unmasked(self) -> Self {
        let _ = self.masked.set(self.text.clone());
        self
    }

    /// Where the masked copy of the text is kept once [`crate::mask`] has
    /// made it (every secret byte `*`, the same length as the text).
    pub fn masked_cache(&self) -> &std::sync::OnceLock<String> {
        &self.masked
    }

    /// The folder holding this file, relative to the scan root (`""` for the root).
    pub fn dir(&self) -> &str {
        match self.path.rfind('/') {
            Some(i) => &self.path[..i],
            None => "",
        }
    }

    pub fn file_name(&self) -> &str {
        match self.path.rfind('/') {
            Some(i) => &self.path[i + 1..],
            None => &self.path,
        }
    }

    /// 1-based line and 1-based character column of a byte offset. Offsets
    /// inside a multi-byte character count as that character; `\r\n` and a
    /// lone `\r` both end a line; a leading byte order mark takes no column.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let mut start = self.line_starts.get(line).copied().unwrap_or(0);
        // a UTF-8 byte order mark is invisible in every editor: not a column
        if line == 0 && self.text.starts_with('\u{feff}') && offset >= 3 {
            start = 3;
        }
        let mut end = offset;
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text.get(start..end).map_or(0, |s| s.chars().count()) + 1;
        (line + 1, column)
    }

    /// The text of a span, or `""` if it does not lie on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// A value with the span it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_all_line_endings() {
        let f = SourceFile::new("a".into(), SourceKind::DotenvTest, "ab\r\nçd=x\rz\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 1));
        // `d` follows a two-byte `ç`: byte 6, character column 2
        assert_eq!(f.line_col(6), (2, 2));
        assert_eq!(f.line_col(10), (3, 1));
        assert_eq!(f.line_col(99), (4, 1));
    }

    #[test]
    fn fit_clamps_and_widens_to_characters() {
        let text = "a🦀b";
        let s = Span::new(FileId(0), 2, 99).fit(text);
        assert_eq!((s.start, s.end), (1, text.len()));
        let s = Span::new(FileId(0), 2, 3).fit(text);
        assert_eq!((s.start, s.end), (1, 5));
    }
}
