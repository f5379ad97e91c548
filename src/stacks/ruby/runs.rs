//! The dotenv files a Rails app's test run loads, and whether its
//! `DATABASE_URL` reaches the `test` entry:
//!
//! - dotenv-rails (or dotenv 3, which loads itself in a Rails app; the
//!   version comes from `Gemfile.lock`), required in test by the Gemfile
//!   and not `require: false`, loads `.env.test.local`,
//!   `.env.test`, then `.env` from the app's root when Rails boots in test
//!   (not `.env.local`), and never overwrites a variable already set
//!   (bkeepers/dotenv README, `lib/dotenv/rails.rb`);
//! - Active Record merges `DATABASE_URL` over the entry of the current
//!   environment, where it wins, unless the entry has a `url` of its own
//!   (guides.rubyonrails.org/configuring.html, "Connection Preference").
//!
//! The run is built only for an app whose `test` entry was read and names
//! one database (a multi-database entry merges `DATABASE_URL` into its
//! primary only, which is not modelled).
//!
//! A compose service whose `command` runs rspec keeps the `RAILS_ENV` (else
//! `RACK_ENV`) the service pins in `environment:`, its `env_file:` or the
//! `ENV` of the Dockerfile it is built from, in compose's precedence (rspec's
//! generated `rails_helper.rb` only defaults it with `||=`): that value is a
//! test environment of its own, judged by TG208. `rails test` and `rake
//! spec` set `test` themselves, and a helper that assigns `test` outright
//! wins over the pin; neither is one.

use crate::model::run::{Layer, LayerKind, RailsRun, RunnerFamily, Write};
use crate::model::{DatabaseFramework, EnvSource, Setting, TestEnv, Via, Workspace};
use crate::source::{FileId, SourceKind, Span, Spanned};
use crate::syntax::yaml::{self, Node};

/// Development templates a developer copies to `.env`.
const TEMPLATES: [&str; 4] = [".env.example", ".env.sample", ".env.dist", ".env.template"];

pub fn build(ws: &mut Workspace) {
    let mut runs = Vec::new();
    for (i, file) in ws.files.iter().enumerate() {
        if file.kind != SourceKind::RailsDatabase {
            continue;
        }
        let id = FileId(i);
        let Some(dir) = file
            .path
            .strip_suffix("config/database.yml")
            .map(|d| d.trim_end_matches('/'))
        else {
            continue;
        };
        let test_keys: Vec<&str> = ws
            .environment_databases()
            .filter(|d| {
                d.framework == DatabaseFramework::Rails && d.file == id && d.environment == "test"
            })
            .map(|d| d.key.as_str())
            .collect();
        if !test_keys.contains(&"database") || test_keys.iter().any(|k| k.contains('.')) {
            continue;
        }
        let at = |name: &str| {
            let path = crate::paths::join(dir, name);
            ws.file_id(&path)
        };
        let Some(gemfile) = at("Gemfile").filter(|g| ws.file(*g).kind == SourceKind::Gemfile)
        else {
            continue;
        };
        // dotenv-rails, or dotenv 3 (which loads itself in a Rails app and
        // made dotenv-rails a shim), known from Gemfile.lock
        let text = &ws.file(gemfile).text;
        let dotenv_3 = || {
            let lock = at("Gemfile.lock")?;
            (super::gemfile::locked_major(&ws.file(lock).text, "dotenv")? >= 3)
                .then(|| super::gemfile::required_in_test(text, "dotenv"))
                .flatten()
        };
        let Some((gem, gem_name)) = super::gemfile::required_in_test(text, "dotenv-rails")
            .map(|g| (g, "dotenv-rails"))
            .or_else(|| dotenv_3().map(|g| (g, "dotenv")))
        else {
            continue;
        };
        let mut layers = vec![ws.caller_layer()];
        for name in [".env.test.local", ".env.test", ".env"] {
            if let Some(f) = at(name).filter(|f| {
                matches!(
                    ws.file(*f).kind,
                    SourceKind::DotenvTest | SourceKind::DotenvDev
                )
            }) {
                layers.push(
                    Layer::new(name, LayerKind::Dotenv, Write::IfUnset, Some(f))
                        .with(ws.dotenv_settings(f)),
                );
            }
        }
        let templates = if at(".env").is_some() {
            Vec::new()
        } else {
            TEMPLATES.iter().filter_map(|t| at(t)).collect()
        };
        runs.push(crate::model::TestRun {
            name: format!(
                "Rails tests ({})",
                crate::paths::join(dir, "config/database.yml")
            ),
            family: crate::model::RunnerFamily::Ruby,
            framework: crate::model::RunFramework::Rails,
            runner: "rspec / `rails test`".into(),
            entry: Span::new(id, 0, 0),
            dir: dir.to_string(),
            layers,
            effective: Vec::new(),
            env: None,
            facts: crate::model::run::RunFacts::Rails(RailsRun {
                database_yml: id,
                dotenv_gem: Span::new(gemfile, gem.start, gem.end),
                dotenv_gem_name: gem_name,
                entry_has_url: test_keys.contains(&"url"),
                templates,
            }),
        });
    }
    ws.runs.extend(runs);
}

/// The environment names compose services that run rspec pin (see the
/// module's notes), as test environments.
pub fn compose_pins(ws: &mut Workspace) {
    let mut envs = Vec::new();
    for (i, file) in ws.files.iter().enumerate() {
        if file.kind != SourceKind::ComposeFile {
            continue;
        }
        let id = FileId(i);
        let Ok(docs) = yaml::parse(id, &file.text) else {
            continue;
        };
        let Some(services) = docs.first().and_then(|d| d.get("services")) else {
            continue;
        };
        for (name, svc) in services.entries() {
            let Some((command, command_span)) = command_of(svc) else {
                continue;
            };
            let args: Vec<std::ffi::OsString> =
                command.split_whitespace().map(Into::into).collect();
            let keeps = crate::stacks::runners::recognise(&args).is_some_and(|r| {
                r.family == RunnerFamily::Ruby
                    && matches!(r.program.as_str(), "rspec" | "parallel_rspec")
            });
            if !keeps || super::invocation::helper_forces_test(ws, file.dir()) {
                continue;
            }
            let layers = service_layers(ws, file.dir(), svc);
            // `Rails.env`: RAILS_ENV, else RACK_ENV
            let Some(setting) = ["RAILS_ENV", "RACK_ENV"]
                .iter()
                .find_map(|k| crate::resolve::decide(&layers, k))
                .map(|s| Setting {
                    via: Via::Dotenv,
                    overridable: false,
                    provenance: None,
                    ..s
                })
            else {
                continue;
            };
            envs.push(TestEnv::local(
                format!(
                    "`{command}` in compose service `{}` ({})",
                    name.value, file.path
                ),
                EnvSource::TestRun,
                file,
                id,
                command_span,
                vec![setting],
            ));
        }
    }
    ws.envs.extend(envs);
}

/// The layers of what a compose service hands its container, highest
/// first: its `environment:`, the files of its `env_file:` (a later one
/// over an earlier one), its image's `ENV`
/// (docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/).
fn service_layers(ws: &Workspace, dir: &str, svc: &Node) -> Vec<Layer> {
    let mut layers = Vec::new();
    let mut out = Vec::new();
    let setting = |key: &str, key_span: Span, value: &str, value_span: Span, verbatim| Setting {
        key: Spanned::new(key.to_string(), key_span),
        value: value.to_string(),
        value_span,
        verbatim,
        overridable: false,
        via: Via::Dotenv,
        unset: false,
        provenance: None,
        raw_offsets: None,
    };
    match svc.get("environment") {
        Some(Node::Map(entries, _)) => {
            for (k, v) in entries {
                if let Some(sc) = v.as_scalar() {
                    out.push(setting(&k.value, k.span, &sc.value, sc.span, sc.verbatim));
                }
            }
        }
        Some(Node::Seq(items, _)) => {
            for sc in items.iter().filter_map(Node::as_scalar) {
                if let Some((k, v)) = sc.value.split_once('=')
                    && sc.verbatim
                {
                    let key_span = Span::new(sc.span.file, sc.span.start, sc.span.start + k.len());
                    let at = sc.span.start + k.len() + 1;
                    let value_span = Span::new(sc.span.file, at, at + v.len());
                    out.push(setting(k.trim(), key_span, v, value_span, true));
                }
            }
        }
        _ => {}
    }
    layers.push(
        Layer::new(
            "the service's `environment:`",
            LayerKind::Caller,
            Write::Always,
            None,
        )
        .with(std::mem::take(&mut out)),
    );
    // a later env_file wins over an earlier one
    for (_, f) in crate::stacks::containers::env_files(ws, dir, svc)
        .into_iter()
        .rev()
    {
        layers.push(
            Layer::new(
                format!("`env_file:` {}", ws.file(f).path),
                LayerKind::Dotenv,
                Write::IfUnset,
                Some(f),
            )
            .with(ws.dotenv_settings(f)),
        );
    }
    // the image's own `ENV`, last: a service built from a Dockerfile of the
    // repository (`build: .`, `build: {context, dockerfile, target}`)
    if let Some(build) = svc.get("build") {
        let (context, dockerfile, target) = match build {
            Node::Scalar(s) => (s.value.as_str(), "Dockerfile", None),
            b => (
                b.get("context").and_then(Node::as_str).unwrap_or("."),
                b.get("dockerfile")
                    .and_then(Node::as_str)
                    .unwrap_or("Dockerfile"),
                b.get("target").and_then(Node::as_str),
            ),
        };
        let context = context.trim_start_matches("./").trim_end_matches('/');
        let context = if context == "." || context.is_empty() {
            dir.to_string()
        } else {
            crate::paths::join(dir, context)
        };
        let rel = crate::paths::join(&context, dockerfile.trim_start_matches("./"));
        if let Some(f) = ws
            .files
            .iter()
            .position(|f| f.path == rel && f.kind == SourceKind::Dockerfile)
        {
            layers.push(
                Layer::new(
                    format!("the image's `ENV` ({rel})"),
                    LayerKind::Caller,
                    Write::IfUnset,
                    Some(FileId(f)),
                )
                .with(image_env(FileId(f), &ws.file(FileId(f)).text, target)),
            );
        }
    }
    layers
}

/// A service's `command`, as one string and where it stands.
fn command_of(svc: &Node) -> Option<(String, Span)> {
    match svc.get("command")? {
        Node::Scalar(s) => Some((s.value.clone(), s.span)),
        Node::Seq(items, _) => {
            let words: Option<Vec<&str>> = items.iter().map(Node::as_str).collect();
            let first = items.first()?.as_scalar()?.span;
            let last = items.last()?.as_scalar()?.span;
            Some((
                words?.join(" "),
                Span::new(first.file, first.start, last.end),
            ))
        }
        _ => None,
    }
}

/// The `ENV K=V` (and legacy `ENV K V`) values of the stage of a Dockerfile
/// that is built: the one `target` names, else the last. A value that is
/// not literal text (`$X`) is left out; later lines first.
fn image_env(file: FileId, text: &str, target: Option<&str>) -> Vec<Setting> {
    // each stage: its `AS` name and its settings
    let mut stages: Vec<(String, Vec<Setting>)> = Vec::new();
    for (start, line) in crate::syntax::ini::lines_with_offsets(text) {
        let t = line.trim_start();
        let lead = line.len() - t.len();
        let word = t.split_whitespace().next().unwrap_or("");
        if word.eq_ignore_ascii_case("FROM") {
            let words: Vec<&str> = t.split_whitespace().collect();
            let name = words
                .windows(2)
                .find(|w| w[0].eq_ignore_ascii_case("AS"))
                .map_or(String::new(), |w| w[1].to_string());
            stages.push((name, Vec::new()));
            continue;
        }
        if !word.eq_ignore_ascii_case("ENV") {
            continue;
        }
        let Some((_, settings)) = stages.last_mut() else {
            continue;
        };
        let args = &t[word.len()..];
        let args_at = start + lead + word.len();
        let mut push = |k: &str, k_at: usize, v: &str, v_at: usize| {
            let Some(value) = crate::syntax::shell_word(v) else {
                return;
            };
            let v_at = if v.starts_with(['"', '\'']) {
                v_at + 1
            } else {
                v_at
            };
            settings.push(Setting {
                key: Spanned::new(k.to_string(), Span::new(file, k_at, k_at + k.len())),
                value_span: Span::new(file, v_at, v_at + value.len()),
                value,
                verbatim: true,
                overridable: false,
                via: Via::Dotenv,
                unset: false,
                provenance: None,
                raw_offsets: None,
            });
        };
        if args.contains('=') {
            let mut offset = 0;
            for w in args.split(' ') {
                if let Some((k, v)) = w.split_once('=') {
                    let k_at = args_at + offset;
                    push(k, k_at, v, k_at + k.len() + 1);
                }
                offset += w.len() + 1;
            }
        } else {
            let trimmed = args.trim_start();
            let k_at = args_at + (args.len() - trimmed.len());
            if let Some((k, v)) = trimmed.split_once(char::is_whitespace) {
                let v_lead = v.len() - v.trim_start().len();
                push(k, k_at, v.trim(), k_at + k.len() + 1 + v_lead);
            }
        }
    }
    let built = match target {
        Some(name) => stages.into_iter().find(|(n, _)| n == name),
        None => stages.pop(),
    };
    built
        .map(|(_, settings)| settings.into_iter().rev().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_stage_gives_the_image_env() {
        let text = "FROM ruby:3.3 AS base\nENV RAILS_ENV=production BUNDLE_PATH=/gems\n\nFROM base AS test\nENV RAILS_ENV test\n\nFROM base AS dev\nENV RAILS_ENV=\"development\" HOME=$HOME\n";
        let get = |target: Option<&str>| {
            image_env(FileId(0), text, target)
                .into_iter()
                .map(|s| {
                    assert_eq!(&text[s.value_span.start..s.value_span.end], s.value);
                    assert_eq!(&text[s.key.span.start..s.key.span.end], s.key.value);
                    (s.key.value, s.value)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            get(None),
            [("RAILS_ENV".to_string(), "development".to_string())]
        );
        assert_eq!(
            get(Some("test")),
            [("RAILS_ENV".to_string(), "test".to_string())]
        );
        assert_eq!(
            get(Some("base")),
            [
                ("BUNDLE_PATH".to_string(), "/gems".to_string()),
                ("RAILS_ENV".to_string(), "production".to_string())
            ]
        );
        assert!(get(Some("nope")).is_empty());
    }
}
