//! The git index as a [`Tree`]: what the next commit contains. Only the index
//! and the blobs of candidate files are read; the work tree is never walked.

use std::path::{Path, PathBuf};

use gix::index::entry::{Flags, Mode, Stage};

use crate::discover::{Candidate, in_skipped_dir};
use crate::error::RunError;
use crate::kinds::{classify, may_be_candidate};
use crate::tree::{ReadFailure, Tree, check_size};

pub struct StagedTree {
    repo: gix::Repository,
    /// The index as git wrote it; paths are looked up in place (binary search)
    /// so a 100,000-entry index costs no per-entry allocation.
    index: Option<gix::index::File>,
    workdir: PathBuf,
    /// When the index file was written (seconds, nanoseconds): a work-tree
    /// file modified at or after it is "racily clean" and its stat data
    /// cannot vouch for its content (git's `is_racy_timestamp`).
    index_mtime: Option<(i64, i64)>,
    /// Whether a clean work-tree file holds exactly its blob's bytes: no
    /// `core.autocrlf`, no attributes that convert content (`text`, `eol`,
    /// `filter`, `working-tree-encoding`, `ident`). Decided on first read.
    worktree_is_blob: std::cell::OnceCell<bool>,
    /// What the lint asked of the index, while [`Self::record_consultations`]
    /// is on: the staged-result cache replays a result only when every
    /// question still has the same answer.
    consulted: std::cell::RefCell<Option<Vec<Consultation>>>,
    /// A blob the object database could not give: the result depends on
    /// more than the index and is not cached.
    object_read_failed: std::cell::Cell<bool>,
}

/// One question a lint asks of the staged tree. Its answer is computed from
/// the index alone (an entry's object id, a listing), never from content:
/// a file's content is a function of its object id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Consultation {
    Read(String),
    Exists(String),
    ListDir(String),
    FilesUnder(String, usize),
}

/// A regular file at stage 0 that is really staged (not `git add -N`).
fn is_staged_file(e: &gix::index::Entry) -> bool {
    (e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE)
        && e.stage() == Stage::Unconflicted
        && !e.flags.contains(Flags::INTENT_TO_ADD)
}

/// Reads the index the way git does on every command: without hashing the
/// whole file to verify its trailing checksum (git leaves that to `git fsck`).
/// On a 100,000-entry index the SHA-1 was a sixth of `lint --staged`.
fn open_index(repo: &gix::Repository) -> Result<gix::index::File, String> {
    gix::index::File::at(
        repo.index_path(),
        repo.object_hash(),
        true,
        gix::index::decode::Options::default(),
    )
    .map_err(|e| e.to_string())
}

impl StagedTree {
    pub fn open(start: &Path) -> Result<StagedTree, RunError> {
        Self::of(super::discover(start)?)
    }

    /// The index of a repository already discovered.
    pub fn of(repo: gix::Repository) -> Result<StagedTree, RunError> {
        let workdir = super::workdir(&repo)?;
        // a repository where nothing was ever added has no index file yet
        let index = if repo.index_path().exists() {
            Some(open_index(&repo).map_err(|e| {
                RunError(format!(
                    "cannot read the git index {}: {e}",
                    repo.index_path().display()
                ))
            })?)
        } else {
            None
        };
        let index_mtime = std::fs::metadata(repo.index_path())
            .ok()
            .and_then(|m| mtime_of(&m));
        Ok(StagedTree {
            repo,
            index,
            workdir,
            index_mtime,
            worktree_is_blob: std::cell::OnceCell::new(),
            consulted: std::cell::RefCell::new(None),
            object_read_failed: std::cell::Cell::new(false),
        })
    }

    /// Every path the index lists whose name makes it a candidate: the
    /// input of discovery, compared whole by the staged-result cache.
    pub fn candidate_paths(&self) -> Vec<String> {
        self.candidates().into_iter().map(|c| c.rel_path).collect()
    }

    /// From now on, remembers what is asked of this tree.
    pub fn record_consultations(&self) {
        *self.consulted.borrow_mut() = Some(Vec::new());
    }

    fn note(&self, c: impl FnOnce() -> Consultation) {
        if let Some(log) = self.consulted.borrow_mut().as_mut() {
            log.push(c());
        }
    }

    /// What was asked since [`Self::record_consultations`], each once, with
    /// its answer; `None` when the answers do not decide the result (a
    /// blob could not be read).
    pub fn consultations(&self) -> Option<Vec<(Consultation, String)>> {
        if self.object_read_failed.get() {
            return None;
        }
        let mut asked = self.consulted.borrow().clone()?;
        asked.sort();
        asked.dedup();
        Some(
            asked
                .into_iter()
                .map(|c| {
                    let answer = self.answer(&c);
                    (c, answer)
                })
                .collect(),
        )
    }

    /// The answer the index gives now: the staged object id (or nothing),
    /// presence, or the listing.
    pub fn answer(&self, c: &Consultation) -> String {
        match c {
            Consultation::Read(path) => self
                .entry(path)
                .map(|e| format!("{}", e.id))
                .unwrap_or_default(),
            Consultation::Exists(path) => self.entry(path).is_some().to_string(),
            Consultation::ListDir(dir) => self.list_dir_unrecorded(dir).join("\n"),
            Consultation::FilesUnder(dir, limit) => {
                self.files_under_unrecorded(dir, *limit).join("\n")
            }
        }
    }

    /// No conversion between blob and work tree can be configured: no
    /// `core.autocrlf`, and no attributes file (any `.gitattributes` in the
    /// index, `.git/info/attributes`, `core.attributesFile`) that mentions a
    /// converting attribute. When unsure: false.
    fn worktree_is_blob(&self) -> bool {
        *self.worktree_is_blob.get_or_init(|| {
            let config = self.repo.config_snapshot();
            if config
                .string("core.autocrlf")
                .is_some_and(|v| !v.eq_ignore_ascii_case(b"false"))
                || config.string("core.attributesFile").is_some()
            {
                return false;
            }
            let converts = |text: &[u8]| {
                let text = String::from_utf8_lossy(text);
                ["text", "eol", "crlf", "filter", "encoding", "ident"]
                    .iter()
                    .any(|w| text.contains(w))
            };
            if let Ok(info) = std::fs::read(self.repo.git_dir().join("info/attributes"))
                && converts(&info)
            {
                return false;
            }
            if let Some(home) = std::env::var_os("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))
                && std::fs::read(home.join("git/attributes")).is_ok_and(|t| converts(&t))
            {
                return false;
            }
            let Some(index) = &self.index else {
                return true;
            };
            // every `.gitattributes` in the index (symfony/symfony has 183),
            // its work-tree copy when clean (a conversion cannot add or
            // remove an attribute's name), read on several threads
            let mut attributes = Vec::new();
            for e in index.entries() {
                let path = e.path(index);
                if !(path == b".gitattributes" || path.ends_with(b"/.gitattributes")) {
                    continue;
                }
                let Ok(rel) = std::str::from_utf8(path) else {
                    return false;
                };
                attributes.push((rel, RecordedStat::of(e), e.id));
            }
            let (workdir, index_mtime) = (&self.workdir, self.index_mtime);
            let clean: Vec<Option<Vec<u8>>> =
                crate::tree::read_parallel(&attributes, |(rel, stat, _)| {
                    stat.clean_bytes(&workdir.join(rel), index_mtime?)
                });
            if clean.len() != attributes.len() {
                return false;
            }
            attributes
                .iter()
                .zip(clean)
                .all(|((_, _, id), data)| match data {
                    Some(data) => !converts(&data),
                    None => match self.repo.find_blob(*id) {
                        Ok(blob) => !converts(&blob.data),
                        Err(_) => false,
                    },
                })
        })
    }

    /// The work-tree file's bytes when its stat data still matches the index
    /// entry (git's own notion of a clean file: size, mtime, inode) and the
    /// index was written after it changed: the same bytes as the blob,
    /// without inflating a pack's delta chain. `None`: read the blob.
    fn clean_worktree_bytes(&self, rel_path: &str, e: &gix::index::Entry) -> Option<Vec<u8>> {
        let data = self.stat_clean_bytes(rel_path, e)?;
        self.worktree_is_blob().then_some(data)
    }

    /// The work-tree file's bytes when git would call it clean (stat data as
    /// recorded, not racily so), whatever conversion it went through.
    fn stat_clean_bytes(&self, rel_path: &str, e: &gix::index::Entry) -> Option<Vec<u8>> {
        RecordedStat::of(e).clean_bytes(&self.workdir.join(rel_path), self.index_mtime?)
    }

    /// The work tree root: paths in every output are relative to it.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    fn entry(&self, rel_path: &str) -> Option<&gix::index::Entry> {
        let index = self.index.as_ref()?;
        index
            .entry_by_path_and_stage(rel_path.as_bytes().into(), Stage::Unconflicted)
            .filter(|e| is_staged_file(e))
    }

    /// Index entries whose name makes them candidates: only these
    /// are turned into strings.
    pub fn candidates(&self) -> Vec<Candidate> {
        let Some(index) = &self.index else {
            return Vec::new();
        };
        index
            .entries()
            .iter()
            .filter(|e| is_staged_file(e))
            .filter_map(|e| candidate_of(e.path(index).as_ref()))
            .collect()
    }
}

/// The candidate an index path is, if its name makes it one.
fn candidate_of(path: &[u8]) -> Option<Candidate> {
    // the name alone rules out almost every entry before any UTF-8 check
    let name = match path.iter().rposition(|&b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    };
    if !std::str::from_utf8(name).is_ok_and(may_be_candidate) {
        return None;
    }
    let path = std::str::from_utf8(path).ok()?;
    let kind = classify(path)?;
    (!in_skipped_dir(path)).then(|| Candidate {
        rel_path: path.to_string(),
        kind,
    })
}

/// The candidates the index of the repository holding `start` tracks, and
/// that repository's work tree: what [`StagedTree::candidates`] gives,
/// streamed from the index file without decoding it whole (see
/// [`super::index_names`]); a split index goes through gix.
pub fn tracked_candidates(start: &Path) -> Option<(PathBuf, Vec<Candidate>)> {
    let repo = super::discover(start).ok()?;
    let workdir = super::workdir(&repo).ok()?;
    let index_path = repo.index_path();
    let file = match std::fs::File::open(&index_path) {
        Ok(f) => f,
        // nothing was ever added
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some((workdir, Vec::new())),
        Err(_) => return None,
    };
    let mut found = Vec::new();
    match super::index_names::for_each_file(file, |p| found.extend(candidate_of(p))) {
        Ok(()) => Some((workdir, found)),
        Err(_) => {
            let staged = StagedTree::of(repo).ok()?;
            Some((workdir, staged.candidates()))
        }
    }
}

/// The stat data an index entry recorded, as git compares it.
#[derive(Clone, Copy)]
struct RecordedStat {
    size: u32,
    mtime: (u32, u32),
    ino: u32,
}

impl RecordedStat {
    fn of(e: &gix::index::Entry) -> Self {
        RecordedStat {
            size: e.stat.size,
            mtime: (e.stat.mtime.secs, e.stat.mtime.nsecs),
            ino: e.stat.ino,
        }
    }

    /// The file's bytes when it is clean by this stat data and not racily so
    /// (modified before the index was written).
    #[cfg(unix)]
    fn clean_bytes(&self, path: &Path, index_mtime: (i64, i64)) -> Option<Vec<u8>> {
        use std::io::Read;
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
        // one path lookup: open, then compare what the open file is
        // (non-blocking, so that a FIFO where a file was is never waited on)
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .ok()?;
        let meta = file.metadata().ok()?;
        let mtime = mtime_of(&meta)?;
        let matches = meta.is_file()
            && meta.len() == u64::from(self.size)
            && mtime.0 as u32 == self.mtime.0
            && mtime.1 as u32 == self.mtime.1
            && meta.ino() as u32 == self.ino
            && mtime < index_mtime;
        if !matches {
            return None;
        }
        // the size is the index's: one read fills it, with no second read
        // to find the end (a file rewritten since the fstat has a new mtime
        // and is caught by the next `git add`, as git's own reads are)
        let mut data = vec![0; meta.len() as usize];
        file.read_exact(&mut data).ok()?;
        Some(data)
    }

    #[cfg(not(unix))]
    fn clean_bytes(&self, _path: &Path, _index_mtime: (i64, i64)) -> Option<Vec<u8>> {
        None
    }
}

/// A file's modification time as (seconds, nanoseconds) since the epoch.
fn mtime_of(meta: &std::fs::Metadata) -> Option<(i64, i64)> {
    let d = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((d.as_secs() as i64, i64::from(d.subsec_nanos())))
}

impl Tree for StagedTree {
    fn read(&self, rel_path: &str) -> Result<Vec<u8>, ReadFailure> {
        self.note(|| Consultation::Read(rel_path.to_string()));
        let Some(e) = self.entry(rel_path) else {
            return Err(ReadFailure::Gone);
        };
        check_size(u64::from(e.stat.size))?;
        if let Some(data) = self.clean_worktree_bytes(rel_path, e) {
            return Ok(data);
        }
        let blob = self.repo.find_blob(e.id).map_err(|err| {
            self.object_read_failed.set(true);
            ReadFailure::Unreadable(format!(
                "its staged content cannot be read from the object database: {err}"
            ))
        })?;
        check_size(blob.data.len() as u64)?;
        Ok(blob.detach().data)
    }

    /// The clean work-tree copies are read on several threads (plain file
    /// reads, the bulk of a large repository's cost), then whatever they
    /// could not vouch for from the object database, on this thread (the
    /// repository handle is not shared across threads).
    fn read_many(&self, rel_paths: &[&str]) -> Vec<Result<Vec<u8>, ReadFailure>> {
        for p in rel_paths {
            self.note(|| Consultation::Read(p.to_string()));
        }
        if rel_paths.len() < crate::tree::PARALLEL_READ_MIN || !self.worktree_is_blob() {
            return rel_paths.iter().map(|p| self.read(p)).collect();
        }
        let Some(index_mtime) = self.index_mtime else {
            return rel_paths.iter().map(|p| self.read(p)).collect();
        };
        // what each entry's stat data says, copied so the threads need no repository
        let stats: Vec<Option<RecordedStat>> = rel_paths
            .iter()
            .map(|p| self.entry(p).map(RecordedStat::of))
            .collect();
        let jobs: Vec<(&str, Option<RecordedStat>)> =
            rel_paths.iter().copied().zip(stats).collect();
        let workdir = &self.workdir;
        let mut clean: Vec<Option<Vec<u8>>> = crate::tree::read_parallel(&jobs, |(path, stat)| {
            stat.as_ref()
                .and_then(|st| st.clean_bytes(&workdir.join(path), index_mtime))
        });
        // a reader that panicked: what it read is lost, the blobs say the rest
        if clean.len() != jobs.len() {
            clean = vec![None; jobs.len()];
        }
        jobs.iter()
            .zip(clean)
            .map(|((path, _), bytes)| match bytes {
                Some(b) => check_size(b.len() as u64).map(|_| b),
                None => self.read(path),
            })
            .collect()
    }

    fn exists(&self, rel_path: &str) -> bool {
        self.note(|| Consultation::Exists(rel_path.to_string()));
        self.entry(rel_path).is_some()
    }

    fn files_under(&self, rel_dir: &str, limit: usize) -> Vec<String> {
        self.note(|| Consultation::FilesUnder(rel_dir.to_string(), limit));
        self.files_under_unrecorded(rel_dir, limit)
    }

    fn list_dir(&self, rel_dir: &str) -> Vec<String> {
        self.note(|| Consultation::ListDir(rel_dir.to_string()));
        self.list_dir_unrecorded(rel_dir)
    }
}

impl StagedTree {
    fn files_under_unrecorded(&self, rel_dir: &str, limit: usize) -> Vec<String> {
        let Some(index) = &self.index else {
            return Vec::new();
        };
        let prefix = crate::paths::dir_prefix(rel_dir);
        // entries are sorted by path: the folder's files are one run of them
        let entries = index.entries();
        let first = entries.partition_point(|e| e.path(index) < prefix.as_bytes());
        entries[first..]
            .iter()
            .take_while(|e| e.path(index).starts_with(prefix.as_bytes()))
            .filter(|e| is_staged_file(e))
            .filter_map(|e| std::str::from_utf8(e.path(index)).ok())
            .filter(|p| !in_skipped_dir(p))
            .take(limit)
            .map(String::from)
            .collect()
    }

    fn list_dir_unrecorded(&self, rel_dir: &str) -> Vec<String> {
        let Some(index) = &self.index else {
            return Vec::new();
        };
        let prefix = if rel_dir.is_empty() {
            String::new()
        } else {
            format!("{rel_dir}/")
        };
        index
            .entries()
            .iter()
            .filter(|e| is_staged_file(e))
            .filter_map(|e| std::str::from_utf8(e.path(index)).ok())
            .filter(|p| p.starts_with(&prefix) && !p[prefix.len()..].contains('/'))
            .map(String::from)
            .collect()
    }
}
