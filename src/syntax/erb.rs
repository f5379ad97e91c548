//! ERB templates (`<%= … %>`, `<% … %>`, `<%# … %>`) over another syntax,
//! and the small part of Ruby a configuration value is written in.
//!
//! [`strip`] gives the template's text with every tag blanked, byte for byte
//! the same length, so the underlying syntax (YAML for Rails'
//! `config/database.yml`) parses with spans that point into the original
//! file. An output tag inside a value becomes `_` characters (the value
//! stays one scalar); a statement or comment tag, and an output tag that is
//! a whole line (it generates lines nobody can read without running it),
//! become spaces. Newlines inside a tag are kept.
//!
//! [`ruby_value`] reads what an output tag evaluates to when it is one of the
//! forms configuration uses: `ENV['X']`, `ENV.fetch('X')`,
//! `ENV.fetch('X', 'd')`, `ENV.fetch('X') { 'd' }`, `ENV['X'].presence`, a
//! literal, and `||` chains of them. Anything else is `None`: unknown.

use std::ops::Range;

/// What a tag does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagKind {
    /// `<%= … %>`: its value is inserted.
    Output,
    /// `<% … %>`: Ruby run for its effect (loops, assignments).
    Statement,
    /// `<%# … %>`
    Comment,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The tag's bytes, `<%` to `%>` included.
    pub range: Range<usize>,
    /// The Ruby code between the delimiters (its bytes in the file).
    pub code: Range<usize>,
    pub kind: TagKind,
    /// An output tag alone on its line: what it inserts is whole lines.
    pub whole_line: bool,
}

/// A template with its tags blanked.
#[derive(Clone, Debug)]
pub struct Template {
    /// The file's text, each tag replaced (same length, same line breaks).
    pub text: String,
    pub tags: Vec<Tag>,
}

impl Template {
    /// The tags that lie within `range` of the original text.
    pub fn tags_in(&self, range: Range<usize>) -> impl Iterator<Item = &Tag> {
        self.tags
            .iter()
            .filter(move |t| t.range.start >= range.start && t.range.end <= range.end)
    }

    /// Whether any output tag generates whole lines.
    pub fn generates_lines(&self) -> bool {
        self.tags.iter().any(|t| t.whole_line)
    }
}

/// The template of `text`; `None` when a tag is never closed (ERB rejects it).
pub fn strip(text: &str) -> Option<Template> {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(found) = find(bytes, i, b"<%") {
        // `<%%` is a literal `<%`
        if bytes.get(found + 2) == Some(&b'%') {
            i = found + 3;
            continue;
        }
        let (kind, code_start) = match bytes.get(found + 2) {
            Some(b'=') => (TagKind::Output, found + 3),
            Some(b'#') => (TagKind::Comment, found + 3),
            Some(b'-') => (TagKind::Statement, found + 3),
            _ => (TagKind::Statement, found + 2),
        };
        let close = find(bytes, code_start, b"%>")?;
        let end = close + 2;
        let code_end = if close > code_start && bytes[close - 1] == b'-' {
            close - 1
        } else {
            close
        };
        let line_start = bytes[..found]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line_end = find(bytes, end, b"\n").unwrap_or(bytes.len());
        let blank = |r: Range<usize>| r.into_iter().all(|k| bytes[k].is_ascii_whitespace());
        let whole_line =
            kind == TagKind::Output && blank(line_start..found) && blank(end..line_end);
        let fill = if kind == TagKind::Output && !whole_line {
            b'_'
        } else {
            b' '
        };
        for (k, b) in out.iter_mut().enumerate().take(end).skip(found) {
            if bytes[k] != b'\n' && bytes[k] != b'\r' {
                *b = fill;
            }
        }
        tags.push(Tag {
            range: found..end,
            code: code_start..code_end.max(code_start),
            kind,
            whole_line,
        });
        i = end;
    }
    // every byte replaced is ASCII, and whole characters were replaced
    let text = String::from_utf8(out).ok()?;
    Some(Template { text, tags })
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// One alternative of a Ruby value: the first that is not `nil` wins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alternative {
    /// `ENV['X']`, `ENV.fetch('X')`, `ENV['X'].presence`: the variable, and
    /// where its name stands (relative to the code given).
    Env { name: String, at: Range<usize> },
    /// A string or number literal.
    Literal(String),
    /// A value code computes (a helper's default argument): present, not known.
    Computed,
}

/// What `code` evaluates to when it is a chain of environment reads and
/// literals (`ENV['A'] || ENV.fetch('B') { 'b_test' }`); `None` for any
/// other Ruby.
pub fn ruby_value(code: &str) -> Option<Vec<Alternative>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for part in split_or(code) {
        let start = offset + (part.len() - part.trim_start().len());
        offset += part.len() + 2;
        out.extend(term(part.trim(), start)?);
    }
    (!out.is_empty()).then_some(out)
}

/// `code` split at top-level `||` (not inside quotes, brackets or braces).
fn split_or(code: &str) -> Vec<&str> {
    let b = code.as_bytes();
    let (mut depth, mut quote, mut last) = (0i32, None::<u8>, 0);
    let mut parts = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b'|' if depth == 0 && b.get(i + 1) == Some(&b'|') => {
                    parts.push(&code[last..i]);
                    last = i + 2;
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    parts.push(&code[last..]);
    parts
}

/// One term of a chain; `start` is where it stands in the whole code.
fn term(t: &str, start: usize) -> Option<Vec<Alternative>> {
    if let Some(lit) = literal(t) {
        return Some(vec![Alternative::Literal(lit)]);
    }
    let t_trimmed = t.strip_suffix(".presence").unwrap_or(t).trim_end();
    if let Some(rest) = t_trimmed.strip_prefix("ENV[") {
        let inner = rest.strip_suffix(']')?;
        let name = literal(inner.trim())?;
        let at = start + 4 + (inner.len() - inner.trim_start().len()) + 1;
        return Some(vec![Alternative::Env {
            at: at..at + name.len(),
            name,
        }]);
    }
    let rest = t.strip_prefix("ENV.fetch")?;
    let rest_start = start + "ENV.fetch".len();
    // `ENV.fetch('X', 'd')`, `ENV.fetch('X')`, `ENV.fetch('X') { 'd' }`
    let (args, block) = if let Some(args) = rest.strip_prefix('(') {
        let close = args.find(')')?;
        (&args[..close], args[close + 1..].trim())
    } else {
        return None;
    };
    let mut pieces = args.splitn(2, ',');
    let first = pieces.next()?;
    let name = literal(first.trim())?;
    let at = rest_start + 1 + (first.len() - first.trim_start().len()) + 1;
    let mut out = vec![Alternative::Env {
        at: at..at + name.len(),
        name,
    }];
    if let Some(default) = pieces.next() {
        out.push(Alternative::Literal(literal(default.trim())?));
    }
    if !block.is_empty() {
        let inner = block.strip_prefix('{')?.strip_suffix('}')?;
        out.push(Alternative::Literal(literal(inner.trim())?));
    }
    Some(out)
}

/// A double-quoted Ruby string holding one interpolation
/// (`"#{ENV['DB']}_test"`): the text before it, the interpolated code's
/// range within `code`, and the text after it. `None` for anything else.
pub fn interpolated(code: &str) -> Option<(String, Range<usize>, String)> {
    let lead = code.len() - code.trim_start().len();
    let t = code.trim();
    let inner = t.strip_prefix('"')?.strip_suffix('"')?;
    let open = inner.find("#{")?;
    let close = open + inner[open..].find('}')?;
    let (before, expr, after) = (&inner[..open], &inner[open + 2..close], &inner[close + 1..]);
    let plain = |s: &str| !s.contains(['"', '\\', '#', '{', '}']);
    if !plain(before) || !plain(after) || expr.contains(['{', '"']) {
        return None;
    }
    let start = lead + 1 + open + 2;
    Some((
        before.to_string(),
        start..start + expr.len(),
        after.to_string(),
    ))
}

/// A string without interpolation, or a number.
fn literal(t: &str) -> Option<String> {
    if t.len() >= 2 {
        let (first, last) = (t.as_bytes()[0], t.as_bytes()[t.len() - 1]);
        if (first == b'\'' || first == b'"') && last == first {
            let inner = &t[1..t.len() - 1];
            if inner.contains(first as char) || inner.contains('\\') || inner.contains("#{") {
                return None;
            }
            return Some(inner.to_string());
        }
    }
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str, at: Range<usize>) -> Alternative {
        Alternative::Env {
            name: name.into(),
            at,
        }
    }

    #[test]
    fn tags_are_blanked_in_place() {
        let text = "test:\n  database: \"<%= ENV['DB'] %>_test\"\n<% if x %>\n  <%= extra %>\n<%# note %>\n";
        let t = strip(text).expect("closed tags");
        assert_eq!(t.text.len(), text.len());
        let lines: Vec<&str> = t.text.lines().collect();
        assert_eq!(lines[1], format!("  database: \"{}_test\"", "_".repeat(16)));
        assert!(lines[2..].iter().all(|l| l.trim().is_empty()), "{lines:?}");
        assert_eq!(t.tags.len(), 4);
        assert_eq!(&text[t.tags[0].code.clone()], " ENV['DB'] ");
        assert!(!t.tags[0].whole_line && t.tags[2].whole_line);
        assert_eq!(t.tags[1].kind, TagKind::Statement);
        assert_eq!(t.tags[3].kind, TagKind::Comment);
        assert!(strip("a: <%= x").is_none());
        assert_eq!(strip("a: <%% b").map(|t| t.tags.len()), Some(0));
    }

    #[test]
    fn multibyte_text_around_tags_survives() {
        let text = "é: <%= 'ü' %> ß\n";
        let t = strip(text).expect("closed");
        assert_eq!(t.text.len(), text.len());
        assert!(t.text.starts_with("é: ") && t.text.ends_with(" ß\n"));
    }

    #[test]
    fn one_interpolation_in_a_string() {
        let code = r##" "#{ENV['DB']}_test" "##;
        let (before, expr, after) = interpolated(code).expect("one interpolation");
        assert_eq!(
            (before.as_str(), &code[expr], after.as_str()),
            ("", "ENV['DB']", "_test")
        );
        for other in [
            r#""plain""#,
            r##""#{a}#{b}""##,
            r##"'#{ENV['DB']}'"##,
            r##""#{x["k"]}""##,
        ] {
            assert_eq!(interpolated(other), None, "{other}");
        }
    }

    #[test]
    fn environment_reads_and_chains() {
        let code = " ENV['POSTGRES_DATABASE'] ";
        let v = ruby_value(code).expect("read");
        assert_eq!(v, vec![env("POSTGRES_DATABASE", 6..23)]);
        assert_eq!(&code[6..23], "POSTGRES_DATABASE");
        let code = r#"ENV["RAILS_TEST_DB_NAME"] || ENV["RAILS_DB_NAME"] || "hitobito_test""#;
        let v = ruby_value(code).expect("read");
        assert_eq!(v.len(), 3);
        if let Alternative::Env { name, at } = &v[1] {
            assert_eq!(&code[at.clone()], name);
        } else {
            panic!("{v:?}");
        }
        assert_eq!(v[2], Alternative::Literal("hitobito_test".into()));
        let code = "ENV.fetch('POSTGRES_DB') { 'hello' }";
        let v = ruby_value(code).expect("read");
        assert_eq!(v[1], Alternative::Literal("hello".into()));
        if let Alternative::Env { name, at } = &v[0] {
            assert_eq!(&code[at.clone()], name);
        }
        let code = "ENV.fetch(\"DB\", \"app_test\")";
        let v = ruby_value(code).expect("read");
        assert_eq!(v[1], Alternative::Literal("app_test".into()));
        if let Alternative::Env { name, at } = &v[0] {
            assert_eq!(&code[at.clone()], name);
        }
        let v = ruby_value("ENV['TEST_DATABASE_NAME'].presence || \"huginn_test\"").expect("read");
        assert_eq!(v.len(), 2);
        assert_eq!(
            ruby_value("ENV.fetch('RAILS_MAX_THREADS') { 5 }").map(|v| v.len()),
            Some(2)
        );
        for unknown in [
            "worktree_suffix",
            "ENV['A'] + '_x'",
            "\"#{ENV['A']}_test\"",
            "ENV.fetch('A') { |k| k }",
            "",
            "Rails.env",
        ] {
            assert_eq!(ruby_value(unknown), None, "{unknown}");
        }
    }
}
