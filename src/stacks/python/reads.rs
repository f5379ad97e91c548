//! The Python application code a run's configuration points at: the
//! Django settings modules that `manage.py`, pytest, tox, CI or dotenv files
//! name, with the modules they star-import. Only these paths are read: a
//! monorepo's cost stays that of its listing.

use super::modules;
use crate::paths::dir_prefix;
use crate::source::{SourceFile, SourceKind};
use crate::tree::{MAX_TEST_FILE_SIZE, Tree};

/// Reads the settings modules (see the module's documentation).
pub fn settings_modules(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let mut wanted: Vec<String> = Vec::new();
    let manage_dirs: Vec<String> = files
        .iter()
        .filter(|f| f.file_name() == "manage.py" && f.text.contains("django"))
        .map(|f| f.dir().to_string())
        .collect();
    // folders whose pytest or tox configuration names a settings module: the
    // project runs its tests with it, not with `manage.py`'s default
    let configured: Vec<&str> = files
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                SourceKind::PytestIni
                    | SourceKind::PytestToml
                    | SourceKind::PyprojectToml
                    | SourceKind::SetupCfg
                    | SourceKind::ToxIni
                    | SourceKind::ToxToml
            ) && (f.text.contains("DJANGO_SETTINGS_MODULE") || f.text.contains("--ds"))
        })
        .map(SourceFile::dir)
        .collect();
    let mut queue: Vec<(Vec<String>, String)> = Vec::new();
    for f in files.iter() {
        if f.file_name() == "manage.py"
            && configured
                .iter()
                .any(|c| crate::model::is_within(c, f.dir()) || crate::model::is_within(f.dir(), c))
        {
            continue;
        }
        let names_settings = f.file_name() == "manage.py"
            || (f.kind.is_config() && f.text.contains("DJANGO_SETTINGS_MODULE"))
            || (f.kind.is_config() && f.text.contains("--settings"))
            || (f.kind.is_config() && f.text.contains("--ds"));
        if !names_settings {
            continue;
        }
        // a workflow's commands run from the checkout's root
        let dir = if f.kind == SourceKind::GithubWorkflow {
            ""
        } else {
            f.dir()
        };
        let mut roots = settings_roots(dir, &manage_dirs);
        for p in modules::pythonpath(&f.text) {
            let r = if p == "." {
                dir.to_string()
            } else {
                crate::paths::join(dir, &p)
            };
            if !roots.contains(&r) {
                roots.insert(0, r);
            }
        }
        for m in modules::named_settings_modules(&f.text) {
            queue.push((roots.clone(), m));
        }
    }
    let mut known: std::collections::HashSet<String> =
        files.iter().map(|f| f.path.clone()).collect();
    let mut budget = modules::MAX_SETTINGS_FILES * 4;
    while let Some((roots, module)) = queue.pop() {
        if budget == 0 {
            break;
        }
        let Some((root, path)) = roots.iter().find_map(|r| {
            modules::module_paths(std::slice::from_ref(r), &module)
                .into_iter()
                .find(|p| known.contains(p) || tree.exists(p))
                .map(|p| (r.clone(), p))
        }) else {
            continue;
        };
        if known.contains(&path) || wanted.contains(&path) {
            continue;
        }
        known.insert(path.clone());
        budget -= 1;
        let Ok(Ok(text)) = tree.read(&path).map(String::from_utf8) else {
            continue;
        };
        if text.len() > MAX_TEST_FILE_SIZE {
            continue;
        }
        if let Some((own, is_pkg)) = modules::module_of(&root, &path) {
            for written in star_imports(&text) {
                if let Some(m) = modules::resolve_import(&own, is_pkg, &written) {
                    queue.push((vec![root.clone()], m));
                }
            }
        }
        wanted.push(path.clone());
        files.push(SourceFile::new(path, SourceKind::AppCode, text));
    }
}

/// Where a settings module named in a file of `dir` is looked for: that
/// folder and the folders above it (pytest's rootdir, a CI job's checkout),
/// then each Django project's `manage.py` folder and a `src/` layout.
pub(super) fn settings_roots(dir: &str, manage_dirs: &[String]) -> Vec<String> {
    let mut roots: Vec<String> = crate::model::ancestors(dir).map(str::to_string).collect();
    // pytest-django puts the `manage.py` folder below the rootdir on the path
    for m in manage_dirs
        .iter()
        .filter(|m| crate::model::is_within(m, dir))
    {
        if !roots.contains(m) {
            roots.push(m.clone());
        }
    }
    let src = format!("{}src", dir_prefix(dir));
    roots.push(src);
    roots
}

/// `from X import *` lines, as written.
fn star_imports(text: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        // ASCII module names; `from café import *` does not match at all
        crate::syntax::ascii_regex(r"(?m)^\s*from\s+(\.*[\w.]*)\s+import\s+\*")
    });
    re.captures_iter(text.as_bytes())
        .filter_map(|c| c.get(1))
        .map(|m| crate::syntax::matched(text, m).to_string())
        .collect()
}
