//! Comments blanked out of source text, byte for byte: a literal scan of
//! the result finds only what the code says (a `// use RefreshDatabase;`
//! line is no evidence), and every offset still points at the same byte of
//! the file. String literals are kept whole (a `'TRUNCATE users'` inside
//! one is code), so are line breaks. Nothing is rejected: an unterminated
//! comment or string ends at the end of the text.

use std::borrow::Cow;

use super::{find, line_end};

/// The comment syntax of a language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `//` and `/* */`; `'` and `"` strings (PHP's may span lines), and
    /// `#` line comments (but not `#[` attributes).
    Php,
    /// `//` and `/* */`; `'` and `"` strings end at a line break, and
    /// backtick template literals may span lines.
    Js,
    /// `#` line comments; `'` and `"` strings end at a line break, triple
    /// quoted ones may span lines.
    Python,
}

/// `text` with every comment byte replaced by a space (line breaks kept).
pub fn blank(text: &str, style: Style) -> Cow<'_, str> {
    let b = text.as_bytes();
    let has_comment = match style {
        Style::Php => b.contains(&b'#') || text.contains("//") || text.contains("/*"),
        Style::Js => text.contains("//") || text.contains("/*"),
        Style::Python => b.contains(&b'#'),
    };
    if !has_comment {
        return Cow::Borrowed(text);
    }
    let mut out = b.to_vec();
    let mut i = 0;
    let erase = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
    };
    while i < b.len() {
        if style == Style::Python {
            match b[i] {
                b'#' => {
                    let end = line_end(b, i);
                    erase(&mut out, i, end);
                    i = end;
                }
                q @ (b'\'' | b'"') if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) => {
                    let triple = [q, q, q];
                    i = find(b, i + 3, &triple).map_or(b.len(), |e| e + 3);
                }
                q @ (b'\'' | b'"') => i = string_end(b, i + 1, q, true),
                _ => i += 1,
            }
            continue;
        }
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = line_end(b, i);
                erase(&mut out, i, end);
                i = end;
            }
            b'#' if style == Style::Php && b.get(i + 1) != Some(&b'[') => {
                let end = line_end(b, i);
                erase(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
                erase(&mut out, i, end);
                i = end;
            }
            q @ (b'\'' | b'"') => i = string_end(b, i + 1, q, style == Style::Js),
            b'`' if style == Style::Js => i = string_end(b, i + 1, b'`', false),
            _ => i += 1,
        }
    }
    // a blanked run starts at an ASCII `/` or `#` and ends at a line break,
    // `*/` or the end: whole characters, each byte now a space, so the text
    // is still UTF-8 and the lossy conversion never changes a byte
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// The offset after a string literal whose body starts at `from`.
fn string_end(b: &[u8], mut i: usize, quote: u8, ends_at_line: bool) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' if ends_at_line => return i + 1,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::{Style, blank};

    #[test]
    fn php_comments_go_and_strings_stay() {
        let text = "<?php\n// use Illuminate\\Foundation\\Testing\\RefreshDatabase;\nuse Tests\\TestCase;\n\
                    # RefreshDatabase\n/* DatabaseMigrations\n*/ #[Test]\n$q = 'TRUNCATE // users'; // done\n";
        let out = blank(text, Style::Php);
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("RefreshDatabase"));
        assert!(!out.contains("DatabaseMigrations"));
        assert!(out.contains("#[Test]"));
        assert!(out.contains("'TRUNCATE // users'"));
        assert!(!out.contains("done"));
        assert_eq!(out.matches('\n').count(), text.matches('\n').count());
    }

    #[test]
    fn js_strings_end_at_a_line_break_and_templates_span_lines() {
        let text = "const a = \"it's\"; // await db.user.deleteMany()\nconst q = `TRUNCATE\n// not a comment`;\n/* deleteMany( */ x\n";
        let out = blank(text, Style::Js);
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("deleteMany"));
        assert!(out.contains("// not a comment"));
    }

    #[test]
    fn python_hash_comments_and_triple_quotes() {
        let text = "import x  # app.dependency_overrides[get_db] = fake\ns = \"#not\"\nd = \"\"\"\n# kept\n\"\"\"\n# PostgresContainer\n";
        let out = blank(text, Style::Python);
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("dependency_overrides"));
        assert!(!out.contains("PostgresContainer"));
        assert!(out.contains("\"#not\""));
        assert!(out.contains("# kept"));
    }

    #[test]
    fn multibyte_comments_keep_every_offset() {
        let text = "a // é — ü\nb";
        let out = blank(text, Style::Js);
        assert_eq!(out.len(), text.len());
        assert!(out.ends_with("\nb"));
    }
}
