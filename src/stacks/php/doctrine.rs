//! Symfony's DoctrineBundle configuration: which database a test run's
//! kernel connects to.
//!
//! - `config/packages/doctrine.yaml` holds the base `doctrine: dbal:`; its
//!   `when@test:` block, and the older layout's
//!   `config/packages/test/doctrine.yaml`, merge over it in the test kernel
//!   (symfony.com/doc/current/configuration.html).
//! - `url: '%env(resolve:DATABASE_URL)%'` reads a variable (the last name in
//!   the processor chain); a literal `url:` is the database itself, whatever
//!   the dotenv files say.
//! - `dbname_suffix` renames `dbname` only; a sqlite URL's `path` never is
//!   (doctrine/DoctrineBundle `ConnectionFactory.php`).

use crate::model::{Setting, Via};
use crate::source::{FileId, SourceFile, Spanned};
use crate::syntax::yaml::{self, Node, Scalar};

/// The key a literal doctrine URL is judged under (a database URL key, see
/// [`crate::database::db_key_kind`]).
pub const DOCTRINE_URL_KEY: &str = "doctrine.dbal.url";

/// What one project's doctrine configuration says for the test kernel.
#[derive(Clone, Debug, Default)]
pub struct DoctrineTest {
    /// The project root (the folder above `config/packages/`).
    pub project: String,
    /// `url:` in effect for tests, as a setting (a literal or an `%env()%`).
    pub url: Option<Setting>,
    /// The variables the URL reads (`DATABASE_URL`), when it reads any.
    pub url_vars: Vec<String>,
    /// `dbname_suffix` in effect for tests, with its span.
    pub dbname_suffix: Option<Spanned<String>>,
}

/// Reads one doctrine.yaml; `None` when it is not one (or cannot be parsed:
/// the YAML rules report that elsewhere if it matters).
pub fn read(id: FileId, file: &SourceFile) -> Option<(String, Layout)> {
    let (project, inside) = file.path.split_once("config/packages/")?;
    let project = project.trim_end_matches('/').to_string();
    // `config/packages/<env>/` is loaded only in that environment: the test
    // kernel reads `test/` and the files directly in `packages/`
    let whole_file_is_test = match inside.split_once('/') {
        Some(("test", _)) => true,
        Some(_) => return None,
        None => false,
    };
    if file.path.ends_with(".php") {
        return php_layout(id, file, whole_file_is_test).map(|l| (project, l));
    }
    let docs = yaml::parse(id, &file.text).ok()?;
    let doc = docs.first()?;
    let mut layout = Layout::default();
    if whole_file_is_test {
        layout.test = dbal_of(doc.get("doctrine"));
    } else {
        layout.base = dbal_of(doc.get("doctrine"));
        layout.test = dbal_of(doc.get("when@test").and_then(|w| w.get("doctrine")));
    }
    Some((project, layout))
}

/// `config/packages/doctrine.php`: each `$container->extension('doctrine',
/// [...])` call, its array read like the YAML; one inside
/// `if ('test' === $container->env())` is the test block, one under another
/// condition or an `else` is left out (it may not run in tests). The fluent
/// `DoctrineConfig` form is not followed.
fn php_layout(id: FileId, file: &SourceFile, whole_file_is_test: bool) -> Option<Layout> {
    use crate::syntax::code::Value;
    let script = crate::syntax::php::parse(&file.text);
    if script.has_error {
        return None;
    }
    let scalar = |v: Option<&Value>| match v {
        Some(Value::Str {
            text,
            range,
            verbatim,
        }) => Some(Scalar {
            value: text.clone(),
            span: crate::source::Span::new(id, range.start, range.end),
            verbatim: *verbatim,
            block: false,
        }),
        _ => None,
    };
    let dbal_of = |doctrine: &Value| -> Option<Dbal> {
        let dbal = doctrine.get("dbal")?;
        let conn = match dbal.get("connections") {
            Some(Value::Map(conns)) => {
                let default = dbal.get("default_connection").and_then(Value::as_str);
                conns
                    .iter()
                    .find(|e| Some(e.key.as_str()) == default)
                    .or_else(|| conns.first())
                    .map(|e| &e.value)?
            }
            _ => dbal,
        };
        Some(Dbal {
            url: scalar(conn.get("url")),
            dbname_suffix: scalar(conn.get("dbname_suffix")),
        })
    };
    let mut layout = Layout::default();
    for (call, guard) in script.calls.iter().zip(&script.guards) {
        let Value::Call { args, .. } = call else {
            continue;
        };
        if call.callee_name() != Some("extension")
            || args.first().and_then(Value::as_str) != Some("doctrine")
        {
            continue;
        }
        let Some(config) = args.get(1) else { continue };
        let test = match guard.as_deref() {
            None => whole_file_is_test,
            Some(g) if g != "else" && (g.contains("'test'") || g.contains("\"test\"")) => true,
            Some(_) => continue,
        };
        if test {
            layout.test = dbal_of(config).or(layout.test);
        } else {
            layout.base = dbal_of(config).or(layout.base);
        }
    }
    Some(layout)
}

/// The parts of one `dbal:` block that decide the database.
#[derive(Clone, Debug, Default)]
pub struct Dbal {
    pub url: Option<Scalar>,
    pub dbname_suffix: Option<Scalar>,
}

/// The base and test `dbal:` blocks of one file.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub base: Option<Dbal>,
    pub test: Option<Dbal>,
}

fn dbal_of(doctrine: Option<&Node>) -> Option<Dbal> {
    let dbal = doctrine?.get("dbal")?;
    // `connections:` with a `default_connection:` (else the first one)
    let conn = match dbal.get("connections") {
        Some(conns) => {
            let default = dbal.get("default_connection").and_then(Node::as_str);
            conns
                .entries()
                .iter()
                .find(|(k, _)| Some(k.value.as_str()) == default)
                .or_else(|| conns.entries().first())
                .map(|(_, v)| v)?
        }
        None => dbal,
    };
    let scalar = |k: &str| conn.get(k).and_then(Node::as_scalar).cloned();
    Some(Dbal {
        url: scalar("url"),
        dbname_suffix: scalar("dbname_suffix"),
    })
}

/// Merges every file's layout of a project into what the test kernel sees:
/// test blocks over base blocks, key by key.
pub fn merge(project: String, layouts: &[Layout]) -> DoctrineTest {
    let pick = |f: fn(&Dbal) -> Option<&Scalar>| {
        layouts
            .iter()
            .find_map(|l| l.test.as_ref().and_then(f))
            .or_else(|| layouts.iter().find_map(|l| l.base.as_ref().and_then(f)))
            .cloned()
    };
    let url = pick(|d| d.url.as_ref());
    // only a test block's suffix sets the test database apart: a base-level
    // `dbname_suffix` renames the development database just the same
    let suffix = layouts
        .iter()
        .find_map(|l| l.test.as_ref().and_then(|d| d.dbname_suffix.as_ref()))
        .cloned();
    let url_vars = url.as_ref().map(|u| env_vars(&u.value)).unwrap_or_default();
    DoctrineTest {
        project,
        url: url.map(|u| Setting {
            key: Spanned::new(DOCTRINE_URL_KEY.into(), u.span),
            value: u.value.clone(),
            value_span: u.span,
            verbatim: u.verbatim,
            overridable: false,
            via: Via::FrameworkConfig,
            unset: false,
            provenance: None,
            raw_offsets: None,
        }),
        url_vars,
        dbname_suffix: suffix.map(|s| Spanned::new(s.value, s.span)),
    }
}

/// The variables `%env(…)%` placeholders read: `%env(resolve:DATABASE_URL)%`
/// → `DATABASE_URL` (processors come first, the name last).
pub fn env_vars(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(p) = rest.find("%env(") {
        let after = &rest[p + 5..];
        let Some(close) = after.find(")%") else { break };
        let inner = &after[..close];
        if let Some(name) = inner.rsplit(':').next()
            && !name.is_empty()
        {
            out.push(name.to_string());
        }
        rest = &after[close..];
    }
    out
}

/// Whether a suffix gives the test kernel a database of its own.
pub fn suffix_is_test(suffix: &str) -> bool {
    suffix.starts_with("_test") || crate::database::Markers::default().has_test(suffix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceKind;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile::new(path.into(), SourceKind::DoctrineConfig, text.into())
    }

    #[test]
    fn env_vars_take_the_last_name_of_the_processor_chain() {
        assert_eq!(env_vars("%env(resolve:DATABASE_URL)%"), ["DATABASE_URL"]);
        assert_eq!(env_vars("%env(DATABASE_URL)%"), ["DATABASE_URL"]);
        assert!(env_vars("mysql://root@db/app_test").is_empty());
    }

    #[test]
    fn test_blocks_merge_over_base_blocks() {
        let base = file(
            "app/config/packages/doctrine.yaml",
            "doctrine:\n  dbal:\n    url: '%env(resolve:DATABASE_URL)%'\nwhen@test:\n  doctrine:\n    dbal:\n      dbname_suffix: '_test%env(default::TEST_TOKEN)%'\n",
        );
        let old = file(
            "app/config/packages/test/doctrine.yaml",
            "doctrine:\n  dbal:\n    url: 'mysql://root@10.0.0.5:8004/shop_test'\n",
        );
        let (p, a) = read(FileId(0), &base).expect("base");
        let (_, b) = read(FileId(1), &old).expect("test");
        assert_eq!(p, "app");
        let t = merge(p, &[a.clone(), b]);
        assert_eq!(
            t.url.as_ref().map(|u| u.value.as_str()),
            Some("mysql://root@10.0.0.5:8004/shop_test")
        );
        assert!(t.url_vars.is_empty());
        assert!(t.dbname_suffix.is_some_and(|s| suffix_is_test(&s.value)));
        let only_base = merge("app".into(), &[a]);
        assert_eq!(only_base.url_vars, ["DATABASE_URL"]);
    }

    #[test]
    fn a_base_level_suffix_renames_dev_and_test_alike() {
        let f = file(
            "config/packages/doctrine.yaml",
            "doctrine:\n  dbal:\n    dbname_suffix: '_test'\n",
        );
        let (_, l) = read(FileId(0), &f).expect("read");
        assert!(merge(String::new(), &[l]).dbname_suffix.is_none());
    }

    #[test]
    fn named_connections_use_the_default_one() {
        let f = file(
            "config/packages/doctrine.yaml",
            "doctrine:\n  dbal:\n    default_connection: main\n    connections:\n      legacy:\n        url: '%env(LEGACY_URL)%'\n      main:\n        url: '%env(MAIN_URL)%'\n",
        );
        let (_, l) = read(FileId(0), &f).expect("read");
        assert_eq!(merge(String::new(), &[l]).url_vars, ["MAIN_URL"]);
    }
}
