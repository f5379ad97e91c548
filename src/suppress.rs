//! Inline suppressions: `testguard: ignore[TG101, database-remote-host] reason`
//! in the file's own comment syntax — `#` (dotenv, TOML, YAML, INI), `;` (INI),
//! `<!-- … -->` (XML) — on the line of the finding or the line above. There is
//! no blanket ignore: a suppression names the rules it silences, and one that
//! silences nothing is reported (TG003).

use std::sync::OnceLock;

use regex::Regex;

use crate::model::Workspace;
use crate::source::{FileId, SourceKind, Span};

/// One `testguard: ignore[…]` comment.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub file: FileId,
    /// 1-based line of the comment.
    pub line: usize,
    /// The span of `testguard: ignore[…]`.
    pub span: Span,
    /// Each listed rule as written, with its code when it names a rule.
    pub rules: Vec<(String, Option<&'static str>)>,
    pub reason: Option<String>,
}

fn marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"testguard:\s*ignore(?:\[([^\]\n]*)\])?[ \t]*([^\r\n]*)")
            .unwrap_or_else(|_| unreachable!())
    })
}

/// The comment openers of a file kind.
fn openers(kind: SourceKind) -> &'static [&'static str] {
    match kind {
        SourceKind::Phpunit => &["<!--"],
        SourceKind::PytestIni | SourceKind::ToxIni | SourceKind::SetupCfg => &["#", ";"],
        SourceKind::Readme => &["<!--"],
        SourceKind::AppCode => &["#", "//"],
        SourceKind::NodeCode => &["//", "/*"],
        _ => &["#"],
    }
}

/// Every suppression comment in the workspace's files.
/// `code_of` names the rule a word of `ignore[…]` means (a code, a name, a
/// former name), `None` for a word that names none.
pub fn collect(ws: &Workspace, code_of: impl Fn(&str) -> Option<&'static str>) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        // a `.gitignore` line can carry a finding (TG106), so its comments count
        let reported_on = f.kind.is_config()
            || matches!(
                f.kind,
                SourceKind::Gitignore
                    | SourceKind::AppCode
                    | SourceKind::Readme
                    | SourceKind::NodeCode
                    | SourceKind::OrmConfig
                    | SourceKind::Codeception
                    | SourceKind::TaskRunner
            );
        if !reported_on || !f.text.contains("testguard:") {
            continue;
        }
        let id = FileId(i);
        for m in marker().captures_iter(&f.text) {
            let Some(whole) = m.get(0) else { continue };
            let (line, _) = f.line_col(whole.start());
            let line_start = f.text[..whole.start()]
                .rfind(['\n', '\r'])
                .map_or(0, |p| p + 1);
            let before = &f.text[line_start..whole.start()];
            // only inside a comment of this file's syntax
            if !openers(f.kind).iter().any(|o| before.contains(o)) {
                continue;
            }
            let rules = m
                .get(1)
                .map(|r| {
                    r.as_str()
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| (s.to_string(), code_of(s)))
                        .collect()
                })
                .unwrap_or_default();
            let reason = m
                .get(2)
                .map(|r| r.as_str().trim().trim_end_matches("-->").trim().to_string())
                .filter(|r| !r.is_empty());
            let end = m.get(1).map_or(
                whole.start() + "testguard: ignore".len().min(whole.len()),
                |r| r.end() + 1,
            );
            out.push(Suppression {
                file: id,
                line,
                span: Span::new(id, whole.start(), end.min(f.text.len())).fit(&f.text),
                rules,
                reason,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn one(path: &str, kind: SourceKind, text: &str) -> Vec<Suppression> {
        let ws = Workspace {
            files: vec![SourceFile::new(path.into(), kind, text.into())],
            ..Default::default()
        };
        collect(&ws, |w| crate::rules::find(w).map(|r| r.meta().code))
    }

    #[test]
    fn each_syntax_and_reason() {
        let s = one(
            ".env.test",
            SourceKind::DotenvTest,
            "# testguard: ignore[TG101, database-remote-host] local fixture db\nA=1\n",
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].line, 1);
        assert_eq!(s[0].rules[0].1, Some("TG101"));
        assert_eq!(s[0].rules[1].1, Some("TG103"));
        assert_eq!(s[0].reason.as_deref(), Some("local fixture db"));
        let x = one(
            "phpunit.xml",
            SourceKind::Phpunit,
            "<php>\n<!-- testguard: ignore[TG201] -->\n</php>\n",
        );
        assert_eq!((x[0].line, x[0].reason.as_deref()), (2, None));
        let ini = one(
            "pytest.ini",
            SourceKind::PytestIni,
            "[pytest]\n; testguard: ignore[TG301] legacy\n",
        );
        assert_eq!(ini[0].rules[0].1, Some("TG301"));
        // not in a comment of this syntax: a value that mentions it is not a suppression
        assert!(
            one(
                "phpunit.xml",
                SourceKind::Phpunit,
                "<env name=\"X\" value=\"# testguard: ignore[TG101]\"/>\n"
            )
            .is_empty()
        );
        assert!(
            one(
                ".env.test",
                SourceKind::DotenvTest,
                "NOTE=testguard: ignore[TG101]\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn blanket_and_unknown() {
        let s = one(
            ".env.test",
            SourceKind::DotenvTest,
            "# testguard: ignore\n# testguard: ignore[TG999]\n",
        );
        assert!(s[0].rules.is_empty());
        assert_eq!(s[1].rules[0].1, None);
    }
}
