//! Precedence, in one place: the stage after the stacks.
//!
//! A stack lists each test run's layers the way its framework's loader
//! applies them, highest precedence first, each with its write rule; this
//! stage turns them into the effective environment of every run (for every
//! variable, the setting of the highest layer that holds it, with its
//! provenance) and applies each framework's own precedence: Mix's
//! configuration order ([`ecto`]), Spring's profiles and property sources
//! ([`spring`]), pytest's and pytest-django's ([`python`]), ASP.NET Core's
//! settings files ([`dotnet`]). `lint`, `testguard run` and `testguard runs` call the
//! same code; only the caller layer differs (unknown in `lint`, the real
//! environment in `run`).
//!
//! A stack may call [`decide`] while it builds a run whose loader itself
//! depends on a value (Laravel reads `.env.{APP_ENV}`): the precedence it
//! applies is this module's, never its own.

pub mod account;
pub mod dotnet;
pub mod ecto;
pub mod layers;
pub mod python;
mod spring;

pub use ecto::ecto_settings;
pub use layers::{decide, effective, interpolate};
pub use spring::spring_runs;

use crate::model::Workspace;

/// The stage: every run's effective environment, and each framework's
/// precedence where the rules read it.
pub fn stage(ws: &mut Workspace) {
    for run in &mut ws.runs {
        run.effective = effective(&run.layers);
        // phpdotenv and Symfony Dotenv expand `${VAR}` from what is loaded
        // (Node's dotenv does not, unless dotenv-expand is called)
        if run.is_php() {
            interpolate(&mut run.effective);
        }
    }
    python::order_settings_modules(ws);
}
