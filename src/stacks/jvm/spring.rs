//! Spring Boot configuration files: `application[-profile].{properties,yml,yaml}`
//! under `src/main/resources` and `src/test/resources`, flattened to
//! properties in Spring's canonical form.

use crate::model::jvm::SpringProperty;
use crate::model::{Setting, Via};
use crate::source::{FileId, SourceFile, Span, Spanned};
use crate::syntax::yaml::{self, Node};

pub use crate::model::jvm::canonical;

/// Every property of one configuration file. A YAML file that does not
/// parse gives nothing: Spring would fail to start, which no test run
/// survives, and the file is judged by no other rule.
pub fn read(id: FileId, file: &SourceFile) -> Vec<SpringProperty> {
    let Some((module, root, name)) = crate::kinds::spring_place(&file.path) else {
        return Vec::new();
    };
    let Some(file_profile) =
        crate::kinds::spring_profile(name.strip_prefix("config/").unwrap_or(name))
    else {
        return Vec::new();
    };
    let properties_format = name.ends_with(".properties");
    let mut flat: Vec<(String, Setting, Vec<String>)> = Vec::new();
    if properties_format {
        // `#---` splits a properties file into documents, each activated by
        // its own `spring.config.activate.on-profile`: such a file is not
        // read (nothing is judged from it)
        if file
            .text
            .lines()
            .any(|l| l.trim() == "#---" || l.trim() == "!---")
        {
            return Vec::new();
        }
        for p in crate::syntax::properties::parse(&file.text) {
            let s = setting(
                &p.key,
                Span::new(id, p.key_range.start, p.key_range.end),
                &p.value,
                Span::new(id, p.value_range.start, p.value_range.end),
                p.verbatim,
            );
            flat.push((p.key, s, Vec::new()));
        }
    } else {
        let Ok(docs) = yaml::parse(id, &file.text) else {
            return Vec::new();
        };
        for doc in &docs {
            let mut entries = Vec::new();
            flatten(doc, String::new(), &mut entries, 0);
            let needs: Vec<String> = entries
                .iter()
                .filter(|(k, _)| {
                    let c = canonical(k);
                    c == "spring.config.activate.onprofile" || c == "spring.profiles"
                })
                .flat_map(|(_, s)| {
                    s.value
                        .split(',')
                        .map(|p| p.trim().to_string())
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                })
                .collect();
            for (k, s) in entries {
                flat.push((k, s, needs.clone()));
            }
        }
    }
    flat.into_iter()
        .enumerate()
        .map(
            |(order, (key, setting, document_profiles))| SpringProperty {
                module: module.clone(),
                file: id,
                root,
                resource: name.to_string(),
                file_profile: file_profile.clone(),
                document_profiles,
                properties_format,
                config_dir: name.starts_with("config/"),
                canonical: canonical(&key),
                order,
                setting,
            },
        )
        .collect()
}

fn setting(key: &str, key_span: Span, value: &str, value_span: Span, verbatim: bool) -> Setting {
    Setting {
        key: Spanned::new(key.to_string(), key_span),
        value: value.to_string(),
        value_span,
        verbatim,
        overridable: true,
        via: Via::FrameworkConfig,
        unset: false,
        provenance: None,
        raw_offsets: None,
    }
}

/// Dotted keys of a YAML document's scalars (`spring.datasource.url`,
/// `a.list[0]`), in document order.
fn flatten(node: &Node, prefix: String, out: &mut Vec<(String, Setting)>, depth: usize) {
    if depth > 64 {
        return;
    }
    match node {
        Node::Map(entries, _) => {
            for (k, v) in entries {
                let key = if prefix.is_empty() {
                    k.value.clone()
                } else {
                    format!("{prefix}.{}", k.value)
                };
                if let Node::Scalar(s) = v {
                    out.push((
                        key.clone(),
                        setting(&key, k.span, &s.value, s.span, s.verbatim),
                    ));
                } else {
                    flatten(v, key, out, depth + 1);
                }
            }
        }
        Node::Seq(items, _) => {
            // a list of scalars is also one comma-separated value
            // (`spring.profiles.active: [a, b]`)
            let mut joined = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let key = format!("{prefix}[{i}]");
                if let Node::Scalar(s) = item {
                    joined.push(s.value.clone());
                    out.push((
                        key.clone(),
                        setting(&key, s.span, &s.value, s.span, s.verbatim),
                    ));
                } else {
                    flatten(item, key, out, depth + 1);
                }
            }
            if !joined.is_empty()
                && joined.len() == items.len()
                && let Some(first) = items.first()
            {
                let span = first.span();
                out.push((
                    prefix.clone(),
                    setting(&prefix, span, &joined.join(","), span, false),
                ));
            }
        }
        Node::Tagged(_, inner, _) => flatten(inner, prefix, out, depth + 1),
        Node::Scalar(s) if !prefix.is_empty() => {
            out.push((
                prefix.clone(),
                setting(&prefix, s.span, &s.value, s.span, s.verbatim),
            ));
        }
        Node::Scalar(_) | Node::Null(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(path: &str, text: &str) -> Vec<SpringProperty> {
        let f = SourceFile::new(
            path.to_string(),
            crate::source::SourceKind::SpringConfig,
            text.to_string(),
        );
        read(FileId(0), &f)
    }

    #[test]
    fn places_and_profiles() {
        use crate::kinds::ClasspathRoot;
        assert_eq!(
            crate::kinds::spring_place("shop/src/test/resources/application.yml"),
            Some(("shop".into(), ClasspathRoot::Test, "application.yml"))
        );
        assert_eq!(
            crate::kinds::spring_place("src/main/resources/application-dev.yml"),
            Some((String::new(), ClasspathRoot::Main, "application-dev.yml"))
        );
        assert_eq!(
            crate::kinds::spring_place("xsrc/main/resources/application.yml"),
            None
        );
        assert_eq!(
            crate::kinds::spring_place("src/test/resources/config/application.yml"),
            Some((String::new(), ClasspathRoot::Test, "config/application.yml"))
        );
        assert_eq!(
            crate::kinds::spring_profile("application-dev.yml"),
            Some(Some("dev".into()))
        );
        assert_eq!(
            crate::kinds::spring_profile("application.properties"),
            Some(None)
        );
        assert_eq!(crate::kinds::spring_profile("applicationContext.yml"), None);
        assert_eq!(
            canonical("spring.datasource.hikari.jdbc-url"),
            "spring.datasource.hikari.jdbcurl"
        );
        assert_eq!(
            canonical("spring.datasource.hikari.jdbcUrl"),
            "spring.datasource.hikari.jdbcurl"
        );
    }

    #[test]
    fn yaml_documents_carry_their_profile() {
        let p = props(
            "src/main/resources/application.yml",
            "spring:\n  profiles:\n    active: dev\n---\nspring:\n  config:\n    activate:\n      on-profile: test\n  datasource:\n    url: jdbc:h2:mem:t\n",
        );
        let url = p
            .iter()
            .find(|p| p.canonical == "spring.datasource.url")
            .unwrap();
        assert_eq!(url.document_profiles, ["test"]);
        assert_eq!(url.setting.value, "jdbc:h2:mem:t");
        let active = p
            .iter()
            .find(|p| p.canonical == "spring.profiles.active")
            .unwrap();
        assert!(active.document_profiles.is_empty());
    }

    #[test]
    fn properties_keys_and_lists() {
        let p = props(
            "m/src/main/resources/application-it.properties",
            "spring.datasource.url=jdbc:mysql://localhost/shop\n",
        );
        assert_eq!(p[0].file_profile.as_deref(), Some("it"));
        assert_eq!(p[0].module, "m");
        let y = props(
            "src/main/resources/application.yaml",
            "spring:\n  profiles:\n    active: [a, b]\n",
        );
        assert!(
            y.iter()
                .any(|p| p.canonical == "spring.profiles.active" && p.setting.value == "a,b")
        );
    }
}
