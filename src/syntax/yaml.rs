//! YAML with byte spans, through saphyr.
//!
//! saphyr's positions are *character* indices: they are converted to byte
//! offsets here, once. Aliases are resolved by saphyr (a clone of the anchored
//! subtree, spans included, so a value reached through `*alias` still points
//! where it is defined) within an expansion budget; `<<` merge keys are
//! resolved here; tags (`!reference`) are kept for the CI sources to resolve.

use std::ops::Range;

use saphyr::{MarkedYaml, ScalarStyle, YamlData, YamlLoader};
use saphyr_parser::Parser;

use crate::source::{FileId, Span};

/// How many nodes alias expansion may produce in one file: far above any real
/// pipeline, far below a billion-laughs bomb.
pub const MAX_YAML_ALIAS_NODES: usize = 20_000;

/// Deeper nesting than this is not a CI file (saphyr also stops recursion itself).
pub const MAX_YAML_DEPTH: usize = 200;

#[derive(Clone, Debug)]
pub enum Node {
    Scalar(Scalar),
    Seq(Vec<Node>, Span),
    /// Entries in document order, merge keys already resolved.
    Map(Vec<(Scalar, Node)>, Span),
    Tagged(String, Box<Node>, Span),
    Null(Span),
}

#[derive(Clone, Debug)]
pub struct Scalar {
    pub value: String,
    /// The value's bytes (inside quotes; a block scalar's content).
    pub span: Span,
    /// The text at `span` is the value itself (plain or simply quoted, one line).
    pub verbatim: bool,
    pub block: bool,
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Scalar(s) => s.span,
            Node::Seq(_, s) | Node::Map(_, s) | Node::Tagged(_, _, s) | Node::Null(s) => *s,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries, _) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.value == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Scalar, Node)] {
        match self {
            Node::Map(entries, _) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items, _) => items,
            _ => &[],
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.value.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct YamlError {
    pub range: Range<usize>,
    pub message: String,
}

/// Character index → byte offset, for text that is not pure ASCII.
struct CharIndex<'a> {
    text: &'a str,
    offsets: Option<Vec<u32>>,
}

impl<'a> CharIndex<'a> {
    fn new(text: &'a str) -> Self {
        let offsets = (!text.is_ascii()).then(|| {
            let mut v: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
            v.push(text.len() as u32);
            v
        });
        CharIndex { text, offsets }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            None => char_index.min(self.text.len()),
            Some(v) => v.get(char_index).map_or(self.text.len(), |b| *b as usize),
        }
    }
}

/// Parses every document of a YAML file.
pub fn parse(file: FileId, text: &str) -> Result<Vec<Node>, YamlError> {
    let bom = super::ini::bom_len(text);
    let mut body = std::borrow::Cow::Borrowed(&text[bom..]);
    // saphyr rejects a flow collection whose closing bracket sits at (or
    // left of) its key's indentation; libyaml, and so GitHub and GitLab,
    // accept it. Joining that bracket's line to the one before (the line
    // break becomes spaces: same length, so every offset still holds)
    // gives saphyr the same document.
    for _ in 0..=MAX_FLOW_REPAIRS {
        match load(file, text, bom, &body) {
            Err(LoadError::Syntax(idx, message)) => {
                let index = CharIndex::new(&body);
                let at = index.byte(idx);
                match join_flow_closer(&body, at, &message) {
                    Some(repaired) => body = std::borrow::Cow::Owned(repaired),
                    None => return Err(error_at(text, bom + at, message)),
                }
            }
            Err(LoadError::Tree(e)) => return Err(e),
            Ok(docs) => return Ok(docs),
        }
    }
    Err(error_at(text, bom, "YAML too irregular to read".into()))
}

/// Flow-collection closers re-joined at most (each costs one more parse).
const MAX_FLOW_REPAIRS: usize = 32;

fn error_at(text: &str, at: usize, message: String) -> YamlError {
    let at = at.min(text.len());
    let end = (at + 1..=text.len())
        .find(|e| text.is_char_boundary(*e))
        .unwrap_or(text.len());
    YamlError {
        range: at..end.max(at),
        message,
    }
}

/// `body` with the line break before a lone `]`/`}` at `at` turned into
/// spaces, when that is what the parse error is about.
fn join_flow_closer(body: &str, at: usize, message: &str) -> Option<String> {
    if !message.contains("indentation") {
        return None;
    }
    let b = body.as_bytes();
    if !matches!(b.get(at), Some(b']' | b'}')) {
        return None;
    }
    let line_start = body[..at].rfind('\n')?;
    if !body[line_start + 1..at]
        .bytes()
        .all(|c| c == b' ' || c == b'\t')
    {
        return None;
    }
    let mut bytes = body.as_bytes().to_vec();
    // a comment on the line before would swallow the bracket: inside a
    // flow collection a comment is only whitespace, so it goes too, and a
    // line that held nothing else is joined across as well
    let mut brk = line_start;
    loop {
        bytes[brk] = b' ';
        if brk > 0 && bytes[brk - 1] == b'\r' {
            bytes[brk - 1] = b' ';
        }
        let prev = body[..brk].rfind('\n').map_or(0, |i| i + 1);
        if let Some(c) = comment_start(&body[prev..brk]) {
            for b in &mut bytes[prev + c..brk] {
                *b = b' ';
            }
        }
        let blank = bytes[prev..brk]
            .iter()
            .all(|c| matches!(c, b' ' | b'\t' | b'\r'));
        if blank && prev > 0 {
            brk = prev - 1;
            continue;
        }
        break;
    }
    String::from_utf8(bytes).ok()
}

/// Where a comment starts on one line: a `#` at its start or after a blank,
/// outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    let mut prev = b' ';
    for (i, c) in line.bytes().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'#' && matches!(prev, b' ' | b'\t') => return Some(i),
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None => {}
        }
        prev = c;
    }
    None
}

/// Why one parse failed: a syntax error at a character index of the body
/// (a flow closer there may be repaired), or a document too deep to convert.
enum LoadError {
    Syntax(usize, String),
    Tree(YamlError),
}

/// One parse of `body` (the text after its BOM).
fn load(file: FileId, text: &str, bom: usize, body: &str) -> Result<Vec<Node>, LoadError> {
    let mut parser = Parser::new_from_str(body);
    let mut loader: YamlLoader<MarkedYaml> = YamlLoader::default();
    loader.early_parse(false);
    loader.alias_limit(MAX_YAML_ALIAS_NODES);
    if let Err(e) = parser.load(&mut loader, true) {
        return Err(LoadError::Syntax(e.marker().index(), e.info().to_string()));
    }
    if let Some(e) = loader.error() {
        return Err(LoadError::Syntax(e.marker().index(), e.info().to_string()));
    }
    let cx = Convert {
        file,
        text,
        bom,
        index: CharIndex::new(body),
    };
    loader
        .into_documents()
        .iter()
        .map(|d| cx.node(d, 0))
        .collect::<Result<Vec<_>, _>>()
        .map_err(LoadError::Tree)
}

struct Convert<'a> {
    file: FileId,
    text: &'a str,
    bom: usize,
    index: CharIndex<'a>,
}

impl Convert<'_> {
    fn span(&self, m: &saphyr::MarkedYaml<'_>) -> Span {
        let s = self.index.byte(m.span.start.index()) + self.bom;
        let e = self.index.byte(m.span.end.index()) + self.bom;
        Span::new(self.file, s.min(self.text.len()), e.min(self.text.len()))
    }

    fn too_deep(&self, span: Span) -> YamlError {
        YamlError {
            range: span.start..span.start,
            message: format!("YAML nested deeper than {MAX_YAML_DEPTH} levels"),
        }
    }

    fn scalar(&self, m: &MarkedYaml<'_>, value: &str, style: ScalarStyle) -> Scalar {
        let outer = self.span(m);
        let raw = self.text.get(outer.start..outer.end).unwrap_or("");
        let (span, verbatim, block) = match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if raw.len() >= 2 => {
                let inner = outer.sub(1, raw.len() - 1);
                let verbatim = self.text.get(inner.start..inner.end) == Some(value);
                (inner, verbatim, false)
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let trimmed = raw.trim_end();
                (outer.sub(0, trimmed.len()), false, true)
            }
            _ => (outer, raw == value, false),
        };
        Scalar {
            value: value.to_string(),
            span,
            verbatim,
            block,
        }
    }

    fn node(&self, m: &MarkedYaml<'_>, depth: usize) -> Result<Node, YamlError> {
        let span = self.span(m);
        if depth > MAX_YAML_DEPTH {
            return Err(self.too_deep(span));
        }
        Ok(match &m.data {
            YamlData::Representation(v, style, _) => {
                let null = *style == ScalarStyle::Plain
                    && matches!(v.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                if null {
                    Node::Null(span)
                } else {
                    Node::Scalar(self.scalar(m, v, *style))
                }
            }
            YamlData::Value(v) => {
                let text = self
                    .text
                    .get(span.start..span.end)
                    .unwrap_or("")
                    .to_string();
                match v {
                    saphyr::Scalar::Null => Node::Null(span),
                    saphyr::Scalar::String(s) => Node::Scalar(Scalar {
                        value: s.to_string(),
                        span,
                        verbatim: text == *s,
                        block: false,
                    }),
                    _ => Node::Scalar(Scalar {
                        value: text,
                        span,
                        verbatim: true,
                        block: false,
                    }),
                }
            }
            YamlData::Sequence(items) => Node::Seq(
                items
                    .iter()
                    .map(|i| self.node(i, depth + 1))
                    .collect::<Result<_, _>>()?,
                span,
            ),
            YamlData::Mapping(map) => {
                let mut entries: Vec<(Scalar, Node)> = Vec::new();
                let mut merged: Vec<(Scalar, Node)> = Vec::new();
                for (k, v) in map.iter() {
                    let key = match self.node(k, depth + 1)? {
                        Node::Scalar(s) => s,
                        Node::Null(s) => Scalar {
                            value: String::new(),
                            span: s,
                            verbatim: true,
                            block: false,
                        },
                        // complex keys never name a setting
                        _ => continue,
                    };
                    let value = self.node(v, depth + 1)?;
                    if key.value == "<<" {
                        // `<<: *defaults` or `<<: [*a, *b]`: earlier sources win
                        let sources: Vec<Node> = match value {
                            Node::Seq(items, _) => items,
                            other => vec![other],
                        };
                        for src in sources {
                            if let Node::Map(es, _) = src {
                                for (k2, v2) in es {
                                    if !merged.iter().any(|(k, _)| k.value == k2.value) {
                                        merged.push((k2, v2));
                                    }
                                }
                            }
                        }
                    } else {
                        entries.push((key, value));
                    }
                }
                // explicit keys win over merged ones
                for (k, v) in merged {
                    if !entries.iter().any(|(e, _)| e.value == k.value) {
                        entries.push((k, v));
                    }
                }
                Node::Map(entries, span)
            }
            YamlData::Tagged(tag, inner) => {
                let name = format!("{}{}", tag.handle, tag.suffix);
                Node::Tagged(name, Box::new(self.node(inner, depth + 1)?), span)
            }
            YamlData::Alias(_) | YamlData::BadValue => Node::Null(span),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Node {
        parse(FileId(0), text)
            .expect("parses")
            .into_iter()
            .next()
            .expect("a document")
    }

    #[test]
    fn spans_are_bytes_even_after_multibyte_text() {
        let text = "# café ☕\nenv:\n  DB: 'app_tést'\n  URL: plain\n";
        let d = doc(text);
        let env = d.get("env").expect("env");
        let db = env.get("DB").and_then(Node::as_scalar).expect("DB");
        assert_eq!(&text[db.span.start..db.span.end], "app_tést");
        assert!(db.verbatim);
        let url = env.get("URL").and_then(Node::as_scalar).expect("URL");
        assert_eq!(&text[url.span.start..url.span.end], "plain");
    }

    #[test]
    fn merge_keys_keep_the_definition_span_and_explicit_keys_win() {
        let text = ".base: &base\n  variables:\n    A: one\n    B: two\njob:\n  <<: *base\n  variables:\n    B: mine\n";
        let d = doc(text);
        let job = d.get("job").expect("job");
        let vars = job.get("variables").expect("variables");
        assert_eq!(vars.get("B").and_then(Node::as_str), Some("mine"));
        assert!(
            vars.get("A").is_none(),
            "a merge replaces whole values, it is not a deep merge"
        );
        let d2 = doc(".d: &d\n  A: one\nj:\n  <<: *d\n  C: three\n");
        let a = d2
            .get("j")
            .and_then(|j| j.get("A"))
            .and_then(Node::as_scalar)
            .expect("A");
        assert_eq!(a.span.start, 12, "points at the anchor's definition");
    }

    #[test]
    fn tags_and_block_scalars() {
        let text = "a: !reference [.x, script]\nb: |\n  pytest -q\n  echo ok\n";
        let d = doc(text);
        assert!(matches!(d.get("a"), Some(Node::Tagged(t, _, _)) if t == "!reference"));
        let b = d.get("b").and_then(Node::as_scalar).expect("b");
        assert_eq!(b.value, "pytest -q\necho ok\n");
        assert!(b.block);
    }

    #[test]
    fn bombs_and_depth_are_errors_quickly() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let mut prev = 'a';
        for c in 'b'..='j' {
            bomb.push_str(&format!("{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = c;
        }
        let t = std::time::Instant::now();
        assert!(parse(FileId(0), &bomb).is_err());
        let deep = format!("x: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(FileId(0), &deep).is_err());
        assert!(t.elapsed().as_secs_f64() < 1.0);
    }
}
