//! Ruby on Rails: what a test run's database is
//! made of.

pub mod database_yml;
pub mod destruction;
pub mod gemfile;
pub mod invocation;
pub mod runs;
