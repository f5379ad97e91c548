//! Ruby on Rails: what a test run's database is
//! made of.

pub mod database_yml;
pub mod destruction;
pub mod gemfile;
pub mod invocation;
pub mod runs;

use crate::model::{ParseIssue, Workspace};
use crate::source::{FileId, SourceFile, SourceKind};

/// Ruby on Rails: `config/database.yml`, the test helpers, the runs and
/// the compose services that pin them.
pub struct Ruby;

impl crate::stacks::stack::Stack for Ruby {
    fn name(&self) -> &'static str {
        "Ruby"
    }

    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::RailsDatabase]
    }

    fn read_file(
        &mut self,
        id: FileId,
        file: &SourceFile,
        _ahead: Option<crate::stacks::stack::Parsed>,
        ws: &mut Workspace,
        _issues: &mut Vec<ParseIssue>,
    ) {
        for d in database_yml::read(id, file) {
            crate::model::project_in(&mut ws.projects, &d.project)
                .rails_databases
                .push(d);
        }
    }

    /// A Rails run needs no other stack's test environment: built here, so
    /// that the invoked command (phase 5) can set its `RAILS_ENV`.
    fn link(&mut self, ws: &mut Workspace, _issues: &mut Vec<ParseIssue>) {
        runs::build(ws);
        runs::compose_pins(ws);
    }

    fn invocation(&mut self, ws: &mut Workspace) {
        invocation::apply(ws);
    }

    fn evidence(&mut self, ws: &mut Workspace) {
        destruction::scan(ws);
    }
}
