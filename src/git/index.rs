//! The git index as a [`Tree`]: what the next commit contains. Only the index
//! and the blobs of candidate files are read; the work tree is never walked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gix::index::entry::{Flags, Mode, Stage};

use crate::discover::{Candidate, classify, in_skipped_dir};
use crate::{ReadFailure, RunError, Tree, check_size};

pub struct StagedTree {
    repo: gix::Repository,
    /// Path (relative to the work tree) → blob id and size, for regular files at stage 0.
    entries: BTreeMap<String, (gix::ObjectId, u64)>,
    workdir: PathBuf,
}

impl StagedTree {
    pub fn open(start: &Path) -> Result<StagedTree, RunError> {
        let repo = super::discover(start)?;
        let workdir = super::workdir(&repo)?;
        let mut entries = BTreeMap::new();
        // a repository where nothing was ever added has no index file yet
        if repo.index_path().exists() {
            let index = repo.open_index().map_err(|e| {
                RunError(format!(
                    "cannot read the git index {}: {e}",
                    repo.index_path().display()
                ))
            })?;
            for e in index.entries() {
                let regular = e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE;
                if !regular
                    || e.stage() != Stage::Unconflicted
                    || e.flags.contains(Flags::INTENT_TO_ADD)
                {
                    continue;
                }
                if let Ok(path) = std::str::from_utf8(e.path(&index)) {
                    entries.insert(path.to_string(), (e.id, u64::from(e.stat.size)));
                }
            }
        }
        Ok(StagedTree {
            repo,
            entries,
            workdir,
        })
    }

    /// The work tree root: paths in every output are relative to it.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// Index entries whose name makes them candidates (SPEC §2).
    pub fn candidates(&self) -> Vec<Candidate> {
        self.entries
            .keys()
            .filter(|p| !in_skipped_dir(p))
            .filter_map(|p| {
                classify(p).map(|kind| Candidate {
                    rel_path: p.clone(),
                    kind,
                })
            })
            .collect()
    }
}

impl Tree for StagedTree {
    fn read(&self, rel_path: &str) -> Result<Vec<u8>, ReadFailure> {
        let Some((id, size)) = self.entries.get(rel_path) else {
            return Err(ReadFailure::Gone);
        };
        check_size(*size)?;
        let blob = self.repo.find_blob(*id).map_err(|e| {
            ReadFailure::Unreadable(format!(
                "its staged content cannot be read from the object database: {e}"
            ))
        })?;
        check_size(blob.data.len() as u64)?;
        Ok(blob.data.clone())
    }

    fn exists(&self, rel_path: &str) -> bool {
        self.entries.contains_key(rel_path)
    }

    fn list_dir(&self, rel_dir: &str) -> Vec<String> {
        let prefix = if rel_dir.is_empty() {
            String::new()
        } else {
            format!("{rel_dir}/")
        };
        self.entries
            .keys()
            .filter(|p| p.starts_with(&prefix) && !p[prefix.len()..].contains('/'))
            .cloned()
            .collect()
    }
}
