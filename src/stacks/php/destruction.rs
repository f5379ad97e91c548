//! Destructive evidence in PHP test code: what in the suite wipes
//! the database it reaches, found by a literal scan of `tests/**/*.php`.
//!
//! - Laravel: `RefreshDatabase`, `LazilyRefreshDatabase` (`migrate:fresh`, or a
//!   transaction after it), `DatabaseMigrations` (`migrate:fresh` per test),
//!   `DatabaseTruncation`;
//! - Symfony: Foundry's `ResetDatabase`, hautelook/alice's
//!   `RefreshDatabaseTrait`/`ReloadDatabaseTrait`, Doctrine's `ORMPurger`,
//!   `doctrine:schema:drop`, `doctrine:database:drop`;
//! - any: `migrate:fresh`, `TRUNCATE`.
//!
//! Comments are blanked out first: `// use …\RefreshDatabase;` (the Laravel
//! skeleton's `ExampleTest.php`) is no evidence.

use crate::model::{Destruction, Workspace};
use crate::source::{FileId, SourceKind, Span};

/// Idioms and what each does to the database.
const IDIOMS: &[(&str, &str)] = &[
    ("LazilyRefreshDatabase", "runs migrate:fresh on it"),
    ("RefreshDatabase", "runs migrate:fresh on it"),
    (
        "DatabaseMigrations",
        "runs migrate:fresh on it before every test",
    ),
    ("DatabaseTruncation", "truncates its tables"),
    ("ResetDatabase", "drops and recreates its schema"),
    ("ReloadDatabaseTrait", "purges and reloads it"),
    ("ORMPurger", "purges its tables"),
    ("doctrine:schema:drop", "drops its schema"),
    ("doctrine:database:drop", "drops it"),
    ("migrate:fresh", "runs migrate:fresh on it"),
    ("TRUNCATE", "truncates its tables"),
];

fn idioms() -> &'static aho_corasick::AhoCorasick {
    static FINDER: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    FINDER.get_or_init(|| {
        // a DFA: a large suite is hundreds of kilobytes, scanned once
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(IDIOMS.iter().map(|(idiom, _)| idiom))
            .unwrap_or_else(|_| unreachable!())
    })
}

/// Records every idiom found, per project (the folder above `tests/`), and
/// how many test files of each project were read.
pub fn scan(ws: &mut Workspace) {
    let mut found = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::TestCode {
            continue;
        }
        let Some(project) = project_of(&f.path) else {
            continue;
        };
        *ws.test_code.entry(project.to_string()).or_default() += 1;
        // one place per idiom per file is plenty: the last one, which is the
        // trait's use in a class rather than its import; every idiom is
        // looked for in one pass over the file
        let mut last: [Option<usize>; IDIOMS.len()] = [None; IDIOMS.len()];
        let code = crate::syntax::comments::blank(&f.text, crate::syntax::comments::Style::Php);
        for m in idioms().find_overlapping_iter(code.as_ref()) {
            let (at, end) = (m.start(), m.end());
            // a whole word: `RefreshDatabase` is not `LazilyRefreshDatabase`'s tail
            let before = code[..at].chars().next_back();
            let after = code[end..].chars().next();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                last[m.pattern().as_usize()] = Some(at);
            }
        }
        for ((idiom, what), at) in IDIOMS.iter().zip(last) {
            if let Some(at) = at {
                found.push(Destruction {
                    project: project.to_string(),
                    idiom,
                    what,
                    span: Span::new(FileId(i), at, at + idiom.len()),
                });
            }
        }
    }
    found.sort_by_key(|d| (d.project.clone(), d.span));
    ws.destruction.extend(found);
}

/// `app/tests/Feature/X.php` → `app`; `tests/X.php` → `` (the root).
fn project_of(path: &str) -> Option<&str> {
    if path.starts_with("tests/") {
        return Some("");
    }
    path.find("/tests/").map(|i| &path[..i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn idioms_are_whole_words_per_project() {
        let mut ws = Workspace {
            files: vec![
                SourceFile::new(
                    "app/tests/Feature/OrderTest.php".into(),
                    SourceKind::TestCode,
                    "<?php\nuse Illuminate\\Foundation\\Testing\\LazilyRefreshDatabase;\nclass OrderTest { use LazilyRefreshDatabase; }\n".into(),
                ),
                SourceFile::new(
                    "tests/Unit/MathTest.php".into(),
                    SourceKind::TestCode,
                    "<?php\nclass MathTest { function testAdd() {} }\n".into(),
                ),
            ],
            ..Workspace::default()
        };
        scan(&mut ws);
        assert_eq!(ws.destruction.len(), 1);
        assert_eq!(ws.destruction[0].idiom, "LazilyRefreshDatabase");
        assert_eq!(ws.destruction[0].project, "app");
        assert_eq!(ws.test_code.get("app"), Some(&1));
        assert_eq!(ws.test_code.get(""), Some(&1));
    }
}
