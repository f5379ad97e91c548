//! Elixir with Ecto (STACKS.md, "Elixir: Phoenix / Ecto"): what a test run's
//! repository connects to.

pub mod destruction;
pub mod ecto_config;
