//! A finding: what is wrong, where (exact bytes), why, and how to fix it.

use serde::Serialize;

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary place that matters (possibly in another file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    /// What is wrong, and why it is dangerous here. Never holds a secret.
    pub message: String,
    /// The exact bytes that are wrong; `None` for a finding about the repository.
    pub primary: Option<Span>,
    /// What the primary span is (`database name`, `set without force="true"`).
    pub primary_label: Option<String>,
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// A safe, mechanical fix `lint --fix` applies.
    pub fix: Option<Fix>,
}

/// The edits that resolve a finding (`lint --fix`), with a title for humans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

/// Replace the bytes at `span` (empty: insert) with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Diagnostic {
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn with_primary_label(mut self, label: impl Into<String>) -> Self {
        self.primary_label = Some(label.into());
        self
    }
}

/// What a rule is, for `rules`, `explain`, SARIF and the JSON output.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line, for `testguard rules`.
    pub summary: &'static str,
    /// The full documentation (Markdown): what, why, example, fix, facts.
    pub docs: &'static str,
    /// Codes whose finding on the same span this rule's finding replaces (the
    /// more specific finding wins; one problem, one diagnostic).
    pub supersedes: &'static [&'static str],
    /// Former names, still accepted wherever a name is (`ignore[…]`,
    /// `--select`, `[severity]`, `explain`).
    pub aliases: &'static [&'static str],
}

impl RuleMeta {
    /// A diagnostic of this rule at its default severity.
    pub fn diag(
        &'static self,
        primary: Option<crate::source::Span>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diag_with(self.default_severity, primary, message)
    }

    pub fn diag_with(
        &'static self,
        severity: Severity,
        primary: Option<crate::source::Span>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code: self.code,
            rule: self.name,
            severity,
            message: message.into(),
            primary,
            primary_label: None,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }
}
