//! testguard keeps test suites away from real data.
//!
//! The data flows one way:
//!
//! ```text
//! discover ─▶ tree ─▶ syntax/* ─▶ stacks/<ecosystem>/* ─▶ model (TestRun, layers)
//!          ─▶ resolve ─▶ rules/* ─▶ engine stages ─▶ report/*
//! ```
//!
//! [`discover`] lists candidate files, [`tree`] reads them, [`syntax`] parses
//! each syntax with exact spans, [`stacks`] knows what each framework reads
//! and builds the [`model`], [`resolve`] applies the framework's precedence to
//! the layers of every test run, [`rules`] judge the effective values, the
//! [`engine`] runs the pipeline and its stages over the findings, and
//! [`report`] renders them.

#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod database;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod error;
pub mod fix;
pub mod git;
pub mod kinds;
pub mod mask;
pub mod model;
pub mod parallel;
pub mod paths;
pub mod policy;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod run;
pub mod source;
pub mod stacks;
pub mod suggest;
pub mod suppress;
pub mod syntax;
pub mod tree;

pub use engine::{
    MAX_DIAGNOSTICS_PER_FILE, Outcome, Scope, lint, lint_files, lint_staged, lint_tree,
};
pub use error::RunError;
pub use tree::{MAX_FILE_SIZE, ReadFailure, Tree, WorkTree, check_size, read_files};
