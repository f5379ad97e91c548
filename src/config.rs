//! Configuration: `testguard.toml` at the repository root, or `[tool.testguard]`
//! in the root `pyproject.toml`; `--config FILE` overrides. A file anywhere
//! else is not merged. Every value becomes part of one [`Policy`] that every
//! rule consults. A mistake is a diagnostic pointing at the key (exit 2).

use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSetBuilder};

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::error::RunError;
use crate::rules::Policy;
use crate::source::{FileId, SourceFile, SourceKind, Span};
use crate::syntax::toml::{self as tomlsrc, DeTable, DeValue};

/// Every key `testguard.toml` accepts, for validation and suggestions.
pub const KEYS: &[&str] = &[
    "extra-test-markers",
    "extra-forbidden-markers",
    "extra-database-keys",
    "extra-local-hosts",
    "exclude",
    "severity",
    "per-path-ignores",
    "unresolved",
];

/// Where the configuration came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Defaults,
    File(PathBuf),
}

struct Issue {
    range: Range<usize>,
    message: String,
    help: Option<String>,
}

pub use crate::suggest::closest;

/// Every rule code and name, for suggestions.
fn rule_words() -> Vec<&'static str> {
    crate::rules::registry()
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name])
        .collect()
}

/// Finds and loads the configuration for a repository rooted at `root`.
/// The file [`load`] reads, if any.
pub fn source(root: &Path, explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => [root.join("testguard.toml"), root.join("pyproject.toml")]
            .into_iter()
            .find(|p| p.is_file()),
    }
}

pub fn load(root: &Path, explicit: Option<&Path>) -> Result<(Policy, Origin), RunError> {
    let (path, section) = match explicit {
        Some(p) => {
            let is_pyproject = p.file_name().is_some_and(|n| n == "pyproject.toml");
            (
                p.to_path_buf(),
                if is_pyproject {
                    Some(["tool", "testguard"])
                } else {
                    None
                },
            )
        }
        None => {
            let own = root.join("testguard.toml");
            let pyproject = root.join("pyproject.toml");
            if own.is_file() {
                (own, None)
            } else if pyproject.is_file() {
                (pyproject, Some(["tool", "testguard"]))
            } else {
                return Ok((Policy::default(), Origin::Defaults));
            }
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        RunError(format!(
            "cannot read the configuration {}: {e}",
            path.display()
        ))
    })?;
    let doc = tomlsrc::parse(&text);
    let shown = path.display().to_string();
    let shown = shown.strip_prefix("./").unwrap_or(&shown).to_string();
    if let Some((range, message)) = doc.errors.first() {
        // A broken pyproject.toml found by discovery, with no testguard table
        // in it, is the project's problem, not testguard's: lint with the
        // defaults, and TG001 reports the file.
        if explicit.is_none() && section.is_some() && !text.contains("tool.testguard") {
            return Ok((Policy::default(), Origin::Defaults));
        }
        let issue = Issue {
            range: range.clone(),
            message: format!("invalid TOML: {message}"),
            help: None,
        };
        return Err(render(&shown, &text, vec![issue]));
    }
    let table = match section {
        Some(keys) => match tomlsrc::get_path(doc.root.get_ref(), &keys) {
            Some(t) => match t.get_ref().as_table() {
                Some(t) => t,
                None => {
                    let issue = Issue {
                        range: t.span(),
                        message: "[tool.testguard] must be a table".into(),
                        help: None,
                    };
                    return Err(render(&shown, &text, vec![issue]));
                }
            },
            // a pyproject.toml without [tool.testguard]: defaults
            None if explicit.is_none() => return Ok((Policy::default(), Origin::Defaults)),
            None => {
                let issue = Issue {
                    range: 0..0,
                    message: "this pyproject.toml has no [tool.testguard] table".into(),
                    help: None,
                };
                return Err(render(&shown, &text, vec![issue]));
            }
        },
        None => doc.root.get_ref(),
    };
    let mut issues = Vec::new();
    let policy = read_policy(table, &mut issues);
    if issues.is_empty() {
        Ok((policy, Origin::File(path)))
    } else {
        Err(render(&shown, &text, issues))
    }
}

fn strings(
    v: &toml::Spanned<DeValue<'_>>,
    key: &str,
    issues: &mut Vec<Issue>,
) -> Vec<(String, Range<usize>)> {
    match v.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .filter_map(|i| match i.get_ref().as_str() {
                Some(s) => Some((s.to_string(), i.span())),
                None => {
                    issues.push(Issue {
                        range: i.span(),
                        message: format!(
                            "`{key}` holds strings; this is a {}",
                            i.get_ref().type_str()
                        ),
                        help: None,
                    });
                    None
                }
            })
            .collect(),
        other => {
            issues.push(Issue {
                range: v.span(),
                message: format!(
                    "`{key}` must be an array of strings, not a {}",
                    other.type_str()
                ),
                help: Some(format!("{key} = [\"…\"]")),
            });
            Vec::new()
        }
    }
}

fn rule_code(word: &str, range: Range<usize>, issues: &mut Vec<Issue>) -> Option<&'static str> {
    match crate::rules::find(word) {
        Some(r) => Some(r.meta().code),
        None => {
            let help = closest(word, rule_words())
                .map(|c| format!("did you mean `{c}`? (`testguard rules` lists every rule)"));
            issues.push(Issue {
                range,
                message: format!("unknown rule `{word}`"),
                help: help.or(Some("`testguard rules` lists every rule".into())),
            });
            None
        }
    }
}

fn glob(pattern: &str, range: Range<usize>, issues: &mut Vec<Issue>) -> Option<Glob> {
    match Glob::new(pattern) {
        Ok(g) => Some(g),
        Err(e) => {
            issues.push(Issue {
                range,
                message: format!("invalid glob `{pattern}`: {}", e.kind()),
                help: None,
            });
            None
        }
    }
}

fn read_policy(table: &DeTable<'_>, issues: &mut Vec<Issue>) -> Policy {
    let mut policy = Policy::default();
    for (k, v) in table.iter() {
        let key = k.get_ref().as_ref();
        match key {
            "extra-test-markers" => policy.markers.test.extend(
                strings(v, key, issues)
                    .into_iter()
                    .map(|(s, _)| s.to_lowercase()),
            ),
            "extra-forbidden-markers" => policy.markers.forbidden.extend(
                strings(v, key, issues)
                    .into_iter()
                    .map(|(s, _)| s.to_lowercase()),
            ),
            "extra-database-keys" => policy
                .extra_db_keys
                .extend(strings(v, key, issues).into_iter().map(|(s, _)| s)),
            "extra-local-hosts" => policy
                .extra_local_hosts
                .extend(strings(v, key, issues).into_iter().map(|(s, _)| s)),
            "exclude" => {
                let mut b = GlobSetBuilder::new();
                for (pattern, range) in strings(v, key, issues) {
                    if let Some(g) = glob(&pattern, range, issues) {
                        b.add(g);
                    }
                }
                policy.exclude = b.build().ok();
            }
            "severity" => match v.get_ref().as_table() {
                Some(t) => {
                    for (rk, rv) in t.iter() {
                        let Some(code) = rule_code(rk.get_ref(), rk.span(), issues) else {
                            continue;
                        };
                        let level = match rv.get_ref().as_str() {
                            Some("error") => Some(Some(Severity::Error)),
                            Some("warning") => Some(Some(Severity::Warning)),
                            Some("off") => Some(None),
                            _ => None,
                        };
                        match level {
                            Some(l) => {
                                // TG004 is off unless configured: a severity turns it on
                                if code == "TG004" {
                                    policy.unresolved = l;
                                }
                                policy.severity.push((code, l))
                            }
                            None => issues.push(Issue {
                                range: rv.span(),
                                message: format!("the severity of `{}` must be \"error\", \"warning\" or \"off\"", rk.get_ref()),
                                help: None,
                            }),
                        }
                    }
                }
                None => issues.push(Issue {
                    range: v.span(),
                    message: "`severity` must be a table: [severity] TG103 = \"off\"".into(),
                    help: None,
                }),
            },
            "unresolved" => match v.get_ref().as_str() {
                Some("allow") => policy.unresolved = None,
                Some("warn") => policy.unresolved = Some(Severity::Warning),
                Some("error") => policy.unresolved = Some(Severity::Error),
                _ => issues.push(Issue {
                    range: v.span(),
                    message: "`unresolved` must be \"allow\", \"warn\" or \"error\"".into(),
                    help: Some("\"warn\" or \"error\" report every test run whose database testguard cannot name (TG004)".into()),
                }),
            },
            "per-path-ignores" => match v.get_ref().as_table() {
                Some(t) => {
                    for (pk, pv) in t.iter() {
                        let Some(g) = glob(pk.get_ref(), pk.span(), issues) else {
                            continue;
                        };
                        let codes: Vec<&'static str> = strings(pv, "per-path-ignores", issues)
                            .into_iter()
                            .filter_map(|(w, r)| rule_code(&w, r, issues))
                            .collect();
                        if let Ok(set) = GlobSetBuilder::new().add(g).build() {
                            policy.per_path_ignores.push((set, codes));
                        }
                    }
                }
                None => issues.push(Issue {
                    range: v.span(),
                    message: "`per-path-ignores` must be a table of glob = [rules]".into(),
                    help: None,
                }),
            },
            other => {
                let help = closest(other, KEYS.iter().copied())
                    .map(|c| format!("did you mean `{c}`?"))
                    .or_else(|| Some(format!("the keys are: {}", KEYS.join(", "))));
                issues.push(Issue {
                    range: k.span(),
                    message: format!("unknown configuration key `{other}`"),
                    help,
                });
            }
        }
    }
    policy
}

/// A configuration mistake rendered like any diagnostic.
fn render(path: &str, text: &str, issues: Vec<Issue>) -> RunError {
    let file =
        SourceFile::new(path.to_string(), SourceKind::ToxToml, text.to_string()).shown_unmasked();
    let diagnostics: Vec<Diagnostic> = issues
        .into_iter()
        .map(|i| Diagnostic {
            code: "config",
            rule: "invalid-configuration",
            severity: Severity::Error,
            message: i.message,
            primary: Some(Span::new(FileId(0), i.range.start, i.range.end).fit(text)),
            primary_label: Some("here".into()),
            labels: Vec::<Label>::new(),
            help: i.help,
            fix: None,
        })
        .collect();
    let outcome = crate::engine::Outcome {
        files_read: 1,
        scope: None,
        workspace: crate::model::Workspace {
            files: vec![file],
            ..Default::default()
        },
        diagnostics,
        files_scanned: 0,
        suppressed: 0,
        suppressed_findings: Vec::new(),
        root: None,
        rules: Vec::new(),
    };
    let colour =
        crate::report::human::use_colour(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    RunError(format!(
        "invalid configuration in {path}\n\n{}",
        crate::report::human::render(&outcome, colour, true)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("extra-test-marker", KEYS.iter().copied()),
            Some("extra-test-markers")
        );
        assert_eq!(closest("exlcude", KEYS.iter().copied()), Some("exclude"));
        assert_eq!(closest("zzzzzz", KEYS.iter().copied()), None);
        assert_eq!(closest("TG10", rule_words()), Some("TG101"));
    }
}
