//! Go modules: the configuration files test code loads.

use crate::source::{FileId, Span};

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

/// What a Go module's test code loads.
#[derive(Clone, Debug, Default)]
pub struct GoProject {
    /// The env and YAML files its test code loads, parsed.
    pub loaded_env: Vec<super::DevDotenv>,
}
