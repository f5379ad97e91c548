//! `--format json`: stable and versioned.

use serde::Serialize;

use super::locate;
use crate::diagnostic::Severity;
use crate::engine::Outcome;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Every test run and uncovered suite, with its database verdict (SPEC §1b).
    runs: Vec<super::runs::JsonRun<'a>>,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    path: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    span: Option<JsonSpan>,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSpan {
    offset: usize,
    length: usize,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    path: String,
    line: usize,
    column: usize,
    message: &'a str,
}

pub fn render(outcome: &Outcome) -> String {
    let diagnostics = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let loc = d.primary.map(|p| (locate(outcome, p), p));
            JsonDiagnostic {
                code: d.code,
                rule: d.rule,
                severity: d.severity,
                message: &d.message,
                path: loc.as_ref().map(|(l, _)| l.path.clone()),
                line: loc.as_ref().map(|(l, _)| l.line),
                column: loc.as_ref().map(|(l, _)| l.column),
                end_line: loc.as_ref().map(|(l, _)| l.end_line),
                end_column: loc.as_ref().map(|(l, _)| l.end_column),
                span: loc.as_ref().map(|(_, p)| JsonSpan {
                    offset: p.start,
                    length: p.len(),
                }),
                labels: d
                    .labels
                    .iter()
                    .map(|l| {
                        let at = locate(outcome, l.span);
                        JsonLabel {
                            path: at.path,
                            line: at.line,
                            column: at.column,
                            message: &l.message,
                        }
                    })
                    .collect(),
                help: d.help.as_deref(),
            }
        })
        .collect();
    let report = Report {
        version: 1,
        summary: Summary {
            files_scanned: outcome.files_scanned,
            errors: outcome.count(Severity::Error),
            warnings: outcome.count(Severity::Warning),
        },
        diagnostics,
        runs: super::runs::json_runs(outcome),
    };
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
