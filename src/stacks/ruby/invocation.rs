//! `testguard run` of a Ruby or Elixir suite: the environment name the
//! runner keeps from the caller (STACKS.md, "Ruby: Rails", "Elixir").
//!
//! - `rails test` / `bin/rails test` sets `RAILS_ENV` to `test` itself,
//!   replacing an export (railties `test_unit/runner.rb`): nothing to add.
//! - rspec reads `Rails.env` from `RAILS_ENV`, else `RACK_ENV`; the generated
//!   `spec/rails_helper.rb` only defaults it (`ENV['RAILS_ENV'] ||= 'test'`),
//!   so an exported `development` wins unless a helper assigns `test`
//!   outright (`ENV['RAILS_ENV'] = 'test'`).
//! - `mix test` obeys an exported `MIX_ENV` (elixir `mix/lib/mix/tasks/test.ex`).
//!
//! The kept value becomes a layer of the run, judged by TG208 like any
//! test environment's.

use crate::model::{RunnerFamily, Workspace};
use crate::source::SourceKind;

pub fn apply(ws: &mut Workspace) {
    let Some(inv) = ws.invocation.clone() else {
        return;
    };
    let keys: &[&str] = match inv.family {
        RunnerFamily::Ruby if matches!(inv.program.as_str(), "rspec" | "parallel_rspec") => {
            if helper_forces_test(ws, &inv.dir) {
                return;
            }
            &["RAILS_ENV", "RACK_ENV"]
        }
        RunnerFamily::Elixir if inv.program == "mix" => &["MIX_ENV"],
        _ => return,
    };
    // the first one exported decides (`Rails.env`: RAILS_ENV, else RACK_ENV)
    let Some(kept) = keys.iter().find_map(|k| ws.caller_setting(k)).cloned() else {
        return;
    };
    if let Some(layer) = ws.caller_test_env(vec![kept]) {
        ws.envs.push(layer);
    }
}

/// Whether a helper of the suite in `dir` assigns `RAILS_ENV` the value
/// `test` (not `||=`), outside comments.
pub(crate) fn helper_forces_test(ws: &Workspace, dir: &str) -> bool {
    let prefix = crate::tree::dir_prefix(dir);
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
