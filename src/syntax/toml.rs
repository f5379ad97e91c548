//! TOML through `toml::de::DeTable`, which keeps byte spans of keys and values.

use std::ops::Range;

use toml::Spanned;
pub use toml::de::{DeTable, DeValue};

/// A parsed TOML document and its errors (recoverable: a broken line does not
/// hide the rest of the file).
pub struct TomlDoc<'i> {
    pub root: Spanned<DeTable<'i>>,
    pub errors: Vec<(Range<usize>, String)>,
}

pub fn parse(text: &str) -> TomlDoc<'_> {
    let bom = super::ini::bom_len(text);
    let body = &text[bom..];
    let (root, errors) = DeTable::parse_recoverable(body);
    let errors = errors
        .into_iter()
        .map(|e| {
            let r = e.span().unwrap_or(0..0);
            (r.start + bom..r.end + bom, e.message().to_string())
        })
        .collect();
    let root = if bom == 0 {
        root
    } else {
        // shift every span past the BOM
        let mut t = root.into_inner();
        shift_table(&mut t, bom);
        Spanned::new(0..text.len(), t)
    };
    TomlDoc { root, errors }
}

fn shift_table(t: &mut DeTable<'_>, by: usize) {
    let entries: Vec<_> = std::mem::take(t).into_iter().collect();
    for (k, mut v) in entries {
        let ks = k.span();
        let vs = v.span();
        shift_value(v.get_mut(), by);
        let k = Spanned::new(ks.start + by..ks.end + by, k.into_inner());
        let v = Spanned::new(vs.start + by..vs.end + by, v.into_inner());
        t.insert(k, v);
    }
}

fn shift_value(v: &mut DeValue<'_>, by: usize) {
    match v {
        DeValue::Table(t) => shift_table(t, by),
        DeValue::Array(a) => {
            for item in a.iter_mut() {
                let s = item.span();
                shift_value(item.get_mut(), by);
                let inner = std::mem::replace(item.get_mut(), DeValue::Boolean(false));
                *item = Spanned::new(s.start + by..s.end + by, inner);
            }
        }
        _ => {}
    }
}

/// Looks up a dotted path of tables (`["tool", "pytest", "ini_options"]`).
pub fn get_path<'a, 'i>(table: &'a DeTable<'i>, path: &[&str]) -> Option<&'a Spanned<DeValue<'i>>> {
    let (first, rest) = path.split_first()?;
    let v = table.get(*first)?;
    if rest.is_empty() {
        return Some(v);
    }
    get_path(v.get_ref().as_table()?, rest)
}

/// The bytes inside a string value's quotes, and whether they are the value
/// verbatim (no escapes to decode).
pub fn string_inner(text: &str, span: Range<usize>) -> (Range<usize>, bool) {
    let raw = text.get(span.clone()).unwrap_or("");
    for (delim, escapes) in [("\"\"\"", true), ("'''", false), ("\"", true), ("'", false)] {
        if raw.len() >= 2 * delim.len() && raw.starts_with(delim) && raw.ends_with(delim) {
            let mut start = span.start + delim.len();
            let end = span.end - delim.len();
            // a newline right after an opening `"""` is not part of the value
            if delim.len() == 3 {
                if text[start..end].starts_with("\r\n") {
                    start += 2;
                } else if text[start..end].starts_with('\n') {
                    start += 1;
                }
            }
            let verbatim = !(escapes && text[start..end].contains('\\'));
            return (start..end, verbatim);
        }
    }
    (span, true)
}

/// A TOML value as a string the way an ini value would read (strings as they
/// are; numbers and booleans as written).
pub fn scalar_text(v: &DeValue<'_>) -> Option<String> {
    match v {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Integer(i) => Some(i.as_str().to_string()),
        DeValue::Float(f) => Some(f.as_str().to_string()),
        DeValue::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_survive_a_bom() {
        let text = "\u{feff}[tool.pytest]\nx = 'abc'\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty());
        let x = get_path(doc.root.get_ref(), &["tool", "pytest", "x"]).expect("x");
        let (inner, verbatim) = string_inner(text, x.span());
        assert_eq!(&text[inner], "abc");
        assert!(verbatim);
    }

    #[test]
    fn escapes_are_not_verbatim() {
        let text = "x = \"a\\u0041\"\n";
        let doc = parse(text);
        let x = get_path(doc.root.get_ref(), &["x"]).expect("x");
        assert!(!string_inner(text, x.span()).1);
    }
}
