//! `--format gitlab`: a GitLab Code Quality report (a JSON array), shown in the
//! merge request widget. Fingerprints are stable across runs and line moves.

use serde::Serialize;

use super::{fingerprints, locate};
use crate::diagnostic::Severity;
use crate::engine::Outcome;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: std::borrow::Cow<'a, str>,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

pub fn render(outcome: &Outcome) -> String {
    let prints = fingerprints(outcome);
    let issues: Vec<Issue<'_>> = outcome
        .diagnostics
        .iter()
        .zip(prints)
        .map(|(d, fingerprint)| {
            let (path, line) = match d.primary {
                Some(p) => {
                    let loc = locate(outcome, p);
                    (std::borrow::Cow::Owned(loc.path), loc.line)
                }
                None => (std::borrow::Cow::Borrowed("."), 1),
            };
            Issue {
                description: format!("{} {}: {}", d.code, d.rule, d.message),
                check_name: format!("{} {}", d.code, d.rule),
                fingerprint,
                // a finding that can wipe a database is critical; a warning is minor
                severity: match d.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "minor",
                },
                location: Location {
                    path,
                    lines: Lines { begin: line },
                },
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}
