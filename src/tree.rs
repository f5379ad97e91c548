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
}

impl Tree for WorkTree<'_> {
    fn read_many(&self, rel_paths: &[&str]) -> Vec<Result<Vec<u8>, ReadFailure>> {
        let out = read_parallel(rel_paths, |p| self.read(p));
        if out.len() == rel_paths.len() {
            out
        } else {
            rel_paths.iter().map(|p| self.read(p)).collect()
        }
    }

    fn read(&self, rel_path: &str) -> Result<Vec<u8>, ReadFailure> {
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

    fn exists(&self, rel_path: &str) -> bool {
        self.root.join(rel_path).is_file()
    }

    fn is_nested_repository(&self, rel_dir: &str) -> bool {
        // a folder (a clone) or a file (a submodule's or worktree's `gitdir:`)
        std::fs::symlink_metadata(self.root.join(rel_dir).join(".git")).is_ok()
    }

    fn files_under(&self, rel_dir: &str, limit: usize) -> Vec<String> {
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

    fn list_dir(&self, rel_dir: &str) -> Vec<String> {
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
