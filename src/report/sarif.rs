//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning. Hand-written structs
//! (a SARIF crate would cost far more build time than the ~10 structs); the
//! `rules` array comes from the rule catalog, and
//! suppressed findings are reported with their suppression.

use serde::Serialize;

use super::{fingerprints, locate};
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Outcome;

const INFORMATION_URI: &str = "https://github.com/testguard/testguard";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: serde_json::Value,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    partial_fingerprints: serde_json::Value,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `database-not-test` → `DatabaseNotTest` (SARIF rule names are identifiers).
fn pascal(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A percent-encoded relative URI for a `/`-separated path.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical(outcome: &Outcome, span: crate::source::Span) -> PhysicalLocation {
    let loc = locate(outcome, span);
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(&loc.path),
            uri_base_id: "%SRCROOT%",
        },
        region: Region {
            start_line: loc.line,
            start_column: loc.column,
            end_line: loc.end_line,
            end_column: loc.end_column,
        },
    }
}

fn result(
    outcome: &Outcome,
    d: &Diagnostic,
    fingerprint: String,
    suppression: Option<Option<String>>,
) -> SarifResult {
    let rule_index = outcome
        .rules
        .iter()
        .position(|m| m.code == d.code)
        .unwrap_or(0);
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!(" Fix: {h}"));
    }
    SarifResult {
        rule_id: d.code,
        rule_index,
        level: level(d.severity),
        message: Text { text: message },
        locations: d
            .primary
            .map(|p| Location {
                physical_location: physical(outcome, p),
            })
            .into_iter()
            .collect(),
        related_locations: d
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| RelatedLocation {
                id: i + 1,
                physical_location: physical(outcome, l.span),
                message: Text {
                    text: l.message.clone(),
                },
            })
            .collect(),
        partial_fingerprints: serde_json::json!({ "testguard/v1": fingerprint }),
        suppressions: suppression
            .map(|justification| Suppression {
                kind: "inSource",
                justification,
            })
            .into_iter()
            .collect(),
    }
}

/// `root`: the absolute scan root, the base of every artifact URI.
pub fn render(outcome: &Outcome, root: &std::path::Path) -> String {
    let rules = outcome
        .rules
        .iter()
        .map(|m| Rule {
            id: m.code,
            name: pascal(m.name),
            short_description: Text {
                text: m.summary.to_string(),
            },
            full_description: Text {
                text: format!("{} ({}): {}.", m.code, m.name, m.summary),
            },
            help: Help {
                text: m.docs.to_string(),
                markdown: m.docs.to_string(),
            },
            help_uri: format!("{INFORMATION_URI}/blob/main/docs/rules/{}.md", m.code),
            default_configuration: Configuration {
                level: level(m.default_severity),
            },
        })
        .collect();
    let prints = fingerprints(outcome);
    let mut results: Vec<SarifResult> = outcome
        .diagnostics
        .iter()
        .zip(prints)
        .map(|(d, f)| result(outcome, d, f, None))
        .collect();
    // suppressed findings, marked as such, so code scanning can show them as dismissed
    let suppressed: Vec<Diagnostic> = outcome
        .suppressed_findings
        .iter()
        .map(|(d, _)| d.clone())
        .collect();
    let suppressed_prints = super::fingerprints_of(outcome, &suppressed);
    for ((d, reason), f) in outcome.suppressed_findings.iter().zip(suppressed_prints) {
        results.push(result(outcome, d, f, Some(reason.clone())));
    }
    let base = url_for_dir(root);
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "testguard",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            original_uri_base_ids: serde_json::json!({ "%SRCROOT%": { "uri": base } }),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn url_for_dir(root: &std::path::Path) -> String {
    let abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut s = String::from("file://");
    s.push_str(&uri(&abs.to_string_lossy()));
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}
