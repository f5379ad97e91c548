//! What a shallow, literal reading of source code yields: values
//! as written, never evaluated. A language module ([`super::python`],
//! [`super::php`]) turns its syntax tree into these; whatever it cannot read
//! literally is [`Value::Unknown`], and a rule never judges a name it did not
//! read.

use std::ops::Range;

/// A value written in code. Ranges are byte offsets in the file.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string literal (or literal strings joined with `+` / `.`); `range`
    /// covers the text inside the quotes, `verbatim` says whether that text
    /// equals `text` byte for byte (no escapes, no joins).
    Str {
        text: String,
        range: Range<usize>,
        verbatim: bool,
    },
    Number(String),
    Bool(bool),
    Null,
    /// A dict / associative array with literal string keys, in order; entries
    /// with any other key are left out.
    Map(Vec<Entry>),
    List(Vec<Value>),
    /// A read of an environment variable with its default when one is given:
    /// `env('DB_DATABASE', 'forge')`, `os.environ.get("X", "d")`,
    /// `os.getenv("X")`, `os.environ["X"]`, `getenv('X')`.
    EnvRead {
        key: String,
        key_range: Range<usize>,
        default: Option<Box<Value>>,
        range: Range<usize>,
    },
    /// Any other call, by its dotted callee: `dj_database_url.config(...)`,
    /// `database_path('x.sqlite')`.
    Call {
        callee: String,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
        range: Range<usize>,
    },
    /// `a or b` (Python): the first of its parts that is set and non-empty.
    BoolOr(Vec<Value>),
    /// A path joined from parts: `BASE_DIR / "db.sqlite3"` (Python's
    /// `pathlib` operator), `os.path.join(BASE_DIR, "db.sqlite3")`.
    PathJoin {
        parts: Vec<Value>,
        range: Range<usize>,
    },
    /// A bare name or attribute (`BASE_DIR`, `self::X`).
    Name(String),
    /// Anything a literal reading cannot decide.
    Unknown(Range<usize>),
}

/// One `key => value` of a [`Value::Map`].
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_range: Range<usize>,
    pub value: Value,
}

impl Value {
    /// The literal last part of a joined path (`"db.sqlite3"` in
    /// `BASE_DIR / "db.sqlite3"`): a `Str`.
    pub fn path_tail(&self) -> Option<&Value> {
        let parts = match self {
            Value::PathJoin { parts, .. } => parts,
            Value::Call { callee, args, .. } if callee == "os.path.join" => args,
            _ => return None,
        };
        parts.last().filter(|p| matches!(p, Value::Str { .. }))
    }

    /// The entry `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|e| e.key == key)
                .map(|e| &e.value),
            _ => None,
        }
    }

    /// The entry `key` of a map, with the range of its key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match self {
            Value::Map(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The literal string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The literal string a value comes to when the environment does not set
    /// the variable it reads: the string itself, or an env read's literal
    /// default. `None` when no literal decides it.
    pub fn default_str(&self) -> Option<(&str, &Range<usize>, bool)> {
        match self {
            Value::Str {
                text,
                range,
                verbatim,
            } => Some((text, range, *verbatim)),
            Value::EnvRead {
                default: Some(d), ..
            } => d.default_str(),
            _ => None,
        }
    }

    /// The callee's last dotted segment, for a call.
    /// The bytes the value is written at, for the values that keep them
    /// (a number, a bool, `null`, a map or a list: `0..0`).
    pub fn written_range(&self) -> Range<usize> {
        match self {
            Value::Str { range, .. }
            | Value::EnvRead { range, .. }
            | Value::Call { range, .. }
            | Value::PathJoin { range, .. }
            | Value::Unknown(range) => range.clone(),
            _ => 0..0,
        }
    }

    pub fn callee_name(&self) -> Option<&str> {
        match self {
            Value::Call { callee, .. } => callee.rsplit(['.', ':', '\\']).next(),
            _ => None,
        }
    }

    /// A keyword argument of a call.
    pub fn kwarg(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Call { kwargs, .. } => kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// The parser of one tree-sitter grammar, kept per thread: building one and
/// loading the grammar costs more than parsing a settings file.
pub type ThreadParser = std::thread::LocalKey<std::cell::RefCell<Option<tree_sitter::Parser>>>;

/// Parses `src` with the thread's parser for `language`; `None` if the
/// grammar cannot be loaded or the parse gives up.
pub fn parse_tree(
    parser: &'static ThreadParser,
    language: fn() -> tree_sitter::Language,
    src: &str,
) -> Option<tree_sitter::Tree> {
    parser.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&language()).ok()?;
            *slot = Some(p);
        }
        slot.as_mut()?.parse(src, None)
    })
}

/// A literal string's content and range, from a quoted token: `'x'`, `"x"`,
/// Python prefixes (`r"…"`, `u'…'`, `b"…"`) and triple quotes. `None` for a
/// token that is not a plain literal (an f-string, a PHP string with `$`
/// interpolation is the caller's to refuse).
pub fn unquote(token: &str, start: usize) -> Option<(String, Range<usize>, bool)> {
    let prefix_len = token
        .find(['\'', '"'])
        .filter(|&i| token[..i].chars().all(|c| "rRuUbB".contains(c)))?;
    let raw = token[..prefix_len].contains(['r', 'R']);
    let body = &token[prefix_len..];
    let quote = if body.starts_with("\"\"\"") || body.starts_with("'''") {
        &body[..3]
    } else {
        &body[..1]
    };
    if body.len() < 2 * quote.len() || !body.ends_with(quote) {
        return None;
    }
    let inner = &body[quote.len()..body.len() - quote.len()];
    let inner_start = start + prefix_len + quote.len();
    let range = inner_start..inner_start + inner.len();
    if raw || !inner.contains('\\') {
        return Some((inner.to_string(), range, true));
    }
    // the escapes config files use; anything else is kept as written
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(q @ ('\\' | '\'' | '"')) => out.push(q),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Some((out, range, false))
}

/// Literal strings joined into one (`"a" + "b"`, `'a' . 'b'`); `None` unless
/// every part is a literal string.
pub fn concat(parts: &[Value], range: Range<usize>) -> Value {
    let mut text = String::new();
    for p in parts {
        match p {
            Value::Str { text: t, .. } => text.push_str(t),
            _ => return Value::Unknown(range),
        }
    }
    Value::Str {
        text,
        range,
        verbatim: false,
    }
}

#[cfg(test)]
mod tests {
    use super::unquote;

    #[test]
    fn unquotes_python_and_php_literals() {
        assert_eq!(unquote("'abc'", 10), Some(("abc".into(), 11..14, true)));
        assert_eq!(unquote("r\"a\\b\"", 0), Some(("a\\b".into(), 2..5, true)));
        assert_eq!(unquote("'a\\'b'", 0), Some(("a'b".into(), 1..5, false)));
        assert_eq!(unquote("\"\"\"x\"\"\"", 0), Some(("x".into(), 3..4, true)));
        assert_eq!(unquote("f'x{y}'", 0), None);
        assert_eq!(unquote("'", 0), None);
        assert_eq!(unquote("''", 0), Some((String::new(), 1..1, true)));
    }
}
