//! Ecto repositories in `config/test.exs` and `config/dev.exs`: the `url`
//! and `database` each gives a `config :app, MyApp.Repo, …` call. `mix test`
//! loads `config.exs`, which imports `test.exs`; a later key wins (Elixir's
//! `Config`). What a value is comes from [`crate::syntax::elixir`]; a value
//! it cannot read is unknown and never judged, and a file it cannot read
//! gives nothing (issue 18: "Elixir that cannot be read is `Unknown`").

use crate::model::{DatabaseFramework, EnvTemplate, EnvironmentDatabase};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::elixir;
use crate::syntax::erb::Alternative;

/// The repository settings of one `config/test.exs` or `config/dev.exs`.
pub fn read(id: FileId, file: &SourceFile) -> Vec<EnvironmentDatabase> {
    let Some((project, environment)) = place_of(&file.path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for call in elixir::config_calls(&file.text) {
        // a later key of the same call wins
        for key in ["url", "database"] {
            let Some((_, range)) = call.pairs.iter().rev().find(|(k, _)| k == key) else {
                continue;
            };
            let span = Span::new(id, range.start, range.end);
            let value = match elixir::value(&file.text, range.clone()) {
                Some(v) if v.prefix.is_empty() && v.suffix.is_empty() => {
                    match v.alternatives.as_slice() {
                        [Alternative::Literal(text)] => EnvTemplate::Literal {
                            text: text.clone(),
                            span,
                        },
                        _ => template(id, v, span),
                    }
                }
                Some(v) => template(id, v, span),
                None => EnvTemplate::Unknown,
            };
            out.push(EnvironmentDatabase {
                framework: DatabaseFramework::Ecto,
                project: project.to_string(),
                file: id,
                environment: environment.to_string(),
                scope: call.module.clone(),
                key: key.to_string(),
                value,
            });
        }
    }
    out
}

fn template(id: FileId, v: elixir::Value, span: Span) -> EnvTemplate {
    EnvTemplate::Erb {
        prefix: v.prefix,
        alternatives: crate::stacks::env_alternatives(id, 0, v.alternatives),
        suffix: v.suffix,
        span,
    }
}

/// `apps/user/config/test.exs` → (`apps/user`, `test`); `config/dev.exs` →
/// (``, `development`).
fn place_of(path: &str) -> Option<(&str, &'static str)> {
    let (dir, environment) = if let Some(dir) = path.strip_suffix("config/test.exs") {
        (dir, "test")
    } else {
        (path.strip_suffix("config/dev.exs")?, "development")
    };
    if dir.is_empty() {
        return Some(("", environment));
    }
    Some((dir.strip_suffix('/')?, environment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EnvAlternative;
    use crate::source::SourceKind;

    #[test]
    fn repositories_of_test_and_dev() {
        let text = "import Config\n\nconfig :user, User.Repo,\n  url: System.get_env(\"DATABASE_URL\"),\n  database: \"user_test\"\n";
        let file = SourceFile::new(
            "apps/user/config/test.exs".into(),
            SourceKind::ElixirConfig,
            text.into(),
        );
        let found = read(FileId(0), &file);
        assert_eq!(found.len(), 2);
        assert_eq!(
            (
                found[0].project.as_str(),
                found[0].environment.as_str(),
                found[0].scope.as_str()
            ),
            ("apps/user", "test", "User.Repo")
        );
        let EnvTemplate::Erb { alternatives, .. } = &found[0].value else {
            panic!("{:?}", found[0].value);
        };
        let EnvAlternative::Env { name, span } = &alternatives[0] else {
            panic!("{alternatives:?}");
        };
        assert_eq!(&text[span.start..span.end], name);
        assert!(
            matches!(&found[1].value, EnvTemplate::Literal { text, .. } if text == "user_test")
        );
        assert_eq!(place_of("config/dev.exs"), Some(("", "development")));
        assert_eq!(place_of("myconfig/dev.exs"), None);
    }
}
