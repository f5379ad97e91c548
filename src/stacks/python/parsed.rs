//! Every Python file of the application code a stack may read, parsed once
//! and in parallel: tree-sitter-python costs tens of microseconds even for a
//! small settings module, and a monorepo holds hundreds of them.

use std::collections::HashMap;

use crate::model::Workspace;
use crate::source::SourceKind;
use crate::syntax::python::{self, Module};

/// Parsed modules by file index.
pub type Parsed = HashMap<usize, Module>;

/// Parses the application code files that can matter: conftests, modules
/// that assign `DATABASES` or star-import one that may, and settings objects
/// (`env_file`, Starlette `Config(`, Flask's `SQLALCHEMY_DATABASE_URI`,
/// a module's own `load_dotenv`, Dynaconf objects).
pub fn parse_all(ws: &Workspace) -> Parsed {
    let wanted: Vec<(usize, &str)> = ws
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == SourceKind::AppCode && f.path.ends_with(".py"))
        .filter(|(_, f)| {
            f.file_name() == "conftest.py"
                || [
                    "DATABASES",
                    "import *",
                    "env_file",
                    "load_dotenv",
                    "Config(",
                    "SQLALCHEMY_DATABASE_URI",
                    "Dynaconf(",
                    "LazySettings(",
                ]
                .iter()
                .any(|w| f.text.contains(w))
        })
        .map(|(i, f)| (i, f.text.as_str()))
        .collect();
    crate::stacks::parallel_map(&wanted, |(i, t)| (*i, python::parse(t)))
        .into_iter()
        .collect()
}
