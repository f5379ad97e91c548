//! Ruby on Rails (STACKS.md, "Ruby: Rails"): what a test run's database is
//! made of.

pub mod database_yml;
pub mod invocation;
