//! What the rules that judge Spring Boot runs share: which runs reach a
//! datasource of the application's own configuration, how a message tells
//! the chain that decided it, and how the finding is graded (an error only
//! where the suite provably wipes or writes the database).

use super::Context;
use crate::database::{JdbcTarget, parse_jdbc};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::jvm::{SpringDatasource, SpringRun};
use crate::source::Span;

/// A run whose context opens its datasource as configured: no isolation
/// idiom, a datasource set, and not decided by a test resource or profile.
/// Runs sharing one deciding setting come once, with their class count.
pub fn main_decided_runs<'a>(
    cx: &Context<'a>,
) -> Vec<(&'a SpringRun, &'a SpringDatasource, usize)> {
    let mut out: Vec<(&SpringRun, &SpringDatasource, usize)> = Vec::new();
    for run in cx.ws.spring_runs() {
        let Some(ds) = run.datasource.as_ref() else {
            continue;
        };
        if run.isolation.is_some() || ds.test_scoped {
            continue;
        }
        let span = ds.property.setting.value_span;
        if let Some(seen) = out
            .iter_mut()
            .find(|(_, d, _)| d.property.setting.value_span == span)
        {
            seen.2 += run.classes;
            continue;
        }
        out.push((run, ds, run.classes));
    }
    out
}

/// The database a resolved value names, when it is a server or file
/// database (not in memory, not a container, not a form that is not read).
pub fn target(ds: &SpringDatasource) -> Option<crate::database::DatabaseRef> {
    match parse_jdbc(&ds.value) {
        JdbcTarget::Database(r) => Some(*r),
        _ => None,
    }
}

/// "the tests of `shop` (2 classes)", "`OrderTests` of `shop`", or the
/// Initializr test assumed.
pub fn who(run: &SpringRun, classes: usize) -> String {
    let module = if run.module.is_empty() {
        "the root module".to_string()
    } else {
        format!("module `{}`", run.module)
    };
    match &run.class {
        Some((name, _)) if classes > 1 => {
            format!("`{name}` and {} more test classes of {module}", classes - 1)
        }
        Some((name, _)) => format!("`{name}` of {module}"),
        None => format!("the `@SpringBootTest` tests of {module}"),
    }
}

/// The subject of a Spring finding's message: who runs, with which
/// profiles, and the verb that opens the datasource ("`OrderTests` of the
/// root module runs with profile `dev` (set in …) and opens").
pub fn subject(cx: &Context<'_>, run: &SpringRun, classes: usize) -> String {
    let one = run.class.is_some() && classes == 1;
    format!(
        "{} {} {} and {}",
        who(run, classes),
        if one { "runs" } else { "run" },
        profiles_phrase(cx, run),
        if one { "opens" } else { "open" },
    )
}

/// "with profile `dev` (set by application.yml)" or "with no profile".
pub fn profiles_phrase(cx: &Context<'_>, run: &SpringRun) -> String {
    if run.profiles.is_empty() {
        return "with no active profile".to_string();
    }
    let names: Vec<String> = run.profiles.iter().map(|(p, _)| format!("`{p}`")).collect();
    let by = &cx.ws.file(run.profiles[0].1.file).path;
    format!(
        "with profile{} {} (set in {by})",
        if names.len() > 1 { "s" } else { "" },
        names.join(", ")
    )
}

/// The labels of the chain: who activated the profiles, the class (or the
/// note that it is assumed), what the deciding setting beat.
pub fn chain(
    cx: &Context<'_>,
    mut d: Diagnostic,
    run: &SpringRun,
    ds: &SpringDatasource,
) -> Diagnostic {
    if let Some((_, span)) = run.profiles.first() {
        let by_build = cx.ws.file(span.file).kind == crate::source::SourceKind::JvmBuild;
        d = d.with_label(
            *span,
            if by_build {
                "the build's test task activates the profile"
            } else if run.profiles_from_class {
                "activates the profile for this test class"
            } else {
                "activates the profile for every test class without `@ActiveProfiles`"
            },
        );
    }
    if let Some((_, span)) = &run.class {
        d = d.with_label(
            *span,
            "starts the application context with the app's own datasource",
        );
    } else {
        d.message.push_str(
            " (this module has no test sources to read: Spring Initializr's generated `@SpringBootTest` `contextLoads()` test is assumed)",
        );
    }
    for (name, span) in &ds.resolved_from {
        d = d.with_label(*span, format!("`${{{name}}}` takes its value from here"));
    }
    if let Some(p) = &ds.property.setting.provenance {
        for o in &p.overrode {
            d = d.with_label(o.span, format!("loses to it ({})", o.layer));
        }
    }
    d
}

/// Warning, unless the run provably rewrites or writes the database: an
/// error that points at the proof.
pub fn graded(mut d: Diagnostic, run: &SpringRun) -> Diagnostic {
    let ddl = run
        .ddl_auto
        .as_ref()
        .filter(|s| matches!(s.value.trim(), "create" | "create-drop"));
    if let Some(s) = ddl {
        d.severity = Severity::Error;
        d.message.push_str(&format!(
            "; `ddl-auto: {}` makes Hibernate drop and recreate its tables at startup",
            s.value.trim()
        ));
        return d.with_label(s.value_span, "drops the schema when the context starts");
    }
    if let (Some((what, span)), false) = (&run.writes, run.rolls_back) {
        d.severity = Severity::Error;
        d.message.push_str(&format!(
            "; the test writes to it ({what}) and nothing rolls it back"
        ));
        return d.with_label(*span, "writes to the database");
    }
    d.severity = Severity::Warning;
    d.message.push_str(if run.rolls_back {
        "; its tests roll back, so this is a warning"
    } else {
        "; no test code was seen writing to it, so this is a warning"
    });
    d
}

/// The span of a part of the deciding value (the database name), when the
/// value was not rewritten by placeholder resolution.
pub fn part_span(ds: &SpringDatasource, range: std::ops::Range<usize>) -> Span {
    let s = &ds.property.setting;
    if ds.value == s.value {
        s.value_sub_span(range)
    } else {
        s.value_span
    }
}
