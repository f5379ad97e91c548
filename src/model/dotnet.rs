//! ASP.NET Core test runs: the settings of each
//! project's `appsettings*.json`, the `WebApplicationFactory` each test
//! project starts its app with, and the run that gives.

use crate::source::{FileId, Span};

use super::Setting;

/// One setting of an `appsettings[.{Environment}].json`, keyed the way the
/// configuration system keys it (`ConnectionStrings:Default`, compared
/// case-insensitively).
#[derive(Clone, Debug)]
pub struct AppSetting {
    /// The project folder (the app's content root).
    pub project: String,
    pub file: FileId,
    /// `appsettings.Development.json` → `Development`; `None` for
    /// `appsettings.json`.
    pub environment: Option<String>,
    pub setting: Setting,
}

/// A `WebApplicationFactory` of a test project: how it starts the app.
#[derive(Clone, Debug)]
pub struct WebFactory {
    /// The test project's folder (the `.csproj`'s).
    pub test_project: String,
    pub file: FileId,
    /// Where the factory is declared or created.
    pub span: Span,
    /// `UseEnvironment("Testing")`: the environment, else Development.
    pub environment: Option<(String, Span)>,
    /// What replaces the app's database for the tests (`RemoveAll` of the
    /// DbContext options with an in-memory provider, Testcontainers, a
    /// `UseSetting("ConnectionStrings:…")`), with where.
    pub isolation: Option<(String, Span)>,
    /// `EnsureDeleted()` in the test project's code.
    pub ensure_deleted: Option<Span>,
}

/// One test run of an ASP.NET Core app: a factory, the app it starts, and
/// the connection strings it ends up with.
#[derive(Clone, Debug)]
pub struct DotnetRun {
    pub factory: WebFactory,
    /// The app's project folder (its content root).
    pub app: String,
    /// The environment the app runs in.
    pub environment: String,
    /// Effective `ConnectionStrings:*` settings, each the one that decided
    /// (`appsettings.{Environment}.json` over `appsettings.json`).
    pub connection_strings: Vec<AppSetting>,
}

/// What an ASP.NET Core project's settings files say.
#[derive(Clone, Debug, Default)]
pub struct DotnetProject {
    /// Every setting of every `appsettings*.json`.
    pub app_settings: Vec<AppSetting>,
}
