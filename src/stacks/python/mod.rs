//! Python: pytest's configuration search, pytest-env and tox.

pub mod app_config;
pub mod conftest;
pub mod django;
pub mod invocation;
pub mod modules;
pub mod parsed;
pub mod pytest;
pub mod pytest_dotenv;
pub mod reads;
pub mod tox;
