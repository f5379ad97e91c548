//! tox environments: `setenv`/`set_env` of `[testenv]` and `[testenv:NAME]`
//! (tox.ini), `env_run_base` and `env.NAME` (tox.toml, `[tool.tox]`), and the
//! settings module given on a `commands` line (`--ds=…`, `--settings=…`).

use crate::model::{EnvSource, Setting, TestEnv, Via};
use crate::source::{FileId, SourceFile, SourceKind, Span, Spanned};
use crate::syntax::ini;
use crate::syntax::toml::{self as tomlsrc, DeValue};

pub fn parse(id: FileId, file: &SourceFile) -> Vec<TestEnv> {
    match file.kind {
        SourceKind::ToxIni => parse_ini(id, file),
        SourceKind::ToxToml => parse_toml(id, file, &[]),
        SourceKind::PyprojectToml => parse_toml(id, file, &["tool", "tox"]),
        _ => Vec::new(),
    }
}

fn new_env(
    id: FileId,
    file: &SourceFile,
    section: &str,
    anchor: Span,
    settings: Vec<Setting>,
) -> TestEnv {
    TestEnv::local(
        format!("tox {section} ({})", file.path),
        EnvSource::Tox,
        file,
        id,
        anchor,
        settings,
    )
}

fn parse_ini(id: FileId, file: &SourceFile) -> Vec<TestEnv> {
    let parsed = ini::parse(&file.text);
    let mut envs = Vec::new();
    for s in &parsed.sections {
        if s.name != "testenv" && !s.name.starts_with("testenv:") {
            continue;
        }
        let mut settings = Vec::new();
        for e in &s.entries {
            if e.key == "setenv" || e.key == "set_env" {
                for l in &e.lines {
                    if let Some(st) = setenv_line(id, &l.text, l.range.start) {
                        settings.push(st);
                    }
                }
            } else if e.key == "commands" || e.key == "commands_pre" {
                for l in &e.lines {
                    settings.extend(command_settings(id, &l.text, l.range.start));
                }
            }
        }
        let anchor = Span::new(id, s.header.start, s.header.end);
        envs.push(new_env(
            id,
            file,
            &format!("[{}]", s.name),
            anchor,
            settings,
        ));
    }
    envs
}

/// `KEY=VALUE`, or `factor: KEY=VALUE` (applies only to environments with that
/// factor; still a setting some run gets). tox 4 strips ` # comments`.
fn setenv_line(id: FileId, line: &str, start: usize) -> Option<Setting> {
    if line.starts_with("file|") || line.starts_with('#') {
        return None;
    }
    let line = match line.find(" #") {
        Some(h) => line[..h].trim_end(),
        None => line,
    };
    let eq = line.find('=')?;
    let before = &line[..eq];
    let key_start = before.rfind(':').map_or(0, |c| c + 1);
    let key_raw = &before[key_start..];
    let key = key_raw.trim();
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    let k_off = key_start + (key_raw.len() - key_raw.trim_start().len());
    let v_raw = &line[eq + 1..];
    let value = v_raw.trim();
    let v_off = eq + 1 + (v_raw.len() - v_raw.trim_start().len());
    Some(Setting {
        key: Spanned::new(
            key.to_string(),
            Span::new(id, start + k_off, start + k_off + key.len()),
        ),
        value: value.to_string(),
        value_span: Span::new(id, start + v_off, start + v_off + value.len()),
        verbatim: true,
        overridable: false,
        via: Via::ToxSetenv,
        unset: false,
        provenance: None,
        raw_offsets: None,
    })
}

/// `--ds=mod` / `--settings=mod` / `--settings mod` on a command line.
fn command_settings(id: FileId, line: &str, start: usize) -> Vec<Setting> {
    let mut out = Vec::new();
    let words: Vec<(usize, &str)> = line
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - line.as_ptr() as usize, w))
        .collect();
    for (i, &(off, w)) in words.iter().enumerate() {
        for opt in ["--ds", "--settings"] {
            let found = match w.strip_prefix(opt) {
                Some(r) if r.starts_with('=') => Some((off + opt.len() + 1, &r[1..])),
                Some("") => words.get(i + 1).copied(),
                _ => None,
            };
            if let Some((voff, v)) = found {
                let v = v.trim_matches(['"', '\'']);
                if v.is_empty() || v.starts_with('{') {
                    continue;
                }
                out.push(Setting {
                    key: Spanned::new(
                        "DJANGO_SETTINGS_MODULE".into(),
                        Span::new(id, start + off, start + off + opt.len()),
                    ),
                    value: v.to_string(),
                    value_span: Span::new(id, start + voff, start + voff + v.len()),
                    verbatim: true,
                    overridable: false,
                    via: Via::ToxCommandOption,
                    unset: false,
                    provenance: None,
                    raw_offsets: None,
                });
            }
        }
    }
    out
}

fn parse_toml(id: FileId, file: &SourceFile, prefix: &[&str]) -> Vec<TestEnv> {
    let doc = tomlsrc::parse(&file.text);
    let root = doc.root.get_ref();
    let table = if prefix.is_empty() {
        Some(root)
    } else {
        tomlsrc::get_path(root, prefix).and_then(|b| b.get_ref().as_table())
    };
    let Some(table) = table else {
        return Vec::new();
    };
    let mut envs = Vec::new();
    let mut one = |name: String, t: &toml::Spanned<DeValue<'_>>| {
        let Some(tt) = t.get_ref().as_table() else {
            return;
        };
        let mut settings = Vec::new();
        if let Some(se) = tt.get("set_env").and_then(|s| s.get_ref().as_table()) {
            for (k, v) in se.iter() {
                let Some(value) = tomlsrc::scalar_text(v.get_ref()) else {
                    continue;
                };
                let (r, verbatim) = tomlsrc::string_inner(&file.text, v.span());
                let kr = k.span();
                settings.push(Setting {
                    key: Spanned::new(k.get_ref().to_string(), Span::new(id, kr.start, kr.end)),
                    value,
                    value_span: Span::new(id, r.start, r.end),
                    verbatim,
                    overridable: false,
                    via: Via::ToxSetenv,
                    unset: false,
                    provenance: None,
                    raw_offsets: None,
                });
            }
        }
        let span = t.span();
        envs.push(new_env(
            id,
            file,
            &name,
            Span::new(id, span.start, span.end),
            settings,
        ));
    };
    if let Some(b) = table.get("env_run_base") {
        one("[env_run_base]".into(), b);
    }
    if let Some(envtab) = table.get("env").and_then(|e| e.get_ref().as_table()) {
        for (k, v) in envtab.iter() {
            one(format!("[env.{}]", k.get_ref()), v);
        }
    }
    envs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setenv_with_factors_and_commands() {
        let text = "[tox]\nenvlist = py\n[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE=app.settings.test\n    mssql: DATABASE_NAME=master # sys\ncommands =\n    pytest --ds=app.settings.ci {posargs}\n    django-admin test --settings app.settings.testing\n";
        let f = SourceFile::new("tox.ini".into(), SourceKind::ToxIni, text.into());
        let envs = parse(FileId(0), &f);
        assert_eq!(envs.len(), 1);
        let got: Vec<(&str, &str)> = envs[0]
            .settings
            .iter()
            .map(|s| (s.key.value.as_str(), s.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("DJANGO_SETTINGS_MODULE", "app.settings.test"),
                ("DATABASE_NAME", "master"),
                ("DJANGO_SETTINGS_MODULE", "app.settings.ci"),
                ("DJANGO_SETTINGS_MODULE", "app.settings.testing"),
            ]
        );
        let s = &envs[0].settings[1];
        assert_eq!(&text[s.value_span.start..s.value_span.end], "master");
    }

    #[test]
    fn tox_toml_set_env() {
        let text = "[env_run_base]\nset_env = { DATABASE_URL = \"sqlite:///x.db\" }\n[env.pg]\nset_env.DB_NAME = \"app\"\n";
        let f = SourceFile::new("tox.toml".into(), SourceKind::ToxToml, text.into());
        let envs = parse(FileId(0), &f);
        assert_eq!(envs.len(), 2);
        assert_eq!(envs[1].settings[0].value, "app");
    }
}
