//! `testguard run --explain`: the resolved test environment of the run about
//! to start — each guarding setting, its effective value (masked), where it
//! came from (file and line, or the caller's environment) and what it beat.

use crate::mask;
use crate::model::{Setting, Via, Workspace};
use crate::rules::Policy;
use crate::source::SourceKind;

/// The explanation, for stderr.
pub fn render(ws: &Workspace, policy: &Policy) -> String {
    let mut out = String::new();
    let Some(inv) = &ws.invocation else {
        return out;
    };
    let guarding = |s: &Setting| {
        crate::rules::is_guarding_key(&s.key.value, policy) && !s.unset && !s.key.value.is_empty()
    };
    let mut sections: Vec<(String, Vec<Setting>)> = Vec::new();
    for run in &ws.runs {
        let effective = run.effective.clone();
        sections.push((
            run.name.clone(),
            effective.into_iter().filter(guarding).collect(),
        ));
    }
    for (run, _) in ws.node_runs() {
        let effective = run.effective.clone();
        sections.push((
            format!("{} with {}", run.name, run.runner),
            effective.into_iter().filter(guarding).collect(),
        ));
    }
    // pytest and Django: the settings each environment of the run holds, in
    // pytest-django's order (the module named last below wins)
    for env in &ws.envs {
        let python = matches!(
            env.source,
            crate::model::EnvSource::Pytest | crate::model::EnvSource::FrameworkConfig
        ) || (env.source == crate::model::EnvSource::TestRun
            && inv.family == crate::model::RunnerFamily::Python);
        if !python
            || inv.family != crate::model::RunnerFamily::Python
            || !crate::model::is_within(&inv.dir, &env.dir)
                && !crate::model::is_within(&env.dir, &inv.dir)
        {
            continue;
        }
        let settings: Vec<Setting> = env
            .settings
            .iter()
            .filter(|s| guarding(s))
            .cloned()
            .collect();
        sections.push((env.name.clone(), settings));
    }
    if let Some(m) = &inv.settings_module {
        out.push_str(&format!(
            "testguard: the command line names the settings module `{m}`: it beats every other source\n"
        ));
    }
    // what the run starts from: the exported variables testguard reads
    if !inv.caller.is_empty() {
        out.push_str("testguard: your environment exports\n");
        for s in &inv.caller {
            out.push_str(&format!(
                "  {} = {}\n",
                s.key.value,
                mask::display_value(s, &policy.extra_db_keys)
            ));
        }
    }
    if sections.is_empty() {
        out.push_str(&format!(
            "testguard: the database of this {} run is unknown: testguard reads no {} configuration of {} above this folder, so it checks only your environment's variables and the files here (`testguard lint --show-files` lists what it reads)\n",
            inv.runner,
            inv.family.describe(),
            inv.runner
        ));
        return out;
    }
    for (name, settings) in sections {
        out.push_str(&format!("testguard: test environment of {name}\n"));
        if settings.is_empty() {
            out.push_str(
                "  database: unknown — no file this run loads sets a database, an environment or a settings module; the application's own configuration decides (any finding below says what testguard found there)\n",
            );
            continue;
        }
        for (i, s) in settings.iter().enumerate() {
            let value = mask::display_value(s, &policy.extra_db_keys);
            let from = where_from(ws, s);
            // a key listed more than once (pytest-django's sources): the last wins
            let beaten = settings[i + 1..].iter().any(|t| t.key.value == s.key.value);
            let mark = if beaten {
                "    (loses to the one below)"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {} = {}    from {from}{mark}\n",
                s.key.value, value
            ));
            if let Some(p) = &s.provenance {
                if p.caller_above {
                    out.push_str("      (your environment would win if it exported it)\n");
                }
                for o in &p.overrode {
                    let lost = Setting {
                        value: o.value.clone(),
                        ..s.clone()
                    };
                    let at = location(ws, o.span);
                    out.push_str(&format!(
                        "      overrides {} = {} at {at}\n",
                        s.key.value,
                        mask::display_value(&lost, &policy.extra_db_keys)
                    ));
                }
            }
        }
    }
    out
}

fn where_from(ws: &Workspace, s: &Setting) -> String {
    let at = location(ws, s.value_span);
    match &s.provenance {
        Some(p) if ws.file(s.value_span.file).kind != SourceKind::CallerEnvironment => {
            format!("{at} ({})", p.layer)
        }
        _ if s.via != Via::Caller => format!("{at} ({})", s.via.describe()),
        _ => at,
    }
}

fn location(ws: &Workspace, span: crate::source::Span) -> String {
    let f = ws.file(span.file);
    if f.kind == SourceKind::CallerEnvironment {
        return "your environment".into();
    }
    let (line, _) = f.line_col(span.start);
    format!("{}:{line}", f.path)
}
