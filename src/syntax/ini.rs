//! A pytest-compatible INI lexer with byte spans (pytest.ini, tox.ini, setup.cfg).
//!
//! It follows pytest's own `iniconfig`: `[section]` headers, `key = value` and
//! `key: value`, values continued on indented lines (joined with `\n`), and
//! whole-line `#`/`;` comments — which are skipped even between continuation
//! lines. An inline ` # comment` stays part of the value, as in pytest; tox
//! strips it, which its source does on top of this lexer.

use std::ops::Range;

/// One physical piece of a value: the first line's text after the separator,
/// or one continuation line, trimmed, with its byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueLine {
    pub text: String,
    pub range: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct IniEntry {
    pub key: String,
    pub key_range: Range<usize>,
    /// Non-empty pieces of the value, in order (first line may be empty and is then absent).
    pub lines: Vec<ValueLine>,
}

impl IniEntry {
    /// The value as iniconfig returns it: the pieces joined with `\n`.
    pub fn value(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The range covering the whole value (or the key when the value is empty).
    pub fn value_range(&self) -> Range<usize> {
        match (self.lines.first(), self.lines.last()) {
            (Some(a), Some(b)) => a.range.start..b.range.end,
            _ => self.key_range.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct IniSection {
    pub name: String,
    /// The `[name]` header.
    pub header: Range<usize>,
    pub entries: Vec<IniEntry>,
}

impl IniSection {
    pub fn get(&self, key: &str) -> Option<&IniEntry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniError {
    pub range: Range<usize>,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub struct IniFile {
    pub sections: Vec<IniSection>,
    pub errors: Vec<IniError>,
}

impl IniFile {
    pub fn section(&self, name: &str) -> Option<&IniSection> {
        self.sections.iter().find(|s| s.name == name)
    }
}

/// Lines of `text` with their byte offset, without terminators (`\n`, `\r\n`, `\r`).
pub fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'\n' && bytes[end] != b'\r' {
            end += 1;
        }
        pos = end;
        if pos < bytes.len() && bytes[pos] == b'\r' {
            pos += 1;
        }
        if pos < bytes.len() && bytes[pos] == b'\n' && (pos == end || bytes[pos - 1] == b'\r') {
            pos += 1;
        }
        Some((start, &text[start..end]))
    })
}

/// Length of a leading UTF-8 byte order mark.
pub fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') { 3 } else { 0 }
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with(';')
}

pub fn parse(text: &str) -> IniFile {
    let mut file = IniFile::default();
    let bom = bom_len(text);
    for (off, raw) in lines_with_offsets(text) {
        let (off, line) = if off == 0 {
            (bom, &raw[bom..])
        } else {
            (off, raw)
        };
        if is_comment(line) || line.trim().is_empty() {
            continue;
        }
        let line = line.trim_end();
        let first = line.chars().next().unwrap_or(' ');
        if first.is_whitespace() {
            // continuation of the last key's value
            let trimmed = line.trim_start();
            let start = off + (line.len() - trimmed.len());
            let entry = file.sections.last_mut().and_then(|s| s.entries.last_mut());
            match entry {
                Some(e) => e.lines.push(ValueLine {
                    text: trimmed.to_string(),
                    range: start..start + trimmed.len(),
                }),
                None => file.errors.push(IniError {
                    range: start..start + trimmed.len(),
                    message: "indented line with no key before it".into(),
                }),
            }
            continue;
        }
        if first == '[' {
            let header = line.split(['#', ';']).next().unwrap_or("").trim_end();
            if header.len() >= 2 && header.ends_with(']') {
                file.sections.push(IniSection {
                    name: header[1..header.len() - 1].to_string(),
                    header: off..off + header.len(),
                    entries: Vec::new(),
                });
            } else {
                file.errors.push(IniError {
                    range: off..off + line.len(),
                    message: "section header without a closing `]`".into(),
                });
            }
            continue;
        }
        // `name = value`, or `name: value` when the name has no `=`
        let sep = match line.find('=') {
            Some(eq) if !line[..eq].contains(':') => Some((eq, 1)),
            _ => line.find(':').map(|c| (c, 1)),
        };
        let Some((sep, sep_len)) = sep else {
            file.errors.push(IniError {
                range: off..off + line.len(),
                message: "expected `key = value`, a `[section]` header or a comment".into(),
            });
            continue;
        };
        let key_raw = &line[..sep];
        let key = key_raw.trim_end();
        let value_raw = &line[sep + sep_len..];
        let value = value_raw.trim();
        let v_start = off + sep + sep_len + (value_raw.len() - value_raw.trim_start().len());
        let Some(section) = file.sections.last_mut() else {
            file.errors.push(IniError {
                range: off..off + line.len(),
                message: "a key before any `[section]` header".into(),
            });
            continue;
        };
        let mut lines = Vec::new();
        if !value.is_empty() {
            lines.push(ValueLine {
                text: value.to_string(),
                range: v_start..v_start + value.len(),
            });
        }
        section.entries.push(IniEntry {
            key: key.to_string(),
            key_range: off..off + key.len(),
            lines,
        });
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_continuations_and_comments() {
        let text = "[pytest]\nDJANGO_SETTINGS_MODULE = app.settings.test\naddopts: -ra\nenv =\n    A=1\n  # B=2\n    C=3 # kept\n\n[tox:x]\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let s = f.section("pytest").expect("section");
        let dsm = s.get("DJANGO_SETTINGS_MODULE").expect("dsm");
        assert_eq!(&text[dsm.value_range()], "app.settings.test");
        assert_eq!(s.get("addopts").map(|e| e.value()), Some("-ra".into()));
        let env = s.get("env").expect("env");
        assert_eq!(env.value(), "A=1\nC=3 # kept");
        assert_eq!(&text[env.lines[1].range.clone()], "C=3 # kept");
        assert_eq!(f.sections.len(), 2);
    }

    #[test]
    fn crlf_lone_cr_and_bom() {
        let text = "\u{feff}[pytest]\r\nx = 1\ry = 2\r\n";
        let f = parse(text);
        let s = f.section("pytest").expect("section");
        let y = s.get("y").expect("y");
        assert_eq!(&text[y.value_range()], "2");
        assert_eq!(&text[s.header.clone()], "[pytest]");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let f = parse("[pytest\nno separator here\n  é\n");
        assert_eq!(f.errors.len(), 3);
    }
}
