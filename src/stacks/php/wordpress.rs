//! WordPress core test suites: PHPUnit runs whose bootstrap loads the core
//! test library (wordpress-develop's `tests/phpunit/includes/bootstrap.php`,
//! from `WP_TESTS_DIR`, `WP_DEVELOP_DIR` or the wp-phpunit package).
//!
//! The library reads `wp-tests-config.php`: the file the constant
//! `WP_TESTS_CONFIG_FILE_PATH` names, else the one in its own folder's
//! parent (`includes/bootstrap.php`). wp-phpunit's copy of that file
//! requires the file the variable `WP_PHPUNIT__TESTS_CONFIG` names and
//! defaults `$table_prefix` to `wptests_`. Before the tests, `install.php`
//! drops every core table named with `$table_prefix` in `DB_NAME` and
//! installs WordPress again: a site that shares the database keeps its
//! tables only under another prefix (wordpress-develop
//! `tests/phpunit/includes/{bootstrap,install}.php`,
//! `wp-tests-config-sample.php`; wp-phpunit `wp-tests-config.php`).
//!
//! Where no repository file is the configuration (the library in
//! `/tmp/wordpress-tests-lib`, written by `bin/install-wp-tests.sh` on
//! each machine), the run is listed, unresolved where the bootstrap names
//! the library.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::run::{
    Layer, LayerKind, RunFacts, RunFramework, SiteDatabase, TablePrefix, TestRun, Write,
};
use crate::model::{ConfigValue, EnvSource, Runner, Setting, TestEnv, Via, Workspace};
use crate::paths::{dir_prefix, join, normalize};
use crate::source::{FileId, SourceFile, SourceKind, Span};
use crate::syntax::code::Value;
use crate::syntax::comments::{Style, blank};
use crate::tree::Tree;

pub const CONFIG_NAME: &str = "wp-tests-config.php";
/// Where a repository keeps the test configuration the library does not
/// find by itself (a bootstrap names it).
const CONFIG_DIRS: &[&str] = &["", "tests/", "tests/phpunit/"];
/// Where a whole-site repository keeps the site's `wp-config.php`, below a
/// PHPUnit configuration's folder or any folder above it.
const SITE_DIRS: &[&str] = &["", "wp/", "web/", "public/", "wordpress/", "htdocs/"];
/// The samples' placeholders: a configuration each machine fills in.
const PLACEHOLDERS: &[&str] = &["youremptytestdbnamehere", "database_name_here"];
/// WordPress's default `$table_prefix` (`wp-config-sample.php`).
const SITE_DEFAULT_PREFIX: &str = "wp_";
/// wp-phpunit's default (its `wp-tests-config.php`).
const WP_PHPUNIT_PREFIX: &str = "wptests_";

/// A path written relative to the file's folder, as the string that ends
/// it: `dirname(__DIR__) . '/wp-tests-config.php'`.
static DIR_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"((?:dirname\s*\(\s*)*__DIR__(?:\s*,\s*\d+)?(?:\s*\))*)\s*\.\s*['"]([^'"]+)['"]"#)
        .expect("literal pattern")
});
/// `dirname(__FILE__)`, which is `__DIR__`.
static FILE_DIR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"dirname\s*\(\s*__FILE__\s*\)").expect("literal pattern"));
static CONFIG_CONSTANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"define\s*\(\s*['"]WP_TESTS_CONFIG_FILE_PATH['"]\s*,\s*([^;]*)\)\s*;"#)
        .expect("literal pattern")
});

/// Reads the bootstraps of PHPUnit configurations, the test configurations
/// they may name, and the sites' `wp-config.php` above them.
pub fn read(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let mut bootstraps = Vec::new();
    for f in files.iter().filter(|f| f.kind == SourceKind::Phpunit) {
        if let Some(p) = bootstrap_attr(&f.text).and_then(|b| normalize(&join(f.dir(), b))) {
            bootstraps.push(p);
        }
    }
    crate::tree::read_named(tree, files, bootstraps, SourceKind::TestCode, |_| {
        crate::tree::MAX_TEST_FILE_SIZE
    });
    let mut wanted = Vec::new();
    for f in files.iter().filter(|f| f.kind == SourceKind::Phpunit) {
        let Some(boot) = bootstrap_attr(&f.text)
            .and_then(|b| normalize(&join(f.dir(), b)))
            .and_then(|p| files.iter().find(|b| b.path == p))
        else {
            continue;
        };
        // blanking comments costs a pass over the file: only for candidates
        if !loads_core_library(&boot.text) {
            continue;
        }
        let code = blank(&boot.text, Style::Php);
        if !loads_core_library(&code) {
            continue;
        }
        let d = dir_prefix(f.dir());
        wanted.extend(CONFIG_DIRS.iter().map(|c| format!("{d}{c}{CONFIG_NAME}")));
        wanted.extend(constant_path(&code, boot.dir()).map(|(p, _)| p));
        wanted.extend(variable_path(&code, boot.dir()).map(|(p, _)| p));
        if let Some(p) = phpunit_env_value(&f.text, "WP_PHPUNIT__TESTS_CONFIG")
            .and_then(|(v, _)| normalize(&join(f.dir(), v.trim_start_matches("./"))))
        {
            wanted.push(p);
        }
        for anc in crate::model::ancestors(f.dir()) {
            let a = dir_prefix(anc);
            wanted.extend(SITE_DIRS.iter().map(|s| format!("{a}{s}wp-config.php")));
        }
    }
    // wp-browser's WPLoader installs into the database beside a site's
    for f in files
        .iter()
        .filter(|f| f.kind == SourceKind::Codeception && f.text.contains("WPLoader"))
    {
        for anc in crate::model::ancestors(f.dir()) {
            let a = dir_prefix(anc);
            wanted.extend(SITE_DIRS.iter().map(|s| format!("{a}{s}wp-config.php")));
        }
    }
    wanted.sort();
    wanted.dedup();
    crate::tree::read_named(tree, files, wanted, SourceKind::AppCode, |_| {
        crate::tree::MAX_TEST_FILE_SIZE
    });
}

/// The `bootstrap="…"` of a PHPUnit configuration.
fn bootstrap_attr(text: &str) -> Option<&str> {
    let v = text.split("bootstrap=\"").nth(1)?.split('"').next()?;
    Some(v.trim_start_matches("./")).filter(|v| v.ends_with(".php"))
}

/// Whether a bootstrap's code (comments blanked) loads the core test
/// library: it requires `…/includes/bootstrap.php` from the folder a
/// variable of the library names.
fn loads_core_library(code: &str) -> bool {
    code.contains("includes/bootstrap.php")
        && [
            "WP_TESTS_DIR",
            "WP_PHPUNIT__DIR",
            "WP_DEVELOP_DIR",
            "wordpress-tests-lib",
        ]
        .iter()
        .any(|w| code.contains(w))
}

/// The value of a PHPUnit `<env name="…" value="…"/>` and its byte range.
fn phpunit_env_value<'t>(text: &'t str, name: &str) -> Option<(&'t str, std::ops::Range<usize>)> {
    let at = text.find(&format!("name=\"{name}\""))?;
    let elem_end = text[at..].find('>')? + at;
    let rel = text[at..elem_end].find("value=\"")? + at + "value=\"".len();
    let end = text[rel..].find('"')? + rel;
    Some((&text[rel..end], rel..end))
}

/// The path the constant `WP_TESTS_CONFIG_FILE_PATH` is defined to in a
/// bootstrap's code (the library reads it first), relative to the scan
/// root, with the byte range of the expression.
fn constant_path(code: &str, dir: &str) -> Option<(String, std::ops::Range<usize>)> {
    let expr = CONFIG_CONSTANT.captures(code)?.get(1)?;
    relative(expr.as_str(), dir).map(|p| (p, expr.range()))
}

/// The path a bootstrap's `putenv('WP_PHPUNIT__TESTS_CONFIG=' . __DIR__ .
/// '/…')` (or its `sprintf` form) gives wp-phpunit, with its byte range.
fn variable_path(code: &str, dir: &str) -> Option<(String, std::ops::Range<usize>)> {
    let at = code.find("WP_PHPUNIT__TESTS_CONFIG=")?;
    let end = code[at..].find(';').map_or(code.len(), |e| e + at);
    let m = DIR_PATH.find(&code[at..end])?;
    relative(m.as_str(), dir).map(|p| (p, at + m.start()..at + m.end()))
}

/// `dirname(__DIR__) . '/wp-tests-config.php'` written in a file of `dir`,
/// as a path relative to the scan root.
fn relative(expr: &str, dir: &str) -> Option<String> {
    let expr = FILE_DIR.replace_all(expr, "__DIR__");
    let c = DIR_PATH.captures(expr.trim())?;
    let up = crate::syntax::php::dir_levels(c.get(1)?.as_str())?;
    let rest = c.get(2)?.as_str().strip_prefix('/')?;
    normalize(&join(dir, &format!("{}{rest}", "../".repeat(up))))
}

/// Where a run's library reads its configuration.
enum Located {
    /// A file of the repository, and how the bootstrap got there.
    File(FileId, String),
    /// The run cannot be decided from the repository: why, and where.
    Unresolved(String, Span),
}

/// Builds a run for every PHPUnit configuration whose bootstrap loads the
/// core test library.
pub fn build(ws: &mut Workspace) {
    let mut out: Vec<(TestEnv, TestRun)> = Vec::new();
    for runner_env in ws.envs.iter().filter(|e| e.source == EnvSource::Phpunit) {
        let config = ws.file(runner_env.file);
        if let Some(inv) = ws
            .invocation
            .as_ref()
            .filter(|inv| inv.family == crate::model::RunnerFamily::Php)
            && inv.config.as_deref() != Some(config.path.as_str())
        {
            continue;
        }
        let Some(boot_id) = bootstrap_attr(&config.text)
            .and_then(|b| normalize(&join(config.dir(), b)))
            .and_then(|p| ws.file_id(&p))
        else {
            continue;
        };
        let boot = ws.file(boot_id);
        if !loads_core_library(&boot.text) {
            continue;
        }
        let code = blank(&boot.text, Style::Php);
        if !loads_core_library(&code) {
            continue;
        }
        let wp_phpunit = code.contains("WP_PHPUNIT__DIR")
            || crate::model::ancestors(config.dir()).any(|d| {
                ws.file_id(&format!("{}composer.json", dir_prefix(d)))
                    .is_some_and(|c| ws.file(c).text.contains("wp-phpunit/wp-phpunit"))
            });
        let located = locate(ws, runner_env, boot_id, &code, wp_phpunit);
        let (settings, decided_in_code, table_prefix, name_of_config, located_path) = match located
        {
            Located::Unresolved(why, at) => (Vec::new(), Some((why, at)), None, None, None),
            Located::File(file, how) => {
                let read = read_config(ws, file, runner_env);
                let prefix = read
                    .prefix
                    .or_else(|| wp_phpunit.then(|| (WP_PHPUNIT_PREFIX.to_string(), None)));
                let table_prefix = prefix.map(|(p, at)| table_prefix(ws, config.dir(), p, at));
                (
                    read.settings,
                    read.undecided,
                    table_prefix,
                    Some(format!("{}, {how}", ws.file(file).path)),
                    Some(ws.file(file).path.clone()),
                )
            }
        };
        let name = format!(
            "{} run ({}{})",
            RunFramework::WordPressCore.describe(),
            config.path,
            match &located_path {
                Some(p) => format!(" → {p}"),
                None => String::new(),
            }
        );
        out.push(wordpress_run(
            name,
            runner_env,
            "PHPUnit",
            name_of_config.unwrap_or_else(|| CONFIG_NAME.into()),
            settings,
            decided_in_code,
            table_prefix,
        ));
    }
    build_wploader(ws, &mut out);
    for (env, mut run) in out {
        run.env = Some(ws.envs.len());
        ws.envs.push(env);
        ws.runs.push(run);
    }
}

/// A run of the core test library: its one layer, the configuration, and
/// the test environment the rules judge.
fn wordpress_run(
    name: String,
    anchor_env: &TestEnv,
    runner: &str,
    layer: String,
    settings: Vec<Setting>,
    decided_in_code: Option<(String, Span)>,
    table_prefix: Option<TablePrefix>,
) -> (TestEnv, TestRun) {
    let layers = vec![
        Layer::new(
            layer,
            LayerKind::FrameworkConfig,
            Write::Always,
            settings.first().map(|s| s.value_span.file),
        )
        .with(settings),
    ];
    let mut effective = crate::resolve::effective(&layers);
    crate::resolve::interpolate(&mut effective);
    let env = TestEnv {
        name: name.clone(),
        source: EnvSource::TestRun,
        runner: Runner::Local,
        file: anchor_env.file,
        dir: anchor_env.dir.clone(),
        frameworks: anchor_env.frameworks,
        anchor: anchor_env.anchor,
        settings: effective,
        commented_out: Vec::new(),
    };
    let run = TestRun {
        name,
        family: crate::model::RunnerFamily::Php,
        framework: RunFramework::WordPressCore,
        runner: runner.into(),
        entry: anchor_env.anchor,
        dir: anchor_env.dir.clone(),
        layers,
        effective: Vec::new(),
        env: None,
        facts: RunFacts::Php {
            missing_env_file: None,
            decided_in_code,
            table_prefix,
        },
    };
    (env, run)
}

/// The run's table prefix, beside the site's.
fn table_prefix(ws: &Workspace, dir: &str, prefix: String, at: Option<Span>) -> TablePrefix {
    let site = site_config(ws, dir);
    TablePrefix {
        prefix,
        at,
        site_prefix: site
            .prefix
            .as_ref()
            .map_or_else(|| SITE_DEFAULT_PREFIX.to_string(), |(p, _)| p.clone()),
        site_prefix_at: site.prefix.and_then(|(_, at)| at),
        site_database: site.database,
    }
}

/// wp-browser's `WPLoader` module: unless `loadOnly: true`, it installs
/// WordPress with the core test library into `dbName` on `dbHost` (`dbUrl`
/// in wp-browser 4) under `tablePrefix` (default `wp_`) before the suite,
/// emptying the tables named with it (wp-browser docs, "WPLoader").
fn build_wploader(ws: &Workspace, out: &mut Vec<(TestEnv, TestRun)>) {
    use crate::syntax::yaml;
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::Codeception || !f.text.contains("WPLoader") {
            continue;
        }
        let id = FileId(i);
        let Ok(docs) = yaml::parse(id, &f.text) else {
            continue;
        };
        let Some(modules) = docs.first().and_then(|d| d.get("modules")) else {
            continue;
        };
        for m in super::codeception::db_modules(modules, "WPLoader") {
            let get = |k: &str| m.get(k).and_then(yaml::Node::as_scalar);
            if get("loadOnly").is_some_and(|s| s.value.eq_ignore_ascii_case("true")) {
                continue;
            }
            let mut settings = Vec::new();
            let mut decided_in_code = None;
            for (field, key) in [
                ("dbName", "DB_NAME"),
                ("dbHost", "DB_HOST"),
                ("dbUrl", "DATABASE_URL"),
            ] {
                let Some(v) = get(field) else { continue };
                if v.value.contains('%') {
                    if field != "dbHost" {
                        decided_in_code = Some((
                            format!(
                                "`{field}` of the WPLoader module in {} is a Codeception parameter, filled from `params:` when the suite runs",
                                f.path
                            ),
                            v.span,
                        ));
                    }
                    continue;
                }
                if v.value.is_empty() {
                    continue;
                }
                let mut s = super::framework_setting(key, v.span, v.value.clone(), v.span, false);
                s.verbatim = v.verbatim;
                settings.push(s);
            }
            let prefix = match get("tablePrefix") {
                Some(p) if !p.value.contains('%') => Some((p.value.clone(), Some(p.span))),
                Some(_) => None,
                None => Some((SITE_DEFAULT_PREFIX.to_string(), None)),
            };
            let anchor = TestEnv::local(
                String::new(),
                EnvSource::FrameworkConfig,
                f,
                id,
                get("dbName")
                    .or_else(|| get("dbUrl"))
                    .map_or(Span::new(id, 0, 0), |s| s.span),
                Vec::new(),
            );
            let name = format!("wp-browser's WPLoader module ({})", f.path);
            out.push(wordpress_run(
                name,
                &anchor,
                "Codeception (wp-browser WPLoader)",
                format!("the WPLoader module of {}", f.path),
                settings,
                decided_in_code,
                prefix.map(|(p, at)| table_prefix(ws, f.dir(), p, at)),
            ));
        }
    }
}

/// The configuration the run's library reads, as the library looks for it.
fn locate(
    ws: &Workspace,
    runner_env: &TestEnv,
    boot: FileId,
    code: &str,
    wp_phpunit: bool,
) -> Located {
    let boot_file = ws.file(boot);
    let config = ws.file(runner_env.file);
    let found = |path: &str, how: String, at: Span| match ws.file_id(path) {
        Some(id) => Located::File(id, how),
        None => Located::Unresolved(
            format!("the core test library reads `{path}`, which is not in the repository"),
            at,
        ),
    };
    // the constant wins over every other way (`includes/bootstrap.php`)
    if let Some((path, range)) = constant_path(code, boot_file.dir()) {
        return found(
            &path,
            format!("named by `WP_TESTS_CONFIG_FILE_PATH` in {}", boot_file.path),
            Span::new(boot, range.start, range.end),
        );
    }
    if wp_phpunit {
        // the bootstrap's `putenv` runs after PHPUnit's `<env>`
        if let Some((path, range)) = variable_path(code, boot_file.dir()) {
            return found(
                &path,
                format!("named by `WP_PHPUNIT__TESTS_CONFIG` in {}", boot_file.path),
                Span::new(boot, range.start, range.end),
            );
        }
        if let Some((value, range)) = phpunit_env_value(&config.text, "WP_PHPUNIT__TESTS_CONFIG")
            && let Some(path) = normalize(&join(config.dir(), value.trim_start_matches("./")))
        {
            return found(
                &path,
                format!("named by `WP_PHPUNIT__TESTS_CONFIG` in {}", config.path),
                Span::new(runner_env.file, range.start, range.end),
            );
        }
        let at = code
            .find("WP_PHPUNIT__DIR")
            .map_or(0..0, |a| a..a + "WP_PHPUNIT__DIR".len());
        return Located::Unresolved(
            format!(
                "wp-phpunit's configuration requires the file `WP_PHPUNIT__TESTS_CONFIG` names, and nothing in {} or {} sets it",
                config.path, boot_file.path
            ),
            Span::new(boot, at.start, at.end),
        );
    }
    let word = ["WP_TESTS_DIR", "WP_DEVELOP_DIR", "wordpress-tests-lib"]
        .into_iter()
        .find(|w| code.contains(w))
        .unwrap_or("includes/bootstrap.php");
    let at = code.find(word).map_or(0..0, |a| a..a + word.len());
    Located::Unresolved(
        "the core test library reads the wp-tests-config.php of the folder `WP_TESTS_DIR` names (`/tmp/wordpress-tests-lib` when unset), which `bin/install-wp-tests.sh` writes on each machine, outside the repository".into(),
        Span::new(boot, at.start, at.end),
    )
}

/// What a `wp-tests-config.php` decides.
struct ConfigRead {
    settings: Vec<Setting>,
    /// The database is decided where the repository cannot say: why, where.
    undecided: Option<(String, Span)>,
    prefix: Option<(String, Option<Span>)>,
}

fn read_config(ws: &Workspace, file: FileId, runner_env: &TestEnv) -> ConfigRead {
    let f = ws.file(file);
    let script = crate::syntax::php::parse(&f.text);
    let mut out = ConfigRead {
        settings: Vec::new(),
        undecided: None,
        prefix: None,
    };
    for key in ["DB_NAME", "DB_HOST"] {
        let Some((i, value)) = constant(&script, key) else {
            continue;
        };
        let value_range = value.written_range();
        let code_at = Span::new(file, value_range.start, value_range.end);
        // `if (getenv('CI')) { define(…) } else { define(…) }`
        if script.guards.get(i).is_some_and(Option::is_some) {
            if key == "DB_NAME" {
                out.undecided = Some((
                    format!(
                        "`DB_NAME` in {} is defined under a condition its code decides",
                        f.path
                    ),
                    code_at,
                ));
            }
            continue;
        }
        let key_span = match &script.calls[i] {
            Value::Call { args, .. } => match args.first() {
                Some(Value::Str { range, .. }) => Span::new(file, range.start, range.end),
                _ => code_at,
            },
            _ => code_at,
        };
        match crate::stacks::config_value(file, Some(value)) {
            ConfigValue::Literal { text, span } => {
                if key == "DB_NAME" && PLACEHOLDERS.contains(&text.as_str()) {
                    out.undecided = Some(placeholder(&f.path, span));
                    continue;
                }
                if !text.is_empty() {
                    out.settings
                        .push(super::framework_setting(key, key_span, text, span, false));
                }
            }
            ConfigValue::Env {
                key: var,
                span,
                default,
            } => {
                // PHPUnit's `<env>` sets the variable before the bootstrap runs
                if let Some(s) = runner_env.settings.iter().find(|s| {
                    s.key.value == var
                        && matches!(s.via, Via::PhpunitEnv { .. } | Via::PhpunitServer)
                }) {
                    let mut s = s.clone();
                    s.key.value = key.to_string();
                    out.settings.push(s);
                } else if let Some((text, at)) = default.filter(|(t, _)| !t.is_empty()) {
                    if key == "DB_NAME" && PLACEHOLDERS.contains(&text.as_str()) {
                        out.undecided = Some(placeholder(&f.path, at));
                        continue;
                    }
                    out.settings
                        .push(super::framework_setting(key, key_span, text, at, true));
                } else if key == "DB_NAME" {
                    out.undecided = Some((
                        format!(
                            "`DB_NAME` in {} is the variable `{var}`: the value comes from the environment the run starts in",
                            f.path
                        ),
                        span,
                    ));
                }
            }
            ConfigValue::Absent => {}
            ConfigValue::Unknown => {
                if key == "DB_NAME" {
                    out.undecided = Some((
                        format!("`DB_NAME` in {} is computed in code", f.path),
                        code_at,
                    ));
                }
            }
        }
    }
    out.prefix = prefix(&script, file);
    out
}

fn placeholder(path: &str, at: Span) -> (String, Span) {
    (
        format!(
            "`DB_NAME` in {path} is still the sample's placeholder: each machine writes its own"
        ),
        at,
    )
}

/// The value of the first unconditional `define('KEY', …)` (PHP keeps the
/// first definition of a constant), else the first conditional one: the
/// index of its call and the value.
fn constant<'s>(script: &'s crate::syntax::php::Script, key: &str) -> Option<(usize, &'s Value)> {
    let defines = script
        .calls
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Value::Call { args, .. } if c.callee_name() == Some("define") => {
                match args.as_slice() {
                    [Value::Str { text, .. }, v, ..] if text == key => Some((i, v)),
                    _ => None,
                }
            }
            _ => None,
        });
    let all: Vec<(usize, &Value)> = defines.collect();
    all.iter()
        .find(|(i, _)| script.guards.get(*i).is_some_and(Option::is_none))
        .or_else(|| all.first())
        .copied()
}

/// `$table_prefix = 'x';` at the top of the file (the last one written).
fn prefix(script: &crate::syntax::php::Script, file: FileId) -> Option<(String, Option<Span>)> {
    let a = script
        .assigns
        .iter()
        .rev()
        .find(|a| a.variable == "table_prefix" && a.key.is_none())?;
    match crate::stacks::config_value(file, Some(&a.value)) {
        ConfigValue::Literal { text, span } => Some((text, Some(span))),
        ConfigValue::Env {
            default: Some((text, span)),
            ..
        } => Some((text, Some(span))),
        _ => None,
    }
}

/// The site's `wp-config.php` nearest above a PHPUnit configuration.
#[derive(Default)]
struct Site {
    prefix: Option<(String, Option<Span>)>,
    database: Option<SiteDatabase>,
}

fn site_config(ws: &Workspace, dir: &str) -> Site {
    let Some(file) = crate::model::ancestors(dir).find_map(|anc| {
        let a = dir_prefix(anc);
        SITE_DIRS
            .iter()
            .find_map(|s| ws.file_id(&format!("{a}{s}wp-config.php")))
    }) else {
        return Site::default();
    };
    let script = crate::syntax::php::parse(&ws.file(file).text);
    let literal = |key: &str| {
        constant(&script, key)
            .filter(|(i, _)| script.guards.get(*i).is_some_and(Option::is_none))
            .and_then(|(_, v)| match crate::stacks::config_value(file, Some(v)) {
                ConfigValue::Literal { text, span } if !PLACEHOLDERS.contains(&text.as_str()) => {
                    Some((text, span))
                }
                _ => None,
            })
    };
    let database = literal("DB_NAME").map(|(name, at)| SiteDatabase {
        name,
        at,
        host: literal("DB_HOST").map(|(h, _)| h),
    });
    Site {
        prefix: prefix(&script, file),
        database,
    }
}

#[cfg(test)]
mod tests {
    use super::{constant_path, phpunit_env_value, relative, variable_path};

    #[test]
    fn paths_relative_to_the_bootstrap() {
        assert_eq!(
            relative("dirname(__DIR__) . '/wp-tests-config.php'", "plugin/tests").as_deref(),
            Some("plugin/wp-tests-config.php")
        );
        assert_eq!(
            relative("__DIR__ . '/wp-tests-config.php'", "tests").as_deref(),
            Some("tests/wp-tests-config.php")
        );
        assert_eq!(
            relative("dirname( dirname( __FILE__ ) ) . '/x.php'", "a/tests").as_deref(),
            Some("a/x.php")
        );
        assert_eq!(relative("ABSPATH . 'x.php'", "tests"), None);
    }

    #[test]
    fn names_in_a_bootstrap() {
        let code = "<?php\nputenv( sprintf( 'WP_PHPUNIT__TESTS_CONFIG=%s', __DIR__ . '/wp-tests-config.php' ) );\n";
        assert_eq!(
            variable_path(code, "tests").map(|(p, _)| p).as_deref(),
            Some("tests/wp-tests-config.php")
        );
        assert_eq!(constant_path(code, "tests"), None);
        let code = "<?php\ndefine( 'WP_TESTS_CONFIG_FILE_PATH', dirname( __DIR__ ) . '/wp-tests-config.php' );\n";
        assert_eq!(
            constant_path(code, "tests").map(|(p, _)| p).as_deref(),
            Some("wp-tests-config.php")
        );
    }

    #[test]
    fn phpunit_env_values() {
        let xml = r#"<php><env name="WP_PHPUNIT__TESTS_CONFIG" value="tests/wp-tests-config.php" /></php>"#;
        assert_eq!(
            phpunit_env_value(xml, "WP_PHPUNIT__TESTS_CONFIG").map(|(v, _)| v),
            Some("tests/wp-tests-config.php")
        );
        assert_eq!(phpunit_env_value(xml, "WP_TESTS_DIR"), None);
    }
}
