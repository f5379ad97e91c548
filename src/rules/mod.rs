//! The rules. Each lives in a file of its own, with its documentation (served
//! by `testguard explain`) beside its code; each sees only the model.

use crate::database::{DatabaseRef, DbKeyKind, db_key_kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{DbSetting, TestEnv, Workspace};
use crate::model::{ParseIssue, Unreadable};

mod app_env_not_testing;
mod ci_copied_env_not_test;
mod config_cache_before_tests;
mod database_forbidden_marker;
mod database_not_test;
mod database_remote_host;
mod database_unverifiable;
mod dev_database_reaches_tests;
mod documented_env_not_test;
mod laravel_config_cache;
pub(crate) mod laravel_no_test_database;
mod live_credential;
mod node_env_not_test;
mod overridable_setting;
mod parse_error;
mod runtime_env_not_test;
mod script_database;
mod settings_module_not_test;
mod shadowed_pytest_config;
mod spring;
mod test_database_is_dev_database;
mod test_database_only_in_script;
mod test_database_shares_dev_variable;
mod test_env_file_missing;
mod test_in_production_environment;
mod test_run_unresolved;
mod test_task_loads_dev_dotenv;
mod unreadable_file;
pub mod unused_suppression;

pub use crate::diagnostic::RuleMeta;
pub use crate::policy::Policy;

/// A rule's documentation page: what `testguard explain` prints and what
/// `docs/rules/<CODE>.md` holds (a test keeps the two identical).
pub fn page(m: &RuleMeta) -> String {
    let mut summary = m.summary.chars();
    let summary: String = match summary.next() {
        Some(f) => f.to_uppercase().chain(summary).collect(),
        None => String::new(),
    };
    format!(
        "# {} {}\n\nDefault severity: {}. {}.\n\n{}",
        m.code,
        m.name,
        m.default_severity.as_str(),
        summary,
        m.docs
    )
}

/// `docs/rules/README.md`: every rule, linked to its page.
pub fn docs_index() -> String {
    let mut s = String::from(
        "# Rules\n\nGenerated from the rule catalog (`testguard rules`); each page is what `testguard explain CODE` prints.\n\n| code | name | default | summary |\n|---|---|---|---|\n",
    );
    for r in registry() {
        let m = r.meta();
        s.push_str(&format!(
            "| [{code}]({code}.md) | `{}` | {} | {} |\n",
            m.name,
            m.default_severity.as_str(),
            m.summary.replace('|', "\\|"),
            code = m.code
        ));
    }
    s
}

/// What a rule may look at.
pub struct Context<'a> {
    pub ws: &'a Workspace,
    pub policy: &'a Policy,
    pub parse_issues: &'a [ParseIssue],
    pub unreadable: &'a [Unreadable],
}

impl<'a> Context<'a> {
    /// The database settings of an environment, parsed (unset ones skipped).
    pub fn db_settings(&self, env: &'a TestEnv) -> Vec<DbSetting<'a>> {
        env.settings
            .iter()
            .filter(|s| !s.unset)
            .filter_map(|s| {
                let kind = db_key_kind(&s.key.value, &self.policy.extra_db_keys)?;
                Some(DbSetting {
                    setting: s,
                    kind,
                    db: DatabaseRef::parse(&s.value, kind),
                })
            })
            .collect()
    }

    /// The value a test environment really gets for `key`: for a resolved run,
    /// whatever layer decides it (a runner's `<env>` included); otherwise the
    /// environment's own setting.
    pub fn effective_value(&self, env: &TestEnv, key: &str) -> Option<String> {
        match self.ws.run_of(env) {
            Some(run) => run.decided(key).cloned().map(|s| s.value),
            None => env.get(key).map(|s| s.value.clone()),
        }
    }

    /// Whether a database name is a test database's: a test marker as a word
    /// (`shop_test`, `test-shop`, `testing`), or glued onto the name of a
    /// development database around `dir` or onto `db` (`shoptest` beside
    /// `shop`, `testdb`). `latest`, `contest` and `attestation` are not.
    pub fn is_test_database(&self, name: &str, dir: &str) -> bool {
        let markers = &self.policy.markers;
        markers.has_test(name)
            || markers.glued_test(
                name,
                &self.ws.dev_database_names(dir, &self.policy.extra_db_keys),
            )
    }

    /// Whether a database URL (or bare name) is in memory or named with a
    /// test marker: what a value must be to set a run apart by itself.
    pub fn url_is_test(&self, url: &str) -> bool {
        let db = crate::database::DatabaseRef::parse(url, crate::database::DbKeyKind::Url);
        db.in_memory
            || db
                .name
                .as_ref()
                .is_some_and(|n| self.policy.markers.has_test(&n.text))
    }

    pub fn display(&self, s: &crate::model::Setting) -> String {
        crate::mask::display_value(s, &self.policy.extra_db_keys)
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// Every rule, in code order: the one list `rules`, `explain` and SARIF read.
/// Every rule's metadata, in the registry's order (what SARIF lists).
pub fn catalog() -> Vec<&'static RuleMeta> {
    registry().iter().map(|r| r.meta()).collect()
}

pub fn registry() -> &'static [&'static dyn Rule] {
    &[
        &parse_error::ParseError,
        &unreadable_file::UnreadableFile,
        &unused_suppression::UnusedSuppression,
        &test_run_unresolved::TestRunUnresolved,
        &database_not_test::DatabaseNotTest,
        &database_forbidden_marker::DatabaseForbiddenMarker,
        &database_remote_host::DatabaseRemoteHost,
        &database_unverifiable::DatabaseUnverifiable,
        &test_database_is_dev_database::TestDatabaseIsDevDatabase,
        &test_env_file_missing::TestEnvFileMissing,
        &test_database_shares_dev_variable::TestDatabaseSharesDevVariable,
        &app_env_not_testing::AppEnvNotTesting,
        &node_env_not_test::NodeEnvNotTest,
        &overridable_setting::OverridableSetting,
        &test_in_production_environment::TestInProductionEnvironment,
        &laravel_config_cache::LaravelConfigCache,
        &laravel_no_test_database::LaravelNoTestDatabase,
        &config_cache_before_tests::ConfigCacheBeforeTests,
        &runtime_env_not_test::RuntimeEnvNotTest,
        &documented_env_not_test::DocumentedEnvNotTest,
        &ci_copied_env_not_test::CiCopiedEnvNotTest,
        &test_task_loads_dev_dotenv::TestTaskLoadsDevDotenv,
        &test_database_only_in_script::TestDatabaseOnlyInScript,
        &settings_module_not_test::SettingsModuleNotTest,
        &dev_database_reaches_tests::DevDatabaseReachesTests,
        &shadowed_pytest_config::ShadowedPytestConfig,
        &live_credential::LiveCredential,
    ]
}

/// Finds a rule by code (`TG101`) or name (`database-not-test`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    registry().iter().copied().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(code_or_name)
            || m.name.eq_ignore_ascii_case(code_or_name)
            || m.aliases
                .iter()
                .any(|a| a.eq_ignore_ascii_case(code_or_name))
    })
}

/// The rules a `--select`/`--ignore` list names: codes (`TG101`), names
/// (`database-not-test`) or code prefixes (`TG1`: every TG1xx rule), any
/// case. A word that names none is an error (exit 2) with the closest name.
pub fn selection(
    words: &[String],
    flag: &str,
) -> Result<Vec<&'static str>, crate::error::RunError> {
    let mut out = Vec::new();
    for word in words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        let upper = word.to_ascii_uppercase();
        let hits: Vec<&'static str> = registry()
            .iter()
            .map(|r| r.meta())
            .filter(|m| {
                m.name.eq_ignore_ascii_case(word)
                    || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(word))
                    || (upper.starts_with("TG") && m.code.starts_with(&upper))
            })
            .map(|m| m.code)
            .collect();
        if hits.is_empty() {
            let suggestion = suggest(word)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(crate::error::RunError(format!(
                "{flag}: no rule `{word}`{suggestion}; `testguard rules` lists them"
            )));
        }
        out.extend(hits);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The rule code or name closest to a mistyped one.
pub fn suggest(word: &str) -> Option<&'static str> {
    let words: Vec<&'static str> = registry()
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name])
        .collect();
    crate::suggest::closest(word, words)
}

/// Runs every rule and applies `supersedes`.
pub fn check_all(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in registry() {
        rule.check(cx, &mut out);
    }
    // a rule the policy turns off replaces nothing
    let superseded: Vec<(&'static str, crate::source::Span)> = out
        .iter()
        .filter(|d| cx.policy.severity_of(d.code, d.severity).is_some())
        .filter_map(|d| {
            let meta = find(d.code)?.meta();
            Some(
                meta.supersedes
                    .iter()
                    .filter_map(move |c| Some((*c, d.primary?))),
            )
        })
        .flatten()
        .collect();
    // the same span, or the same line of the same file: a finding about a
    // setting's key and one about its value are about one setting
    let same_line = |a: crate::source::Span, b: crate::source::Span| {
        a == b || {
            a.file == b.file && {
                let text = &cx.ws.file(a.file).text;
                let line = |at: usize| text.get(..at).map(|t| t.matches('\n').count());
                line(a.start).is_some() && line(a.start) == line(b.start)
            }
        }
    };
    out.retain(|d| {
        !d.primary.is_some_and(|p| {
            superseded
                .iter()
                .any(|(c, s)| *c == d.code && same_line(*s, p))
        })
    });
    out
}

/// In a CI job, labels the command that runs the tests: it is what makes the
/// finding matter (the same settings in a deploy job would be fine).
pub fn with_test_command(d: Diagnostic, env: &TestEnv) -> Diagnostic {
    let d = with_provenance(d, env);
    match env.ci().and_then(|c| c.test_command.as_ref()) {
        Some(cmd) if d.primary != Some(cmd.span) => {
            d.with_label(cmd.span, "the test run this reaches")
        }
        // a resolved run's value decided in another file than the one that
        // starts the run: the chain starts at the run
        _ if env.source == crate::model::EnvSource::TestRun
            && d.primary.is_some_and(|p| p.file != env.file)
            && !d.labels.iter().any(|l| l.span.file == env.file) =>
        {
            d.with_label(env.anchor, "the test run that gets this value")
        }
        _ => d,
    }
}

/// A finding on a resolved run's value names the layer that decided it and
/// shows what it beat (the labels show the chain), whenever more
/// than one file was involved.
pub fn with_provenance(mut d: Diagnostic, env: &TestEnv) -> Diagnostic {
    let Some(primary) = d.primary else { return d };
    let Some(s) = env.settings.iter().find(|s| s.value_span == primary) else {
        return d;
    };
    let Some(p) = s.provenance.as_deref() else {
        return d;
    };
    // code that would have set it but does not run: the chain's other half
    for (span, why) in &p.passed_over {
        d = d.with_label(*span, why.clone());
    }
    let other_files = primary.file != env.file
        || p.overrode.iter().any(|o| o.span.file != primary.file)
        || p.interpolated.iter().any(|(_, sp)| sp.file != primary.file);
    if !other_files {
        return d;
    }
    let mut note = format!(" (`{}` is decided by {}", s.key.value, p.layer);
    if !p.overrode.is_empty() {
        let beaten: Vec<&str> = p.overrode.iter().map(|o| o.layer.as_str()).collect();
        note.push_str(&format!(", which beats {}", beaten.join(", ")));
    }
    note.push(')');
    d.message.push_str(&note);
    for o in &p.overrode {
        d = d.with_label(
            o.span,
            format!("overridden: {} wins over {}", p.layer, o.layer),
        );
    }
    for (name, span) in &p.interpolated {
        // a Codeception parameter is written `%NAME%`, a variable `${NAME}`
        let written = if name.starts_with('%') {
            name.clone()
        } else {
            format!("${{{name}}}")
        };
        d = d.with_label(*span, format!("`{written}` comes from here"));
    }
    d
}

/// Grades a finding about a non-test database a PHP suite reaches by what its
/// test code does to it (destructive evidence), and says which in
/// the message: an idiom that wipes it (RefreshDatabase, TRUNCATE…) keeps the
/// rule's error and points at it; test code read with no such idiom makes it a
/// warning (reached, not wiped); no test code read keeps the error, since a
/// Laravel or Symfony suite usually refreshes its database.
/// Names and points at what in the suite wipes the database the finding is
/// about (the severity is the caller's).
pub fn with_wipe_proof(
    mut d: Diagnostic,
    cx: &Context<'_>,
    w: &crate::model::Destruction,
) -> Diagnostic {
    let path = &cx.ws.file(w.span.file).path;
    d.message
        .push_str(&format!("; `{}` in {path} {}", w.idiom, w.what));
    d.with_label(w.span, "the suite wipes the database here")
}

/// A finding that is a warning unless the suite provably wipes the database:
/// then an error that points at the proof.
pub fn error_if_wiped(d: Diagnostic, cx: &Context<'_>, dir: &str) -> Diagnostic {
    match cx.ws.wipe_evidence(dir) {
        crate::model::Wipe::Proven(w) => {
            let d = Diagnostic {
                severity: Severity::Error,
                ..d
            };
            with_wipe_proof(d, cx, w)
        }
        _ => d,
    }
}

pub fn graded_by_wipe(mut d: Diagnostic, cx: &Context<'_>, dir: &str) -> Diagnostic {
    use crate::model::Wipe;
    match cx.ws.wipe_evidence(dir) {
        Wipe::Proven(w) => with_wipe_proof(d, cx, w),
        Wipe::NotSeen(n) => {
            d.severity = Severity::Warning;
            let read = if n == 1 {
                "the one test file read neither refreshes, migrates nor truncates it".to_string()
            } else {
                format!("none of the {n} test files read refreshes, migrates or truncates it")
            };
            d.message.push_str(&format!(
                "; {read}, so the tests write to it without wiping it"
            ));
            d
        }
        Wipe::Unknown => {
            let f = cx.ws.frameworks_of(dir);
            let idioms = if f.symfony && !f.laravel {
                "Foundry's ResetDatabase, doctrine:schema:drop"
            } else {
                "RefreshDatabase, migrate:fresh"
            };
            d.message.push_str(&format!(
                "; a suite that resets its database ({idioms}) wipes it"
            ));
            d
        }
    }
}

/// Environment variables whose production value in a CI test step this rule
/// reports (TG208 leaves those to it).
pub(crate) const ENV_KEYS: &[&str] = &[
    "APP_ENV",
    "NODE_ENV",
    "RAILS_ENV",
    "RACK_ENV",
    "DJANGO_ENV",
    "FLASK_ENV",
    "APP_ENVIRONMENT",
    "ENVIRONMENT",
    "MIX_ENV",
];

/// Whether a setting guards the test run: it selects the settings module, the
/// environment or the database. Losing or overriding one of these breaks
/// isolation; other settings (DEBUG, LANGUAGE_CODE) do not.
pub fn is_guarding_key(key: &str, policy: &Policy) -> bool {
    let k = key.to_ascii_uppercase();
    k == "DJANGO_SETTINGS_MODULE"
        || k == "DJANGO_CONFIGURATION"
        || k == "APP_ENV"
        || k == "NODE_ENV"
        || k == "RAILS_ENV"
        || k == "DJANGO_ENV"
        || k == "ENV"
        || k == "ENVIRONMENT"
        || k.starts_with("DB_")
        || k.starts_with("DATABASE")
        || db_key_kind(key, &policy.extra_db_keys).is_some()
}

/// Whether a database's name or host carries the marker of a shared, real
/// environment (`prod`, `staging`, `live`, a configured one), not only the
/// developer's own (`dev`, `local`): TG102 reports such a database wherever
/// a run reaches it.
pub fn names_real_environment(cx: &Context<'_>, db: &DatabaseRef) -> bool {
    let real = |text: &str| {
        cx.policy
            .markers
            .forbidden_in(text)
            .is_some_and(|m| !matches!(m.as_str(), "dev" | "development" | "local"))
    };
    db.name.as_ref().is_some_and(|n| real(&n.text))
        || db
            .host
            .as_ref()
            .is_some_and(|h| !h.is_reference() && real(&h.text))
}

/// Whether a database setting names a database (a URL or a name), as opposed
/// to only its host (`DB_HOST`).
pub fn db_kind_is_db(kind: DbKeyKind) -> bool {
    matches!(kind, DbKeyKind::Url | DbKeyKind::Name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_documented_with_an_example_and_a_fix() {
        let mut codes = Vec::new();
        for r in registry() {
            let m = r.meta();
            for section in ["## What it checks", "## Why", "## Example", "## Fix"] {
                assert!(m.docs.contains(section), "{} lacks `{section}`", m.code);
            }
            assert!(!m.summary.is_empty(), "{}", m.code);
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                m.name
            );
            codes.push(m.code);
        }
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            codes, sorted,
            "registry must be in code order, without duplicates"
        );
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(
            find("tg101").map(|r| r.meta().name),
            Some("database-not-test")
        );
        assert_eq!(
            find("database-not-test").map(|r| r.meta().code),
            Some("TG101")
        );
        assert!(find("TG999").is_none());
    }
}
