//! Where Python finds a dotted module, and which settings modules a Django
//! project's runs name: pure path logic, shared by the reader that fetches
//! the files (`tree`) and the stack that reads them.

use std::sync::OnceLock;

/// How many settings files one project's chains may pull in (star imports
/// included): a settings package is a handful of files, never hundreds.
pub const MAX_SETTINGS_FILES: usize = 32;

/// The files `module` may be, relative to the scan root, searched from each
/// root in order (`a.b` → `a/b.py`, `a/b/__init__.py`).
pub fn module_paths(roots: &[String], module: &str) -> Vec<String> {
    if module.is_empty()
        || !module
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
    {
        return Vec::new();
    }
    let rel = module.replace('.', "/");
    roots
        .iter()
        .flat_map(|r| {
            let pre = if r.is_empty() {
                String::new()
            } else {
                format!("{r}/")
            };
            [format!("{pre}{rel}.py"), format!("{pre}{rel}/__init__.py")]
        })
        .collect()
}

/// The absolute module a `from X import *` names inside `importer` (the
/// module's own dotted name, `importer_is_package` for an `__init__.py`).
pub fn resolve_import(importer: &str, importer_is_package: bool, written: &str) -> Option<String> {
    let dots = written.chars().take_while(|&c| c == '.').count();
    let rest = &written[dots..];
    if dots == 0 {
        return Some(rest.to_string());
    }
    let mut parts: Vec<&str> = importer.split('.').collect();
    if !importer_is_package {
        parts.pop();
    }
    for _ in 1..dots {
        parts.pop()?;
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    (!parts.is_empty()).then(|| parts.join("."))
}

/// The dotted module of a file under `root` (`config/settings/base.py` →
/// `config.settings.base`), and whether it is a package's `__init__.py`.
pub fn module_of(root: &str, path: &str) -> Option<(String, bool)> {
    let rel = if root.is_empty() {
        path
    } else {
        path.strip_prefix(root)?.strip_prefix('/')?
    };
    let rel = rel.strip_suffix(".py")?;
    match rel.strip_suffix("/__init__") {
        Some(pkg) => Some((pkg.replace('/', "."), true)),
        None => Some((rel.replace('/', "."), false)),
    }
}

/// Settings modules a file names: `manage.py`'s `setdefault`, pytest's
/// `DJANGO_SETTINGS_MODULE` key and `--ds`, `--settings=` on a command line,
/// `DJANGO_SETTINGS_MODULE=` in a dotenv, CI or tox file.
pub fn named_settings_modules(text: &str) -> Vec<String> {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        // module names are ASCII identifiers here: a non-ASCII one ends the
        // match early, names no file, and is left unknown
        crate::syntax::ascii_regex(
            r#"(?:DJANGO_SETTINGS_MODULE["']?\s*(?:[=:,]|\bto\b)?\s*["']?|--ds[= ]|--settings[= ])([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)"#,
        )
    });
    let mut out: Vec<String> = re
        .captures_iter(text.as_bytes())
        .filter_map(|c| c.get(1))
        // `config.settings.é…`: not the module `config.settings`
        .filter(|m| {
            text.get(m.end()..)
                .and_then(|rest| rest.chars().next())
                .is_none_or(|c| c != '.' && !c.is_alphanumeric())
        })
        .map(|m| crate::syntax::matched(text, m).to_string())
        .filter(|m| !m.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// pytest's `pythonpath` entries in a config file's text (ini
/// `pythonpath = src .`, TOML `pythonpath = ["src", "."]`), relative to its
/// folder: pytest puts them on `sys.path`, where settings modules are found.
pub fn pythonpath(text: &str) -> Vec<String> {
    // `pythonpath`, `=` or `:`, and the rest of the line, on any line
    let values = text.split('\n').filter_map(|line| {
        let rest = line
            .trim_start_matches([' ', '\t'])
            .strip_prefix("pythonpath")?;
        let rest = rest.trim_start_matches([' ', '\t']);
        let rest = rest.strip_prefix(['=', ':'])?;
        let value = rest.trim_start_matches([' ', '\t']);
        (!value.is_empty()).then_some(value)
    });
    values
        .flat_map(|v| {
            v.split([' ', ',', '[', ']', '"', '\''])
                .filter(|p| !p.is_empty() && !p.starts_with('#'))
                .map(|p| p.trim_start_matches("./").trim_end_matches('/').to_string())
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.contains("..") && !p.starts_with('/'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_and_imports() {
        assert_eq!(
            module_paths(&["backend".into()], "config.settings.dev"),
            [
                "backend/config/settings/dev.py",
                "backend/config/settings/dev/__init__.py"
            ]
        );
        assert!(module_paths(&[String::new()], "a..b").is_empty());
        assert_eq!(
            resolve_import("config.settings.dev", false, ".base").as_deref(),
            Some("config.settings.base")
        );
        assert_eq!(
            resolve_import("config.settings", true, ".base").as_deref(),
            Some("config.settings.base")
        );
        assert_eq!(
            resolve_import("a.b.c", false, "..x").as_deref(),
            Some("a.x")
        );
        assert_eq!(resolve_import("a", false, "..x"), None);
        assert_eq!(resolve_import("a.b", false, "x.y").as_deref(), Some("x.y"));
        assert_eq!(
            module_of("backend", "backend/config/settings/__init__.py"),
            Some(("config.settings".into(), true))
        );
        assert_eq!(
            named_settings_modules(
                "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\naddopts = --ds=shop.settings.test\nDJANGO_SETTINGS_MODULE = x.y\n"
            ),
            ["shop.settings", "shop.settings.test", "x.y"]
        );
        // a name with a non-ASCII part is not cut into its parent package
        assert_eq!(
            named_settings_modules("--ds=config.réglages\n--ds=café.settings\n--settings=ok.dev\n"),
            ["ok.dev"]
        );
    }

    #[test]
    fn pythonpath_entries_from_ini_and_toml() {
        assert_eq!(pythonpath("[pytest]\npythonpath = src .\n"), ["src", "."]);
        assert_eq!(
            pythonpath("[tool.pytest.ini_options]\n  pythonpath = [\"./backend/\", \"../x\"]\n"),
            ["backend"]
        );
        assert_eq!(pythonpath("pythonpath:\tlib\n"), ["lib"]);
        assert_eq!(
            pythonpath("pythonpath =   \nmypythonpath = x\npythonpath_extra = y\n"),
            Vec::<String>::new()
        );
    }
}
