//! Java `.properties` files, as `java.util.Properties.load` reads them:
//! `key=value`, `key: value` or `key value`; `#` and `!` comment lines; a
//! line ending in an odd number of backslashes continues on the next one
//! (its leading blanks dropped); `\t`, `\n`, `\uXXXX` and `\x` escapes. Any
//! text is accepted (the JDK rejects only a malformed `\u`, which is kept
//! as written here). Offsets are bytes into the file.

use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub key: String,
    pub key_range: Range<usize>,
    pub value: String,
    pub value_range: Range<usize>,
    /// The text at `value_range` is the value (no escape, no continuation).
    pub verbatim: bool,
}

/// Every property of `text`, in order (a later one of the same key wins).
pub fn parse(text: &str) -> Vec<Property> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = super::ini::bom_len(text);
    while i < b.len() {
        // skip blank space at the line's start
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\x0c') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        if matches!(b[i], b'\n' | b'\r') {
            i += 1;
            continue;
        }
        if matches!(b[i], b'#' | b'!') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        // the logical line: physical lines joined at an odd trailing backslash
        let (key, key_range, next) = read_part(text, i, true);
        let mut j = next;
        // the separator: blanks, then at most one `=` or `:`, then blanks
        while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\x0c') {
            j += 1;
        }
        if j < b.len() && matches!(b[j], b'=' | b':') {
            j += 1;
            while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\x0c') {
                j += 1;
            }
        }
        let (value, value_range, end) = read_part(text, j, false);
        let verbatim = text.get(value_range.clone()) == Some(value.as_str());
        out.push(Property {
            key,
            key_range,
            value,
            value_range,
            verbatim,
        });
        i = end;
    }
    out
}

/// Reads a key (up to an unescaped blank, `=` or `:`) or a value (up to the
/// end of the logical line) from `start`: the decoded text, its range, and
/// where reading stopped.
fn read_part(text: &str, start: usize, key: bool) -> (String, Range<usize>, usize) {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut i = start;
    let mut end = start;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' || c == b'\r' {
            break;
        }
        if key && matches!(c, b'=' | b':' | b' ' | b'\t' | b'\x0c') {
            break;
        }
        if c == b'\\' {
            let Some(&e) = b.get(i + 1) else {
                i += 1;
                end = i;
                break;
            };
            match e {
                b'\n' | b'\r' => {
                    // continuation: skip the line break and the next line's blanks
                    i += 1;
                    if b.get(i) == Some(&b'\r') && b.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    i += 1;
                    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\x0c') {
                        i += 1;
                    }
                    continue;
                }
                b't' => out.push('\t'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b'f' => out.push('\x0c'),
                b'u' => {
                    let hex = text.get(i + 2..i + 6).unwrap_or("");
                    if let Some(ch) = (hex.len() == 4)
                        .then(|| u32::from_str_radix(hex, 16).ok())
                        .flatten()
                        .and_then(char::from_u32)
                    {
                        out.push(ch);
                        i += 6;
                        end = i;
                        continue;
                    }
                    out.push_str("\\u");
                }
                _ => {
                    let l = super::utf8_len(e);
                    out.push_str(text.get(i + 1..i + 1 + l).unwrap_or(""));
                    i += 1 + l;
                    end = i;
                    continue;
                }
            }
            i += 2;
            end = i;
            continue;
        }
        let l = super::utf8_len(c);
        out.push_str(text.get(i..i + l).unwrap_or(""));
        i += l;
        end = i;
    }
    let i = i.min(b.len());
    (out, start..end.min(b.len()), i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_comments_and_ranges() {
        let src = "# c\n! c\nspring.datasource.url=jdbc:h2:mem:t\na.b : x y\nc d\nempty=\n";
        let p = parse(src);
        let kv: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            kv,
            [
                ("spring.datasource.url", "jdbc:h2:mem:t"),
                ("a.b", "x y"),
                ("c", "d"),
                ("empty", "")
            ]
        );
        assert_eq!(&src[p[0].value_range.clone()], "jdbc:h2:mem:t");
        assert!(p[0].verbatim);
    }

    #[test]
    fn continuations_and_escapes() {
        let src = "k = a\\\n    b\nu=\\u0041\\:x\n";
        let p = parse(src);
        assert_eq!(p[0].value, "ab");
        assert!(!p[0].verbatim);
        assert_eq!(p[1].value, "A:x");
    }

    #[test]
    fn odd_input_never_panics() {
        for src in ["\\", "k\\", "k=\\u12", "é=é\\é", "\r\n=\r", "\u{feff}k=v"] {
            let _ = parse(src);
        }
    }
}
