//! The names of the regular files the git index tracks, read as a stream.
//!
//! `lint` on a work tree only needs the tracked candidates its gitignore-aware
//! walk skipped (a committed file that `.gitignore` also matches). Decoding the
//! index with gix keeps every entry in memory: on a 100,000-entry index that
//! is 12.5 MB of entries and path bytes on top of the 10.7 MB file, most of a
//! lint's peak memory, for names of which a few hundred are kept. This reader
//! goes through the file once with a small buffer and hands each name to a
//! filter; nothing else is allocated. Formats 2, 3 and 4 are read
//! (`Documentation/gitformat-index.txt`); the extensions after the entries
//! are not needed, except that a split index (`link`) keeps part of its
//! entries in another file, so the caller falls back to gix there.

use std::io::{BufRead, BufReader, Read};

/// Why the stream could not be read to its end: the caller falls back to the
/// full decoder (which reports what is wrong with the file, if anything).
#[derive(Debug, PartialEq, Eq)]
pub enum NotStreamed {
    /// Not an index this reader knows (signature, version, truncated entry).
    Format,
    /// A split index: the entries are partly in `sharedindex.<id>`.
    Split,
    Io,
}

const MODE_FILE: u32 = 0o100644;
const MODE_EXECUTABLE: u32 = 0o100755;
const EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;
/// Regular, executable, symlink, gitlink, and a sparse index's directory.
const CANONICAL_MODES: [u32; 5] = [MODE_FILE, MODE_EXECUTABLE, 0o120000, 0o160000, 0o040000];
const STAGE_MASK: u16 = 0x3000;
const INTENT_TO_ADD: u16 = 0x2000;
/// ctime, mtime, dev, ino, mode, uid, gid, size, object id (SHA-1), flags.
const FIXED: usize = 8 + 8 + 4 * 6 + 20 + 2;

/// One staged file as the index records it: its path, object id (SHA-1)
/// and the stat data git compares to call the work-tree copy clean.
pub struct IndexFile<'a> {
    pub path: &'a [u8],
    pub id: [u8; 20],
    pub size: u32,
    pub mtime: (u32, u32),
    pub ino: u32,
    /// Where the entry starts in the index file.
    pub offset: u64,
}

/// What the stream learnt of the file besides its entries.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct Layout {
    pub version: u32,
    /// Where the entries end (the extensions start).
    pub entries_end: u64,
}

/// Calls `keep` with every regular file at stage 0 the index lists that is
/// really staged (not `git add -N`), in index order (sorted by path). The
/// index must be a SHA-1 repository's: object ids are read as 20 bytes.
pub fn for_each_file(
    reader: impl Read,
    mut keep: impl FnMut(IndexFile<'_>),
) -> Result<Layout, NotStreamed> {
    let mut input = BufReader::with_capacity(64 * 1024, reader);
    let mut header = [0u8; 12];
    input
        .read_exact(&mut header)
        .map_err(|_| NotStreamed::Format)?;
    if &header[..4] != b"DIRC" {
        return Err(NotStreamed::Format);
    }
    let version = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    if !(2..=4).contains(&version) {
        return Err(NotStreamed::Format);
    }
    let count = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    let mut entries = Entries::new(version, 12);
    for _ in 0..count {
        entries.next(&mut input, &mut keep)?;
    }
    let layout = Layout {
        version,
        entries_end: entries.offset,
    };
    // the extensions: only a split index changes what the entries mean
    loop {
        let mut signature = [0u8; 8];
        match input.read_exact(&mut signature) {
            Ok(()) => {}
            // the trailing checksum (20 bytes) is shorter than a header
            Err(_) => return Ok(layout),
        }
        if &signature[..4] == b"link" {
            return Err(NotStreamed::Split);
        }
        // optional extensions are upper case, required ones (`link`,
        // `sdir`) lower case
        if !signature[..4].iter().all(|b| b.is_ascii_alphabetic()) {
            // not an extension: the checksum and what follows it
            return Ok(layout);
        }
        let size = u32::from_be_bytes([signature[4], signature[5], signature[6], signature[7]]);
        let skipped = std::io::copy(
            &mut (&mut input).take(u64::from(size)),
            &mut std::io::sink(),
        )
        .map_err(|_| NotStreamed::Io)?;
        if skipped != u64::from(size) {
            return Err(NotStreamed::Format);
        }
    }
}

/// The staged files among the entries of a slice of a version 2 or 3 index
/// file that starts at an entry (`offset`, where it starts in the file)
/// and ends at one. Version 4 names depend on the entry before the slice.
pub fn for_each_file_in(
    bytes: &[u8],
    version: u32,
    offset: u64,
    mut keep: impl FnMut(IndexFile<'_>),
) -> Result<(), NotStreamed> {
    if !(2..=3).contains(&version) {
        return Err(NotStreamed::Format);
    }
    let mut input = bytes;
    let mut entries = Entries::new(version, offset);
    while !input.is_empty() {
        entries.next(&mut input, &mut keep)?;
    }
    Ok(())
}

/// Reads entries one after the other.
struct Entries {
    version: u32,
    /// Where the next entry starts in the file.
    offset: u64,
    path: Vec<u8>,
    suffix: Vec<u8>,
}

impl Entries {
    fn new(version: u32, offset: u64) -> Self {
        Entries {
            version,
            offset,
            path: Vec::with_capacity(256),
            suffix: Vec::with_capacity(256),
        }
    }

    fn next(
        &mut self,
        input: &mut impl BufRead,
        keep: &mut impl FnMut(IndexFile<'_>),
    ) -> Result<(), NotStreamed> {
        let mut fixed = [0u8; FIXED];
        input
            .read_exact(&mut fixed)
            .map_err(|_| NotStreamed::Format)?;
        let start = self.offset;
        let mode = u32::from_be_bytes([fixed[24], fixed[25], fixed[26], fixed[27]]);
        let flags = u16::from_be_bytes([fixed[FIXED - 2], fixed[FIXED - 1]]);
        let mut extended = 0u16;
        let mut consumed = FIXED;
        if flags & EXTENDED != 0 {
            if self.version < 3 {
                return Err(NotStreamed::Format);
            }
            let mut ext = [0u8; 2];
            input
                .read_exact(&mut ext)
                .map_err(|_| NotStreamed::Format)?;
            extended = u16::from_be_bytes(ext);
            consumed += 2;
        }
        if self.version == 4 {
            // the name is the previous one less its last N bytes, plus a suffix
            let (strip, offset_len) = read_offset(input)?;
            let keep_len = self
                .path
                .len()
                .checked_sub(strip)
                .ok_or(NotStreamed::Format)?;
            self.path.truncate(keep_len);
            self.suffix.clear();
            read_name(input, &mut self.suffix)?;
            self.path.extend_from_slice(&self.suffix);
            consumed += offset_len + self.suffix.len() + 1;
        } else {
            // the flags hold the name's length; git writes 0xFFF for a name
            // of 4095 bytes or more (beyond PATH_MAX): left to gix
            let len = usize::from(flags & NAME_MASK);
            if len == usize::from(NAME_MASK) {
                return Err(NotStreamed::Format);
            }
            self.path.resize(len, 0);
            input
                .read_exact(&mut self.path)
                .map_err(|_| NotStreamed::Format)?;
            // then 1 to 8 NUL bytes, to a multiple of 8 from the entry's start
            let unpadded = consumed + len;
            let mut pad = [0u8; 8];
            let rest = ((unpadded + 8) & !7) - unpadded;
            input
                .read_exact(&mut pad[..rest])
                .map_err(|_| NotStreamed::Format)?;
            consumed = unpadded + rest;
        }
        self.offset += consumed as u64;
        if !CANONICAL_MODES.contains(&mode) {
            // git writes no other mode; gix decides what this file means
            return Err(NotStreamed::Format);
        }
        let staged = (mode == MODE_FILE || mode == MODE_EXECUTABLE)
            && flags & STAGE_MASK == 0
            && extended & INTENT_TO_ADD == 0;
        if staged {
            let word = |at: usize| {
                u32::from_be_bytes([fixed[at], fixed[at + 1], fixed[at + 2], fixed[at + 3]])
            };
            let mut id = [0u8; 20];
            id.copy_from_slice(&fixed[40..60]);
            keep(IndexFile {
                path: &self.path,
                id,
                size: word(36),
                mtime: (word(8), word(12)),
                ino: word(20),
                offset: start,
            });
        }
        Ok(())
    }
}

/// A NUL-terminated name, without its NUL.
fn read_name(input: &mut impl BufRead, into: &mut Vec<u8>) -> Result<(), NotStreamed> {
    // a name is at most PATH_MAX in practice; a file that runs on without a
    // NUL is not an index
    let read = input
        .by_ref()
        .take(64 * 1024)
        .read_until(0, into)
        .map_err(|_| NotStreamed::Io)?;
    if read == 0 || into.last() != Some(&0) {
        return Err(NotStreamed::Format);
    }
    into.pop();
    Ok(())
}

/// Git's variable-length offset (`decode_varint`): each continuation adds one
/// before shifting, so every value has a single encoding. With the number of
/// bytes it took.
fn read_offset(input: &mut impl Read) -> Result<(usize, usize), NotStreamed> {
    let mut byte = [0u8; 1];
    input
        .read_exact(&mut byte)
        .map_err(|_| NotStreamed::Format)?;
    let mut value = usize::from(byte[0] & 0x7f);
    let mut read = 1;
    while byte[0] & 0x80 != 0 {
        input
            .read_exact(&mut byte)
            .map_err(|_| NotStreamed::Format)?;
        read += 1;
        value = value
            .checked_add(1)
            .and_then(|v| v.checked_mul(128))
            .and_then(|v| v.checked_add(usize::from(byte[0] & 0x7f)))
            .ok_or(NotStreamed::Format)?;
    }
    Ok((value, read))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(bytes: &[u8]) -> Result<Vec<String>, NotStreamed> {
        let mut out = Vec::new();
        for_each_file(bytes, |f| {
            out.push(String::from_utf8_lossy(f.path).into_owned())
        })?;
        Ok(out)
    }

    fn entry_v2(path: &str, mode: u32, flags_extra: u16) -> Vec<u8> {
        let mut e = vec![0u8; 24];
        e.extend_from_slice(&mode.to_be_bytes());
        e.extend_from_slice(&[0u8; 12]);
        e.extend_from_slice(&[0u8; 20]);
        let flags = (path.len() as u16).min(0xfff) | flags_extra;
        e.extend_from_slice(&flags.to_be_bytes());
        e.extend_from_slice(path.as_bytes());
        let padded = (FIXED + path.len() + 8) & !7;
        e.resize(padded, 0);
        e
    }

    fn index(version: u32, entries: &[Vec<u8>]) -> Vec<u8> {
        let mut f = b"DIRC".to_vec();
        f.extend_from_slice(&version.to_be_bytes());
        f.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for e in entries {
            f.extend_from_slice(e);
        }
        f.extend_from_slice(&[0xab; 20]);
        f
    }

    #[test]
    fn regular_files_at_stage_zero_only() {
        let f = index(
            2,
            &[
                entry_v2("a/.env.test", MODE_FILE, 0),
                entry_v2("bin/run", MODE_EXECUTABLE, 0),
                entry_v2("link", 0o120000, 0),
                entry_v2("sub", 0o160000, 0),
                entry_v2("conflict.txt", MODE_FILE, 0x1000),
            ],
        );
        assert_eq!(names(&f).unwrap(), ["a/.env.test", "bin/run"]);
    }

    #[test]
    fn truncated_or_foreign_files_are_not_streamed() {
        let f = index(2, &[entry_v2("a", MODE_FILE, 0)]);
        for cut in [0, 5, 12, 30, 63] {
            assert_eq!(names(&f[..cut]), Err(NotStreamed::Format), "{cut}");
        }
        assert_eq!(names(b"RIDC\0\0\0\x02\0\0\0\0"), Err(NotStreamed::Format));
        assert_eq!(names(b"DIRC\0\0\0\x07\0\0\0\0"), Err(NotStreamed::Format));
    }

    #[test]
    fn a_split_index_is_left_to_gix() {
        let mut f = index(2, &[entry_v2("a", MODE_FILE, 0)]);
        f.truncate(f.len() - 20);
        f.extend_from_slice(b"link");
        f.extend_from_slice(&20u32.to_be_bytes());
        f.extend_from_slice(&[0u8; 20]);
        f.extend_from_slice(&[0xab; 20]);
        assert_eq!(names(&f), Err(NotStreamed::Split));
    }

    #[test]
    fn entries_read_back_from_their_offsets() {
        let f = index(
            2,
            &[
                entry_v2("a/.env.test", MODE_FILE, 0),
                entry_v2("b", 0o120000, 0),
                entry_v2("c/phpunit.xml", MODE_FILE, 0),
                entry_v2("d/long-name-of-a-file.txt", MODE_EXECUTABLE, 0),
            ],
        );
        let mut seen = Vec::new();
        let layout = for_each_file(&f[..], |e| seen.push((e.offset, e.path.to_vec()))).unwrap();
        assert_eq!(layout.version, 2);
        assert_eq!(layout.entries_end as usize, f.len() - 20);
        assert_eq!(seen[0].0, 12);
        for (k, (offset, _)) in seen.iter().enumerate() {
            let mut again = Vec::new();
            let end = layout.entries_end as usize;
            for_each_file_in(&f[*offset as usize..end], 2, *offset, |e| {
                again.push((e.offset, e.path.to_vec()))
            })
            .unwrap();
            assert_eq!(again, seen[k..], "from entry {k}");
        }
        // a slice that cuts an entry, or a version 4 index, is refused
        let cut = seen[1].0 as usize + 5;
        assert_eq!(
            for_each_file_in(&f[12..cut], 2, 12, |_| {}),
            Err(NotStreamed::Format)
        );
        assert_eq!(
            for_each_file_in(&f[12..], 4, 12, |_| {}),
            Err(NotStreamed::Format)
        );
    }

    #[test]
    fn offsets_decode_as_git_writes_them() {
        for (bytes, want) in [
            (&[0x00][..], 0usize),
            (&[0x7f], 127),
            (&[0x80, 0x00], 128),
            (&[0x80, 0x7f], 255),
            (&[0x81, 0x00], 256),
        ] {
            assert_eq!(read_offset(&mut &bytes[..]).map(|(v, _)| v), Ok(want));
        }
    }
}
