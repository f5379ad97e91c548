//! Elixir configuration files (`config/test.exs`, `config/dev.exs`), read
//! as far as `config :app, Module, key: value, …` calls go: the calls that
//! start a line (a call inside `if … do` is conditional and not read), their
//! keyword pairs, and what a value is when it is an environment read
//! (`System.get_env("X")`, `System.get_env("X", "d")`,
//! `System.fetch_env!("X")`, `{:system, "X", "d"}`, `… || "d"`), a string
//! literal, or a string with one such interpolation. Anything else is
//! `None`: unknown. Strings (with `#{…}` inside them) and `#` comments are
//! skipped when looking for commas.

use std::ops::Range;

use super::erb::Alternative;

/// Nesting deeper than this (strings inside interpolations inside strings)
/// is not configuration: the call is not read.
const MAX_NESTING: usize = 32;

/// One `config :app, Module, …` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigCall {
    pub app: String,
    pub module: String,
    /// `key: value` pairs: the key and the value's bytes in the file.
    pub pairs: Vec<(String, Range<usize>)>,
}

/// What a value is: literal text around one environment read, or a literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub prefix: String,
    /// The first that is not nil wins; positions are within the file.
    pub alternatives: Vec<Alternative>,
    pub suffix: String,
}

/// Every `config :app, Module, …` call that starts a line.
pub fn config_calls(text: &str) -> Vec<ConfigCall> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut line_start = 0;
    while line_start < b.len() {
        let line_end = next_line(b, line_start);
        if b[line_start..].starts_with(b"config ") || b[line_start..].starts_with(b"config(") {
            // the call runs on while its lines are indented, blank or comments
            let mut end = line_end;
            while end < b.len() {
                let next = next_line(b, end);
                let first = b[end];
                if first == b' '
                    || first == b'\t'
                    || first == b'\n'
                    || first == b'\r'
                    || first == b'#'
                {
                    end = next;
                } else {
                    break;
                }
            }
            let mut args = line_start + "config".len()..end;
            // `config(…)`: the arguments are inside the parentheses
            if b[args.start] == b'(' {
                let body = text[args.clone()].trim_end();
                let Some(inner) = body.strip_suffix(')') else {
                    line_start = end;
                    continue;
                };
                args = args.start + 1..args.start + inner.len();
            }
            if let Some(call) = call(text, args) {
                out.push(call);
            }
            line_start = end;
        } else {
            line_start = line_end;
        }
    }
    out
}

fn next_line(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| from + p + 1)
}

/// The arguments of one call: `:app`, a module, then keyword pairs.
fn call(text: &str, range: Range<usize>) -> Option<ConfigCall> {
    let args = split_top(text, range)?;
    let mut args = args.into_iter();
    let app_range = args.next()?;
    let app = text.get(app_range)?.trim();
    let app = app.strip_prefix(':')?;
    if app.is_empty() || !app.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
        return None;
    }
    let module = text.get(args.next()?)?.trim();
    if !module.starts_with(|c: char| c.is_ascii_uppercase())
        || !module
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
    {
        return None;
    }
    let mut pairs = Vec::new();
    for arg in args {
        let raw = text.get(arg.clone())?;
        let lead = raw.len() - raw.trim_start().len();
        let t = raw.trim_start();
        let Some(colon) = t.find(": ") else { continue };
        let key = &t[..colon];
        if key.is_empty() || !key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            continue;
        }
        let value_start = arg.start + lead + colon + 2;
        let value = text.get(value_start..arg.end)?;
        // a key with nothing after it (`url: ` at the end) has no value
        if value.trim().is_empty() {
            continue;
        }
        let trimmed_end = value_start + value.trim_end().len();
        let value_lead = value.len() - value.trim_start().len();
        pairs.push((key.to_string(), value_start + value_lead..trimmed_end));
    }
    Some(ConfigCall {
        app: app.to_string(),
        module: module.to_string(),
        pairs,
    })
}

/// `range` split at its top-level commas (outside brackets, strings and
/// comments); `None` when a string or bracket is never closed.
fn split_top(text: &str, range: Range<usize>) -> Option<Vec<Range<usize>>> {
    let b = text.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut last, mut i) = (0i32, range.start, range.start);
    while i < range.end {
        match b[i] {
            b'"' => {
                i = skip_string(b, i, 0)?;
                continue;
            }
            b'#' => {
                i = next_line(b, i).min(range.end);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(last..i);
                last = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(last..range.end);
    (depth == 0).then_some(parts)
}

/// The index after the string that starts at `at` (a `"`), interpolations
/// and escapes included.
fn skip_string(b: &[u8], at: usize, nesting: usize) -> Option<usize> {
    if nesting > MAX_NESTING {
        return None;
    }
    let mut i = at + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            b'#' if b.get(i + 1) == Some(&b'{') => {
                i += 2;
                let mut depth = 1;
                while depth > 0 {
                    match b.get(i)? {
                        b'"' => {
                            i = skip_string(b, i, nesting + 1)?;
                            continue;
                        }
                        b'{' => depth += 1,
                        b'}' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// What the value at `range` of `text` is, when it is one of the forms this
/// module knows.
pub fn value(text: &str, range: Range<usize>) -> Option<Value> {
    let code = text.get(range.clone())?;
    // `"app_test#{System.get_env("MIX_TEST_PARTITION")}"`
    if let Some(inner) = code.strip_prefix('"').and_then(|c| c.strip_suffix('"'))
        && let Some(open) = inner.find("#{")
    {
        let close = open + inner[open..].rfind('}')?;
        let (before, expr, after) = (&inner[..open], &inner[open + 2..close], &inner[close + 1..]);
        if [before, after].iter().any(|s| s.contains(['"', '\\', '#'])) {
            return None;
        }
        let expr_start = range.start + 1 + open + 2;
        let alternatives = chain(text, expr_start..expr_start + expr.len())?;
        return Some(Value {
            prefix: before.to_string(),
            alternatives,
            suffix: after.to_string(),
        });
    }
    Some(Value {
        prefix: String::new(),
        alternatives: chain(text, range)?,
        suffix: String::new(),
    })
}

/// `a || b || c`, each an environment read or a literal.
fn chain(text: &str, range: Range<usize>) -> Option<Vec<Alternative>> {
    let code = text.get(range.clone())?;
    let mut out = Vec::new();
    let mut offset = range.start;
    for part in code.split("||") {
        let lead = part.len() - part.trim_start().len();
        out.extend(term(part.trim(), offset + lead)?);
        offset += part.len() + 2;
    }
    Some(out)
}

/// One environment read or literal; `start` is where `t` stands in the file.
fn term(t: &str, start: usize) -> Option<Vec<Alternative>> {
    if let Some(l) = literal(t) {
        return Some(vec![Alternative::Literal(l)]);
    }
    let (args, args_start) = if let Some(rest) = t
        .strip_prefix("System.get_env(")
        .or_else(|| t.strip_prefix("System.fetch_env!("))
    {
        (rest.strip_suffix(')')?, start + (t.len() - rest.len()))
    } else if let Some(rest) = t.strip_prefix("{:system,") {
        (rest.strip_suffix('}')?, start + "{:system,".len())
    } else {
        return None;
    };
    let mut pieces = args.splitn(2, ',');
    let first = pieces.next()?;
    let name = literal(first.trim())?;
    if name.is_empty() {
        return None;
    }
    let at = args_start + (first.len() - first.trim_start().len()) + 1;
    let mut out = vec![Alternative::Env {
        at: at..at + name.len(),
        name,
    }];
    if let Some(default) = pieces.next() {
        out.push(Alternative::Literal(literal(default.trim())?));
    }
    Some(out)
}

/// A string without interpolation or escapes.
fn literal(t: &str) -> Option<String> {
    let inner = t.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\', '#'])).then(|| inner.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_name<'a>(text: &'a str, a: &Alternative) -> &'a str {
        match a {
            Alternative::Env { at, .. } => &text[at.clone()],
            Alternative::Literal(_) => "",
        }
    }

    #[test]
    fn calls_pairs_and_values() {
        let text = r#"use Mix.Config

# the repo
config :user, User.Repo,
  adapter: Ecto.Adapters.Postgres,
  url: System.get_env("DATABASE_URL"),
  ssl: if System.get_env("SSL") === "true", do: true, else: false,
  pool: Ecto.Adapters.SQL.Sandbox

config :ewallet_db, EWalletDB.Repo,
  url: {:system, "DATABASE_URL", "postgres://localhost/ewallet_test"}

config :app, App.Repo,
  database: "app_test#{System.get_env("MIX_TEST_PARTITION")}",
  hostname: "localhost" # a comment, with a comma

config(:app, App.Other, database: System.get_env("OTHER_DB") || "other_test")

if config_env() == :test do
  config :app, App.Hidden, url: System.get_env("X")
end
config :logger, level: :warning
"#;
        let calls = config_calls(text);
        let names: Vec<&str> = calls.iter().map(|c| c.module.as_str()).collect();
        assert_eq!(
            names,
            ["User.Repo", "EWalletDB.Repo", "App.Repo", "App.Other"]
        );
        let url = &calls[0]
            .pairs
            .iter()
            .find(|(k, _)| k == "url")
            .expect("url")
            .1;
        let v = value(text, url.clone()).expect("an environment read");
        assert_eq!(env_name(text, &v.alternatives[0]), "DATABASE_URL");
        let url = &calls[1].pairs[0].1;
        let v = value(text, url.clone()).expect("a system tuple");
        assert_eq!(env_name(text, &v.alternatives[0]), "DATABASE_URL");
        assert_eq!(
            v.alternatives[1],
            Alternative::Literal("postgres://localhost/ewallet_test".into())
        );
        let db = &calls[2].pairs[0].1;
        let v = value(text, db.clone()).expect("an interpolation");
        assert_eq!(v.prefix, "app_test");
        assert_eq!(env_name(text, &v.alternatives[0]), "MIX_TEST_PARTITION");
        assert_eq!(calls[2].pairs.len(), 2, "{:?}", calls[2].pairs);
        let db = &calls[3].pairs[0].1;
        assert_eq!(
            &text[db.clone()],
            r#"System.get_env("OTHER_DB") || "other_test""#
        );
        let v = value(text, db.clone()).expect("a chain");
        assert_eq!(v.alternatives.len(), 2);
    }

    #[test]
    fn what_is_not_known_is_none() {
        for code in [
            "Helpers.get_env(\"DATABASE_URL\", \"x\")",
            "System.get_env(name)",
            "\"a#{b}\\\"\"",
            "database_url",
        ] {
            let text = format!("config :a, A.Repo,\n  url: {code}\n");
            let calls = config_calls(&text);
            let range = calls[0].pairs[0].1.clone();
            assert_eq!(value(&text, range), None, "{code}");
        }
        assert!(config_calls("config :a, A.Repo,\n  url: \"open\n").is_empty());
        // found by the elixir fuzz target: a key with only blanks after it
        let calls = config_calls("config :a, A.Repo, u: \n  ,url: x\n");
        assert_eq!(calls[0].pairs.len(), 1, "{:?}", calls[0].pairs);
    }
}
