//! One ecosystem (Python, PHP, Node, Ruby, Elixir, the JVM, .NET, Go), or one
//! source of environment that every ecosystem's runs share (CI pipelines,
//! dotenv files, task runners, containers, documentation), as one [`Stack`].
//!
//! The model is built in phases, and in each phase every stack of the
//! registry ([`super::registry`]) takes its turn, in the registry's order.
//! A stack keeps what it gathers between phases in its own fields (the
//! pytest configurations it found, the Doctrine layouts, the parsed Python
//! modules): nothing of one framework is threaded through the driver.
//!
//! The phases, and why they are apart:
//! 1. [`Stack::read_more`]: the files a stack's configuration points at that
//!    no listing by name finds (included pipelines, settings modules, test
//!    code). Before the model: discovery and these reads give the file list.
//! 2. [`Stack::read_file`]: each file, in file order, handed to the stack
//!    whose kind it is ([`Stack::kinds`]). Test environments come out in file
//!    order whatever stack reads them.
//! 3. [`Stack::link`]: after every file, what a stack reads across files
//!    (a pipeline and its includes, Mix's config files together, Rails' and
//!    Spring's runs, which need no other stack's test environments).
//! 4. The driver gives every test environment its frameworks (which project
//!    it lies in); the phases below may ask them.
//! 5. [`Stack::invocation`]: under `testguard run`, what the invoked command
//!    says (its settings module, its `RAILS_ENV`).
//! 6. [`Stack::runs`]: the runs that stand on the test environments and
//!    their frameworks (PHPUnit and Codeception, Django, Node scripts,
//!    compose services).
//! 7. [`Stack::evidence`]: what the runs' code does to a database
//!    (destructive helpers, conftests, app configuration, documentation).

use crate::model::{ParseIssue, TestEnv, Unreadable, Workspace};
use crate::source::{FileId, SourceFile, SourceKind};

/// A parse whose result is test environments and the file's syntax errors.
pub type Parsed = (Vec<TestEnv>, Vec<ParseIssue>);

/// A parser that depends on nothing but its file: run on several threads
/// before the files are read in order.
pub type ParseAhead = fn(FileId, &SourceFile) -> Parsed;

pub trait Stack {
    /// What the stack is, for its documentation and its tests.
    fn name(&self) -> &'static str;

    /// The kinds of file whose reading is this stack's (phase 2). No two
    /// stacks read the same kind.
    fn kinds(&self) -> &'static [SourceKind] {
        &[]
    }

    /// Phase 1: files this stack's configuration names.
    fn read_more(
        &self,
        _tree: &dyn crate::tree::Tree,
        _files: &mut Vec<SourceFile>,
        _unreadable: &mut Vec<Unreadable>,
    ) {
    }

    /// The parser to run ahead, on several threads, for a costly kind.
    fn parse_ahead(&self, _kind: SourceKind) -> Option<ParseAhead> {
        None
    }

    /// Phase 2: one file of [`Stack::kinds`], with its parse when it was run
    /// ahead. `ws.files` is empty here: the file is handed over, the others
    /// wait for [`Stack::link`].
    fn read_file(
        &mut self,
        _id: FileId,
        _file: &SourceFile,
        _ahead: Option<Parsed>,
        _ws: &mut Workspace,
        _issues: &mut Vec<ParseIssue>,
    ) {
    }

    /// Phase 3: what the stack reads across its files.
    fn link(&mut self, _ws: &mut Workspace, _issues: &mut Vec<ParseIssue>) {}

    /// Phase 5: what the invoked command says (`testguard run` only has one).
    fn invocation(&mut self, _ws: &mut Workspace) {}

    /// Phase 6: the runs that stand on test environments and their frameworks.
    fn runs(&mut self, _ws: &mut Workspace) {}

    /// Phase 7: what the runs' code does to their database.
    fn evidence(&mut self, _ws: &mut Workspace) {}
}
