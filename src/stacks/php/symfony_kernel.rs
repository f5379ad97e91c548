//! Symfony 2 and 3 (the `app/` layout, before Flex): which database the test
//! kernel's DoctrineBundle connects to.
//!
//! - The kernel loads `app/config/config_<env>.yml`
//!   (`AppKernel::registerContainerConfiguration`), and the tests boot it in
//!   the `test` environment (`KernelTestCase::createKernel`; from 3.4 `APP_ENV`
//!   when set).
//! - Each file's `imports:` load first, in order, then the file's own
//!   content, which overrides them. The Standard Edition's
//!   `config_test.yml` imports `config_dev.yml`, which imports `config.yml`,
//!   which imports `parameters.yml`: unless a test file overrides
//!   `doctrine: dbal:` or the parameters it reads, the tests run on the
//!   development database (symfony/symfony-standard, "How to Use a
//!   Different Database for Tests" in the 2.x/3.x docs).
//! - `%name%` is a container parameter: the last `parameters:` entry loaded
//!   wins. `parameters.yml` is gitignored and generated from
//!   `parameters.yml.dist` (incenteev/composer-parameter-handler), whose
//!   values it keeps unless the developer typed others: the template stands
//!   for it, and says so in the layer's name.
//! - `%env(…)%` is read at runtime from the environment: a value that holds one
//!   is left to the variables (and to `runs`, unresolved).

use std::collections::HashMap;

use crate::model::run::{Layer, LayerKind, Write};
use crate::model::{Setting, Via, Workspace};
use crate::source::{FileId, Span, Spanned};
use crate::syntax::yaml::{self, Node, Scalar};

/// The dbal keys that decide the database, in the order they are reported.
const KEYS: &[&str] = &["url", "dbname", "path", "host", "memory"];

/// The dbal keys read besides: the driver decides which of them count.
const READ: &[&str] = &["url", "dbname", "path", "host", "memory", "driver"];

/// Imports deeper than this are a cycle or not a kernel's configuration.
const MAX_DEPTH: usize = 12;

/// One value as loaded: the scalar, where its key is written, and the file.
#[derive(Clone)]
struct Loaded {
    scalar: Scalar,
    key_span: Span,
    file: FileId,
}

#[derive(Default)]
struct Kernel {
    params: HashMap<String, Loaded>,
    dbal: HashMap<&'static str, Loaded>,
    /// Files loaded, and the file that imported each one first.
    loaded: Vec<FileId>,
    importer: HashMap<FileId, FileId>,
    /// Whether `parameters.yml.dist` stood in for `parameters.yml`.
    template: bool,
}

/// The folder of the legacy kernel's configuration in the app at `app_dir`.
pub fn config_dir(app_dir: &str) -> String {
    crate::paths::join(app_dir, "app/config")
}

/// The test kernel's doctrine connection of the app at `app_dir`, as a layer
/// of `doctrine.dbal.<key>` settings; `None` when the app has no
/// `app/config/config_<env>.yml` or its connection is not written in the
/// files (an `%env()%`, a parameter no file sets).
pub fn test_layer(ws: &Workspace, app_dir: &str, env: &str) -> Option<Layer> {
    let dir = config_dir(app_dir);
    let entry = [
        format!("{dir}/config_{env}.yml"),
        format!("{dir}/config_{env}.yaml"),
    ]
    .into_iter()
    .find_map(|p| ws.file_id(&p))?;
    let mut kernel = Kernel::default();
    load(ws, entry, &mut kernel, 0);
    let mut settings = Vec::new();
    // the files that decided the connection, each with its import chain
    let mut deciding: Vec<FileId> = Vec::new();
    for key in KEYS {
        let Some(v) = kernel.dbal.get(key) else {
            continue;
        };
        // a URL replaces every other key (DBAL's `parseDatabaseUrl`)
        if *key != "url" && kernel.dbal.contains_key("url") {
            continue;
        }
        // sqlite reads `path`/`memory`, a server `dbname`/`host`
        // (`%database_driver%` is the 2.x Standard Edition's parameter)
        let sqlite = kernel.dbal.get("driver").is_some_and(|d| {
            substitute(&d.scalar.value, &kernel.params, env)
                .unwrap_or_else(|| d.scalar.value.clone())
                .contains("sqlite")
        });
        if matches!(*key, "path" | "memory") != sqlite && *key != "url" {
            continue;
        }
        if let Some((s, param)) = setting(key, v, &kernel.params, env) {
            if *key != "host" {
                deciding.push(v.file);
                deciding.extend(param);
            }
            settings.push(s);
        }
    }
    if deciding.is_empty() {
        return None;
    }
    deciding.dedup();
    let all: Vec<String> = deciding.iter().map(|f| kernel.chain_to(ws, *f)).collect();
    // a chain that another one continues says nothing more
    let mut chains: Vec<&String> = all
        .iter()
        .filter(|c| {
            !all.iter()
                .any(|o| o.len() > c.len() && o.starts_with(c.as_str()))
        })
        .collect();
    chains.dedup();
    let mut name = format!(
        "the `{env}` kernel's doctrine configuration ({})",
        chains
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    );
    if kernel.template {
        name.push_str(", parameters.yml.dist standing for the gitignored parameters.yml");
    }
    Some(Layer::new(name, LayerKind::FrameworkConfig, Write::Always, Some(entry)).with(settings))
}

impl Kernel {
    /// `config_test.yml → config_dev.yml → config.yml`: how the entry file
    /// reaches `to`.
    fn chain_to(&self, ws: &Workspace, to: FileId) -> String {
        let mut names = vec![short(&ws.file(to).path)];
        let mut at = to;
        while let Some(up) = self.importer.get(&at) {
            if names.len() > MAX_DEPTH {
                break;
            }
            names.push(short(&ws.file(*up).path));
            at = *up;
        }
        names.reverse();
        names.join(" → ")
    }
}

/// Loads one file: its imports first, then its own parameters and dbal keys.
fn load(ws: &Workspace, id: FileId, kernel: &mut Kernel, depth: usize) {
    let file = ws.file(id);
    if depth > MAX_DEPTH || kernel.loaded.contains(&id) {
        return;
    }
    kernel.loaded.push(id);
    let Ok(docs) = yaml::parse(id, &file.text) else {
        return;
    };
    let Some(doc) = docs.first() else { return };
    let here = file.dir().to_string();
    for import in doc.get("imports").map(Node::items).unwrap_or_default() {
        let Some(resource) = import.get("resource").and_then(Node::as_str) else {
            continue;
        };
        if let Some(next) = import_target(ws, &here, resource, kernel) {
            kernel.importer.entry(next).or_insert(id);
            load(ws, next, kernel, depth + 1);
        }
    }
    for (k, v) in doc.get("parameters").map(Node::entries).unwrap_or_default() {
        if let Some(s) = v.as_scalar() {
            kernel.params.insert(
                k.value.clone(),
                Loaded {
                    scalar: s.clone(),
                    key_span: k.span,
                    file: id,
                },
            );
        }
    }
    let Some(dbal) = doc.get("doctrine").and_then(|d| d.get("dbal")) else {
        return;
    };
    // `connections:` with a `default_connection:` (else `default`, else the
    // first); a flat `dbal:` is the `default` connection
    let conn = match dbal.get("connections") {
        Some(conns) => {
            let wanted = dbal.get("default_connection").and_then(Node::as_str);
            let entries = conns.entries();
            let found = entries
                .iter()
                .find(|(k, _)| Some(k.value.as_str()) == wanted)
                .or_else(|| entries.iter().find(|(k, _)| k.value == "default"))
                .or_else(|| entries.first());
            match found {
                Some((_, v)) => v,
                None => return,
            }
        }
        None => dbal,
    };
    for (k, v) in conn.entries() {
        let Some(key) = READ.iter().find(|key| **key == k.value) else {
            continue;
        };
        if let Some(s) = v.as_scalar() {
            kernel.dbal.insert(
                key,
                Loaded {
                    scalar: s.clone(),
                    key_span: k.span,
                    file: id,
                },
            );
        }
    }
}

/// The file an `imports:` resource names, relative to the importing file;
/// a missing `parameters.yml` is its `.dist` template.
fn import_target(
    ws: &Workspace,
    here: &str,
    resource: &str,
    kernel: &mut Kernel,
) -> Option<FileId> {
    let rel = resource
        .strip_prefix("%kernel.root_dir%/config/")
        .or_else(|| resource.strip_prefix("%kernel.root_dir%/../app/config/"))
        .unwrap_or(resource);
    if rel.contains('%') || rel.contains('*') || rel.starts_with('/') || rel.starts_with('@') {
        return None;
    }
    let path = crate::paths::normalize(&crate::paths::join(here, rel))?;
    if let Some(id) = ws.file_id(&path) {
        return Some(id);
    }
    let id = ws.file_id(&format!("{path}.dist"))?;
    kernel.template = true;
    Some(id)
}

fn short(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// The setting a dbal key resolves to, its `%parameters%` replaced; `None`
/// when it holds an `%env()%` or a parameter no file sets.
fn setting(
    key: &str,
    v: &Loaded,
    params: &HashMap<String, Loaded>,
    env: &str,
) -> Option<(Setting, Option<FileId>)> {
    let raw = v.scalar.value.trim();
    if raw.contains("%env(") {
        return None;
    }
    // a whole-value parameter points at the parameter's own bytes
    let (mut value, mut value_span, mut verbatim, param_file) = match whole_param(raw) {
        Some(name) => {
            let p = params.get(name)?;
            (
                p.scalar.value.clone(),
                p.scalar.span,
                p.scalar.verbatim,
                Some(p.file),
            )
        }
        None => (raw.to_string(), v.scalar.span, v.scalar.verbatim, None),
    };
    // parameters inside the value (one level of nesting is as far as real
    // files go: `%database_name%_test`, a parameter naming another)
    for _ in 0..3 {
        if !value.contains('%') {
            break;
        }
        let replaced = substitute(&value, params, env)?;
        if replaced != value {
            verbatim = false;
            value = replaced;
        } else {
            break;
        }
    }
    if value.contains("%env(") {
        return None;
    }
    if key == "memory" {
        if !matches!(value.as_str(), "true" | "1") {
            return None;
        }
        value = ":memory:".into();
        value_span = v.scalar.span;
        verbatim = false;
    }
    let shown_key = if key == "memory" { "path" } else { key };
    let setting = Setting {
        key: Spanned::new(format!("doctrine.dbal.{shown_key}"), v.key_span),
        value,
        value_span,
        verbatim,
        overridable: false,
        via: Via::FrameworkConfig,
        unset: false,
        provenance: None,
        raw_offsets: None,
    };
    Some((setting, param_file))
}

/// `%database_name%` → `database_name`.
fn whole_param(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('%')?.strip_suffix('%')?;
    (!inner.is_empty() && !inner.contains('%') && !inner.contains("env(")).then_some(inner)
}

/// Replaces every `%name%` (and `%%` → `%`); `None` on a parameter no file
/// sets. The kernel's own parameters are what the test kernel gives them.
fn substitute(s: &str, params: &HashMap<String, Loaded>, env: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find('%') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let close = after.find('%')?;
        let name = &after[..close];
        if name.is_empty() {
            out.push('%');
        } else {
            let v = match name {
                "kernel.environment" => env.to_string(),
                // per environment: `var/cache/test` (3.x), `app/cache/test` (2.x)
                "kernel.cache_dir" => format!("var/cache/{env}"),
                "kernel.root_dir" => "app".into(),
                "kernel.project_dir" => ".".into(),
                "kernel.logs_dir" => "var/logs".into(),
                _ => params.get(name)?.scalar.value.clone(),
            };
            out.push_str(&v);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_param_is_one_name_between_percents() {
        assert_eq!(whole_param("%database_name%"), Some("database_name"));
        assert_eq!(whole_param("%database_name%_test"), None);
        assert_eq!(whole_param("%env(DATABASE_URL)%"), None);
        assert_eq!(whole_param("%%"), None);
    }

    #[test]
    fn substitute_gives_up_on_an_unknown_parameter() {
        let params = HashMap::new();
        assert_eq!(
            substitute("%kernel.cache_dir%/test.db", &params, "test").as_deref(),
            Some("var/cache/test/test.db")
        );
        assert_eq!(substitute("%nowhere%_test", &params, "test"), None);
        assert_eq!(
            substitute("100%%", &params, "test").as_deref(),
            Some("100%")
        );
    }
}
