//! pytest configuration: the settings module (ini key, `--ds` in `addopts`),
//! pytest-env entries, and pytest's search order between files of one folder.
//!
//! pytest reads only the first matching file of a folder: `pytest.toml`,
//! `.pytest.toml`, `pytest.ini`, `.pytest.ini` (these four match even when
//! empty), `pyproject.toml` with `[tool.pytest]`/`[tool.pytest.ini_options]`,
//! `tox.ini` with `[pytest]`, `setup.cfg` with `[tool:pytest]`. The others are
//! shadowed: they look configured and do nothing.

use std::ops::Range;

use crate::model::{EnvSource, PytestConfig, Setting, TestEnv, Via};
use crate::source::{FileId, SourceFile, SourceKind, Span, Spanned};
use crate::stacks::ParseIssue;
use crate::syntax::ini::{self, IniSection};
use crate::syntax::toml::{self as tomlsrc, DeValue};

pub struct Parsed {
    pub configs: Vec<PytestConfig>,
    pub issues: Vec<ParseIssue>,
    /// `[tool.pytest_env]` in pyproject.toml: pytest-env reads it whichever
    /// file configures pytest.
    pub extra_envs: Vec<TestEnv>,
}

/// Keys whose value is a Django settings module or configuration class.
pub const SETTINGS_KEYS: &[&str] = &["DJANGO_SETTINGS_MODULE", "DJANGO_CONFIGURATION"];

pub fn parse(id: FileId, file: &SourceFile) -> Parsed {
    let mut out = Parsed {
        configs: Vec::new(),
        issues: Vec::new(),
        extra_envs: Vec::new(),
    };
    let name = file.file_name();
    match file.kind {
        SourceKind::PytestIni | SourceKind::ToxIni | SourceKind::SetupCfg => {
            let parsed = ini::parse(&file.text);
            let (rank, section_name) = match (file.kind, name) {
                (SourceKind::PytestIni, "pytest.ini") => (2, "pytest"),
                (SourceKind::PytestIni, _) => (3, "pytest"),
                (SourceKind::ToxIni, _) => (5, "pytest"),
                _ => (6, "tool:pytest"),
            };
            let section = parsed.section(section_name);
            let reports_errors = file.kind != SourceKind::SetupCfg || section.is_some();
            if reports_errors {
                out.issues.extend(parsed.errors.iter().map(|e| ParseIssue {
                    span: Span::new(id, e.range.start, e.range.end),
                    message: e.message.clone(),
                }));
            }
            let always_matches = file.kind == SourceKind::PytestIni;
            match section {
                Some(s) => {
                    let settings = ini_settings(id, &file.text, s);
                    let mut c = config(
                        id,
                        file,
                        rank,
                        span(id, &s.header),
                        format!("[{section_name}]"),
                        settings,
                    );
                    ini_dotenv_options(id, s, &mut c);
                    out.configs.push(c);
                }
                None if always_matches => {
                    out.configs.push(config(
                        id,
                        file,
                        rank,
                        Span::new(id, 0, 0),
                        "(no [pytest] section)".into(),
                        Vec::new(),
                    ));
                }
                None => {}
            }
        }
        SourceKind::PytestToml | SourceKind::PyprojectToml => {
            let doc = tomlsrc::parse(&file.text);
            out.issues
                .extend(doc.errors.iter().map(|(r, m)| ParseIssue {
                    span: Span::new(id, r.start, r.end),
                    message: m.clone(),
                }));
            let root = doc.root.get_ref();
            if file.kind == SourceKind::PytestToml {
                let rank = if name == "pytest.toml" { 0 } else { 1 };
                let (section, settings) = match root.get("pytest") {
                    Some(t) => (
                        span(id, &t.span()),
                        toml_settings(id, &file.text, t.get_ref()),
                    ),
                    None => (Span::new(id, 0, 0), Vec::new()),
                };
                let mut settings = settings;
                if let Some(t) = root.get("pytest_env") {
                    settings.extend(pytest_env_table(id, &file.text, t.get_ref()));
                }
                let mut c = config(id, file, rank, section, "[pytest]".into(), settings);
                if let Some(t) = root.get("pytest") {
                    toml_dotenv_options(id, &file.text, t.get_ref(), &mut c);
                }
                out.configs.push(c);
            } else {
                let native = tomlsrc::get_path(root, &["tool", "pytest"]);
                let ini_opts = tomlsrc::get_path(root, &["tool", "pytest", "ini_options"]);
                // `[tool.pytest]` holding only the `ini_options` sub-table is the
                // classic form, not the pytest 9 native one.
                let native_keys = native
                    .and_then(|n| n.get_ref().as_table())
                    .is_some_and(|t| t.iter().any(|(k, _)| k.get_ref() != "ini_options"));
                if native_keys && let Some(io) = ini_opts {
                    out.issues.push(ParseIssue {
                        span: span(id, &io.span()),
                        message: "pytest refuses a pyproject.toml with both [tool.pytest] and [tool.pytest.ini_options]: keep one".into(),
                    });
                }
                let chosen = if native_keys {
                    native.map(|n| ("[tool.pytest]", n))
                } else {
                    ini_opts.map(|io| ("[tool.pytest.ini_options]", io))
                };
                if let Some((label, t)) = chosen {
                    let settings = toml_settings(id, &file.text, t.get_ref());
                    let mut c = config(id, file, 4, span(id, &t.span()), label.into(), settings);
                    toml_dotenv_options(id, &file.text, t.get_ref(), &mut c);
                    out.configs.push(c);
                }
                if let Some(t) = tomlsrc::get_path(root, &["tool", "pytest_env"]) {
                    let settings = pytest_env_table(id, &file.text, t.get_ref());
                    out.extra_envs.push(TestEnv::local(
                        format!("pytest-env ([tool.pytest_env] in {})", file.path),
                        EnvSource::Pytest,
                        file,
                        id,
                        span(id, &t.span()),
                        settings,
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

fn span(id: FileId, r: &Range<usize>) -> Span {
    Span::new(id, r.start, r.end)
}

fn config(
    id: FileId,
    file: &SourceFile,
    rank: u8,
    section: Span,
    section_name: String,
    settings: Vec<Setting>,
) -> PytestConfig {
    PytestConfig {
        file: id,
        dir: file.dir().to_string(),
        rank,
        section,
        section_name,
        settings,
        shadowed_by: None,
        dotenv_files: None,
        dotenv_override: false,
    }
}

/// pytest-dotenv's two ini options: `env_files` (a line list) and
/// `env_override_existing_values` (a bool), in an INI section.
fn ini_dotenv_options(id: FileId, s: &IniSection, c: &mut PytestConfig) {
    for e in &s.entries {
        match e.key.as_str() {
            "env_files" => {
                // a line list: each line, stripped, is one file
                let files = e
                    .lines
                    .iter()
                    .filter(|l| !l.text.trim().is_empty())
                    .map(|l| {
                        let t = l.text.trim();
                        let at = l.range.start + (l.text.len() - l.text.trim_start().len());
                        (t.to_string(), Span::new(id, at, at + t.len()))
                    })
                    .collect();
                c.dotenv_files = Some(files);
            }
            "env_override_existing_values" => {
                c.dotenv_override = ini_bool(&e.value());
            }
            _ => {}
        }
    }
}

/// The same options in a TOML table (`[tool.pytest.ini_options]`, `[pytest]`).
fn toml_dotenv_options(id: FileId, text: &str, t: &DeValue<'_>, c: &mut PytestConfig) {
    let Some(t) = t.as_table() else { return };
    for (k, v) in t.iter() {
        match k.get_ref().as_ref() {
            "env_files" => {
                let mut files = Vec::new();
                for (s, inner, verbatim) in strings_of(text, v) {
                    for (o, line) in ini::lines_with_offsets(&s) {
                        let t = line.trim();
                        if t.is_empty() {
                            continue;
                        }
                        let o = o + (line.len() - line.trim_start().len());
                        let span = if verbatim {
                            Span::new(id, inner.start + o, inner.start + o + t.len())
                        } else {
                            Span::new(id, inner.start, inner.end)
                        };
                        files.push((t.to_string(), span));
                    }
                }
                c.dotenv_files = Some(files);
            }
            "env_override_existing_values" => {
                c.dotenv_override = match v.get_ref() {
                    DeValue::Boolean(b) => *b,
                    DeValue::String(s) => ini_bool(s),
                    DeValue::Integer(i) => i.as_str() != "0",
                    _ => false,
                };
            }
            _ => {}
        }
    }
}

/// pytest's reading of an ini bool (`_pytest.config.Config._getini`'s
/// `_strtobool`: y, yes, t, true, on, 1).
fn ini_bool(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "y" | "yes" | "t" | "true" | "on" | "1"
    )
}

fn setting(
    id: FileId,
    key: &str,
    key_range: Range<usize>,
    value: &str,
    value_range: Range<usize>,
    verbatim: bool,
    via: Via,
) -> Setting {
    let overridable = match via {
        Via::PytestIniKey => true,
        Via::PytestEnv { skip_if_set } => skip_if_set,
        _ => false,
    };
    Setting {
        key: Spanned::new(
            key.to_string(),
            Span::new(id, key_range.start, key_range.end),
        ),
        value: value.to_string(),
        value_span: Span::new(id, value_range.start, value_range.end),
        verbatim,
        overridable,
        via,
        unset: false,
        provenance: None,
        raw_offsets: None,
    }
}

fn ini_settings(id: FileId, text: &str, s: &IniSection) -> Vec<Setting> {
    let mut out = Vec::new();
    for e in &s.entries {
        if SETTINGS_KEYS.contains(&e.key.as_str()) {
            let r = e.value_range();
            out.push(setting(
                id,
                &e.key,
                e.key_range.clone(),
                &e.value(),
                r,
                true,
                Via::PytestIniKey,
            ));
        } else if e.key == "addopts" {
            for l in &e.lines {
                ds_options(id, text, &l.text, l.range.start, true, &mut out);
            }
        } else if e.key == "env" {
            for l in &e.lines {
                env_line(id, &l.text, l.range.start, true, &mut out);
            }
        }
    }
    out
}

fn toml_settings(id: FileId, text: &str, t: &DeValue<'_>) -> Vec<Setting> {
    let mut out = Vec::new();
    let Some(t) = t.as_table() else { return out };
    for (k, v) in t.iter() {
        let key = k.get_ref().as_ref();
        let kr = k.span();
        match (key, v.get_ref()) {
            (k2, DeValue::String(s)) if SETTINGS_KEYS.contains(&k2) => {
                let (inner, verbatim) = tomlsrc::string_inner(text, v.span());
                out.push(setting(id, k2, kr, s, inner, verbatim, Via::PytestIniKey));
            }
            ("addopts", _) | ("env", _) => {
                for (s, inner, verbatim) in strings_of(text, v) {
                    let pieces: Vec<(String, usize)> = if verbatim {
                        ini::lines_with_offsets(&s)
                            .map(|(o, l)| (l.to_string(), inner.start + o))
                            .collect()
                    } else {
                        vec![(s.clone(), inner.start)]
                    };
                    for (piece, start) in pieces {
                        if key == "addopts" {
                            ds_options(id, text, &piece, start, verbatim, &mut out);
                        } else {
                            let trimmed = piece.trim_start();
                            env_line(
                                id,
                                trimmed.trim_end(),
                                start + piece.len() - trimmed.len(),
                                verbatim,
                                &mut out,
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The strings of a string or array-of-strings value, with their inner ranges.
fn strings_of(text: &str, v: &toml::Spanned<DeValue<'_>>) -> Vec<(String, Range<usize>, bool)> {
    match v.get_ref() {
        DeValue::String(s) => {
            let (inner, verbatim) = tomlsrc::string_inner(text, v.span());
            vec![(s.to_string(), inner, verbatim)]
        }
        DeValue::Array(a) => a
            .iter()
            .filter_map(|item| {
                let s = item.get_ref().as_str()?;
                let (inner, verbatim) = tomlsrc::string_inner(text, item.span());
                Some((s.to_string(), inner, verbatim))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The words of an `addopts` piece as written, with their byte offsets:
/// pytest splits `addopts` with `shlex`, as a shell would.
fn words(s: &str) -> Vec<(usize, &str)> {
    crate::syntax::shell::raw_words(s)
}

/// `--ds=mod`, `--ds mod`, `--dc=Conf`, `--dc Conf` in an `addopts` piece.
fn ds_options(
    id: FileId,
    _text: &str,
    piece: &str,
    start: usize,
    verbatim: bool,
    out: &mut Vec<Setting>,
) {
    let w = words(piece);
    let mut i = 0;
    while i < w.len() {
        let (off, word) = w[i];
        for (opt, key) in [
            ("--ds", "DJANGO_SETTINGS_MODULE"),
            ("--dc", "DJANGO_CONFIGURATION"),
        ] {
            let found = if let Some(v) = word.strip_prefix(opt).and_then(|r| r.strip_prefix('=')) {
                Some((off + opt.len() + 1, v))
            } else if word == opt {
                w.get(i + 1).map(|&(o, v)| (o, v))
            } else {
                None
            };
            if let Some((voff, v)) = found {
                let v_clean = v.trim_matches(['"', '\'', ',']);
                let lead = v.len() - v.trim_start_matches(['"', '\'']).len();
                let (vr, kr) = if verbatim {
                    let vs = start + voff + lead;
                    (vs..vs + v_clean.len(), start + off..start + off + opt.len())
                } else {
                    (start..start + piece.len(), start..start + piece.len())
                };
                out.push(setting(
                    id,
                    key,
                    kr,
                    v_clean,
                    vr,
                    verbatim,
                    Via::PytestDsOption,
                ));
            }
        }
        i += 1;
    }
}

/// One pytest-env line: `[D:][R:][U:]KEY=VALUE`.
fn env_line(id: FileId, line: &str, start: usize, verbatim: bool, out: &mut Vec<Setting>) {
    let mut rest = line;
    let mut skip_if_set = false;
    let mut unset = false;
    loop {
        let up = rest.get(..2).map(|p| p.to_ascii_uppercase());
        match up.as_deref() {
            Some("D:") => skip_if_set = true,
            Some("U:") => unset = true,
            Some("R:") => {}
            _ => break,
        }
        rest = &rest[2..];
    }
    let off = line.len() - rest.len();
    let (key, value, voff) = match rest.find('=') {
        Some(eq) => {
            let v = &rest[eq + 1..];
            let lead = v.len() - v.trim_start().len();
            (rest[..eq].trim(), v.trim(), off + eq + 1 + lead)
        }
        None if unset => (rest.trim(), "", off + rest.len()),
        None => return,
    };
    if key.is_empty() {
        return;
    }
    let kstart = start + off + (rest.len() - rest.trim_start().len());
    let (kr, vr) = if verbatim {
        (
            kstart..kstart + key.len(),
            start + voff..start + voff + value.len(),
        )
    } else {
        (start..start + line.len(), start..start + line.len())
    };
    let mut s = setting(
        id,
        key,
        kr,
        value,
        vr,
        verbatim,
        Via::PytestEnv { skip_if_set },
    );
    s.unset = unset;
    out.push(s);
}

/// `[tool.pytest_env]` / `[pytest_env]`: `KEY = "v"` or `KEY = {value = "v", skip_if_set = true, unset = true}`.
fn pytest_env_table(id: FileId, text: &str, t: &DeValue<'_>) -> Vec<Setting> {
    let mut out = Vec::new();
    let Some(t) = t.as_table() else { return out };
    for (k, v) in t.iter() {
        let key = k.get_ref().as_ref();
        match v.get_ref() {
            DeValue::Table(inner) => {
                let flag = |name: &str| {
                    inner
                        .get(name)
                        .and_then(|b| b.get_ref().as_bool())
                        .unwrap_or(false)
                };
                let (value, vr, verbatim) = match inner.get("value") {
                    Some(val) => {
                        let (r, verb) = tomlsrc::string_inner(text, val.span());
                        (
                            tomlsrc::scalar_text(val.get_ref()).unwrap_or_default(),
                            r,
                            verb,
                        )
                    }
                    None => (String::new(), v.span(), false),
                };
                let mut s = setting(
                    id,
                    key,
                    k.span(),
                    &value,
                    vr,
                    verbatim,
                    Via::PytestEnv {
                        skip_if_set: flag("skip_if_set"),
                    },
                );
                s.unset = flag("unset");
                out.push(s);
            }
            other => {
                if let Some(value) = tomlsrc::scalar_text(other) {
                    let (r, verbatim) = tomlsrc::string_inner(text, v.span());
                    out.push(setting(
                        id,
                        key,
                        k.span(),
                        &value,
                        r,
                        verbatim,
                        Via::PytestEnv { skip_if_set: false },
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(name: &str, kind: SourceKind, text: &str) -> Parsed {
        let f = SourceFile::new(name.into(), kind, text.into());
        parse(FileId(0), &f)
    }

    #[test]
    fn ini_ds_env_and_key() {
        let text = "[pytest]\nDJANGO_SETTINGS_MODULE = a.settings\naddopts = -ra --ds=b.settings.test\n  --dc Test\nenv =\n  D:DB_NAME=x\n  U:SECRET\n  R:D:A = {x}\n";
        let p = parse_str("pytest.ini", SourceKind::PytestIni, text);
        let s = &p.configs[0].settings;
        let got: Vec<(&str, &str, bool)> = s
            .iter()
            .map(|s| (s.key.value.as_str(), s.value.as_str(), s.overridable))
            .collect();
        assert_eq!(
            got,
            [
                ("DJANGO_SETTINGS_MODULE", "a.settings", true),
                ("DJANGO_SETTINGS_MODULE", "b.settings.test", false),
                ("DJANGO_CONFIGURATION", "Test", false),
                ("DB_NAME", "x", true),
                ("SECRET", "", false),
                ("A", "{x}", true),
            ]
        );
        let ds = &s[1];
        assert_eq!(
            &text[ds.value_span.start..ds.value_span.end],
            "b.settings.test"
        );
        assert!(s[4].unset);
    }

    #[test]
    fn native_toml_list_addopts() {
        let text =
            "[tool.pytest]\naddopts = [\"-ra\", \"--ds=config.settings.test\"]\nenv = [\"DB=x\"]\n";
        let p = parse_str("pyproject.toml", SourceKind::PyprojectToml, text);
        let s = &p.configs[0].settings;
        assert_eq!(s[0].value, "config.settings.test");
        assert_eq!(
            &text[s[0].value_span.start..s[0].value_span.end],
            "config.settings.test"
        );
        assert_eq!((s[1].key.value.as_str(), s[1].value.as_str()), ("DB", "x"));
        assert_eq!(p.configs[0].section_name, "[tool.pytest]");
    }

    #[test]
    fn pytest_env_table_forms() {
        let text = "[tool.pytest_env]\nA = \"1\"\nB = {value = \"2\", skip_if_set = true}\n";
        let p = parse_str("pyproject.toml", SourceKind::PyprojectToml, text);
        assert!(p.configs.is_empty());
        let s = &p.extra_envs[0].settings;
        assert_eq!(s.len(), 2);
        assert!(!s[0].overridable && s[1].overridable);
        assert_eq!(&text[s[1].value_span.start..s[1].value_span.end], "2");
    }

    #[test]
    fn setup_cfg_without_pytest_section_is_not_a_config() {
        let p = parse_str(
            "setup.cfg",
            SourceKind::SetupCfg,
            "[metadata]\nname = x\nbroken line\n",
        );
        assert!(p.configs.is_empty() && p.issues.is_empty());
    }
}
