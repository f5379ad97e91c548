//! Where file contents come from (the working tree or the git index), and
//! reading them: size limit, decoding, and the files a pipeline includes by a
//! name no listing can know.

use std::path::Path;

use crate::discover;
use crate::model::Unreadable;
use crate::source::{FileId, SourceFile, SourceKind};

/// Files larger than this are not read (TG002): no configuration file is this
/// big, and a hostile one must not cost memory.
pub const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// One question a lint asks of a tree. A result cache stores each question
/// with the answer the tree gave, and replays the result only while every
/// question still gets the same answer: what decides the result is the
/// candidates and these answers, nothing else.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Consultation {
    Read(String),
    Exists(String),
    ListDir(String),
    FilesUnder(String, usize),
    NestedRepository(String),
}

/// Where files come from: the working tree, or the git index (`--staged`).
pub trait Tree {
    /// The bytes of a file (relative path), within [`MAX_FILE_SIZE`].
    fn read(&self, rel_path: &str) -> Result<Vec<u8>, ReadFailure>;
    /// Whether a file exists.
    fn exists(&self, rel_path: &str) -> bool;
    /// The files directly inside a folder (relative paths), for include globs.
    fn list_dir(&self, rel_dir: &str) -> Vec<String>;
    /// The files anywhere below a folder (relative paths, sorted), at most
    /// `limit` of them; dependency folders are not entered.
    fn files_under(&self, rel_dir: &str, limit: usize) -> Vec<String>;
    /// Several files at once, in order: a tree that can read in parallel
    /// does (a monorepo's hundreds of small configuration files cost more in
    /// per-file overhead — a syscall, a blob lookup and inflate — than in bytes).
    fn read_many(&self, rel_paths: &[&str]) -> Vec<Result<Vec<u8>, ReadFailure>> {
        rel_paths.iter().map(|p| self.read(p)).collect()
    }
    /// Whether a folder inside the tree is the root of a git repository of
    /// its own (it holds `.git`). An index never lists another repository's
    /// files, so a staged tree has none.
    fn is_nested_repository(&self, _rel_dir: &str) -> bool {
        false
    }
}

/// Files below this count are read one after the other: spawning threads
/// costs more than it saves.
pub const PARALLEL_READ_MIN: usize = 64;

/// Runs `read` over `paths` (or any items), in order: on several threads
/// from [`PARALLEL_READ_MIN`] items on ([`crate::parallel::map`]). When a
/// reader panicked the result is shorter than `paths`.
pub fn read_parallel<I: Sync, T: Send>(paths: &[I], read: impl Fn(&I) -> T + Sync) -> Vec<T> {
    if paths.len() < PARALLEL_READ_MIN {
        return paths.iter().map(read).collect();
    }
    crate::parallel::map(paths, read)
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadFailure {
    /// It is gone (deleted since it was listed): skipped quietly.
    Gone,
    /// It cannot be read; the reason is reported (TG002).
    Unreadable(String),
}

/// The working tree under a folder.
pub struct WorkTree<'a> {
    pub root: &'a Path,
    /// What the lint asked, while recording (the work-tree result cache).
    consulted: Option<std::sync::Mutex<Vec<Consultation>>>,
}

impl<'a> WorkTree<'a> {
    pub fn new(root: &'a Path) -> Self {
        WorkTree {
            root,
            consulted: None,
        }
    }

    /// A tree that remembers every question asked of it.
    pub fn recording(root: &'a Path) -> Self {
        WorkTree {
            root,
            consulted: Some(std::sync::Mutex::new(Vec::new())),
        }
    }

    fn note(&self, c: impl FnOnce() -> Consultation) {
        if let Some(log) = &self.consulted
            && let Ok(mut log) = log.lock()
        {
            log.push(c());
        }
    }

    /// What was asked, each once, with the answer the tree gives now;
    /// `None` when not recording, or when an answer cannot vouch for what
    /// was read (a file changed too recently for its times to tell a later
    /// change apart, see [`WorkTree::answer`]).
    pub fn consultations(
        &self,
        started: std::time::SystemTime,
    ) -> Option<Vec<(Consultation, String)>> {
        let mut asked = self.consulted.as_ref()?.lock().ok()?.clone();
        asked.sort();
        asked.dedup();
        let mut out = Vec::with_capacity(asked.len());
        for c in asked {
            if let Consultation::Read(path) = &c
                && is_racy(&self.root.join(path), started)
            {
                return None;
            }
            let answer = self.answer(&c);
            out.push((c, answer));
        }
        Some(out)
    }

    /// The answer the work tree gives now. A file's content is vouched for
    /// by its stat data, as git's index does: size, modification and change
    /// times to the nanosecond, inode and device. A content change that
    /// keeps all of them is only possible within the timestamp granularity
    /// of the moment the answer was recorded; [`WorkTree::consultations`]
    /// stores nothing for a file changed that recently.
    pub fn answer(&self, c: &Consultation) -> String {
        match c {
            Consultation::Read(path) => stat_fingerprint(&self.root.join(path)),
            Consultation::Exists(path) => self.exists_unrecorded(path).to_string(),
            Consultation::ListDir(dir) => self.list_dir_unrecorded(dir).join("\n"),
            Consultation::FilesUnder(dir, limit) => {
                self.files_under_unrecorded(dir, *limit).join("\n")
            }
            Consultation::NestedRepository(dir) => self.is_nested_unrecorded(dir).to_string(),
        }
    }
}

/// A file's stat data as one string: size, modification and change times
/// (nanoseconds), inode, device; `gone` when there is no file.
fn stat_fingerprint(path: &Path) -> String {
    let Ok(meta) = std::fs::metadata(path) else {
        return "gone".to_string();
    };
    if !meta.is_file() {
        return "not a file".to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        format!(
            "{} {}.{} {}.{} {} {}",
            meta.len(),
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec(),
            meta.ino(),
            meta.dev()
        )
    }
    #[cfg(not(unix))]
    {
        let nanos = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos())
        };
        format!(
            "{} {} {}",
            meta.len(),
            nanos(meta.modified()),
            nanos(meta.created())
        )
    }
}

/// How close to the start of a lint a file's times must be for its stat
/// data not to vouch for its content: a file rewritten within the clock's
/// granularity (a jiffy on Linux, two seconds on FAT) of the moment it was
/// read can keep the same times. Generous on purpose: a miss costs one lint.
const RACY_WINDOW: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether a file changed (or its inode did) so close to `started` that its
/// stat data cannot vouch for the bytes the lint read.
fn is_racy(path: &Path, started: std::time::SystemTime) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let limit = started
        .checked_sub(RACY_WINDOW)
        .unwrap_or(std::time::UNIX_EPOCH);
    let recent = |t: Option<std::time::SystemTime>| t.is_none_or(|t| t >= limit);
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        u64::try_from(meta.ctime()).ok().map(|secs| {
            std::time::UNIX_EPOCH
                + std::time::Duration::new(secs, u32::try_from(meta.ctime_nsec()).unwrap_or(0))
        })
    };
    #[cfg(not(unix))]
    let changed = meta.modified().ok();
    recent(meta.modified().ok()) || recent(changed)
}

impl Tree for WorkTree<'_> {
    fn read_many(&self, rel_paths: &[&str]) -> Vec<Result<Vec<u8>, ReadFailure>> {
        for p in rel_paths {
            self.note(|| Consultation::Read(p.to_string()));
        }
        let out = read_parallel(rel_paths, |p| self.read_unrecorded(p));
        if out.len() == rel_paths.len() {
            out
        } else {
            rel_paths.iter().map(|p| self.read_unrecorded(p)).collect()
        }
    }

    fn read(&self, rel_path: &str) -> Result<Vec<u8>, ReadFailure> {
        self.note(|| Consultation::Read(rel_path.to_string()));
        self.read_unrecorded(rel_path)
    }

    fn exists(&self, rel_path: &str) -> bool {
        self.note(|| Consultation::Exists(rel_path.to_string()));
        self.exists_unrecorded(rel_path)
    }

    fn is_nested_repository(&self, rel_dir: &str) -> bool {
        self.note(|| Consultation::NestedRepository(rel_dir.to_string()));
        self.is_nested_unrecorded(rel_dir)
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

impl WorkTree<'_> {
    fn read_unrecorded(&self, rel_path: &str) -> Result<Vec<u8>, ReadFailure> {
        use std::io::Read;
        let path = self.root.join(rel_path);
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadFailure::Gone),
            Err(e) => return Err(ReadFailure::Unreadable(io_reason(&e))),
        };
        let meta = file
            .metadata()
            .map_err(|e| ReadFailure::Unreadable(io_reason(&e)))?;
        if !meta.is_file() {
            return Err(ReadFailure::Gone);
        }
        check_size(meta.len())?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(MAX_FILE_SIZE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ReadFailure::Unreadable(io_reason(&e)))?;
        check_size(bytes.len() as u64)?;
        Ok(bytes)
    }

    fn exists_unrecorded(&self, rel_path: &str) -> bool {
        self.root.join(rel_path).is_file()
    }

    fn is_nested_unrecorded(&self, rel_dir: &str) -> bool {
        // a folder (a clone) or a file (a submodule's or worktree's `gitdir:`)
        std::fs::symlink_metadata(self.root.join(rel_dir).join(".git")).is_ok()
    }

    fn files_under_unrecorded(&self, rel_dir: &str, limit: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![rel_dir.to_string()];
        while let Some(dir) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(self.root.join(&dir)) else {
                continue;
            };
            for e in rd.flatten() {
                let Some(name) = e.file_name().to_str().map(String::from) else {
                    continue;
                };
                let rel = format!("{}{name}", dir_prefix(&dir));
                // never through a link: a loop, or a folder outside the repository
                match e.file_type() {
                    Ok(t) if t.is_dir() && !discover::SKIPPED_DIRS.contains(&name.as_str()) => {
                        stack.push(rel)
                    }
                    Ok(t) if t.is_file() => out.push(rel),
                    _ => {}
                }
            }
            if out.len() >= limit {
                break;
            }
        }
        out.sort();
        out.truncate(limit);
        out
    }

    fn list_dir_unrecorded(&self, rel_dir: &str) -> Vec<String> {
        std::fs::read_dir(self.root.join(rel_dir))
            .map(|rd| {
                rd.flatten()
                    .filter_map(|e| {
                        e.file_name().to_str().map(|n| {
                            if rel_dir.is_empty() {
                                n.to_string()
                            } else {
                                format!("{rel_dir}/{n}")
                            }
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub use crate::paths::dir_prefix;

pub fn check_size(len: u64) -> Result<(), ReadFailure> {
    if len > MAX_FILE_SIZE {
        return Err(ReadFailure::Unreadable(format!(
            "it is {len} bytes, over the {} MiB limit for a configuration file",
            MAX_FILE_SIZE / (1024 * 1024)
        )));
    }
    Ok(())
}

/// Reads candidates; a file that cannot be read becomes an [`Unreadable`]
/// (TG002), a file that vanished since it was listed is skipped.
pub fn read_files(
    tree: &dyn Tree,
    candidates: Vec<discover::Candidate>,
) -> (Vec<SourceFile>, Vec<Unreadable>) {
    let mut files = Vec::with_capacity(candidates.len());
    let mut unreadable = Vec::new();
    let wanted: Vec<&str> = candidates
        .iter()
        .filter(|c| {
            c.kind
                .needs_text(c.rel_path.rsplit('/').next().unwrap_or(""))
        })
        .map(|c| c.rel_path.as_str())
        .collect();
    let mut contents = tree.read_many(&wanted).into_iter();
    for c in candidates {
        let name = c.rel_path.rsplit('/').next().unwrap_or("");
        if !c.kind.needs_text(name) {
            files.push(SourceFile::new(c.rel_path, c.kind, String::new()));
            continue;
        }
        let read = contents
            .next()
            .unwrap_or_else(|| Err(ReadFailure::Unreadable("it could not be read".into())));
        match read.and_then(|bytes| decode_as(&c.rel_path, bytes)) {
            Ok(text) => files.push(SourceFile::new(c.rel_path, c.kind, text)),
            Err(ReadFailure::Gone) => {}
            Err(ReadFailure::Unreadable(reason)) => {
                let id = FileId(files.len());
                files.push(SourceFile::new(c.rel_path, c.kind, String::new()));
                // context files that cannot be read are simply not context
                if c.kind.is_config() {
                    unreadable.push(Unreadable { file: id, reason });
                }
            }
        }
    }
    (files, unreadable)
}

/// Text from bytes: UTF-8 only (a UTF-16 file is named as such).
/// Text from a file's bytes as the tool that reads it decodes them: a Java
/// `.properties` file is ISO-8859-1 (`java.util.Properties.load(InputStream)`,
/// and Spring Boot's properties loader reads it with that charset), so a
/// Latin-1 `é` is a character, not an error. Every byte is one character
/// there, so lines and columns stay the file's. Other files are [`decode`]d.
fn decode_as(rel_path: &str, bytes: Vec<u8>) -> Result<String, ReadFailure> {
    if rel_path.ends_with(".properties") && std::str::from_utf8(&bytes).is_err() {
        return Ok(bytes.iter().map(|&b| char::from(b)).collect());
    }
    decode(bytes)
}

fn decode(bytes: Vec<u8>) -> Result<String, ReadFailure> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(ReadFailure::Unreadable(
            "it is UTF-16 encoded; save it as UTF-8".into(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        ReadFailure::Unreadable(format!(
            "it is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Test files read per project at most, and the largest one read: the scan
/// for destructive evidence is bounded, whatever the size of the suite.
pub const MAX_TEST_FILES_PER_PROJECT: usize = 400;
/// Files listed under a project's `tests/` at most (of any kind).
pub const MAX_TEST_LISTING: usize = 2000;
pub const MAX_TEST_FILE_SIZE: usize = 256 * 1024;

/// Reads each of `paths` that exists and is not read yet, as a file of
/// `kind`: in order, skipping a file larger than `limit(path)` bytes or not
/// UTF-8 (such a file is context the model does without, not an error).
pub fn read_named(
    tree: &dyn Tree,
    files: &mut Vec<SourceFile>,
    paths: Vec<String>,
    kind: SourceKind,
    limit: impl Fn(&str) -> usize,
) {
    for path in paths {
        if files.iter().any(|f| f.path == path) || !tree.exists(&path) {
            continue;
        }
        if let Ok(Ok(text)) = tree.read(&path).map(String::from_utf8)
            && text.len() <= limit(&path)
        {
            files.push(SourceFile::new(path, kind, text));
        }
    }
}
