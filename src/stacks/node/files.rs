//! Which Node files a test run loads beyond those found by name: the setup
//! files a runner config names, the `NODE_ENV` config modules, the suite's
//! helpers. Pure path logic; [`crate::tree::read_node_code`] reads them.

use crate::syntax::code::Value;
use crate::syntax::js::{self, Dialect};

/// Dependencies that give a package a database client: only such a
/// package's config modules and test helpers are read.
pub const DATABASE_DEPENDENCIES: &[&str] = &[
    "\"mongoose\"",
    "\"mongodb\"",
    "\"pg\"",
    "\"postgres\"",
    "\"mysql\"",
    "\"mysql2\"",
    "\"knex\"",
    "\"sequelize\"",
    "\"typeorm\"",
    "\"@prisma/client\"",
    "\"prisma\"",
    "\"@strapi/strapi\"",
    "\"better-sqlite3\"",
    "\"sqlite3\"",
    "\"drizzle-orm\"",
    "\"@mikro-orm/core\"",
    "\"objection\"",
];

/// Folders of a package that hold its suite (and its helpers).
pub const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "e2e",
    "src/test",
    "src/tests",
    "src/__tests__",
];

/// Config modules a package selects by `NODE_ENV=test`, relative to it.
pub const TEST_CONFIG_MODULES: &[&str] = &[
    "config/env/test.js",
    "config/env/test.ts",
    "config/environments/test.js",
    "config/environments/test.ts",
    "config/test.js",
    "config/test.ts",
    "config/test.json",
    "config/custom-environment-variables.json",
    "config/env/test/database.js",
    "config/env/test/database.ts",
    "config/database.js",
    "config/database.ts",
    "config/config.json",
    "config/config.js",
    "knexfile.js",
    "knexfile.ts",
    "src/config/test.js",
    "src/config/test.ts",
];

/// Whether a path is one of [`TEST_CONFIG_MODULES`] (in any package).
pub fn is_config_module(path: &str) -> bool {
    TEST_CONFIG_MODULES
        .iter()
        .any(|m| path == *m || path.ends_with(&format!("/{m}")))
}

/// Whether a script is a test by its name, as Jest's and Vitest's default
/// patterns (`*.test.*`, `*.spec.*`) and Nest's `*.e2e-spec.ts` say.
pub fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    is_script(name)
        && [".test.", ".spec.", "-spec.", ".e2e."]
            .iter()
            .any(|infix| name.contains(infix))
}

/// Whether a file is JavaScript or TypeScript source.
pub fn is_script(path: &str) -> bool {
    [".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".jsx", ".tsx"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// The setup files a runner config names (jest `setupFiles`,
/// `setupFilesAfterEnv`, `globalSetup`, `globalTeardown`; vitest
/// `test.setupFiles`, `test.globalSetup`), as paths relative to the
/// repository, each with the extensions to try when it has none.
pub fn setup_files(config_dir: &str, config: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let scopes = [Some(config), config.get("test")];
    for scope in scopes.into_iter().flatten() {
        for key in [
            "setupFiles",
            "setupFilesAfterEnv",
            "globalSetup",
            "globalTeardown",
        ] {
            let items: Vec<&Value> = match scope.get(key) {
                Some(Value::List(l)) => l.iter().collect(),
                Some(v @ Value::Str { .. }) => vec![v],
                _ => continue,
            };
            for item in items {
                let Some(p) = item.as_str() else { continue };
                if let Some(paths) = resolve(config_dir, p) {
                    out.push(paths);
                }
            }
        }
    }
    out
}

/// The setup files a runner config's text may name, found literally (a
/// string in a `setupFiles`/`setupFilesAfterEnv`/`globalSetup`/
/// `globalTeardown` value): which files to read. What the run really uses
/// is decided later from the parsed config ([`setup_files`]); reading one
/// file too many costs a read, parsing every config to read none costs more.
pub fn setup_files_in_text(config_dir: &str, text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for key in ["setupFiles", "globalSetup", "globalTeardown"] {
        let mut from = 0;
        while let Some(at) = text.get(from..).and_then(|t| t.find(key)) {
            // past the rest of the key (`AfterEnv`, a closing quote) and `:`
            let key_end = from + at + key.len();
            let Some(colon) = text[key_end..].find(':') else {
                break;
            };
            let between = &text[key_end..key_end + colon];
            if !between
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '"' | '\'' | ' ' | '\t'))
            {
                from = key_end;
                continue;
            }
            // the value: up to the end of its array, or of its string
            let value_start = key_end + colon + 1;
            let rest = &text[value_start..];
            let end = match rest.find(['[', '\'', '"', '`']) {
                Some(i) if rest.as_bytes()[i] == b'[' => rest.find(']').unwrap_or(rest.len()),
                Some(i) => rest[i + 1..]
                    .find(['\'', '"', '`'])
                    .map_or(rest.len(), |e| i + 1 + e + 1),
                None => 0,
            };
            for s in quoted_strings(&rest[..end]) {
                if let Some(paths) = resolve(config_dir, s) {
                    out.push(paths);
                }
            }
            from = value_start;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a runner config's text says nothing a run uses but its setup
/// files, written so that a literal reading finds exactly them: no
/// comment, no preset, env, dotenv, `next/jest`, `loadEnv`, and no code
/// between its strings (`path.join(…)`, a condition). Such a config is not
/// parsed at all (tree-sitter costs tens of microseconds per file, and a
/// monorepo holds hundreds of these).
pub fn setup_files_are_literal(text: &str) -> bool {
    let says_more = [
        "//",
        "/*",
        "preset",
        "next/jest",
        "blitz",
        "dotenv",
        "env",
        "loadEnv",
        "test:",
        "?",
        "(",
    ]
    .iter()
    .any(|w| text.contains(w));
    !says_more && text.contains("etup")
}

/// The contents of the `'…'`, `"…"` and `` `…` `` strings in a piece of text.
fn quoted_strings(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['\'', '"', '`']) {
        let q = &rest[open..open + 1];
        let body = &rest[open + 1..];
        let Some(close) = body.find(q) else { break };
        out.push(&body[..close]);
        rest = &body[close + 1..];
    }
    out
}

/// `<rootDir>/x`, `./x`, `x` (a package such as `dotenv/config` is not a file).
fn resolve(dir: &str, written: &str) -> Option<Vec<String>> {
    let rel = written
        .strip_prefix("<rootDir>/")
        .or_else(|| written.strip_prefix("./"))?;
    if rel.contains("..") || rel.starts_with('/') {
        return None;
    }
    let base = crate::paths::join(dir, rel);
    if is_script(&base) {
        return Some(vec![base]);
    }
    Some(
        [".js", ".ts", ".mjs", ".cjs"]
            .iter()
            .map(|e| format!("{base}{e}"))
            .collect(),
    )
}

/// A runner config's exported value (jest/vitest/playwright), parsed.
pub fn runner_config(path: &str, text: &str) -> Option<Value> {
    if path.ends_with(".json") {
        return None;
    }
    js::parse(text, Dialect::of_path(path)).exports
}

/// The `jest` key of a package.json, as a [`Value`] (paths only matter).
pub fn jest_key(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::String(s) => Value::Str {
            text: s.clone(),
            range: 0..0,
            verbatim: false,
        },
        serde_json::Value::Array(a) => Value::List(a.iter().map(jest_key).collect()),
        serde_json::Value::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| crate::syntax::code::Entry {
                    key: k.clone(),
                    key_range: 0..0,
                    value: jest_key(v),
                })
                .collect(),
        ),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.to_string()),
        serde_json::Value::Null => Value::Null,
    }
}

/// The package folder a file belongs to: its nearest ancestor with a
/// `package.json`.
pub(super) fn package_of<'w>(ws: &'w crate::model::Workspace, dir: &'w str) -> Option<&'w str> {
    crate::paths::ancestors(dir).find(|d| ws.projects.get(*d).is_some_and(|c| c.node_root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_files_of_jest_and_vitest() {
        let v = runner_config(
            "jest.config.js",
            "module.exports = { setupFilesAfterEnv: ['<rootDir>/test/setup.ts'], globalSetup: './test/global' };",
        )
        .expect("config");
        let files = setup_files("api", &v);
        assert_eq!(files[0], vec!["api/test/setup.ts".to_string()]);
        assert_eq!(files[1][0], "api/test/global.js");
        let v = runner_config(
            "vitest.config.ts",
            "export default defineConfig({ test: { setupFiles: ['dotenv/config', './s.ts'] } })",
        )
        .expect("config");
        assert_eq!(setup_files("", &v), vec![vec!["s.ts".to_string()]]);
        let text = "module.exports = {\n  setupFiles: ['dotenv/config', '<rootDir>/test/env.js'],\n  globalSetup: \"./test/global.ts\",\n};";
        assert_eq!(
            setup_files_in_text("api", text),
            vec![
                vec!["api/test/env.js".to_string()],
                vec!["api/test/global.ts".to_string()]
            ]
        );
        // package.json's jest key is JSON: quoted keys
        let json = r#"{"jest": {"setupFilesAfterEnv": ["<rootDir>/src/tests/setup.js"]}}"#;
        assert_eq!(setup_files_in_text("", json)[0][0], "src/tests/setup.js");
    }
}
