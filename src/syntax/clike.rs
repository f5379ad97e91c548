//! Tokens of the C family's source (Java, Kotlin, Go, C#), as far as reading
//! annotations, calls and string literals goes: comments are dropped (a
//! commented-out `@ActiveProfiles` is no annotation), string literals keep
//! their decoded text and the byte range of their contents, everything else
//! is an identifier or one punctuation byte. Nothing is parsed further and no
//! input is rejected: unterminated strings and comments end at the end of the
//! file. Offsets are bytes into the text.

use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// An identifier or keyword (`SpringBootTest`, `func`, `class`).
    Ident(String, Range<usize>),
    /// A string literal: its value (simple escapes decoded) and the range of
    /// the text between its quotes.
    Str(String, Range<usize>),
    /// A number, a character literal: kept as a marker only.
    Other(Range<usize>),
    /// One punctuation byte (`@`, `(`, `.`, `{`…), at its offset.
    Punct(u8, usize),
}

impl Token {
    pub fn ident(&self) -> Option<&str> {
        match self {
            Token::Ident(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn is_punct(&self, c: u8) -> bool {
        matches!(self, Token::Punct(p, _) if *p == c)
    }

    pub fn range(&self) -> Range<usize> {
        match self {
            Token::Ident(_, r) | Token::Str(_, r) | Token::Other(r) => r.clone(),
            Token::Punct(_, at) => *at..*at + 1,
        }
    }
}

/// Which string forms the language has besides `"…"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Java and Kotlin: `"""` text blocks, `'c'` characters.
    Java,
    /// Go: `` `raw` `` strings, `'c'` runes.
    Go,
    /// C#: `@"verbatim"` (`""` escapes a quote), `$"…"` interpolation kept as text.
    CSharp,
}

/// The tokens of `text`.
pub fn tokens(text: &str, dialect: Dialect) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(b.len());
            continue;
        }
        if c.is_ascii_alphabetic()
            || c == b'_'
            || c == b'$' && dialect == Dialect::Java
            || c >= 0x80
        {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            // a multi-byte character is consumed whole, so `start..i` is on
            // character boundaries
            out.push(Token::Ident(text[start..i].to_string(), start..i));
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            out.push(Token::Other(start..i));
            continue;
        }
        match (dialect, c) {
            (Dialect::Java, b'"') if b[i..].starts_with(b"\"\"\"") => {
                let start = i + 3;
                let end = find_from(b, start, b"\"\"\"").unwrap_or(b.len());
                let body = &text[start..end];
                out.push(Token::Str(body.to_string(), start..end));
                i = (end + 3).min(b.len());
            }
            (Dialect::Go, b'`') => {
                let start = i + 1;
                let end = find_from(b, start, b"`").unwrap_or(b.len());
                out.push(Token::Str(text[start..end].to_string(), start..end));
                i = (end + 1).min(b.len());
            }
            (Dialect::CSharp, b'@') if b.get(i + 1) == Some(&b'"') => {
                let start = i + 2;
                let mut j = start;
                let mut value = String::new();
                while j < b.len() {
                    if b[j] == b'"' {
                        if b.get(j + 1) == Some(&b'"') {
                            value.push('"');
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    let ch_len = super::utf8_len(b[j]);
                    value.push_str(text.get(j..j + ch_len).unwrap_or(""));
                    j += ch_len;
                }
                let end = j.min(b.len());
                out.push(Token::Str(value, start..end));
                i = (end + 1).min(b.len());
            }
            (_, b'"') => {
                let (value, end) = quoted(text, i + 1, b'"');
                out.push(Token::Str(value, i + 1..end));
                i = (end + 1).min(b.len());
            }
            (_, b'\'') => {
                let (_, end) = quoted(text, i + 1, b'\'');
                out.push(Token::Other(i..(end + 1).min(b.len())));
                i = (end + 1).min(b.len());
            }
            _ => {
                out.push(Token::Punct(c, i));
                i += 1;
            }
        }
    }
    out
}

fn find_from(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from > b.len() {
        return None;
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// A quoted literal from `start` (after the opening quote) to its closing
/// `quote` on the same line: the decoded value and the offset of the closing
/// quote (or of the line's end).
fn quoted(text: &str, start: usize, quote: u8) -> (String, usize) {
    let b = text.as_bytes();
    let mut value = String::new();
    let mut j = start;
    while j < b.len() && b[j] != quote && b[j] != b'\n' {
        if b[j] == b'\\' && j + 1 < b.len() {
            let e = b[j + 1];
            match e {
                b'n' => value.push('\n'),
                b't' => value.push('\t'),
                b'\\' | b'"' | b'\'' => value.push(e as char),
                _ => {
                    value.push('\\');
                    let l = super::utf8_len(e);
                    value.push_str(text.get(j + 1..j + 1 + l).unwrap_or(""));
                    j += 1 + l;
                    continue;
                }
            }
            j += 2;
            continue;
        }
        let l = super::utf8_len(b[j]);
        value.push_str(text.get(j..j + l).unwrap_or(""));
        j += l;
    }
    (value, j.min(b.len()))
}

/// An annotation (`@ActiveProfiles("test")`, `@Sql(...)`): its name (the last
/// segment of a qualified one), where it stands, and the tokens of its
/// argument list (empty when it has none).
#[derive(Clone, Debug)]
pub struct Annotation {
    pub name: String,
    pub range: Range<usize>,
    pub args: Vec<Token>,
}

impl Annotation {
    /// The string literals of its arguments (`value`, or a named one when
    /// `name` is given: `@AutoConfigureTestDatabase(replace = NONE)`).
    pub fn strings(&self) -> Vec<&str> {
        self.args
            .iter()
            .filter_map(|t| match t {
                Token::Str(s, _) => Some(s.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The identifiers following `name =` in its arguments.
    pub fn named_idents(&self, name: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for (i, t) in self.args.iter().enumerate() {
            if t.ident() == Some(name) && self.args.get(i + 1).is_some_and(|n| n.is_punct(b'=')) {
                for n in &self.args[i + 2..] {
                    if n.is_punct(b',') || n.is_punct(b')') {
                        break;
                    }
                    if let Some(id) = n.ident() {
                        out.push(id);
                    }
                }
            }
        }
        out
    }
}

/// Every annotation among `tokens`, in order.
pub fn annotations(tokens: &[Token]) -> Vec<Annotation> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !tokens[i].is_punct(b'@') {
            i += 1;
            continue;
        }
        let start = tokens[i].range().start;
        let mut j = i + 1;
        let mut name = None;
        let mut end = start + 1;
        while let Some(Token::Ident(n, r)) = tokens.get(j) {
            name = Some(n.clone());
            end = r.end;
            if tokens.get(j + 1).is_some_and(|t| t.is_punct(b'.'))
                && matches!(tokens.get(j + 2), Some(Token::Ident(..)))
            {
                j += 2;
            } else {
                j += 1;
                break;
            }
        }
        let Some(name) = name else {
            i += 1;
            continue;
        };
        let mut args = Vec::new();
        if tokens.get(j).is_some_and(|t| t.is_punct(b'(')) {
            let mut depth = 0usize;
            let mut k = j;
            while k < tokens.len() {
                let t = &tokens[k];
                if t.is_punct(b'(') {
                    depth += 1;
                } else if t.is_punct(b')') {
                    depth -= 1;
                    if depth == 0 {
                        end = t.range().end;
                        break;
                    }
                }
                if k > j {
                    args.push(t.clone());
                }
                k += 1;
            }
            j = k + 1;
        }
        out.push(Annotation {
            name,
            range: start..end,
            args,
        });
        i = j.max(i + 1);
    }
    out
}

/// A call (`name(`), with where its name stands: every identifier directly
/// followed by `(`, method calls (`store.CreateAccount(`) included.
pub fn calls(tokens: &[Token]) -> impl Iterator<Item = (&str, Range<usize>, usize)> {
    tokens.iter().enumerate().filter_map(|(i, t)| match t {
        Token::Ident(n, r) if tokens.get(i + 1).is_some_and(|n| n.is_punct(b'(')) => {
            Some((n.as_str(), r.clone(), i))
        }
        _ => None,
    })
}

/// The string literals among a call's arguments, from the `(` after index
/// `at` to its matching `)`.
pub fn call_strings(tokens: &[Token], at: usize) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    for t in tokens.iter().skip(at + 1) {
        if t.is_punct(b'(') {
            depth += 1;
        } else if t.is_punct(b')') {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                break;
            }
        } else if let Token::Str(s, r) = t {
            out.push((s.as_str(), r.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_hide_annotations_and_strings_keep_their_ranges() {
        let src = "// @ActiveProfiles(\"dev\")\n/* @Sql */ @SpringBootTest\n@ActiveProfiles(profiles = {\"test\", \"it\"})\nclass A {}";
        let t = tokens(src, Dialect::Java);
        let a = annotations(&t);
        assert_eq!(
            a.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            ["SpringBootTest", "ActiveProfiles"]
        );
        assert_eq!(a[1].strings(), ["test", "it"]);
        let Token::Str(_, r) = &a[1]
            .args
            .iter()
            .find(|t| matches!(t, Token::Str(..)))
            .unwrap()
        else {
            unreachable!()
        };
        assert_eq!(&src[r.clone()], "test");
    }

    #[test]
    fn qualified_annotations_and_named_arguments() {
        let src = "@org.springframework.boot.test.autoconfigure.jdbc.AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)";
        let a = annotations(&tokens(src, Dialect::Java));
        assert_eq!(a[0].name, "AutoConfigureTestDatabase");
        assert!(a[0].named_idents("replace").contains(&"NONE"));
    }

    #[test]
    fn go_raw_strings_and_calls() {
        let src = "func TestMain(m *testing.M) {\n\tconfig, err := util.LoadConfig(`../..`)\n\tgodotenv.Load(\"../.env\")\n}";
        let t = tokens(src, Dialect::Go);
        let found: Vec<(&str, Vec<&str>)> = calls(&t)
            .map(|(n, _, i)| (n, call_strings(&t, i).into_iter().map(|s| s.0).collect()))
            .collect();
        assert!(found.contains(&("LoadConfig", vec!["../.."])));
        assert!(found.contains(&("Load", vec!["../.env"])));
    }

    #[test]
    fn csharp_verbatim_strings() {
        let src = r#"var s = @"Server=.\SQLEXPRESS;Database=""x""";"#;
        let t = tokens(src, Dialect::CSharp);
        assert!(
            t.iter().any(
                |t| matches!(t, Token::Str(s, _) if s == r#"Server=.\SQLEXPRESS;Database="x""#)
            )
        );
    }

    #[test]
    fn unterminated_input_never_panics() {
        for src in [
            "\"abc",
            "/* x",
            "@",
            "@A(",
            "`x",
            "\"\"\"x",
            "'\\",
            "é\"é\\é",
            "@\"x",
        ] {
            for d in [Dialect::Java, Dialect::Go, Dialect::CSharp] {
                let t = tokens(src, d);
                let _ = annotations(&t);
                for (_, _, i) in calls(&t) {
                    let _ = call_strings(&t, i);
                }
            }
        }
    }
}
