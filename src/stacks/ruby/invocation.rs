//! `testguard run` of a Ruby or Elixir suite: the environment name the
//! runner keeps from the caller.
//!
//! - `rails test` / `bin/rails test` sets `RAILS_ENV` to `test` itself,
//!   replacing an export (railties `test_unit/runner.rb`): nothing to add.
//! - rspec reads `Rails.env` from `RAILS_ENV`, else `RACK_ENV`; the generated
//!   `spec/rails_helper.rb` only defaults it (`ENV['RAILS_ENV'] ||= 'test'`),
//!   so an exported `development` wins unless a helper assigns `test`
//!   outright (`ENV['RAILS_ENV'] = 'test'`).
//! - `mix test` obeys an exported `MIX_ENV` (elixir `mix/lib/mix/tasks/test.ex`).
//!
//! - Active Record merges an exported `DATABASE_URL` over the `test` entry
//!   of `config/database.yml` when the entry has no `url` of its own, for
//!   every runner (guides.rubyonrails.org/configuring.html).
//!
//! The kept values become a layer of the run, judged like any test
//! environment's: TG208 the environment name, the database rules the URL.

use crate::model::{RunnerFamily, Workspace};
use crate::source::SourceKind;

pub fn apply(ws: &mut Workspace) {
    let Some(inv) = ws.invocation.clone() else {
        return;
    };
    let mut kept = Vec::new();
    let env_keys: &[&str] = match inv.family {
        RunnerFamily::Ruby
            if matches!(inv.program.as_str(), "rspec" | "parallel_rspec")
                && !helper_forces_test(ws, &inv.dir) =>
        {
            &["RAILS_ENV", "RACK_ENV"]
        }
        RunnerFamily::Elixir if inv.program == "mix" => &["MIX_ENV"],
        _ => &[],
    };
    // the first one exported decides (`Rails.env`: RAILS_ENV, else RACK_ENV)
    kept.extend(env_keys.iter().find_map(|k| ws.caller_setting(k)).cloned());
    // Active Record merges an exported DATABASE_URL over the `test` entry,
    // whatever runs the suite (`rails test` too), unless the entry has a
    // `url` of its own
    if inv.family == RunnerFamily::Ruby
        && merges_database_url(ws, &inv.dir)
        && let Some(url) = ws.caller_setting("DATABASE_URL")
    {
        kept.push(url.clone());
    }
    if kept.is_empty() {
        return;
    }
    if let Some(layer) = ws.caller_test_env(kept) {
        ws.envs.push(layer);
    }
}

/// Whether the Rails app the run starts in (its `config/database.yml` in
/// the folder or above) has a `test` entry that names one database and no
/// `url` of its own: then `DATABASE_URL` decides.
fn merges_database_url(ws: &Workspace, dir: &str) -> bool {
    let Some(app) = crate::model::ancestors(dir).find(|d| {
        let path = crate::paths::join(d, "config/database.yml");
        ws.files
            .iter()
            .any(|f| f.kind == SourceKind::RailsDatabase && f.path == path)
    }) else {
        return false;
    };
    let keys: Vec<&str> = ws
        .environment_databases()
        .filter(|d| {
            d.framework == crate::model::DatabaseFramework::Rails
                && d.project == app
                && d.environment == "test"
        })
        .map(|d| d.key.as_str())
        .collect();
    keys.contains(&"database") && !keys.iter().any(|k| *k == "url" || k.contains('.'))
}

/// Whether a helper of the suite in `dir` assigns `RAILS_ENV` the value
/// `test` (not `||=`), outside comments.
pub(crate) fn helper_forces_test(ws: &Workspace, dir: &str) -> bool {
    let prefix = crate::paths::dir_prefix(dir);
    ws.files.iter().any(|f| {
        f.kind == SourceKind::RubyTestHelper
            && (f.path == format!("{prefix}spec/rails_helper.rb")
                || f.path == format!("{prefix}spec/spec_helper.rb"))
            && f.text.lines().any(assigns_test)
    })
}

/// `ENV['RAILS_ENV'] = 'test'` (either quotes), not `||=`, not a comment.
fn assigns_test(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with('#') {
        return false;
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.replace('"', "'");
    compact.starts_with("ENV['RAILS_ENV']='test'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_outright_assignment_forces_test() {
        assert!(assigns_test("ENV['RAILS_ENV'] = 'test'"));
        assert!(assigns_test("  ENV[\"RAILS_ENV\"] = \"test\""));
        assert!(!assigns_test("ENV['RAILS_ENV'] ||= 'test'"));
        assert!(!assigns_test("# ENV['RAILS_ENV'] = 'test'"));
        assert!(!assigns_test("ENV['RAILS_ENV'] = 'development'"));
    }
}
