//! Command-line definitions (clap) and the commands behind them.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::rules::{Policy, registry};
use crate::{Outcome, RunError, lint, report};

#[derive(Parser, Debug)]
#[command(
    name = "testguard",
    version,
    about = "Keeps test suites away from real data: lints test configuration for databases and settings that are not test ones."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check the test configuration under PATH (default `.`), or only the given files.
    Lint(LintArgs),
    /// Run a test command once its test environment is safe: resolves it with your
    /// environment and the files on disk, refuses (exit 125, nothing run) when it would
    /// reach a database that is not a test one, else becomes the command.
    Run(RunArgs),
    /// List every rule: code, name, default severity, summary.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
        /// Read this configuration instead of `testguard.toml` / `[tool.testguard]`.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Show a rule's documentation: what it checks, why, an example, the fix.
    Explain {
        /// A rule code (`TG101`) or name (`database-not-test`).
        rule: String,
    },
    /// Install a git pre-commit hook that runs `testguard lint --staged`.
    InstallHook {
        /// Keep an existing foreign hook (it runs first) instead of refusing.
        #[arg(long)]
        force: bool,
    },
    /// Remove testguard's pre-commit hook (restoring a hook it replaced).
    UninstallHook,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print testguard's man page (roff): `testguard man > testguard.1`, or a
    /// subcommand's (`testguard man run > testguard-run.1`).
    Man {
        /// A subcommand (`lint`, `run`, …); the main page when absent.
        subcommand: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Directories to scan, or files to report on (context still comes from their repository).
    pub paths: Vec<PathBuf>,
    /// Check what the next commit contains: files and content from the git index.
    #[arg(long, conflicts_with = "paths")]
    pub staged: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Print only the diagnostics, no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Read this configuration instead of `testguard.toml` / `[tool.testguard]` at the root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report findings that `testguard: ignore[…]` comments suppress.
    #[arg(long)]
    pub no_ignore_comments: bool,
    /// Also write a report to this file (e.g. SARIF for code scanning) in the same run.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// The format of `--output-file` (default: `--format`).
    #[arg(long, value_enum, value_name = "FORMAT", requires = "output_file")]
    pub output_format: Option<Format>,
    /// With `--staged`: always lint, never replay the last result (which is
    /// replayed only while the binary, the options, the configuration and
    /// every staged file it read are unchanged).
    #[arg(long)]
    pub no_cache: bool,
    /// Apply the safe, mechanical fixes (uncomment the Laravel skeleton's database
    /// overrides, add force="true" to a guarding PHPUnit <env>, set APP_ENV to the test
    /// environment), then report what remains.
    #[arg(long, conflicts_with = "staged")]
    pub fix: bool,
    /// Print the fixes as a unified diff instead of applying them (exit 1 when there are any).
    #[arg(long, conflicts_with = "staged")]
    pub diff: bool,
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The runner COMMAND starts, when it is a wrapper script (phpunit, pest, pytest,
    /// manage.py, tox, jest, vitest, mocha, playwright, rspec, rails, rake, mix, mvn,
    /// gradle, dotnet, go).
    #[arg(long, value_name = "NAME")]
    pub runner: Option<String>,
    /// Print the resolved test environment (each guarding setting, its masked value,
    /// where it came from and what it overrode) before running.
    #[arg(long)]
    pub explain: bool,
    /// Read this configuration instead of `testguard.toml` / `[tool.testguard]`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The test command and its arguments, passed on byte for byte.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning)
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality report
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

/// Writes to stdout; a closed pipe (`| head`) is a normal end, not an error.
pub fn write_stdout(text: &str) -> Result<(), RunError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(RunError(format!("cannot write output: {e}"))),
    }
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<u8, RunError> {
    match cli.command {
        Command::Lint(args) => run_lint(args),
        Command::Run(args) => crate::run::run(crate::run::RunRequest {
            runner: args.runner,
            explain: args.explain,
            config: args.config,
            command: args.command,
        }),
        Command::Rules { format, config } => {
            let root = current_dir()?;
            let root = repository_root(&root).unwrap_or(root);
            let (policy, _) = crate::config::load(&root, config.as_deref())?;
            write_stdout(&rules_table(format, &policy))?;
            Ok(0)
        }
        Command::InstallHook { force } => {
            let cwd = current_dir()?;
            let binary = std::env::current_exe()
                .and_then(|p| p.canonicalize())
                .map_err(|e| RunError(format!("cannot locate the testguard binary: {e}")))?;
            hook_result(crate::git::hook::install(&cwd, force, &binary)?)
        }
        Command::UninstallHook => hook_result(crate::git::hook::uninstall(&current_dir()?)?),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "testguard", &mut out);
            write_stdout(&String::from_utf8_lossy(&out))?;
            Ok(0)
        }
        Command::Man { subcommand } => {
            let top = <Cli as clap::CommandFactory>::command();
            let cmd = match subcommand {
                None => top,
                Some(name) => {
                    let Some(sub) = top.find_subcommand(&name).cloned() else {
                        return Err(RunError(format!(
                            "no subcommand `{name}`; `testguard --help` lists them"
                        )));
                    };
                    let full = format!("testguard-{}", sub.get_name());
                    sub.name(full).version(env!("CARGO_PKG_VERSION"))
                }
            };
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|e| RunError(format!("cannot render the man page: {e}")))?;
            write_stdout(&String::from_utf8_lossy(&out))?;
            Ok(0)
        }
        Command::Explain { rule } => match crate::rules::find(&rule) {
            Some(r) => {
                write_stdout(&crate::rules::page(r.meta()))?;
                Ok(0)
            }
            None => Err(RunError(format!(
                "no rule `{rule}`; `testguard rules` lists them (e.g. TG101 or database-not-test)"
            ))),
        },
    }
}

fn current_dir() -> Result<PathBuf, RunError> {
    std::env::current_dir().map_err(|e| RunError(format!("cannot read the current directory: {e}")))
}

/// A hook command's message: stdout when done, stderr and exit 1 when refused.
fn hook_result(o: crate::git::hook::HookOutcome) -> Result<u8, RunError> {
    if o.refused {
        eprintln!("testguard: {}", o.message);
        Ok(1)
    } else {
        write_stdout(&format!("testguard: {}\n", o.message))?;
        Ok(0)
    }
}

fn rules_table(format: RulesFormat, policy: &Policy) -> String {
    let effective = |m: &crate::rules::RuleMeta| {
        policy
            .severity_of(m.code, m.default_severity)
            .map_or("off", |s| s.as_str())
    };
    match format {
        RulesFormat::Json => {
            let rows: Vec<serde_json::Value> = registry()
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({"code": m.code, "name": m.name, "default_severity": m.default_severity.as_str(), "severity": effective(m), "summary": m.summary})
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Human => {
            let mut s = format!(
                "{:<6} {:<30} {:<8} {:<8} {}\n",
                "code", "name", "default", "config", "summary"
            );
            for r in registry() {
                let m = r.meta();
                let d = m.default_severity.as_str();
                s.push_str(&format!(
                    "{:<6} {:<30} {:<8} {:<8} {}\n",
                    m.code,
                    m.name,
                    d,
                    effective(m),
                    m.summary
                ));
            }
            s
        }
    }
}

/// The folder holding `.git` above `start`, if any.
pub(crate) fn repository_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
}

fn run_lint(args: LintArgs) -> Result<u8, RunError> {
    if args.staged {
        let cwd = current_dir()?;
        let repo = crate::git::discover(&cwd)?;
        let root = crate::git::workdir(&repo)?;
        let policy = load_policy(&args, &root)?;
        let git_dir = repo.git_dir().to_path_buf();
        let staged = crate::git::index::StagedTree::of(repo)?;
        return lint_staged_cached(&args, &policy, &staged, &root, &git_dir);
    }
    if args.diff {
        let (outcomes, _) = lint_outcomes(&args)?;
        let mut diff = String::new();
        for o in &outcomes {
            diff.push_str(&fix_outcome(o, false)?.1);
        }
        write_stdout(&diff)?;
        return Ok(u8::from(!diff.is_empty()));
    }
    if args.fix {
        // fixes can unlock others (an overlapping edit waits a pass): until
        // nothing changes, at most ten passes
        let mut fixed = 0;
        for _ in 0..10 {
            let (outcomes, _) = lint_outcomes(&args)?;
            let mut pass = 0;
            for o in &outcomes {
                pass += fix_outcome(o, true)?.0;
            }
            if pass == 0 {
                break;
            }
            fixed += pass;
        }
        if fixed > 0 {
            eprintln!(
                "testguard: fixed {fixed} finding{}",
                if fixed == 1 { "" } else { "s" }
            );
        }
    }
    let (outcomes, several) = lint_outcomes(&args)?;
    if several {
        // one document for every format: paths relative to the current folder
        let cwd = current_dir()?;
        let parts = outcomes
            .into_iter()
            .map(|o| {
                let prefix = o
                    .root
                    .as_deref()
                    .map(|r| display_prefix(&cwd, r))
                    .unwrap_or_default();
                (prefix, o)
            })
            .collect();
        let mut merged = Outcome::merge(parts);
        merged.root = Some(cwd);
        return emit(&args, &[merged]);
    }
    emit(&args, &outcomes)
}

/// `lint --staged`, replaying the last result when nothing it depends on
/// changed (see [`crate::git::staged_cache`]). A report file
/// (`--output-file`) is always written from a real lint.
fn lint_staged_cached(
    args: &LintArgs,
    policy: &Policy,
    staged: &crate::git::index::StagedTree,
    root: &Path,
    git_dir: &Path,
) -> Result<u8, RunError> {
    use crate::git::staged_cache::{Inputs, Replay, StagedCache, binary_identity};
    let colour = report::human::use_colour(std::io::stdout().is_terminal());
    let inputs = if args.no_cache || args.output_file.is_some() {
        None
    } else {
        binary_identity().map(|binary| {
            let config = crate::config::source(root, args.config.as_deref()).map(|p| {
                let text = std::fs::read(&p).unwrap_or_default();
                (
                    p.display().to_string(),
                    String::from_utf8_lossy(&text).into_owned(),
                )
            });
            Inputs {
                binary,
                options: format!(
                    "{:?} strict={} quiet={} colour={colour} no_ignore_comments={}",
                    args.format, args.strict, args.quiet, args.no_ignore_comments
                ),
                workdir: root.display().to_string(),
                config,
                candidates: staged.candidate_paths(),
            }
        })
    };
    let Some(inputs) = inputs else {
        let outcome = crate::engine::lint_staged_tree(staged, policy);
        return emit(args, &[outcome]);
    };
    let cache = StagedCache::of(git_dir);
    if let Some(replay) = cache.lookup(&inputs, staged) {
        write_stdout(&replay.stdout)?;
        return Ok(replay.exit_code);
    }
    staged.record_consultations();
    let outcome = crate::engine::lint_staged_tree(staged, policy);
    let replay = Replay {
        stdout: render(args.format, &outcome, colour, args.quiet),
        exit_code: exit_code(args, &outcome),
    };
    write_stdout(&replay.stdout)?;
    if let Some(consulted) = staged.consultations() {
        cache.store(inputs, consulted, &replay);
    }
    Ok(replay.exit_code)
}

/// 1 for an error (or, under `--strict`, a warning), else 0.
fn exit_code(args: &LintArgs, o: &Outcome) -> u8 {
    let errors = o.count(crate::diagnostic::Severity::Error);
    let warnings = o.count(crate::diagnostic::Severity::Warning);
    u8::from(errors > 0 || (args.strict && warnings > 0))
}

fn load_policy(args: &LintArgs, root: &Path) -> Result<Policy, RunError> {
    let (mut policy, _) = crate::config::load(root, args.config.as_deref())?;
    policy.show_suppressed = args.no_ignore_comments;
    Ok(policy)
}

/// Applies (or, for `--diff`, only shows) the fixes an outcome's findings
/// carry: the number of findings fixed and the unified diff. A file that
/// changed on disk since it was read is left alone.
fn fix_outcome(o: &Outcome, write: bool) -> Result<(usize, String), RunError> {
    let Some(root) = &o.root else {
        return Ok((0, String::new()));
    };
    let mut fixed = 0;
    let mut diff = String::new();
    for (file, edits) in crate::fix::by_file(&o.diagnostics) {
        let f = o.workspace.file(crate::source::FileId(file));
        if f.kind == crate::source::SourceKind::CallerEnvironment {
            continue;
        }
        let path = root.join(&f.path);
        match std::fs::read_to_string(&path) {
            Ok(now) if now == f.text => {}
            _ => {
                eprintln!(
                    "testguard: {} changed while it was checked; not fixed",
                    f.path
                );
                continue;
            }
        }
        let after = crate::fix::apply(&f.text, &edits);
        if after == f.text {
            continue;
        }
        fixed += o
            .diagnostics
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|x| x.edits.iter().any(|e| e.span.file.0 == file))
            })
            .count();
        if write {
            std::fs::write(&path, &after)
                .map_err(|e| RunError(format!("cannot write {}: {e}", path.display())))?;
        } else {
            diff.push_str(&crate::fix::unified_diff(&f.path, &f.text, &after));
        }
    }
    Ok((fixed, diff))
}

/// The outcome of every path argument, and whether there are several.
fn lint_outcomes(args: &LintArgs) -> Result<(Vec<Outcome>, bool), RunError> {
    let load = |root: &Path| load_policy(args, root);
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for p in &paths {
        if p.is_dir() {
            dirs.push(p.clone());
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(RunError(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    for d in &dirs {
        outcomes.push(lint(d, &load(d)?, None)?);
    }
    let several = outcomes.len() + usize::from(!files.is_empty()) > 1;
    if !files.is_empty() {
        // report only on these files; context comes from their repository
        let cwd = std::env::current_dir()
            .map_err(|e| RunError(format!("cannot read the current directory: {e}")))?;
        let abs: Vec<PathBuf> = files.iter().map(|f| cwd.join(f)).collect();
        let first_dir = abs[0]
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| cwd.clone());
        let root = repository_root(&first_dir).unwrap_or(cwd.clone());
        let only: Vec<String> = abs
            .iter()
            .filter_map(|f| {
                let canon = f.canonicalize().ok()?;
                let root = root.canonicalize().ok()?;
                crate::discover::relative(&root, &canon)
            })
            .collect();
        outcomes.push(lint(&root, &load(&root)?, Some(&only))?);
    }
    Ok((outcomes, several))
}

/// How a scanned root is written in front of its files' paths: relative to
/// the current folder when it lies inside it, as given otherwise.
fn display_prefix(cwd: &Path, root: &Path) -> String {
    let abs = if root.is_absolute() {
        root.to_path_buf()
    } else {
        cwd.join(root)
    };
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    match crate::discover::relative(&canon(cwd), &canon(&abs)) {
        Some(rel) => rel,
        None => root.display().to_string(),
    }
}

/// Renders outcomes in the chosen format; returns the exit code.
fn emit(args: &LintArgs, outcomes: &[Outcome]) -> Result<u8, RunError> {
    let colour = report::human::use_colour(std::io::stdout().is_terminal());
    let mut code = 0u8;
    let mut file_report = String::new();
    for o in outcomes {
        write_stdout(&render(args.format, o, colour, args.quiet))?;
        if args.output_file.is_some() {
            file_report.push_str(&render(
                args.output_format.unwrap_or(args.format),
                o,
                false,
                args.quiet,
            ));
        }
        code = code.max(exit_code(args, o));
    }
    if let Some(path) = &args.output_file {
        std::fs::write(path, file_report)
            .map_err(|e| RunError(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(code)
}

fn render(format: Format, o: &Outcome, colour: bool, quiet: bool) -> String {
    match format {
        Format::Human => report::human::render(o, colour, quiet),
        Format::Json => report::json::render(o),
        Format::Sarif => {
            let root = o.root.clone().unwrap_or_else(|| PathBuf::from("."));
            report::sarif::render(o, &root)
        }
        Format::Github => report::github::render(o),
        Format::Gitlab => report::gitlab::render(o),
    }
}
