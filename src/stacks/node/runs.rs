//! Node test runs: each `package.json` test
//! script resolved to the runner it starts, with its environment as layers,
//! highest precedence first:
//!
//! 1. what is always written: inline `VAR=x`, `cross-env`, `dotenv -v`,
//!    `env-cmd` files and `dotenv -o` files (they override), Vitest's
//!    `test.env`, a setup file's `dotenv.config({ override: true })`;
//! 2. the caller's environment (unknown in `lint`);
//! 3. what yields to it: `dotenv -e` files (first wins), `node --env-file`,
//!    a setup file's `dotenv.config({ path })` or `import 'dotenv/config'`
//!    (`.env`), then the framework's own loader: `next/jest`
//!    (`.env.test.local`, `.env.test`, `.env`), Strapi (`.env`), Prisma ≤ 6
//!    (`.env` beside the schema's project).
//!
//! [`build`] also runs the readers beside it: config modules
//! ([`super::config_modules`]), ORM files ([`super::orm`]), destructive
//! evidence ([`super::destruction`]), compose overlays and Playwright's
//! `webServer`. The layers of one run, and nothing else, are decided here.

use std::collections::HashMap;

use super::scripts::{self, EnvFileLoader, Package, RunnerKind, TestEntry};
use crate::model::run::{Layer, LayerKind, MissingNodeEnvFile, NodeRun, RunFacts, TestRun, Write};
use crate::model::{Setting, Via, Workspace, ancestors};
use crate::paths::join;
use crate::source::{FileId, SourceKind, Span, Spanned};
use crate::syntax::code::Value;
use crate::syntax::js::{self, Dialect, Module};

/// Dependencies whose presence means the app loads `.env` into
/// `process.env` itself.
const APP_DOTENV_LOADERS: &[&str] = &[
    "dotenv",
    "dotenv-safe",
    "dotenv-flow",
    "@nestjs/config",
    "@strapi/strapi",
    "@adonisjs/core",
];

/// Modules that give a suite a database of its own in code.
const ISOLATING_IMPORTS: &[&str] = &[
    "mongodb-memory-server",
    "mongodb-memory-server-core",
    "@shelf/jest-mongodb",
    "testcontainers",
    "@testcontainers/postgresql",
    "@testcontainers/mysql",
    "@testcontainers/mongodb",
    "pg-mem",
    "jest-mock-extended",
    "vitest-mock-extended",
    "prismock",
];

/// Files by path: a run looks up a dozen candidate paths, and a monorepo
/// holds hundreds of packages.
pub(super) struct Paths(HashMap<String, FileId>);

impl Paths {
    fn of(ws: &Workspace) -> Paths {
        Paths(
            ws.files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.path.clone(), FileId(i)))
                .collect(),
        )
    }

    fn get(&self, path: &str) -> Option<FileId> {
        self.0.get(path).copied()
    }
}

pub fn build(ws: &mut Workspace) {
    let parsed = parse_code(ws);
    super::destruction::scan(ws);
    super::config_modules::read(ws, &parsed);
    super::orm::read(ws);
    let packages: Vec<Package> = ws
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == SourceKind::PackageJson)
        .filter_map(|(i, f)| scripts::read(FileId(i), f))
        .collect();
    super::compose::read(ws, &packages);
    super::playwright::read(ws, &packages);
    let paths = Paths::of(ws);
    let resets = super::shell::resets(ws, &packages);
    if let Some(inv) = ws.invocation.clone() {
        build_invoked(ws, &paths, &parsed, &packages, &inv, &resets);
        return;
    }
    for pkg in &packages {
        let entries = scripts::test_entries(pkg);
        super::destruction::scan_scripts(ws, pkg, &entries);
        for entry in entries {
            let mut run = resolve_entry(ws, &paths, &parsed, pkg, &entry);
            with_resets(&mut run, pkg, &resets);
            if let Some(env) = loaded_dev_values(ws, &run, pkg) {
                ws.envs.push(env);
            }
            ws.runs.push(run);
        }
    }
}

/// What a run gets from a development dotenv file it loads itself (`dotenv
/// -e .env`, `dotenv/config` in a setup file, Prisma's loader): that file's
/// database settings are the run's values, judged as such (a production
/// name or host there is this run's); that the run uses the development
/// configuration at all is TG302's finding. Nothing when the run picks its
/// database in code or a setup file it names was not read.
fn loaded_dev_values(
    ws: &Workspace,
    run: &TestRun,
    pkg: &Package,
) -> Option<crate::model::TestEnv> {
    let node = run.node()?;
    if node.isolated.is_some() || node.unread_setup {
        return None;
    }
    let settings: Vec<Setting> = crate::resolve::effective(&run.layers)
        .into_iter()
        .filter(|s| {
            ws.file(s.value_span.file).kind == SourceKind::DotenvDev
                && crate::database::db_key_kind(&s.key.value, &[]).is_some()
        })
        .map(|s| Setting {
            via: Via::DevDotenvLoaded,
            ..s
        })
        .collect();
    (!settings.is_empty()).then(|| crate::model::TestEnv {
        name: run.name.clone(),
        source: crate::model::EnvSource::TestRun,
        runner: crate::model::Runner::Local,
        file: pkg.file,
        dir: pkg.dir.clone(),
        frameworks: ws.frameworks_of(&pkg.dir),
        anchor: node.script_span,
        settings,
        commented_out: Vec::new(),
    })
}

/// The shell resets of the run's package's suite.
fn with_resets(
    run: &mut TestRun,
    pkg: &Package,
    resets: &[(String, crate::model::run::ShellReset)],
) {
    if let RunFacts::Node(node) = &mut run.facts {
        node.shell_resets = resets
            .iter()
            .filter(|(dir, _)| *dir == pkg.dir)
            .map(|(_, r)| r.clone())
            .collect();
    }
}

/// `testguard run`: the one run being started. A script (`npm test`) is
/// resolved with its wrappers; a runner started directly (`npx jest`) gets
/// what a test script starting the same runner gets, without the script's
/// own layers (its inline assignments and env files). Another ecosystem's
/// command starts no Node run.
fn build_invoked(
    ws: &mut Workspace,
    paths: &Paths,
    parsed: &HashMap<FileId, Module>,
    packages: &[Package],
    inv: &crate::model::Invocation,
    resets: &[(String, crate::model::run::ShellReset)],
) {
    if inv.family != crate::model::RunnerFamily::Node {
        return;
    }
    let Some(pkg) = ancestors(&inv.dir).find_map(|d| packages.iter().find(|p| p.dir == d)) else {
        return;
    };
    let (entries, direct) = match &inv.node_script {
        Some(script) => (scripts::script_entries(pkg, script), false),
        None => {
            let Some(kind) = scripts::runner_of_path(&inv.program) else {
                return;
            };
            let mut entries: Vec<TestEntry> = scripts::test_entries(pkg)
                .into_iter()
                .filter(|e| e.runner == kind)
                .take(1)
                .collect();
            // no script starts this runner: the run is the runner alone, with
            // the package's loaders (Prisma, a runner config's setup files)
            if entries.is_empty() {
                let at = Span::new(pkg.file, 0, 0);
                entries.push(TestEntry {
                    script: inv.program.clone(),
                    script_span: at,
                    runner: kind,
                    runner_span: at,
                    assigns: Vec::new(),
                    env_files: Vec::new(),
                    other_commands: Vec::new(),
                });
            }
            (entries, true)
        }
    };
    super::destruction::scan_scripts(ws, pkg, &entries);
    for entry in entries {
        let mut run = resolve_entry(ws, paths, parsed, pkg, &entry);
        with_resets(&mut run, pkg, resets);
        if direct && let RunFacts::Node(node) = &mut run.facts {
            let mut i = 0;
            run.layers.retain(|_| {
                i += 1;
                !node.script_layers.contains(&(i - 1))
            });
            node.script_layers.clear();
            node.missing.retain(|m| m.span.file != pkg.file);
            run.name = format!("`{}` ({})", inv.program, ws.file(pkg.file).path);
        }
        if let Some(env) = loaded_dev_values(ws, &run, pkg) {
            ws.envs.push(env);
        }
        // what the caller exports and nothing above it overrides is the
        // run's: judged like any test environment's value (a database, and
        // NODE_ENV, which Jest and Vitest set only when it is unset)
        let script_span = run.node().map_or(run.entry, |n| n.script_span);
        if run.node().is_some_and(|n| n.isolated.is_none()) {
            let decided: Vec<Setting> = crate::resolve::effective(&run.layers)
                .into_iter()
                .filter(|s| s.via == Via::Caller)
                .filter(|s| {
                    s.key.value == "NODE_ENV"
                        || crate::database::db_key_kind(&s.key.value, &[]).is_some()
                })
                .collect();
            if !decided.is_empty() {
                let env = crate::model::TestEnv {
                    name: run.name.clone(),
                    source: crate::model::EnvSource::TestRun,
                    runner: crate::model::Runner::Local,
                    file: pkg.file,
                    dir: pkg.dir.clone(),
                    frameworks: ws.frameworks_of(&pkg.dir),
                    anchor: script_span,
                    settings: decided,
                    commented_out: Vec::new(),
                };
                ws.envs.push(env);
            }
        }
        ws.runs.push(run);
    }
}

/// Every JS/TS file read for Node runs, and the runner configs that say
/// something a run uses, parsed once and in parallel (tree-sitter costs tens
/// of microseconds even for a small config, and a monorepo holds hundreds).
fn parse_code(ws: &Workspace) -> HashMap<FileId, Module> {
    let wanted: Vec<(usize, &str, &str)> = ws
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            let n = f.file_name();
            let runner_config = f.kind == SourceKind::FrameworkMarker
                && (n.starts_with("jest.config.")
                    || n.starts_with("vitest.config.")
                    || n.starts_with("vite.config."))
                && !super::files::setup_files_are_literal(&f.text)
                // what a run reads from a config: setup files, `test.env`,
                // a preset, `next/jest`, dotenv or `loadEnv` calls
                && ["etup", "env", "preset", "next/jest", "dotenv", "loadEnv"]
                    .iter()
                    .any(|w| f.text.contains(w));
            // a helper of the suite is only scanned for destructive idioms;
            // code is parsed when it may load env files, isolate the run or
            // be a config module
            // a test file (`x.test.ts`, `x.spec.js`) is neither a setup
            // file (Jest and Vitest would run it as a suite, and fail it for
            // holding no test) nor a config module: what a run takes from
            // parsed code is never in it. A monorepo's suite holds hundreds,
            // megabytes that tree-sitter would parse for nothing; they are
            // still scanned for destructive idioms
            let node_code = f.kind == SourceKind::NodeCode
                && !super::files::is_test_file(&f.path)
                && (super::files::is_config_module(&f.path)
                    || f.text.contains("dotenv")
                    || f.text.contains("process.env")
                    || ISOLATING_IMPORTS.iter().any(|i| f.text.contains(i)));
            (node_code || runner_config)
                && (super::files::is_script(&f.path) || f.path.ends_with(".json"))
        })
        .map(|(i, f)| (i, f.path.as_str(), f.text.as_str()))
        .collect();
    let parse_one = |(i, path, text): &(usize, &str, &str)| {
        let m = if path.ends_with(".json") {
            // JSON config modules (Sequelize `config/config.json`, node-config)
            let exports = js::parse_json(text);
            Module {
                has_error: exports.is_none(),
                exports,
                ..Module::default()
            }
        } else {
            js::parse(text, Dialect::of_path(path))
        };
        (FileId(*i), m)
    };
    crate::stacks::parallel_map(&wanted, parse_one)
        .into_iter()
        .collect()
}

/// A setting written by a script wrapper.
fn assign_setting(a: &scripts::Assign) -> Setting {
    Setting {
        key: Spanned::new(a.key.clone(), a.key_span),
        value: a.value.clone(),
        value_span: a.value_span,
        verbatim: a.verbatim,
        overridable: false,
        via: Via::Dotenv,
        unset: false,
        provenance: None,
        raw_offsets: None,
    }
}

/// The dotenv file at `path`, if the repository holds it.
fn dotenv_at(ws: &Workspace, paths: &Paths, path: &str) -> Option<FileId> {
    paths.get(path).filter(|id| {
        matches!(
            ws.file(*id).kind,
            SourceKind::DotenvTest | SourceKind::DotenvDev
        )
    })
}

fn dotenv_layer(ws: &Workspace, id: FileId, write: Write) -> Layer {
    Layer::new(ws.file(id).path.clone(), LayerKind::Dotenv, write, Some(id))
        .with(ws.dotenv_settings(id))
}

/// What a setup file does with dotenv: `(path, overrides, where)` for each
/// `dotenv.config({ path })`, `import 'dotenv/config'` (`.env`).
fn setup_dotenv_loads(m: &Module, file: FileId) -> Vec<(String, bool, Span)> {
    let mut out = Vec::new();
    for (spec, range) in &m.imports {
        if spec == "dotenv/config" || spec == "dotenv-flow/config" {
            out.push((
                ".env".to_string(),
                false,
                Span::new(file, range.start, range.end),
            ));
        }
    }
    for c in &m.calls {
        let Value::Call {
            callee,
            args,
            range,
            ..
        } = c
        else {
            continue;
        };
        let from_dotenv = callee == "dotenv.config"
            || callee.starts_with("require('dotenv')")
            || callee.starts_with("require(\"dotenv\")")
            || (callee == "config" && m.import_source("config") == Some("dotenv"))
            || callee
                .strip_suffix(".config")
                .is_some_and(|obj| m.import_source(obj) == Some("dotenv"));
        if !from_dotenv || !callee.ends_with("config") {
            continue;
        }
        let opts = args.first();
        let path = match opts.and_then(|o| o.get("path")) {
            Some(Value::Str { text, .. }) => text.clone(),
            // a computed path (`path.resolve(__dirname, …)`) is not followed
            Some(_) => continue,
            None => ".env".to_string(),
        };
        let overrides = matches!(
            opts.and_then(|o| o.get("override")),
            Some(Value::Bool(true))
        );
        out.push((path, overrides, Span::new(file, range.start, range.end)));
    }
    out
}

fn resolve_entry(
    ws: &Workspace,
    paths: &Paths,
    parsed: &HashMap<FileId, Module>,
    pkg: &Package,
    entry: &TestEntry,
) -> TestRun {
    let dir = pkg.dir.as_str();
    let mut always: Vec<Layer> = Vec::new();
    let mut yielding: Vec<Layer> = Vec::new();
    let mut missing = Vec::new();
    let mut dev_loader: Option<String> = None;
    let script_label = if entry.script == "test" {
        "`npm test`".to_string()
    } else {
        format!("`npm run {}`", entry.script)
    };
    let inline: Vec<Setting> = entry.assigns.iter().map(assign_setting).collect();
    if !inline.is_empty() {
        always.push(
            Layer::new(
                format!("{script_label}'s inline assignments (package.json)"),
                LayerKind::Runner,
                Write::Always,
                Some(pkg.file),
            )
            .with(inline),
        );
    }
    for f in &entry.env_files {
        let path = join(dir, &f.path);
        let (write, behaviour) = match f.loader {
            EnvFileLoader::DotenvCli { overrides } => (
                if overrides {
                    Write::Always
                } else {
                    Write::IfUnset
                },
                "dotenv-cli skips a missing file without a word",
            ),
            EnvFileLoader::DotenvCascade => (Write::IfUnset, ""),
            EnvFileLoader::EnvCmd { fallback } => (
                Write::Always,
                if fallback {
                    "env-cmd --fallback does not stop on a missing file"
                } else {
                    ""
                },
            ),
            EnvFileLoader::NodeEnvFile { if_exists } => (
                Write::IfUnset,
                if if_exists {
                    "--env-file-if-exists skips a missing file"
                } else {
                    ""
                },
            ),
        };
        // the script loads the developer's own `.env` (`dotenv -e .env.test
        // -e .env`, `--env-file-if-exists=.env`): the development loader,
        // whether or not the repository holds that file
        let is_dev = f.path.trim_start_matches("./") == ".env";
        if is_dev && f.loader != EnvFileLoader::DotenvCascade {
            dev_loader.get_or_insert(format!("the script loads {path} too"));
        }
        match dotenv_at(ws, paths, &path) {
            Some(id) => {
                let l = dotenv_layer(ws, id, write);
                if write == Write::Always {
                    always.push(l);
                } else {
                    yielding.push(l);
                }
            }
            // the cascade reads whichever of its files exist, and `.env` is
            // the developer's, not a test file the repository should hold
            None if f.loader == EnvFileLoader::DotenvCascade || is_dev => {}
            // a loader that fails on a missing file stops the run: recorded,
            // but no danger
            None => {
                missing.push(MissingNodeEnvFile {
                    ignored_by: crate::stacks::gitignored_by(ws, dir, &path),
                    path,
                    span: f.span,
                    behaviour,
                    skipped: !behaviour.is_empty(),
                });
                if let EnvFileLoader::EnvCmd { fallback: true } = f.loader {
                    dev_loader.get_or_insert("it loads .env instead".into());
                    if let Some(id) = dotenv_at(ws, paths, &join(dir, ".env")) {
                        always.push(dotenv_layer(ws, id, Write::Always));
                    }
                }
            }
        }
    }
    // `dotenv -c test` falls through to `.env.local` and `.env`
    if let Some(f) = entry
        .env_files
        .iter()
        .find(|f| f.loader == EnvFileLoader::DotenvCascade && f.path.ends_with(".env.test"))
        .or_else(|| {
            entry
                .env_files
                .iter()
                .find(|f| f.loader == EnvFileLoader::DotenvCascade)
                .filter(|_| {
                    entry
                        .env_files
                        .iter()
                        .all(|f| !f.path.ends_with(".env.test"))
                })
        })
        && dotenv_at(ws, paths, &join(dir, &f.path)).is_none()
    {
        dev_loader.get_or_insert("dotenv -c falls through to .env.local and .env".into());
    }
    // the runner's config and its setup files
    let config = runner_config(paths, parsed, pkg, entry.runner);
    let mut isolated = ws
        .projects
        .get(dir)
        .and_then(|c| c.isolating_dependency.clone());
    let mut next_jest: Option<&'static str> = None;
    if let Some((config_id, value)) = &config {
        if let Some(Value::Map(env)) = value.get("test").and_then(|t| t.get("env")) {
            let settings: Vec<Setting> = env
                .iter()
                .filter_map(|e| {
                    let Value::Str {
                        text,
                        range,
                        verbatim,
                    } = &e.value
                    else {
                        return None;
                    };
                    Some(Setting {
                        key: Spanned::new(
                            e.key.clone(),
                            Span::new(*config_id, e.key_range.start, e.key_range.end),
                        ),
                        value: text.clone(),
                        value_span: Span::new(*config_id, range.start, range.end),
                        verbatim: *verbatim,
                        overridable: false,
                        via: Via::FrameworkConfig,
                        unset: false,
                        provenance: None,
                        raw_offsets: None,
                    })
                })
                .collect();
            always.push(
                Layer::new(
                    format!("Vitest test.env ({})", ws.file(*config_id).path),
                    LayerKind::Runner,
                    Write::Always,
                    Some(*config_id),
                )
                .with(settings),
            );
        }
        // `test: { env: loadEnv(mode, process.cwd(), '') }`: Vite's loader
        // for mode `test`, every key (prefix ''), written into process.env
        if let Some(call @ Value::Call { args, .. }) = value.get("test").and_then(|t| t.get("env"))
            && call.callee_name() == Some("loadEnv")
            && matches!(args.first(), Some(Value::Name(_)) | Some(Value::Str { .. }))
            && args
                .first()
                .and_then(Value::as_str)
                .is_none_or(|m| m == "test")
        {
            for name in [".env.test.local", ".env.test", ".env.local", ".env"] {
                if let Some(id) = dotenv_at(ws, paths, &join(dir, name)) {
                    always.push(dotenv_layer(ws, id, Write::Always));
                }
            }
            dev_loader.get_or_insert(
                "Vite's loadEnv in Vitest's test.env reads .env.local and .env for mode test"
                    .into(),
            );
        }
        if let Some(preset) = value.get("preset").and_then(Value::as_str)
            && ISOLATING_IMPORTS.contains(&preset)
        {
            isolated.get_or_insert(preset.to_string());
        }
        if let Some(m) = parsed.get(config_id) {
            if m.imports("next/jest") || m.imports("next/jest.js") {
                next_jest = Some("next/jest");
            }
            // Blitz's jest preset loads env files the way next/jest does
            if m.imports("@blitzjs/next/jest") {
                next_jest = Some("Blitz's jest preset");
            }
        }
        if value.get("preset").and_then(Value::as_str) == Some("blitz") {
            next_jest = Some("Blitz's jest preset");
        }
    }
    // `setupFiles: ['dotenv/config']` loads `.env`, not `.env.test`
    let config_value = config
        .as_ref()
        .map(|(_, v)| v.clone())
        .or_else(|| pkg.jest.as_ref().map(super::files::jest_key));
    if let Some(v) = &config_value
        && names_dotenv_config(v)
    {
        dev_loader.get_or_insert(format!(
            "the {} config's setupFiles load `dotenv/config`, which reads .env",
            entry.runner.describe()
        ));
        if let Some(id) = dotenv_at(ws, paths, &join(dir, ".env")) {
            yielding.push(dotenv_layer(ws, id, Write::IfUnset));
        }
    }
    // a config that says nothing but its setup files (no comment, no code
    // that could change them) is read literally, unparsed
    let literal_config = runner_config_file(paths, pkg, entry.runner)
        .filter(|id| super::files::setup_files_are_literal(&ws.file(*id).text));
    let named_setups: Vec<Vec<String>> = match (&config, literal_config) {
        (_, Some(id)) => super::files::setup_files_in_text(ws.file(id).dir(), &ws.file(id).text),
        (Some((cid, v)), None) => super::files::setup_files(ws.file(*cid).dir(), v),
        (None, None) => pkg
            .jest
            .as_ref()
            .filter(|_| entry.runner == RunnerKind::Jest)
            .map(|j| super::files::setup_files(dir, &super::files::jest_key(j)))
            .unwrap_or_default(),
    };
    let setup_ids: Vec<FileId> = named_setups
        .iter()
        .filter_map(|candidates| {
            candidates.iter().find_map(|p| {
                paths
                    .get(p)
                    .filter(|f| ws.file(*f).kind == SourceKind::NodeCode)
            })
        })
        .collect();
    // a setup file the config names that was not read (a settled package,
    // or one the repository lacks), or a runner config left unread: what
    // they load is unknown
    let unread_setup = setup_ids.len() < named_setups.len()
        || runner_config_file(paths, pkg, entry.runner)
            .is_some_and(|id| ws.file(id).text.is_empty());
    // the runner config itself may load env files too (`config({ path:
    // '../.env' })` at the top of vitest.config.ts)
    let loading: Vec<FileId> = config
        .iter()
        .map(|(c, _)| *c)
        .chain(setup_ids.iter().copied())
        .collect();
    let mut dev_dotenv: Option<String> = None;
    for id in &loading {
        let Some(m) = parsed.get(id) else { continue };
        if let Some(i) = m
            .imports
            .iter()
            .find(|(s, _)| ISOLATING_IMPORTS.contains(&s.as_str()))
        {
            isolated.get_or_insert(i.0.clone());
        }
        // `process.env.DATABASE_URL = …` in a setup file or the runner
        // config: the run picks its database in code
        if let Some((key, _)) = m
            .env_writes
            .iter()
            .find(|(k, _)| crate::database::db_key_kind(k, &[]).is_some())
        {
            isolated.get_or_insert(format!("{} sets {key} in code", ws.file(*id).path));
        }
        for (path, overrides, at) in setup_dotenv_loads(m, *id) {
            let Some(full) = crate::paths::normalize(&join(dir, &path)) else {
                continue;
            };
            let is_dev = full.rsplit('/').next() == Some(".env");
            if is_dev {
                let what = if config.as_ref().is_some_and(|(c, _)| c == id) {
                    "the runner config"
                } else {
                    "the setup file"
                };
                dev_loader.get_or_insert(format!("{what} {} loads {full}", ws.file(*id).path));
                dev_dotenv.get_or_insert(full.clone());
            }
            match dotenv_at(ws, paths, &full) {
                Some(f) => {
                    let l = dotenv_layer(
                        ws,
                        f,
                        if overrides {
                            Write::Always
                        } else {
                            Write::IfUnset
                        },
                    );
                    if overrides {
                        always.push(l);
                    } else {
                        yielding.push(l);
                    }
                }
                // `dotenv.config()` returns `{ error }` for a missing file
                // instead of throwing; code that checks it and stops the run
                // (`if (result.error) throw …`) guards against the fallback
                None if !is_dev => missing.push(MissingNodeEnvFile {
                    ignored_by: crate::stacks::gitignored_by(ws, dir, &full),
                    path: full,
                    span: at,
                    behaviour: "dotenv.config() skips a missing file without a word",
                    skipped: !checks_dotenv_error(&ws.file(*id).text),
                }),
                None => {}
            }
        }
    }
    // the framework's own loader
    let dev_env = dotenv_at(ws, paths, &join(dir, ".env"));
    if let Some(loader) = next_jest {
        for name in [".env.test.local", ".env.test"] {
            if let Some(id) = dotenv_at(ws, paths, &join(dir, name)) {
                yielding.push(dotenv_layer(ws, id, Write::IfUnset));
            }
        }
        if let Some(id) = dev_env {
            yielding.push(dotenv_layer(ws, id, Write::IfUnset));
            dev_loader.get_or_insert(format!("{loader} loads .env"));
        }
    }
    // Nx loads, for every task, `.env.[target]` files, then `.env.local`
    // and `.env`, of the project and then the workspace root, none
    // overriding (nx.dev define-environment-variables)
    if entry.runner == RunnerKind::Nx {
        for name in [".env.test.local", ".env.test", ".env.local", ".env"] {
            if let Some(id) = dotenv_at(ws, paths, &join(dir, name)) {
                yielding.push(dotenv_layer(ws, id, Write::IfUnset));
            }
        }
        if dotenv_at(ws, paths, &join(dir, ".env.test")).is_none() {
            dev_loader.get_or_insert("Nx loads .env.local and .env into every task".into());
        }
    }
    if pkg.has_dep("@strapi/strapi") {
        if let Some(id) = dev_env {
            yielding.push(dotenv_layer(ws, id, Write::IfUnset));
        }
        dev_loader.get_or_insert("Strapi loads .env at startup".into());
    }
    if let Some(v) = super::orm::prisma_loads_dotenv(|p| paths.get(p).is_some(), pkg) {
        if let Some(id) = dev_env {
            yielding.push(dotenv_layer(ws, id, Write::IfUnset));
        }
        dev_loader.get_or_insert(v);
    }
    let script_files: Vec<String> = entry.env_files.iter().map(|f| join(dir, &f.path)).collect();
    let mut layers = always;
    layers.push(ws.caller_layer());
    layers.extend(yielding);
    let script_layers: Vec<usize> = layers
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.file == Some(pkg.file)
                || l.file
                    .is_some_and(|f| script_files.contains(&ws.file(f).path))
        })
        .map(|(i, _)| i)
        .collect();
    let dev_dotenv = dev_loader
        .as_ref()
        .map(|_| dev_dotenv.unwrap_or_else(|| join(dir, ".env")));
    let dev_loader = dev_loader.map(|why| {
        let at = layers
            .iter()
            .position(|l| l.file.is_some_and(|f| Some(f) == dev_env))
            .unwrap_or(layers.len());
        (why, at)
    });
    let app_loads_dotenv = APP_DOTENV_LOADERS
        .iter()
        .find(|d| pkg.has_dep(d))
        .map(|d| d.to_string());
    TestRun {
        name: format!("{script_label} ({})", ws.file(pkg.file).path),
        family: crate::model::RunnerFamily::Node,
        framework: crate::model::RunFramework::NodeScript,
        runner: entry.runner.describe().to_string(),
        entry: entry.script_span,
        dir: dir.to_string(),
        layers,
        effective: Vec::new(),
        env: None,
        facts: RunFacts::Node(NodeRun {
            package: pkg.file,
            script_span: entry.script_span,
            runner_leaves_node_env: matches!(
                entry.runner,
                RunnerKind::Mocha | RunnerKind::Tape | RunnerKind::NodeTest
            ),
            runner_span: entry.runner_span,
            script_layers,
            missing,
            dev_loader,
            dev_dotenv,
            unread_setup,
            isolated,
            app_loads_dotenv,
            shell_resets: Vec::new(),
        }),
    }
}

/// A runner config whose setup list names the `dotenv/config` module.
fn names_dotenv_config(v: &Value) -> bool {
    let lists = [
        v.get("setupFiles"),
        v.get("setupFilesAfterEnv"),
        v.get("test").and_then(|t| t.get("setupFiles")),
    ];
    lists.into_iter().flatten().any(|l| match l {
        Value::List(items) => items
            .iter()
            .any(|i| matches!(i.as_str(), Some("dotenv/config" | "dotenv-flow/config"))),
        _ => false,
    })
}

/// A setup file that stops the run when dotenv reports an error (a missing
/// file): `if (result.error) throw …`, `… process.exit(1)`.
fn checks_dotenv_error(text: &str) -> bool {
    text.contains(".error") && (text.contains("throw") || text.contains("process.exit"))
}

/// The runner config file of a package for a runner, parsed or not.
fn runner_config_file(paths: &Paths, pkg: &Package, runner: RunnerKind) -> Option<FileId> {
    let prefixes: &[&str] = match runner {
        RunnerKind::Jest => &["jest.config."],
        // Vitest reads `vite.config.*` when there is no `vitest.config.*`
        // (vitest.dev/config: "vitest will read your root vite.config.ts")
        RunnerKind::Vitest => &["vitest.config.", "vite.config."],
        _ => return None,
    };
    prefixes.iter().find_map(|prefix| {
        ["js", "ts", "mjs", "cjs", "mts", "cts"]
            .iter()
            .find_map(|ext| paths.get(&join(&pkg.dir, &format!("{prefix}{ext}"))))
    })
}

/// The runner config of a package for a runner: `jest.config.*`,
/// `vitest.config.*` beside its `package.json`, parsed.
fn runner_config(
    paths: &Paths,
    parsed: &HashMap<FileId, Module>,
    pkg: &Package,
    runner: RunnerKind,
) -> Option<(FileId, Value)> {
    let i = runner_config_file(paths, pkg, runner)?;
    let m = parsed.get(&i)?;
    if m.has_error {
        return None;
    }
    Some((i, m.exports.clone()?))
}
