//! TG303 shadowed-pytest-config.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct ShadowedPytestConfig;

static META: RuleMeta = RuleMeta {
    code: "TG303",
    name: "shadowed-pytest-config",
    default_severity: Severity::Warning,
    summary: "a pytest configuration pytest never reads: a higher-precedence file in the same folder wins",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
pytest reads exactly one configuration file per folder, the first that matches
in this order, and never merges them: `pytest.toml`, `.pytest.toml`,
`pytest.ini`, `.pytest.ini` (these match even when empty), `pyproject.toml`
with `[tool.pytest]` or `[tool.pytest.ini_options]`, `tox.ini` with `[pytest]`,
`setup.cfg` with `[tool:pytest]`. Any later one is dead configuration.

It is an **error** when the dead section holds a guarding setting (a settings
module, `--ds`, pytest-env entries), a warning otherwise.

## Why it is dangerous
An empty or stale `pytest.ini` silently disables the `[tool.pytest.ini_options]`
that sets `--ds=app.settings.test` and the test environment variables: the
tests run with the development settings while the configuration you read says
otherwise.

## Example
`pytest.ini` (just `[pytest]`) next to a pyproject.toml whose
`[tool.pytest.ini_options]` holds `DJANGO_SETTINGS_MODULE = app.settings.test`.

## Fix
Keep one pytest configuration per folder: move the settings into the file
pytest reads, and delete the other section (or file).
"#;

impl Rule for ShadowedPytestConfig {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for c in cx.ws.pytest_configs() {
            let Some(winner) = c.shadowed_by else {
                continue;
            };
            let path = &cx.ws.file(c.file).path;
            let winner_path = &cx.ws.file(winner).path;
            // a guarding setting that the file pytest reads does not repeat
            // with the same value is lost; a faithful duplicate is only dead weight
            let winner_settings: &[crate::model::Setting] = cx
                .ws
                .pytest_configs()
                .find(|w| w.file == winner && w.shadowed_by.is_none())
                .map_or(&[], |w| w.settings.as_slice());
            let guarding = c.settings.iter().find(|s| {
                super::is_guarding_key(&s.key.value, cx.policy)
                    && !winner_settings
                        .iter()
                        .any(|w| w.key.value == s.key.value && w.value == s.value)
            });
            let severity = if guarding.is_some() {
                Severity::Error
            } else {
                Severity::Warning
            };
            let mut message = format!(
                "pytest never reads {} in {path}: {winner_path} in the same folder comes first in pytest's search order",
                c.section_name
            );
            if let Some(g) = guarding {
                message.push_str(&format!(
                    ", so its `{}` does not apply to the test run",
                    g.key.value
                ));
            }
            let mut d = META
                .diag_with(severity, Some(c.section), message)
                .with_primary_label("never read");
            if let Some(g) = guarding {
                d = d.with_label(g.key.span, "ignored setting");
            }
            let anchor = cx
                .ws
                .pytest_configs()
                .find(|w| w.file == winner && w.shadowed_by.is_none())
                .map(|w| w.section);
            if let Some(a) = anchor {
                d = d.with_label(a, format!("pytest reads {winner_path} instead"));
            }
            out.push(d.with_help(format!(
                "move these settings into {winner_path} (the file pytest reads) and remove this section, or delete {winner_path} if it is stale"
            )));
        }
    }
}
