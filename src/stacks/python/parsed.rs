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
/// (`env_file`, Starlette `Config(`, Flask's `SQLALCHEMY_DATABASE_URI`).
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
                    "Config(",
                    "SQLALCHEMY_DATABASE_URI",
                ]
                .iter()
                .any(|w| f.text.contains(w))
        })
        .map(|(i, f)| (i, f.text.as_str()))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(wanted.len().max(1));
    if threads <= 1 || wanted.len() < 8 {
        return wanted
            .into_iter()
            .map(|(i, t)| (i, python::parse(t)))
            .collect();
    }
    let chunk = wanted.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = wanted
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|(i, t)| (*i, python::parse(t)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            // a parse that panicked leaves its files unparsed: unknown
            .filter_map(|h| h.join().ok())
            .flatten()
            .collect()
    })
}
