//! Command-line definitions (clap) and the commands behind them.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::{Outcome, lint};
use crate::error::RunError;
use crate::report;
use crate::rules::{Policy, registry};

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
    /// List every test run and every test suite under PATH, with the database each
    /// reaches (test, isolated, not-test, none, unresolved), the files that decided
    /// it, or why it cannot be decided.
    Runs(RunsArgs),
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
    /// Directories or files to report on (default `.`). Inside a git repository the
    /// whole repository is read for context, its configuration applies, and paths are
    /// written as the repository names them.
    pub paths: Vec<PathBuf>,
    /// Check what the next commit contains: files and content from the git index.
    #[arg(long, conflicts_with = "paths")]
    pub staged: bool,
    /// The format of the report on stdout (default: human).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// The same as `--format` (ruff's name). The format of `--output-file` is
    /// `--output-file-format`.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "format")]
    pub output_format: Option<Format>,
    /// Exit with 1 on warnings too.
    #[arg(long, conflicts_with = "exit_zero")]
    pub strict: bool,
    /// Exit with 0 even when there are errors (the report is unchanged).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print only the diagnostics, no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Read this configuration instead of `testguard.toml` / `[tool.testguard]` at the root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only these rules (codes, names or code prefixes such as `TG1`; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Never these rules (codes, names or code prefixes; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Report findings that `testguard: ignore[…]` comments suppress.
    #[arg(long)]
    pub no_ignore_comments: bool,
    /// Also write a report to this file (e.g. SARIF for code scanning) in the same run.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// The format of `--output-file` (default: the stdout format).
    #[arg(long, value_enum, value_name = "FORMAT", requires = "output_file")]
    pub output_file_format: Option<Format>,
    /// Always lint, never replay the last result (which is replayed only
    /// while the binary, the options, the configuration, the candidate files
    /// and every file it read are unchanged: staged object ids with
    /// `--staged`, stat data in the work tree).
    #[arg(long)]
    pub no_cache: bool,
    /// Apply the safe, mechanical fixes (uncomment the Laravel skeleton's database
    /// overrides, add force="true" to a guarding PHPUnit <env>, set APP_ENV to the test
    /// environment), then report what remains.
    #[arg(long, conflicts_with_all = ["staged", "diff"])]
    pub fix: bool,
    /// Print the fixes as a unified diff instead of applying them (exit 1 when there are
    /// any); nothing else is printed.
    #[arg(long, conflicts_with_all = ["staged", "format", "output_format", "output_file", "statistics"])]
    pub diff: bool,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Colour: auto (a terminal, unless `NO_COLOR`; `FORCE_COLOR` forces it), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// List the files testguard reads here, and why each, then stop.
    #[arg(long, conflicts_with_all = ["fix", "diff", "statistics", "output_file"])]
    pub show_files: bool,
}

impl LintArgs {
    /// The format of the report on stdout.
    pub fn stdout_format(&self) -> Format {
        self.format.or(self.output_format).unwrap_or(Format::Human)
    }

    /// The format of `--output-file`.
    pub fn file_format(&self) -> Format {
        self.output_file_format.unwrap_or(self.stdout_format())
    }
}

#[derive(clap::Args, Debug)]
pub struct RunsArgs {
    /// Directories to account for (default `.`); inside a git repository the whole
    /// repository is read.
    pub paths: Vec<PathBuf>,
    /// The runs of what the next commit contains (the git index).
    #[arg(long, conflicts_with = "paths")]
    pub staged: bool,
    /// The format of the list on stdout.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
    /// Read this configuration instead of `testguard.toml` / `[tool.testguard]`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour: auto (a terminal, unless `NO_COLOR`; `FORCE_COLOR` forces it), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl RunsArgs {
    /// The lint that finds the runs: the same pipeline, nothing printed.
    fn lint_args(&self) -> LintArgs {
        LintArgs {
            paths: self.paths.clone(),
            staged: self.staged,
            format: None,
            output_format: None,
            strict: false,
            exit_zero: false,
            quiet: true,
            config: self.config.clone(),
            select: Vec::new(),
            ignore: Vec::new(),
            no_ignore_comments: false,
            output_file: None,
            output_file_format: None,
            no_cache: true,
            fix: false,
            diff: false,
            statistics: false,
            color: self.color,
            show_files: false,
        }
    }
}

/// `testguard runs`: the same lint, then the list of its runs. Exit 0: the
/// list is a report, `lint` is the check.
fn run_runs(args: RunsArgs) -> Result<u8, RunError> {
    let lint_args = args.lint_args();
    let outcome = if args.staged {
        let cwd = current_dir()?;
        let repo = crate::git::discover(&cwd)?;
        let root = crate::git::workdir(&repo)?;
        let policy = load_policy(&lint_args, &root)?;
        let staged = crate::git::index::StagedTree::of(repo)?;
        crate::engine::lint_staged_tree(&staged, &policy)
    } else {
        let (outcomes, several) = lint_outcomes(&lint_args)?;
        if several {
            merge_outcomes(outcomes)?
        } else {
            outcomes
                .into_iter()
                .next()
                .ok_or_else(|| RunError("nothing to account for".into()))?
        }
    };
    let text = match args.format {
        RulesFormat::Json => report::runs::render_json(&outcome),
        RulesFormat::Human => report::runs::render_human(
            &outcome,
            colour(args.color, std::io::stdout().is_terminal()),
        ),
    };
    write_stdout(&text)?;
    Ok(0)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
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
    /// One line per finding: `path:line:col: error[TG101]: message`
    Concise,
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
        Command::Runs(args) => run_runs(args),
        Command::Run(args) => crate::run::run(crate::run::RunRequest {
            runner: args.runner,
            explain: args.explain,
            config: args.config,
            command: args.command,
        }),
        Command::Rules { format, config } => {
            let root = current_dir()?;
            let root = crate::git::repository_root(&root).unwrap_or(root);
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
            None => Err(RunError(match crate::rules::suggest(&rule) {
                Some(s) => {
                    format!("no rule `{rule}`; did you mean `{s}`? (`testguard rules` lists them)")
                }
                None => format!(
                    "no rule `{rule}`; `testguard rules` lists them (e.g. TG101 or database-not-test)"
                ),
            })),
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

fn run_lint(args: LintArgs) -> Result<u8, RunError> {
    if args.statistics
        && matches!(
            args.stdout_format(),
            Format::Sarif | Format::Github | Format::Gitlab
        )
    {
        return Err(RunError(format!(
            "`--statistics` prints a table (human, concise) or JSON, not {}",
            format_name(args.stdout_format())
        )));
    }
    if args.staged {
        let cwd = current_dir()?;
        let repo = crate::git::discover(&cwd)?;
        let root = crate::git::workdir(&repo)?;
        let policy = load_policy(&args, &root)?;
        let git_dir = repo.git_dir().to_path_buf();
        let staged = crate::git::index::StagedTree::of(repo)?;
        if args.show_files {
            let outcome = crate::engine::lint_staged_tree(&staged, &policy);
            return show_files(&args, &[outcome]);
        }
        let status = lint_staged_cached(&args, &policy, &staged, &root, &git_dir);
        // the process ends with this command: freeing a 100,000-entry index
        // one entry at a time would cost a hook a millisecond for nothing
        std::mem::forget(staged);
        return status;
    }
    if args.show_files {
        let (outcomes, _) = lint_outcomes(&args)?;
        return show_files(&args, &outcomes);
    }
    if args.diff {
        let (outcomes, _) = lint_outcomes(&args)?;
        let mut diff = String::new();
        for o in &outcomes {
            diff.push_str(&fix_outcome(o, false)?.1);
        }
        write_stdout(&diff)?;
        return Ok(u8::from(!diff.is_empty() && !args.exit_zero));
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
    if !args.fix {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        if let [(root, scope)] = targets(&paths)?.as_slice()
            && let Some(code) = lint_worktree_cached(&args, root, scope.as_ref())?
        {
            return Ok(code);
        }
    }
    let (outcomes, several) = lint_outcomes(&args)?;
    if several {
        return emit(&args, &[merge_outcomes(outcomes)?]);
    }
    emit(&args, &outcomes)
}

/// One outcome from the outcomes of several roots (repositories, or folders
/// outside any), so that every format prints one document: paths relative to
/// the current folder.
fn merge_outcomes(outcomes: Vec<Outcome>) -> Result<Outcome, RunError> {
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
    Ok(merged)
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Human => "human",
        Format::Concise => "concise",
        Format::Json => "json",
        Format::Sarif => "sarif",
        Format::Github => "github",
        Format::Gitlab => "gitlab",
    }
}

/// Whether to colour stdout: `--color`, then `NO_COLOR`, `FORCE_COLOR`, and
/// whether stdout is a terminal.
pub fn colour(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
            if set("NO_COLOR") {
                false
            } else if set("FORCE_COLOR") {
                std::env::var("FORCE_COLOR").map_or(true, |v| !matches!(v.as_str(), "0" | "false"))
            } else {
                is_terminal
            }
        }
    }
}

/// `--show-files`: each file read, and why testguard reads it. With paths
/// named, the files in their scope first; the rest were read for context.
fn show_files(args: &LintArgs, outcomes: &[Outcome]) -> Result<u8, RunError> {
    let mut rows: Vec<(String, &'static str, bool)> = Vec::new();
    let several = outcomes.len() > 1;
    let cwd = current_dir()?;
    for o in outcomes {
        let prefix = match (&o.root, several) {
            (Some(r), true) => display_prefix(&cwd, r),
            _ => String::new(),
        };
        for f in &o.workspace.files {
            if f.kind == crate::source::SourceKind::CallerEnvironment {
                continue;
            }
            let in_scope = o.scope.as_ref().is_none_or(|s| s.contains(&f.path));
            let mut path = if prefix.is_empty() {
                f.path.clone()
            } else {
                format!("{prefix}/{}", f.path)
            };
            let mut why = f.kind.describe();
            // a module's test sources that were not read stand as their folder
            if f.kind == crate::source::SourceKind::JvmTestCode
                && f.text.is_empty()
                && f.path.ends_with("src/test/java")
            {
                path.push('/');
                why = "JVM test sources, not read (none, past the bound, or unreadable): the module's runs are not judged";
            }
            rows.push((path, why, in_scope));
        }
    }
    rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let text = if args.stdout_format() == Format::Json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(path, why, in_scope)| {
                serde_json::json!({"path": path, "why": why, "context_only": !in_scope})
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
        s.push('\n');
        s
    } else {
        let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let mut s = String::new();
        for (path, why, in_scope) in &rows {
            let context = if *in_scope { "" } else { " (context)" };
            s.push_str(&format!("{path:<width$}  {why}{context}\n"));
        }
        if !args.quiet {
            s.push_str(&format!(
                "testguard: {} file{} read\n",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            ));
        }
        s
    };
    write_stdout(&text)?;
    Ok(0)
}

/// What a cached result depends on besides the tree's answers (see
/// [`crate::git::result_cache`]); `None` when nothing is to be cached: under
/// `--no-cache`, with a report file (`--output-file` is always written from a
/// real lint), or when this binary cannot be identified.
fn cache_inputs(
    args: &LintArgs,
    root: &Path,
    scope: Option<&crate::engine::Scope>,
    candidates: Vec<String>,
    colour: bool,
) -> Option<crate::git::result_cache::Inputs> {
    if args.no_cache || args.output_file.is_some() {
        return None;
    }
    let binary = crate::git::result_cache::binary_identity()?;
    let config = crate::config::source(root, args.config.as_deref()).map(|p| {
        let text = std::fs::read(&p).unwrap_or_default();
        (
            p.display().to_string(),
            String::from_utf8_lossy(&text).into_owned(),
        )
    });
    Some(crate::git::result_cache::Inputs {
        binary,
        options: format!(
            "{:?} strict={} exit_zero={} quiet={} statistics={} colour={colour} no_ignore_comments={} select={:?} ignore={:?} scope={:?}",
            args.stdout_format(),
            args.strict,
            args.exit_zero,
            args.quiet,
            args.statistics,
            args.no_ignore_comments,
            args.select,
            args.ignore,
            scope
        ),
        workdir: root.display().to_string(),
        config,
        candidates,
    })
}

/// `lint --staged`, replaying the last result when nothing it depends on
/// changed (see [`crate::git::result_cache`]).
fn lint_staged_cached(
    args: &LintArgs,
    policy: &Policy,
    staged: &crate::git::index::StagedTree,
    root: &Path,
    git_dir: &Path,
) -> Result<u8, RunError> {
    use crate::git::result_cache::{Replay, ResultCache};
    let colour = colour(args.color, std::io::stdout().is_terminal());
    let Some(inputs) = cache_inputs(args, root, None, staged.candidate_paths(), colour) else {
        let outcome = crate::engine::lint_staged_tree(staged, policy);
        return emit(args, &[outcome]);
    };
    let cache = ResultCache::staged(git_dir);
    if let Some(replay) = cache.lookup(&inputs, |c| staged.answer(c)) {
        write_stdout(&replay.stdout)?;
        return Ok(replay.exit_code);
    }
    staged.record_consultations();
    let outcome = crate::engine::lint_staged_tree(staged, policy);
    let replay = Replay {
        stdout: stdout_report(args, &outcome, colour),
        exit_code: exit_code(args, &outcome),
    };
    write_stdout(&replay.stdout)?;
    if let Some(consulted) = staged.consultations() {
        cache.store(inputs, consulted, &replay);
    }
    Ok(replay.exit_code)
}

/// `lint` of one work tree (a repository, or paths in one), replaying the
/// last result when nothing it depends on changed: the walk is redone (it
/// decides the candidates), the files are not read nor parsed again while
/// their stat data is unchanged. `None` when the target is not in a git
/// repository (the cache lives in its git directory) or nothing is to be
/// cached: the caller lints as usual.
fn lint_worktree_cached(
    args: &LintArgs,
    root: &Path,
    scope: Option<&crate::engine::Scope>,
) -> Result<Option<u8>, RunError> {
    use crate::git::result_cache::{Replay, ResultCache};
    if args.no_cache || args.output_file.is_some() || !root.is_dir() {
        return Ok(None);
    }
    let Some(git_dir) = crate::git::git_dir_of(root) else {
        return Ok(None);
    };
    let started = std::time::SystemTime::now();
    let policy = load_policy(args, root)?;
    let colour = colour(args.color, std::io::stdout().is_terminal());
    let candidates = crate::engine::worktree_candidates(root);
    let paths = candidates.iter().map(|c| c.rel_path.clone()).collect();
    let Some(inputs) = cache_inputs(args, root, scope, paths, colour) else {
        return Ok(None);
    };
    let tree = crate::tree::WorkTree::recording(root);
    let cache = ResultCache::worktree(&git_dir);
    if let Some(replay) = cache.lookup(&inputs, |c| tree.answer(c)) {
        write_stdout(&replay.stdout)?;
        return Ok(Some(replay.exit_code));
    }
    let outcome = crate::engine::lint_worktree(&tree, candidates, &policy, scope);
    let replay = Replay {
        stdout: stdout_report(args, &outcome, colour),
        exit_code: exit_code(args, &outcome),
    };
    write_stdout(&replay.stdout)?;
    if let Some(consulted) = tree.consultations(started) {
        cache.store(inputs, consulted, &replay);
    }
    Ok(Some(replay.exit_code))
}

/// 1 for an error (or, under `--strict`, a warning), else 0; always 0 under
/// `--exit-zero`.
fn exit_code(args: &LintArgs, o: &Outcome) -> u8 {
    let errors = o.count(crate::diagnostic::Severity::Error);
    let warnings = o.count(crate::diagnostic::Severity::Warning);
    u8::from(!args.exit_zero && (errors > 0 || (args.strict && warnings > 0)))
}

fn load_policy(args: &LintArgs, root: &Path) -> Result<Policy, RunError> {
    let (mut policy, _) = crate::config::load(root, args.config.as_deref())?;
    policy.show_suppressed = args.no_ignore_comments;
    if !args.select.is_empty() {
        policy.select = Some(crate::rules::selection(&args.select, "--select")?);
    }
    policy
        .ignore
        .extend(crate::rules::selection(&args.ignore, "--ignore")?);
    Ok(policy)
}

/// Applies (or, for `--diff`, only shows) the fixes an outcome's findings
/// carry: the number of findings fixed and the unified diff, its secrets
/// masked. A file that changed on disk since it was read is left alone.
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
            diff.push_str(&crate::fix::masked_diff(f, &edits));
        }
    }
    Ok((fixed, diff))
}

/// What to lint for each path argument: inside a git repository, the
/// repository itself (its configuration, its context, paths as it names
/// them) reported on the paths; outside one, a folder is its own root and a
/// file is reported on from the current folder. Paths of one repository make
/// one lint.
fn targets(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Option<crate::engine::Scope>)>, RunError> {
    let cwd = current_dir()?;
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let mut out: Vec<(PathBuf, Option<crate::engine::Scope>)> = Vec::new();
    for p in paths {
        let abs = cwd.join(p);
        let is_dir = abs.is_dir();
        if !is_dir && !abs.is_file() {
            return Err(RunError(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
        let abs = canon(&abs);
        let start = if is_dir {
            abs.clone()
        } else {
            abs.parent().map_or_else(|| cwd.clone(), Path::to_path_buf)
        };
        let root = match crate::git::repository_root(&start) {
            Some(r) => canon(&r),
            None if is_dir => abs.clone(),
            None => {
                let here = canon(&cwd);
                if abs.starts_with(&here) { here } else { start }
            }
        };
        let rel = crate::discover::relative(&root, &abs).unwrap_or_default();
        let entry = match out.iter_mut().find(|(r, _)| *r == root) {
            Some(e) => e,
            None => {
                out.push((root, Some(crate::engine::Scope::default())));
                out.last_mut().ok_or_else(|| RunError("no target".into()))?
            }
        };
        // the configuration itself applies to every finding
        let is_config = !is_dir
            && crate::config::source(&entry.0, None)
                .and_then(|c| c.canonicalize().ok())
                .is_some_and(|c| c == abs);
        if let Some(scope) = &mut entry.1 {
            if is_dir || is_config {
                scope.dirs.push(if is_config { String::new() } else { rel });
            } else {
                scope.files.push(rel);
            }
        }
    }
    for (_, scope) in &mut out {
        if scope
            .as_ref()
            .is_some_and(crate::engine::Scope::is_everything)
        {
            *scope = None;
        }
    }
    Ok(out)
}

/// The outcome of every target, and whether there are several.
fn lint_outcomes(args: &LintArgs) -> Result<(Vec<Outcome>, bool), RunError> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut outcomes: Vec<Outcome> = Vec::new();
    for (root, scope) in targets(&paths)? {
        let policy = load_policy(args, &root)?;
        outcomes.push(lint(&root, &policy, scope.as_ref())?);
    }
    let several = outcomes.len() > 1;
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
    let colour = colour(args.color, std::io::stdout().is_terminal());
    let mut code = 0u8;
    let mut file_report = String::new();
    for o in outcomes {
        write_stdout(&stdout_report(args, o, colour))?;
        if args.output_file.is_some() {
            file_report.push_str(&render(args.file_format(), o, false, args.quiet));
        }
        code = code.max(exit_code(args, o));
    }
    if let Some(path) = &args.output_file {
        std::fs::write(path, file_report)
            .map_err(|e| RunError(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(code)
}

/// What goes to stdout: the report, or with `--statistics` the count of each
/// rule's findings.
fn stdout_report(args: &LintArgs, o: &Outcome, colour: bool) -> String {
    if args.statistics {
        return report::statistics(o, args.stdout_format() == Format::Json);
    }
    render(args.stdout_format(), o, colour, args.quiet)
}

fn render(format: Format, o: &Outcome, colour: bool, quiet: bool) -> String {
    match format {
        Format::Human => report::human::render(o, colour, quiet),
        Format::Concise => report::human::render_concise(o, colour, quiet),
        Format::Json => report::json::render(o),
        Format::Sarif => {
            let root = o.root.clone().unwrap_or_else(|| PathBuf::from("."));
            report::sarif::render(o, &root)
        }
        Format::Github => report::github::render(o),
        Format::Gitlab => report::gitlab::render(o),
    }
}
