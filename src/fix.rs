//! `lint --fix` and `--diff`: the safe, mechanical fixes some findings carry
//! (uncomment the Laravel skeleton's database overrides, `force="true"` on a
//! guarding PHPUnit `<env>`, `APP_ENV` set to the test environment). A fix
//! is a set of byte edits; everything else in the file stays byte for byte.
//! The edit builders here know text shapes (an XML comment, an element's
//! attributes), never a rule.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::source::Span;

/// `<!-- <env name="X" value="y"/> -->` around `inside` → the element alone.
/// Only a comment holding exactly one empty element, on one line.
pub fn uncomment_xml_element(text: &str, inside: Span) -> Option<Edit> {
    let before = text.get(..inside.start)?;
    let open = before.rfind("<!--")?;
    if before[open..].contains("-->") {
        return None;
    }
    let after = text.get(inside.end..)?;
    let close = inside.end + after.find("-->")? + 3;
    let comment = &text[open..close];
    if comment.contains('\n') {
        return None;
    }
    let inner = comment[4..comment.len() - 3].trim();
    let one_element = inner.starts_with('<')
        && inner.ends_with("/>")
        && inner.matches('<').count() == 1
        && !inner.contains("--");
    one_element.then(|| Edit {
        span: Span::new(inside.file, open, close),
        replacement: inner.to_string(),
    })
}

/// The byte range of the XML start tag around `inside` (`<env … />`).
fn element_around(text: &str, inside: Span) -> Option<Range<usize>> {
    let start = text.get(..inside.start)?.rfind('<')?;
    let end = inside.end + text.get(inside.end..)?.find('>')? + 1;
    let tag = &text[start..end];
    (!tag.starts_with("<!--") && !tag[1..].contains('<')).then_some(start..end)
}

/// Sets `attr="value"` on the element around `inside`: replaces the value of
/// an attribute already there, or inserts it before `/>` (or `>`).
pub fn set_xml_attribute(text: &str, inside: Span, attr: &str, value: &str) -> Option<Edit> {
    let range = element_around(text, inside)?;
    let tag = &text[range.clone()];
    // an existing attribute: ` force="false"` or ` force='false'`
    let mut search = 0;
    while let Some(i) = tag[search..].find(attr) {
        let at = search + i;
        search = at + attr.len();
        let preceded = tag[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = tag[search..].trim_start();
        if !preceded || !rest.starts_with('=') {
            continue;
        }
        let after_eq = rest[1..].trim_start();
        let quote = after_eq
            .chars()
            .next()
            .filter(|q| *q == '"' || *q == '\'')?;
        let value_start = range.start + tag.len() - after_eq.len() + 1;
        let value_len = after_eq[1..].find(quote)?;
        return Some(Edit {
            span: Span::new(inside.file, value_start, value_start + value_len),
            replacement: value.to_string(),
        });
    }
    let close = if tag.ends_with("/>") {
        tag.len() - 2
    } else {
        tag.len() - 1
    };
    // keep `value="x"/>` and `value="x" />` as they are written
    let at = range.start + tag[..close].trim_end().len();
    Some(Edit {
        span: Span::new(inside.file, at, at),
        replacement: format!(" {attr}=\"{value}\""),
    })
}

/// `text` with `edits` applied; overlapping edits after the first are
/// dropped (one fix per region per pass, as ruff does).
pub fn apply(text: &str, edits: &[&Edit]) -> String {
    apply_moving(text, edits, &[]).0
}

/// [`apply`], and where the byte ranges `keep` of `text` (sorted, not
/// overlapping) stand in the result: moved with the text around them, or,
/// inside an edit whose replacement quotes them (an uncommented element),
/// found in that replacement; a range an edit deletes is gone.
pub fn apply_moving(
    text: &str,
    edits: &[&Edit],
    keep: &[Range<usize>],
) -> (String, Vec<Range<usize>>) {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut moved = Vec::with_capacity(keep.len());
    let mut pos = 0;
    // ranges of `keep` wholly inside text[from..to], copied to `out` at `at`
    let carry = |from: usize, to: usize, at: usize, moved: &mut Vec<Range<usize>>| {
        for r in keep.iter().filter(|r| from <= r.start && r.end <= to) {
            moved.push(at + r.start - from..at + r.end - from);
        }
    };
    for e in sorted {
        if e.span.start < pos || e.span.end > text.len() {
            continue;
        }
        let (Some(kept), true) = (
            text.get(pos..e.span.start),
            text.is_char_boundary(e.span.end),
        ) else {
            continue;
        };
        carry(pos, e.span.start, out.len(), &mut moved);
        out.push_str(kept);
        let at = out.len();
        out.push_str(&e.replacement);
        for r in keep
            .iter()
            .filter(|r| r.start < e.span.end && e.span.start < r.end)
        {
            let Some(quoted) = text.get(r.clone()) else {
                continue;
            };
            let mut from = 0;
            while let Some(i) = e.replacement[from..].find(quoted) {
                moved.push(at + from + i..at + from + i + quoted.len());
                from += i + quoted.len().max(1);
            }
        }
        pos = e.span.end;
    }
    carry(pos, text.len(), out.len(), &mut moved);
    out.push_str(text.get(pos..).unwrap_or(""));
    moved.sort_by_key(|r| (r.start, r.end));
    moved.dedup();
    (out, moved)
}

/// The unified diff `--diff` prints for one file's fixes, with every secret
/// of the file masked on both sides the way every output masks it: the same
/// four stars, whatever the secret's length.
pub fn masked_diff(f: &crate::source::SourceFile, edits: &[&Edit]) -> String {
    let hidden = crate::mask::hidden_runs(f);
    let (after, moved) = apply_moving(&f.text, edits, &hidden);
    let before = crate::mask::Redacted::new(&f.text, &hidden);
    let after = crate::mask::Redacted::new(&after, &moved);
    let diff = unified_diff(&f.path, &before.text, &after.text);
    // a file's control bytes (an escape sequence) never reach the terminal
    diff.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// The fixes of `diagnostics`, grouped by file index.
pub fn by_file(diagnostics: &[Diagnostic]) -> Vec<(usize, Vec<&Edit>)> {
    let mut out: Vec<(usize, Vec<&Edit>)> = Vec::new();
    for fix in diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
        for e in &fix.edits {
            match out.iter_mut().find(|(f, _)| *f == e.span.file.0) {
                Some((_, v)) => v.push(e),
                None => out.push((e.span.file.0, vec![e])),
            }
        }
    }
    out.sort_by_key(|(f, _)| *f);
    out
}

/// A unified diff of one file's change (`--diff`).
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<Edit>) -> Option<Fix> {
        (!edits.is_empty()).then(|| Fix {
            title: title.into(),
            edits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span_of(text: &str, needle: &str) -> Span {
        let s = text.find(needle).expect("needle");
        Span::new(FileId(0), s, s + needle.len())
    }

    #[test]
    fn uncomments_one_element() {
        let t = "<php>\n        <!-- <env name=\"DB_DATABASE\" value=\":memory:\"/> -->\n</php>\n";
        let e = uncomment_xml_element(t, span_of(t, "DB_DATABASE")).expect("edit");
        assert_eq!(
            apply(t, &[&e]),
            "<php>\n        <env name=\"DB_DATABASE\" value=\":memory:\"/>\n</php>\n"
        );
        // two elements, or prose, in one comment: left alone
        let two = "<!-- <env name=\"A\" value=\"1\"/> <env name=\"B\" value=\"2\"/> -->";
        assert!(uncomment_xml_element(two, span_of(two, "A")).is_none());
        let prose = "<!-- set DB_DATABASE here -->";
        assert!(uncomment_xml_element(prose, span_of(prose, "DB_DATABASE")).is_none());
        let closed = "<!-- x --> <env name=\"DB_DATABASE\"/>";
        assert!(uncomment_xml_element(closed, span_of(closed, "DB_DATABASE")).is_none());
    }

    #[test]
    fn sets_an_attribute_in_place_or_adds_it() {
        let t = "<env name=\"DB_DATABASE\" value=\"t\"/>";
        let e = set_xml_attribute(t, span_of(t, "DB_DATABASE"), "force", "true").expect("edit");
        assert_eq!(
            apply(t, &[&e]),
            "<env name=\"DB_DATABASE\" value=\"t\" force=\"true\"/>"
        );
        let spaced = "<env name=\"X\" value=\"t\" />";
        let e = set_xml_attribute(spaced, span_of(spaced, "X"), "force", "true").expect("edit");
        assert_eq!(
            apply(spaced, &[&e]),
            "<env name=\"X\" value=\"t\" force=\"true\" />"
        );
        let forced = "<env name=\"X\" force='false' value=\"t\"/>";
        let e = set_xml_attribute(forced, span_of(forced, "X"), "force", "true").expect("edit");
        assert_eq!(
            apply(forced, &[&e]),
            "<env name=\"X\" force='true' value=\"t\"/>"
        );
        // `enforce=` is not `force=`
        let other = "<env name=\"X\" enforce=\"1\" value=\"t\"/>";
        let e = set_xml_attribute(other, span_of(other, "X"), "force", "true").expect("edit");
        assert_eq!(
            apply(other, &[&e]),
            "<env name=\"X\" enforce=\"1\" value=\"t\" force=\"true\"/>"
        );
    }

    #[test]
    fn overlapping_edits_keep_the_first() {
        let t = "abcdef";
        let a = Edit {
            span: Span::new(FileId(0), 1, 3),
            replacement: "X".into(),
        };
        let b = Edit {
            span: Span::new(FileId(0), 2, 4),
            replacement: "Y".into(),
        };
        assert_eq!(apply(t, &[&b, &a]), "aXdef");
    }
}
