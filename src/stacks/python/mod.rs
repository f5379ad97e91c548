//! Python: pytest's configuration search, pytest-env and tox.

pub mod app_config;
pub mod conftest;
pub mod django;
pub mod dynaconf;
pub mod invocation;
pub mod launch;
pub mod modules;
pub mod parsed;
pub mod pytest;
pub mod pytest_dotenv;
pub mod reads;
pub mod tox;

use crate::model::{ParseIssue, Workspace};
use crate::source::{FileId, SourceFile, SourceKind};

/// Python: pytest's and tox's configuration, Django's settings, the
/// application's configuration classes, conftests and pytest plugins.
#[derive(Default)]
pub struct Python {
    /// Every pytest configuration file found; which one pytest reads is
    /// decided once all are known.
    pytest_candidates: Vec<crate::model::PytestConfig>,
    /// The application code, parsed once for every reader of the later phases.
    parsed: parsed::Parsed,
}

impl crate::stacks::stack::Stack for Python {
    fn name(&self) -> &'static str {
        "Python"
    }

    fn kinds(&self) -> &'static [SourceKind] {
        &[
            SourceKind::PytestIni,
            SourceKind::PytestToml,
            SourceKind::PyprojectToml,
            SourceKind::SetupCfg,
            SourceKind::ToxIni,
            SourceKind::ToxToml,
        ]
    }

    fn read_more(
        &self,
        tree: &dyn crate::tree::Tree,
        files: &mut Vec<SourceFile>,
        _unreadable: &mut Vec<crate::model::Unreadable>,
    ) {
        reads::settings_modules(tree, files);
        dynaconf::read(tree, files);
    }

    fn read_file(
        &mut self,
        id: FileId,
        file: &SourceFile,
        _ahead: Option<crate::stacks::stack::Parsed>,
        ws: &mut Workspace,
        issues: &mut Vec<ParseIssue>,
    ) {
        let parsed = pytest::parse(id, file);
        issues.extend(parsed.issues);
        self.pytest_candidates.extend(parsed.configs);
        ws.envs.extend(parsed.extra_envs);
        ws.envs.extend(tox::parse(id, file));
    }

    fn link(&mut self, ws: &mut Workspace, _issues: &mut Vec<ParseIssue>) {
        crate::resolve::python::pytest_configs(ws, std::mem::take(&mut self.pytest_candidates));
    }

    fn invocation(&mut self, ws: &mut Workspace) {
        invocation::apply(ws);
    }

    fn runs(&mut self, ws: &mut Workspace) {
        self.parsed = parsed::parse_all(ws);
        conftest::db_setup_overrides(ws, &self.parsed);
        django::build(ws, &self.parsed);
    }

    fn evidence(&mut self, ws: &mut Workspace) {
        conftest::scan(ws, &self.parsed);
        invocation::test_code_reads(ws);
        app_config::read(ws, &self.parsed);
        dynaconf::build(ws, &self.parsed);
        pytest_dotenv::read(ws);
    }
}
