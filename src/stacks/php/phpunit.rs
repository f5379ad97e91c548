//! PHPUnit configuration (`phpunit.xml`, `phpunit.xml.dist`, `phpunit.dist.xml`,
//! `phpunit.*.xml`): the `<php>` block's `<env>` and `<server>` entries.
//!
//! Comments are events of their own and never become settings: Laravel's
//! skeleton shipped `<!-- <env name="DB_DATABASE" value=":memory:"/> -->` for
//! years, and it sets nothing. Entities are decoded for checking but never
//! expanded from a DTD (quick-xml does not read DTDs).

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::model::{EnvSource, Setting, TestEnv, Via};
use crate::source::{FileId, SourceFile, Span, Spanned};
use crate::stacks::ParseIssue;

/// Deeper nesting than this is not a PHPUnit file; stop before it costs anything.
pub const MAX_XML_DEPTH: usize = 256;

/// Byte offset of `part` inside `whole`, when `part` borrows from it.
fn offset_in(whole: &str, part: &[u8]) -> Option<usize> {
    let w = whole.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    (p >= w && p + part.len() <= w + whole.len()).then(|| p - w)
}

struct Attr {
    value: String,
    range: std::ops::Range<usize>,
    verbatim: bool,
    /// Where the decoded value's bytes sit in the raw one, when not verbatim.
    raw_offsets: Option<std::sync::Arc<[usize]>>,
}

fn attrs(text: &str, e: &BytesStart<'_>, issues: &mut Vec<(usize, String)>) -> Vec<(String, Attr)> {
    let mut out = Vec::new();
    for a in e.attributes() {
        match a {
            Ok(a) => {
                let key = a.key.as_ref().to_string();
                let raw = a.value.as_ref();
                let start = offset_in(text, raw.as_bytes()).unwrap_or(0);
                let range = start..start + raw.len();
                let (value, verbatim) = match a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                {
                    Ok(v) => {
                        let verbatim = v.as_ref() == raw;
                        (v.into_owned(), verbatim)
                    }
                    // an unknown entity stays as written: it is never expanded
                    Err(_) => (raw.to_string(), true),
                };
                let raw_offsets = if verbatim {
                    None
                } else {
                    crate::syntax::xml_decoded_offsets(raw, &value)
                };
                out.push((
                    key,
                    Attr {
                        value,
                        range,
                        verbatim,
                        raw_offsets,
                    },
                ));
            }
            Err(err) => issues.push((0, format!("malformed attribute: {err}"))),
        }
    }
    out
}

pub fn parse(id: FileId, file: &SourceFile) -> (Vec<TestEnv>, Vec<ParseIssue>) {
    let text = file.text.as_str();
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut issues = Vec::new();
    let mut settings = Vec::new();
    let mut depth = 0usize;
    let mut php_depth: Option<usize> = None;
    let mut root_span: Option<Span> = None;
    let mut php_span: Option<Span> = None;
    let mut commented_out = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(err) => {
                let pos = (reader.error_position() as usize).min(text.len());
                let end = next_boundary(text, pos);
                issues.push(ParseIssue {
                    span: Span::new(id, pos, end),
                    message: format!("malformed XML: {err}"),
                });
                break;
            }
        };
        let after = (reader.buffer_position() as usize).min(text.len());
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(ev, Event::Empty(_));
                let name = e.local_name();
                let name: &str = name.as_ref();
                let tag_span = Span::new(id, before, after);
                if root_span.is_none() {
                    root_span = Some(tag_span);
                }
                // PHPUnit's own `<php>` is a child of `<phpunit>`; a coverage
                // report's `<php outputFile=…/>` is another element
                let top_php = name == "php" && depth == 1;
                if top_php && php_span.is_none() {
                    php_span = Some(tag_span);
                }
                if php_depth.is_some() && (name == "env" || name == "server") {
                    let mut local = Vec::new();
                    let a = attrs(text, e, &mut local);
                    for (_, m) in local {
                        issues.push(ParseIssue {
                            span: tag_span,
                            message: m,
                        });
                    }
                    if let Some(s) = entry(id, name == "env", &a, tag_span) {
                        settings.push(s);
                    }
                }
                if !is_empty {
                    depth += 1;
                    if top_php && php_depth.is_none() {
                        php_depth = Some(depth);
                    }
                    if depth > MAX_XML_DEPTH {
                        issues.push(ParseIssue {
                            span: tag_span,
                            message: format!(
                                "XML nested deeper than {MAX_XML_DEPTH} elements; not read further"
                            ),
                        });
                        break;
                    }
                }
            }
            Event::Comment(ref c) if php_depth.is_some() => {
                let inner: &str = c.as_ref();
                commented_out.extend(settings_in_comment(id, text, inner));
            }
            Event::End(_) => {
                if php_depth == Some(depth) {
                    php_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => {
                if depth > 0 {
                    issues.push(ParseIssue {
                        span: Span::new(id, text.len(), text.len()),
                        message: "XML ends before its elements are closed (truncated file?)".into(),
                    });
                }
                break;
            }
            _ => {}
        }
    }
    if root_span.is_none() && issues.is_empty() {
        issues.push(ParseIssue {
            span: Span::new(id, 0, 0),
            message: "no XML element: this is not a PHPUnit configuration".into(),
        });
    }
    // PHPUnit refuses a malformed file: none of its settings apply
    if !issues.is_empty() {
        return (Vec::new(), issues);
    }
    let anchor = php_span.or(root_span).unwrap_or(Span::new(id, 0, 0));
    let mut env = TestEnv::local(
        format!("PHPUnit ({})", file.path),
        EnvSource::Phpunit,
        file,
        id,
        anchor,
        settings,
    );
    env.commented_out = commented_out;
    (vec![env], issues)
}

/// `<env>`/`<server>` elements written inside a comment: what the file would
/// set if the comment were removed. Spans point into the file (the comment's
/// text borrows from it).
fn settings_in_comment(id: FileId, text: &str, inner: &str) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut reader = Reader::from_str(inner);
    let mut ignored = Vec::new();
    for _ in 0..64 {
        let tag_start = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Empty(ref e)) | Ok(Event::Start(ref e)) => {
                let name = e.local_name();
                let name: &str = name.as_ref();
                if name == "env" || name == "server" {
                    let a = attrs(text, e, &mut ignored);
                    let base = offset_in(text, inner.as_bytes()).unwrap_or(0);
                    let end = (reader.buffer_position() as usize).min(inner.len());
                    let tag = Span::new(id, base + tag_start, base + end);
                    if let Some(s) = entry(id, name == "env", &a, tag) {
                        out.push(s);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

fn next_boundary(text: &str, pos: usize) -> usize {
    let mut end = (pos + 1).min(text.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

fn entry(id: FileId, is_env: bool, attrs: &[(String, Attr)], tag: Span) -> Option<Setting> {
    let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, a)| a);
    let name = get("name")?;
    let (value, vrange, verbatim, raw_offsets) = match get("value") {
        Some(v) => (
            v.value.clone(),
            v.range.clone(),
            v.verbatim,
            v.raw_offsets.clone(),
        ),
        // no value attribute: PHPUnit sets an empty string
        None => (
            String::new(),
            tag.end.saturating_sub(2)..tag.end.saturating_sub(2),
            false,
            None,
        ),
    };
    let force = get("force").is_some_and(|f| matches!(f.value.trim(), "true" | "1"));
    let via = if is_env {
        Via::PhpunitEnv { force }
    } else {
        Via::PhpunitServer
    };
    Some(Setting {
        key: Spanned::new(
            name.value.clone(),
            Span::new(id, name.range.start, name.range.end),
        ),
        value,
        value_span: Span::new(id, vrange.start, vrange.end),
        verbatim,
        overridable: is_env && !force,
        via,
        unset: false,
        provenance: None,
        raw_offsets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceKind;

    fn run(text: &str) -> (Vec<TestEnv>, Vec<ParseIssue>) {
        let f = SourceFile::new("phpunit.xml".into(), SourceKind::Phpunit, text.into());
        parse(FileId(0), &f)
    }

    #[test]
    fn env_server_force_and_comments() {
        let text = r#"<?xml version="1.0"?>
<phpunit>
  <php>
    <server name="APP_ENV" value="testing"/>
    <env name="DB_CONNECTION" value="sqlite" force="true"/>
    <!-- <env name="DB_DATABASE" value=":memory:"/> -->
    <env name="X" value="a&amp;b"/>
  </php>
</phpunit>
"#;
        let (envs, issues) = run(text);
        assert!(issues.is_empty(), "{issues:?}");
        let s = &envs[0].settings;
        assert_eq!(s.len(), 3);
        assert_eq!(
            (
                s[0].key.value.as_str(),
                s[0].value.as_str(),
                s[0].overridable
            ),
            ("APP_ENV", "testing", false)
        );
        assert_eq!(&text[s[1].value_span.start..s[1].value_span.end], "sqlite");
        assert!(!s[1].overridable);
        assert_eq!(s[2].value, "a&b");
        assert!(!s[2].verbatim);
        assert_eq!(&text[envs[0].anchor.start..envs[0].anchor.end], "<php>");
        let c = &envs[0].commented_out;
        assert_eq!(c.len(), 1);
        assert_eq!(
            (
                c[0].key.value.as_str(),
                &text[c[0].value_span.start..c[0].value_span.end]
            ),
            ("DB_DATABASE", ":memory:")
        );
    }

    #[test]
    fn truncated_and_garbage() {
        let (_, issues) = run("<phpunit><php><env name=\"A\" value=\"1\"/>");
        assert_eq!(issues.len(), 1);
        let (_, issues) = run("<phpunit><php></phpunt></phpunit>");
        assert_eq!(issues.len(), 1);
        let (_, issues) = run("\u{0}\u{1}garbage");
        assert!(!issues.is_empty());
    }

    #[test]
    fn entities_are_never_expanded() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>\n<phpunit><php><env name=\"DB_DATABASE\" value=\"&lol2;\"/></php></phpunit>\n";
        let (envs, _) = run(text);
        assert_eq!(envs[0].settings[0].value, "&lol2;");
    }
}
