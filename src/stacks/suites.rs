//! Where a repository keeps its test suites: the folders beside each
//! project's manifest that its ecosystem's runners collect by convention
//! (`tests/`, `test/`, `spec/`, `__tests__/`, `e2e/`, `src/test/`), the
//! packages of a Go module that hold `*_test.go` files, and the .NET
//! projects that reference a test framework. `testguard runs` accounts for
//! each one: a suite no test run covers is listed with what was missing.

use crate::model::Suite;
use crate::paths::{is_within, join};
use crate::source::{SourceFile, SourceKind};
use crate::tree::Tree;

/// Folders a project's runners collect tests from by convention (pytest
/// and unittest `tests/`, Jest `__tests__/`, rspec `spec/`, ExUnit and
/// Mocha `test/`, Maven and Gradle `src/test/`, Playwright `e2e/`).
pub const SUITE_DIRS: &[&str] = &["tests", "test", "spec", "__tests__", "e2e", "src/test"];

/// The suites of the repository, by folder: a folder nested in another
/// suite's is part of it.
pub fn find(tree: &dyn Tree, files: &[SourceFile]) -> Vec<Suite> {
    let mut projects: Vec<&str> = files
        .iter()
        .filter(|f| is_project_marker(f))
        .map(|f| {
            let dir = f.dir();
            // `requirements/base.txt` describes the folder above
            match dir.rsplit_once('/') {
                Some((parent, "requirements")) => parent,
                None if dir == "requirements" => "",
                _ => dir,
            }
        })
        .collect();
    projects.push("");
    projects.sort_unstable();
    projects.dedup();
    let mut out: Vec<Suite> = Vec::new();
    for p in projects {
        // a template's suites are listed (never silently skipped), but
        // judged only in the projects generated from it
        let template = crate::stacks::is_template_path(p);
        for s in SUITE_DIRS {
            let dir = join(p, s);
            if !tree.files_under(&dir, 1).is_empty() {
                out.push(Suite {
                    what: format!("`{dir}/`"),
                    dir,
                    template,
                });
            }
        }
    }
    // a Go module's packages with tests, one suite per module
    let modules: Vec<&str> = files
        .iter()
        .filter(|f| f.kind == SourceKind::GoModule)
        .map(SourceFile::dir)
        .collect();
    let mut packages: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for f in files.iter().filter(|f| f.kind == SourceKind::GoTestCode) {
        let module = modules
            .iter()
            .filter(|m| is_within(f.dir(), m))
            .max_by_key(|m| m.len())
            .copied()
            .unwrap_or(f.dir());
        packages.entry(module).or_default().insert(f.dir());
    }
    for (module, pkgs) in packages {
        out.push(Suite {
            dir: module.to_string(),
            what: format!(
                "{} Go package{} with `_test.go` files",
                pkgs.len(),
                if pkgs.len() == 1 { "" } else { "s" }
            ),
            template: crate::stacks::is_template_path(module),
        });
    }
    // a .NET test project
    for f in files
        .iter()
        .filter(|f| f.kind == SourceKind::DotnetProject && is_dotnet_test_project(&f.text))
    {
        out.push(Suite {
            dir: f.dir().to_string(),
            what: format!(".NET test project `{}`", f.file_name()),
            template: crate::stacks::is_template_path(&f.path),
        });
    }
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    out.dedup_by(|a, b| a.dir == b.dir);
    let mut outermost: Vec<Suite> = Vec::with_capacity(out.len());
    for s in out {
        // a conventional folder inside another one (`tests/e2e/`), not a
        // project's own suite under the root's (`packages/x/test/`)
        let nested = outermost
            .iter()
            .any(|o| !o.dir.is_empty() && s.dir != o.dir && is_within(&s.dir, &o.dir));
        if !nested {
            outermost.push(s);
        }
    }
    outermost
}

/// A file whose folder is a project's root in some ecosystem.
fn is_project_marker(f: &SourceFile) -> bool {
    match f.kind {
        SourceKind::PyprojectToml
        | SourceKind::SetupCfg
        | SourceKind::Manifest
        | SourceKind::PackageJson
        | SourceKind::ComposerJson
        | SourceKind::MixProject
        | SourceKind::JvmBuild
        | SourceKind::GoModule => true,
        SourceKind::Gemfile => f.file_name() == "Gemfile",
        SourceKind::FrameworkMarker => {
            let n = f.file_name();
            n == "manage.py" || n == "artisan" || n.starts_with("requirements")
        }
        _ => false,
    }
}

/// A `.csproj` that references a test framework (or the test SDK).
pub fn is_dotnet_test_project(text: &str) -> bool {
    [
        "Microsoft.NET.Test.Sdk",
        "\"xunit",
        "\"NUnit\"",
        "\"MSTest",
        "<IsTestProject>true",
    ]
    .iter()
    .any(|m| text.contains(m))
}
