//! Spring test classes (`src/test/java/**/*.java`, `src/test/kotlin/**/*.kt`):
//! which context each starts, with which profiles, and what isolates or
//! writes its database (safe idioms and traps). Read from
//! tokens, so a commented-out annotation does not count.

use crate::model::jvm::SpringTestClass;
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::clike::{self, Annotation, Dialect, Token};

/// The module of a test source path: the folder holding `src/test/java`.
pub fn module_of(rel_path: &str) -> Option<String> {
    // (`…/src/test/java` itself is the stand-in `tree::read_jvm_code` leaves)
    let with_slash = format!("{rel_path}/");
    let rel_path = if rel_path.ends_with("src/test/java") {
        with_slash.as_str()
    } else {
        rel_path
    };
    for marker in ["src/test/java/", "src/test/kotlin/"] {
        if let Some(i) = rel_path.find(marker)
            && (i == 0 || rel_path.as_bytes()[i - 1] == b'/')
        {
            return Some(rel_path[..i].trim_end_matches('/').to_string());
        }
    }
    None
}

/// Annotations that start an application context with the app's datasource.
const CONTEXTS: &[&str] = &[
    "SpringBootTest",
    "DataJpaTest",
    "DataJdbcTest",
    "JdbcTest",
    "DataR2dbcTest",
    "DataMongoTest",
    "MybatisTest",
    "JooqTest",
];
/// Slices that replace the DataSource with an embedded one unless told not to
/// (`AutoConfigureTestDatabase.Replace`).
const EMBEDDED_SLICES: &[&str] = &[
    "DataJpaTest",
    "DataJdbcTest",
    "JdbcTest",
    "MybatisTest",
    "JooqTest",
];
/// Slices whose tests run in a transaction rolled back after each.
const TRANSACTIONAL_SLICES: &[&str] = &[
    "DataJpaTest",
    "DataJdbcTest",
    "JdbcTest",
    "MybatisTest",
    "JooqTest",
];

/// Every test class of one file.
pub fn read(id: FileId, file: &SourceFile) -> Vec<SpringTestClass> {
    let Some(module) = module_of(&file.path) else {
        return Vec::new();
    };
    let toks = clike::tokens(&file.text, Dialect::Java);
    let anns = clike::annotations(&toks);
    let span = |r: std::ops::Range<usize>| Span::new(id, r.start, r.end);
    let file_wide = file_wide_idiom(&toks, &anns, id);
    let writes = writes(&toks, id);
    let mut out = Vec::new();
    // each `class X` with the annotations written since the previous class
    let mut ann_from = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.ident() != Some("class") {
            continue;
        }
        let Some(Token::Ident(name, name_range)) = toks.get(i + 1) else {
            continue;
        };
        let at = t.range().start;
        let own: Vec<&Annotation> = anns
            .iter()
            .skip(ann_from)
            .take_while(|a| a.range.start < at)
            .collect();
        ann_from += own.len();
        let is_abstract = toks[..i]
            .iter()
            .rev()
            .take(4)
            .any(|t| t.ident() == Some("abstract"));
        let extends = toks[i + 2..]
            .iter()
            .take(8)
            .position(|t| t.ident() == Some("extends"))
            .and_then(|p| toks.get(i + 2 + p + 1))
            .and_then(|t| t.ident())
            .map(str::to_string);
        let find = |n: &str| own.iter().find(|a| a.name == n);
        let context = own
            .iter()
            .find(|a| CONTEXTS.contains(&a.name.as_str()))
            .map(|a| (a.name.clone(), span(a.range.clone())));
        let profiles = find("ActiveProfiles").map(|a| {
            (
                a.strings().into_iter().map(str::to_string).collect(),
                span(a.range.clone()),
            )
        });
        let replace = find("AutoConfigureTestDatabase").map(|a| a.named_idents("replace"));
        let keeps_datasource = replace.as_ref().is_some_and(|r| r.contains(&"NONE"));
        let embedded = if keeps_datasource {
            None
        } else if let Some(a) = find("AutoConfigureTestDatabase") {
            Some((a.name.clone(), span(a.range.clone())))
        } else {
            own.iter()
                .find(|a| EMBEDDED_SLICES.contains(&a.name.as_str()))
                .map(|a| (a.name.clone(), span(a.range.clone())))
        };
        let inline = own
            .iter()
            .filter(|a| a.name == "SpringBootTest" || a.name == "TestPropertySource")
            .flat_map(|a| inline_properties(a, id))
            .collect::<Vec<_>>();
        let isolation = own
            .iter()
            .find(|a| matches!(a.name.as_str(), "Testcontainers" | "ServiceConnection"))
            .map(|a| (format!("@{}", a.name), span(a.range.clone())))
            .or_else(|| {
                inline
                    .iter()
                    .find(|(k, _, _)| {
                        crate::model::jvm::datasource_key(&super::spring::canonical(k))
                    })
                    .map(|(k, _, s)| (format!("`{k}` set by the test class"), *s))
            })
            // Spring Boot's Docker Compose support, turned on for tests:
            // the compose service's connection details replace
            // `spring.datasource.*` (docs.spring.io …/features/dev-services.html)
            .or_else(|| {
                inline
                    .iter()
                    .find(|(k, v, _)| {
                        super::spring::canonical(k) == "spring.docker.compose.skip.intests"
                            && v.eq_ignore_ascii_case("false")
                    })
                    .map(|(_, _, s)| {
                        (
                            "Spring Boot's Docker Compose support (`spring.docker.compose.skip.in-tests=false`)"
                                .to_string(),
                            *s,
                        )
                    })
            })
            .or_else(|| file_wide.clone());
        let inline_profiles = inline
            .iter()
            .find(|(k, _, _)| super::spring::canonical(k) == "spring.profiles.active")
            .map(|(_, v, s)| (v.split(',').map(|p| p.trim().to_string()).collect(), *s));
        let commits = find("Commit").is_some()
            || find("Rollback").is_some_and(|a| a.args.iter().any(|t| t.ident() == Some("false")));
        let rolls_back = !commits
            && (find("Transactional").is_some()
                || own
                    .iter()
                    .any(|a| TRANSACTIONAL_SLICES.contains(&a.name.as_str())));
        out.push(SpringTestClass {
            module: module.clone(),
            file: id,
            name: name.clone(),
            name_span: span(name_range.clone()),
            extends,
            is_abstract,
            context,
            profiles,
            embedded,
            keeps_datasource,
            isolation,
            inline_profiles,
            rolls_back,
            writes: writes.clone(),
        });
    }
    out
}

/// `properties = {"a=b", …}` of `@SpringBootTest`/`@TestPropertySource`:
/// `(key, value, span)`.
fn inline_properties(a: &Annotation, id: FileId) -> Vec<(String, String, Span)> {
    let mut out = Vec::new();
    let mut in_props = a.name == "TestPropertySource" && a.named_idents("properties").is_empty();
    for (i, t) in a.args.iter().enumerate() {
        if t.ident() == Some("properties") && a.args.get(i + 1).is_some_and(|n| n.is_punct(b'=')) {
            in_props = true;
            continue;
        }
        if t.ident().is_some() && a.args.get(i + 1).is_some_and(|n| n.is_punct(b'=')) {
            in_props = false;
        }
        if let (true, Token::Str(s, r)) = (in_props, t)
            && let Some((k, v)) = s.split_once(['=', ':'])
        {
            out.push((
                k.trim().to_string(),
                v.trim().to_string(),
                Span::new(id, r.start, r.end),
            ));
        }
    }
    out
}

/// Idioms anywhere in the file that give its contexts a database of their
/// own: a `@Container` field, `@DynamicPropertySource`, `@ServiceConnection`,
/// a `jdbc:tc:` URL.
fn file_wide_idiom(toks: &[Token], anns: &[Annotation], id: FileId) -> Option<(String, Span)> {
    if let Some(a) = anns.iter().find(|a| {
        matches!(
            a.name.as_str(),
            "DynamicPropertySource" | "ServiceConnection" | "Container" | "Testcontainers"
        )
    }) {
        return Some((
            format!("@{}", a.name),
            Span::new(id, a.range.start, a.range.end),
        ));
    }
    toks.iter().find_map(|t| match t {
        Token::Str(s, r) if s.starts_with("jdbc:tc:") => Some((
            "a `jdbc:tc:` URL".to_string(),
            Span::new(id, r.start, r.end),
        )),
        Token::Ident(n, r)
            if matches!(
                n.as_str(),
                "PostgreSQLContainer"
                    | "MySQLContainer"
                    | "MariaDBContainer"
                    | "MSSQLServerContainer"
                    | "OracleContainer"
                    | "MongoDBContainer"
                    | "EmbeddedPostgres"
            ) =>
        {
            Some((format!("`{n}`"), Span::new(id, r.start, r.end)))
        }
        _ => None,
    })
}

/// The first call of the file that writes or deletes data, outside a
/// Mockito stub or verification (`when(repo.save(x))` writes nothing).
fn writes(toks: &[Token], id: FileId) -> Option<(String, Span)> {
    const PREFIXES: &[&str] = &[
        "insert", "delete", "update", "save", "remove", "truncate", "drop",
    ];
    const STUBS: &[&str] = &[
        "when",
        "verify",
        "given",
        "then",
        "doReturn",
        "doNothing",
        "doThrow",
        "willReturn",
        "thenReturn",
        "any",
        "assertThrows",
    ];
    // the calls whose parentheses are open at each point
    let mut open: Vec<Option<&str>> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.is_punct(b'(') {
            let callee = i.checked_sub(1).and_then(|p| toks[p].ident());
            open.push(callee);
            continue;
        }
        if t.is_punct(b')') {
            open.pop();
            continue;
        }
        let stubbed = open.iter().any(|c| c.is_some_and(|c| STUBS.contains(&c)));
        match t {
            Token::Ident(n, r)
                if !stubbed
                    && toks.get(i + 1).is_some_and(|n| n.is_punct(b'('))
                    && i > 0
                    && toks[i - 1].is_punct(b'.')
                    && PREFIXES.iter().any(|p| {
                        n.strip_prefix(p).is_some_and(|rest| {
                            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
                        })
                    }) =>
            {
                return Some((format!("`{n}(…)`"), Span::new(id, r.start, r.end)));
            }
            Token::Str(s, r) if !stubbed => {
                let u = s.trim_start().to_ascii_uppercase();
                for sql in [
                    "DELETE FROM",
                    "TRUNCATE",
                    "DROP TABLE",
                    "INSERT INTO",
                    "UPDATE ",
                ] {
                    if u.starts_with(sql) {
                        return Some((format!("`{sql}…`"), Span::new(id, r.start, r.end)));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(path: &str, text: &str) -> Vec<SpringTestClass> {
        let f = SourceFile::new(
            path.to_string(),
            crate::source::SourceKind::JvmTestCode,
            text.to_string(),
        );
        read(FileId(0), &f)
    }

    #[test]
    fn profiles_slices_and_commented_annotations() {
        let c = classes(
            "shop/src/test/java/a/ATest.java",
            "// @ActiveProfiles(\"test\")\n@SpringBootTest\nclass ATest { @Test void t() { repo.deleteAll(); } }\n",
        );
        assert_eq!(c[0].module, "shop");
        assert_eq!(module_of("shop/src/test/java").as_deref(), Some("shop"));
        assert_eq!(module_of("src/test/java").as_deref(), Some(""));
        assert!(c[0].profiles.is_none());
        assert_eq!(c[0].context.as_ref().unwrap().0, "SpringBootTest");
        assert_eq!(c[0].writes.as_ref().unwrap().0, "`deleteAll(…)`");
        let d = classes(
            "src/test/java/B.java",
            "@DataJpaTest\n@AutoConfigureTestDatabase(replace = Replace.NONE)\n@ActiveProfiles({\"it\"})\npublic class B extends Base { void t() { when(repo.save(x)).thenReturn(x); } }",
        );
        assert!(d[0].keeps_datasource && d[0].embedded.is_none() && d[0].rolls_back);
        assert_eq!(d[0].profiles.as_ref().unwrap().0, ["it"]);
        assert_eq!(d[0].extends.as_deref(), Some("Base"));
        assert!(d[0].writes.is_none());
    }

    #[test]
    fn isolation_idioms() {
        let c = classes(
            "src/test/java/C.java",
            "@SpringBootTest\n@Testcontainers\nclass C { @Container @ServiceConnection static PostgreSQLContainer<?> db = new PostgreSQLContainer<>(\"postgres\"); }",
        );
        assert_eq!(c[0].isolation.as_ref().unwrap().0, "@Testcontainers");
        let d = classes(
            "src/test/java/D.java",
            "@SpringBootTest(properties = {\"spring.profiles.active=test\", \"spring.datasource.url=jdbc:h2:mem:x\"})\nclass D {}",
        );
        assert_eq!(d[0].inline_profiles.as_ref().unwrap().0, ["test"]);
        assert!(d[0].isolation.is_some());
    }
}
