//! The dotenv files of every ecosystem: a test dotenv file is a test
//! environment of its own (its loader, and which runs read it, are the
//! stacks' to say), a development one is the developer's context. Whether a
//! line the parser refuses is an error depends on the loader of the project
//! the file lies in, known once every manifest is read.

use crate::model::{DevDotenv, EnvSource, ParseIssue, Runner, Setting, TestEnv, Via, Workspace};
use crate::source::{FileId, SourceFile, SourceKind, Span, Spanned};
use crate::syntax::dotenv;

use super::stack::{Parsed, Stack};

/// `.env.test`, `.env`, and the syntax errors that their loaders refuse.
#[derive(Default)]
pub struct DotenvFiles {
    /// Syntax errors, kept until the loaders are known.
    issues: Vec<DotenvIssue>,
}

impl Stack for DotenvFiles {
    fn name(&self) -> &'static str {
        "dotenv files"
    }

    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::DotenvTest, SourceKind::DotenvDev]
    }

    fn read_file(
        &mut self,
        id: FileId,
        file: &SourceFile,
        _ahead: Option<Parsed>,
        ws: &mut Workspace,
        _issues: &mut Vec<ParseIssue>,
    ) {
        let (env, errs) = dotenv_env(id, file);
        self.issues.extend(errs);
        if file.kind == SourceKind::DotenvTest {
            ws.test_dotenv_dirs.push((file.dir().to_string(), id));
            ws.envs.push(env);
        } else {
            ws.dev_dotenvs.push(DevDotenv {
                file: id,
                dir: file.dir().to_string(),
                settings: env.settings,
            });
        }
    }

    /// A dotenv file is malformed only for the loaders that read it.
    fn link(&mut self, ws: &mut Workspace, issues: &mut Vec<ParseIssue>) {
        for d in std::mem::take(&mut self.issues) {
            let dir = ws.file(d.issue.span.file).dir().to_string();
            let keep = match dotenv_loader(&ws.projects, &dir) {
                DotenvLoader::Strict => true,
                DotenvLoader::SkipsBadLines => false,
                DotenvLoader::Other => !d.strict_only,
            };
            if keep {
                issues.push(d.issue);
            }
        }
    }
}

/// A syntax error of a dotenv file, and whether only strict loaders reject it
/// (`KEY: value`, which godotenv and compose accept).
pub struct DotenvIssue {
    issue: ParseIssue,
    strict_only: bool,
}

/// How the loaders that read a folder's dotenv files treat a line they
/// cannot parse.
enum DotenvLoader {
    /// phpdotenv (Laravel, Lumen) and Symfony Dotenv throw: the app does not boot.
    Strict,
    /// dotenv for Node (and Next.js, Vite), python-dotenv, pydantic-settings:
    /// the line is skipped (python-dotenv warns), the rest loads.
    SkipsBadLines,
    /// Anything else (godotenv, compose `env_file`, unknown): `KEY: value`
    /// and `export KEY=` parse, other broken lines fail.
    Other,
}

/// The loader of the nearest project above `dir`.
fn dotenv_loader(
    folders: &std::collections::BTreeMap<String, crate::model::Project>,
    dir: &str,
) -> DotenvLoader {
    let project = crate::model::ancestors(dir).find_map(|d| {
        folders
            .get(d)
            .filter(|c| c.php_root || c.node_root || c.python_root)
    });
    match project {
        Some(c) if c.php_root && (c.frameworks.laravel || c.frameworks.symfony || c.php.lumen) => {
            DotenvLoader::Strict
        }
        Some(c) if c.node_root || c.python_root => DotenvLoader::SkipsBadLines,
        _ => DotenvLoader::Other,
    }
}

/// A dotenv file as one test environment (for dev files: their settings).
pub fn dotenv_env(id: FileId, file: &SourceFile) -> (TestEnv, Vec<DotenvIssue>) {
    let parsed = dotenv::parse(&file.text);
    let settings = parsed
        .entries
        .iter()
        .cloned()
        .map(|e| Setting {
            key: Spanned::new(e.key, Span::new(id, e.key_range.start, e.key_range.end)),
            value: e.value,
            value_span: Span::new(id, e.value_range.start, e.value_range.end),
            verbatim: e.verbatim,
            // dotenv loaders never override a variable that is already set
            overridable: true,
            via: Via::Dotenv,
            unset: false,
            provenance: None,
            raw_offsets: None,
        })
        .collect();
    let colon_lines = parsed.entries.iter().filter(|e| e.colon).map(|e| DotenvIssue {
        issue: ParseIssue {
            span: Span::new(id, e.key_range.start, e.value_range.end.max(e.key_range.end)),
            message: "`KEY: value` is not dotenv syntax for phpdotenv or Symfony Dotenv, which refuse the file; write `KEY=value`".into(),
        },
        strict_only: true,
    });
    let mut issues: Vec<DotenvIssue> = colon_lines.collect();
    issues.extend(parsed.errors.into_iter().map(|e| DotenvIssue {
        issue: ParseIssue {
            span: Span::new(id, e.range.start, e.range.end),
            message: e.message,
        },
        strict_only: false,
    }));
    issues.sort_by_key(|d| d.issue.span.start);
    // `.env.ci` is loaded only on CI runners, whose databases are service
    // containers or the runner's own: a CI environment, not a developer's.
    // (`.env.ci`, and a file a CI script names, `tests/ci.test.env`)
    let ci_only = file
        .file_name()
        .split(['.', '-', '_'])
        .any(|w| w.eq_ignore_ascii_case("ci"));
    let runner = if ci_only {
        Runner::Ci(Box::new(crate::model::CiJob {
            job: format!("dotenv {}", file.file_name()),
            ..Default::default()
        }))
    } else {
        Runner::Local
    };
    let mut env = TestEnv::local(
        format!("test dotenv ({})", file.path),
        EnvSource::Dotenv,
        file,
        id,
        Span::new(id, 0, 0),
        settings,
    );
    env.runner = runner;
    (env, issues)
}
