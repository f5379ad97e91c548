//! The last lint's result, replayed while nothing it depends on has changed.
//! A pre-commit hook runs on every commit, and most commits touch no file a
//! test run's configuration is read from: the hook then costs the index read
//! and this check, not the reading and parsing of every configuration file
//! (symfony/symfony: 743 files). The same holds for `lint` of a work tree
//! run again and again from an editor or a script: it costs the walk (git's
//! own cost for `git ls-files -co`) and this check.
//!
//! What a lint prints is a function of:
//! - this binary (its version, size and modification time);
//! - how it was asked (format, `--strict`, `--quiet`, colour,
//!   `--no-ignore-comments`, the paths it was given), the work tree's path
//!   (SARIF prints it) and the configuration file's bytes;
//! - the candidate paths (discovery looks at names only: the index's for
//!   `--staged`, the walk's for a work tree, both redone every time);
//! - the answers the tree gave to every question the lint asked of it
//!   ([`Consultation`]): for the index, a file's object id (its content is a
//!   function of it); for the work tree, a file's stat data (size, times to
//!   the nanosecond, inode, device), as git's index vouches for a clean
//!   file; whether a path exists; a folder's listing.
//!
//! All of these are kept whole and compared whole (no hash that could
//! collide). A result that depended on anything else (a blob the object
//! database could not give, a work-tree file changed within seconds of the
//! lint, whose times cannot tell a later rewrite apart) is never stored.
//! The caches live in the git directory (`testguard/staged.json`,
//! `testguard/worktree.json`), per worktree, written atomically; one that
//! cannot be read or written is a miss, never an error.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::tree::Consultation;

/// Everything a result depends on besides the index's answers.
#[derive(Serialize, Deserialize, PartialEq, Eq, Debug)]
pub struct Inputs {
    /// Version and identity of the binary that produced the result.
    pub binary: String,
    /// The options that shape the output, as the command line gave them.
    pub options: String,
    pub workdir: String,
    /// The configuration file's path and bytes, when one is read.
    pub config: Option<(String, String)>,
    pub candidates: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    inputs: Inputs,
    consulted: Vec<(Consultation, String)>,
    exit_code: u8,
    stdout: String,
}

/// A cache file of a repository.
pub struct ResultCache {
    path: PathBuf,
}

/// A replayable result.
pub struct Replay {
    pub stdout: String,
    pub exit_code: u8,
}

impl ResultCache {
    /// The result of `lint --staged`.
    pub fn staged(git_dir: &Path) -> ResultCache {
        ResultCache {
            path: git_dir.join("testguard").join("staged.json"),
        }
    }

    /// The result of `lint` of the work tree.
    pub fn worktree(git_dir: &Path) -> ResultCache {
        ResultCache {
            path: git_dir.join("testguard").join("worktree.json"),
        }
    }

    /// The stored result, when it was produced from the same inputs and the
    /// tree still answers every question it asked the same way.
    pub fn lookup(
        &self,
        inputs: &Inputs,
        answer: impl Fn(&Consultation) -> String,
    ) -> Option<Replay> {
        let bytes = std::fs::read(&self.path).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        if entry.inputs != *inputs {
            return None;
        }
        entry
            .consulted
            .iter()
            .all(|(c, stored)| answer(c) == *stored)
            .then_some(Replay {
                stdout: entry.stdout,
                exit_code: entry.exit_code,
            })
    }

    /// Stores a result (best effort: a read-only git directory keeps none).
    pub fn store(&self, inputs: Inputs, consulted: Vec<(Consultation, String)>, replay: &Replay) {
        let entry = Entry {
            inputs,
            consulted,
            exit_code: replay.exit_code,
            stdout: replay.stdout.clone(),
        };
        let Ok(json) = serde_json::to_vec(&entry) else {
            return;
        };
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // written whole, then renamed: a concurrent hook reads the old
        // entry or the new one, never half of one
        let Some(name) = self.path.file_name().and_then(|n| n.to_str()) else {
            return;
        };
        let tmp = dir.join(format!("{name}.{}", std::process::id()));
        if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, &self.path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// This binary's identity: its version and the size and modification time
/// of its file, so a rebuilt binary never replays an older one's result;
/// `None` when they cannot be known (then nothing is cached).
pub fn binary_identity() -> Option<String> {
    let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "{} {} {}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_nanos()
    ))
}
