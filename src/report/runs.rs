//! `testguard runs`: every test run and every suite no run covers, with the
//! database it reaches (SPEC §1b) — as a list for people, as JSON for tools,
//! and as the one line `lint` ends with. Names and hosts are shown, never a
//! password: a run's verdict carries none.

use serde::Serialize;

use super::locate;
use crate::engine::Outcome;
use crate::model::{RunAccount, Verdict};

#[derive(Serialize)]
pub struct JsonRun<'a> {
    id: &'a str,
    name: &'a str,
    runner: Option<&'a str>,
    framework: Option<&'a str>,
    /// The folder the run starts in (`""`: the root).
    dir: &'a str,
    entry: JsonEntry,
    database: JsonDatabase<'a>,
    findings: &'a [&'static str],
}

#[derive(Serialize)]
struct JsonEntry {
    path: String,
    line: Option<usize>,
}

#[derive(Serialize)]
struct JsonDatabase<'a> {
    verdict: &'static str,
    engine: Option<&'a str>,
    name: Option<&'a str>,
    host: Option<&'a str>,
    decided_by: Vec<JsonDecision<'a>>,
    reason: Option<&'a str>,
    reason_at: Option<JsonEntry>,
}

#[derive(Serialize)]
struct JsonDecision<'a> {
    path: String,
    line: usize,
    what: &'a str,
}

/// The runs of an outcome, as the JSON of `runs` and `lint` gives them.
pub fn json_runs(outcome: &Outcome) -> Vec<JsonRun<'_>> {
    outcome
        .workspace
        .accounts
        .iter()
        .map(|a| {
            let db = &a.database;
            JsonRun {
                id: &a.id,
                name: &a.name,
                runner: a.runner.as_deref(),
                framework: a.framework.as_deref(),
                dir: &a.dir,
                entry: JsonEntry {
                    path: a.path.clone(),
                    line: a.entry.map(|e| locate(outcome, e).line),
                },
                database: JsonDatabase {
                    verdict: db.verdict.as_str(),
                    engine: db.engine.as_deref(),
                    name: db.name.as_deref(),
                    host: db.host.as_deref(),
                    decided_by: db
                        .decided_by
                        .iter()
                        .map(|d| {
                            let at = locate(outcome, d.span);
                            JsonDecision {
                                path: at.path,
                                line: at.line,
                                what: &d.what,
                            }
                        })
                        .collect(),
                    reason: db.reason.as_deref(),
                    reason_at: db.reason_at.map(|s| {
                        let at = locate(outcome, s);
                        JsonEntry {
                            path: at.path,
                            line: Some(at.line),
                        }
                    }),
                },
                findings: &a.findings,
            }
        })
        .collect()
}

/// `testguard runs --format json`.
pub fn render_json(outcome: &Outcome) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        runs: Vec<JsonRun<'a>>,
    }
    let doc = Doc {
        version: 1,
        runs: json_runs(outcome),
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// `3 test runs: 1 test, 1 isolated, 1 unresolved`.
pub fn counts(accounts: &[RunAccount]) -> String {
    let n = accounts.len();
    let mut parts = Vec::new();
    for v in Verdict::ALL {
        let k = accounts.iter().filter(|a| a.database.verdict == v).count();
        if k > 0 {
            parts.push(format!("{k} {}", v.as_str()));
        }
    }
    format!(
        "{n} test run{}: {}",
        if n == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

/// The line `lint` ends with.
pub fn summary_line(outcome: &Outcome) -> String {
    if outcome.workspace.accounts.is_empty() {
        return "testguard: no test run and no test suite found\n".to_string();
    }
    format!(
        "testguard: {} — `testguard runs` lists them\n",
        counts(&outcome.workspace.accounts)
    )
}

/// `testguard runs`: one block per run.
pub fn render_human(outcome: &Outcome, colour: bool) -> String {
    let paint = |code: &str, s: &str| {
        if colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for a in &outcome.workspace.accounts {
        let db = &a.database;
        let verdict = match db.verdict {
            Verdict::Test | Verdict::Isolated => paint("32", db.verdict.as_str()),
            Verdict::NotTest => paint("1;31", db.verdict.as_str()),
            Verdict::Unresolved => paint("33", db.verdict.as_str()),
            Verdict::None => paint("2", db.verdict.as_str()),
        };
        let at = match a.entry {
            Some(e) => {
                let l = locate(outcome, e);
                format!("{}:{}", l.path, l.line)
            }
            None => format!("{}/", a.path.trim_end_matches('/')),
        };
        out.push_str(&format!(
            "{}  {}\n",
            paint("1", &super::printable(&at)),
            super::printable(&a.name)
        ));
        let runner = match (&a.runner, &a.framework) {
            (Some(r), Some(f)) if r != f => format!("{r} ({f})"),
            (Some(r), _) => r.clone(),
            (None, Some(f)) => f.clone(),
            (None, None) => "not recognised".to_string(),
        };
        out.push_str(&format!("    runner    {}\n", super::printable(&runner)));
        let mut what = Vec::new();
        if let Some(e) = &db.engine {
            what.push(e.clone());
        }
        if let Some(n) = &db.name {
            what.push(format!("`{n}`"));
        }
        if let Some(h) = &db.host {
            what.push(format!("on {h}"));
        }
        let what = if what.is_empty() {
            String::new()
        } else {
            format!("  {}", what.join(" "))
        };
        out.push_str(&format!(
            "    database  {verdict}{}\n",
            super::printable(&what)
        ));
        for d in &db.decided_by {
            let l = locate(outcome, d.span);
            out.push_str(&format!(
                "    decided   {}:{}  {}\n",
                super::printable(&l.path),
                l.line,
                super::printable(&d.what)
            ));
        }
        if let Some(r) = &db.reason {
            let at = db
                .reason_at
                .map(|s| {
                    let l = locate(outcome, s);
                    format!(" ({}:{})", super::printable(&l.path), l.line)
                })
                .unwrap_or_default();
            out.push_str(&format!("    why       {}{at}\n", super::printable(r)));
        }
        if !a.findings.is_empty() {
            out.push_str(&format!("    findings  {}\n", a.findings.join(", ")));
        }
        out.push('\n');
    }
    if outcome.workspace.accounts.is_empty() {
        out.push_str("testguard: no test run and no test suite found\n");
    } else {
        out.push_str(&format!(
            "testguard: {}\n",
            counts(&outcome.workspace.accounts)
        ));
    }
    out
}
