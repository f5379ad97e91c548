//! The policy every rule and the engine consult: which markers make a
//! database a test one, which keys and hosts count, which rules report at
//! which severity, and where. Built from the defaults and `testguard.toml`
//! (`crate::config`) and the command line.

use crate::database::Markers;
use crate::diagnostic::Severity;

/// The policy every rule and the engine consult: defaults, extended by
/// `testguard.toml` / `[tool.testguard]` (see [`crate::config`]).
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub markers: Markers,
    pub extra_db_keys: Vec<String>,
    pub extra_local_hosts: Vec<String>,
    /// Paths never read.
    pub exclude: Option<globset::GlobSet>,
    /// Per-rule severity: `None` turns the rule off.
    pub severity: Vec<(&'static str, Option<Severity>)>,
    /// Rules ignored in files matching a glob.
    pub per_path_ignores: Vec<(globset::GlobSet, Vec<&'static str>)>,
    /// `--no-ignore-comments`: report what inline suppressions would silence.
    pub show_suppressed: bool,
    /// `--select`: only these rules report (every rule when `None`).
    pub select: Option<Vec<&'static str>>,
    /// `--ignore`: these rules never report.
    pub ignore: Vec<&'static str>,
    /// `unresolved = "warn" | "error"`: the severity of TG004 (a run whose
    /// database cannot be named); `None` (`"allow"`, the default) keeps
    /// unresolved runs out of the findings.
    pub unresolved: Option<Severity>,
}

impl Policy {
    /// The severity a rule's finding gets: the configured one, the rule's own
    /// (`None` when the rule is off).
    pub fn severity_of(&self, code: &str, own: Severity) -> Option<Severity> {
        if self.ignore.contains(&code) || self.select.as_ref().is_some_and(|s| !s.contains(&code)) {
            return None;
        }
        match self.severity.iter().rev().find(|(c, _)| *c == code) {
            Some((_, s)) => *s,
            None => Some(own),
        }
    }

    /// Whether a finding of `code` in `path` is ignored by `per-path-ignores`.
    pub fn ignored_in(&self, code: &str, path: &str) -> bool {
        self.per_path_ignores
            .iter()
            .any(|(g, codes)| codes.contains(&code) && g.is_match(path))
    }

    pub fn excluded(&self, path: &str) -> bool {
        self.exclude.as_ref().is_some_and(|g| g.is_match(path))
    }
}
