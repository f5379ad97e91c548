//! Destructive evidence in a Node suite: what its helpers and
//! setup files, and the commands its test scripts run around the runner,
//! do to the database they reach — a literal scan, bounded by what
//! [`crate::tree::read_node_code`] read.

use super::files::package_of;
use super::scripts::{Package, TestEntry};
use crate::model::{Destruction, Workspace};
use crate::source::{FileId, SourceKind, Span};

/// Destructive idioms in a suite's code and scripts, and what each does.
const DESTRUCTIVE: &[(&str, &str)] = &[
    (
        "deleteMany(",
        "deletes every document or row of its collections",
    ),
    ("dropDatabase(", "drops it"),
    ("dropCollection(", "drops its collections"),
    ("TRUNCATE", "truncates its tables"),
    ("migrate reset", "resets it (prisma migrate reset)"),
    (
        "--force-reset",
        "drops and recreates it (prisma db push --force-reset)",
    ),
    ("dropSchema", "drops its schema"),
    ("sync({ force: true })", "drops and recreates its tables"),
    ("sync({force: true})", "drops and recreates its tables"),
    ("migrate.rollback(", "rolls back every migration"),
    ("destroy({ truncate: true", "truncates its tables"),
];

/// [`DESTRUCTIVE`]'s patterns, matched in one pass (built once; literal
/// patterns always build).
fn destructive_matcher() -> Option<&'static aho_corasick::AhoCorasick> {
    static MATCHER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    MATCHER
        .get_or_init(|| aho_corasick::AhoCorasick::new(DESTRUCTIVE.iter().map(|(p, _)| p)).ok())
        .as_ref()
}

/// Destructive commands a test script runs around its runner.
const DESTRUCTIVE_COMMANDS: &[(&str, &str)] = &[
    ("migrate reset", "resets it (prisma migrate reset)"),
    (
        "--force-reset",
        "drops and recreates it (prisma db push --force-reset)",
    ),
    ("db:drop", "drops it"),
    ("schema:drop", "drops its schema"),
    ("migrate:rollback --all", "rolls back every migration"),
    ("dropDatabase", "drops it"),
];

/// Records each destructive idiom of the Node code read (helpers, setup
/// files) under its package, and how many of its files were read.
pub fn scan(ws: &mut Workspace) {
    let mut found = Vec::new();
    let mut counts: Vec<String> = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::NodeCode {
            continue;
        }
        let Some(project) = package_of(ws, f.dir()) else {
            continue;
        };
        counts.push(project.to_string());
        if let Some((at, idiom, what)) = idiom_in(&f.text) {
            found.push(Destruction {
                project: project.to_string(),
                idiom,
                what,
                span: Span::new(FileId(i), at, at + idiom.len()),
                escapes_rollback: true,
            });
        }
    }
    for p in counts {
        *ws.test_code.entry(p).or_default() += 1;
    }
    ws.destruction.extend(found);
}

/// The destructive idiom a file of Node code holds, outside comments: the
/// first of [`DESTRUCTIVE`] that occurs, at its last occurrence, as the
/// message names it (`deleteMany`, not `deleteMany(`), and what it does.
pub fn idiom_in(text: &str) -> Option<(usize, &'static str, &'static str)> {
    // one pass over the file for every idiom (a suite's helpers can be
    // megabytes); most files hold none, and only those that do are blanked
    // of comments (a commented-out call is no evidence) and searched again
    let matcher = destructive_matcher()?;
    if !matcher.is_match(text) {
        return None;
    }
    let code = crate::syntax::comments::blank(text, crate::syntax::comments::Style::Js);
    let mut last: [Option<usize>; DESTRUCTIVE.len()] = [None; DESTRUCTIVE.len()];
    for m in matcher.find_iter(&*code) {
        last[m.pattern().as_usize()] = Some(m.start());
    }
    let (at, (pattern, what)) = last
        .iter()
        .zip(DESTRUCTIVE)
        .find_map(|(at, idiom)| at.map(|a| (a, idiom)))?;
    Some((at, pattern.trim_end_matches('('), what))
}

/// Destructive commands the entry points run around the runner (`pretest`:
/// `prisma migrate reset --force`), under the package.
pub fn scan_scripts(ws: &mut Workspace, pkg: &Package, entries: &[TestEntry]) {
    for entry in entries {
        for (cmd, span) in &entry.other_commands {
            if let Some((idiom, what)) = DESTRUCTIVE_COMMANDS.iter().find(|(i, _)| cmd.contains(i))
            {
                ws.destruction.push(Destruction {
                    project: pkg.dir.clone(),
                    idiom,
                    what,
                    span: *span,
                    escapes_rollback: true,
                });
                ws.test_code.entry(pkg.dir.clone()).or_default();
            }
        }
    }
}
