//! Yii 2: Codeception's `Yii2` module boots the application from its
//! `configFile` (relative to the folder of `codeception.yml`), and the
//! tests use that config's `components.db`. The config is PHP that builds
//! itself from other files: the basic template's `config/test.php` takes
//! `'db' => require __DIR__ . '/test_db.php'`, which is `db.php` with
//! `$db['dsn']` replaced — or not; the advanced template's
//! `common/config/test-local.php` is `ArrayHelper::merge(require
//! 'main.php', require 'main-local.php', require 'test.php', [...])`, a deep
//! merge in which a later array's key wins (yii2 `BaseArrayHelper::merge`),
//! so a `test-local.php` without its own `dsn` keeps `main-local.php`'s, the
//! development database. `*-local.php` files are gitignored and made by
//! `php init` from `environments/dev/`: where the repository holds only the
//! template, the template is read, at the place it is copied to.
//!
//! The evaluation follows `require`/`include` of paths written relative to
//! the file (`__DIR__ . '/x.php'`, `dirname(__DIR__) . '/x.php'`),
//! variables assigned at the top level (`$db = …; $db['dsn'] = …`), array
//! literals, `ArrayHelper::merge`, `array_merge` and
//! `array_replace_recursive`. Anything else on the way to the `dsn` leaves
//! the run unresolved there.

use crate::model::{EnvSource, TestEnv, Workspace};
use crate::paths::{join, normalize};
use crate::source::{FileId, SourceFile, SourceKind, Span};
use crate::syntax::code::Value;
use crate::syntax::php::{self, Script};
use crate::syntax::yaml::{self, Node};
use crate::tree::{MAX_TEST_FILE_SIZE, Tree};

/// How deep `require`s are followed, and how many files are read for one
/// app at most.
const MAX_DEPTH: usize = 8;
const MAX_FILES: usize = 40;

/// The `configFile` a Codeception file gives the `Yii2` module, with its
/// span, relative to the Codeception root.
fn config_file(id: FileId, text: &str) -> Option<(String, Span)> {
    let docs = yaml::parse(id, text).ok()?;
    let modules = docs.first()?.get("modules")?;
    let named = |node: &Node| -> Option<Node> {
        node.entries()
            .iter()
            .find(|(k, _)| k.value == "Yii2" || k.value.ends_with("\\Yii2"))
            .map(|(_, v)| v.clone())
    };
    let mut configs: Vec<Node> = Vec::new();
    if let Some(enabled) = modules.get("enabled") {
        configs.extend(enabled.items().iter().filter_map(named));
    }
    configs.extend(modules.get("config").and_then(named));
    configs.iter().rev().find_map(|c| {
        let s = c.get("configFile")?.as_scalar()?;
        (!s.value.is_empty()).then(|| (s.value.clone(), s.span))
    })
}

/// Codeception resolves `configFile` against its root: the nearest folder
/// at or above the file that holds a `codeception.yml`.
fn codeception_root(dir: &str, has_config: impl Fn(&str) -> bool) -> &str {
    crate::paths::ancestors(dir)
        .find(|d| {
            ["codeception.yml", "codeception.dist.yml"]
                .iter()
                .any(|n| has_config(&join(d, n)))
        })
        .unwrap_or(dir)
}

/// Where `php init` keeps the template of a gitignored file of the app at
/// `app_dir`: `environments/dev/<path>`.
fn template_of(app_dir: &str, path: &str) -> Option<String> {
    let rel = if app_dir.is_empty() {
        path
    } else {
        path.strip_prefix(app_dir)?.strip_prefix('/')?
    };
    Some(join(app_dir, &format!("environments/dev/{rel}")))
}

/// The paths a PHP file requires relative to itself, found literally.
fn required_paths(text: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r#"(?:require|include)(?:_once)?\s*\(?\s*((?:dirname\s*\(\s*)*__DIR__(?:\s*,\s*\d)?(?:\s*\))*)\s*\.\s*['"]/([^'"$]+)['"]"#,
        )
        .unwrap_or_else(|_| unreachable!())
    });
    re.captures_iter(text)
        .filter_map(|c| {
            let up = php::dir_levels(c.get(1)?.as_str())?;
            Some(format!("{}{}", "../".repeat(up), c.get(2)?.as_str()))
        })
        .collect()
}

/// Reads the config files the `Yii2` module of each Yii 2 app boots, and
/// every file they require (or its `environments/dev/` template).
pub fn read(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let apps: Vec<String> = files
        .iter()
        .filter(|f| f.kind == SourceKind::ComposerJson && f.text.contains("yiisoft/yii2"))
        .map(|f| f.dir().to_string())
        .collect();
    if apps.is_empty() {
        return;
    }
    let known = |files: &[SourceFile], p: &str| files.iter().any(|f| f.path == p);
    let mut queue: Vec<(String, String, usize)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if f.kind != SourceKind::Codeception {
            continue;
        }
        let Some(app) = apps
            .iter()
            .filter(|a| crate::paths::is_within(f.dir(), a))
            .max_by_key(|a| a.len())
        else {
            continue;
        };
        let Some((path, _)) = config_file(FileId(i), &f.text) else {
            continue;
        };
        let root = codeception_root(f.dir(), |p| known(files, p));
        if let Some(p) = normalize(&join(root, &path)) {
            queue.push((app.clone(), p, 0));
        }
    }
    let mut read = 0;
    while let Some((app, path, depth)) = queue.pop() {
        if depth > MAX_DEPTH || read >= MAX_FILES {
            break;
        }
        let Some(actual) = [Some(path.clone()), template_of(&app, &path)]
            .into_iter()
            .flatten()
            .find(|p| known(files, p) || tree.exists(p))
        else {
            continue;
        };
        let text = match files.iter().find(|f| f.path == actual) {
            Some(f) => f.text.clone(),
            None => {
                let Ok(Ok(text)) = tree.read(&actual).map(String::from_utf8) else {
                    continue;
                };
                if text.len() > MAX_TEST_FILE_SIZE {
                    continue;
                }
                read += 1;
                files.push(SourceFile::new(
                    actual.clone(),
                    SourceKind::AppCode,
                    text.clone(),
                ));
                text
            }
        };
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for rel in required_paths(&text) {
            if let Some(p) = normalize(&join(dir, &rel))
                && p != path
            {
                queue.push((app.clone(), p, depth + 1));
            }
        }
    }
}

/// What the walk to one key found.
enum Found {
    /// Written here (a literal or an environment read), in this file, which
    /// the files of the chain (outermost first) required in turn.
    Set(FileId, Value, Vec<String>),
    /// Nothing on the way writes the key.
    NotSet,
    /// Code testguard does not evaluate decides it, here.
    Code(Span),
    /// A file on the way (required here) is not in the repository.
    Missing(String, Span),
}

struct Eval<'w> {
    ws: &'w Workspace,
    app: &'w str,
    /// Files being evaluated (a `require` cycle stops), and the templates
    /// read in place of a missing file.
    stack: Vec<String>,
    templates: Vec<(String, FileId)>,
}

impl Eval<'_> {
    /// The value at `path` in what the file at `intended` returns.
    fn file(&mut self, intended: &str, path: &[&str], from: Span) -> Found {
        if self.stack.len() > MAX_DEPTH || self.stack.iter().any(|p| p == intended) {
            return Found::Code(from);
        }
        let id = match self.ws.file_id(intended) {
            Some(id) => id,
            None => match template_of(self.app, intended).and_then(|t| self.ws.file_id(&t)) {
                Some(id) => {
                    self.templates.push((intended.to_string(), id));
                    id
                }
                None => return Found::Missing(intended.to_string(), from),
            },
        };
        let f = self.ws.file(id);
        if f.kind != SourceKind::AppCode {
            return Found::Code(from);
        }
        let script = php::parse(&f.text);
        if script.has_error {
            return Found::Code(from);
        }
        let Some(returns) = script.returns.clone() else {
            return Found::Code(from);
        };
        let dir = intended.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        self.stack.push(intended.to_string());
        let found = self.at(&returns, path, id, &dir, &script);
        self.stack.pop();
        found
    }

    /// The value at `path` inside `v`, a value of the file `id` (in `dir`).
    fn at(&mut self, v: &Value, path: &[&str], id: FileId, dir: &str, script: &Script) -> Found {
        let span_of = |v: &Value| Span::new(id, v.written_range().start, v.written_range().end);
        match v {
            Value::Map(entries) => {
                let Some((key, rest)) = path.split_first() else {
                    return Found::Code(span_of(v));
                };
                match entries.iter().rev().find(|e| e.key == *key) {
                    Some(e) if rest.is_empty() => self.scalar(&e.value, id, script),
                    Some(e) => self.at(&e.value, rest, id, dir, script),
                    None => Found::NotSet,
                }
            }
            Value::Name(n) if n.starts_with('$') => {
                let name = &n[1..];
                // `$db['dsn'] = …` after `$db = …`: the last keyed write wins
                if let Some((key, rest)) = path.split_first()
                    && let Some(a) = script
                        .assigns
                        .iter()
                        .rev()
                        .find(|a| a.variable == name && a.key.as_deref() == Some(key))
                {
                    return if rest.is_empty() {
                        self.scalar(&a.value, id, script)
                    } else {
                        self.at(&a.value, rest, id, dir, script)
                    };
                }
                match script
                    .assigns
                    .iter()
                    .rev()
                    .find(|a| a.variable == name && a.key.is_none())
                {
                    Some(a) => {
                        let value = a.value.clone();
                        self.at(&value, path, id, dir, script)
                    }
                    None => Found::Code(span_of(v)),
                }
            }
            Value::Call {
                callee,
                args,
                range,
                ..
            } => {
                // a static call is read by its method's name alone: the
                // class is in the text before it
                let written = self.ws.file(id).text.get(range.clone()).unwrap_or("");
                let name = callee.rsplit(['\\', ':']).next().unwrap_or(callee);
                let head = written.split('(').next().unwrap_or("");
                let class = if head.contains("ArrayHelper::") {
                    "ArrayHelper"
                } else {
                    callee.as_str()
                };
                match (class, name) {
                    ("require", _) => match args.first() {
                        Some(Value::Str { text, .. }) => match normalize(&join(dir, text)) {
                            Some(p) => self.file(&p, path, span_of(v)),
                            None => Found::Code(span_of(v)),
                        },
                        _ => Found::Code(span_of(v)),
                    },
                    // a deep merge: the last array that writes the key wins
                    (c, "merge") if c.contains("ArrayHelper") => {
                        self.last_writer(args, path, id, dir, script)
                    }
                    ("array_replace_recursive", _) => self.last_writer(args, path, id, dir, script),
                    // a shallow merge: the last array holding the top key
                    // holds all of it
                    ("array_merge", _) => {
                        let Some((top, _)) = path.split_first() else {
                            return Found::Code(span_of(v));
                        };
                        for a in args.iter().rev() {
                            match self.at(a, &[top], id, dir, script) {
                                Found::NotSet => continue,
                                Found::Set(..) => return self.at(a, path, id, dir, script),
                                other => return other,
                            }
                        }
                        Found::NotSet
                    }
                    _ => Found::Code(span_of(v)),
                }
            }
            _ => Found::Code(span_of(v)),
        }
    }

    fn last_writer(
        &mut self,
        args: &[Value],
        path: &[&str],
        id: FileId,
        dir: &str,
        script: &Script,
    ) -> Found {
        for a in args.iter().rev() {
            match self.at(a, path, id, dir, script) {
                Found::NotSet => continue,
                found => return found,
            }
        }
        Found::NotSet
    }

    /// A key's value: a literal or an environment read, or what a variable
    /// or a `require` holds.
    fn scalar(&mut self, v: &Value, id: FileId, script: &Script) -> Found {
        match v {
            Value::Str { .. } | Value::EnvRead { .. } => {
                Found::Set(id, v.clone(), self.stack.clone())
            }
            Value::Name(n) if n.starts_with('$') => {
                match script
                    .assigns
                    .iter()
                    .rev()
                    .find(|a| a.variable == n[1..] && a.key.is_none())
                {
                    Some(a) => {
                        let value = a.value.clone();
                        self.scalar(&value, id, script)
                    }
                    None => Found::Code(Span::new(
                        id,
                        v.written_range().start,
                        v.written_range().end,
                    )),
                }
            }
            _ => Found::Code(Span::new(
                id,
                v.written_range().start,
                v.written_range().end,
            )),
        }
    }
}

/// One environment per Codeception file whose `Yii2` module boots a config
/// that testguard can follow to its `components.db.dsn`.
pub fn build(ws: &mut Workspace) {
    let mut out = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::Codeception {
            continue;
        }
        let Some(app) = ws
            .files
            .iter()
            .filter(|c| c.kind == SourceKind::ComposerJson && c.text.contains("yiisoft/yii2"))
            .map(SourceFile::dir)
            .filter(|a| crate::paths::is_within(f.dir(), a))
            .max_by_key(|a| a.len())
        else {
            continue;
        };
        let id = FileId(i);
        let Some((path, span)) = config_file(id, &f.text) else {
            continue;
        };
        let root = codeception_root(f.dir(), |p| ws.file_id(p).is_some());
        let Some(config) = normalize(&join(root, &path)) else {
            continue;
        };
        let mut eval = Eval {
            ws,
            app,
            stack: Vec::new(),
            templates: Vec::new(),
        };
        let found = eval.file(&config, &["components", "db", "dsn"], span);
        let templates = eval.templates;
        let (file, value, chain) = match found {
            Found::Set(file, value, chain) => (file, value, chain),
            // an app with no `db` component reaches no database this way
            Found::NotSet => continue,
            // a run all the same, unresolved where the chain ends
            found @ (Found::Code(_) | Found::Missing(..)) => {
                let why = match found {
                    Found::Missing(path, _) if path == config => {
                        "which is not in the repository".to_string()
                    }
                    Found::Missing(path, at) => format!(
                        "whose `{path}` (required at {}:{}) is not in the repository",
                        ws.file(at.file).path,
                        ws.file(at.file).line_col(at.start).0
                    ),
                    Found::Code(at) => format!(
                        "whose `components.db` is decided in code at {}:{}",
                        ws.file(at.file).path,
                        ws.file(at.file).line_col(at.start).0
                    ),
                    _ => String::new(),
                };
                let mut env = TestEnv::local(
                    format!(
                        "Codeception's Yii2 module ({}, booting {config}, {why})",
                        f.path
                    ),
                    EnvSource::FrameworkConfig,
                    f,
                    id,
                    span,
                    Vec::new(),
                );
                env.frameworks = ws.frameworks_of(f.dir());
                out.push(env);
                continue;
            }
        };
        let (key, text, range, overridable) = match value {
            Value::Str { text, range, .. } => ("components.db.dsn".to_string(), text, range, false),
            // `getenv('DB_DSN')` with no default says nothing here; the
            // variable decides in the layers above
            _ => continue,
        };
        if text.is_empty() {
            continue;
        }
        // the templates read for the files of the chain
        let mut names: Vec<&str> = templates
            .iter()
            .filter(|(intended, _)| chain.contains(intended))
            .map(|(_, t)| ws.file(*t).path.as_str())
            .collect();
        names.dedup();
        let template_note = if names.is_empty() {
            String::new()
        } else {
            format!(", read from the `php init` template {}", names.join(", "))
        };
        let at = Span::new(file, range.start, range.end);
        let setting = super::framework_setting(&key, at, text, at, overridable);
        let mut env = TestEnv::local(
            format!(
                "Codeception's Yii2 module ({}, booting {}{template_note})",
                f.path,
                chain.join(" → ")
            ),
            EnvSource::FrameworkConfig,
            f,
            id,
            span,
            vec![setting],
        );
        env.frameworks = ws.frameworks_of(f.dir());
        out.push(env);
    }
    ws.envs.extend(out);
}

#[cfg(test)]
mod tests {
    use super::required_paths;

    #[test]
    fn required_paths_relative_to_the_file() {
        assert_eq!(
            required_paths(
                "<?php\n$db = require __DIR__ . '/db.php';\nreturn yii\\helpers\\ArrayHelper::merge(require(dirname(__DIR__) . '/x/main.php'), require dirname(__DIR__, 2) . '/common/config/test-local.php');\n"
            ),
            vec![
                "db.php",
                "../x/main.php",
                "../../common/config/test-local.php"
            ]
        );
        assert_eq!(
            required_paths(
                "<?php return require dirname(dirname(__DIR__)) . '/common/config/x.php';"
            ),
            vec!["../../common/config/x.php"]
        );
        assert!(required_paths("<?php require 'vendor/autoload.php';").is_empty());
    }
}
