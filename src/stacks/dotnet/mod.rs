//! ASP.NET Core: `appsettings*.json` (comments and
//! trailing commas allowed, as `JsonConfigurationFileParser` allows them),
//! the projects a test project references, and the `WebApplicationFactory`
//! its code starts the app with.

pub mod reads;

use crate::model::dotnet::{AppSetting, DotnetRun, WebFactory};
use crate::model::{Setting, Via, Workspace};
use crate::source::{FileId, SourceFile, SourceKind, Span, Spanned};
use crate::syntax::clike::{self, Dialect, Token};

/// Every scalar setting of an `appsettings*.json`, keyed `A:B:C`. A file
/// that does not parse gives nothing (the app would not start).
pub fn read_settings(id: FileId, file: &SourceFile) -> Vec<AppSetting> {
    let Some(environment) = crate::kinds::appsettings_environment(file.file_name()) else {
        return Vec::new();
    };
    let options = jsonc_parser::ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        ..Default::default()
    };
    let Ok(parsed) = jsonc_parser::parse_to_ast(&file.text, &Default::default(), &options) else {
        return Vec::new();
    };
    let Some(value) = parsed.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    flatten(&value, String::new(), id, &file.text, &mut out, 0);
    out.into_iter()
        .map(|setting| AppSetting {
            project: file.dir().to_string(),
            file: id,
            environment: environment.clone(),
            setting,
        })
        .collect()
}

fn flatten(
    v: &jsonc_parser::ast::Value<'_>,
    prefix: String,
    id: FileId,
    text: &str,
    out: &mut Vec<Setting>,
    depth: usize,
) {
    use jsonc_parser::ast::{ObjectPropName, Value};
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(o) => {
            for p in &o.properties {
                let name = p.name.as_str();
                let key = if prefix.is_empty() {
                    name.to_string()
                } else {
                    format!("{prefix}:{name}")
                };
                let key_range = match &p.name {
                    ObjectPropName::String(s) => inner(s.range.start, s.range.end, text),
                    ObjectPropName::Word(w) => (w.range.start, w.range.end),
                };
                if let Value::StringLit(s) = &p.value {
                    let (vs, ve) = inner(s.range.start, s.range.end, text);
                    let verbatim = text.get(vs..ve) == Some(s.value.as_ref());
                    out.push(Setting {
                        key: Spanned::new(key, Span::new(id, key_range.0, key_range.1)),
                        value: s.value.to_string(),
                        value_span: Span::new(id, vs, ve),
                        verbatim,
                        overridable: true,
                        via: Via::FrameworkConfig,
                        unset: false,
                        provenance: None,
                        raw_offsets: None,
                    });
                } else {
                    flatten(&p.value, key, id, text, out, depth + 1);
                }
            }
        }
        Value::Array(a) => {
            for (i, e) in a.elements.iter().enumerate() {
                flatten(e, format!("{prefix}:{i}"), id, text, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The range inside a string literal's quotes.
fn inner(start: usize, end: usize, text: &str) -> (usize, usize) {
    let quoted = end >= start + 2
        && text.as_bytes().get(start) == Some(&b'"')
        && text.as_bytes().get(end - 1) == Some(&b'"');
    if quoted {
        (start + 1, end - 1)
    } else {
        (start, end)
    }
}

/// The projects a `.csproj` references (`<ProjectReference Include="..\Web\Web.csproj" />`),
/// as folders relative to the repository.
pub fn project_references(file: &SourceFile) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = file.text.as_str();
    while let Some(i) = rest.find("<ProjectReference") {
        rest = &rest[i..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        if let Some(a) = tag.find("Include=\"") {
            let v = &tag[a + 9..];
            if let Some(e) = v.find('"') {
                let path = v[..e].replace('\\', "/");
                let joined = crate::stacks::go::join(file.dir(), &path);
                let dir = joined
                    .rsplit_once('/')
                    .map_or(String::new(), |(d, _)| d.to_string());
                if !joined.starts_with("..") {
                    out.push(dir);
                }
            }
        }
        rest = &rest[tag_end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1.min(rest.len())..];
    }
    out
}

/// The `WebApplicationFactory` uses of one C# test file.
pub fn factories(id: FileId, file: &SourceFile, test_project: &str) -> Vec<WebFactory> {
    let toks = clike::tokens(&file.text, Dialect::CSharp);
    let span = |r: std::ops::Range<usize>| Span::new(id, r.start, r.end);
    let Some(at) = toks
        .iter()
        .position(|t| t.ident() == Some("WebApplicationFactory"))
    else {
        return Vec::new();
    };
    let environment = clike::calls(&toks)
        .find(|(n, _, _)| *n == "UseEnvironment")
        .and_then(|(_, _, i)| {
            let args = clike::call_strings(&toks, i);
            args.first().map(|(s, r)| (s.to_string(), span(r.clone())))
        })
        .or_else(|| {
            // `UseEnvironment(Environments.Staging)`
            clike::calls(&toks)
                .find(|(n, _, _)| *n == "UseEnvironment")
                .and_then(|(_, r, i)| {
                    (toks.get(i + 2).and_then(Token::ident) == Some("Environments"))
                        .then(|| toks.get(i + 4).and_then(Token::ident))
                        .flatten()
                        .map(|e| (e.to_string(), span(r)))
                })
        });
    let isolation = isolation(&toks, id);
    let ensure_deleted = clike::calls(&toks)
        .find(|(n, _, _)| *n == "EnsureDeleted" || *n == "EnsureDeletedAsync")
        .map(|(_, r, _)| span(r));
    vec![WebFactory {
        test_project: test_project.to_string(),
        file: id,
        span: span(toks[at].range()),
        environment,
        isolation,
        ensure_deleted,
    }]
}

/// What in a factory's file gives the app a database of its own.
fn isolation(toks: &[Token], id: FileId) -> Option<(String, Span)> {
    let span = |r: std::ops::Range<usize>| Span::new(id, r.start, r.end);
    for (name, range, i) in clike::calls(toks) {
        match name {
            "UseInMemoryDatabase" => {
                return Some((
                    "an in-memory EF Core database (`UseInMemoryDatabase`)".into(),
                    span(range),
                ));
            }
            "UseSetting" => {
                let args = clike::call_strings(toks, i);
                if args
                    .first()
                    .is_some_and(|(k, _)| k.to_ascii_lowercase().starts_with("connectionstrings"))
                {
                    return Some(("`UseSetting` of the connection string".into(), span(range)));
                }
            }
            "UseSqlite" | "UseNpgsql" | "UseSqlServer" | "UseMySql" => {
                let args = clike::call_strings(toks, i);
                if args.iter().any(|(s, _)| {
                    let l = s.to_ascii_lowercase();
                    l.contains(":memory:") || l.contains("mode=memory")
                }) {
                    return Some(("an in-memory SQLite database".into(), span(range)));
                }
            }
            _ => {}
        }
    }
    // connection strings the factory adds in code, an Aspire host that
    // starts databases of its own for the test
    let aspire = toks.iter().any(|t| {
        matches!(
            t.ident(),
            Some("DistributedApplication" | "DistributedApplicationTestingBuilder")
        )
    });
    let connection_literal = toks.iter().any(
        |t| matches!(t, Token::Str(s, _) if s.to_ascii_lowercase().starts_with("connectionstrings")),
    );
    for (name, range, _) in clike::calls(toks) {
        match name {
            "AddInMemoryCollection" if connection_literal => {
                return Some((
                    "connection strings the factory sets in code (`AddInMemoryCollection`)".into(),
                    span(range),
                ));
            }
            "AddPostgres" | "AddSqlServer" | "AddMySql" | "AddMongoDB" if aspire => {
                return Some((
                    format!("a database the Aspire test host starts (`{name}`)"),
                    span(range),
                ));
            }
            _ => {}
        }
    }
    toks.iter().find_map(|t| match t {
        Token::Ident(n, r)
            if matches!(
                n.as_str(),
                "MsSqlBuilder"
                    | "PostgreSqlBuilder"
                    | "MySqlBuilder"
                    | "MariaDbBuilder"
                    | "MongoDbBuilder"
                    | "TestcontainersBuilder"
            ) =>
        {
            Some((
                format!("a Testcontainers database (`{n}`)"),
                span(r.clone()),
            ))
        }
        _ => None,
    })
}

/// Reads the settings, the test projects' factories, and builds the runs.
pub fn build(ws: &mut Workspace) {
    let mut settings = Vec::new();
    // (folder, referenced folders, is a web app: `Sdk="Microsoft.NET.Sdk.Web"`)
    let mut projects: Vec<(String, Vec<String>, bool)> = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        match f.kind {
            SourceKind::DotnetAppSettings => settings.extend(read_settings(FileId(i), f)),
            SourceKind::DotnetProject => projects.push((
                f.dir().to_string(),
                project_references(f),
                f.text.contains("Microsoft.NET.Sdk.Web"),
            )),
            _ => {}
        }
    }
    let mut factories = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::DotnetTestCode {
            continue;
        }
        // the test project: the deepest `.csproj` folder holding the file
        let Some((dir, _, _)) = projects
            .iter()
            .filter(|(d, _, _)| crate::model::is_within(f.dir(), d))
            .max_by_key(|(d, _, _)| d.len())
        else {
            continue;
        };
        factories.extend(self::factories(FileId(i), f, dir));
    }
    // destruction anywhere in the test project counts for its factories
    let deleted: Vec<(String, Span)> = factories
        .iter()
        .filter_map(|f: &WebFactory| f.ensure_deleted.map(|s| (f.test_project.clone(), s)))
        .collect();
    let mut runs = Vec::new();
    for mut factory in factories {
        if factory.ensure_deleted.is_none() {
            factory.ensure_deleted = deleted
                .iter()
                .find(|(p, _)| *p == factory.test_project)
                .map(|(_, s)| *s);
        }
        // a test project with an `appsettings*.json` of its own: code
        // loads it (the app's `AddJsonFile`, a test helper), and what it
        // changes is decided there; nothing is judged
        if factory.isolation.is_none()
            && let Some((i, f)) = ws.files.iter().enumerate().find(|(_, f)| {
                f.kind == SourceKind::DotnetAppSettings
                    && crate::model::is_within(f.dir(), &factory.test_project)
            })
        {
            factory.isolation = Some((
                format!("the test project's own {}, which code loads", f.file_name()),
                Span::new(FileId(i), 0, 0),
            ));
        }
        // the app: the one referenced project with `appsettings.json`
        let Some((_, refs, _)) = projects.iter().find(|(d, _, _)| *d == factory.test_project)
        else {
            continue;
        };
        // the app `WebApplicationFactory<Program>` starts: the one web
        // project referenced (several, as an Aspire test host references
        // them: which `Program` it is is not read, and nothing is judged)
        let web: Vec<&String> = refs
            .iter()
            .filter(|r| projects.iter().any(|(d, _, is_web)| d == *r && *is_web))
            .collect();
        let [app] = web.as_slice() else {
            continue;
        };
        if !settings
            .iter()
            .any(|s| s.project == **app && s.environment.is_none())
        {
            continue;
        }
        let environment = factory
            .environment
            .as_ref()
            .map_or("Development".to_string(), |(e, _)| e.clone());
        let mut connection_strings =
            crate::resolve::dotnet::effective_connection_strings(&settings, app, &environment);
        // `testguard run`: an exported `ConnectionStrings__Main` (or
        // `SQLCONNSTR_Main`…) beats both files
        if let Some(inv) = ws.invocation.as_ref() {
            for c in &inv.caller {
                let Some(name) = connection_string_name(&c.key.value) else {
                    continue;
                };
                let key = format!("ConnectionStrings:{name}");
                connection_strings.retain(|s| !s.setting.key.value.eq_ignore_ascii_case(&key));
                connection_strings.push(AppSetting {
                    project: app.to_string(),
                    file: c.value_span.file,
                    environment: None,
                    setting: Setting {
                        key: Spanned::new(key, c.key.span),
                        ..c.clone()
                    },
                });
            }
        }
        runs.push(DotnetRun {
            factory,
            app: app.to_string(),
            environment,
            connection_strings,
        });
    }
    for s in settings {
        ws.project_mut(&s.project.clone())
            .dotnet
            .app_settings
            .push(s);
    }
    for run in runs {
        let factory = &run.factory;
        ws.runs.push(crate::model::TestRun {
            name: format!(
                "`dotnet test` ({})",
                if factory.test_project.is_empty() {
                    "."
                } else {
                    &factory.test_project
                }
            ),
            family: crate::model::RunnerFamily::Dotnet,
            framework: crate::model::RunFramework::AspNetCore,
            runner: "dotnet test".into(),
            entry: factory.span,
            dir: factory.test_project.clone(),
            layers: Vec::new(),
            effective: Vec::new(),
            env: None,
            facts: crate::model::run::RunFacts::Dotnet(run),
        });
    }
}

/// The connection string an environment variable sets: `ConnectionStrings__Main`
/// and the App Service prefixes (`SQLCONNSTR_Main`) → `Main`.
pub fn connection_string_name(var: &str) -> Option<&str> {
    let upper = var.to_ascii_uppercase();
    for prefix in [
        "CONNECTIONSTRINGS__",
        "SQLCONNSTR_",
        "SQLAZURECONNSTR_",
        "POSTGRESQLCONNSTR_",
        "MYSQLCONNSTR_",
        "CUSTOMCONNSTR_",
    ] {
        if upper.starts_with(prefix) && var.len() > prefix.len() {
            return var.get(prefix.len()..);
        }
    }
    None
}

/// ASP.NET Core: `appsettings*.json`, projects and their references, and
/// the `WebApplicationFactory` classes of test projects.
pub struct Dotnet;

impl crate::stacks::stack::Stack for Dotnet {
    fn name(&self) -> &'static str {
        ".NET"
    }

    fn read_more(
        &self,
        tree: &dyn crate::tree::Tree,
        files: &mut Vec<SourceFile>,
        _unreadable: &mut Vec<crate::model::Unreadable>,
    ) {
        reads::test_code(tree, files);
    }

    fn link(&mut self, ws: &mut Workspace, _issues: &mut Vec<crate::model::ParseIssue>) {
        build(ws);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str, kind: SourceKind) -> SourceFile {
        SourceFile::new(path.to_string(), kind, text.to_string())
    }

    #[test]
    fn appsettings_with_comments_and_trailing_commas() {
        let text = "{\n  // the dev database\n  \"ConnectionStrings\": {\n    \"Default\": \"Server=.;Database=Shop;\",\n  },\n}\n";
        let s = read_settings(
            FileId(0),
            &file(
                "src/Web/appsettings.Development.json",
                text,
                SourceKind::DotnetAppSettings,
            ),
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].setting.key.value, "ConnectionStrings:Default");
        assert_eq!(s[0].environment.as_deref(), Some("Development"));
        let v = &s[0].setting;
        assert_eq!(
            &text[v.value_span.start..v.value_span.end],
            "Server=.;Database=Shop;"
        );
        assert!(
            read_settings(
                FileId(0),
                &file("appsettings.json", "{", SourceKind::DotnetAppSettings)
            )
            .is_empty()
        );
        assert_eq!(
            crate::kinds::appsettings_environment("appsettings.json"),
            Some(None)
        );
        assert_eq!(
            crate::kinds::appsettings_environment("appsettings.Testing.json"),
            Some(Some("Testing".into()))
        );
        assert_eq!(
            crate::kinds::appsettings_environment("appsettings.schema.x.json"),
            None
        );
    }

    #[test]
    fn references_and_factories() {
        let p = file(
            "tests/Web.Tests/Web.Tests.csproj",
            r#"<Project><ItemGroup><ProjectReference Include="..\..\src\Web\Web.csproj" /></ItemGroup></Project>"#,
            SourceKind::DotnetProject,
        );
        assert_eq!(project_references(&p), ["src/Web"]);
        let c = file(
            "tests/Web.Tests/Factory.cs",
            "public class F : WebApplicationFactory<Program> {\n protected override void ConfigureWebHost(IWebHostBuilder b) {\n  b.UseEnvironment(\"Testing\");\n  // services.AddDbContext(o => o.UseInMemoryDatabase(\"x\"));\n }\n}\n",
            SourceKind::DotnetTestCode,
        );
        let f = factories(FileId(1), &c, "tests/Web.Tests");
        assert_eq!(f[0].environment.as_ref().unwrap().0, "Testing");
        assert!(f[0].isolation.is_none());
    }
}
