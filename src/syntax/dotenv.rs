//! A dotenv lexer with byte spans.
//!
//! Handles `export `, single, double and backtick quotes (quoted values may span
//! lines), escapes in double quotes, inline comments after whitespace, CRLF and
//! a BOM. References such as `${DB_USER}` stay as written: a linter must not
//! expand them from its own environment.

use std::ops::Range;

use super::ini::bom_len;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvEntry {
    pub key: String,
    pub key_range: Range<usize>,
    /// The value after unquoting and unescaping.
    pub value: String,
    /// The value's bytes in the file, inside the quotes.
    pub value_range: Range<usize>,
    /// The file's text at `value_range` equals `value`.
    pub verbatim: bool,
    pub quote: Option<char>,
    /// Written `KEY: value`: godotenv and compose's env files accept it,
    /// phpdotenv and Symfony Dotenv do not (the stack decides).
    pub colon: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvError {
    pub range: Range<usize>,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub struct Dotenv {
    pub entries: Vec<DotenvEntry>,
    pub errors: Vec<DotenvError>,
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-'
}

pub fn parse(text: &str) -> Dotenv {
    let b = text.as_bytes();
    let mut out = Dotenv::default();
    let mut i = bom_len(text);
    while i < b.len() {
        // start of a line
        let line_start = i;
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        if b[i] == b'\n' || b[i] == b'\r' {
            i = skip_eol(b, i);
            continue;
        }
        if b[i] == b'#' {
            i = line_end(b, i);
            i = skip_eol(b, i);
            continue;
        }
        if text[i..].starts_with("export ") || text[i..].starts_with("export\t") {
            i += 7;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
        }
        let key_start = i;
        while i < b.len() && is_key_char(b[i]) {
            i += 1;
        }
        let key_end = i;
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        // `KEY: value` (YAML-like, godotenv): the colon must follow the key
        let colon = key_end > key_start && b.get(key_end) == Some(&b':');
        if colon {
            i = key_end;
        }
        if key_end == key_start || i >= b.len() || (b[i] != b'=' && !colon) {
            let end = line_end(b, line_start);
            out.errors.push(DotenvError {
                range: line_start..end,
                message: "expected `KEY=value` or a `#` comment".into(),
            });
            i = skip_eol(b, end);
            continue;
        }
        i += 1; // `=` or `:`
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        let key = text[key_start..key_end].to_string();
        let key_range = key_start..key_end;
        match b.get(i) {
            Some(&q) if q == b'"' || q == b'\'' || q == b'`' => {
                let v_start = i + 1;
                let mut j = v_start;
                let mut value = String::new();
                let mut verbatim = true;
                let mut closed = false;
                while j < b.len() {
                    let c = b[j];
                    if c == q {
                        closed = true;
                        break;
                    }
                    if c == b'\\' && q == b'"' && j + 1 < b.len() {
                        let n = b[j + 1];
                        let decoded = match n {
                            b'n' => Some('\n'),
                            b'r' => Some('\r'),
                            b't' => Some('\t'),
                            b'"' => Some('"'),
                            b'\\' => Some('\\'),
                            b'$' => Some('$'),
                            _ => None,
                        };
                        if let Some(d) = decoded {
                            value.push(d);
                            verbatim = false;
                            j += 2;
                            continue;
                        }
                    }
                    // copy one whole character
                    let ch_len = utf8_len(c);
                    let end = (j + ch_len).min(b.len());
                    value.push_str(text.get(j..end).unwrap_or(""));
                    j = end;
                }
                if !closed {
                    out.errors.push(DotenvError {
                        range: i..i + 1,
                        message: format!("unterminated {} quote", quote_name(q)),
                    });
                    i = b.len();
                    continue;
                }
                out.entries.push(DotenvEntry {
                    key,
                    key_range,
                    value,
                    value_range: v_start..j,
                    verbatim,
                    quote: Some(q as char),
                    colon,
                });
                i = j + 1;
                // rest of the line: whitespace and an optional comment
                let end = line_end(b, i);
                let rest = text[i..end].trim();
                if !rest.is_empty() && !rest.starts_with('#') {
                    out.errors.push(DotenvError {
                        range: i..end,
                        message: "unexpected text after the closing quote".into(),
                    });
                }
                i = skip_eol(b, end);
            }
            _ => {
                let end = line_end(b, i);
                let mut v_end = end;
                // an inline comment starts at ` #`
                let line = &text[i..end];
                if line.starts_with('#') {
                    v_end = i;
                } else if let Some(h) = line.find(" #").or_else(|| line.find("\t#")) {
                    v_end = i + h;
                }
                let value = text[i..v_end].trim_end();
                out.entries.push(DotenvEntry {
                    key,
                    key_range,
                    value: value.to_string(),
                    value_range: i..i + value.len(),
                    verbatim: true,
                    quote: None,
                    colon,
                });
                i = skip_eol(b, end);
            }
        }
    }
    out
}

fn quote_name(q: u8) -> &'static str {
    match q {
        b'"' => "double",
        b'\'' => "single",
        _ => "backtick",
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xff => 4,
        _ => 1,
    }
}

fn line_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
        i += 1;
    }
    i
}

fn skip_eol(b: &[u8], mut i: usize) -> usize {
    if i < b.len() && b[i] == b'\r' {
        i += 1;
    }
    if i < b.len() && b[i] == b'\n' {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_quotes_comments() {
        let text = "# c\nexport A=1\nB = 'two words' # c\nC=\"x\\ny\"\nD=plain # comment\n#E=gone\nF=\"multi\nline\"\nG=\n";
        let d = parse(text);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let got: Vec<(&str, &str)> = d
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1"),
                ("B", "two words"),
                ("C", "x\ny"),
                ("D", "plain"),
                ("F", "multi\nline"),
                ("G", "")
            ]
        );
        let b = &d.entries[1];
        assert_eq!(&text[b.value_range.clone()], "two words");
        assert!(!d.entries[2].verbatim);
    }

    #[test]
    fn crlf_bom_and_multibyte() {
        let text = "\u{feff}A=é1\r\nB=\"ü\"\r\n";
        let d = parse(text);
        assert_eq!(d.entries.len(), 2);
        assert_eq!(&text[d.entries[0].value_range.clone()], "é1");
        assert_eq!(&text[d.entries[1].value_range.clone()], "ü");
    }

    #[test]
    fn malformed_lines_are_errors() {
        let d = parse("JUSTAWORD\nA=\"open\n");
        assert_eq!(d.errors.len(), 2);
    }
}
