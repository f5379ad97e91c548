//! Framework detection from the files around the configuration (SPEC §2):
//! `manage.py` or `django` in requirements/pyproject (Django); `artisan` or
//! `laravel/framework` (Laravel); `symfony/framework-bundle` (Symfony);
//! `jest`/`vitest`/`mocha` in package.json or a `jest.config.*` (Node).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::model::FolderContext;
use crate::source::{FileId, SourceFile, SourceKind};

/// Packages that give a Node suite a throwaway database of its own
/// (STACKS.md "Node", safe idioms): an in-memory server or a container per
/// run; Redwood's api test setup, which points `DATABASE_URL` at
/// `TEST_DATABASE_URL` or `.redwood/test.db` before the tests (a
/// `TEST_DATABASE_URL` equal to `DATABASE_URL` is TG105's).
fn isolates_database(dep: &str) -> bool {
    matches!(
        dep,
        "mongodb-memory-server"
            | "mongodb-memory-server-core"
            | "@shelf/jest-mongodb"
            | "testcontainers"
            | "pg-mem"
            | "@redwoodjs/testing"
    ) || dep.starts_with("@testcontainers/")
}

/// Test runners whose presence makes a package a Node project with tests.
const NODE_RUNNERS: &[&str] = &["jest", "vitest", "mocha", "@playwright/test", "ava"];

fn django_requirement() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // `django>=4`, `Django==5.0`, `"django[argon2]>=4"`, poetry's `django = "^5"`
        Regex::new(r#"(?im)(^\s*|["'])django\s*(\[[^\]]*\])?\s*([<>=~!;^"',]|$)"#)
            .unwrap_or_else(|_| unreachable!())
    })
}

pub fn detect(id: FileId, file: &SourceFile, folders: &mut BTreeMap<String, FolderContext>) {
    // a project template's files (cookiecutter's `{{cookiecutter.slug}}/manage.py`)
    // describe the projects it generates elsewhere, not this repository
    if crate::stacks::is_template_path(&file.path) {
        return;
    }
    let dir = file.dir().to_string();
    let name = file.file_name();
    match file.kind {
        SourceKind::FrameworkMarker => match name {
            // Django's manage.py names its settings; a module that happens to
            // be called manage.py (`src/app/database/manage.py`) is not Django
            "manage.py" if file.text.to_ascii_lowercase().contains("django") => {
                let c = folders.entry(dir).or_default();
                c.frameworks.django = true;
                c.has_manage_py = true;
                c.python_root = true;
            }
            "manage.py" => {}
            "artisan" => {
                let c = folders.entry(dir).or_default();
                c.frameworks.laravel = true;
                c.php_root = true;
            }
            n if n.starts_with("requirements") => {
                // `requirements/base.txt` describes the project one level up
                let owner = match dir.rsplit_once('/') {
                    Some((parent, "requirements")) => parent.to_string(),
                    None if dir == "requirements" => String::new(),
                    _ => dir,
                };
                let c = folders.entry(owner).or_default();
                c.python_root = true;
                if django_requirement().is_match(&file.text) {
                    c.frameworks.django = true;
                }
            }
            _ => {
                let c = folders.entry(dir).or_default();
                c.frameworks.node = true;
                c.node_root = true;
            }
        },
        SourceKind::PyprojectToml => {
            let c = folders.entry(dir).or_default();
            c.python_root = true;
            if pyproject_dependencies(&file.text)
                .iter()
                .any(|d| d == "django")
            {
                c.frameworks.django = true;
            }
        }
        SourceKind::SetupCfg => {
            let c = folders.entry(dir).or_default();
            c.python_root = true;
            // install_requires lists one requirement per continuation line
            if crate::syntax::ini::parse(&file.text)
                .section("options")
                .and_then(|o| o.get("install_requires"))
                .is_some_and(|e| {
                    e.lines
                        .iter()
                        .any(|l| requirement_name(&l.text) == "django")
                })
            {
                c.frameworks.django = true;
            }
        }
        SourceKind::ComposerJson => {
            let deps = json_dependency_names(&file.text, &["require", "require-dev"]);
            let c = folders.entry(dir).or_default();
            c.php_root = true;
            if deps.iter().any(|d| d == "laravel/framework") {
                c.frameworks.laravel = true;
            }
            if deps.iter().any(|d| d == "symfony/framework-bundle") {
                c.frameworks.symfony = true;
            }
            if deps.iter().any(|d| d == "laravel/lumen-framework") {
                c.lumen = true;
            }
            if json_string(&file.text, "type").as_deref() == Some("symfony-bundle") {
                c.symfony_bundle = true;
            }
            // `composer test` running `artisan test --parallel` or ParaTest:
            // each worker gets `{db}_test_{token}` (Testing/Concerns/TestDatabases.php)
            let script = composer_test_script(&file.text);
            if script.contains("--parallel") || script.contains("paratest") {
                c.composer_test_parallel = true;
            }
        }
        SourceKind::PackageJson => {
            let deps = json_dependency_names(&file.text, &["dependencies", "devDependencies"]);
            let test_script = json_test_script(&file.text);
            let node = deps.iter().any(|d| NODE_RUNNERS.contains(&d.as_str()))
                || NODE_RUNNERS.iter().any(|r| test_script.contains(r));
            let adonis = deps.iter().any(|d| d == "@adonisjs/core");
            let c = folders.entry(dir).or_default();
            c.node_root = true;
            if node || adonis {
                c.frameworks.node = true;
            }
            c.adonis |= adonis;
            if let Some(dep) = deps.iter().find(|d| isolates_database(d)) {
                c.isolating_dependency = Some(dep.clone());
            }
        }
        SourceKind::LaravelConfigCache => {
            if let Some(project) = file.path.strip_suffix("bootstrap/cache/config.php") {
                let project = project.trim_end_matches('/').to_string();
                folders.entry(project).or_default().laravel_config_cache = Some(id);
            }
        }
        _ => {}
    }
}

/// The distribution name a PEP 508 requirement starts with, normalised.
fn requirement_name(req: &str) -> String {
    req.trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
        .replace('_', "-")
}

/// Names of the dependencies a pyproject.toml declares: PEP 621
/// `dependencies` and `optional-dependencies`, `dependency-groups`, and Poetry's
/// dependency tables (not keywords or classifiers, which merely mention Django).
fn pyproject_dependencies(text: &str) -> Vec<String> {
    use crate::syntax::toml::{self as t, DeValue};
    let doc = t::parse(text);
    let root = doc.root.get_ref();
    let mut out = Vec::new();
    let mut from_array = |v: &DeValue<'_>| {
        if let DeValue::Array(a) = v {
            out.extend(
                a.iter()
                    .filter_map(|i| i.get_ref().as_str())
                    .map(requirement_name),
            );
        }
    };
    if let Some(d) = t::get_path(root, &["project", "dependencies"]) {
        from_array(d.get_ref());
    }
    for group in [
        &["project", "optional-dependencies"][..],
        &["dependency-groups"][..],
    ] {
        if let Some(tab) = t::get_path(root, group).and_then(|g| g.get_ref().as_table()) {
            for (_, v) in tab.iter() {
                from_array(v.get_ref());
            }
        }
    }
    let mut poetry_tables = vec![
        t::get_path(root, &["tool", "poetry", "dependencies"]),
        t::get_path(root, &["tool", "poetry", "dev-dependencies"]),
    ];
    if let Some(groups) =
        t::get_path(root, &["tool", "poetry", "group"]).and_then(|g| g.get_ref().as_table())
    {
        for (_, g) in groups.iter() {
            poetry_tables.push(g.get_ref().as_table().and_then(|g| g.get("dependencies")));
        }
    }
    for tab in poetry_tables.into_iter().flatten() {
        if let Some(tab) = tab.get_ref().as_table() {
            out.extend(tab.iter().map(|(k, _)| requirement_name(k.get_ref())));
        }
    }
    out
}

fn json_dependency_names(text: &str, sections: &[&str]) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    sections
        .iter()
        .filter_map(|s| v.get(*s).and_then(|d| d.as_object()))
        .flat_map(|o| o.keys().cloned())
        .collect()
}

fn json_string(text: &str, key: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()?
        .get(key)?
        .as_str()
        .map(String::from)
}

/// Composer's `scripts.test`, a command or a list of them, joined.
fn composer_test_script(text: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return String::new();
    };
    match v.get("scripts").and_then(|s| s.get("test")) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn json_test_script(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("scripts")?.get("test")?.as_str().map(String::from))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_requirements() {
        for yes in [
            "Django==5.0\n",
            "django>=4,<5\n",
            "dependencies = [\"django[argon2]>=4\"]",
            "django = \"^5\"",
        ] {
            assert!(django_requirement().is_match(yes), "{yes}");
        }
        for no in [
            "django-environ==1\n",
            "djangorestframework\n",
            "# uses pytest-django\n",
        ] {
            assert!(!django_requirement().is_match(no), "{no}");
        }
    }

    #[test]
    fn pyproject_dependencies_not_keywords() {
        let keywords = "[project]\nname = \"x\"\nkeywords = [\"django\"]\ndependencies = [\"cookiecutter>=2\"]\n";
        assert!(!pyproject_dependencies(keywords).contains(&"django".to_string()));
        let deps = "[project]\ndependencies = [\"Django>=5\"]\n[tool.poetry.group.dev.dependencies]\npytest-django = \"*\"\n";
        let d = pyproject_dependencies(deps);
        assert!(d.contains(&"django".to_string()) && d.contains(&"pytest-django".to_string()));
    }
}
