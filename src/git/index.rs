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
    /// The staged files, sorted by path; paths are looked up by binary search.
    index: Entries,
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

pub use crate::tree::Consultation;

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

/// The staged files of the index (regular files at stage 0, not
/// `git add -N`), sorted by path.
enum Entries {
    /// No index file: nothing was ever added.
    Empty,
    /// Streamed once (see [`super::index_names`]), then read back in blocks.
    Sparse(Sparse),
    /// Decoded whole by gix: a split index, a version 4 index (whose names
    /// depend on the entry before), a SHA-256 repository, or a file the
    /// stream does not read (gix then says what is wrong with it).
    /// Boxed: the decoded index is large and this is the rare path.
    Decoded(Box<gix::index::File>),
}

/// How many staged entries one block holds: a lookup reads one block
/// (a few kilobytes) from the file.
const BLOCK: usize = 32;

/// How many blocks are kept once read (a few hundred kilobytes at most).
const CACHED_BLOCKS: usize = 128;

/// What a block says of one staged file.
struct IndexEntryAt {
    id: [u8; 20],
    stat: RecordedStat,
}

/// A version 2 or 3 index, streamed once and kept as little as a lint needs:
/// where each staged entry starts in the file, the path of the first entry
/// of every block, the candidates and the `.gitattributes` files. A lookup
/// or a folder listing reads the blocks it needs from the open file (git
/// replaces the index by renaming a new file over it, so the open file
/// keeps the index this lint started with). On a 100,000-entry index this
/// holds half a megabyte, where gix's whole decode held the file, every
/// entry and every path (peak 28.5 MiB for `lint --staged`).
struct Sparse {
    file: std::fs::File,
    version: u32,
    offsets: Vec<u64>,
    entries_end: u64,
    /// The path of staged entry `k * BLOCK`, for each block `k`.
    firsts: Vec<Box<[u8]>>,
    candidates: Vec<Candidate>,
    attributes: Vec<String>,
    /// The file no longer held a block it held when streamed.
    lost: std::cell::Cell<bool>,
    /// The bytes of the blocks read last, by block.
    blocks: std::cell::RefCell<std::collections::HashMap<usize, Box<[u8]>>>,
}

impl Sparse {
    /// The index file at `path` streamed, or `None` when only gix can read
    /// it (or it is not there).
    fn read(path: &Path) -> Option<Sparse> {
        let file = std::fs::File::open(path).ok()?;
        let mut offsets = Vec::new();
        let mut firsts = Vec::new();
        let mut candidates = Vec::new();
        let mut attributes = Vec::new();
        let layout = super::index_names::for_each_file(&file, |f| {
            if offsets.len() % BLOCK == 0 {
                firsts.push(f.path.into());
            }
            offsets.push(f.offset);
            candidates.extend(candidate_of(f.path));
            if (f.path == b".gitattributes" || f.path.ends_with(b"/.gitattributes"))
                && let Ok(p) = std::str::from_utf8(f.path)
            {
                attributes.push(p.to_string());
            }
        })
        .ok()?;
        if layout.version > 3 {
            return None;
        }
        Some(Sparse {
            file,
            version: layout.version,
            offsets,
            entries_end: layout.entries_end,
            firsts,
            candidates,
            attributes,
            lost: std::cell::Cell::new(false),
            blocks: std::cell::RefCell::new(std::collections::HashMap::new()),
        })
    }

    /// Calls `each` with the staged files of block `k`, in order, until it
    /// says to stop; `None` when the file no longer holds the block (it was
    /// truncated in place). The blocks read last are kept (a lint asks
    /// about neighbouring paths one after the other), a bounded number.
    fn block(&self, k: usize, mut each: impl FnMut(&[u8], &IndexEntryAt) -> bool) -> Option<()> {
        let mut cache = self.blocks.borrow_mut();
        if !cache.contains_key(&k) {
            let start = *self.offsets.get(k * BLOCK)?;
            let end = self
                .offsets
                .get((k + 1) * BLOCK)
                .copied()
                .unwrap_or(self.entries_end);
            let mut bytes = vec![0; usize::try_from(end.checked_sub(start)?).ok()?];
            read_exact_at(&self.file, &mut bytes, start)?;
            if cache.len() >= CACHED_BLOCKS {
                cache.clear();
            }
            cache.insert(k, bytes.into_boxed_slice());
        }
        let bytes = cache.get(&k)?;
        let start = *self.offsets.get(k * BLOCK)?;
        let mut going = true;
        super::index_names::for_each_file_in(bytes, self.version, start, |f| {
            if going {
                going = each(
                    f.path,
                    &IndexEntryAt {
                        id: f.id,
                        stat: RecordedStat {
                            size: f.size,
                            mtime: f.mtime,
                            ino: f.ino,
                        },
                    },
                );
            }
        })
        .ok()
    }

    /// The block a path at or after `path` starts being looked for in.
    fn block_of(&self, path: &[u8]) -> usize {
        self.firsts
            .partition_point(|first| &**first <= path)
            .saturating_sub(1)
    }
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> Option<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset).ok()
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> Option<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        let n = file
            .seek_read(&mut buf[done..], offset + done as u64)
            .ok()?;
        if n == 0 {
            return None;
        }
        done += n;
    }
    Some(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(_file: &std::fs::File, _buf: &mut [u8], _offset: u64) -> Option<()> {
    None
}

/// A staged file: its object id and the stat data of its work-tree copy.
struct Staged {
    id: gix::ObjectId,
    stat: RecordedStat,
}

impl Entries {
    fn get(&self, rel_path: &str) -> Option<Staged> {
        match self {
            Entries::Empty => None,
            Entries::Sparse(sparse) => {
                let path = rel_path.as_bytes();
                let mut found = None;
                let read = sparse.block(sparse.block_of(path), |p, e| {
                    if p == path {
                        found = Some((e.id, e.stat));
                    }
                    found.is_none() && p < path
                });
                if read.is_none() {
                    self.lost();
                    return None;
                }
                let (id, stat) = found?;
                Some(Staged {
                    id: gix::ObjectId::try_from(&id[..]).ok()?,
                    stat,
                })
            }
            Entries::Decoded(index) => index
                .entry_by_path_and_stage(rel_path.as_bytes().into(), Stage::Unconflicted)
                .filter(|e| is_staged_file(e))
                .map(|e| Staged {
                    id: e.id,
                    stat: RecordedStat::of(e),
                }),
        }
    }

    /// The staged paths that start with `prefix`, in order, while `more`
    /// says to go on.
    fn under(&self, prefix: &[u8], mut more: impl FnMut(&[u8]) -> bool) {
        match self {
            Entries::Empty => {}
            Entries::Sparse(sparse) => {
                let mut done = false;
                for k in sparse.block_of(prefix)..sparse.firsts.len() {
                    let read = sparse.block(k, |path, _| {
                        if path < prefix {
                            return true;
                        }
                        done = !path.starts_with(prefix) || !more(path);
                        !done
                    });
                    if read.is_none() {
                        self.lost();
                        return;
                    }
                    if done {
                        return;
                    }
                }
            }
            Entries::Decoded(index) => {
                let entries = index.entries();
                let first = entries.partition_point(|e| e.path(index) < prefix);
                for e in &entries[first..] {
                    let path = e.path(index);
                    if !path.starts_with(prefix) {
                        return;
                    }
                    if is_staged_file(e) && !more(path) {
                        return;
                    }
                }
            }
        }
    }

    /// An index file changed in place under the lint (git never does
    /// that): what it said before cannot be read again, and the result
    /// depends on more than the index (it is not cached).
    fn lost(&self) {
        if let Entries::Sparse(sparse) = self {
            sparse.lost.set(true);
        }
    }

    fn was_lost(&self) -> bool {
        matches!(self, Entries::Sparse(sparse) if sparse.lost.get())
    }

    fn candidates(&self) -> Vec<Candidate> {
        match self {
            Entries::Empty => Vec::new(),
            Entries::Sparse(sparse) => sparse.candidates.clone(),
            Entries::Decoded(index) => index
                .entries()
                .iter()
                .filter(|e| is_staged_file(e))
                .filter_map(|e| candidate_of(e.path(index).as_ref()))
                .collect(),
        }
    }

    /// The `.gitattributes` files staged anywhere.
    fn attributes(&self) -> Vec<String> {
        match self {
            Entries::Empty => Vec::new(),
            Entries::Sparse(sparse) => sparse.attributes.clone(),
            Entries::Decoded(index) => index
                .entries()
                .iter()
                .filter(|e| is_staged_file(e))
                .map(|e| e.path(index))
                .filter(|p| *p == b".gitattributes" || p.ends_with(b"/.gitattributes"))
                .filter_map(|p| std::str::from_utf8(p).ok().map(String::from))
                .collect(),
        }
    }
}

impl StagedTree {
    pub fn open(start: &Path) -> Result<StagedTree, RunError> {
        Self::of(super::discover(start)?)
    }

    /// The index of a repository already discovered.
    pub fn of(repo: gix::Repository) -> Result<StagedTree, RunError> {
        let workdir = super::workdir(&repo)?;
        // a repository where nothing was ever added has no index file yet
        let streamed = (repo.object_hash() == gix::hash::Kind::Sha1)
            .then(|| Sparse::read(&repo.index_path()))
            .flatten();
        let index = if let Some(sparse) = streamed {
            Entries::Sparse(sparse)
        } else if repo.index_path().exists() {
            Entries::Decoded(Box::new(open_index(&repo).map_err(|e| {
                RunError(format!(
                    "cannot read the git index {}: {e}",
                    repo.index_path().display()
                ))
            })?))
        } else {
            Entries::Empty
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
        if self.object_read_failed.get() || self.index.was_lost() {
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
            // an index lists no other repository's files
            Consultation::NestedRepository(_) => false.to_string(),
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
            // every `.gitattributes` in the index (symfony/symfony has 183),
            // its work-tree copy when clean (a conversion cannot add or
            // remove an attribute's name), read on several threads
            let names = self.index.attributes();
            let mut attributes = Vec::new();
            for rel in &names {
                let Some(e) = self.index.get(rel) else {
                    return false;
                };
                attributes.push((rel.as_str(), e.stat, e.id));
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
    fn clean_worktree_bytes(&self, rel_path: &str, e: &Staged) -> Option<Vec<u8>> {
        let data = self.stat_clean_bytes(rel_path, e)?;
        self.worktree_is_blob().then_some(data)
    }

    /// The work-tree file's bytes when git would call it clean (stat data as
    /// recorded, not racily so), whatever conversion it went through.
    fn stat_clean_bytes(&self, rel_path: &str, e: &Staged) -> Option<Vec<u8>> {
        e.stat
            .clean_bytes(&self.workdir.join(rel_path), self.index_mtime?)
    }

    /// The work tree root: paths in every output are relative to it.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    fn entry(&self, rel_path: &str) -> Option<Staged> {
        self.index.get(rel_path)
    }

    /// Index entries whose name makes them candidates: only these
    /// are turned into strings.
    pub fn candidates(&self) -> Vec<Candidate> {
        self.index.candidates()
    }
}

/// The candidate an index path is, if its name makes it one.
pub fn candidate_of(path: &[u8]) -> Option<Candidate> {
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
    if repo.object_hash() != gix::hash::Kind::Sha1 {
        return StagedTree::of(repo).ok().map(|s| (workdir, s.candidates()));
    }
    match super::index_names::for_each_file(file, |f| found.extend(candidate_of(f.path))) {
        Ok(_) => Some((workdir, found)),
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
        if let Some(data) = self.clean_worktree_bytes(rel_path, &e) {
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
            .map(|p| self.entry(p).map(|e| e.stat))
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
        let prefix = crate::paths::dir_prefix(rel_dir);
        let mut out = Vec::new();
        if limit == 0 {
            return out;
        }
        self.index.under(prefix.as_bytes(), |path| {
            if let Ok(p) = std::str::from_utf8(path)
                && !in_skipped_dir(p)
            {
                out.push(p.to_string());
            }
            out.len() < limit
        });
        out
    }

    fn list_dir_unrecorded(&self, rel_dir: &str) -> Vec<String> {
        let prefix = crate::paths::dir_prefix(rel_dir);
        let mut out = Vec::new();
        self.index.under(prefix.as_bytes(), |path| {
            if let Ok(p) = std::str::from_utf8(path)
                && !p[prefix.len()..].contains('/')
            {
                out.push(p.to_string());
            }
            true
        });
        out
    }
}
