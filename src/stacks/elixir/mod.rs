//! Elixir with Ecto (Phoenix): what a test run's
//! repository connects to.

pub mod destruction;
pub mod ecto_config;
