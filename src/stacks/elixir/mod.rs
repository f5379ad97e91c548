//! Elixir with Ecto (Phoenix): what a test run's
//! repository connects to.

pub mod destruction;
pub mod ecto_config;

use crate::model::{ParseIssue, Workspace};
use crate::source::{FileId, SourceFile, SourceKind};

/// Elixir: Mix's config files (`config/*.exs`), each Ecto repository's
/// settings per environment, and what `mix test` does to the database.
pub struct Elixir;

impl crate::stacks::stack::Stack for Elixir {
    fn name(&self) -> &'static str {
        "Elixir"
    }

    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::ElixirConfig]
    }

    fn read_file(
        &mut self,
        id: FileId,
        file: &SourceFile,
        _ahead: Option<crate::stacks::stack::Parsed>,
        ws: &mut Workspace,
        _issues: &mut Vec<ParseIssue>,
    ) {
        for w in ecto_config::read(id, file) {
            crate::model::project_in(&mut ws.projects, &w.project)
                .elixir
                .config_writes
                .push(w);
        }
    }

    /// Mix's config files are one program: the writes of those the
    /// project loads, resolved together (Mix's precedence is `resolve`'s).
    fn link(&mut self, ws: &mut Workspace, _issues: &mut Vec<ParseIssue>) {
        ecto_config::drop_unloaded(ws);
        let writes: Vec<crate::model::ConfigWrite> = ws.config_writes().cloned().collect();
        for d in crate::resolve::ecto_settings(&writes) {
            ws.project_mut(&d.project.clone()).elixir.databases.push(d);
        }
    }

    fn evidence(&mut self, ws: &mut Workspace) {
        destruction::scan(ws);
    }
}
