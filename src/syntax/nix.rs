//! Nix files, read only as far as a development shell definition goes
//! (`devenv.nix`): the variables it exports. Two forms carry them
//! (devenv.sh reference, "env" and "enterShell"):
//!
//! - attributes of `env`: `env.DATABASE_NAME = "app";` or
//!   `env = { DATABASE_NAME = "app"; };`
//! - `export K=V` lines of the `enterShell` script, an indented string
//!   (`enterShell = '' … '';`).
//!
//! A value is literal only when it is a string without `${…}`; anything
//! else is present but unknown. Comments (`#`, `/* */`) are skipped; a
//! string or block that never closes ends the reading, never panics.

use super::{find, line_end};
use std::ops::Range;

/// One exported variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    /// Where the name stands.
    pub at: Range<usize>,
    /// The value when it is literal text.
    pub value: Option<String>,
}

/// The variables the shell a Nix file defines exports.
pub fn shell_exports(text: &str) -> Vec<Export> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    // the `env = {` attribute set being read, by its brace depth
    let mut depth = 0usize;
    let mut env_depth: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'#' => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let Some(end) = find(b, i + 2, b"*/") else {
                    return out;
                };
                i = end + 2;
            }
            b'"' => {
                let Some(end) = skip_string(b, i) else {
                    return out;
                };
                i = end;
            }
            b'\'' if b.get(i + 1) == Some(&b'\'') => {
                let Some(end) = indented_end(b, i + 2) else {
                    return out;
                };
                i = end + 2;
            }
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                if env_depth == Some(depth) {
                    env_depth = None;
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && is_attr(b[i]) {
                    i += 1;
                }
                let path = &text[start..i];
                let after = skip_blank(b, i);
                if b.get(after) != Some(&b'=') || b.get(after + 1) == Some(&b'=') {
                    continue;
                }
                let value_at = skip_blank(b, after + 1);
                if path == "enterShell" && b.get(value_at..value_at + 2) == Some(b"''") {
                    let Some(end) = indented_end(b, value_at + 2) else {
                        return out;
                    };
                    script_exports(text, value_at + 2..end, &mut out);
                    i = end + 2;
                } else if path == "env" && b.get(value_at) == Some(&b'{') {
                    depth += 1;
                    env_depth = Some(depth);
                    i = value_at + 1;
                } else if let Some(name) = path.strip_prefix("env.") {
                    out.push(binding(text, start + 4, name, value_at));
                } else if env_depth == Some(depth)
                    && !path.contains('.')
                    && b.get(value_at) != Some(&b'{')
                {
                    out.push(binding(text, start, path, value_at));
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn is_attr(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'\'' | b'.')
}

fn binding(text: &str, at: usize, name: &str, value_at: usize) -> Export {
    Export {
        name: name.to_string(),
        at: at..at + name.len(),
        value: string_value(text, value_at),
    }
}

/// The literal text of the string at `at` followed by `;`, if it is one.
fn string_value(text: &str, at: usize) -> Option<String> {
    let b = text.as_bytes();
    if b.get(at) != Some(&b'"') {
        return None;
    }
    let end = skip_string(b, at)?;
    let inner = text.get(at + 1..end - 1)?;
    let rest = skip_blank(b, end);
    (b.get(rest) == Some(&b';') && !inner.contains(['\\', '$'])).then(|| inner.to_string())
}

/// `export K=V` lines of a shell script in `range`.
fn script_exports(text: &str, range: Range<usize>, out: &mut Vec<Export>) {
    let Some(script) = text.get(range.clone()) else {
        return;
    };
    let mut offset = range.start;
    for line in script.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("export ") {
            let at = offset + (line.len() - t.len()) + "export ".len();
            let lead = rest.len() - rest.trim_start().len();
            let rest = rest.trim_start();
            if let Some((name, value)) = rest.split_once('=')
                && !name.is_empty()
                && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
            {
                let at = at + lead;
                out.push(Export {
                    name: name.to_string(),
                    at: at..at + name.len(),
                    value: super::shell_word(value.trim_end_matches('\n')),
                });
            }
        }
        offset += line.len();
    }
}

/// The index of the `''` that closes an indented string whose text starts
/// at `from` (`'''`, `''$` and `''\` are escapes inside it).
fn indented_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 1 < b.len() {
        if b[i] == b'\'' && b[i + 1] == b'\'' {
            match b.get(i + 2) {
                Some(b'\'') | Some(b'$') => i += 3,
                Some(b'\\') => i += 4,
                _ => return Some(i),
            }
        } else {
            i += 1;
        }
    }
    None
}

/// The index after the `"…"` string at `at`.
fn skip_string(b: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_blank(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_attributes_and_enter_shell_exports() {
        let text = r#"{ pkgs, config, ... }:
let port = 7000; in
{
  # env.COMMENTED = "no";
  env.DATABASE_NAME = "app";
  env.DATABASE_PORT = "${toString port}";
  env = {
    PGDATABASE = "app_dev";
    nested = { NOT_ME = "x"; };
  };
  packages = [ pkgs.jq ];
  /* enterShell = '' export NOPE=1 ''; */
  enterShell = ''
    export DATABASE_USER="app"
    export DATABASE_HOST="${config.host}"
    echo "export NOT_EXPORTED=1" '''quoted'''
    export TZ=UTC
  '';
  enterTest = ''
    export NOT_THE_SHELL=1
  '';
}
"#;
        let got: Vec<(String, Option<String>)> = shell_exports(text)
            .into_iter()
            .map(|e| {
                assert_eq!(&text[e.at.clone()], e.name);
                (e.name, e.value)
            })
            .collect();
        let want: Vec<(String, Option<String>)> = [
            ("DATABASE_NAME", Some("app")),
            ("DATABASE_PORT", None),
            ("PGDATABASE", Some("app_dev")),
            ("DATABASE_USER", Some("app")),
            ("DATABASE_HOST", None),
            ("TZ", Some("UTC")),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn what_never_closes_stops_the_reading() {
        for text in [
            "{ enterShell = ''\n export A=1\n",
            "{ env.A = \"x",
            "{ /* env.A = \"x\"; ",
            "env = { A = ''",
            "''",
            "{ env.B = \"b\"; \"",
        ] {
            let _ = shell_exports(text);
        }
        assert_eq!(shell_exports("{ env.B = \"b\"; \"").len(), 1);
    }
}
