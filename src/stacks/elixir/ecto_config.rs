//! Ecto repositories in an Elixir app's `config/`: the `url` and `database`
//! each `config :app, MyApp.Repo, …` call writes, in the order Mix
//! evaluates them for an environment (hexdocs.pm/elixir/Config.html):
//!
//! 1. `config/config.exs` up to its `import_config`;
//! 2. the environment's file, `config/test.exs` or `config/dev.exs`;
//! 3. the rest of `config/config.exs`;
//! 4. `config/runtime.exs`, in every environment, after the others; its
//!    `if config_env() == :prod do` (and `case config_env()`) blocks decide
//!    where a call runs, and a call under any other condition may or may
//!    not run.
//!
//! A `config.exs` with no `import_config` never loads the environment's
//! file ([`drop_unloaded`]). Which write wins is
//! [`crate::resolve::ecto_settings`]'s to decide. What
//! a value is comes from [`crate::syntax::elixir`], including a helper the
//! file defines (`Util.fetch_env!("DATABASE_NAME", test: "app_test")`); a
//! value it cannot read is unknown and never judged, and a file it cannot
//! read gives nothing (issue 18: "Elixir that cannot be read is `Unknown`").

use crate::model::{ConfigWrite, EnvTemplate, Runs};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::elixir::{self, Applies};
use crate::syntax::erb::Alternative;

/// The keys of a repository that name its database.
const KEYS: [&str; 2] = ["url", "database"];

/// Which configuration file of an app a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Config,
    Test,
    Dev,
    Runtime,
}

/// The repository writes of one file of an app's `config/`.
pub fn read(id: FileId, file: &SourceFile) -> Vec<ConfigWrite> {
    let Some((project, place)) = place_of(&file.path) else {
        return Vec::new();
    };
    let text = &file.text;
    let helpers = elixir::helpers(text);
    // `import_config "#{config_env()}.exs"`: what follows it in config.exs
    // runs after the environment's file
    let import_at = (place == Place::Config)
        .then(|| {
            crate::syntax::ini::lines_with_offsets(text)
                .find(|(_, l)| l.trim_start().starts_with("import_config "))
                .map(|(at, _)| at)
        })
        .flatten();
    let mut out = Vec::new();
    for call in elixir::config_calls(text) {
        let stage = match place {
            Place::Config if import_at.is_some_and(|i| call.at > i) => 2,
            Place::Config => 0,
            Place::Test | Place::Dev => 1,
            Place::Runtime => 3,
        };
        let runs = |env: &str| match call.applies(env) {
            Applies::Yes => Runs::Yes,
            Applies::No => Runs::No,
            Applies::Maybe => Runs::Maybe,
        };
        let (runs_in_test, runs_in_development) = match place {
            Place::Test => (runs("test"), Runs::No),
            Place::Dev => (Runs::No, runs("dev")),
            Place::Config | Place::Runtime => (runs("test"), runs("dev")),
        };
        if runs_in_test == Runs::No && runs_in_development == Runs::No {
            continue;
        }
        let write = |key: Option<String>, value: EnvTemplate, at: usize| ConfigWrite {
            project: project.to_string(),
            file: id,
            order: (stage, at),
            runs_in_test,
            runs_in_development,
            scope: call.module.clone(),
            key,
            value,
        };
        if call.opaque {
            out.push(write(None, EnvTemplate::Unknown, call.at));
        }
        for key in KEYS {
            // a later key of the same call wins
            let Some((_, range)) = call.pairs.iter().rev().find(|(k, _)| k == key) else {
                continue;
            };
            let span = Span::new(id, range.start, range.end);
            let value = match elixir::value(text, range.clone(), &helpers) {
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
            out.push(write(Some(key.to_string()), value, range.start));
        }
    }
    out
}

/// Mix loads `config/config.exs` only; the environment's file is read
/// because `config.exs` imports it. A project whose `config.exs` has no
/// `import_config` line (one that is commented out does not count) never
/// loads its `test.exs` or `dev.exs`: their writes are dropped.
pub fn drop_unloaded(ws: &mut crate::model::Workspace) {
    let unloaded: Vec<String> = ws
        .files
        .iter()
        .filter(|f| f.kind == crate::source::SourceKind::ElixirConfig)
        .filter_map(|f| {
            let (project, place) = place_of(&f.path)?;
            let imports = f
                .text
                .lines()
                .any(|l| l.trim_start().starts_with("import_config"));
            (place == Place::Config && !imports).then(|| project.to_string())
        })
        .collect();
    if unloaded.is_empty() {
        return;
    }
    for p in ws.projects.values_mut() {
        p.elixir
            .config_writes
            .retain(|w| w.order.0 != 1 || !unloaded.contains(&w.project));
    }
}

fn template(id: FileId, v: elixir::Value, span: Span) -> EnvTemplate {
    EnvTemplate::Erb {
        prefix: v.prefix,
        alternatives: crate::stacks::env_alternatives(id, 0, v.alternatives),
        suffix: v.suffix,
        span,
    }
}

/// `apps/user/config/test.exs` → (`apps/user`, test); `config/runtime.exs`
/// → (``, runtime).
fn place_of(path: &str) -> Option<(&str, Place)> {
    let (dir, name) = path.rsplit_once("config/")?;
    let place = match name {
        "config.exs" => Place::Config,
        "test.exs" => Place::Test,
        "dev.exs" => Place::Dev,
        "runtime.exs" => Place::Runtime,
        _ => return None,
    };
    if dir.is_empty() {
        return Some(("", place));
    }
    Some((dir.strip_suffix('/')?, place))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EnvAlternative;
    use crate::source::SourceKind;

    /// Every write of `files`, each read as the file of its index.
    fn writes_of(files: &[SourceFile]) -> Vec<ConfigWrite> {
        files
            .iter()
            .enumerate()
            .flat_map(|(i, f)| read(FileId(i), f))
            .collect()
    }

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile::new(path.into(), SourceKind::ElixirConfig, text.into())
    }

    #[test]
    fn repositories_of_test_and_dev() {
        let text = "import Config\n\nconfig :user, User.Repo,\n  url: System.get_env(\"DATABASE_URL\"),\n  database: \"user_test\"\n";
        let found = read(FileId(0), &file("apps/user/config/test.exs", text));
        assert_eq!(found.len(), 2);
        assert_eq!(
            (
                found[0].project.as_str(),
                found[0].runs_in_test,
                found[0].runs_in_development,
                found[0].scope.as_str()
            ),
            ("apps/user", Runs::Yes, Runs::No, "User.Repo")
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
        assert_eq!(place_of("config/dev.exs"), Some(("", Place::Dev)));
        assert_eq!(place_of("myconfig/dev.exs"), None);
        assert_eq!(place_of("config/prod.exs"), None);
    }

    /// The load order: config.exs before its import, the environment's
    /// file, the rest of config.exs, runtime.exs; runtime.exs's guards; a
    /// helper of the file; an opaque write that hides an earlier one.
    #[test]
    fn the_last_write_that_runs_wins() {
        let files = [
            file(
                "config/config.exs",
                "import Config\nconfig :a, A.Repo, database: \"base\"\nimport_config \"#{config_env()}.exs\"\nconfig :a, B.Repo, url: \"late\"\n",
            ),
            file(
                "config/test.exs",
                "import Config\nconfig :a, A.Repo, database: \"a_test\"\nconfig :a, B.Repo, url: \"b_test\"\nconfig :a, C.Repo, database: \"c_test\"\n",
            ),
            file(
                "config/dev.exs",
                "import Config\nconfig :a, A.Repo, database: \"a_dev\"\n",
            ),
            file(
                "config/runtime.exs",
                r#"import Config

defmodule Util do
  def fetch_env!(name, defaults \\ []) do
    case config_env() do
      :prod -> System.fetch_env!(name)
      env -> System.get_env(name, defaults[env] || defaults[:all])
    end
  end
end

if config_env() == :prod do
  config :a, A.Repo, database: System.fetch_env!("DATABASE_NAME")
end

case System.get_env("SOCKET") do
  nil -> :ok
  _ -> config :a, C.Repo, repo_config
end

config :a, D.Repo,
  database: Util.fetch_env!("DATABASE_NAME", dev: "d_dev", test: "d_test")
"#,
            ),
        ];
        let settings = crate::resolve::ecto_settings(&writes_of(&files));
        let get = |env: &str, scope: &str, key: &str| {
            settings
                .iter()
                .find(|d| d.environment == env && d.scope == scope && d.key == key)
                .map(|d| match &d.value {
                    EnvTemplate::Literal { text, .. } => text.clone(),
                    EnvTemplate::Erb { alternatives, .. } => format!("{alternatives:?}"),
                    EnvTemplate::Unknown => "unknown".to_string(),
                })
        };
        assert_eq!(get("test", "A.Repo", "database").as_deref(), Some("a_test"));
        assert_eq!(
            get("development", "A.Repo", "database").as_deref(),
            Some("a_dev")
        );
        assert_eq!(get("test", "B.Repo", "url").as_deref(), Some("late"));
        assert_eq!(
            get("test", "C.Repo", "database").as_deref(),
            Some("unknown")
        );
        let d = get("test", "D.Repo", "database").expect("runtime.exs sets it");
        assert!(d.contains("DATABASE_NAME") && d.contains("Computed"), "{d}");
        assert_eq!(get("development", "D.Repo", "database"), Some(d));
    }

    /// A config.exs whose import is commented out never loads test.exs.
    #[test]
    fn an_environment_file_nothing_imports_is_not_loaded() {
        let files = vec![
            file(
                "apps/feeds/config/config.exs",
                "import Config\n# import_config \"#{Mix.env}.exs\"\n",
            ),
            file(
                "apps/feeds/config/test.exs",
                "import Config\nconfig :feeds, Feeds.Repo, url: System.get_env(\"DATABASE_URL\")\n",
            ),
            file(
                "apps/user/config/test.exs",
                "import Config\nconfig :user, User.Repo, url: System.get_env(\"DATABASE_URL\")\n",
            ),
        ];
        let writes = writes_of(&files);
        let mut ws = crate::model::Workspace {
            files,
            ..crate::model::Workspace::default()
        };
        for w in writes {
            ws.project_mut(&w.project.clone())
                .elixir
                .config_writes
                .push(w);
        }
        drop_unloaded(&mut ws);
        let projects: Vec<&str> = ws.config_writes().map(|w| w.project.as_str()).collect();
        assert_eq!(projects, ["apps/user"]);
    }

    /// An umbrella's root runtime.exs comes after an app's test.exs.
    #[test]
    fn the_umbrella_root_configures_its_apps() {
        let files = [
            file(
                "apps/user/config/test.exs",
                "import Config\nconfig :user, User.Repo, url: System.get_env(\"DATABASE_URL\")\n",
            ),
            file(
                "config/runtime.exs",
                "import Config\nif config_env() == :test do\n  config :user, User.Repo, url: \"ecto://localhost/user_test\"\nend\n",
            ),
        ];
        let settings = crate::resolve::ecto_settings(&writes_of(&files));
        let app = settings
            .iter()
            .find(|d| d.project == "apps/user" && d.environment == "test")
            .expect("the app's url");
        assert!(
            matches!(&app.value, EnvTemplate::Literal { text, .. } if text == "ecto://localhost/user_test"),
            "{:?}",
            app.value
        );
    }
}
