//! Spring Boot's precedence (docs.spring.io
//! …/features/external-config.html), for the runs of each module's test
//! classes:
//!
//! - a `src/test/resources` file replaces the `src/main/resources` file of
//!   the same name (the test classpath finds it first, spring-boot#12809);
//! - `@ActiveProfiles` (or `spring.profiles.active` set by the class)
//!   outranks the `spring.profiles.active` of the configuration;
//! - a profile's file (`application-dev.yml`) beats `application.*`, a later
//!   active profile beats an earlier one, `.properties` beats `.yml` of the
//!   same place, and within a file a later document wins;
//! - `${name:default}` resolves from the other properties, else from the
//!   environment (an unknown caller in `lint`), else takes the default.

use crate::model::jvm::{
    ClasspathRoot, SpringDatasource, SpringProperty, SpringRun, SpringTestClass,
};
use crate::model::run::{Overridden, Provenance};
use crate::model::{Setting, Workspace};
use crate::source::Span;

/// The datasource keys a run's database is read from, in the order one is
/// picked when several are set.
const DATASOURCE_KEYS: &[&str] = &[
    "spring.datasource.url",
    "spring.datasource.jdbcurl",
    "spring.datasource.hikari.jdbcurl",
    "spring.datasource.druid.url",
    "spring.datasource.druid.master.url",
    "spring.r2dbc.url",
    "spring.data.mongodb.uri",
];

const DDL_KEYS: &[&str] = &[
    "spring.jpa.hibernate.ddlauto",
    "spring.jpa.properties.hibernate.hbm2ddl.auto",
];

/// Every module's runs.
pub fn spring_runs(ws: &Workspace) -> Vec<SpringRun> {
    let mut modules: Vec<&str> = ws
        .spring_properties()
        .map(|p| p.module.as_str())
        .chain(ws.spring_tests().map(|c| c.module.as_str()))
        .collect();
    modules.sort_unstable();
    modules.dedup();
    // `testguard run`: the environment the tests start from is known
    let caller: Option<&[Setting]> = ws.invocation.as_ref().map(|i| i.caller.as_slice());
    let mut out = Vec::new();
    for module in modules {
        let mut props = visible(ws, module);
        // `spring.config.import: optional:file:.env[.properties]` reads the
        // working directory's `.env` as properties: the module's folder
        // under Gradle's `test` task and Maven's surefire
        let imported = dotenv_import(ws, module, &props);
        props.extend(imported.iter());
        let tests_read = ws
            .projects
            .get(module)
            .and_then(|p| p.jvm.module.as_ref())
            .is_some_and(|m| m.tests_read);
        let classes: Vec<&SpringTestClass> =
            ws.spring_tests().filter(|c| c.module == module).collect();
        // a build file's test task (the module's, else the nearest above it)
        let build_profiles = ws
            .projects
            .iter()
            .filter(|(dir, p)| {
                !p.jvm.build_profiles.is_empty() && crate::model::is_within(module, dir)
            })
            .max_by_key(|(dir, _)| dir.len())
            .and_then(|(_, p)| p.jvm.build_profiles.first())
            .map(|(names, span)| (names.clone(), *span));
        let mut runs: Vec<SpringRun> = Vec::new();
        if tests_read {
            for c in classes.iter().filter(|c| !c.is_abstract) {
                let chain = ancestry(c, &classes);
                let Some(context) = chain.iter().find_map(|c| c.context.clone()) else {
                    continue;
                };
                let _ = context;
                let profiles = chain
                    .iter()
                    .find_map(|c| c.profiles.clone())
                    .or_else(|| chain.iter().find_map(|c| c.inline_profiles.clone()))
                    .or_else(|| build_profiles.clone());
                let embedded = chain.iter().find_map(|c| c.embedded.clone());
                let isolation = chain.iter().find_map(|c| c.isolation.clone()).or_else(|| {
                    embedded.map(|(n, s)| {
                        (
                            format!("@{n}, which swaps the DataSource for an embedded one"),
                            s,
                        )
                    })
                });
                let run = build(
                    caller,
                    module,
                    &props,
                    profiles,
                    Some((c.name.clone(), c.name_span)),
                    isolation,
                    chain.iter().any(|c| c.rolls_back),
                    chain.iter().find_map(|c| c.writes.clone()),
                );
                merge(&mut runs, run);
            }
        } else if props.iter().any(|p| p.root == ClasspathRoot::Main) {
            // no test sources to read: Spring Initializr's generated test, a
            // bare `@SpringBootTest` with `contextLoads()`, is what a Spring
            // Boot module has
            runs.push(build(
                caller,
                module,
                &props,
                build_profiles.clone(),
                None,
                None,
                false,
                None,
            ));
        }
        out.extend(runs);
    }
    out
}

/// The properties of the `.env` a module's `spring.config.import` names
/// (`optional:file:.env[.properties]`), when the module's folder has one.
fn dotenv_import(ws: &Workspace, module: &str, props: &[&SpringProperty]) -> Vec<SpringProperty> {
    let Some(import) = props
        .iter()
        .find(|p| p.canonical == "spring.config.import" && p.document_profiles.is_empty())
    else {
        return Vec::new();
    };
    let names_env = import.setting.value.split(',').any(|i| {
        let i = i.trim();
        let path = i.strip_prefix("optional:").unwrap_or(i);
        let path = path.strip_suffix("[.properties]").unwrap_or(path);
        matches!(path, "file:.env" | "file:./.env")
    });
    if !names_env {
        return Vec::new();
    }
    let Some(dotenv) = ws
        .dev_dotenvs
        .iter()
        .find(|d| d.dir == module && ws.file(d.file).file_name() == ".env")
    else {
        return Vec::new();
    };
    dotenv
        .settings
        .iter()
        .enumerate()
        .map(|(i, s)| SpringProperty {
            module: module.to_string(),
            file: dotenv.file,
            root: ClasspathRoot::Main,
            resource: ".env (spring.config.import)".to_string(),
            file_profile: None,
            document_profiles: Vec::new(),
            properties_format: true,
            config_dir: false,
            canonical: crate::model::jvm::canonical(&s.key.value),
            order: 1_000_000 + i,
            setting: s.clone(),
        })
        .collect()
}

/// A class and the classes it extends within the module, nearest first.
fn ancestry<'a>(c: &'a SpringTestClass, all: &[&'a SpringTestClass]) -> Vec<&'a SpringTestClass> {
    let mut chain = vec![c];
    let mut cur = c;
    while chain.len() < 8 {
        let Some(base) = cur.extends.as_deref() else {
            break;
        };
        let Some(b) = all.iter().find(|x| x.name == base) else {
            break;
        };
        if chain.iter().any(|x| std::ptr::eq(*x, *b)) {
            break;
        }
        chain.push(b);
        cur = b;
    }
    chain
}

/// Runs with the same profiles, datasource and isolation are one run with
/// several classes.
fn merge(runs: &mut Vec<SpringRun>, run: SpringRun) {
    let same = |r: &SpringRun| {
        r.profiles
            .iter()
            .map(|p| &p.0)
            .eq(run.profiles.iter().map(|p| &p.0))
            && r.isolation.is_some() == run.isolation.is_some()
            && r.datasource.as_ref().map(|d| d.property.setting.value_span)
                == run
                    .datasource
                    .as_ref()
                    .map(|d| d.property.setting.value_span)
    };
    if let Some(r) = runs.iter_mut().find(|r| same(r)) {
        r.classes += 1;
        r.rolls_back &= run.rolls_back;
        if r.writes.is_none() && !run.rolls_back {
            r.writes = run.writes;
        }
    } else {
        runs.push(run);
    }
}

/// The module's properties the test classpath sees: main's files minus those
/// a test resource of the same name replaces.
fn visible<'a>(ws: &'a Workspace, module: &str) -> Vec<&'a SpringProperty> {
    let test_resources: Vec<&str> = ws
        .spring_properties()
        .filter(|p| p.module == module && p.root == ClasspathRoot::Test)
        .map(|p| p.resource.as_str())
        .collect();
    ws.spring_properties()
        .filter(|p| p.module == module)
        .filter(|p| p.root == ClasspathRoot::Test || !test_resources.contains(&p.resource.as_str()))
        .collect()
}

/// Whether a document's profile conditions hold for `active`; `None` when
/// an expression (`a & b`, `(a | b)`) is not read.
fn document_applies(p: &SpringProperty, active: &[String]) -> Option<bool> {
    for cond in &p.document_profiles {
        if cond.contains(['&', '|', '(', ')']) {
            return None;
        }
        let ok = match cond.strip_prefix('!') {
            Some(n) => !active.iter().any(|a| a == n.trim()),
            None => active.iter().any(|a| a == cond),
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

/// A property's place in Spring's order: its profile's position among the
/// active ones (0 for none), `classpath:/config/`, `.properties`, its order
/// in the file. Higher wins.
type Rank = (usize, bool, bool, usize);

/// Where a property ranks for `active` profiles (higher wins); `None` when it
/// does not apply, `Some(None)` when whether it applies is not known.
fn rank(p: &SpringProperty, active: &[String]) -> Option<Option<Rank>> {
    let file_rank = match &p.file_profile {
        None => 0,
        Some(f) => 1 + active.iter().position(|a| a == f)?,
    };
    match document_applies(p, active) {
        Some(false) => None,
        None => Some(None),
        Some(true) => Some(Some((
            file_rank,
            p.config_dir,
            p.properties_format,
            p.order,
        ))),
    }
}

/// The property that decides `key` for `active`, with the ones it beat;
/// `Err(())` when a document whose profile expression is not read sets it.
fn decide<'a>(
    props: &[&'a SpringProperty],
    key: &str,
    active: &[String],
) -> Result<Option<(&'a SpringProperty, Vec<&'a SpringProperty>)>, ()> {
    let mut ranked: Vec<(Rank, &SpringProperty)> = Vec::new();
    for p in props.iter().filter(|p| p.canonical == key) {
        match rank(p, active) {
            None => {}
            Some(None) => return Err(()),
            Some(Some(r)) => ranked.push((r, p)),
        }
    }
    ranked.sort_by_key(|(r, _)| *r);
    let Some((_, winner)) = ranked.pop() else {
        return Ok(None);
    };
    Ok(Some((
        winner,
        ranked.into_iter().rev().map(|(_, p)| p).collect(),
    )))
}

#[allow(clippy::too_many_arguments)]
fn build(
    caller: Option<&[Setting]>,
    module: &str,
    props: &[&SpringProperty],
    class_profiles: Option<(Vec<String>, Span)>,
    class: Option<(String, Span)>,
    isolation: Option<(String, Span)>,
    rolls_back: bool,
    writes: Option<(String, Span)>,
) -> SpringRun {
    let profiles_from_class = class_profiles.is_some();
    let profiles: Vec<(String, Span)> = match class_profiles {
        Some((names, span)) => names.into_iter().map(|n| (n, span)).collect(),
        // an exported `SPRING_PROFILES_ACTIVE` beats the files' own
        None if caller_value(caller, "SPRING_PROFILES_ACTIVE").is_some() => {
            caller_value(caller, "SPRING_PROFILES_ACTIVE").map_or_else(Vec::new, |s| {
                s.value
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| (p.to_string(), s.value_span))
                    .collect()
            })
        }
        None => {
            let mut v = Vec::new();
            for key in ["spring.profiles.active", "spring.profiles.include"] {
                if let Ok(Some((p, _))) = decide(props, key, &[]) {
                    for name in p.setting.value.split(',') {
                        let name = name.trim();
                        if !name.is_empty() && !name.contains("${") {
                            v.push((name.to_string(), p.setting.value_span));
                        }
                    }
                }
            }
            v
        }
    };
    let active: Vec<String> = profiles.iter().map(|p| p.0.clone()).collect();
    let mut datasource = None;
    for key in DATASOURCE_KEYS {
        match decide(props, key, &active) {
            Err(()) => break,
            Ok(None) => continue,
            Ok(Some((p, beat))) => {
                datasource = Some(datasource_of(caller, p, &beat, props, &active));
                break;
            }
        }
    }
    // an exported `SPRING_DATASOURCE_URL` beats every file (relaxed binding)
    if let Some(s) = caller_value(caller, "SPRING_DATASOURCE_URL") {
        let template = props.first().map(|p| (*p).clone());
        if let Some(mut property) = template {
            property.setting = s.clone();
            property.resource = "your environment".to_string();
            property.root = ClasspathRoot::Main;
            property.file_profile = None;
            property.document_profiles = Vec::new();
            let beat: Vec<&SpringProperty> = datasource
                .as_ref()
                .map(|d: &SpringDatasource| vec![&d.property])
                .unwrap_or_default();
            let beat: Vec<SpringProperty> = beat.into_iter().cloned().collect();
            let refs: Vec<&SpringProperty> = beat.iter().collect();
            datasource = Some(datasource_of(caller, &property, &refs, props, &active));
        }
    }
    let ddl_auto = DDL_KEYS.iter().find_map(|k| {
        decide(props, k, &active).ok().flatten().map(|(p, _)| {
            let mut s = p.setting.clone();
            s.value = substitute(caller, &s.value, props, &active, 0).0;
            s
        })
    });
    SpringRun {
        module: module.to_string(),
        class,
        classes: 1,
        profiles,
        profiles_from_class,
        datasource,
        ddl_auto,
        isolation,
        rolls_back,
        writes,
    }
}

fn datasource_of(
    caller: Option<&[Setting]>,
    p: &SpringProperty,
    beat: &[&SpringProperty],
    props: &[&SpringProperty],
    active: &[String],
) -> SpringDatasource {
    let (value, from_environment) = substitute(caller, &p.setting.value, props, active, 0);
    let resolved_from = crate::database::reference_names(&p.setting.value)
        .into_iter()
        .filter_map(|name| {
            let key = crate::model::jvm::canonical(name.split(':').next().unwrap_or(&name));
            let (q, _) = decide(props, &key, active).ok().flatten()?;
            Some((q.setting.key.value.clone(), q.setting.value_span))
        })
        .collect();
    let mut property = p.clone();
    property.setting.provenance = Some(Box::new(Provenance {
        layer: layer_name(p),
        overrode: beat
            .iter()
            .map(|b| Overridden {
                layer: layer_name(b),
                span: b.setting.value_span,
                value: b.setting.value.clone(),
            })
            .collect(),
        // `SPRING_DATASOURCE_URL` in the environment beats every file
        caller_above: true,
        interpolated: Vec::new(),
        passed_over: Vec::new(),
    }));
    let test_word = |s: &str| {
        s.split(['-', '_', '.']).any(|w| {
            matches!(
                w.to_ascii_lowercase().as_str(),
                "test" | "tests" | "testing" | "it"
            )
        })
    };
    let test_scoped = p.root == ClasspathRoot::Test
        || p.file_profile.as_deref().is_some_and(test_word)
        || p.document_profiles.iter().any(|d| test_word(d));
    SpringDatasource {
        property,
        value,
        from_environment,
        test_scoped,
        resolved_from,
    }
}

fn layer_name(p: &SpringProperty) -> String {
    let root = match p.root {
        ClasspathRoot::Main => "src/main/resources",
        ClasspathRoot::Test => "src/test/resources",
    };
    format!("{} ({root})", p.resource)
}

/// `${name}` and `${name:default}` replaced by what the configuration gives
/// them (another property), else by their default; the names left to the
/// environment with their defaults. A nested or unterminated placeholder
/// is kept as written.
pub fn substitute(
    caller: Option<&[Setting]>,
    value: &str,
    props: &[&SpringProperty],
    active: &[String],
    depth: usize,
) -> (String, Vec<(String, Option<String>)>) {
    let mut out = String::new();
    let mut env = Vec::new();
    let mut rest = value;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let inner = &after[..end];
        if inner.contains("${") {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        }
        let (name, default) = match inner.split_once(':') {
            Some((n, d)) => (n.trim(), Some(d.to_string())),
            None => (inner.trim(), None),
        };
        let from_config = (depth < 4)
            .then(|| {
                decide(props, &crate::model::jvm::canonical(name), active)
                    .ok()
                    .flatten()
            })
            .flatten();
        match from_config {
            Some((p, _)) => {
                let (v, more) = substitute(caller, &p.setting.value, props, active, depth + 1);
                out.push_str(&v);
                env.extend(more);
            }
            // `testguard run`: the exported variable (`rds.host` is `RDS_HOST`)
            None if caller_value(caller, &env_name(name)).is_some() => {
                if let Some(s) = caller_value(caller, &env_name(name)) {
                    out.push_str(&s.value);
                }
            }
            None => {
                match &default {
                    Some(d) => out.push_str(d),
                    None => {
                        out.push_str("${");
                        out.push_str(inner);
                        out.push('}');
                    }
                }
                env.push((name.to_string(), default));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    (out, env)
}

/// The variable Spring's relaxed binding reads a property name from:
/// `rds.host` → `RDS_HOST`, `spring.datasource.url` → `SPRING_DATASOURCE_URL`.
fn env_name(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-')
        .map(|c| {
            if c == '.' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// What the caller exports for `key`, when the caller is known.
fn caller_value<'a>(caller: Option<&'a [Setting]>, key: &str) -> Option<&'a Setting> {
    caller?.iter().rev().find(|s| s.key.value == key)
}
