//! `testguard run -- COMMAND [ARG...]`: resolve the test run the
//! command starts, with the real process environment and the files as they
//! are on disk, through the same pipeline as `lint`; refuse it (exit 125,
//! nothing started) when an error-severity finding applies to it; otherwise
//! become the command (`exec`: same process id, signals and exit status are
//! the runner's, arguments byte for byte, no shell).

pub mod explain;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Outcome;
use crate::error::RunError;
use crate::model::{Invocation, RunnerFamily, Workspace};
use crate::rules::Policy;
use crate::source::SourceKind;

use crate::stacks::runners::{self as command, Recognised};

/// Exit status of a refused run (the convention `git bisect run` and `env`
/// use for "the command could not be run because of the wrapper").
pub const REFUSED: u8 = 125;

/// What `testguard run` was asked to do.
#[derive(Debug)]
pub struct RunRequest {
    pub runner: Option<String>,
    pub explain: bool,
    pub config: Option<PathBuf>,
    pub command: Vec<OsString>,
}

/// Runs the request; returns an exit status only when the command was not
/// executed (refused, not recognised, cannot be executed).
pub fn run(req: RunRequest) -> Result<u8, RunError> {
    let Some(program) = req.command.first() else {
        return Err(RunError(
            "no command: `testguard run -- vendor/bin/phpunit` runs PHPUnit once its test environment is safe".into(),
        ));
    };
    let recognised = match &req.runner {
        Some(name) => command::named(name).map(|mut r| {
            // the command line still says which environment it exports
            if let Some(from_command) = command::recognise(&req.command) {
                r.assignments = from_command.assignments;
                r.clears_environment = from_command.clears_environment;
            }
            r
        }),
        None => command::recognise(&req.command),
    };
    let Some(recognised) = recognised else {
        let names: Vec<&str> = command::RUNNER_NAMES.iter().map(|(n, _)| *n).collect();
        let what = match &req.runner {
            Some(name) => format!("`--runner {name}` names no runner testguard knows"),
            None => format!(
                "`{}` is not a test runner testguard recognises, so it cannot tell which test environment to check",
                program.to_string_lossy()
            ),
        };
        eprintln!(
            "testguard: {what}; nothing was run.\n\
             Name the runner the command starts: `testguard run --runner NAME -- {}` (NAME: {}).",
            shown(&req.command),
            names.join(", ")
        );
        return Ok(2);
    };
    let cwd = std::env::current_dir()
        .map_err(|e| RunError(format!("cannot read the current directory: {e}")))?;
    let root = crate::git::repository_root(&cwd).unwrap_or_else(|| cwd.clone());
    let (policy, _) = crate::config::load(&root, req.config.as_deref())?;
    let dir = relative_dir(&root, &cwd);
    let invocation = invocation(&recognised, &root, &dir);
    let caller = caller_variables(&recognised, &policy);
    let outcome = crate::engine::lint_for_run(&root, &policy, invocation, &caller)?;
    let mut applicable = applicable(&outcome, &recognised.family, &dir);
    unset_help(&outcome.workspace, &mut applicable);
    // `lint --fix` fixes what `lint` finds, which knows no caller: a fix
    // suggested here might not be one it applies
    for d in &mut applicable {
        d.fix = None;
    }
    let errors = applicable
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let colour =
        crate::report::human::use_colour(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if req.explain {
        eprint!("{}", explain::render(&outcome.workspace, &policy));
    }
    if !applicable.is_empty() {
        let shown_outcome = Outcome {
            diagnostics: applicable,
            ..outcome.clone()
        };
        eprint!(
            "{}",
            crate::report::human::render(&shown_outcome, colour, true)
        );
    }
    // a run whose database cannot be named is said so, not passed in silence
    let unresolved: Vec<&crate::model::RunAccount> = outcome
        .workspace
        .accounts
        .iter()
        .filter(|a| {
            a.database.verdict == crate::model::Verdict::Unresolved
                && a.family.is_none_or(|f| f == recognised.family)
                && (crate::paths::is_within(&dir, &a.dir) || crate::paths::is_within(&a.dir, &dir))
        })
        .collect();
    for a in &unresolved {
        let at = a
            .database
            .reason_at
            .or(a.entry)
            .map(|s| {
                let f = outcome.workspace.file(s.file);
                format!(" ({}:{})", f.path, f.line_col(s.start).0)
            })
            .unwrap_or_default();
        eprintln!(
            "testguard: note: {}: database unresolved: {}{at}",
            a.name,
            a.database
                .reason
                .as_deref()
                .unwrap_or("testguard cannot tell which database it reaches")
        );
    }
    if errors == 0 && !unresolved.is_empty() && policy.unresolved == Some(Severity::Error) {
        eprintln!(
            "testguard: refused to start {}: `unresolved = \"error\"` and testguard cannot name the database of {} above. Nothing was run.",
            recognised.runner,
            if unresolved.len() == 1 {
                "the run".to_string()
            } else {
                format!("{} runs", unresolved.len())
            }
        );
        return Ok(REFUSED);
    }
    if errors > 0 {
        eprintln!(
            "testguard: refused to start {}: {errors} error{} above would let this test run reach a database that is not a test one. Nothing was run.",
            recognised.runner,
            if errors == 1 { "" } else { "s" }
        );
        return Ok(REFUSED);
    }
    Ok(exec(&req.command))
}

/// The command, as a human would type it (for messages; never executed).
fn shown(command: &[OsString]) -> String {
    command
        .iter()
        .map(|a| {
            let s = a.to_string_lossy();
            if s.is_empty() || s.contains([' ', '\'', '"', '$']) {
                format!("'{}'", s.replace('\'', r"'\''"))
            } else {
                s.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn relative_dir(root: &Path, cwd: &Path) -> String {
    let (Ok(root), Ok(cwd)) = (root.canonicalize(), cwd.canonicalize()) else {
        return String::new();
    };
    crate::discover::relative(&root, &cwd).unwrap_or_default()
}

/// The model's view of the command: its folder, and the configuration file
/// the runner reads (PHPUnit: `-c`, else the first of `phpunit.xml`,
/// `phpunit.dist.xml`, `phpunit.xml.dist` in the folder it starts in).
fn invocation(r: &Recognised, root: &Path, dir: &str) -> Invocation {
    let in_dir = |name: &str| crate::paths::join(dir, name);
    // `composer test`: the PHPUnit command its script runs says which config
    let from_script = r
        .composer_script
        .as_deref()
        .and_then(|name| composer_script_runner(&root.join(dir).join("composer.json"), name));
    let r = &match from_script {
        Some(found) => Recognised {
            config: found.config,
            ..r.clone()
        },
        None => r.clone(),
    };
    let config = match (&r.config, r.family) {
        (Some(c), _) => {
            let path = normalise(&in_dir(c));
            if r.family == RunnerFamily::Php && root.join(&path).is_dir() {
                ["phpunit.xml", "phpunit.dist.xml", "phpunit.xml.dist"]
                    .iter()
                    .map(|n| crate::paths::join(&path, n))
                    .find(|p| root.join(p).is_file())
            } else {
                Some(path)
            }
        }
        (None, RunnerFamily::Php) => ["phpunit.xml", "phpunit.dist.xml", "phpunit.xml.dist"]
            .iter()
            .map(|n| in_dir(n))
            .find(|p| root.join(p).is_file()),
        _ => None,
    };
    Invocation {
        family: r.family,
        runner: r.runner.clone(),
        program: r.program.clone(),
        dir: dir.to_string(),
        node_script: r.node_script.clone(),
        config,
        settings_module: r.settings_module.clone(),
        caller: Vec::new(),
        caller_file: None,
    }
}

/// The test runner a `composer.json` script starts, following `@other`
/// script references and `@php` prefixes (composer's own script syntax).
fn composer_script_runner(composer_json: &Path, name: &str) -> Option<Recognised> {
    let text = std::fs::read_to_string(composer_json).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let scripts = json.get("scripts")?;
    let mut pending = vec![(name.to_string(), 0usize)];
    while let Some((name, depth)) = pending.pop() {
        let commands: Vec<&str> = match scripts.get(&name)? {
            serde_json::Value::String(c) => vec![c.as_str()],
            serde_json::Value::Array(list) => list.iter().filter_map(|c| c.as_str()).collect(),
            _ => continue,
        };
        for c in commands {
            let c = c.trim();
            let c = c.strip_prefix("@php ").map_or(c, |rest| rest.trim_start());
            if let Some(reference) = c.strip_prefix('@') {
                let target = reference.split_whitespace().next().unwrap_or("");
                if depth < 8 && !matches!(target, "putenv" | "composer") {
                    pending.push((target.to_string(), depth + 1));
                }
                continue;
            }
            let words: Vec<OsString> = c.split_whitespace().map(OsString::from).collect();
            if let Some(found) =
                command::recognise(&words).filter(|f| f.family == RunnerFamily::Php)
            {
                return Some(found);
            }
        }
    }
    None
}

/// `a/./b/../c` → `a/c` (relative to the scan root).
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Keys of the environment that can decide which database or environment a
/// test run gets, beyond the database keys themselves.
const ENVIRONMENT_SELECTORS: &[&str] = &[
    "RACK_ENV",
    "MIX_ENV",
    "FLASK_ENV",
    "APP_ENVIRONMENT",
    "ASPNETCORE_ENVIRONMENT",
    "DOTNET_ENVIRONMENT",
    "SPRING_PROFILES_ACTIVE",
    "GO_ENV",
];

/// The variables of the real environment the command starts with that can
/// decide its test run: databases, environment names, settings modules
/// (with the command's own `env VAR=x` prefix applied). Nothing else is
/// read into the model, so nothing else can be printed.
fn caller_variables(r: &Recognised, policy: &Policy) -> Vec<(String, String)> {
    let wanted =
        |k: &str| crate::rules::is_guarding_key(k, policy) || ENVIRONMENT_SELECTORS.contains(&k);
    let mut vars: Vec<(String, String)> = if r.clears_environment {
        Vec::new()
    } else {
        std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect()
    };
    for (k, v) in &r.assignments {
        vars.retain(|(x, _)| x != k);
        vars.push((k.clone(), v.clone()));
    }
    vars.retain(|(k, v)| wanted(k) && !k.contains('=') && !v.contains(['\n', '\r', '\0']));
    vars.sort();
    vars
}

/// The findings that decide this run: about the files its runner reads in
/// the folder it starts in (or the folders above), or about the caller's
/// environment. CI workflows, compose files, Makefiles and READMEs describe
/// other entry points; another ecosystem's configuration is another run.
fn applicable(outcome: &Outcome, family: &RunnerFamily, dir: &str) -> Vec<Diagnostic> {
    let ws = &outcome.workspace;
    let config = ws.invocation.as_ref().and_then(|i| i.config.clone());
    // the project the command runs: the folder of the configuration it
    // reads, else the nearest project root above the folder it starts in
    let project = match &config {
        Some(c) => c.rsplit_once('/').map_or("", |(d, _)| d).to_string(),
        None => project_of(ws, dir, Some(*family))
            .unwrap_or(dir)
            .to_string(),
    };
    outcome
        .diagnostics
        .iter()
        .filter(|d| {
            let Some(p) = d.primary else { return false };
            let f = ws.file(p.file);
            if f.kind == SourceKind::CallerEnvironment {
                return true;
            }
            let Some(owner) = crate::model::run::family_of(f.kind, &f.path) else {
                return false;
            };
            if owner.is_some_and(|o| o != *family) {
                return false;
            }
            // PHPUnit reads one configuration (none when the folder has none)
            if f.kind == SourceKind::Phpunit
                && *family == RunnerFamily::Php
                && config.as_ref() != Some(&f.path)
            {
                return false;
            }
            in_scope(ws, f.dir(), &project, owner)
        })
        .cloned()
        .collect()
}

/// The project folder a file belongs to: its nearest ancestor that is the
/// root of a project of `family` (any family when `None`).
fn project_of<'w>(
    ws: &'w Workspace,
    dir: &'w str,
    family: Option<RunnerFamily>,
) -> Option<&'w str> {
    crate::model::ancestors(dir).find(|d| {
        ws.projects.get(*d).is_some_and(|c| match family {
            Some(RunnerFamily::Php) => c.php_root,
            Some(RunnerFamily::Node) => c.node_root,
            Some(RunnerFamily::Python) => c.python_root,
            Some(_) => false,
            None => c.php_root || c.node_root || c.python_root,
        })
    })
}

/// A finding about an exported variable is fixed first in the shell: say so
/// before the rule's own fix (which makes the run safe in every shell).
fn unset_help(ws: &Workspace, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        let Some(p) = d.primary else { continue };
        let f = ws.file(p.file);
        if f.kind != SourceKind::CallerEnvironment {
            continue;
        }
        let line_start = f
            .text
            .get(..p.start)
            .unwrap_or("")
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let Some(key) = f.text[line_start..]
            .split('=')
            .next()
            .filter(|k| !k.is_empty())
        else {
            continue;
        };
        let own = d.help.take().unwrap_or_default();
        d.help = Some(if own.is_empty() {
            format!("`unset {key}` in this shell (it is exported there)")
        } else {
            format!("`unset {key}` in this shell (it is exported there); for every shell: {own}")
        });
    }
}

/// A file of the project (in its folder, or below it but not inside a
/// nested project of its own), or in a folder above it (a monorepo's root
/// `.env`).
fn in_scope(ws: &Workspace, file_dir: &str, project: &str, owner: Option<RunnerFamily>) -> bool {
    if crate::model::is_within(project, file_dir) {
        return true;
    }
    crate::model::is_within(file_dir, project)
        && project_of(ws, file_dir, owner).is_none_or(|p| p == project)
}

/// Becomes the command (Unix `exec`): returns only when it cannot be
/// executed, with a shell's status for that (127 not found, 126 otherwise).
#[cfg(unix)]
fn exec(command: &[OsString]) -> u8 {
    use std::os::unix::process::CommandExt;
    let Some((program, args)) = command.split_first() else {
        return 127;
    };
    let err = std::process::Command::new(program).args(args).exec();
    cannot_execute(program, &err)
}

/// Elsewhere: run it as a child and pass its exit status on.
#[cfg(not(unix))]
fn exec(command: &[OsString]) -> u8 {
    let Some((program, args)) = command.split_first() else {
        return 127;
    };
    match std::process::Command::new(program).args(args).status() {
        Ok(s) => s.code().map_or(1, |c| (c & 0xff) as u8),
        Err(err) => cannot_execute(program, &err),
    }
}

fn cannot_execute(program: &OsString, err: &std::io::Error) -> u8 {
    let code = if err.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    };
    eprintln!(
        "testguard: cannot execute `{}`: {err}",
        program.to_string_lossy()
    );
    code
}
