//! What a Gradle or Maven build hands the test JVM that picks Spring's
//! profiles: Gradle's `test { systemProperty "spring.profiles.active", "test" }`
//! (or `jvmArgs "-Dspring.profiles.active=test"`, `environment
//! "SPRING_PROFILES_ACTIVE", "test"`), Surefire's `<systemPropertyVariables>`,
//! `<environmentVariables>` and `<argLine>`. A system
//! property beats the configuration's `spring.profiles.active`.

use crate::source::{FileId, SourceFile, Span};

/// The profiles the build gives the tests, with where the value is written.
pub fn test_profiles(id: FileId, file: &SourceFile) -> Option<(Vec<String>, Span)> {
    let text = file.text.as_str();
    let xml = file.file_name() == "pom.xml";
    for key in ["spring.profiles.active", "SPRING_PROFILES_ACTIVE"] {
        let mut from = 0;
        while let Some(i) = text.get(from..).and_then(|t| t.find(key)) {
            let at = from + i;
            from = at + key.len();
            let after = &text[from..];
            let value = if let Some(v) = after.strip_prefix('=') {
                // `-Dspring.profiles.active=test` in `jvmArgs` or `<argLine>`
                let len = v
                    .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | ')' | ','))
                    .unwrap_or(v.len());
                Some((from + 1, len))
            } else if xml {
                // `<spring.profiles.active>test</spring.profiles.active>` inside
                // Surefire's `<systemPropertyVariables>`/`<environmentVariables>`
                let before = &text[..at];
                let open = ["<systemPropertyVariables>", "<environmentVariables>"]
                    .iter()
                    .filter_map(|t| before.rfind(t))
                    .max();
                let closed = ["</systemPropertyVariables>", "</environmentVariables>"]
                    .iter()
                    .filter_map(|t| before.rfind(t))
                    .max();
                match (open, after.strip_prefix('>')) {
                    (Some(o), Some(v)) if closed.is_none_or(|c| c < o) => {
                        Some((from + 1, v.find('<').unwrap_or(v.len())))
                    }
                    _ => None,
                }
            } else {
                // Gradle: the key's closing quote, a separator, then a quoted value
                let rest = after.trim_start_matches(['"', '\'', ']']);
                let sep = rest.trim_start();
                let sep = sep
                    .strip_prefix(',')
                    .or_else(|| sep.strip_prefix('='))
                    .or_else(|| sep.strip_prefix(':'));
                sep.and_then(|v| {
                    let v_trim = v.trim_start();
                    let q = v_trim.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                    let start = text.len() - v_trim.len() + 1;
                    let len = v_trim[1..].find(q)?;
                    Some((start, len))
                })
            };
            let Some((start, len)) = value else {
                continue;
            };
            let raw = text.get(start..start + len).unwrap_or("").trim();
            if raw.is_empty() || raw.contains(['$', '@']) {
                continue;
            }
            let names: Vec<String> = raw
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            return Some((names, Span::new(id, start, start + len)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profiles(name: &str, text: &str) -> Option<Vec<String>> {
        let f = SourceFile::new(
            name.to_string(),
            crate::source::SourceKind::JvmBuild,
            text.to_string(),
        );
        test_profiles(FileId(0), &f).map(|(p, s)| {
            assert_eq!(&text[s.start..s.end], p.join(","));
            p
        })
    }

    #[test]
    fn gradle_and_maven_forms() {
        assert_eq!(
            profiles(
                "build.gradle",
                "test {\n  systemProperty 'spring.profiles.active', 'test'\n}\n"
            ),
            Some(vec!["test".into()])
        );
        assert_eq!(
            profiles(
                "build.gradle.kts",
                "tasks.test {\n  systemProperty(\"spring.profiles.active\", \"it,test\")\n}\n"
            ),
            Some(vec!["it".into(), "test".into()])
        );
        assert_eq!(
            profiles(
                "build.gradle",
                "test { jvmArgs '-Dspring.profiles.active=test' }\n"
            ),
            Some(vec!["test".into()])
        );
        assert_eq!(
            profiles(
                "build.gradle",
                "test { environment \"SPRING_PROFILES_ACTIVE\", \"test\" }\n"
            ),
            Some(vec!["test".into()])
        );
        assert_eq!(
            profiles(
                "pom.xml",
                "<configuration><systemPropertyVariables><spring.profiles.active>test</spring.profiles.active></systemPropertyVariables></configuration>"
            ),
            Some(vec!["test".into()])
        );
        // a Maven property (resource filtering) is not the test JVM's
        assert_eq!(
            profiles(
                "pom.xml",
                "<properties><spring.profiles.active>dev</spring.profiles.active></properties>"
            ),
            None
        );
        assert_eq!(
            profiles(
                "build.gradle",
                "bootRun { systemProperty 'spring.profiles.active', project.findProperty('p') }"
            ),
            None
        );
        assert_eq!(profiles("build.gradle", "spring.profiles.active"), None);
    }
}
