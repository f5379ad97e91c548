//! PHPUnit test runs of PHP applications: the chain of layers each run's
//! environment is built from, as PHPUnit, Laravel, Lumen and Symfony build it.
//!
//! Highest precedence first:
//! 1. `<server>`: always written into `$_SERVER`, which every loader reads first;
//! 2. `<env force="true">`: `putenv` whatever is set;
//! 3. the caller's environment (a shell export, Docker `ENV`, a CI job's `env:`);
//! 4. `<env>`: `putenv` only `if getenv($name) === false` (PhpHandler.php);
//! 5. the framework's dotenv files, none of which overwrites what is set:
//!    - Laravel: `.env.{APP_ENV}` when it exists, else `.env` (one file);
//!    - Lumen: `.env` only (LoadEnvironmentVariables has no environment switch);
//!    - Symfony: `.env.{env}.local` > `.env.{env}` > `.env.local` (not in
//!      `test`) > `.env` (or `.env.dist`), `${VAR}` resolved against what is
//!      loaded; the env is `APP_ENV`, else `test` for a bundle's kernel, else
//!      `.env`'s, else `dev`;
//!    - Laravel Dusk: the browser's server reads `.env`, replaced by
//!      `.env.dusk.{env}` or `.env.dusk` while the tests run (DuskCommand.php);
//!    - CodeIgniter 4: `.env` (its test bootstrap's DotEnv);
//! 6. Symfony's doctrine configuration: a literal test `url:` is the database,
//!    whatever the variables say; CodeIgniter 4's `tests` group in
//!    `app/Config/Database.php`, below every variable.
//!
//! A PHPUnit config that boots no application (no Laravel, Lumen or Symfony
//! above it) gets only its own `<env>`/`<server>`: it is not an app test run.

use crate::model::run::{Layer, LayerKind, MissingEnvFile, RunFacts, RunFramework, TestRun, Write};
use crate::model::{EnvSource, Project, Runner, Setting, TestEnv, Via, Workspace, ancestors};
use crate::source::{FileId, SourceKind};

use super::doctrine::DoctrineTest;
use crate::paths::join;
use crate::stacks::dotenv_file_in;

/// Builds the runs of every PHPUnit config of an application, adds a
/// [`TestEnv`] per run holding the values its dotenv and framework layers
/// decide, and removes the standalone dotenv environments those runs read
/// (they are judged through the runs, or not at all when no run loads them).
pub fn build(ws: &mut Workspace, doctrine: &[DoctrineTest]) {
    let phpunit: Vec<usize> = (0..ws.envs.len())
        .filter(|&i| ws.envs[i].source == EnvSource::Phpunit)
        .collect();
    let mut consumed: Vec<FileId> = Vec::new();
    let mut new_envs = Vec::new();
    for i in phpunit {
        let runner_env = &ws.envs[i];
        // `testguard run`: only the configuration PHPUnit reads for this command
        if let Some(inv) = ws
            .invocation
            .as_ref()
            .filter(|inv| inv.family == crate::model::RunnerFamily::Php)
            && inv.config.as_deref() != Some(ws.file(runner_env.file).path.as_str())
        {
            continue;
        }
        let Some((app_dir, ctx)) = app_root(ws, &runner_env.dir) else {
            continue;
        };
        let framework = framework_of(ctx, ws.file(runner_env.file).file_name());
        let ctx_keys = ctx.php.laravel_database_keys.clone();
        if framework == RunFramework::PlainPhpunit {
            continue;
        }
        let config_name = ws.file(runner_env.file).path.clone();
        let mut layers = runner_layers(runner_env, &config_name, ws.caller_layer());
        if let Some(boot) = bootstrap_layer(ws, runner_env, &app_dir) {
            layers.insert(0, boot);
        }
        let (kernel_env, dotenv) = if symfony_bootstrap_skips_dotenv(ws, runner_env, &app_dir) {
            (None, Vec::new())
        } else {
            dotenv_chain(ws, &layers, framework, &app_dir)
        };
        for (fid, _) in &dotenv {
            consumed.push(*fid);
        }
        // every test dotenv file of the app is the run's business: the ones
        // its loader does not read take no effect (Lumen's `.env.testing`)
        for (dir, fid) in &ws.test_dotenv_dirs {
            if *dir == app_dir && !is_dusk_file(ws.file(*fid).file_name()) {
                consumed.push(*fid);
            }
        }
        layers.extend(dotenv.into_iter().map(|(_, layer)| layer));
        // lowest: the `tests` group's own values, which any `database.tests.*`
        // variable above replaces
        if framework == RunFramework::CodeIgniter4
            && let Some(group) = super::codeigniter::tests_group(ws, &app_dir)
        {
            layers.push(group);
        }
        if framework == RunFramework::CodeIgniter3
            && let Some(group) = super::codeigniter::active_group_ci3(ws, &app_dir)
        {
            layers.insert(0, group);
        }
        // lowest: CakePHP's `test` datasource, beneath the variable its
        // `url` reads
        let mut decided_in_code = None;
        if framework == RunFramework::CakePhp {
            match super::cakephp::test_datasource(ws, &app_dir) {
                Ok(test) => layers.push(test),
                Err(Some(at)) => {
                    decided_in_code = Some((
                        format!(
                            "the `test` datasource of {} computes its database in code",
                            ws.file(at.file).path
                        ),
                        at,
                    ));
                }
                Err(None) => {}
            }
        }
        let symfony = matches!(
            framework,
            RunFramework::Symfony | RunFramework::SymfonyBundle
        );
        let doctrine = doctrine.iter().find(|d| symfony && d.project == app_dir);
        if let Some(mut url) = doctrine
            .and_then(|d| d.url.clone())
            .filter(|u| !u.value.contains("%env("))
        {
            // `%kernel.environment%` is the environment the kernel boots in
            // (`…/data_%kernel.environment%.db` is `data_test.db` in tests)
            if let Some(env) = kernel_env.as_deref()
                && url.value.contains("%kernel.environment%")
            {
                url.value = url.value.replace("%kernel.environment%", env);
                url.verbatim = false;
            }
            let name = format!("doctrine `url:` ({})", ws.file(url.value_span.file).path);
            layers.insert(
                0,
                Layer::new(
                    name,
                    LayerKind::FrameworkConfig,
                    Write::Always,
                    Some(url.value_span.file),
                )
                .with(vec![url]),
            );
        }
        // Symfony 2/3: the kernel's `app/config/config_test.yml` chain
        if symfony
            && doctrine.is_none_or(|d| d.url.is_none())
            && let Some(kernel) =
                super::symfony_kernel::test_layer(ws, &app_dir, &legacy_env(&layers))
        {
            layers.insert(0, kernel);
        }
        let runner_file = ws.envs[i].file;
        let mut effective = crate::resolve::effective(&layers);
        crate::resolve::interpolate(&mut effective);
        let keep = |s: &Setting| {
            let Some(p) = &s.provenance else { return false };
            let layer = layers.iter().find(|l| l.name == p.layer);
            match layer.map(|l| &l.kind) {
                // the runner's own values are judged by its own environment;
                // its bootstrap file's writes only here
                Some(LayerKind::Runner) => {
                    layer.and_then(|l| l.file).is_some_and(|f| f != runner_file)
                }
                // an unknown caller decides nothing; a known one (`testguard
                // run`) decides what it holds, judged where it matters here:
                // a database, the environment, or a key the run's files set
                Some(LayerKind::Caller) => {
                    layer.is_some_and(|l| l.known)
                        && (s.key.value == "APP_ENV"
                            || crate::database::db_key_kind(&s.key.value, &[]).is_some()
                            || !p.overrode.is_empty())
                }
                None => false,
                Some(LayerKind::FrameworkConfig) => true,
                Some(LayerKind::Dotenv) => {
                    let name = layer.and_then(|l| l.file).map(|f| ws.file(f).file_name());
                    match framework {
                        // Laravel's and Lumen's fall-back to `.env` is TG206's
                        // finding; its database is still the run's (marked below)
                        RunFramework::Laravel | RunFramework::Lumen => {
                            name != Some(".env")
                                || crate::database::db_key_kind(&s.key.value, &[]).is_some()
                        }
                        _ => true,
                    }
                }
            }
        };
        let mut settings: Vec<Setting> = effective.into_iter().filter(keep).collect();
        // a database variable the app's configuration never reads decides
        // nothing (Laravel 11+ reads `DB_URL`, not `DATABASE_URL`)
        if matches!(framework, RunFramework::Laravel)
            && let Some(read) = &ctx_keys
        {
            settings.retain(|s| {
                crate::database::db_key_kind(&s.key.value, &[]).is_none()
                    || read.iter().any(|k| k == &s.key.value)
            });
        }
        if matches!(framework, RunFramework::Laravel | RunFramework::Lumen) {
            for s in &mut settings {
                if ws.file(s.value_span.file).file_name() == ".env"
                    && s.provenance.as_ref().is_some_and(|p| {
                        layers
                            .iter()
                            .any(|l| l.name == p.layer && l.kind == LayerKind::Dotenv)
                    })
                {
                    s.via = Via::DevDotenvLoaded;
                }
            }
        }
        if symfony {
            // only what doctrine reads is the database; `DATABASE_NAME=app`
            // beside `DATABASE_URL=…/${DATABASE_NAME}_test` is a helper
            let vars: Vec<String> = match doctrine {
                Some(d) if d.url.is_some() => d.url_vars.clone(),
                _ => vec!["DATABASE_URL".into()],
            };
            settings.retain(|s| {
                s.key.value == super::doctrine::DOCTRINE_URL_KEY
                    || s.key.value.starts_with("doctrine.dbal.")
                    || crate::database::db_key_kind(&s.key.value, &[]).is_none()
                    || vars.contains(&s.key.value)
            });
            // `%kernel.environment%` inside the variable's value (Sylius:
            // `DATABASE_URL=…/sylius_%kernel.environment%`) is the kernel's
            // environment when doctrine reads it through `%env(resolve:…)%`;
            // where doctrine's configuration was not read, it is unknown
            let resolves = doctrine
                .and_then(|d| d.url.as_ref())
                .map(|u| u.value.contains("%env(resolve:"));
            settings.retain_mut(|s| {
                if !vars.contains(&s.key.value) || !s.value.contains("%kernel.environment%") {
                    return true;
                }
                match (resolves, kernel_env.as_deref()) {
                    (Some(true), Some(env)) => {
                        s.value = s.value.replace("%kernel.environment%", env);
                        s.verbatim = false;
                        true
                    }
                    (Some(false), _) => true,
                    _ => false,
                }
            });
            for s in &mut settings {
                let from_dev = s.provenance.as_ref().is_some_and(|p| {
                    layers.iter().any(|l| {
                        l.name == p.layer
                            && l.file.is_some_and(|f| {
                                matches!(ws.file(f).file_name(), ".env" | ".env.dist")
                            })
                    })
                });
                if from_dev {
                    s.via = Via::DotenvLayered;
                }
            }
        }
        let env = TestEnv {
            name: format!("{} test run ({config_name})", framework.describe()),
            source: EnvSource::TestRun,
            runner: Runner::Local,
            file: runner_env.file,
            dir: runner_env.dir.clone(),
            frameworks: runner_env.frameworks,
            anchor: runner_env.anchor,
            settings,
            commented_out: Vec::new(),
        };
        let missing_env_file = match framework {
            RunFramework::Laravel => missing_specific_env_file(ws, &layers, &app_dir),
            _ => None,
        };
        let run = TestRun {
            name: env.name.clone(),
            family: crate::model::RunnerFamily::Php,
            framework,
            runner: "PHPUnit".into(),
            entry: runner_env.anchor,
            dir: runner_env.dir.clone(),
            layers,
            effective: Vec::new(),
            env: None,
            facts: RunFacts::Php {
                missing_env_file,
                decided_in_code,
                table_prefix: None,
            },
        };
        new_envs.push((env, run));
    }
    consumed.sort();
    consumed.dedup();
    ws.envs
        .retain(|e| !(e.source == EnvSource::Dotenv && consumed.contains(&e.file)));
    for (env, mut run) in new_envs {
        run.env = Some(ws.envs.len());
        ws.envs.push(env);
        ws.runs.push(run);
    }
}

/// The environment a Symfony 2/3 test kernel boots in: `APP_ENV` from
/// PHPUnit's configuration or the caller (read by 3.4's `KernelTestCase`),
/// else `test`; the dotenv files of Flex are not this layout's.
fn legacy_env(layers: &[Layer]) -> String {
    crate::resolve::decide(layers, "APP_ENV")
        .map(|s| s.value.trim().to_string())
        .filter(|e| !e.is_empty() && !crate::database::contains_reference(e))
        .unwrap_or_else(|| "test".into())
}

/// The nearest PHP project above `dir` (its folder and context).
fn app_root<'w>(ws: &'w Workspace, dir: &str) -> Option<(String, &'w Project)> {
    ancestors(dir).find_map(|d| {
        ws.projects
            .get(d)
            .filter(|c| c.php_root)
            .map(|c| (d.to_string(), c))
    })
}

fn framework_of(ctx: &Project, config_name: &str) -> RunFramework {
    if ctx.php.lumen {
        RunFramework::Lumen
    } else if ctx.frameworks.laravel && config_name.starts_with("phpunit.dusk.") {
        RunFramework::LaravelDusk
    } else if ctx.frameworks.laravel {
        RunFramework::Laravel
    } else if ctx.php.symfony_bundle {
        RunFramework::SymfonyBundle
    } else if ctx.frameworks.symfony {
        RunFramework::Symfony
    } else if ctx.php.codeigniter4 {
        RunFramework::CodeIgniter4
    } else if ctx.php.codeigniter3 {
        RunFramework::CodeIgniter3
    } else if ctx.php.cakephp {
        RunFramework::CakePhp
    } else {
        RunFramework::PlainPhpunit
    }
}

pub fn is_dusk_file(name: &str) -> bool {
    name == ".env.dusk" || name.starts_with(".env.dusk.")
}

/// Layers 1–4: what PHPUnit itself writes, around the caller.
fn runner_layers(env: &TestEnv, config: &str, caller: Layer) -> Vec<Layer> {
    let pick = |f: &dyn Fn(Via) -> bool| -> Vec<Setting> {
        env.settings.iter().filter(|s| f(s.via)).cloned().collect()
    };
    vec![
        Layer::new(
            format!("PHPUnit <server> ({config})"),
            LayerKind::Runner,
            Write::Always,
            Some(env.file),
        )
        .with(pick(&|v| v == Via::PhpunitServer)),
        Layer::new(
            format!("PHPUnit <env force=\"true\"> ({config})"),
            LayerKind::Runner,
            Write::Always,
            Some(env.file),
        )
        .with(pick(&|v| v == Via::PhpunitEnv { force: true })),
        caller,
        Layer::new(
            format!("PHPUnit <env> ({config})"),
            LayerKind::Runner,
            Write::IfUnset,
            Some(env.file),
        )
        .with(pick(&|v| v == Via::PhpunitEnv { force: false })),
    ]
}

/// A Symfony test run loads its dotenv files through PHPUnit's bootstrap file
/// (`(new Dotenv())->bootEnv(dirname(__DIR__).'/.env')` in the recipe's
/// `tests/bootstrap.php`): a bootstrap file that was read and never calls
/// `Dotenv` loads none, nor does Composer's `vendor/autoload.php` (the
/// Symfony 4.0 recipe, and libraries), and what the tests get is the process
/// environment.
fn symfony_bootstrap_skips_dotenv(ws: &Workspace, env: &TestEnv, app_dir: &str) -> bool {
    if !env.frameworks.symfony {
        return false;
    }
    let config = ws.file(env.file);
    let Some(attr) = config
        .text
        .split("bootstrap=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
    else {
        return false;
    };
    let attr = attr.trim_start_matches("./");
    // Composer's autoloader loads no dotenv file
    if attr == "vendor/autoload.php" {
        return true;
    }
    let path = join(config.dir(), attr);
    if !path.starts_with(&crate::paths::dir_prefix(app_dir)) || !path.contains("tests/") {
        return false;
    }
    ws.files
        .iter()
        .find(|f| f.path == path && f.kind == SourceKind::TestCode)
        .is_some_and(|f| {
            let code = crate::syntax::comments::blank(&f.text, crate::syntax::comments::Style::Php);
            !code.contains("Dotenv") && !code.contains("bootEnv") && !code.contains("loadEnv")
        })
}

/// Layer 0: PHPUnit's bootstrap file runs after `<php>` is applied and
/// before the application boots; what it writes into the environment wins
/// over everything below (the config must name it in `bootstrap=`).
fn bootstrap_layer(ws: &Workspace, env: &TestEnv, app_dir: &str) -> Option<Layer> {
    let config = ws.file(env.file);
    let setup = ws.php_test_setup().find(|t| {
        t.bootstrap && t.project == app_dir && !t.env_writes.is_empty() && {
            let path = &ws.file(t.file).path;
            let rel = path
                .strip_prefix(&crate::paths::dir_prefix(config.dir()))
                .unwrap_or(path);
            config.text.contains(&format!("bootstrap=\"{rel}\""))
                || config.text.contains(&format!("bootstrap=\"./{rel}\""))
        }
    })?;
    Some(
        Layer::new(
            format!("PHPUnit bootstrap ({})", ws.file(setup.file).path),
            LayerKind::Runner,
            Write::Always,
            Some(setup.file),
        )
        .with(setup.env_writes.clone()),
    )
}

/// Layer 5: the dotenv files the framework's loader reads, highest first,
/// and for Symfony the environment the kernel boots in.
fn dotenv_chain(
    ws: &Workspace,
    above: &[Layer],
    framework: RunFramework,
    app_dir: &str,
) -> (Option<String>, Vec<(FileId, Layer)>) {
    let file_in = |name: &str| dotenv_file_in(ws, app_dir, name);
    let value_above = |key: &str| -> Option<String> {
        crate::resolve::decide(above, key).map(|s| s.value.trim().to_string())
    };
    let dev_value = |key: &str| -> Option<String> {
        let id = file_in(".env")?;
        ws.dev_dotenvs
            .iter()
            .find(|d| d.file == id)?
            .settings
            .iter()
            .rev()
            .find(|s| s.key.value == key)
            .map(|s| s.value.trim().to_string())
    };
    let mut kernel_env = None;
    let names: Vec<String> = match framework {
        RunFramework::Lumen => match ws.projects.get(app_dir).map(|c| &c.php.lumen_dotenv) {
            Some(crate::model::LumenDotenv::Named(n)) => vec![n.clone()],
            // decided in code: the run reads no file we can name
            Some(crate::model::LumenDotenv::Code) => Vec::new(),
            _ => vec![".env".into()],
        },
        RunFramework::Laravel => {
            let specific = value_above("APP_ENV")
                .filter(|e| !e.is_empty())
                .map(|e| format!(".env.{e}"))
                .filter(|n| file_in(n).is_some());
            vec![specific.unwrap_or_else(|| ".env".into())]
        }
        RunFramework::LaravelDusk => {
            let env = dev_value("APP_ENV").unwrap_or_else(|| "production".into());
            let dusk = [format!(".env.dusk.{env}"), ".env.dusk".into()]
                .into_iter()
                .find(|n| file_in(n).is_some());
            vec![dusk.unwrap_or_else(|| ".env".into())]
        }
        RunFramework::Symfony | RunFramework::SymfonyBundle => {
            let env = value_above("APP_ENV")
                .filter(|e| !e.is_empty())
                .or_else(|| (framework == RunFramework::SymfonyBundle).then(|| "test".into()))
                .or_else(|| dev_value("APP_ENV"))
                .unwrap_or_else(|| "dev".into());
            let mut v = vec![format!(".env.{env}.local"), format!(".env.{env}")];
            if env != "test" {
                v.push(".env.local".into());
            }
            kernel_env = Some(env);
            v.push(
                if file_in(".env").is_none() && file_in(".env.dist").is_some() {
                    ".env.dist".into()
                } else {
                    ".env".into()
                },
            );
            v
        }
        // CodeIgniter 4's test bootstrap loads `.env` (DotEnv, which
        // overwrites nothing set): system/Test/bootstrap.php
        RunFramework::CodeIgniter4 => vec![".env".into()],
        // CakePHP reads `config/.env` only where its bootstrap turns the
        // skeleton's dotenv block on
        RunFramework::CakePhp if super::cakephp::bootstrap_loads_dotenv(ws, app_dir) => {
            vec!["config/.env".into()]
        }
        _ => Vec::new(),
    };
    let layers = names
        .into_iter()
        .filter_map(|n| {
            let id = file_in(&n)?;
            let settings = ws.dotenv_settings(id);
            Some((
                id,
                Layer::new(
                    ws.file(id).path.clone(),
                    LayerKind::Dotenv,
                    Write::IfUnset,
                    Some(id),
                )
                .with(settings),
            ))
        })
        .collect();
    (kernel_env, layers)
}

/// Laravel looks for `.env.{APP_ENV}` and, when it is not there, reads `.env`
/// (`LoadEnvironmentVariables::checkForSpecificEnvironmentFile`). The file the
/// run's APP_ENV names, when the repository does not hold it, with the
/// `.gitignore` line that keeps it out (the nearest `.gitignore` that has a
/// say decides, as in git).
fn missing_specific_env_file(
    ws: &Workspace,
    layers: &[Layer],
    app_dir: &str,
) -> Option<MissingEnvFile> {
    let app_env = crate::resolve::decide(layers, "APP_ENV")?;
    let value = app_env.value.trim();
    if value.is_empty() || app_env.is_reference() || value.contains('/') {
        return None;
    }
    let path = join(app_dir, &format!(".env.{value}"));
    if ws.files.iter().any(|f| f.path == path) {
        return None;
    }
    let ignored_by = crate::stacks::gitignored_by(ws, app_dir, &path);
    Some(MissingEnvFile {
        path,
        fallback: join(app_dir, ".env"),
        ignored_by,
        chosen_by: Some(app_env.value_span),
    })
}
