//! Destructive evidence in PHP test code: what in the suite wipes
//! the database it reaches, found by a literal scan of `tests/**/*.php`.
//!
//! - Laravel: `RefreshDatabase`, `LazilyRefreshDatabase` (`migrate:fresh`, or a
//!   transaction after it), `DatabaseMigrations` (`migrate:fresh` per test),
//!   `DatabaseTruncation`;
//! - Symfony: Foundry's `ResetDatabase`, hautelook/alice's
//!   `RefreshDatabaseTrait`/`ReloadDatabaseTrait`, Doctrine's `ORMPurger`,
//!   `doctrine:schema:drop`, `doctrine:database:drop`;
//! - CakePHP: `SchemaLoader::loadSqlFiles()`, migrations' `Migrator` run;
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
    // the query builders' own (CodeIgniter 3/4 `$this->db->truncate('t')`,
    // `empty_table('t')`; Laravel `DB::table('t')->truncate()`)
    ("->truncate(", "truncates its tables"),
    ("->empty_table(", "deletes every row of its tables"),
    // CakePHP's test bootstrap: `SchemaLoader` drops every table of the
    // connection before loading the schema; migrations' `Migrator` drops
    // them when the migrations changed and truncates the ones tests wrote
    // (cakephp/migrations `src/TestSuite/Migrator.php`)
    ("loadSqlFiles(", "drops every table and loads the schema"),
    (
        "Migrator())->run",
        "truncates its tables, and drops them when the migrations changed",
    ),
];

/// The idioms that only delete or write rows inside a test: a transaction
/// rolled back after the test undoes them (Doctrine's `ORMPurger` deletes
/// by default; hautelook/alice's `ReloadDatabaseTrait` purges that way and
/// loads fixtures). Every other idiom issues DDL or a `TRUNCATE`, which
/// MySQL commits implicitly, or wipes before the first test's transaction.
///
/// `->truncate(` is counted among them: CodeIgniter's and Laravel's issue
/// `TRUNCATE`, but Foundry's `Factory::repository()->truncate()` is a
/// `DELETE` query (zenstruck/foundry `RepositoryProxy::truncate`), which
/// DAMA's rollback undoes (stasiu20/ssorder's suite).
const ROW_WRITES: &[&str] = &[
    "ORMPurger",
    "ReloadDatabaseTrait",
    "->empty_table(",
    "->truncate(",
];

/// DAMA DoctrineTestBundle's PHPUnit hook, enabled in a PHPUnit
/// configuration: `<bootstrap class="…PHPUnitExtension"/>` (PHPUnit 10+),
/// `<extension class="…PHPUnitExtension"/>` (PHPUnit 8 and 9),
/// `<listener class="…PHPUnitListener"/>` (its versions before 6). It begins
/// a transaction before every test on each DBAL connection and rolls it
/// back after (dmaicher/doctrine-test-bundle README), so row writes do not
/// persist; DDL and MySQL's implicit commits do.
pub fn dama_rollback(ws: &mut Workspace) {
    let mut found = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::Phpunit {
            continue;
        }
        if let Some(class) = dama_hook(&f.text) {
            found.push((
                f.dir().to_string(),
                crate::model::Evidence {
                    what: format!("DAMA DoctrineTestBundle's PHPUnit hook in {}", f.path),
                    span: Span::new(FileId(i), class.start, class.end),
                },
            ));
        }
    }
    for (dir, evidence) in found {
        crate::model::project_in(&mut ws.projects, &dir)
            .rolled_back
            .get_or_insert(evidence);
    }
}

/// Where a PHPUnit configuration names DAMA's hook class in an element
/// that enables it (outside comments).
fn dama_hook(text: &str) -> Option<std::ops::Range<usize>> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r#"<(?:bootstrap|extension|listener)\b[^>]*?\bclass\s*=\s*["']\\?(DAMA\\DoctrineTestBundle\\PHPUnit\\PHPUnit(?:Extension|Listener))["']"#,
        )
        .unwrap_or_else(|_| unreachable!())
    });
    let text = blank_xml_comments(text);
    re.captures(&text).and_then(|c| c.get(1)).map(|m| m.range())
}

/// The text with every `<!-- … -->` replaced by spaces, offsets kept.
fn blank_xml_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<!--") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("-->").map_or(after.len(), |e| e + 3);
        // byte for byte: a multi-byte character becomes as many spaces
        for c in after[..end].chars() {
            if c == '\n' {
                out.push('\n');
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

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
        let mut hits: Vec<(usize, usize)> = Vec::new();
        for m in idioms().find_overlapping_iter(code.as_ref()) {
            let (at, end) = (m.start(), m.end());
            // a whole word: `RefreshDatabase` is not `LazilyRefreshDatabase`'s
            // tail (an idiom that starts or ends with punctuation, `->truncate(`,
            // is bounded on that side already)
            let word = |c: char| c.is_alphanumeric() || c == '_';
            let idiom = IDIOMS[m.pattern().as_usize()].0;
            let before = code[..at].chars().next_back();
            let after = code[end..].chars().next();
            let open_start = idiom.starts_with(word);
            let open_end = idiom.ends_with(word);
            let glued =
                open_start && before.is_some_and(word) || open_end && after.is_some_and(word);
            if !glued {
                hits.push((at, m.pattern().as_usize()));
            }
        }
        // A trait or class does something only where code uses it: inside
        // a class or function body. At the file's top level it is an import
        // (`use Laravel\Lumen\Testing\DatabaseMigrations;` in Lumen's
        // skeleton, whose test uses neither trait it imports). A command
        // or SQL string counts anywhere (a bootstrap script's top level).
        hits.sort_unstable();
        let bytes = code.as_bytes();
        let (mut cursor, mut depth) = (0usize, 0i64);
        for (at, pattern) in hits {
            for &b in &bytes[cursor..at] {
                match b {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    _ => {}
                }
            }
            cursor = at;
            if depth > 0 || !is_class_name(IDIOMS[pattern].0) {
                last[pattern] = Some(at);
            }
        }
        for ((idiom, what), at) in IDIOMS.iter().zip(last) {
            if let Some(at) = at {
                found.push(Destruction {
                    project: project.to_string(),
                    idiom,
                    what,
                    span: Span::new(FileId(i), at, at + idiom.len()),
                    escapes_rollback: !ROW_WRITES.contains(idiom),
                });
            }
        }
    }
    found.extend(test_scripts(ws));
    found.sort_by_key(|d| (d.project.clone(), d.span));
    ws.destruction.extend(found);
}

/// Commands a test script runs before the suite that wipe the database
/// the application is configured with (an artisan or console command
/// reads the app's own `.env`, whatever PHPUnit sets later).
const SCRIPT_IDIOMS: &[(&str, &str)] = &[
    ("migrate:fresh", "runs migrate:fresh on it"),
    (
        "migrate:refresh",
        "rolls back and re-runs every migration on it",
    ),
    ("migrate:reset", "rolls back every migration on it"),
    ("db:wipe", "drops all its tables"),
    ("doctrine:schema:drop", "drops its schema"),
    ("doctrine:database:drop", "drops it"),
];

/// What a project's test script (`bin/test.sh`: see `reads::TEST_SCRIPTS`)
/// that starts a PHP test runner does to the database: each destructive
/// command it runs, outside comments.
fn test_scripts(ws: &Workspace) -> Vec<Destruction> {
    let mut found = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::AppCode || !f.path.ends_with(".sh") {
            continue;
        }
        // the longest place that fits: `api/bin/test.sh` is `bin/test.sh`
        // of `api`, not `test.sh` of `api/bin`
        let Some(project) = super::reads::TEST_SCRIPTS
            .iter()
            .filter_map(|s| {
                let p = f.path.strip_suffix(s)?;
                (p.is_empty() || p.ends_with('/')).then_some((s.len(), p))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, p)| p.trim_end_matches('/').to_string())
        else {
            continue;
        };
        let code = crate::syntax::comments::blank(&f.text, crate::syntax::comments::Style::Python);
        let runs_suite = [
            "artisan test",
            "phpunit",
            "vendor/bin/pest",
            "paratest",
            "composer test",
            "bin/console test",
        ]
        .iter()
        .any(|r| code.contains(r));
        if !runs_suite {
            continue;
        }
        for (idiom, what) in SCRIPT_IDIOMS {
            if let Some(at) = code.find(idiom) {
                found.push(Destruction {
                    project: project.clone(),
                    idiom,
                    what,
                    span: Span::new(FileId(i), at, at + idiom.len()),
                    escapes_rollback: true,
                });
            }
        }
    }
    found
}

/// `RefreshDatabase`, `ORMPurger`: a name code uses, not a command
/// (`migrate:fresh`), SQL (`TRUNCATE`) or a call (`->loadSqlFiles(`).
fn is_class_name(idiom: &str) -> bool {
    !idiom.contains([':', '(']) && idiom.bytes().any(|b| b.is_ascii_lowercase())
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
    fn dama_hooks_in_every_phpunit_shape() {
        let class = "DAMA\\DoctrineTestBundle\\PHPUnit\\PHPUnitExtension";
        for text in [
            format!("<extensions><bootstrap class=\"{class}\"/></extensions>"),
            format!("<extensions>\n  <extension class='\\{class}' />\n</extensions>"),
            "<listeners><listener class=\"\\DAMA\\DoctrineTestBundle\\PHPUnit\\PHPUnitListener\"/></listeners>".to_string(),
        ] {
            let at = dama_hook(&text).unwrap_or_else(|| panic!("not found in {text}"));
            assert!(text[at].starts_with("DAMA\\"), "{text}");
        }
        // a comment before it (multi-byte) keeps the offsets
        let text = format!("<!-- é… --><extensions><bootstrap class=\"{class}\"/></extensions>");
        let at = dama_hook(&text).expect("found");
        assert_eq!(&text[at], class);
        // not enabled: commented out, named elsewhere, another class
        for text in [
            format!("<!-- <extension class=\"{class}\"/> -->"),
            format!("<php><env name=\"X\" value=\"{class}\"/></php>"),
            "<extension class=\"Symfony\\Component\\Panther\\ServerExtension\"/>".to_string(),
        ] {
            assert_eq!(dama_hook(&text), None, "{text}");
        }
    }

    #[test]
    fn an_import_alone_is_no_evidence_but_a_command_at_top_level_is() {
        let file = |path: &str, text: &str| {
            SourceFile::new(path.into(), SourceKind::TestCode, text.into())
        };
        let mut ws = Workspace {
            files: vec![
                // Lumen's skeleton: both traits imported, neither used
                file(
                    "a/tests/ExampleTest.php",
                    "<?php\nuse Laravel\\Lumen\\Testing\\DatabaseMigrations;\nuse Laravel\\Lumen\\Testing\\DatabaseTransactions;\nclass ExampleTest extends TestCase\n{\n    public function testExample() { $this->get('/'); }\n}\n",
                ),
                // used in the class body, and `new ORMPurger` in a method
                file(
                    "b/tests/BaseTest.php",
                    "<?php\nuse Doctrine\\Common\\DataFixtures\\Purger\\ORMPurger;\nuse Zenstruck\\Foundry\\Test\\ResetDatabase;\nabstract class BaseTest {\n    use ResetDatabase;\n    protected function setUp(): void { (new ORMPurger($this->em))->purge(); }\n}\n",
                ),
                // a bootstrap script's top level
                file(
                    "c/tests/bootstrap.php",
                    "<?php\npassthru('php bin/console doctrine:schema:drop --force');\n",
                ),
            ],
            ..Workspace::default()
        };
        scan(&mut ws);
        let found: Vec<(&str, &str)> = ws
            .destruction
            .iter()
            .map(|d| (d.project.as_str(), d.idiom))
            .collect();
        assert_eq!(
            found,
            vec![
                ("b", "ResetDatabase"),
                ("b", "ORMPurger"),
                ("c", "doctrine:schema:drop")
            ]
        );
        // the class body's use is the span, not the import
        let reset = &ws.destruction[0];
        assert_eq!(
            reset.span.start,
            ws.files[1].text.find("use ResetDatabase").unwrap_or(0) + 4
        );
    }

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
