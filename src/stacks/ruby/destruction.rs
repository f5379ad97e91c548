//! Destructive evidence in a Rails suite's helpers: what empties the
//! database the suite reaches, read from
//! `spec/rails_helper.rb`, `spec/spec_helper.rb`,
//! `spec/support/database_cleaner.rb` and `test/test_helper.rb`.
//!
//! - DatabaseCleaner's truncation and deletion strategies, for the whole
//!   suite (`clean_with(:truncation)`) or after each test (`strategy =
//!   :truncation`); its safeguard stops only a production `RAILS_ENV` and a
//!   remote `DATABASE_URL` (database_cleaner README, "Safeguards");
//! - `db:reset`, `db:drop`, `db:schema:load` run from a helper.
//!
//! Transactional tests roll back and are not evidence; neither is the
//! generated `maintain_test_schema!`, which only loads a pending schema.
//! Lines that are comments do not count.

use crate::model::{Destruction, Workspace};
use crate::source::{FileId, SourceKind, Span};

/// What each idiom does, matched on a line with its spaces removed and
/// double quotes made single.
const IDIOMS: &[(&str, &str, &str)] = &[
    (
        "DatabaseCleaner.clean_with(:truncation",
        "DatabaseCleaner.clean_with(:truncation)",
        "empties every table before the suite",
    ),
    (
        "DatabaseCleaner.clean_with:truncation",
        "DatabaseCleaner.clean_with(:truncation)",
        "empties every table before the suite",
    ),
    (
        "DatabaseCleaner.clean_with(:deletion",
        "DatabaseCleaner.clean_with(:deletion)",
        "deletes every row before the suite",
    ),
    (
        "DatabaseCleaner.strategy=:truncation",
        "DatabaseCleaner.strategy = :truncation",
        "empties the tables after every test",
    ),
    (
        "DatabaseCleaner.strategy=[:truncation",
        "DatabaseCleaner.strategy = :truncation",
        "empties the tables after every test",
    ),
    (
        "DatabaseCleaner.strategy=:deletion",
        "DatabaseCleaner.strategy = :deletion",
        "deletes the rows after every test",
    ),
    ("'db:reset'", "db:reset", "drops and recreates it"),
    ("'db:drop'", "db:drop", "drops it"),
    (
        "'db:schema:load'",
        "db:schema:load",
        "reloads its schema, dropping every table",
    ),
];

/// The helpers read: the project is the folder above `spec/` or `test/`.
fn project_of(path: &str) -> Option<&str> {
    for helper in [
        "spec/rails_helper.rb",
        "spec/spec_helper.rb",
        "spec/support/database_cleaner.rb",
        "test/test_helper.rb",
    ] {
        if path == helper {
            return Some("");
        }
        if let Some(dir) = path.strip_suffix(helper).and_then(|d| d.strip_suffix('/')) {
            return Some(dir);
        }
    }
    None
}

pub fn scan(ws: &mut Workspace) {
    let mut found = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::RubyTestHelper {
            continue;
        }
        let Some(project) = project_of(&f.path) else {
            continue;
        };
        for (start, line) in crate::syntax::ini::lines_with_offsets(&f.text) {
            let t = line.trim_start();
            if t.starts_with('#') || !(t.contains("DatabaseCleaner") || t.contains("db:")) {
                continue;
            }
            let compact: String = t
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| if c == '"' { '\'' } else { c })
                .collect();
            let Some((_, idiom, what)) = IDIOMS.iter().find(|(m, _, _)| compact.contains(m)) else {
                continue;
            };
            if found
                .iter()
                .any(|d: &Destruction| d.project == project && d.idiom == *idiom)
            {
                continue;
            }
            // the idiom itself: `DatabaseCleaner…` up to its closing
            // parenthesis (or the line's end), or the quoted task name
            let t_at = start + (line.len() - t.len());
            let (from, len) = if let Some(p) = t.find("DatabaseCleaner") {
                let rest = t[p..].trim_end().trim_end_matches('}').trim_end();
                let len = rest.find(')').map_or(rest.len(), |e| e + 1);
                (p, len)
            } else if let Some(p) = t.find("db:") {
                let from = p.saturating_sub(1);
                let len = t[p..]
                    .find(['\'', '"'])
                    .map_or(t.len() - from, |e| p + e + 1 - from);
                (from, len)
            } else {
                (0, t.trim_end().len())
            };
            found.push(Destruction {
                project: project.to_string(),
                idiom,
                what,
                span: Span::new(FileId(i), t_at + from, t_at + from + len),
                escapes_rollback: true,
            });
        }
    }
    ws.destruction.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn cleaner_strategies_and_rake_tasks() {
        let text = "RSpec.configure do |config|\n  # DatabaseCleaner.clean_with(:truncation)\n  config.before(:suite) do\n    DatabaseCleaner.clean_with :truncation, except: %w[ar_internal_metadata]\n    DatabaseCleaner.strategy = :transaction\n    Rake::Task[\"db:reset\"].invoke\n  end\nend\n";
        let mut ws = Workspace {
            files: vec![SourceFile::new(
                "spec/support/database_cleaner.rb".into(),
                SourceKind::RubyTestHelper,
                text.into(),
            )],
            ..Workspace::default()
        };
        scan(&mut ws);
        let idioms: Vec<&str> = ws.destruction.iter().map(|d| d.idiom).collect();
        assert_eq!(
            idioms,
            ["DatabaseCleaner.clean_with(:truncation)", "db:reset"]
        );
        let d = &ws.destruction[0];
        assert!(
            text[d.span.start..d.span.end].starts_with("DatabaseCleaner.clean_with :truncation")
        );
        assert_eq!(
            project_of("engines/shop/spec/rails_helper.rb"),
            Some("engines/shop")
        );
        assert_eq!(project_of("spec/models/user_spec.rb"), None);
    }
}
