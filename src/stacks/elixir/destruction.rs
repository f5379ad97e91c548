//! Destructive evidence in a Mix project: a `test`
//! alias in `mix.exs` that drops the database before the suite
//! (`test: ["ecto.drop", "ecto.create", "ecto.migrate", "test"]`, or
//! `ecto.reset`), directly or through another alias it names. The
//! generator's alias (`ecto.create --quiet`, `ecto.migrate --quiet`) creates
//! and migrates only, and is not evidence.

use std::ops::Range;

use crate::model::{Destruction, Workspace};
use crate::source::{FileId, SourceKind, Span};

/// Mix tasks that drop the repository's database, and what they do.
const TASKS: &[(&str, &str)] = &[
    ("ecto.drop", "drops the database before every `mix test`"),
    (
        "ecto.reset",
        "drops and recreates the database before every `mix test`",
    ),
];

pub fn scan(ws: &mut Workspace) {
    let mut found = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::MixProject {
            continue;
        }
        let project = f.dir();
        // the test alias, then one level of aliases it names
        let Some(test) = alias(&f.text, "test") else {
            continue;
        };
        let mut items = test.clone();
        for (name, _) in &test {
            if let Some(inner) = alias(&f.text, name) {
                items.extend(inner);
            }
        }
        let hit = items.iter().find_map(|(item, at)| {
            let task = item.split_whitespace().next()?;
            TASKS
                .iter()
                .find(|(t, _)| *t == task)
                .map(|(t, what)| (*t, *what, at.start..at.start + t.len()))
        });
        if let Some((idiom, what, at)) = hit {
            found.push(Destruction {
                project: project.to_string(),
                idiom,
                what,
                span: Span::new(FileId(i), at.start, at.end),
                escapes_rollback: true,
            });
        }
    }
    ws.destruction.extend(found);
}

/// The strings of the alias `name: [ … ]` (a keyword in `aliases`), each
/// with where it stands; `None` when there is no such list.
fn alias(text: &str, name: &str) -> Option<Vec<(String, Range<usize>)>> {
    let b = text.as_bytes();
    let key = format!("{name}:");
    let mut from = 0;
    let open = loop {
        let at = from + text.get(from..)?.find(&key)?;
        let before = text[..at].chars().next_back();
        let rest = text[at + key.len()..].trim_start();
        // a whole key (`test:`, not `retest:`), followed by a list
        if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '"')
            && rest.starts_with('[')
        {
            break text.len() - rest.len();
        }
        from = at + key.len();
    };
    let mut out = Vec::new();
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b']' => return Some(out),
            b'#' => {
                i = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
            }
            b'"' => {
                let end = i + 1 + b[i + 1..].iter().position(|&c| c == b'"')?;
                out.push((text.get(i + 1..end)?.to_string(), i + 1..end));
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn found(text: &str) -> Vec<&'static str> {
        let mut ws = Workspace {
            files: vec![SourceFile::new(
                "mix.exs".into(),
                SourceKind::MixProject,
                text.into(),
            )],
            ..Workspace::default()
        };
        scan(&mut ws);
        for d in &ws.destruction {
            assert_eq!(&text[d.span.start..d.span.end], d.idiom);
        }
        ws.destruction.iter().map(|d| d.idiom).collect()
    }

    #[test]
    fn test_aliases_that_drop_the_database() {
        assert_eq!(
            found(
                "defp aliases do\n  [\n    test: [\"ecto.drop --quiet\", \"ecto.create\", \"test\"]\n  ]\nend\n"
            ),
            ["ecto.drop"]
        );
        assert_eq!(
            found(
                "[\n  reset: [\"ecto.reset\"],\n  test: [\n    # start clean\n    \"reset\",\n    \"test\"\n  ]\n]\n"
            ),
            ["ecto.reset"]
        );
        // the generator's alias, and a drop only in another alias
        assert!(found("[setup: [\"ecto.reset\"], test: [\"ecto.create --quiet\", \"ecto.migrate --quiet\", \"test\"]]").is_empty());
        assert!(found("[retest: [\"ecto.drop\"]]").is_empty());
        assert!(found("[test: [\"ecto.drop\"").is_empty());
    }
}
