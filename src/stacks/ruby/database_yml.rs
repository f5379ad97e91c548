//! Rails' `config/database.yml`: ERB first, then YAML (Rails'
//! `ActiveRecord::DatabaseConfigurations` reads it the same way). Each of the
//! `development` and `test` entries gives its `database` and `url`, and for a
//! multi-database app (`primary:`, `replica:`, …) each nested connection's.
//! Anchors and `<<` merge keys are resolved by the YAML reader; a key of the
//! entry itself wins over a merged one, as in Rails.
//!
//! A value is judged only when its ERB is one output tag that reads the
//! environment ([`crate::syntax::erb::ruby_value`]). A file whose ERB is not
//! closed, or whose YAML does not parse once the tags are blanked, is
//! unknown, never reported (issue 18: "ERB that cannot be read is
//! `Unknown`"); so is an entry holding a tag that generates whole lines.

use crate::model::{DatabaseFramework, EnvTemplate, EnvironmentDatabase};
use crate::source::{FileId, SourceFile};
use crate::syntax::erb::{self, Template};
use crate::syntax::yaml::{self, Node};

/// The entries judged: the ones a test run and a developer's server use.
const ENVIRONMENTS: [&str; 2] = ["development", "test"];

/// The settings of one `config/database.yml`.
pub fn read(id: FileId, file: &SourceFile) -> Vec<EnvironmentDatabase> {
    let Some(project) = project_of(&file.path) else {
        return Vec::new();
    };
    let Some(template) = erb::strip(&file.text) else {
        return Vec::new();
    };
    let Ok(docs) = yaml::parse(id, &template.text) else {
        return Vec::new();
    };
    let Some(root) = docs.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for environment in ENVIRONMENTS {
        // the last entry of that name is the one YAML keeps
        let Some((name, entry @ Node::Map(..))) = root
            .entries()
            .iter()
            .rev()
            .find(|(k, _)| k.value == environment)
        else {
            continue;
        };
        // from its key to the next top-level key: a generated line before
        // its first key or after its last is its own
        let end = root
            .entries()
            .iter()
            .map(|(k, _)| k.span.start)
            .filter(|&s| s > name.span.end)
            .min()
            .unwrap_or(file.text.len());
        if template.tags_in(name.span.end..end).any(|t| t.whole_line) {
            continue;
        }
        let mut push = |key: String, node: &Node| {
            out.push(EnvironmentDatabase {
                framework: DatabaseFramework::Rails,
                project: project.to_string(),
                file: id,
                environment: environment.to_string(),
                scope: String::new(),
                key,
                value: value_of(&file.text, &template, node),
            });
        };
        for key in ["database", "url"] {
            if let Some(v) = entry.get(key) {
                push(key.to_string(), v);
            }
        }
        // a multi-database entry: one connection per nested mapping
        for (name, connection) in entry.entries() {
            if !matches!(connection, Node::Map(..)) {
                continue;
            }
            for key in ["database", "url"] {
                if let Some(v) = connection.get(key) {
                    push(format!("{}.{key}", name.value), v);
                }
            }
        }
    }
    out
}

/// `config/database.yml` → `` (the root); `app/config/database.yml` → `app`.
fn project_of(path: &str) -> Option<&str> {
    if path == "config/database.yml" {
        return Some("");
    }
    path.strip_suffix("/config/database.yml")
}

/// What a value is, read from the original text at the scalar's span.
fn value_of(text: &str, template: &Template, node: &Node) -> EnvTemplate {
    let Node::Scalar(scalar) = node else {
        return EnvTemplate::Unknown;
    };
    let span = scalar.span;
    let tags: Vec<&erb::Tag> = template.tags_in(span.start..span.end).collect();
    if tags.is_empty() {
        return EnvTemplate::Literal {
            text: scalar.value.clone(),
            span,
        };
    }
    // one output tag, in a value written as it reads (no escapes to undo)
    let [tag] = tags.as_slice() else {
        return EnvTemplate::Unknown;
    };
    if tag.kind != erb::TagKind::Output || !scalar.verbatim {
        return EnvTemplate::Unknown;
    }
    let (Some(prefix), Some(suffix), Some(code)) = (
        text.get(span.start..tag.range.start),
        text.get(tag.range.end..span.end),
        text.get(tag.code.clone()),
    ) else {
        return EnvTemplate::Unknown;
    };
    // `<%= "#{ENV['DB']}_test" %>`: the string's own text joins the value's
    let (prefix, code_start, alternatives, suffix) = match erb::ruby_value(code) {
        Some(a) => (prefix.to_string(), tag.code.start, a, suffix.to_string()),
        None => {
            let Some((before, expr, after)) = erb::interpolated(code) else {
                return EnvTemplate::Unknown;
            };
            let Some(a) = code.get(expr.clone()).and_then(erb::ruby_value) else {
                return EnvTemplate::Unknown;
            };
            (
                format!("{prefix}{before}"),
                tag.code.start + expr.start,
                a,
                format!("{after}{suffix}"),
            )
        }
    };
    let alternatives = crate::stacks::env_alternatives(span.file, code_start, alternatives);
    EnvTemplate::Erb {
        prefix,
        alternatives,
        suffix,
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EnvAlternative;
    use crate::source::SourceKind;

    fn read_text(text: &str) -> Vec<EnvironmentDatabase> {
        let file = SourceFile::new(
            "config/database.yml".into(),
            SourceKind::RailsDatabase,
            text.into(),
        );
        read(FileId(0), &file)
    }

    #[test]
    fn entries_with_anchors_erb_and_several_databases() {
        let text = r#"default: &default
  adapter: postgresql
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
  database: base_db
development:
  <<: *default
  database: <%= ENV['POSTGRES_DATABASE'] %>
test:
  <<: *default
  database: "<%= ENV.fetch('POSTGRES_DB') { 'hello' } %>_test"
  replica:
    database: shop_replica_test
"#;
        let found = read_text(text);
        let dev = &found[0];
        assert_eq!(
            (dev.environment.as_str(), dev.key.as_str()),
            ("development", "database")
        );
        let EnvTemplate::Erb {
            alternatives,
            prefix,
            suffix,
            ..
        } = &dev.value
        else {
            panic!("{:?}", dev.value);
        };
        assert!(prefix.is_empty() && suffix.is_empty());
        let EnvAlternative::Env { name, span } = &alternatives[0] else {
            panic!("{alternatives:?}");
        };
        assert_eq!(&text[span.start..span.end], name);
        let test = &found[1];
        let EnvTemplate::Erb {
            suffix,
            alternatives,
            ..
        } = &test.value
        else {
            panic!("{:?}", test.value);
        };
        assert_eq!(suffix, "_test");
        assert_eq!(alternatives[1], EnvAlternative::Literal("hello".into()));
        assert_eq!(found[2].key, "replica.database");
        assert!(
            matches!(&found[2].value, EnvTemplate::Literal { text, .. } if text == "shop_replica_test")
        );
    }

    #[test]
    fn what_cannot_be_read_is_unknown_or_nothing() {
        // generated lines inside the entry: nothing of it is judged
        let generated = "test:\n  <%= \"database: x\" %>\n  database: app_test\n";
        assert!(read_text(generated).is_empty());
        let trailing =
            "test:\n  database: app_test\n  <%= \"url: x\" %>\nproduction:\n  database: p\n";
        assert!(read_text(trailing).is_empty());
        // generated lines in a merged base: the entry's own key still decides
        let base = "base: &b\n<% %w(host).each do |o| %>\n  <%= \"#{o}: x\" %>\n<% end %>\ntest:\n  <<: *b\n  database: <%= ENV['A'] || 'app_test' %>\n";
        assert!(matches!(read_text(base)[0].value, EnvTemplate::Erb { .. }));
        for unknown in [
            "test:\n  database: <%= worktree_suffix %>\n",
            "test:\n  database: <%= ENV['A'] %><%= ENV['B'] %>\n",
        ] {
            assert!(
                matches!(read_text(unknown)[0].value, EnvTemplate::Unknown),
                "{unknown}"
            );
        }
        assert!(read_text("test:\n  database: <%= ENV['A']\n").is_empty());
        // a string's interpolation: its text is the value's
        let text = "test:\n  database: <%= \"#{ENV['DB']}_test\" %>\n";
        let found = read_text(text);
        let EnvTemplate::Erb {
            suffix,
            alternatives,
            ..
        } = &found[0].value
        else {
            panic!("{:?}", found[0].value);
        };
        assert_eq!(suffix, "_test");
        let EnvAlternative::Env { name, span } = &alternatives[0] else {
            panic!("{alternatives:?}");
        };
        assert_eq!(&text[span.start..span.end], name);
        assert!(read_text("test: [\n").is_empty());
    }
}
