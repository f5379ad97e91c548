//! CI pipelines: which jobs and steps run tests, and the environment each one
//! hands them (GitHub Actions, GitLab CI). The CI job is the caller of the test
//! run: its variables are the top of the run's chain of layers.

mod commands;
pub mod github;
pub mod gitlab;
pub mod reads;

pub use commands::*;

use crate::model::{ParseIssue, Unreadable, Workspace};
use crate::source::{FileId, SourceFile, SourceKind};

/// What the commands of each CI test job do before its tests: the last
/// `artisan config:cache` (or `optimize`) that no later command clears.
pub fn annotate(envs: &mut [crate::model::TestEnv]) {
    for env in envs {
        let crate::model::Runner::Ci(ci) = &mut env.runner else {
            continue;
        };
        let mut cached = None;
        for cmd in &ci.commands {
            if caches_laravel_config(&cmd.value) {
                cached = Some(cmd.span);
            } else if clears_laravel_config(&cmd.value) {
                cached = None;
            }
        }
        ci.caches_laravel_config = cached;
        if let Some(cmd) = &ci.test_command {
            let words: Vec<std::ffi::OsString> = crate::syntax::shell::texts(&cmd.value)
                .into_iter()
                .map(Into::into)
                .collect();
            if let Some(r) = crate::stacks::runners::recognise(&words) {
                ci.test_family = Some(r.family);
                ci.test_runner = Some(r.runner);
            }
        }
    }
}

/// CI pipelines: GitHub workflows (each file a pipeline) and GitLab
/// pipelines (a root file and the files it includes, read together).
#[derive(Default)]
pub struct Ci {
    /// The readable `.gitlab-ci.yml` files, read once their includes are known.
    gitlab_roots: Vec<FileId>,
}

impl super::stack::Stack for Ci {
    fn name(&self) -> &'static str {
        "CI pipelines"
    }

    fn kinds(&self) -> &'static [SourceKind] {
        &[
            SourceKind::GithubWorkflow,
            SourceKind::GitlabCi,
            SourceKind::GitlabCiInclude,
        ]
    }

    fn read_more(
        &self,
        tree: &dyn crate::tree::Tree,
        files: &mut Vec<SourceFile>,
        unreadable: &mut Vec<Unreadable>,
    ) {
        reads::gitlab_includes(tree, files, unreadable);
        reads::copied_dotenvs(tree, files);
    }

    fn parse_ahead(&self, kind: SourceKind) -> Option<super::stack::ParseAhead> {
        (kind == SourceKind::GithubWorkflow).then_some(github::parse as super::stack::ParseAhead)
    }

    fn read_file(
        &mut self,
        id: FileId,
        file: &SourceFile,
        ahead: Option<super::stack::Parsed>,
        ws: &mut Workspace,
        issues: &mut Vec<ParseIssue>,
    ) {
        // a workflow comes parsed ahead; a GitLab pipeline waits for its includes
        if let Some((envs, errs)) = ahead {
            issues.extend(errs);
            ws.envs.extend(envs);
        } else if file.kind == SourceKind::GitlabCi {
            self.gitlab_roots.push(id);
        }
    }

    fn link(&mut self, ws: &mut Workspace, issues: &mut Vec<ParseIssue>) {
        for root in std::mem::take(&mut self.gitlab_roots) {
            let (envs, errs) = gitlab::parse(root, &ws.files);
            issues.extend(errs);
            ws.envs.extend(envs);
        }
        annotate(&mut ws.envs);
    }
}
