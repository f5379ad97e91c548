//! Which files to read: a parallel, gitignore-aware walk that decides from the
//! name alone (never by opening a file) whether a file can be a config file.

use std::path::Path;
use std::sync::Mutex;

use crate::kinds::{classify, may_be_candidate};
use crate::source::SourceKind;

pub use crate::kinds::SKIPPED_DIRS;

/// A file found by the walk (or listed in the index).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Relative to the scan root, `/`-separated.
    pub rel_path: String,
    pub kind: SourceKind,
}

/// Whether a relative path runs through a dependency or tool folder.
pub fn in_skipped_dir(rel_path: &str) -> bool {
    let mut parts: Vec<&str> = rel_path.split('/').collect();
    parts.pop();
    parts.iter().any(|p| SKIPPED_DIRS.contains(p))
}

/// Walks `root` in parallel and returns the candidate files, sorted by path.
///
/// The walk is git's own (`git ls-files -co --exclude-standard`): every
/// folder is listed once, an ignored folder is not entered, and the ignore
/// files are `.gitignore` (and `.ignore`, which wins over it) in each folder
/// and its parents, then `.git/info/exclude`, then the global excludes file.
/// Unlike a general-purpose walker it matches a name against the ignore
/// rules only when that name matters: a folder (to prune it) or a file whose
/// name makes it a candidate. In a 10,000-file repository that is a few
/// hundred matches instead of ten thousand, which keeps the walk ahead of
/// git's listing.
pub fn walk(root: &Path) -> Vec<Candidate> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let base = IgnoreLevel::base(root);
    let shared = Shared {
        queue: Mutex::new(Queue {
            dirs: vec![Dir {
                rel: String::new(),
                ignores: base,
            }],
            busy: 0,
        }),
        wake: std::sync::Condvar::new(),
    };
    let found: Mutex<Vec<Candidate>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        // this thread is one of the workers
        for _ in 1..threads {
            scope.spawn(|| worker(root, &shared, &found));
        }
        worker(root, &shared, &found);
    });
    let mut v = found.into_inner().unwrap_or_default();
    v.sort();
    v
}

/// A folder to list: its path relative to the root (`""` or `a/b/`), and the
/// ignore rules that apply inside it.
struct Dir {
    rel: String,
    ignores: Option<std::sync::Arc<IgnoreLevel>>,
}

struct Queue {
    dirs: Vec<Dir>,
    /// Workers listing a folder now (which may add more).
    busy: usize,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: std::sync::Condvar,
}

fn worker(root: &Path, shared: &Shared, found: &Mutex<Vec<Candidate>>) {
    let mut local: Vec<Candidate> = Vec::new();
    let mut children: Vec<Dir> = Vec::new();
    loop {
        let dir = {
            let Ok(mut q) = shared.queue.lock() else {
                return;
            };
            loop {
                if let Some(d) = q.dirs.pop() {
                    q.busy += 1;
                    break d;
                }
                if q.busy == 0 {
                    shared.wake.notify_all();
                    drop(q);
                    if let Ok(mut f) = found.lock() {
                        f.append(&mut local);
                    }
                    return;
                }
                q = match shared.wake.wait(q) {
                    Ok(q) => q,
                    Err(_) => return,
                };
            }
        };
        list(root, &dir, &mut local, &mut children);
        let Ok(mut q) = shared.queue.lock() else {
            return;
        };
        let more = !children.is_empty();
        q.dirs.append(&mut children);
        q.busy -= 1;
        if more || q.busy == 0 {
            shared.wake.notify_all();
        }
    }
}

/// Lists one folder: its candidate files into `found`, the folders to enter
/// into `children`.
fn list(root: &Path, dir: &Dir, found: &mut Vec<Candidate>, children: &mut Vec<Dir>) {
    let abs = root.join(&dir.rel);
    let Ok(entries) = std::fs::read_dir(&abs) else {
        return;
    };
    let mut names: Vec<(String, bool)> = Vec::new();
    let mut ignore_files: Vec<&'static str> = Vec::new();
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        // symbolic links are neither followed nor read
        let is_dir = kind.is_dir();
        if !is_dir && !kind.is_file() {
            continue;
        }
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !is_dir {
            match name.as_str() {
                ".gitignore" => ignore_files.push(".gitignore"),
                ".ignore" => ignore_files.push(".ignore"),
                _ => {}
            }
            if !may_be_candidate(&name) {
                continue;
            }
        } else if SKIPPED_DIRS.contains(&name.as_str()) {
            continue;
        }
        names.push((name, is_dir));
    }
    // `.ignore` is added last: within a folder it wins over `.gitignore`
    ignore_files.sort_by_key(|n| *n == ".ignore");
    let ignores = IgnoreLevel::child(&dir.ignores, &abs, &ignore_files);
    for (name, is_dir) in names {
        let rel = format!("{}{name}", dir.rel);
        if ignores
            .as_deref()
            .is_some_and(|l| l.ignored(&abs.join(&name), is_dir))
        {
            continue;
        }
        if is_dir {
            children.push(Dir {
                rel: rel + "/",
                ignores: ignores.clone(),
            });
        } else if let Some(kind) = classify(&rel) {
            found.push(Candidate {
                rel_path: rel,
                kind,
            });
        }
    }
}

/// The folder holding a repository's shared files (`info/exclude`): the
/// `.git` folder itself, or, for a linked worktree or a submodule whose
/// `.git` is a file (`gitdir: …`), the folder it names and, from there, the
/// `commondir` a linked worktree records.
fn common_git_dir(dot_git: &Path) -> std::path::PathBuf {
    if dot_git.is_dir() {
        return dot_git.to_path_buf();
    }
    let base = dot_git.parent().unwrap_or(Path::new("."));
    let Some(git_dir) = std::fs::read_to_string(dot_git).ok().and_then(|t| {
        t.lines()
            .next()
            .and_then(|l| l.strip_prefix("gitdir:"))
            .map(|p| base.join(p.trim()))
    }) else {
        return dot_git.to_path_buf();
    };
    match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(common) => git_dir.join(common.trim()),
        Err(_) => git_dir,
    }
}

/// The ignore rules of one folder, over those of the folders above it.
struct IgnoreLevel {
    matcher: ignore::gitignore::Gitignore,
    parent: Option<std::sync::Arc<IgnoreLevel>>,
}

impl IgnoreLevel {
    /// What applies at the root: the ignore files of its parents up to the
    /// repository's top (or the file system's, outside one), the
    /// repository's `info/exclude` and the global excludes file.
    fn base(root: &Path) -> Option<std::sync::Arc<IgnoreLevel>> {
        let mut levels: Vec<ignore::gitignore::Gitignore> = Vec::new();
        let (global, _) = ignore::gitignore::Gitignore::global();
        if !global.is_empty() {
            levels.push(global);
        }
        let mut parents: Vec<&Path> = Vec::new();
        let mut git_dir = None;
        for dir in root.ancestors().skip(1) {
            parents.push(dir);
            if dir.join(".git").exists() {
                git_dir = Some(dir.join(".git"));
                break;
            }
        }
        if root.join(".git").exists() {
            git_dir = Some(root.join(".git"));
            parents.clear();
        }
        if let Some(g) = git_dir {
            let top = g.parent().unwrap_or(root).to_path_buf();
            let exclude = common_git_dir(&g).join("info").join("exclude");
            if exclude.is_file() {
                let mut b = ignore::gitignore::GitignoreBuilder::new(&top);
                let _ = b.add(&exclude);
                if let Ok(m) = b.build() {
                    levels.push(m);
                }
            }
        }
        for dir in parents.iter().rev() {
            let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
            let mut any = false;
            for name in [".gitignore", ".ignore"] {
                let p = dir.join(name);
                if p.is_file() {
                    let _ = b.add(&p);
                    any = true;
                }
            }
            if any && let Ok(m) = b.build() {
                levels.push(m);
            }
        }
        let mut top: Option<std::sync::Arc<IgnoreLevel>> = None;
        for matcher in levels {
            if !matcher.is_empty() {
                top = Some(std::sync::Arc::new(IgnoreLevel {
                    matcher,
                    parent: top,
                }));
            }
        }
        top
    }

    /// The rules inside `dir`: its own ignore files over `parent`'s.
    fn child(
        parent: &Option<std::sync::Arc<IgnoreLevel>>,
        dir: &Path,
        files: &[&str],
    ) -> Option<std::sync::Arc<IgnoreLevel>> {
        if files.is_empty() {
            return parent.clone();
        }
        let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
        for name in files {
            // a line git cannot read is skipped, as git skips it
            let _ = b.add(dir.join(name));
        }
        match b.build() {
            Ok(matcher) if !matcher.is_empty() => Some(std::sync::Arc::new(IgnoreLevel {
                matcher,
                parent: parent.clone(),
            })),
            _ => parent.clone(),
        }
    }

    /// Whether the deepest rule that speaks of `path` ignores it.
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        let mut level = Some(self);
        while let Some(l) = level {
            match l.matcher.matched(path, is_dir) {
                ignore::Match::Ignore(_) => return true,
                ignore::Match::Whitelist(_) => return false,
                ignore::Match::None => level = l.parent.as_deref(),
            }
        }
        false
    }
}

/// `path` relative to `root` with `/` separators, if it is valid UTF-8.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}
