//! The lint pipeline as named stages: read the tree, build the model, resolve
//! the test runs, run the rules, then the engine's own stages over the
//! findings — fit spans, policy, suppression, filter to the named files, merge
//! repeats, cap per file, scrub secrets.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::discover;
use crate::error::RunError;
use crate::mask;
use crate::model::{Invocation, Workspace};
use crate::rules::{self, Context, Policy};
use crate::source::{FileId, SourceFile, SourceKind};
use crate::stacks::{self, Unreadable};
use crate::suppress;
use crate::tree::{Tree, WorkTree, read_files};

/// Findings reported per file at most: a generated or hostile file must not
/// flood a terminal or a CI log. Errors are kept first.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 100;

/// What a lint reports on: the files and folders named on the command line
/// (paths relative to the scan root). A finding is reported when a file in
/// scope takes part in it: at its primary location or in the chain of files
/// that decided it (its labels). Context still comes from the whole root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Files named (`src/.env.test`).
    pub files: Vec<String>,
    /// Folders named (`app`): every file below them.
    pub dirs: Vec<String>,
}

impl Scope {
    /// Whether a file (a path relative to the scan root) is in scope.
    pub fn contains(&self, path: &str) -> bool {
        self.files.iter().any(|f| f == path)
            || self.dirs.iter().any(|d| {
                d.is_empty()
                    || path
                        .strip_prefix(d.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
    }

    /// The whole scan root.
    pub fn is_everything(&self) -> bool {
        self.dirs.iter().any(String::is_empty)
    }

    /// For humans: `app, src/.env.test`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<&str> = self.dirs.iter().map(String::as_str).collect();
        parts.extend(self.files.iter().map(String::as_str));
        parts.join(", ")
    }
}

/// The result of one lint run.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub workspace: Workspace,
    pub diagnostics: Vec<Diagnostic>,
    /// Files read (in the scope, when one is given), the caller's environment
    /// of `testguard run` not counted.
    pub files_scanned: usize,
    /// Every file read, context included.
    pub files_read: usize,
    /// The paths named on the command line, when not the whole root.
    pub scope: Option<Scope>,
    /// Findings silenced by `testguard: ignore[…]` comments.
    pub suppressed: usize,
    /// Those findings, with the suppression's reason (SARIF reports them as suppressed).
    pub suppressed_findings: Vec<(Diagnostic, Option<String>)>,
    /// The scan root every path is relative to.
    pub root: Option<std::path::PathBuf>,
    /// Every rule that ran, in the registry's order (SARIF's rule table).
    pub rules: Vec<&'static crate::diagnostic::RuleMeta>,
}

impl Outcome {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

impl Outcome {
    /// One outcome from the runs over several roots (`testguard lint a b`), so
    /// that every format prints one document. Each file's path gets its root
    /// as a prefix (`a/.env.test`); only what the renderers read is kept.
    pub fn merge(parts: Vec<(String, Outcome)>) -> Outcome {
        let mut merged = Outcome {
            workspace: Workspace::default(),
            diagnostics: Vec::new(),
            files_scanned: 0,
            files_read: 0,
            scope: None,
            suppressed: 0,
            suppressed_findings: Vec::new(),
            root: None,
            rules: crate::rules::catalog(),
        };
        for (prefix, part) in parts {
            let offset = merged.workspace.files.len();
            for f in part.workspace.files {
                let path = if prefix.is_empty() {
                    f.path
                } else {
                    format!("{prefix}/{}", f.path)
                };
                let mut file = SourceFile::new(path, f.kind, f.text);
                file.secret_ranges = f.secret_ranges;
                file.holds_settings = f.holds_settings;
                merged.workspace.files.push(file);
            }
            let shift = |d: &mut Diagnostic| {
                if let Some(p) = d.primary.as_mut() {
                    p.file = FileId(p.file.0 + offset);
                }
                for l in &mut d.labels {
                    l.span.file = FileId(l.span.file.0 + offset);
                }
            };
            for mut d in part.diagnostics {
                shift(&mut d);
                merged.diagnostics.push(d);
            }
            for (mut d, reason) in part.suppressed_findings {
                shift(&mut d);
                merged.suppressed_findings.push((d, reason));
            }
            let at = |s: &mut crate::source::Span| s.file = FileId(s.file.0 + offset);
            let prefixed = |p: &str| match (prefix.is_empty(), p) {
                (true, _) => p.to_string(),
                (false, "") | (false, ".") => prefix.clone(),
                (false, p) => format!("{prefix}/{p}"),
            };
            for mut a in part.workspace.accounts {
                a.entry.iter_mut().for_each(at);
                a.database.reason_at.iter_mut().for_each(at);
                a.database
                    .decided_by
                    .iter_mut()
                    .for_each(|d| at(&mut d.span));
                a.files.iter_mut().for_each(|f| *f = FileId(f.0 + offset));
                a.id = prefixed(&a.id);
                a.path = prefixed(&a.path);
                a.dir = prefixed(&a.dir);
                merged.workspace.accounts.push(a);
            }
            merged.files_scanned += part.files_scanned;
            merged.files_read += part.files_read;
            merged.suppressed += part.suppressed;
        }
        merged
    }
}

/// Lints the repository at `root`. With `only`, diagnostics are kept for the
/// findings its files take part in, while context comes from the whole tree.
pub fn lint(root: &Path, policy: &Policy, only: Option<&Scope>) -> Result<Outcome, RunError> {
    if !root.is_dir() {
        return Err(RunError(format!("{} is not a directory", root.display())));
    }
    let candidates = worktree_candidates(root);
    Ok(lint_worktree(
        &WorkTree::new(root),
        candidates,
        policy,
        only,
    ))
}

/// The candidates of a work tree: what the walk finds (honouring ignore
/// files as git does), and the tracked files it skipped.
pub fn worktree_candidates(root: &Path) -> Vec<discover::Candidate> {
    let mut candidates = discover::walk(root);
    add_tracked_ignored(root, &mut candidates);
    candidates
}

/// [`lint`] of candidates already found, read from `tree` (a recording one,
/// for the result cache).
pub fn lint_worktree(
    tree: &WorkTree,
    candidates: Vec<discover::Candidate>,
    policy: &Policy,
    only: Option<&Scope>,
) -> Outcome {
    let mut outcome = lint_tree(tree, candidates, policy, only);
    outcome.root = Some(tree.root.to_path_buf());
    outcome
}

/// Tracked files are always candidates: a committed `phpunit.xml` that a
/// `/phpunit.xml` line in `.gitignore` matches is still the file every clone
/// runs, and `--staged` reads it from the index. The walk honours
/// `.gitignore`, so the index adds the tracked candidates it skipped (those
/// present in the work tree). Outside a git repository there is nothing to add.
fn add_tracked_ignored(root: &Path, candidates: &mut Vec<discover::Candidate>) {
    let Some((workdir, tracked)) = crate::git::index::tracked_candidates(root) else {
        return;
    };
    let (Ok(root_abs), Ok(workdir)) = (root.canonicalize(), workdir.canonicalize()) else {
        return;
    };
    let Ok(prefix) = root_abs.strip_prefix(&workdir) else {
        return;
    };
    let Some(prefix) = prefix.to_str() else {
        return;
    };
    let prefix = prefix.replace('\\', "/");
    let known: std::collections::HashSet<String> =
        candidates.iter().map(|c| c.rel_path.clone()).collect();
    let mut added = false;
    for mut c in tracked {
        if !prefix.is_empty() {
            match c
                .rel_path
                .strip_prefix(&prefix)
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(rel) => c.rel_path = rel.to_string(),
                None => continue,
            }
        }
        if !known.contains(&c.rel_path) && root.join(&c.rel_path).is_file() {
            candidates.push(c);
            added = true;
        }
    }
    if added {
        candidates.sort();
    }
}

/// Lints what the next commit contains: the files listed in the git index,
/// read from the index (the temporary one git uses during `commit -a` too).
pub fn lint_staged(start: &Path, policy: &Policy) -> Result<Outcome, RunError> {
    lint_staged_in(crate::git::discover(start)?, policy)
}

/// [`lint_staged`] in a repository already discovered.
pub fn lint_staged_in(repo: gix::Repository, policy: &Policy) -> Result<Outcome, RunError> {
    let staged = crate::git::index::StagedTree::of(repo)?;
    Ok(lint_staged_tree(&staged, policy))
}

/// [`lint_staged`] of an index already open.
pub fn lint_staged_tree(staged: &crate::git::index::StagedTree, policy: &Policy) -> Outcome {
    let candidates = staged.candidates();
    let mut outcome = lint_tree(staged, candidates, policy, None);
    outcome.root = Some(staged.workdir().to_path_buf());
    outcome
}

/// `testguard run`: lints the repository at `root` as the run
/// `invocation` describes will find it — the files on disk, the gitignored
/// ones that exist here included (`.env.testing`, a local `phpunit.xml`),
/// and `caller`, the real environment the command starts from.
pub fn lint_for_run(
    root: &Path,
    policy: &Policy,
    invocation: Invocation,
    caller: &[(String, String)],
) -> Result<Outcome, RunError> {
    if !root.is_dir() {
        return Err(RunError(format!("{} is not a directory", root.display())));
    }
    let mut candidates = discover::walk(root);
    add_tracked_ignored(root, &mut candidates);
    add_present_ignored(root, &invocation, &mut candidates);
    // what describes other entry points (CI jobs, README instructions,
    // Makefile targets, images) never applies to this run, and the caller's
    // environment they would give evidence of is known: not read at all
    let node = invocation.family == crate::model::RunnerFamily::Node;
    candidates.retain(|c| {
        !matches!(
            c.kind,
            SourceKind::GithubWorkflow
                | SourceKind::GitlabCi
                | SourceKind::GitlabCiInclude
                | SourceKind::Readme
                | SourceKind::TaskRunner
                | SourceKind::Dockerfile
                | SourceKind::Envrc
                | SourceKind::DevShell
                | SourceKind::CopiedDotenv
        ) && (node || c.kind != SourceKind::ComposeFile)
    });
    let mut outcome = lint_tree_with(
        &WorkTree::new(root),
        candidates,
        policy,
        None,
        Some((invocation, caller)),
    );
    outcome.root = Some(root.to_path_buf());
    Ok(outcome)
}

/// The files `.gitignore` keeps out of the walk that decide a run when they
/// exist: a developer's `.env.testing`, `.env`, a local `phpunit.xml` over
/// the committed `.dist`. They live beside the project's own configuration:
/// the folder the command starts in and the folders above it (and those of
/// a configuration named with `-c`) are listed, one `read_dir` each, not a
/// second walk. A nested project's files never apply to this run.
fn add_present_ignored(root: &Path, inv: &Invocation, candidates: &mut Vec<discover::Candidate>) {
    let config_dir = inv
        .config
        .as_deref()
        .map(|c| c.rsplit_once('/').map_or("", |(d, _)| d));
    let mut dirs: Vec<&str> = crate::model::ancestors(&inv.dir)
        .chain(config_dir.into_iter().flat_map(crate::model::ancestors))
        .collect();
    dirs.sort();
    dirs.dedup();
    let known: std::collections::HashSet<String> =
        candidates.iter().map(|c| c.rel_path.clone()).collect();
    let mut added = false;
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let Some(name) = e.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if !crate::kinds::may_be_candidate(&name) || !e.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let rel_path = crate::paths::join(dir, &name);
            if known.contains(&rel_path) {
                continue;
            }
            if let Some(kind) = crate::kinds::classify(&rel_path) {
                candidates.push(discover::Candidate { rel_path, kind });
                added = true;
            }
        }
    }
    if added {
        candidates.sort();
    }
}

/// The caller's environment as a file findings can point into: one
/// `KEY=value` line per variable, with the settings that reference it.
fn caller_file(vars: &[(String, String)], id: FileId) -> (SourceFile, Vec<crate::model::Setting>) {
    let mut text = String::new();
    let mut settings = Vec::new();
    for (k, v) in vars {
        let key_start = text.len();
        text.push_str(k);
        text.push('=');
        let value_start = text.len();
        text.push_str(v);
        settings.push(crate::model::Setting {
            key: crate::source::Spanned::new(
                k.clone(),
                crate::source::Span::new(id, key_start, key_start + k.len()),
            ),
            value: v.clone(),
            value_span: crate::source::Span::new(id, value_start, value_start + v.len()),
            verbatim: true,
            overridable: false,
            via: crate::model::Via::Caller,
            unset: false,
            provenance: None,
            raw_offsets: None,
        });
        text.push('\n');
    }
    let file = SourceFile::new(
        crate::source::CALLER_ENVIRONMENT_PATH.to_string(),
        SourceKind::CallerEnvironment,
        text,
    );
    (file, settings)
}

/// Reads the candidates from a tree and lints them.
pub fn lint_tree(
    tree: &dyn Tree,
    candidates: Vec<discover::Candidate>,
    policy: &Policy,
    only: Option<&Scope>,
) -> Outcome {
    lint_tree_with(tree, candidates, policy, only, None)
}

fn lint_tree_with(
    tree: &dyn Tree,
    mut candidates: Vec<discover::Candidate>,
    policy: &Policy,
    only: Option<&Scope>,
    run: Option<(Invocation, &[(String, String)])>,
) -> Outcome {
    candidates.retain(|c| !policy.excluded(&c.rel_path));
    retain_running_workflows(tree, &mut candidates);
    // Laravel's cached config is git-ignored, so no listing shows it; what
    // decides the next test run is whether it exists.
    let caches: Vec<discover::Candidate> = candidates
        .iter()
        .filter(|c| c.rel_path == "artisan" || c.rel_path.ends_with("/artisan"))
        .map(|c| {
            let dir = c.rel_path.strip_suffix("artisan").unwrap_or("");
            format!("{dir}bootstrap/cache/config.php")
        })
        .filter(|p| tree.exists(p))
        .map(|rel_path| discover::Candidate {
            rel_path,
            kind: SourceKind::LaravelConfigCache,
        })
        .collect();
    for c in caches {
        if !candidates.iter().any(|x| x.rel_path == c.rel_path) {
            candidates.push(c);
        }
    }
    // a `.gitignore` answers one question: whether the env file a Laravel
    // app's or a Node package's test run names is kept out of the
    // repository (the nearest one above that folder decides). The others are
    // not read (symfony/symfony holds 190, for no such folder).
    let (gitignores, candidates): (Vec<_>, Vec<_>) = candidates
        .into_iter()
        .partition(|c| c.kind == SourceKind::Gitignore);
    let (mut files, mut unreadable) = read_files(tree, candidates);
    let owners: Vec<&str> = files
        .iter()
        .filter(|f| match f.file_name() {
            "artisan" | "package.json" => true,
            "composer.json" => f.text.contains("laravel/"),
            _ => false,
        })
        .map(SourceFile::dir)
        .collect();
    let gitignores: Vec<discover::Candidate> = gitignores
        .into_iter()
        .filter(|c| {
            let dir = c.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
            owners.iter().any(|o| crate::model::is_within(o, dir))
        })
        .collect();
    let (more, more_unreadable) = read_files(tree, gitignores);
    let offset = files.len();
    files.extend(more);
    unreadable.extend(more_unreadable.into_iter().map(|mut u| {
        u.file = FileId(u.file.0 + offset);
        u
    }));
    let suites = crate::stacks::read_more(tree, &mut files, &mut unreadable);
    lint_files_with(files, unreadable, suites, policy, only, run)
}

/// GitHub runs the workflows in `.github/workflows` at the root of a
/// repository, and no others: the same folder deeper down (a monorepo whose
/// packages are split into repositories of their own, like symfony/symfony's
/// components, or a vendored project) runs nothing here. It counts at the
/// scan root and at the root of a repository nested in the scanned folder.
fn retain_running_workflows(tree: &dyn Tree, candidates: &mut Vec<discover::Candidate>) {
    let mut nested: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    candidates.retain(|c| {
        if c.kind != SourceKind::GithubWorkflow {
            return true;
        }
        let Some((owner, _)) = c.rel_path.rsplit_once(".github/workflows/") else {
            return true;
        };
        let Some(owner) = owner.strip_suffix('/') else {
            // `.github/workflows/…` at the scan root
            return owner.is_empty();
        };
        *nested
            .entry(owner.to_string())
            .or_insert_with(|| tree.is_nested_repository(owner))
    });
}

/// Builds the model from files already read and runs every rule.
pub fn lint_files(
    files: Vec<SourceFile>,
    unreadable: Vec<Unreadable>,
    policy: &Policy,
    only: Option<&Scope>,
) -> Outcome {
    lint_files_with(files, unreadable, Vec::new(), policy, only, None)
}

fn lint_files_with(
    mut files: Vec<SourceFile>,
    unreadable: Vec<Unreadable>,
    suites: Vec<crate::model::Suite>,
    policy: &Policy,
    only: Option<&Scope>,
    run: Option<(Invocation, &[(String, String)])>,
) -> Outcome {
    let files_read = files.len();
    let files_scanned = match only {
        Some(scope) => files.iter().filter(|f| scope.contains(&f.path)).count(),
        None => files_read,
    };
    let invocation = run.map(|(mut inv, vars)| {
        let id = FileId(files.len());
        let (file, settings) = caller_file(vars, id);
        files.push(file);
        inv.caller = settings;
        inv.caller_file = Some(id);
        inv
    });
    let (mut workspace, issues, unreadable) = stacks::build(files, unreadable, invocation, suites);
    crate::resolve::stage(&mut workspace);
    // every run's database verdict, and every suite no run covers
    crate::resolve::account::stage(&mut workspace, policy);
    // the secret ranges of every setting, for every output's masking
    mask::mask_workspace(&mut workspace);
    let cx = Context {
        ws: &workspace,
        policy,
        parse_issues: &issues,
        unreadable: &unreadable,
    };
    let mut diagnostics = rules::check_all(&cx);
    // every reported position lies inside its file, on character boundaries
    for d in &mut diagnostics {
        if let Some(p) = d.primary.as_mut() {
            *p = p.fit(&workspace.file(p.file).text);
        }
        for l in &mut d.labels {
            l.span = l.span.fit(&workspace.file(l.span.file).text);
        }
    }
    apply_policy(&mut diagnostics, &workspace, policy);
    // inline `testguard: ignore[…]` comments, on the finding's line or the one above
    let suppressions = suppress::collect(&workspace, |w| rules::find(w).map(|r| r.meta().code));
    let mut used: Vec<Vec<&'static str>> = vec![Vec::new(); suppressions.len()];
    let mut suppressed = 0;
    let mut suppressed_findings = Vec::new();
    diagnostics.retain(|d| {
        let Some(p) = d.primary else { return true };
        let (line, _) = workspace.file(p.file).line_col(p.start);
        let hit = suppressions.iter().position(|s| {
            s.file == p.file
                && (s.line == line || s.line + 1 == line)
                && s.rules.iter().any(|(_, c)| *c == Some(d.code))
        });
        match hit {
            Some(i) => {
                used[i].push(d.code);
                suppressed += 1;
                if !policy.show_suppressed {
                    suppressed_findings.push((d.clone(), suppressions[i].reason.clone()));
                }
                policy.show_suppressed
            }
            None => true,
        }
    });
    if !policy.show_suppressed {
        let mut unused = Vec::new();
        for (s, u) in suppressions.iter().zip(&used) {
            rules::unused_suppression::report(s, u, &mut unused);
        }
        apply_policy(&mut unused, &workspace, policy);
        diagnostics.extend(unused);
    }
    if let Some(only) = only {
        let in_scope = |span: crate::source::Span| only.contains(&workspace.file(span.file).path);
        diagnostics.retain(|d| {
            d.primary.is_some_and(in_scope) || d.labels.iter().any(|l| in_scope(l.span))
        });
    }
    let key = |d: &Diagnostic| {
        let (path, start) = match d.primary {
            Some(p) => (workspace.file(p.file).path.as_str(), p.start),
            None => ("", 0),
        };
        (path.to_string(), start, d.code)
    };
    diagnostics.sort_by_key(key);
    diagnostics.dedup();
    // one finding at the same bytes is one problem, however many test
    // environments (CI jobs sharing a variable) reach it
    let mut merged: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut repeats: Vec<usize> = Vec::new();
    for d in diagnostics {
        match merged.last() {
            Some(prev)
                if prev.code == d.code && prev.primary.is_some() && prev.primary == d.primary =>
            {
                if let Some(n) = repeats.last_mut() {
                    *n += 1;
                }
            }
            _ => {
                merged.push(d);
                repeats.push(0);
            }
        }
    }
    for (d, n) in merged.iter_mut().zip(repeats) {
        if n > 0 {
            d.message.push_str(&format!(
                " (and {n} more test environment{} reach it)",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    let mut diagnostics = cap_per_file(merged);
    attach_findings(&mut workspace, &mut diagnostics, only);
    // after every finding exists, TG003's quotes of suppression comments included
    let mut hidden: Vec<Diagnostic> = suppressed_findings.iter().map(|(d, _)| d.clone()).collect();
    mask::scrub_all(&mut workspace, &mut [&mut diagnostics, &mut hidden]);
    for ((d, _), clean) in suppressed_findings.iter_mut().zip(hidden) {
        *d = clean;
    }
    Outcome {
        workspace,
        diagnostics,
        files_scanned,
        files_read,
        scope: only.cloned(),
        suppressed,
        suppressed_findings,
        root: None,
        rules: rules::catalog(),
    }
}

/// The findings on each run's files become the run's; an error about its
/// database makes its verdict `not-test` whatever the names said (the rules
/// know more than a name: a fall-back to `.env`, a cached configuration), and
/// an unresolved run's TG004 gives way to it. With a scope, only the runs
/// that touch it are kept.
fn attach_findings(ws: &mut Workspace, diagnostics: &mut Vec<Diagnostic>, only: Option<&Scope>) {
    use crate::model::Verdict;
    // the rules about a database a run reaches (not TG001-TG004, parse
    // errors and suppressions, nor TG401's credentials)
    let about_database =
        |code: &str| code.starts_with("TG1") || code.starts_with("TG2") || code.starts_with("TG3");
    let mut gave_way: Vec<crate::source::Span> = Vec::new();
    for a in &mut ws.accounts {
        let mut codes: Vec<&'static str> = Vec::new();
        let mut error = None;
        for d in diagnostics.iter() {
            let Some(p) = d.primary else { continue };
            if d.code == "TG004" {
                continue;
            }
            // a finding on one of the run's files, or pointing at one, or on
            // a file of the run's ecosystem in its folder (a Laravel app's
            // cached configuration)
            let file = &ws.files[p.file.0];
            let family = crate::model::run::family_of(file.kind, &file.path);
            let own = a.files.contains(&p.file)
                || d.labels.iter().any(|l| a.files.contains(&l.span.file))
                || (crate::paths::is_within(file.dir(), &a.dir)
                    && match family {
                        // a file of the run's ecosystem
                        Some(Some(f)) => a.family == Some(f),
                        // a file every run of the folder reads or is started
                        // from (a dotenv file, a README's setup, a compose
                        // service, CI): its database findings are the run's
                        _ => about_database(d.code),
                    });
            if !own {
                continue;
            }
            if !codes.contains(&d.code) {
                codes.push(d.code);
            }
            if d.severity == Severity::Error && about_database(d.code) && error.is_none() {
                error = Some((d.code, p));
            }
        }
        codes.sort_unstable();
        a.findings = codes;
        if let Some((code, span)) = error
            && a.database.verdict != Verdict::NotTest
        {
            if a.database.verdict == Verdict::Unresolved {
                gave_way.extend(a.database.reason_at.or(a.entry));
            }
            a.database.verdict = Verdict::NotTest;
            a.database.reason = Some(format!("{code} reports the database this run reaches"));
            a.database.reason_at = Some(span);
        }
    }
    if !gave_way.is_empty() {
        diagnostics
            .retain(|d| !(d.code == "TG004" && d.primary.is_some_and(|p| gave_way.contains(&p))));
    }
    if let Some(scope) = only {
        let files = &ws.files;
        ws.accounts.retain(|a| {
            scope.contains(&a.path) || a.files.iter().any(|f| scope.contains(&files[f.0].path))
        });
    }
}

/// At most [`MAX_DIAGNOSTICS_PER_FILE`] findings per file (`diagnostics` is
/// sorted by file). Errors are kept before warnings, so the exit code never
/// changes; the last finding shown says how many more there are.
fn cap_per_file(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let file_of = |d: &Diagnostic| d.primary.map(|p| p.file);
    let mut out = Vec::with_capacity(diagnostics.len());
    let mut rest = diagnostics.into_iter().peekable();
    while let Some(first) = rest.next() {
        let file = file_of(&first);
        let mut group = vec![first];
        while let Some(d) = rest.next_if(|d| file_of(d) == file) {
            group.push(d);
        }
        if file.is_none() || group.len() <= MAX_DIAGNOSTICS_PER_FILE {
            out.extend(group);
            continue;
        }
        let hidden = group.len() - MAX_DIAGNOSTICS_PER_FILE;
        let mut order: Vec<usize> = (0..group.len()).collect();
        order.sort_by_key(|&i| (group[i].severity != Severity::Error, i));
        let mut keep: Vec<usize> = order[..MAX_DIAGNOSTICS_PER_FILE].to_vec();
        keep.sort_unstable();
        let mut kept: Vec<Diagnostic> = keep.into_iter().map(|i| group[i].clone()).collect();
        if let Some(last) = kept.last_mut() {
            last.message.push_str(&format!(
                " ({hidden} more finding{} in this file not shown: testguard reports at most \
                 {MAX_DIAGNOSTICS_PER_FILE} per file)",
                if hidden == 1 { "" } else { "s" }
            ));
        }
        out.extend(kept);
    }
    out
}

/// Configured severities (or off) and per-path ignores.
fn apply_policy(diagnostics: &mut Vec<Diagnostic>, ws: &Workspace, policy: &Policy) {
    diagnostics.retain_mut(|d| {
        if let Some(p) = d.primary
            && policy.ignored_in(d.code, &ws.file(p.file).path)
        {
            return false;
        }
        match policy.severity_of(d.code, d.severity) {
            Some(s) => {
                d.severity = s;
                true
            }
            None => false,
        }
    });
}
