//! Go: there is no convention, so a test run gets what its
//! setup code loads. The `_test.go` files of each module are read for the
//! files a `TestMain` or helper loads (godotenv, viper, a config loader
//! handed the folder that holds `app.env`), whether it connects to a
//! database, and what isolates or writes it.

pub mod reads;

use crate::model::{GoTestLoad, Workspace};
use crate::source::{FileId, SourceFile, SourceKind, Span};
use crate::syntax::clike::{self, Dialect, Token};

/// Calls that open a database connection.
const CONNECTS: &[(&str, &str)] = &[
    ("sql", "Open"),
    ("sqlx", "Open"),
    ("sqlx", "Connect"),
    ("pgxpool", "New"),
    ("pgxpool", "Connect"),
    ("pgxpool", "NewWithConfig"),
    ("pgx", "Connect"),
    ("gorm", "Open"),
    ("mongo", "Connect"),
];

/// Imports that give the tests a database of their own.
const ISOLATING_IMPORTS: &[&str] = &[
    "github.com/testcontainers/testcontainers-go",
    "github.com/ory/dockertest",
    "github.com/DATA-DOG/go-txdb",
    "github.com/fergusstrange/embedded-postgres",
    "github.com/DATA-DOG/go-sqlmock",
    "github.com/peterldowns/pgtestdb",
];

/// The env files a config loader called with a folder reads there
/// (viper's `SetConfigName("app")` + `SetConfigType("env")`, godotenv's `.env`).
pub const FOLDER_ENV_FILES: &[&str] = &["app.env", ".env"];

/// What one test file loads, as paths relative to the repository, with the
/// call that loads each.
pub fn loads(file: &SourceFile) -> Vec<(String, std::ops::Range<usize>, String)> {
    let toks = clike::tokens(&file.text, Dialect::Go);
    let dir = file.dir();
    let mut out = Vec::new();
    let mut config_paths: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut config_name: Option<String> = None;
    let mut config_type: Option<String> = None;
    for (name, range, at) in clike::calls(&toks) {
        let receiver = at
            .checked_sub(2)
            .filter(|p| toks[p + 1].is_punct(b'.'))
            .and_then(|p| toks[p].ident());
        let args = clike::call_strings(&toks, at);
        match (receiver, name) {
            (Some("godotenv"), "Load" | "Overload") => {
                if args.is_empty() {
                    out.push((join(dir, ".env"), range.clone(), "godotenv".into()));
                }
                for (a, _) in args {
                    out.push((join(dir, a), range.clone(), "godotenv".into()));
                }
            }
            (Some("viper"), "SetConfigFile") => {
                if let Some((a, _)) = args.first() {
                    out.push((join(dir, a), range.clone(), "viper".into()));
                }
            }
            (Some("viper"), "AddConfigPath") => {
                if let Some((a, _)) = args.first() {
                    config_paths.push((a.to_string(), range.clone()));
                }
            }
            (Some("viper"), "SetConfigName") => config_name = args.first().map(|a| a.0.to_string()),
            (Some("viper"), "SetConfigType") => config_type = args.first().map(|a| a.0.to_string()),
            // a helper of the project handed a folder (`util.LoadConfig("../..")`)
            (Some(r), n)
                if r != "viper"
                    && r != "godotenv"
                    && matches!(
                        n,
                        "LoadConfig" | "LoadEnv" | "ReadConfig" | "LoadConfigFile"
                    )
                    && args.len() == 1 =>
            {
                let folder = args[0].0;
                out.push((
                    join(dir, folder),
                    range.clone(),
                    format!("`{r}.{n}(\"{folder}\")`"),
                ));
            }
            _ => {}
        }
    }
    if let (Some(n), Some(t)) = (config_name, config_type) {
        for (p, r) in config_paths {
            out.push((join(&join(dir, &p), &format!("{n}.{t}")), r, "viper".into()));
        }
    }
    out
}

/// `dir` joined with a relative path, `..` resolved (`None`-free: a path
/// leaving the repository stays as `..`).
pub fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return format!("../{rel}");
                }
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The scalars of a YAML configuration file as settings keyed by their
/// dotted path (`database.url`); a file that does not parse gives none.
pub fn yaml_settings(id: FileId, file: &SourceFile) -> Vec<crate::model::Setting> {
    use crate::syntax::yaml::{self, Node};
    fn walk(n: &Node, prefix: &str, out: &mut Vec<crate::model::Setting>, depth: usize) {
        if depth > 32 {
            return;
        }
        for (k, v) in n.entries() {
            let key = if prefix.is_empty() {
                k.value.clone()
            } else {
                format!("{prefix}.{}", k.value)
            };
            match v {
                Node::Scalar(s) => out.push(crate::model::Setting {
                    key: crate::source::Spanned::new(key, k.span),
                    value: s.value.clone(),
                    value_span: s.span,
                    verbatim: s.verbatim,
                    overridable: true,
                    via: crate::model::Via::FrameworkConfig,
                    unset: false,
                    provenance: None,
                    raw_offsets: None,
                }),
                Node::Map(..) => walk(v, &key, out, depth + 1),
                _ => {}
            }
        }
    }
    let Ok(docs) = yaml::parse(id, &file.text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in &docs {
        walk(d, "", &mut out, 0);
    }
    out
}

/// Fills `ws.go_test_loads`.
pub fn build(ws: &mut Workspace) {
    let mut loads_out = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::GoTestCode {
            continue;
        }
        let id = FileId(i);
        let toks = clike::tokens(&f.text, Dialect::Go);
        let connects = clike::calls(&toks).find_map(|(name, range, at)| {
            let receiver = at
                .checked_sub(2)
                .filter(|p| toks[p + 1].is_punct(b'.'))
                .and_then(|p| toks[p].ident())?;
            CONNECTS
                .iter()
                .any(|(r, n)| *r == receiver && *n == name)
                .then(|| Span::new(id, range.start, range.end))
        });
        let isolated = toks.iter().find_map(|t| match t {
            Token::Str(s, r) if ISOLATING_IMPORTS.iter().any(|i| s.starts_with(i)) => {
                Some((s.clone(), Span::new(id, r.start, r.end)))
            }
            _ => None,
        });
        for (path, range, loader) in loads(f) {
            // a folder: the env file viper or godotenv finds in it
            let candidates: Vec<String> = if ws.files.iter().any(|g| g.path == path) {
                vec![path.clone()]
            } else {
                FOLDER_ENV_FILES.iter().map(|n| join(&path, n)).collect()
            };
            let Some(loaded) = candidates
                .iter()
                .find_map(|c| ws.files.iter().position(|g| g.path == *c))
            else {
                continue;
            };
            loads_out.push(GoTestLoad {
                package: f.dir().to_string(),
                file: id,
                call: Span::new(id, range.start, range.end),
                loader,
                loaded: FileId(loaded),
                connects,
                isolated: isolated.clone(),
                writes: None,
            });
        }
    }
    // writes: a call of the package's tests that creates, changes or deletes rows
    for l in &mut loads_out {
        l.writes = ws
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == SourceKind::GoTestCode && f.dir() == l.package)
            .find_map(|(i, f)| writes(FileId(i), f));
    }
    for load in loads_out {
        ws.runs.push(crate::model::TestRun {
            name: format!(
                "`go test` ({})",
                if load.package.is_empty() {
                    "."
                } else {
                    &load.package
                }
            ),
            family: crate::model::RunnerFamily::Go,
            framework: crate::model::RunFramework::GoTest,
            runner: "go test".into(),
            entry: load.call,
            dir: load.package.clone(),
            layers: Vec::new(),
            effective: Vec::new(),
            env: None,
            facts: crate::model::run::RunFacts::Go(load),
        });
    }
}

/// A method call whose name creates, changes or deletes data
/// (`store.CreateAccount(`, `db.Exec("DELETE …")`).
fn writes(id: FileId, f: &SourceFile) -> Option<(String, Span)> {
    const PREFIXES: &[&str] = &[
        "Create", "Delete", "Insert", "Update", "Truncate", "Drop", "Remove",
    ];
    let toks = clike::tokens(&f.text, Dialect::Go);
    for (name, range, at) in clike::calls(&toks) {
        if at == 0 || !toks[at - 1].is_punct(b'.') {
            continue;
        }
        if PREFIXES.iter().any(|p| name.starts_with(p)) {
            return Some((
                format!("`{name}(…)`"),
                Span::new(id, range.start, range.end),
            ));
        }
        if name == "Exec" || name == "ExecContext" {
            for (s, r) in clike::call_strings(&toks, at) {
                let u = s.trim_start().to_ascii_uppercase();
                if ["DELETE", "TRUNCATE", "DROP", "INSERT", "UPDATE"]
                    .iter()
                    .any(|k| u.starts_with(k))
                {
                    return Some((
                        format!("`{}…`", &u[..u.find(' ').unwrap_or(u.len())]),
                        Span::new(id, r.start, r.end),
                    ));
                }
            }
        }
    }
    None
}

/// Go: modules, their test code, and the files their helpers load.
pub struct Go;

impl crate::stacks::stack::Stack for Go {
    fn name(&self) -> &'static str {
        "Go"
    }

    fn kinds(&self) -> &'static [crate::source::SourceKind] {
        &[crate::source::SourceKind::GoLoadedEnv]
    }

    fn read_more(
        &self,
        tree: &dyn crate::tree::Tree,
        files: &mut Vec<SourceFile>,
        _unreadable: &mut Vec<crate::model::Unreadable>,
    ) {
        reads::test_code(tree, files);
    }

    fn read_file(
        &mut self,
        id: FileId,
        file: &SourceFile,
        _ahead: Option<crate::stacks::stack::Parsed>,
        ws: &mut Workspace,
        _issues: &mut Vec<crate::model::ParseIssue>,
    ) {
        // viper and godotenv read `KEY=value`, `export KEY=value` and
        // `KEY: value`: no line of it is a parse error. A YAML file
        // (viper's `config/local.yml`) gives its scalars as dotted
        // keys (`database.url`)
        let settings = if file.path.ends_with(".yml") || file.path.ends_with(".yaml") {
            yaml_settings(id, file)
        } else {
            crate::stacks::environment::dotenv_env(id, file).0.settings
        };
        let dir = file.dir().to_string();
        crate::model::project_in(&mut ws.projects, &dir)
            .go
            .loaded_env
            .push(crate::model::DevDotenv {
                file: id,
                dir: dir.clone(),
                settings,
            });
    }

    fn link(&mut self, ws: &mut Workspace, _issues: &mut Vec<crate::model::ParseIssue>) {
        build(ws);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join("db/sqlc", "../.."), "");
        assert_eq!(join("db/sqlc", "../../app.env"), "app.env");
        assert_eq!(join("", "config/local.yml"), "config/local.yml");
        assert_eq!(join("a", "../../x"), "../../../x");
    }

    #[test]
    fn loaders_are_found() {
        let f = SourceFile::new(
            "db/sqlc/main_test.go".into(),
            SourceKind::GoTestCode,
            "func TestMain(m *testing.M) {\n\tconfig, err := util.LoadConfig(\"../..\")\n\t_ = godotenv.Load()\n\tviper.AddConfigPath(\"../config\")\n\tviper.SetConfigName(\"local\")\n\tviper.SetConfigType(\"yml\")\n}\n".into(),
        );
        let l: Vec<String> = loads(&f).into_iter().map(|l| l.0).collect();
        assert_eq!(l, ["", "db/sqlc/.env", "db/config/local.yml"]);
    }
}
