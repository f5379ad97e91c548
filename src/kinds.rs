//! Which file is which, from its path alone: the names each ecosystem's
//! tools read (a runner's configuration, a dependency manifest, a dotenv
//! file, a CI pipeline), as a [`SourceKind`]. The walk (`discover`) and the
//! index (`git`) ask it; the stacks use the same names to place a file
//! (which Spring module, which ASP.NET Core environment).

use crate::source::SourceKind;

/// Folders that hold dependencies or tool state, never the project's own
/// configuration; pruned before the walk descends into them.
pub const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "vendor",
    "bower_components",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    "site-packages",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".pnpm-store",
    ".yarn",
    ".next",
    ".nuxt",
];

/// Words in a dotenv suffix that make it a file a test run loads.
const DOTENV_TEST_WORDS: &[&str] = &["test", "tests", "testing", "ci", "dusk", "e2e"];
/// Suffix words of the developer's own dotenv files (context for TG105, TG302).
const DOTENV_DEV_WORDS: &[&str] = &[
    "example",
    "sample",
    "dist",
    "local",
    "development",
    "dev",
    "template",
    "defaults",
    "default",
    "complete",
];

/// The `files:` pattern of the pre-commit / prek hook
/// (`.pre-commit-hooks.yaml`): every file testguard may read, by name —
/// the configuration [`classify`] recognises, testguard's own
/// configuration, and the code and data a run's configuration can point
/// at (settings modules, setup files, test helpers, `config/database.php`,
/// test classes, included CI files), which are read by where they are
/// named, not by name. A commit touching none of them cannot change a
/// finding. Python's `re` and Rust's `regex` read it alike; a test holds
/// the hook file to it and every file the fixtures read to the pattern.
pub const HOOK_FILES_PATTERN: &str = concat!(
    r"(^|/)(",
    // Python
    r"\.?pytest\.(ini|toml)|pyproject\.toml|tox\.(ini|toml)|setup\.(cfg|py)|Pipfile|requirements([^/]*|/[^/]*)\.txt",
    // Dynaconf's settings files (YAML ones are matched below)
    r"|(\.secrets|settings)[^/]*\.toml",
    // PHP, Node, Ruby, Elixir, JVM, .NET, Go manifests
    r"|composer\.(json|lock)|package\.json|artisan|Gemfile(\.lock)?|mix\.exs|pom\.xml|build\.gradle(\.kts)?|go\.mod|[^/]*\.csproj",
    // dotenv files, direnv, devenv
    r"|\.env([.-][^/]*)?|[^/]*\.env|\.envrc|devenv\.nix",
    // runner and framework configuration
    r"|phpunit(\.[^/]*)?\.xml(\.dist)?|\.?codeception(\.dist)?\.yml|parameters\.ya?ml\.dist|(jest|vitest|vite|playwright)\.config\.[^/]*|\.mocharc[^/]*",
    r"|ormconfig\.[^/]*|schema\.prisma|\.sequelizerc|knexfile\.[^/]*|appsettings[^/]*\.json|launchSettings\.json",
    r"|application[^/]*\.(properties|ya?ml)|config/[^/]*\.json",
    // CI, containers, task runners, READMEs, `.gitignore`, testguard's own
    r"|\.gitlab-ci\.yml|(docker-)?compose[^/]*\.ya?ml|Dockerfile[^/]*|[^/]*\.[Dd]ockerfile",
    r"|[Tt]askfile\.ya?ml|[Mm]akefile|GNUmakefile|README\.md|\.gitignore|testguard\.toml",
    // shell scripts: the one that runs a PHP suite (`bin/test.sh`), the ones
    // a suite's code runs (`execSync('./scripts/reset-db.sh')`)
    r"|[^/]*\.sh",
    // YAML (workflows, database.yml, doctrine, suites, includes) and the code a run points at
    r"|[^/]*\.(ya?ml|py|php|rb|exs?|[cm]?[jt]s|[jt]sx|java|kt|cs|go)",
    r")$",
);

/// Decides from a path (relative, `/`-separated) what kind of file it is.
pub fn classify(rel_path: &str) -> Option<SourceKind> {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let kind = match name {
        "pytest.toml" | ".pytest.toml" => SourceKind::PytestToml,
        "pytest.ini" | ".pytest.ini" => SourceKind::PytestIni,
        "pyproject.toml" => SourceKind::PyprojectToml,
        "tox.ini" => SourceKind::ToxIni,
        "tox.toml" => SourceKind::ToxToml,
        "setup.cfg" => SourceKind::SetupCfg,
        "composer.json" => SourceKind::ComposerJson,
        "package.json" => SourceKind::PackageJson,
        "manage.py" | "artisan" => SourceKind::FrameworkMarker,
        ".env" => SourceKind::DotenvDev,
        ".gitlab-ci.yml" => SourceKind::GitlabCi,
        ".envrc" => SourceKind::Envrc,
        "devenv.nix" => SourceKind::DevShell,
        "Gemfile" | "Gemfile.lock" => SourceKind::Gemfile,
        "mix.exs" => SourceKind::MixProject,
        "pom.xml" | "build.gradle" | "build.gradle.kts" => SourceKind::JvmBuild,
        "go.mod" => SourceKind::GoModule,
        "Pipfile" | "setup.py" => SourceKind::Manifest,
        ".gitignore" => SourceKind::Gitignore,
        // pytest's per-directory fixtures: where a suite isolates or wipes its database
        "conftest.py" => SourceKind::AppCode,
        // where Flask config classes, pydantic-settings and Starlette `Config`
        // live (and Django's single-file settings); Flask's `ext/configuration.py`
        // is where `FlaskDynaconf(app)` is made
        "config.py" | "settings.py" | "configuration.py" => SourceKind::AppCode,
        "Taskfile.yml" | "Taskfile.yaml" | "taskfile.yml" | "taskfile.yaml" | "Makefile"
        | "makefile" | "GNUmakefile" => SourceKind::TaskRunner,
        // `.env-test` (python-dotenv, pydantic setups); `example.env` (a dev template)
        ".env-test" | ".env-testing" => SourceKind::DotenvTest,
        "example.env" | "sample.env" => SourceKind::DotenvDev,
        _ => return classify_pattern(rel_path, name),
    };
    Some(kind)
}

fn classify_pattern(rel_path: &str, name: &str) -> Option<SourceKind> {
    let parent = rel_path
        .len()
        .checked_sub(name.len() + 1)
        .and_then(|e| rel_path.get(..e))
        .unwrap_or("");
    if (parent == ".github/workflows" || parent.ends_with("/.github/workflows"))
        && (name.ends_with(".yml") || name.ends_with(".yaml"))
    {
        return Some(SourceKind::GithubWorkflow);
    }
    // a REUSE licence sidecar (`.env.test.license`) is not the file it licenses
    if name.ends_with(".license") {
        return None;
    }
    if let Some(suffix) = name.strip_prefix(".env.") {
        let words: Vec<String> = suffix
            .split(['.', '-', '_'])
            .map(str::to_lowercase)
            .collect();
        if words
            .iter()
            .any(|w| DOTENV_TEST_WORDS.contains(&w.as_str()) || w.starts_with("dusk"))
        {
            return Some(SourceKind::DotenvTest);
        }
        if words.iter().all(|w| DOTENV_DEV_WORDS.contains(&w.as_str())) {
            return Some(SourceKind::DotenvDev);
        }
        return None;
    }
    // `.codeception.yml`: a hidden configuration, run with `codecept run -c`
    if matches!(
        name.trim_start_matches('.'),
        "codeception.yml" | "codeception.dist.yml"
    ) || name.ends_with(".suite.yml")
        || name.ends_with(".suite.dist.yml")
    {
        return Some(SourceKind::Codeception);
    }
    if let Some(rest) = name.strip_prefix("phpunit.") {
        let rest = rest.strip_suffix(".dist").unwrap_or(rest);
        if rest == "xml" || rest.ends_with(".xml") {
            return Some(SourceKind::Phpunit);
        }
        return None;
    }
    if name.starts_with("ormconfig.") || name == "schema.prisma" {
        return Some(SourceKind::OrmConfig);
    }
    let config_prefix = [
        "jest.config.",
        "vitest.config.",
        // Vitest's configuration when the package has no vitest.config.*
        "vite.config.",
        ".mocharc",
        "playwright.config.",
    ];
    if config_prefix.iter().any(|p| name.starts_with(p)) {
        return Some(SourceKind::FrameworkMarker);
    }
    if name.starts_with("requirements") && name.ends_with(".txt") {
        return Some(SourceKind::FrameworkMarker);
    }
    if is_compose_name(name) {
        return Some(SourceKind::ComposeFile);
    }
    if name == "Dockerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
    {
        return Some(SourceKind::Dockerfile);
    }
    if name.ends_with(".csproj") {
        return Some(SourceKind::DotnetProject);
    }
    // listed here, read per Go module (`tree::read_go_code`)
    if name.ends_with("_test.go") {
        return Some(SourceKind::GoTestCode);
    }
    if name.starts_with("appsettings") && appsettings_environment(name).is_some() {
        return Some(SourceKind::DotnetAppSettings);
    }
    if name.starts_with("application")
        && spring_place(rel_path).is_some()
        && spring_profile(name).is_some()
    {
        return Some(SourceKind::SpringConfig);
    }
    let in_config = parent == "config" || parent.ends_with("/config");
    if name == "database.yml" && in_config {
        return Some(SourceKind::RailsDatabase);
    }
    if matches!(name, "test.exs" | "dev.exs" | "config.exs" | "runtime.exs") && in_config {
        return Some(SourceKind::ElixirConfig);
    }
    if (name == "rails_helper.rb" || name == "spec_helper.rb")
        && (parent == "spec" || parent.ends_with("/spec"))
        || name == "test_helper.rb" && (parent == "test" || parent.ends_with("/test"))
        || name == "database_cleaner.rb"
            && (parent == "spec/support" || parent.ends_with("/spec/support"))
    {
        return Some(SourceKind::RubyTestHelper);
    }
    if name == "doctrine.yaml" || name == "doctrine.yml" || name == "doctrine.php" {
        let in_packages = rel_path.contains("config/packages/");
        return in_packages.then_some(SourceKind::DoctrineConfig);
    }
    None
}

/// `compose.yaml`, `docker-compose.yml`, `docker-compose.test.yml`,
/// `compose.override.yaml`… (Compose's own names and their overlays).
fn is_compose_name(name: &str) -> bool {
    let stem = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
        .unwrap_or("");
    stem == "compose"
        || stem == "docker-compose"
        || stem.starts_with("compose.")
        || stem.starts_with("docker-compose.")
        || stem.starts_with("docker-compose-")
}

/// A cheap test on a file name alone that every name [`classify`] accepts
/// passes: the walk builds a relative path only for these (about one file in
/// a hundred in a real repository).
pub fn may_be_candidate(name: &str) -> bool {
    let b = name.as_bytes();
    match b.first() {
        Some(b'.') => {
            name.starts_with(".env")
                || name == ".gitignore"
                || name.starts_with(".pytest.")
                || name.starts_with(".mocharc")
                || name == ".gitlab-ci.yml"
                || name.ends_with(".yml")
                || name.ends_with(".yaml")
        }
        Some(b'p') => {
            name.starts_with("pytest.")
                || name.starts_with("phpunit.")
                || name == "pyproject.toml"
                || name == "package.json"
                || name == "pom.xml"
                || name.starts_with("playwright.config.")
                || name.ends_with(".yml")
                || name.ends_with(".yaml")
        }
        Some(_) => {
            matches!(
                name,
                "tox.ini"
                    | "tox.toml"
                    | "setup.cfg"
                    | "composer.json"
                    | "manage.py"
                    | "conftest.py"
                    | "doctrine.php"
                    | "Makefile"
                    | "makefile"
                    | "GNUmakefile"
                    | "config.py"
                    | "settings.py"
                    | "configuration.py"
                    | "artisan"
                    | "example.env"
                    | "sample.env"
                    | "test.exs"
                    | "dev.exs"
                    | "config.exs"
                    | "runtime.exs"
                    | "devenv.nix"
                    | "Gemfile"
                    | "Gemfile.lock"
                    | "mix.exs"
                    | "rails_helper.rb"
                    | "spec_helper.rb"
                    | "test_helper.rb"
                    | "database_cleaner.rb"
                    | "build.gradle"
                    | "build.gradle.kts"
                    | "go.mod"
                    | "Pipfile"
                    | "setup.py"
            ) || name.starts_with("jest.config.")
                || name.starts_with("application")
                || name.starts_with("appsettings")
                || name.ends_with(".csproj")
                || name.ends_with("_test.go")
                || name.starts_with("vitest.config.")
                || name.starts_with("vite.config.")
                || name.starts_with("playwright.config.")
                || name.starts_with("ormconfig.")
                || name == "schema.prisma"
                || name.starts_with("requirements")
                || name.starts_with("Dockerfile")
                || name.ends_with("ockerfile")
                || name.ends_with(".yml")
                || name.ends_with(".yaml")
        }
        None => false,
    }
}

/// `appsettings.json` → `Some(None)`, `appsettings.Development.json` →
/// `Some(Some("Development"))`.
pub fn appsettings_environment(name: &str) -> Option<Option<String>> {
    let stem = name.strip_suffix(".json")?;
    let rest = stem.strip_prefix("appsettings")?;
    if rest.is_empty() {
        return Some(None);
    }
    let env = rest.strip_prefix('.')?;
    (!env.is_empty() && !env.contains('.')).then(|| Some(env.to_string()))
}

/// The module folder and classpath root of a configuration file's path, and
/// its resource name: `shop/src/test/resources/application.yml` →
/// (`shop`, Test, `application.yml`).
pub fn spring_place(rel_path: &str) -> Option<(String, ClasspathRoot, &str)> {
    let (dir, name) = rel_path.rsplit_once('/')?;
    // `classpath:/config/` is a location of its own (JHipster keeps its
    // files there): the resource name keeps the folder
    let (dir, name) = match dir.strip_suffix("/config") {
        Some(d) if d.ends_with("src/main/resources") || d.ends_with("src/test/resources") => {
            (d, &rel_path[d.len() + 1..])
        }
        _ => (dir, name),
    };
    let (module, root) = if let Some(m) = dir.strip_suffix("src/main/resources") {
        (m, ClasspathRoot::Main)
    } else if let Some(m) = dir.strip_suffix("src/test/resources") {
        (m, ClasspathRoot::Test)
    } else {
        return None;
    };
    if !(module.is_empty() || module.ends_with('/')) {
        return None;
    }
    Some((module.trim_end_matches('/').to_string(), root, name))
}

/// `application.yml` → `Some(None)`, `application-dev.properties` →
/// `Some(Some("dev"))`, anything else → `None`.
pub fn spring_profile(name: &str) -> Option<Option<String>> {
    let stem = name
        .strip_suffix(".properties")
        .or_else(|| name.strip_suffix(".yml"))
        .or_else(|| name.strip_suffix(".yaml"))?;
    let rest = stem.strip_prefix("application")?;
    if rest.is_empty() {
        return Some(None);
    }
    let profile = rest.strip_prefix('-')?;
    (!profile.is_empty()).then(|| Some(profile.to_string()))
}

/// Where on the test classpath a configuration file stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClasspathRoot {
    /// `src/main/resources`: the application's own.
    Main,
    /// `src/test/resources`: first on the test classpath, so a file of the
    /// same name replaces main's (spring-boot#12809).
    Test,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decide_the_kind() {
        use SourceKind::*;
        let cases = [
            ("pytest.ini", Some(PytestIni)),
            ("a/.pytest.toml", Some(PytestToml)),
            ("apps/web/.env.test", Some(DotenvTest)),
            (".env.testing.local", Some(DotenvTest)),
            (".env.test.example", Some(DotenvTest)),
            (".env.ci", Some(DotenvTest)),
            (".env.dusk.local", Some(DotenvTest)),
            (".env", Some(DotenvDev)),
            (".env.example", Some(DotenvDev)),
            ("tests/Api.suite.yml", Some(Codeception)),
            ("codeception.yml", Some(Codeception)),
            ("app/tests/conftest.py", Some(AppCode)),
            ("shop/config.py", Some(AppCode)),
            ("Taskfile.yml", Some(TaskRunner)),
            ("api/Makefile", Some(TaskRunner)),
            (".env.dev.example", Some(DotenvDev)),
            (".env.production", None),
            (".env.latest", None),
            ("phpunit.xml.dist", Some(Phpunit)),
            ("phpunit.dist.xml", Some(Phpunit)),
            ("phpunit.pgsql.xml", Some(Phpunit)),
            ("phpunit.ci.xml.dist", Some(Phpunit)),
            ("phpunit.php", None),
            ("config/packages/doctrine.yaml", Some(DoctrineConfig)),
            ("config/database.yml", Some(RailsDatabase)),
            ("apps/shop/config/database.yml", Some(RailsDatabase)),
            ("database.yml", None),
            ("config/database.yml.example", None),
            ("config/test.exs", Some(ElixirConfig)),
            ("src/main/resources/application.yml", Some(SpringConfig)),
            (
                "shop/src/test/resources/application-test.properties",
                Some(SpringConfig),
            ),
            (
                "shop/src/main/resources/application-dev.yaml",
                Some(SpringConfig),
            ),
            ("shop/src/main/resources/applicationContext.xml", None),
            ("config/application.yml", None),
            (
                "src/main/resources/config/application-dev.yml",
                Some(SpringConfig),
            ),
            ("pom.xml", Some(JvmBuild)),
            ("svc/go.mod", Some(GoModule)),
            ("svc/db/main_test.go", Some(GoTestCode)),
            ("svc/db/main.go", None),
            (
                "src/Web/appsettings.Development.json",
                Some(DotnetAppSettings),
            ),
            ("appsettings.json", Some(DotnetAppSettings)),
            ("tests/Web.Tests/Web.Tests.csproj", Some(DotnetProject)),
            ("shop/build.gradle.kts", Some(JvmBuild)),
            ("apps/user/config/dev.exs", Some(ElixirConfig)),
            ("test/test_helper.exs", None),
            ("config/prod.exs", None),
            ("config/runtime.exs", Some(ElixirConfig)),
            ("apps/user/config/config.exs", Some(ElixirConfig)),
            ("lib/config.exs", None),
            ("spec/rails_helper.rb", Some(RubyTestHelper)),
            ("test/test_helper.rb", Some(RubyTestHelper)),
            ("spec/support/database_cleaner.rb", Some(RubyTestHelper)),
            ("lib/database_cleaner.rb", None),
            ("engines/shop/spec/spec_helper.rb", Some(RubyTestHelper)),
            ("lib/rails_helper.rb", None),
            ("config/packages/doctrine.php", Some(DoctrineConfig)),
            ("frontend/.env.test.license", None),
            (".env-test", Some(DotenvTest)),
            ("example.env", Some(DotenvDev)),
            ("docker-compose.test.yml", Some(ComposeFile)),
            ("compose.yaml", Some(ComposeFile)),
            ("docker/php/Dockerfile", Some(Dockerfile)),
            (".envrc", Some(Envrc)),
            ("nix/flake-modules/devenv.nix", Some(DevShell)),
            ("devenv.nix", Some(DevShell)),
            ("Gemfile", Some(Gemfile)),
            ("engines/shop/Gemfile", Some(Gemfile)),
            ("Gemfile.lock", Some(Gemfile)),
            ("apps/user/mix.exs", Some(MixProject)),
            ("app/.gitignore", Some(Gitignore)),
            ("doctrine.yaml", None),
            ("README.md", None),
            ("requirements/dev.txt", None),
            ("requirements-dev.txt", Some(FrameworkMarker)),
            (".github/workflows/ci.yml", Some(GithubWorkflow)),
            ("app/.github/workflows/t.yaml", Some(GithubWorkflow)),
            (".github/workflows/ci.yml.template", None),
            (".github/workflows/sub/ci.yml", None),
            (".gitlab-ci.yml", Some(GitlabCi)),
        ];
        for (path, want) in cases {
            assert_eq!(classify(path), want, "{path}");
            if want.is_some() {
                let name = path.rsplit('/').next().unwrap_or(path);
                assert!(
                    may_be_candidate(name),
                    "{path} must pass the name pre-check"
                );
            }
        }
        for name in [
            "file1.py",
            "README.md",
            "index.js",
            ".gitattributes",
            "Cargo.toml",
        ] {
            assert!(!may_be_candidate(name), "{name}");
        }
    }
}

#[cfg(test)]
mod hook_pattern_tests {
    use super::HOOK_FILES_PATTERN;
    use crate::source::SourceKind;

    /// A path of each kind testguard reads; the match is exhaustive, so a new
    /// kind does not compile until it has one (and is added to `ALL`).
    fn example(kind: SourceKind) -> &'static str {
        match kind {
            SourceKind::PytestToml => "pytest.toml",
            SourceKind::PytestIni => "svc/.pytest.ini",
            SourceKind::PyprojectToml => "pyproject.toml",
            SourceKind::ToxIni => "tox.ini",
            SourceKind::ToxToml => "tox.toml",
            SourceKind::SetupCfg => "setup.cfg",
            SourceKind::DotenvTest => "api/.env.testing.local",
            SourceKind::DotenvDev => "example.env",
            SourceKind::Phpunit => "phpunit.dist.xml",
            SourceKind::ComposerJson => "composer.lock",
            SourceKind::PackageJson => "web/package.json",
            SourceKind::FrameworkMarker => "requirements/base.txt",
            SourceKind::DoctrineConfig => "config/packages/test/doctrine.php",
            SourceKind::RailsDatabase => "config/database.yml",
            SourceKind::ElixirConfig => "config/runtime.exs",
            SourceKind::RubyTestHelper => "spec/support/database_cleaner.rb",
            SourceKind::MixProject => "mix.exs",
            SourceKind::Gemfile => "Gemfile.lock",
            SourceKind::SpringConfig => "src/test/resources/application-test.yml",
            SourceKind::JvmTestCode => "src/test/kotlin/AppTest.kt",
            SourceKind::JvmBuild => "build.gradle.kts",
            SourceKind::DotnetAppSettings => "Api/appsettings.Development.json",
            SourceKind::DotnetProject => "Api.Tests/Api.Tests.csproj",
            SourceKind::DotnetTestCode => "Api.Tests/Factory.cs",
            SourceKind::GoModule => "go.mod",
            SourceKind::GoTestCode => "store/store_test.go",
            SourceKind::GoLoadedEnv => "app.env",
            SourceKind::LaravelConfigCache => "bootstrap/cache/config.php",
            SourceKind::GithubWorkflow => ".github/workflows/ci.yaml",
            SourceKind::GitlabCi => ".gitlab-ci.yml",
            SourceKind::GitlabCiInclude => "ci/test.gitlab-ci.yml",
            SourceKind::ComposeFile => "compose.override.yaml",
            SourceKind::Dockerfile => "docker/app.Dockerfile",
            SourceKind::Envrc => ".envrc",
            SourceKind::DevShell => "devenv.nix",
            SourceKind::Gitignore => ".gitignore",
            SourceKind::TestCode => "tests/Feature/UserTest.php",
            SourceKind::AppCode => "config/database.php",
            SourceKind::CopiedDotenv => "deploy/.env.deploy",
            SourceKind::Codeception => "tests/acceptance.suite.dist.yml",
            SourceKind::TaskRunner => "GNUmakefile",
            SourceKind::Readme => "README.md",
            SourceKind::NodeCode => "test/setup.mts",
            SourceKind::OrmConfig => "prisma/schema.prisma",
            // not a file: the caller's environment under `testguard run`
            SourceKind::CallerEnvironment => ".env",
            SourceKind::Manifest => "Pipfile",
        }
    }

    const ALL: &[SourceKind] = &[
        SourceKind::PytestToml,
        SourceKind::Manifest,
        SourceKind::PytestIni,
        SourceKind::PyprojectToml,
        SourceKind::ToxIni,
        SourceKind::ToxToml,
        SourceKind::SetupCfg,
        SourceKind::DotenvTest,
        SourceKind::DotenvDev,
        SourceKind::Phpunit,
        SourceKind::ComposerJson,
        SourceKind::PackageJson,
        SourceKind::FrameworkMarker,
        SourceKind::DoctrineConfig,
        SourceKind::RailsDatabase,
        SourceKind::ElixirConfig,
        SourceKind::RubyTestHelper,
        SourceKind::MixProject,
        SourceKind::Gemfile,
        SourceKind::SpringConfig,
        SourceKind::JvmTestCode,
        SourceKind::JvmBuild,
        SourceKind::DotnetAppSettings,
        SourceKind::DotnetProject,
        SourceKind::DotnetTestCode,
        SourceKind::GoModule,
        SourceKind::GoTestCode,
        SourceKind::GoLoadedEnv,
        SourceKind::LaravelConfigCache,
        SourceKind::GithubWorkflow,
        SourceKind::GitlabCi,
        SourceKind::GitlabCiInclude,
        SourceKind::ComposeFile,
        SourceKind::Dockerfile,
        SourceKind::Envrc,
        SourceKind::DevShell,
        SourceKind::Gitignore,
        SourceKind::TestCode,
        SourceKind::AppCode,
        SourceKind::CopiedDotenv,
        SourceKind::Codeception,
        SourceKind::TaskRunner,
        SourceKind::Readme,
        SourceKind::NodeCode,
        SourceKind::OrmConfig,
        SourceKind::CallerEnvironment,
    ];

    #[test]
    fn every_kind_fires_the_hook() {
        let re = regex::Regex::new(HOOK_FILES_PATTERN).expect("compiles");
        for kind in ALL {
            let path = example(*kind);
            assert!(re.is_match(path), "{kind:?}: {path}");
        }
    }

    #[test]
    fn every_name_discovery_recognises_fires_the_hook() {
        let re = regex::Regex::new(HOOK_FILES_PATTERN).expect("compiles");
        for path in [
            "pytest.ini",
            ".env",
            ".env-test",
            ".env.dusk.local",
            "sample.env",
            "phpunit.xml.dist",
            "phpunit.ci.xml",
            "codeception.yml",
            "jest.config.cjs",
            "vitest.config.mts",
            "vite.config.ts",
            ".mocharc.json",
            "ormconfig.json.example",
            "docker-compose.test.yml",
            "Dockerfile.ci",
            "Taskfile.yml",
            "makefile",
            "manage.py",
            "artisan",
            "config/packages/doctrine.yaml",
            "test/test_helper.rb",
            "appsettings.json",
            "src/main/resources/application.properties",
        ] {
            assert!(
                super::classify(path).is_some(),
                "{path} is no longer discovered: update this list"
            );
            assert!(re.is_match(path), "{path}");
        }
    }
}
