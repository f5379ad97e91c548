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

/// Calls `keep` with every regular file at stage 0 the index lists that is
/// really staged (not `git add -N`), as bytes, in index order.
pub fn for_each_file(reader: impl Read, mut keep: impl FnMut(&[u8])) -> Result<(), NotStreamed> {
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
    let mut fixed = [0u8; FIXED];
    let mut path: Vec<u8> = Vec::with_capacity(256);
    let mut suffix: Vec<u8> = Vec::with_capacity(256);
    for _ in 0..count {
        input
            .read_exact(&mut fixed)
            .map_err(|_| NotStreamed::Format)?;
        let mode = u32::from_be_bytes([fixed[24], fixed[25], fixed[26], fixed[27]]);
        let flags = u16::from_be_bytes([fixed[FIXED - 2], fixed[FIXED - 1]]);
        let mut extended = 0u16;
        let mut consumed = FIXED;
        if flags & EXTENDED != 0 {
            if version < 3 {
                return Err(NotStreamed::Format);
            }
            let mut ext = [0u8; 2];
            input
                .read_exact(&mut ext)
                .map_err(|_| NotStreamed::Format)?;
            extended = u16::from_be_bytes(ext);
            consumed += 2;
        }
        if version == 4 {
            // the name is the previous one less its last N bytes, plus a suffix
            let strip = read_offset(&mut input)?;
            let keep_len = path.len().checked_sub(strip).ok_or(NotStreamed::Format)?;
            path.truncate(keep_len);
            suffix.clear();
            read_name(&mut input, &mut suffix)?;
            path.extend_from_slice(&suffix);
        } else {
            // the flags hold the name's length; git writes 0xFFF for a name
            // of 4095 bytes or more (beyond PATH_MAX): left to gix
            let len = usize::from(flags & NAME_MASK);
            if len == usize::from(NAME_MASK) {
                return Err(NotStreamed::Format);
            }
            path.resize(len, 0);
            input
                .read_exact(&mut path)
                .map_err(|_| NotStreamed::Format)?;
            // then 1 to 8 NUL bytes, to a multiple of 8 from the entry's start
            let unpadded = consumed + len;
            let mut pad = [0u8; 8];
            let rest = ((unpadded + 8) & !7) - unpadded;
            input
                .read_exact(&mut pad[..rest])
                .map_err(|_| NotStreamed::Format)?;
        }
        if !CANONICAL_MODES.contains(&mode) {
            // git writes no other mode; gix decides what this file means
            return Err(NotStreamed::Format);
        }
        let staged = (mode == MODE_FILE || mode == MODE_EXECUTABLE)
            && flags & STAGE_MASK == 0
            && extended & INTENT_TO_ADD == 0;
        if staged {
            keep(&path);
        }
    }
    // the extensions: only a split index changes what the entries mean
    loop {
        let mut signature = [0u8; 8];
        match input.read_exact(&mut signature) {
            Ok(()) => {}
            // the trailing checksum (20 bytes) is shorter than a header
            Err(_) => return Ok(()),
        }
        if &signature[..4] == b"link" {
            return Err(NotStreamed::Split);
        }
        // optional extensions are upper case, required ones (`link`,
        // `sdir`) lower case
        if !signature[..4].iter().all(|b| b.is_ascii_alphabetic()) {
            // not an extension: the checksum and what follows it
            return Ok(());
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
/// before shifting, so every value has a single encoding.
fn read_offset(input: &mut impl Read) -> Result<usize, NotStreamed> {
    let mut byte = [0u8; 1];
    input
        .read_exact(&mut byte)
        .map_err(|_| NotStreamed::Format)?;
    let mut value = usize::from(byte[0] & 0x7f);
    while byte[0] & 0x80 != 0 {
        input
            .read_exact(&mut byte)
            .map_err(|_| NotStreamed::Format)?;
        value = value
            .checked_add(1)
            .and_then(|v| v.checked_mul(128))
            .and_then(|v| v.checked_add(usize::from(byte[0] & 0x7f)))
            .ok_or(NotStreamed::Format)?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(bytes: &[u8]) -> Result<Vec<String>, NotStreamed> {
        let mut out = Vec::new();
        for_each_file(bytes, |p| out.push(String::from_utf8_lossy(p).into_owned()))?;
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
    fn offsets_decode_as_git_writes_them() {
        for (bytes, want) in [
            (&[0x00][..], 0usize),
            (&[0x7f], 127),
            (&[0x80, 0x00], 128),
            (&[0x80, 0x7f], 255),
            (&[0x81, 0x00], 256),
        ] {
            assert_eq!(read_offset(&mut &bytes[..]), Ok(want));
        }
    }
}
