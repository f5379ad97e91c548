//! Renderers. None of them knows any rule: they see diagnostics and files.

pub mod human;
pub mod json;

use crate::Outcome;
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
