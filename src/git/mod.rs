//! Git: the index as a source of files (`--staged`), and the pre-commit hook.

pub mod hook;
pub mod index;
pub mod index_names;
pub mod result_cache;

use std::path::{Component, Path, PathBuf};

use crate::error::RunError;

/// The repository around `start`, discovered as git does: `GIT_DIR`,
/// `GIT_INDEX_FILE` and the other environment overrides are honoured, so a hook
/// run by `git commit -a` reads the temporary index git prepared.
pub fn discover(start: &Path) -> Result<gix::Repository, RunError> {
    gix::discover_with_environment_overrides(start).map_err(|e| {
        RunError(format!(
            "{} is not inside a git repository ({e}); `--staged` and the hook commands need one",
            start.display()
        ))
    })
}

/// An absolute path with `.` and `..` resolved: gix hands back paths such as
/// `./.git` or a linked worktree's `…/worktrees/wt/../..`.
pub fn normalize(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The work tree of a repository, or an error for a bare one.
pub fn workdir(repo: &gix::Repository) -> Result<PathBuf, RunError> {
    match repo.workdir() {
        Some(w) if !repo.is_bare() => Ok(normalize(w)),
        _ => Err(RunError(format!(
            "{} is a bare repository: it has no work tree and no commits are made in it, so there is nothing for testguard to check",
            normalize(repo.git_dir()).display()
        ))),
    }
}

/// The folder holding `.git` above `start`, if any.
pub fn repository_root(start: &std::path::Path) -> Option<std::path::PathBuf> {
    start
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(std::path::Path::to_path_buf)
}

/// The git directory of the repository whose work tree is `root` (which
/// holds `.git`): the `.git` folder, or the folder a `.git` file names
/// (`gitdir: …`, a linked worktree's or a submodule's own). `None` when
/// `root` is not a repository's top.
pub fn git_dir_of(root: &Path) -> Option<PathBuf> {
    let dot_git = root.join(".git");
    let meta = std::fs::metadata(&dot_git).ok()?;
    if meta.is_dir() {
        return Some(dot_git);
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let named = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    let dir = root.join(named);
    dir.is_dir().then_some(dir)
}
