//! Human output: rustc-style diagnostics through miette, snippets cut from the
//! masked text so that no secret is ever shown.

use super::printable;
use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Outcome;
use crate::mask::Redacted;
use crate::source::{FileId, Span};

/// Whether to colour: a terminal, and `NO_COLOR` unset or empty (miette itself
/// treats `NO_COLOR=0` as colour on).
pub fn use_colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

struct Rendered {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

/// A file as snippets show it: every secret replaced by the same four stars
/// (whatever its length), with the map that moves spans onto that text.
fn source_of(outcome: &Outcome, file: FileId) -> Option<(NamedSource<String>, Redacted)> {
    let f = outcome.workspace.file(file);
    if f.text.is_empty() {
        return None;
    }
    let view = Redacted::of(f);
    Some((
        NamedSource::new(f.path.clone(), printable(&view.text)),
        view,
    ))
}

/// Labels further than this from the primary span are drawn apart.
const MAX_LINES_BETWEEN: usize = 30;

fn labeled(view: &Redacted, span: Span, label: Option<String>) -> LabeledSpan {
    LabeledSpan::new_with_span(label, SourceSpan::from(view.range(span.start, span.end)))
}

fn build(outcome: &Outcome, d: &Diagnostic) -> Rendered {
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let (source, view) = match d.primary.and_then(|p| source_of(outcome, p.file)) {
        Some((s, v)) => (Some(s), Some(v)),
        None => (None, None),
    };
    // A label inside the primary span (the database name inside a URL) is the
    // more exact place: it becomes the underlined primary, because miette draws
    // nested underlines on one line as one and misplaces the inner arrow.
    // (or the very same bytes: its message then names the primary span)
    let inner = |l: &&crate::diagnostic::Label| {
        d.primary.is_some_and(|p| {
            p.file == l.span.file && p.start <= l.span.start && l.span.end <= p.end
        })
    };
    let promoted = d.labels.iter().find(inner);
    if let Some(p) = d.primary
        && let Some(view) = &view
    {
        let (span, text) = match promoted {
            Some(l) => (l.span, Some(printable(&l.message))),
            None => (p, d.primary_label.clone()),
        };
        labels.push(LabeledSpan::new_primary_with_span(
            text,
            SourceSpan::from(view.range(span.start, span.end)),
        ));
    }
    for l in &d.labels {
        if promoted.is_some_and(|p| std::ptr::eq(p, l)) {
            continue;
        }
        // a label many lines from the primary one gets a snippet of its
        // own: one snippet would print every line between them
        let near = d.primary.is_some_and(|p| {
            p.file == l.span.file && {
                let text = &outcome.workspace.file(p.file).text;
                let (a, b) = (p.start.min(l.span.start), p.end.max(l.span.end));
                text.get(a..b)
                    .is_some_and(|between| between.matches('\n').count() <= MAX_LINES_BETWEEN)
            }
        });
        match &view {
            Some(view) if near => {
                labels.push(labeled(view, l.span, Some(printable(&l.message))));
            }
            _ => {
                if let Some((src, other)) = source_of(outcome, l.span.file) {
                    related.push(Rendered {
                        message: printable(&l.message),
                        code: String::new(),
                        severity: miette::Severity::Advice,
                        help: None,
                        source: Some(src),
                        labels: vec![labeled(&other, l.span, None)],
                        related: Vec::new(),
                    });
                }
            }
        }
    }
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    Rendered {
        message: printable(&d.message),
        code: format!("{} {}", d.code, d.rule),
        severity,
        help: match (&d.help, &d.fix) {
            (Some(h), Some(f)) => Some(printable(&format!(
                "{h}\nfix available: {} (`testguard lint --fix`)",
                f.title
            ))),
            (None, Some(f)) => Some(printable(&format!(
                "fix available: {} (`testguard lint --fix`)",
                f.title
            ))),
            (h, None) => h.as_deref().map(printable),
        },
        source,
        labels,
        related,
    }
}

/// Renders every diagnostic, then (unless `quiet`) a summary line.
pub fn render(outcome: &Outcome, colour: bool, quiet: bool) -> String {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1)
        .with_width(100);
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let r = build(outcome, d);
        let mut s = String::new();
        if handler.render_report(&mut s, &r).is_err() {
            s = format!(
                "{}[{}]: {}\n",
                d.severity.as_str(),
                d.code,
                printable(&d.message)
            );
        }
        out.push_str(&s);
        out.push('\n');
    }
    if !quiet {
        out.push_str(&summary(outcome));
    }
    out
}

/// One line per finding, as rustc's short format writes them:
/// `path:line:col: error[TG101]: message (database-not-test)`.
pub fn render_concise(outcome: &Outcome, colour: bool, quiet: bool) -> String {
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let severity = match (d.severity, colour) {
            (Severity::Error, true) => "\x1b[1;31merror\x1b[0m".to_string(),
            (Severity::Warning, true) => "\x1b[1;33mwarning\x1b[0m".to_string(),
            (s, false) => s.as_str().to_string(),
        };
        if let Some(p) = d.primary {
            let at = super::locate(outcome, p);
            out.push_str(&format!("{}:{}:{}: ", at.path, at.line, at.column));
        }
        out.push_str(&format!(
            "{severity}[{}]: {} ({})\n",
            d.code,
            printable(&d.message).replace('\n', " "),
            d.rule
        ));
    }
    if !quiet {
        out.push_str(&summary(outcome));
    }
    out
}

/// The last line of a human report: what was found, and what was checked.
pub fn summary(outcome: &Outcome) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let suppressed = match outcome.suppressed {
        0 => String::new(),
        n => format!(" ({n} suppressed)"),
    };
    let unresolved = outcome
        .workspace
        .accounts
        .iter()
        .filter(|a| a.database.verdict == crate::model::Verdict::Unresolved)
        .count();
    // a clean lint that could not decide every run says so
    let found = match (outcome.diagnostics.is_empty(), unresolved) {
        (true, 0) => "no problems".to_string(),
        (true, n) => format!(
            "no findings, but {} {} unresolved",
            plural(n, "test run"),
            if n == 1 { "is" } else { "are" }
        ),
        (false, _) => super::counts(outcome),
    };
    let list = "`testguard lint --show-files` lists what it reads";
    let files = match &outcome.scope {
        Some(scope) if outcome.files_scanned == 0 && outcome.diagnostics.is_empty() => format!(
            "testguard: nothing checked: testguard reads no file in {} ({list})\n",
            scope.describe()
        ),
        Some(scope) => format!(
            "testguard: {found}{suppressed} in {} ({} of {} read)\n",
            scope.describe(),
            plural(outcome.files_scanned, "file"),
            outcome.files_read
        ),
        None if outcome.files_read == 0 && outcome.workspace.accounts.is_empty() => {
            format!("testguard: nothing checked: no test configuration found ({list})\n")
        }
        None => format!(
            "testguard: {found}{suppressed} ({} read)\n",
            plural(outcome.files_read, "file")
        ),
    };
    if outcome.files_read == 0 && outcome.workspace.accounts.is_empty() {
        return files;
    }
    files + &super::runs::summary_line(outcome)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn terminal_control_never_passes_and_lengths_stay() {
        for (raw, want) in [
            ("a\x1b[31mb", "a?[31mb"),
            ("x\u{9b}2J", "x??2J"),
            ("n\u{202e}gnp.exe", "n???gnp.exe"),
            ("tab\tand\r\nlines", "tab\tand\r\nlines"),
            ("nul\0", "nul?"),
        ] {
            let got = printable(raw);
            assert_eq!(got, want);
            assert_eq!(got.len(), raw.len());
        }
    }
}
