//! Framework detection from the files around the configuration:
//! `manage.py` or `django` in requirements/pyproject (Django); `artisan` or
//! `laravel/framework` (Laravel); `symfony/framework-bundle` (Symfony);
//! `jest`/`vitest`/`mocha` in package.json or a `jest.config.*` (Node).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::model::Project;
use crate::source::{FileId, SourceFile, SourceKind};

/// Packages that give a Node suite a throwaway database of its own
/// (the safe idioms): an in-memory server or a container per
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

fn django_requirement() -> &'static regex::bytes::Regex {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // `django>=4`, `Django==5.0`, `"django[argon2]>=4"`, poetry's `django = "^5"`
        crate::syntax::ascii_regex(r#"(?im)(^\s*|["'])django\s*(\[[^\]]*\])?\s*([<>=~!;^"',]|$)"#)
    })
}

pub fn detect(id: FileId, file: &SourceFile, folders: &mut BTreeMap<String, Project>) {
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
                c.python.has_manage_py = true;
                c.python_root = true;
            }
            "manage.py" => {}
            // a front end's build config: Vitest reads it only where the
            // package runs Vitest, which package.json says
            n if n.starts_with("vite.config.") => {}
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
                if django_requirement().is_match(file.text.as_bytes()) {
                    c.frameworks.django = true;
                }
                c.python.flask_sqlalchemy_binds_at_init |= flask_sqlalchemy_3(&file.text);
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
            c.python.flask_sqlalchemy_binds_at_init |= flask_sqlalchemy_3(&file.text);
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
            let m = manifest(&file.text, true);
            let deps = &m.dependencies;
            let c = folders.entry(dir).or_default();
            c.php_root = true;
            if deps.iter().any(|d| d == "laravel/framework") {
                c.frameworks.laravel = true;
            }
            // `symfony/symfony` is the whole framework, the bundle included (the
            // Standard Edition's requirement up to 3.4)
            if deps
                .iter()
                .any(|d| d == "symfony/framework-bundle" || d == "symfony/symfony")
            {
                c.frameworks.symfony = true;
            }
            if deps.iter().any(|d| d == "laravel/lumen-framework") {
                c.php.lumen = true;
            }
            if deps.iter().any(|d| d == "codeigniter4/framework") {
                c.php.codeigniter4 = true;
            }
            if deps.iter().any(|d| d == "codeigniter/framework") {
                c.php.codeigniter3 = true;
            }
            if deps.iter().any(|d| d == "cakephp/cakephp") {
                c.php.cakephp = true;
            }
            if m.kind.as_deref() == Some("symfony-bundle") {
                c.php.symfony_bundle = true;
            }
            // `composer test` running `artisan test --parallel` or ParaTest:
            // each worker gets `{db}_test_{token}` (Testing/Concerns/TestDatabases.php)
            let script = &m.test_script;
            if script.contains("--parallel") || script.contains("paratest") {
                c.php.composer_test_parallel = true;
            }
        }
        SourceKind::PackageJson => {
            let Manifest {
                dependencies: deps,
                test_script,
                ..
            } = manifest(&file.text, false);
            let node = deps.iter().any(|d| NODE_RUNNERS.contains(&d.as_str()))
                || NODE_RUNNERS.iter().any(|r| test_script.contains(r));
            let adonis = deps.iter().any(|d| d == "@adonisjs/core");
            let c = folders.entry(dir).or_default();
            c.node_root = true;
            if node || adonis {
                c.frameworks.node = true;
            }
            c.node.adonis |= adonis;
            if let Some(dep) = deps.iter().find(|d| isolates_database(d)) {
                c.isolating_dependency = Some(dep.clone());
            }
        }
        SourceKind::LaravelConfigCache => {
            if let Some(project) = file.path.strip_suffix("bootstrap/cache/config.php") {
                let project = project.trim_end_matches('/').to_string();
                folders.entry(project).or_default().php.laravel_config_cache = Some(id);
            }
        }
        _ => {}
    }
}

/// Whether a requirements file or pyproject.toml asks for Flask-SQLAlchemy
/// 3 or later: a requirement of it that no version bound keeps below 3
/// (`Flask-SQLAlchemy==3.1.1`, `flask-sqlalchemy>=3`, or unpinned, which
/// installs the latest). `==2.5.1`, `<3`, `~=2.5` are 2.x, whose engine is
/// made lazily from the configuration of the moment.
fn flask_sqlalchemy_3(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let mut found = false;
    for (at, _) in lower
        .match_indices("flask-sqlalchemy")
        .chain(lower.match_indices("flask_sqlalchemy"))
    {
        // a requirement starts a line or a TOML string
        let before = lower[..at].chars().next_back();
        if !matches!(before, None | Some('\n' | '"' | '\'' | ' ' | '\t')) {
            continue;
        }
        let rest = &lower[at + "flask-sqlalchemy".len()..];
        if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            continue;
        }
        let spec: String = rest
            .chars()
            .take_while(|c| !matches!(c, '\n' | '"' | '\'' | '#' | ';'))
            .filter(|c| !c.is_whitespace())
            .collect();
        let below_3 = ["==0", "==1", "==2", "<3", "<=2", "~=2", "~=1", "^2", "~2"]
            .iter()
            .any(|p| spec.contains(p));
        if below_3 {
            return false;
        }
        found = true;
    }
    found
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

/// What detection reads of a `composer.json` or `package.json`, read in one
/// pass: the names in the dependency sections (in document order), `type`,
/// and `scripts.test` (Composer's list of commands joined by newlines; npm's
/// only as a string).
#[derive(Debug, Default, PartialEq)]
struct Manifest {
    dependencies: Vec<String>,
    kind: Option<String>,
    test_script: String,
}

/// The fields [`Manifest`] needs; every other value is skipped unread.
#[derive(serde::Deserialize)]
struct ManifestFields {
    require: Option<KeysInOrder>,
    #[serde(rename = "require-dev")]
    require_dev: Option<KeysInOrder>,
    dependencies: Option<KeysInOrder>,
    #[serde(rename = "devDependencies")]
    dev_dependencies: Option<KeysInOrder>,
    #[serde(rename = "type")]
    kind: Option<serde_json::Value>,
    scripts: Option<ScriptsFields>,
}

#[derive(serde::Deserialize)]
struct ScriptsFields {
    test: Option<serde_json::Value>,
}

/// An object's keys in document order, its values skipped.
struct KeysInOrder(Vec<String>);

impl<'de> serde::Deserialize<'de> for KeysInOrder {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = KeysInOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeysInOrder, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(KeysInOrder(keys))
            }
        }
        d.deserialize_map(Visitor)
    }
}

fn test_script_of(v: Option<&serde_json::Value>, composer: bool) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(items)) if composer => items
            .iter()
            .filter_map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// Reads a manifest; `composer` picks Composer's sections (`require`,
/// `require-dev`) over npm's (`dependencies`, `devDependencies`).
fn manifest(text: &str, composer: bool) -> Manifest {
    // one typed pass skips what detection does not need; a file it refuses
    // (a duplicate key, a section of another type) is read as a whole value,
    // where the last duplicate wins and a section that is no object is empty
    if let Ok(m) = serde_json::from_str::<ManifestFields>(text) {
        let (a, b) = if composer {
            (m.require, m.require_dev)
        } else {
            (m.dependencies, m.dev_dependencies)
        };
        return Manifest {
            dependencies: a.into_iter().chain(b).flat_map(|k| k.0).collect(),
            kind: m.kind.as_ref().and_then(|k| k.as_str()).map(String::from),
            test_script: test_script_of(m.scripts.as_ref().and_then(|s| s.test.as_ref()), composer),
        };
    }
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Manifest::default();
    };
    let sections: &[&str] = if composer {
        &["require", "require-dev"]
    } else {
        &["dependencies", "devDependencies"]
    };
    Manifest {
        dependencies: sections
            .iter()
            .filter_map(|s| v.get(*s).and_then(|d| d.as_object()))
            .flat_map(|o| o.keys().cloned())
            .collect(),
        kind: v.get("type").and_then(|k| k.as_str()).map(String::from),
        test_script: test_script_of(v.get("scripts").and_then(|s| s.get("test")), composer),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn flask_sqlalchemy_3_unless_a_bound_keeps_it_below() {
        assert!(flask_sqlalchemy_3("Flask==3.0\nFlask-SQLAlchemy==3.1.1\n"));
        assert!(flask_sqlalchemy_3("flask-sqlalchemy\n"));
        assert!(flask_sqlalchemy_3(
            "dependencies = [\"flask-sqlalchemy>=3.0\"]\n"
        ));
        assert!(!flask_sqlalchemy_3("Flask-SQLAlchemy==2.5.1\n"));
        assert!(!flask_sqlalchemy_3("flask_sqlalchemy < 3\n"));
        assert!(!flask_sqlalchemy_3("flask-sqlalchemy-stubs\n"));
        assert!(!flask_sqlalchemy_3("Flask==3.0\n"));
    }

    use super::*;

    #[test]
    fn a_manifest_is_read_in_one_pass_and_refused_shapes_as_a_whole_value() {
        let composer = r#"{"name":"a/b","type":"symfony-bundle","require":{"php":">=8.2","symfony/framework-bundle":"^7"},
            "require-dev":{"phpunit/phpunit":"^11"},"extra":{"deep":[1,{"x":null}]},
            "scripts":{"test":["@php artisan config:clear","paratest"]}}"#;
        let m = manifest(composer, true);
        assert_eq!(
            m.dependencies,
            ["php", "symfony/framework-bundle", "phpunit/phpunit"]
        );
        assert_eq!(m.kind.as_deref(), Some("symfony-bundle"));
        assert_eq!(m.test_script, "@php artisan config:clear\nparatest");
        // npm's `scripts.test` is a string; a list there is no script
        let npm = r#"{"devDependencies":{"jest":"1","pg-mem":"2"},"dependencies":{"pg":"8"},"scripts":{"test":["jest"]}}"#;
        let m = manifest(npm, false);
        assert_eq!(m.dependencies, ["pg", "jest", "pg-mem"]);
        assert_eq!(m.test_script, "");
        assert_eq!(
            manifest(r#"{"scripts":{"test":"jest --ci"}}"#, false).test_script,
            "jest --ci"
        );
        // a duplicate key: the last one wins, as in the whole-value reading
        let dup = r#"{"require":{"a/a":"1"},"require":{"laravel/framework":"^11"}}"#;
        assert_eq!(manifest(dup, true).dependencies, ["laravel/framework"]);
        // a section of another type is empty; the other sections still count
        let odd = r#"{"require":[],"require-dev":{"laravel/framework":"^11"},"type":3}"#;
        let m = manifest(odd, true);
        assert_eq!(m.dependencies, ["laravel/framework"]);
        assert_eq!(m.kind, None);
        assert_eq!(manifest("{not json", true), Manifest::default());
        assert_eq!(manifest("[]", false), Manifest::default());
    }

    #[test]
    fn django_requirements() {
        for yes in [
            "Django==5.0\n",
            "django>=4,<5\n",
            "dependencies = [\"django[argon2]>=4\"]",
            "django = \"^5\"",
        ] {
            assert!(django_requirement().is_match(yes.as_bytes()), "{yes}");
        }
        for no in [
            "django-environ==1\n",
            "djangorestframework\n",
            "# uses pytest-django\n",
        ] {
            assert!(!django_requirement().is_match(no.as_bytes()), "{no}");
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
