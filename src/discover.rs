//! Which files to read: a parallel, gitignore-aware walk that decides from the
//! name alone (never by opening a file) whether a file can be a config file.

use std::path::Path;
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

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
pub fn walk(root: &Path) -> Vec<Candidate> {
    let found = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    WalkBuilder::new(root)
        .hidden(false)
        .parents(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .ignore(true)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if !is_dir {
                // a file whose name no kind takes never reaches the callback
                // (nor the walkers' shared queue)
                return e.depth() == 0 || e.file_name().to_str().is_some_and(may_be_candidate);
            }
            !(e.depth() > 0
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        })
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return WalkState::Continue;
                };
                if !entry.file_type().is_some_and(|t| t.is_file())
                    || !entry.file_name().to_str().is_some_and(may_be_candidate)
                {
                    return WalkState::Continue;
                }
                let Some(rel) = relative(root, entry.path()) else {
                    return WalkState::Continue;
                };
                if let Some(kind) = classify(&rel)
                    && let Ok(mut v) = found.lock()
                {
                    v.push(Candidate {
                        rel_path: rel,
                        kind,
                    });
                }
                WalkState::Continue
            })
        });
    let mut v = found.into_inner().unwrap_or_default();
    v.sort();
    v
}

/// `path` relative to `root` with `/` separators, if it is valid UTF-8.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}
