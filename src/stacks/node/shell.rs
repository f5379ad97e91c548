//! Shell commands a Node suite's code runs: `execSync('./scripts/reset.sh')`
//! in a Playwright fixture, `cy.exec('php artisan migrate:fresh')` in a
//! Cypress hook, `execSync('npm run db:reset')` in a Jest global setup. The
//! command runs in a shell with the runner's environment and connects to
//! whatever database its own configuration names (artisan reads the app's
//! `.env`, `psql -d app` names one itself): that is not a database the
//! run's layers decide. A command that wipes one makes the run's database
//! matter even when the package has no database client of its own (an
//! end-to-end suite driving a PHP or Python app) — testguard follows the
//! command one step (a script file of the repository, a package script)
//! and records what it does; which database it reaches stays unresolved.

use std::collections::HashSet;

use super::files::{self as node, package_of};
use super::scripts::Package;
use crate::model::Workspace;
use crate::model::run::ShellReset;
use crate::paths::{dir_prefix, join, normalize};
use crate::source::{FileId, SourceFile, SourceKind, Span};
use crate::syntax::code::Value;
use crate::syntax::js::{self, Dialect};
use crate::tree::{MAX_TEST_FILE_SIZE, MAX_TEST_FILES_PER_PROJECT, MAX_TEST_LISTING, Tree};

/// Functions that run a shell command: `child_process`'s, execa's, and
/// Cypress's `cy.exec` (named by their last segment).
const SHELL_CALLS: &[&str] = &[
    "exec",
    "execSync",
    "execFile",
    "execFileSync",
    "spawn",
    "spawnSync",
    "execa",
    "execaSync",
    "execaCommand",
    "execaCommandSync",
];

/// Text without one of these runs no shell command: not parsed.
const SHELL_MARKERS: &[&str] = &["exec", "spawn"];

/// Dependencies of an end-to-end runner: its suite drives an app over
/// HTTP, and the app's database is whatever the app is configured with.
const E2E_DEPENDENCIES: &[&str] = &["\"@playwright/test\"", "\"playwright\"", "\"cypress\""];

/// Where an end-to-end suite keeps its specs, fixtures and support files,
/// relative to its package.
const E2E_DIRS: &[&str] = &[
    "e2e",
    "tests",
    "test",
    "cypress",
    "playwright",
    "tests-e2e",
    "e2e-tests",
];

fn runs_shell(text: &str) -> bool {
    SHELL_MARKERS.iter().any(|m| text.contains(m))
}

/// The shell scripts a command or a file names (`./scripts/reset-db.sh`,
/// `bash scripts/seed.sh`), as written: relative paths only.
pub fn script_paths(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for (end, _) in text.match_indices(".sh") {
        let end = end + 3;
        // a whole word: `.sh` then a quote, a space or the end
        if text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        {
            continue;
        }
        let start = text[..end]
            .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '(' | '=' | ','))
            .map_or(0, |i| i + 1);
        let path = &text[start..end];
        if path.len() > 3 && !path.starts_with('/') && !path.contains('$') && !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// Where a script a package's suite names is, relative to the scan root:
/// the package's folder (the runner's working folder), then the root.
fn script_candidates(package_dir: &str, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for base in [package_dir, ""] {
        if let Some(p) = normalize(&join(base, path))
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    out
}

/// Reads what an end-to-end package's suite runs in a shell. A package with
/// a database client has its suite read by [`super::reads::code`]; one
/// without — a Playwright or Cypress suite beside a PHP, Python or Ruby
/// app — is read here: only the files that run a shell command are kept,
/// and the script files they name (one step).
pub fn read(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let packages: Vec<String> = files
        .iter()
        .filter(|f| {
            f.kind == SourceKind::PackageJson
                && E2E_DEPENDENCIES.iter().any(|d| f.text.contains(d))
                && !node::DATABASE_DEPENDENCIES
                    .iter()
                    .any(|d| f.text.contains(d))
        })
        .map(|f| f.dir().to_string())
        .collect();
    if packages.is_empty() {
        return;
    }
    let mut known: HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
    let mut wanted: Vec<(String, String)> = Vec::new();
    for dir in &packages {
        let d = dir_prefix(dir);
        let mut listed: Vec<String> = Vec::new();
        for t in E2E_DIRS {
            listed.extend(tree.files_under(&format!("{d}{t}"), MAX_TEST_LISTING));
            if listed.len() >= MAX_TEST_LISTING {
                break;
            }
        }
        // a suite larger than the bound is not read at all
        if listed.len() >= MAX_TEST_LISTING {
            continue;
        }
        let scripts: Vec<String> = listed
            .into_iter()
            .filter(|p| node::is_script(p) && !p.contains("/node_modules/"))
            .collect();
        if scripts.len() > MAX_TEST_FILES_PER_PROJECT {
            continue;
        }
        wanted.extend(
            scripts
                .into_iter()
                .filter(|p| known.insert(p.clone()))
                .map(|p| (dir.clone(), p)),
        );
    }
    let paths: Vec<&str> = wanted.iter().map(|(_, p)| p.as_str()).collect();
    let mut shell_scripts: Vec<String> = Vec::new();
    for ((dir, path), bytes) in wanted.iter().zip(tree.read_many(&paths)) {
        let Some(text) = bytes
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|t| t.len() <= MAX_TEST_FILE_SIZE && runs_shell(t))
        else {
            continue;
        };
        for script in script_paths(&text) {
            if let Some(p) = script_candidates(dir, script)
                .into_iter()
                .find(|p| tree.exists(p))
                && !shell_scripts.contains(&p)
            {
                shell_scripts.push(p);
            }
        }
        files.push(SourceFile::new(path.clone(), SourceKind::NodeCode, text));
    }
    crate::tree::read_named(tree, files, shell_scripts, SourceKind::AppCode, |_| {
        MAX_TEST_FILE_SIZE
    });
}

/// What each package's suite wipes through a shell, by package folder: every
/// shell command of its code that wipes a database itself, runs a script
/// file that does, or runs a package script that does.
pub fn resets(ws: &Workspace, packages: &[Package]) -> Vec<(String, ShellReset)> {
    let wanted: Vec<(usize, &str, &str)> = ws
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.kind == SourceKind::NodeCode && node::is_script(&f.path) && runs_shell(&f.text)
        })
        .map(|(i, f)| (i, f.path.as_str(), f.text.as_str()))
        .collect();
    let parsed = crate::stacks::parallel_map(&wanted, |(i, path, text)| {
        (*i, js::parse(text, Dialect::of_path(path)))
    });
    let mut out: Vec<(String, ShellReset)> = Vec::new();
    for (i, module) in parsed {
        let file = FileId(i);
        let Some(dir) = package_of(ws, ws.file(file).dir()) else {
            continue;
        };
        let pkg = packages.iter().find(|p| p.dir == dir);
        for call in &module.calls {
            if !call.callee_name().is_some_and(|n| SHELL_CALLS.contains(&n)) {
                continue;
            }
            let Some((command, call_span)) = command_of(call, file) else {
                continue;
            };
            // `{ env: { ...process.env, DATABASE_URL: 'file:./test.db' } }`:
            // the code hands the command its database (judged with the
            // run's code, not as a command's own configuration)
            if sets_database_env(call) {
                continue;
            }
            if let Some(reset) = reset_of(ws, dir, pkg, &command, call_span) {
                out.push((dir.to_string(), reset));
            }
        }
    }
    out
}

/// The command line a shell call runs, and where it is written: the first
/// argument, with a `spawn(program, [args])` list joined to it.
fn command_of(call: &Value, file: FileId) -> Option<(String, Span)> {
    let Value::Call { args, .. } = call else {
        return None;
    };
    let Some(Value::Str { text, range, .. }) = args.first() else {
        return None;
    };
    let mut command = text.clone();
    if let Some(Value::List(items)) = args.get(1) {
        for item in items {
            if let Value::Str { text, .. } = item {
                command.push(' ');
                command.push_str(text);
            }
        }
    }
    Some((command, Span::new(file, range.start, range.end)))
}

/// A shell call whose options give the command a database variable.
fn sets_database_env(call: &Value) -> bool {
    let Value::Call { args, .. } = call else {
        return false;
    };
    args.iter().any(|a| match a.get("env") {
        Some(Value::Map(entries)) => entries
            .iter()
            .any(|e| crate::database::db_key_kind(&e.key, &[]).is_some()),
        _ => false,
    })
}

fn reset_of(
    ws: &Workspace,
    dir: &str,
    pkg: Option<&Package>,
    command: &str,
    call: Span,
) -> Option<ShellReset> {
    let reset =
        |found: crate::stacks::commands::Found, at: Span, shown: Option<String>| ShellReset {
            call,
            shown,
            idiom: found.idiom,
            what: found.what,
            at,
        };
    // a script of the package (`npm run db:reset`): what it runs, where it
    // is written
    if let Some((found, at, name)) = pkg.and_then(|p| package_script_reset(p, command)) {
        return Some(reset(found, at, Some(name)));
    }
    // the command itself: not quoted (it can carry a password)
    if let Some(found) = crate::stacks::commands::destructive(command) {
        return Some(reset(found, call, None));
    }
    // a script file of the repository
    for script in script_paths(command) {
        for path in script_candidates(dir, script) {
            let Some(id) = ws.file_id(&path) else {
                continue;
            };
            let f = ws.file(id);
            if let Some(found) = crate::stacks::commands::destructive(&f.text) {
                let at = Span::new(id, found.at, found.at + found.idiom.len());
                return Some(reset(found, at, Some(script.to_string())));
            }
        }
    }
    None
}

/// The destructive idiom of the package script a command runs (`npm run
/// db:reset`, `yarn db:reset`), and where it is written.
fn package_script_reset(
    pkg: &Package,
    command: &str,
) -> Option<(crate::stacks::commands::Found, Span, String)> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let (shown, name) = match words.as_slice() {
        [
            tool @ ("npm" | "pnpm"),
            run @ ("run" | "run-script"),
            name,
            ..,
        ] => (format!("{tool} {run} {name}"), *name),
        [tool @ ("yarn" | "pnpm"), name, ..] => (format!("{tool} {name}"), *name),
        _ => return None,
    };
    let script = pkg.script(name)?;
    let found = crate::stacks::commands::destructive(&script.command)?;
    let at = if script.verbatim {
        let start = script.span.start + found.at;
        Span::new(script.span.file, start, start + found.idiom.len())
    } else {
        script.span
    };
    Some((found, at, shown))
}

#[cfg(test)]
mod tests {
    use super::script_paths;

    #[test]
    fn scripts_named_in_a_command() {
        assert_eq!(
            script_paths("execSync(\"./scripts/reset-test-db.sh\", { cwd })"),
            vec!["./scripts/reset-test-db.sh"]
        );
        assert_eq!(
            script_paths("bash scripts/seed.sh && sh ./x.sh"),
            vec!["scripts/seed.sh", "./x.sh"]
        );
        assert!(script_paths("/usr/local/bin/reset.sh ${DIR}/x.sh a.shell").is_empty());
    }
}
