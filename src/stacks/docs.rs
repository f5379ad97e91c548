//! A README's setup instructions (caller evidence): the shell
//! lines a developer is told to run before the tests. `export KEY=value`
//! puts a variable into every command of that shell, the test run
//! included; `cp .env .env.testing` replaces the file a run reads. Only
//! what the lines say literally is kept.

use crate::model::{Documented, Setting, Via, Workspace};
use crate::source::{FileId, SourceKind, Span, Spanned};
use crate::syntax::{dotenv, markdown};

/// Reads the `README.md` of the root and of each project, whose setup
/// commands a developer runs before the tests: only where they matter.
pub fn read_readmes(tree: &dyn crate::tree::Tree, files: &mut Vec<crate::source::SourceFile>) {
    use crate::paths::dir_prefix;
    use crate::source::SourceFile;
    // the README of the root and of every project
    let mut readmes: Vec<String> = files
        .iter()
        .filter(|f| {
            matches!(
                f.file_name(),
                "artisan" | "manage.py" | "composer.json" | "pyproject.toml"
            )
        })
        .map(|f| format!("{}README.md", dir_prefix(f.dir())))
        .collect();
    readmes.push("README.md".to_string());
    readmes.sort();
    readmes.dedup();
    // a README's setup matters only above a suite that reads its database
    // from the environment (a conftest) or a test dotenv it may copy over
    let consumers: Vec<&str> = files
        .iter()
        .filter(|f| f.file_name() == "conftest.py" || f.kind == SourceKind::DotenvTest)
        .map(SourceFile::dir)
        .collect();
    readmes.retain(|r| {
        let dir = r
            .strip_suffix("README.md")
            .unwrap_or("")
            .trim_end_matches('/');
        consumers.iter().any(|c| crate::model::is_within(c, dir))
    });
    crate::tree::read_named(tree, files, readmes, SourceKind::Readme, |_| {
        crate::tree::MAX_TEST_FILE_SIZE
    });
}

pub fn read(ws: &mut Workspace) {
    let mut out = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::Readme {
            continue;
        }
        let id = FileId(i);
        let dir = f.dir().to_string();
        let mut exports: Vec<Setting> = Vec::new();
        for line in markdown::shell_lines(&f.text) {
            let text = &f.text[line.range.clone()];
            if text.starts_with("export ") {
                for e in dotenv::parse(text).entries {
                    let at = line.range.start;
                    exports.push(Setting {
                        key: Spanned::new(
                            e.key,
                            Span::new(id, at + e.key_range.start, at + e.key_range.end),
                        ),
                        value: e.value,
                        value_span: Span::new(id, at + e.value_range.start, at + e.value_range.end),
                        verbatim: e.verbatim,
                        overridable: false,
                        via: Via::Dotenv,
                        unset: false,
                        provenance: None,
                        raw_offsets: None,
                    });
                }
            } else if let Some((from, to)) = dotenv_copy(text) {
                out.push(Documented::Copy {
                    dir: dir.clone(),
                    from: super::join(&dir, &from),
                    to: super::join(&dir, &to),
                    span: Span::new(id, line.range.start, line.range.end),
                });
            }
        }
        // a later export sees the earlier ones (`${POSTGRES_DB}`)
        crate::resolve::interpolate(&mut exports);
        out.extend(exports.into_iter().map(|setting| Documented::Export {
            dir: dir.clone(),
            setting,
        }));
    }
    ws.documented = out;
}

/// `cp [-f] FROM TO` where both are dotenv files: (from, to) as written.
fn dotenv_copy(line: &str) -> Option<(String, String)> {
    let mut words = line.split_whitespace();
    if !matches!(words.next(), Some("cp" | "copy")) {
        return None;
    }
    let args: Vec<&str> = words
        .take_while(|w| !matches!(*w, "&&" | ";" | "||" | "|"))
        .filter(|w| !w.starts_with('-'))
        .collect();
    let [from, to] = args.as_slice() else {
        return None;
    };
    let is_dotenv = |p: &str| {
        let name = p.rsplit('/').next().unwrap_or(p);
        name == ".env" || name.starts_with(".env.")
    };
    (is_dotenv(from) && is_dotenv(to)).then(|| {
        (
            from.trim_start_matches("./").to_string(),
            to.trim_start_matches("./").to_string(),
        )
    })
}

/// READMEs and contributing guides: the commands they tell a developer to
/// run before the tests.
pub struct Docs;

impl super::stack::Stack for Docs {
    fn name(&self) -> &'static str {
        "documentation"
    }

    fn read_more(
        &self,
        tree: &dyn crate::tree::Tree,
        files: &mut Vec<crate::source::SourceFile>,
        _unreadable: &mut Vec<crate::model::Unreadable>,
    ) {
        read_readmes(tree, files);
    }

    fn evidence(&mut self, ws: &mut Workspace) {
        read(ws);
    }
}

#[cfg(test)]
mod tests {
    use super::dotenv_copy;

    #[test]
    fn dotenv_copies() {
        assert_eq!(
            dotenv_copy("cp .env .env.testing"),
            Some((".env".into(), ".env.testing".into()))
        );
        assert_eq!(
            dotenv_copy("cp -f ./.env.example .env && php artisan key:generate"),
            Some((".env.example".into(), ".env".into()))
        );
        assert_eq!(dotenv_copy("cp a.txt .env"), None);
        assert_eq!(dotenv_copy("cp .env"), None);
    }
}
