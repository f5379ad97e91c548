//! What a PHP suite's own code does to its environment and configuration
//! before the tests run (the safe idioms), read literally:
//!
//! - PHPUnit's bootstrap file (`tests/bootstrap.php`, named by the config's
//!   `bootstrap` attribute) runs after PHPUnit has applied `<php>` and before
//!   any application boots: its top-level `putenv('K=v')`,
//!   `$_ENV['K'] = 'v'`, `$_SERVER['K'] = 'v'` are the run's highest layer;
//! - `config(['database.default' => …])`, `$app['config']->set('database.…')`,
//!   `Config::set('database.…')` anywhere in the test code (a
//!   `createApplication()` or `setUp()` override) switch the database after
//!   the app booted: the run's database is decided in code;
//! - `config:clear`, or deleting `bootstrap/cache/config.php`, in the
//!   bootstrap file bypasses a cached configuration.

use crate::model::{PhpTestSetup, Setting, Via, Workspace};
use crate::source::{FileId, SourceKind, Span, Spanned};
use crate::syntax::code::Value;
use crate::syntax::php;

pub fn scan(ws: &mut Workspace) {
    let mut out = Vec::new();
    // the PHP test code that can set anything up, parsed on several threads
    // (a large suite's base test cases and traits: Sylius holds hundreds)
    let wanted: Vec<(usize, &str)> = ws
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == SourceKind::TestCode && f.path.ends_with(".php"))
        .filter(|(_, f)| {
            // a bootstrap file's environment writes and cache clearing count;
            // elsewhere only a `database.*` configuration key set in code
            if f.file_name() == "bootstrap.php" {
                [
                    "putenv",
                    "$_ENV",
                    "$_SERVER",
                    "config(",
                    "->set(",
                    "Config::set",
                    "config:clear",
                    "config.php",
                ]
                .iter()
                .any(|w| f.text.contains(w))
            } else {
                f.text.contains("database.")
                    && ["config(", "->set(", "Config::set"]
                        .iter()
                        .any(|w| f.text.contains(w))
            }
        })
        .filter(|(_, f)| project_of(&f.path).is_some())
        .map(|(i, f)| (i, f.text.as_str()))
        .collect();
    let parsed = crate::stacks::parallel_map(&wanted, |(i, text)| (*i, php::parse(text)));
    for (i, script) in parsed {
        let f = &ws.files[i];
        let Some(project) = project_of(&f.path) else {
            continue;
        };
        let id = FileId(i);
        // code PHP would refuse sets nothing up
        if script.has_error {
            continue;
        }
        let bootstrap = f.file_name() == "bootstrap.php";
        let mut env_writes = Vec::new();
        if bootstrap {
            for a in &script.assigns {
                if let (
                    true,
                    Some(key),
                    Value::Str {
                        text,
                        range,
                        verbatim,
                    },
                ) = (
                    a.variable == "_ENV" || a.variable == "_SERVER",
                    &a.key,
                    &a.value,
                ) {
                    env_writes.push(setting(id, key, a.range.start, text, range, *verbatim));
                }
            }
            for c in &script.calls {
                if c.callee_name() != Some("putenv") {
                    continue;
                }
                let Value::Call { args, .. } = c else {
                    continue;
                };
                if let Some(Value::Str {
                    text,
                    range,
                    verbatim: true,
                }) = args.first()
                    && let Some((k, v)) = text.split_once('=')
                {
                    let vr = range.start + k.len() + 1..range.end;
                    env_writes.push(setting(id, k, range.start, v, &vr, true));
                }
            }
        }
        let mut config_sets = Vec::new();
        for c in &script.calls {
            let Value::Call {
                callee,
                args,
                range,
                ..
            } = c
            else {
                continue;
            };
            let name = c.callee_name().unwrap_or("");
            let keys: Vec<String> = match (name, args.first()) {
                ("config", Some(Value::Map(entries))) => {
                    entries.iter().map(|e| e.key.clone()).collect()
                }
                ("set", Some(Value::Str { text, .. })) => vec![text.clone()],
                _ => Vec::new(),
            };
            let _ = callee;
            if let Some(k) = keys.into_iter().find(|k| k.starts_with("database.")) {
                config_sets.push((k, Span::new(id, range.start, range.end)));
            }
        }
        let code = crate::syntax::comments::blank(&f.text, crate::syntax::comments::Style::Php);
        let clears_cache = bootstrap
            && (code.contains("config:clear")
                || (code.contains("unlink") && code.contains("cache/config.php")));
        if env_writes.is_empty() && config_sets.is_empty() && !clears_cache {
            continue;
        }
        out.push(PhpTestSetup {
            project: project.to_string(),
            file: id,
            bootstrap,
            env_writes,
            config_sets,
            clears_config_cache: clears_cache,
        });
    }
    for t in out {
        ws.project_mut(&t.project.clone()).php.test_setup.push(t);
    }
}

fn setting(
    file: FileId,
    key: &str,
    key_at: usize,
    value: &str,
    range: &std::ops::Range<usize>,
    verbatim: bool,
) -> Setting {
    Setting {
        key: Spanned::new(key.to_string(), Span::new(file, key_at, key_at)),
        value: value.to_string(),
        value_span: Span::new(file, range.start, range.end),
        verbatim,
        overridable: false,
        via: Via::FrameworkConfig,
        unset: false,
        provenance: None,
        raw_offsets: None,
    }
}

/// `app/tests/bootstrap.php` → `app`; `tests/X.php` → `` (the root).
fn project_of(path: &str) -> Option<&str> {
    if path.starts_with("tests/") {
        return Some("");
    }
    path.find("/tests/").map(|i| &path[..i])
}
