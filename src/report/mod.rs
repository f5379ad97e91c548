//! Renderers. None of them knows any rule: they see diagnostics and files.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod runs;
pub mod sarif;

use crate::engine::Outcome;
use crate::source::Span;

/// Line/column facts of a span, as every output format reports them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn locate(outcome: &Outcome, span: Span) -> Location {
    let f = outcome.workspace.file(span.file);
    let (line, column) = f.line_col(span.start);
    let (end_line, end_column) = f.line_col(span.end);
    Location {
        path: f.path.clone(),
        line,
        column,
        end_line,
        end_column,
    }
}

/// `1 error, 2 warnings` — the counts, in words.
pub fn counts(outcome: &Outcome) -> String {
    use crate::diagnostic::Severity;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(outcome.count(Severity::Error), "error"),
        plural(outcome.count(Severity::Warning), "warning")
    )
}

/// A fingerprint that survives runs and line moves: the rule, the file, the
/// masked text of the flagged bytes and the message, and how many identical
/// findings came before in the same file — never a line number, never a secret.
pub fn fingerprints(outcome: &Outcome) -> Vec<String> {
    fingerprints_of(outcome, &outcome.diagnostics)
}

/// [`fingerprints`] for any list of the outcome's diagnostics.
pub fn fingerprints_of(
    outcome: &Outcome,
    diagnostics: &[crate::diagnostic::Diagnostic],
) -> Vec<String> {
    let mut seen: Vec<u64> = Vec::new();
    diagnostics
        .iter()
        .map(|d| {
            let (path, text) = match d.primary {
                Some(p) => {
                    let f = outcome.workspace.file(p.file);
                    (
                        f.path.as_str(),
                        crate::mask::masked(f).get(p.start..p.end).unwrap_or(""),
                    )
                }
                None => ("", ""),
            };
            let base = fnv(&[d.code, path, text, &d.message], 0);
            let n = seen.iter().filter(|s| **s == base).count();
            seen.push(base);
            format!(
                "{:016x}{:016x}",
                base,
                fnv(&[d.code, path, text, &d.message, &n.to_string()], 1)
            )
        })
        .collect()
}

/// FNV-1a over parts (with a separator), seeded: stable across platforms and releases.
fn fnv(parts: &[&str], seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// `--statistics`: how many findings each rule has, most first (a table, or
/// JSON: `[{"code", "name", "count", "fixable"}]`).
pub fn statistics(outcome: &Outcome, json: bool) -> String {
    let mut rows: Vec<(&str, &str, usize, usize)> = Vec::new();
    for d in &outcome.diagnostics {
        match rows.iter_mut().find(|r| r.0 == d.code) {
            Some(r) => {
                r.2 += 1;
                r.3 += usize::from(d.fix.is_some());
            }
            None => rows.push((d.code, d.rule, 1, usize::from(d.fix.is_some()))),
        }
    }
    rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    if json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(code, name, count, fixable)| {
                serde_json::json!({"code": code, "name": name, "count": count, "fixable": fixable})
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let width = rows
        .iter()
        .map(|r| r.2.to_string().len())
        .max()
        .unwrap_or(1);
    let mut s = String::new();
    for (code, name, count, fixable) in &rows {
        let fix = if *fixable > 0 { "  [fixable]" } else { "" };
        s.push_str(&format!("{count:>width$}  {code}  {name}{fix}\n"));
    }
    s
}

/// Control characters from a file (an escape sequence in a value, a NUL, a
/// C1 `CSI`) must not reach the terminal, nor bidirectional overrides that
/// make a snippet read differently from its bytes ("Trojan Source"): each
/// becomes `?` once per byte, so spans still point at the same bytes.
pub(crate) fn printable(s: &str) -> String {
    if !s.chars().any(is_unsafe) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}
