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
    /// An argument that is not a `key: value` pair (`config :app, Repo,
    /// repo_config`): the call may set any key.
    pub opaque: bool,
    /// Where the call starts.
    pub at: usize,
    /// The blocks around the call, outermost first.
    pub guards: Vec<Guard>,
}

/// What a value is: literal text around one environment read, or a literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub prefix: String,
    /// The first that is not nil wins; positions are within the file.
    pub alternatives: Vec<Alternative>,
    pub suffix: String,
}

/// A block a call stands in, as far as it decides whether the call runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Runs in exactly the environments listed (`if config_env() == :prod
    /// do`), or in all the others when `negated` (`unless …`, the `else`
    /// branch, `!=`, `not in`, a catch-all `case` arm after `:prod ->`).
    Env { envs: Vec<String>, negated: bool },
    /// A function or module body (`defmodule`, `def`): not run when the file is.
    Definition,
    /// A condition on something else (`case System.get_env("X") do`, `fn`,
    /// `cond`): it may or may not run.
    Unknown,
}

/// Whether a call runs in an environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    Yes,
    No,
    Maybe,
}

impl ConfigCall {
    /// Whether the call runs when the configuration is evaluated for `env`
    /// (`config_env()`'s atom without the colon: `test`, `dev`, `prod`).
    pub fn applies(&self, env: &str) -> Applies {
        let mut out = Applies::Yes;
        for g in &self.guards {
            match g {
                Guard::Definition => return Applies::No,
                Guard::Env { envs, negated } => {
                    if envs.iter().any(|e| e == env) == *negated {
                        return Applies::No;
                    }
                }
                Guard::Unknown => out = Applies::Maybe,
            }
        }
        out
    }
}

/// A block being read: its guard, and for `case config_env() do` the atoms
/// of the arms so far (a catch-all arm runs in every other environment).
struct Block {
    guard: Guard,
    case_env: Option<Vec<String>>,
}

/// Every `config :app, Module, …` call that starts a line, at any depth,
/// with the blocks around it. Strings, charlists, sigils, heredocs and
/// comments are skipped when reading the blocks; a file whose blocks do not
/// close gives the calls read so far.
pub fn config_calls(text: &str) -> Vec<ConfigCall> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    // calls are read whole; the scan resumes after one but keeps reading its
    // bytes for blocks
    let mut call_end = 0;
    while i < b.len() {
        if line_start {
            line_start = false;
            let indent = b[i..]
                .iter()
                .take_while(|&&c| c == b' ' || c == b'\t')
                .count();
            let first = i + indent;
            if let Some(top) = blocks.last_mut()
                && let Some(seen) = top.case_env.as_mut()
                && let Some(arm) = case_arm(text.get(first..next_line(b, first)).unwrap_or(""))
            {
                top.guard = match arm {
                    Some(atom) => {
                        seen.push(atom.clone());
                        Guard::Env {
                            envs: vec![atom],
                            negated: false,
                        }
                    }
                    None => Guard::Env {
                        envs: seen.clone(),
                        negated: true,
                    },
                };
            }
            if first >= call_end
                && (b[first..].starts_with(b"config ") || b[first..].starts_with(b"config("))
            {
                let end = call_extent(b, first, indent);
                call_end = end;
                if let Some(mut c) = call_at(text, first, end) {
                    c.guards = blocks.iter().map(|bl| bl.guard.clone()).collect();
                    out.push(c);
                }
            }
            i = first;
            continue;
        }
        match b[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'#' => {
                i = next_line(b, i);
                line_start = true;
            }
            b'"' | b'\'' => {
                let Some(next) = skip_quoted(b, i) else {
                    return out;
                };
                i = next;
            }
            b'~' => {
                let Some(next) = skip_sigil(b, i) else {
                    return out;
                };
                i = next;
            }
            // `?a`, `?"`: a character; `valid?(`: part of a name
            b'?' if i == 0 || !is_ident(b[i - 1]) => i += 2,
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (is_ident(b[i]) || b[i] == b'?' || b[i] == b'!') {
                    i += 1;
                }
                // `do:`, `end:` are keys; `x.end`, `:do` are not keywords
                let keyword = b.get(i) != Some(&b':')
                    && (start == 0 || !matches!(b[start - 1], b'.' | b':' | b'@'));
                if !keyword {
                    continue;
                }
                match &b[start..i] {
                    // a call that does not start a line (`_ -> config :a,
                    // A.Repo, kw`, `if x, do: config(…)`): conditional on
                    // what stands before it on the line
                    b"config"
                        if start >= call_end
                            && (b[i..].starts_with(b" :") || b[i..].starts_with(b"(:")) =>
                    {
                        let end = next_line(b, start);
                        if let Some(mut c) = call_at(text, start, end) {
                            c.guards = blocks.iter().map(|bl| bl.guard.clone()).collect();
                            c.guards.push(Guard::Unknown);
                            out.push(c);
                        }
                        call_end = end;
                    }
                    b"do" => {
                        let head_start = b[..start]
                            .iter()
                            .rposition(|&c| c == b'\n')
                            .map_or(0, |p| p + 1);
                        let head = text.get(head_start..start).unwrap_or("").trim();
                        blocks.push(block_of(head));
                    }
                    b"fn" => blocks.push(Block {
                        guard: Guard::Unknown,
                        case_env: None,
                    }),
                    b"end" => {
                        blocks.pop();
                    }
                    b"else" => {
                        if let Some(top) = blocks.last_mut() {
                            top.guard = match &top.guard {
                                Guard::Env { envs, negated } => Guard::Env {
                                    envs: envs.clone(),
                                    negated: !negated,
                                },
                                g => g.clone(),
                            };
                        }
                    }
                    _ => {}
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The end of a call starting at `first` (indented by `indent`): it runs on
/// while the lines after it are indented deeper, blank, or comments.
fn call_extent(b: &[u8], first: usize, indent: usize) -> usize {
    let mut end = next_line(b, first);
    while end < b.len() {
        let next = next_line(b, end);
        let line = &b[end..next];
        let lead = line
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
        let rest = &line[lead..];
        if rest.is_empty()
            || rest[0] == b'\n'
            || rest[0] == b'\r'
            || rest[0] == b'#'
            || lead > indent
        {
            end = next;
        } else {
            break;
        }
    }
    end
}

/// The call between `first` (at `config`) and `end`.
fn call_at(text: &str, first: usize, end: usize) -> Option<ConfigCall> {
    let b = text.as_bytes();
    let mut args = first + "config".len()..end;
    // `config(…)`: the arguments are inside the parentheses
    if b.get(args.start) == Some(&b'(') {
        let body = text.get(args.clone())?.trim_end();
        let inner = body.strip_suffix(')')?;
        args = args.start + 1..args.start + inner.len();
    }
    let mut c = call(text, args)?;
    c.at = first;
    Some(c)
}

/// What a block's head (the text before its `do`) says about when it runs.
fn block_of(head: &str) -> Block {
    let word = head.split([' ', '(']).next().unwrap_or("");
    let guard = match word {
        "defmodule" | "def" | "defp" | "defmacro" | "defmacrop" => Guard::Definition,
        "if" | "unless" => match env_condition(head[word.len()..].trim()) {
            Some((envs, negated)) => Guard::Env {
                envs,
                negated: negated != (word == "unless"),
            },
            None => Guard::Unknown,
        },
        "case" if is_env_call(head["case".len()..].trim()) => {
            return Block {
                // before the first arm nothing runs
                guard: Guard::Env {
                    envs: Vec::new(),
                    negated: false,
                },
                case_env: Some(Vec::new()),
            };
        }
        _ => Guard::Unknown,
    };
    Block {
        guard,
        case_env: None,
    }
}

/// `config_env()` or `Mix.env()`.
fn is_env_call(t: &str) -> bool {
    matches!(t, "config_env()" | "Mix.env()" | "Mix.env")
}

/// `config_env() == :prod`, `!= :test`, `in [:dev, :test]`, `not in […]`,
/// `:prod == config_env()`: the environments named, and whether the
/// condition holds outside them.
fn env_condition(cond: &str) -> Option<(Vec<String>, bool)> {
    let cond = cond.trim();
    let cond = cond
        .strip_prefix('(')
        .and_then(|c| c.strip_suffix(')'))
        .unwrap_or(cond)
        .trim();
    for (op, negated) in [
        (" not in ", true),
        (" in ", false),
        (" == ", false),
        (" === ", false),
        (" != ", true),
        (" !== ", true),
    ] {
        let Some((l, r)) = cond.split_once(op) else {
            continue;
        };
        let (l, r) = (l.trim(), r.trim());
        let other = if is_env_call(l) {
            r
        } else if is_env_call(r) && !op.contains("in") {
            l
        } else {
            return None;
        };
        let envs = if op.contains("in") {
            let inner = other.strip_prefix('[')?.strip_suffix(']')?;
            inner
                .split(',')
                .map(|a| atom(a.trim()))
                .collect::<Option<Vec<_>>>()?
        } else {
            vec![atom(other)?]
        };
        return Some((envs, negated));
    }
    None
}

/// `:prod` → `prod`.
fn atom(t: &str) -> Option<String> {
    let name = t.strip_prefix(':')?;
    (!name.is_empty() && name.bytes().all(is_ident)).then(|| name.to_string())
}

/// A `case` arm's line: `:prod ->` is `Some(Some("prod"))`, a catch-all
/// (`_ ->`, `env ->`) is `Some(None)`, any other line `None`.
fn case_arm(line: &str) -> Option<Option<String>> {
    let (pattern, _) = line.split_once("->")?;
    let pattern = pattern.trim();
    if let Some(a) = atom(pattern) {
        return Some(Some(a));
    }
    (!pattern.is_empty()
        && pattern
            .bytes()
            .next()
            .is_some_and(|c| c == b'_' || c.is_ascii_lowercase())
        && pattern.bytes().all(is_ident))
    .then_some(None)
}

/// The index after the string or charlist that starts at `at` (`"`, `'`,
/// or a heredoc `"""` / `'''`).
fn skip_quoted(b: &[u8], at: usize) -> Option<usize> {
    let q = b[at];
    if b.get(at..at + 3) == Some(&[q, q, q][..]) {
        let close = [b'\n', q, q, q];
        let rest = b.get(at + 3..)?;
        // the closing quotes stand on a line of their own, maybe indented
        let mut i = 0;
        while i < rest.len() {
            if rest[i] == b'\n' {
                let lead = rest[i + 1..]
                    .iter()
                    .take_while(|&&c| c == b' ' || c == b'\t')
                    .count();
                if rest.get(i + 1 + lead..i + 4 + lead) == Some(&close[1..]) {
                    return Some(at + 3 + i + 4 + lead);
                }
            }
            i += 1;
        }
        return None;
    }
    if q == b'"' {
        return skip_string(b, at, 0);
    }
    let mut i = at + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == q => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The index after the sigil at `at` (`~r/…/i`, `~w(a b)a`, `~S"""…"""`).
fn skip_sigil(b: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    while b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
        i += 1;
    }
    if i == at + 1 {
        return Some(i);
    }
    let open = *b.get(i)?;
    if (open == b'"' || open == b'\'') && b.get(i..i + 3) == Some(&[open, open, open][..]) {
        return skip_quoted(b, i);
    }
    let close = match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        b'/' | b'|' | b'"' | b'\'' => open,
        _ => return Some(i),
    };
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == close => {
                i += 1;
                // modifiers
                while b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
                    i += 1;
                }
                return Some(i);
            }
            _ => i += 1,
        }
    }
    None
}

fn next_line(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| from + p + 1)
}

/// The arguments of one call: `:app`, a module, then keyword pairs.
fn call(text: &str, range: Range<usize>) -> Option<ConfigCall> {
    let args = split_top(text, range.clone())?;
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
    let mut opaque = false;
    for arg in args {
        let raw = text.get(arg.clone())?;
        let lead = raw.len() - raw.trim_start().len();
        let t = raw.trim_start();
        let Some(colon) = t.find(": ") else {
            opaque = true;
            continue;
        };
        let key = &t[..colon];
        if key.is_empty() || !key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            opaque = true;
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
        opaque,
        at: range.start,
        guards: Vec::new(),
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
pub fn value(text: &str, range: Range<usize>, helpers: &[Helper]) -> Option<Value> {
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
        let alternatives = chain(text, expr_start..expr_start + expr.len(), helpers)?;
        return Some(Value {
            prefix: before.to_string(),
            alternatives,
            suffix: after.to_string(),
        });
    }
    Some(Value {
        prefix: String::new(),
        alternatives: chain(text, range, helpers)?,
        suffix: String::new(),
    })
}

/// A function of the file that reads the environment variable its first
/// argument names (`defmodule Util do def fetch_env!(name, defaults \\ [])
/// … System.get_env(name, …)`): a call of it with a literal name is a read
/// of that variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Helper {
    /// `Util.fetch_env!`
    pub call: String,
    /// Every read of the name in its body is `System.fetch_env!(name)`: no
    /// default of its own.
    pub strict: bool,
}

/// The helpers `text` defines: a `def` in a `defmodule` whose body passes
/// its first parameter to `System.get_env` or `System.fetch_env!`.
pub fn helpers(text: &str) -> Vec<Helper> {
    let mut out = Vec::new();
    let mut module: Option<(&str, usize)> = None;
    let mut current: Option<(String, String, usize, String)> = None;
    let finish = |cur: Option<(String, String, usize, String)>, out: &mut Vec<Helper>| {
        let Some((call, param, _, body)) = cur else {
            return;
        };
        let get = format!("System.get_env({param}");
        let fetch = format!("System.fetch_env!({param}");
        let gets = body.matches(&get).count();
        let fetches = body.matches(&fetch).count();
        if gets + fetches > 0 {
            out.push(Helper {
                call,
                strict: gets == 0,
            });
        }
    };
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if let Some((_, m_indent)) = module
            && indent <= m_indent
            && !t.is_empty()
            && !t.starts_with('#')
        {
            finish(current.take(), &mut out);
            module = None;
        }
        if let Some(rest) = t.strip_prefix("defmodule ")
            && let Some(name) = rest.strip_suffix(" do")
            && name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        {
            module = Some((name, indent));
            continue;
        }
        let Some((name, _)) = module else { continue };
        if let Some((_, _, d_indent, _)) = &current
            && indent <= *d_indent
            && !t.is_empty()
            && t != "end"
        {
            finish(current.take(), &mut out);
        }
        if let Some(rest) = t.strip_prefix("def ") {
            let Some((fun, params)) = rest.split_once('(') else {
                continue;
            };
            let param = params
                .split([',', ')', ' '])
                .next()
                .unwrap_or("")
                .to_string();
            if fun.bytes().all(|c| is_ident(c) || c == b'!' || c == b'?')
                && !param.is_empty()
                && param.bytes().all(is_ident)
            {
                finish(current.take(), &mut out);
                current = Some((format!("{name}.{fun}"), param, indent, String::new()));
                continue;
            }
        }
        if let Some((_, _, _, body)) = current.as_mut() {
            body.push_str(t);
            body.push('\n');
        }
    }
    finish(current.take(), &mut out);
    // a function defined twice (clauses) is a helper only if every clause is
    out.dedup_by(|a, b| {
        a.call == b.call && {
            b.strict &= a.strict;
            true
        }
    });
    out
}

/// `a || b || c`, each an environment read or a literal.
fn chain(text: &str, range: Range<usize>, helpers: &[Helper]) -> Option<Vec<Alternative>> {
    let code = text.get(range.clone())?;
    let mut out = Vec::new();
    let mut offset = range.start;
    for part in code.split("||") {
        let lead = part.len() - part.trim_start().len();
        out.extend(term(part.trim(), offset + lead, helpers)?);
        offset += part.len() + 2;
    }
    Some(out)
}

/// One environment read or literal; `start` is where `t` stands in the file.
fn term(t: &str, start: usize, helpers: &[Helper]) -> Option<Vec<Alternative>> {
    if let Some(l) = literal(t) {
        return Some(vec![Alternative::Literal(l)]);
    }
    if let Some(h) = helpers.iter().find(|h| {
        t.strip_prefix(h.call.as_str())
            .is_some_and(|rest| rest.starts_with('('))
    }) {
        let rest = &t[h.call.len() + 1..];
        let args = rest.strip_suffix(')')?;
        let args_start = start + h.call.len() + 1;
        let parts = split_top(args, 0..args.len())?;
        let first = args.get(parts.first()?.clone())?;
        let mut out = vec![env_read(first, args_start)?];
        // whatever the helper does with its other arguments, it may return
        // one of them when the variable is unset
        if parts.len() > 1 || !h.strict {
            out.push(Alternative::Computed);
        }
        return Some(out);
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
    let mut out = vec![env_read(first, args_start)?];
    if let Some(default) = pieces.next() {
        out.push(Alternative::Literal(literal(default.trim())?));
    }
    Some(out)
}

/// The read of the variable a call's first argument names (a string
/// literal), which stands at `args_start` in the file.
fn env_read(first: &str, args_start: usize) -> Option<Alternative> {
    let name = literal(first.trim())?;
    if name.is_empty() {
        return None;
    }
    let at = args_start + (first.len() - first.trim_start().len()) + 1;
    Some(Alternative::Env {
        at: at..at + name.len(),
        name,
    })
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
            Alternative::Literal(_) | Alternative::Computed => "",
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
            [
                "User.Repo",
                "EWalletDB.Repo",
                "App.Repo",
                "App.Other",
                "App.Hidden"
            ]
        );
        assert_eq!(calls[0].applies("test"), Applies::Yes);
        assert_eq!(calls[4].applies("test"), Applies::Yes);
        assert_eq!(calls[4].applies("dev"), Applies::No);
        let url = &calls[0]
            .pairs
            .iter()
            .find(|(k, _)| k == "url")
            .expect("url")
            .1;
        let v = value(text, url.clone(), &[]).expect("an environment read");
        assert_eq!(env_name(text, &v.alternatives[0]), "DATABASE_URL");
        let url = &calls[1].pairs[0].1;
        let v = value(text, url.clone(), &[]).expect("a system tuple");
        assert_eq!(env_name(text, &v.alternatives[0]), "DATABASE_URL");
        assert_eq!(
            v.alternatives[1],
            Alternative::Literal("postgres://localhost/ewallet_test".into())
        );
        let db = &calls[2].pairs[0].1;
        let v = value(text, db.clone(), &[]).expect("an interpolation");
        assert_eq!(v.prefix, "app_test");
        assert_eq!(env_name(text, &v.alternatives[0]), "MIX_TEST_PARTITION");
        assert_eq!(calls[2].pairs.len(), 2, "{:?}", calls[2].pairs);
        let db = &calls[3].pairs[0].1;
        assert_eq!(
            &text[db.clone()],
            r#"System.get_env("OTHER_DB") || "other_test""#
        );
        let v = value(text, db.clone(), &[]).expect("a chain");
        assert_eq!(v.alternatives.len(), 2);
    }

    #[test]
    fn blocks_decide_where_a_call_runs() {
        let text = r#"import Config

defmodule Util do
  def fetch_env!(name, defaults \\ []) do
    config :x, X.InDef, url: "no"
    case config_env() do
      :prod -> System.fetch_env!(name)
      env -> System.get_env(name, defaults[env])
    end
  end
end

# a comment with do and end in it
config :a, A.Everywhere, database: "a"

if config_env() == :prod do
  url = ~r"end"
  config :a, A.Prod, url: System.get_env("DATABASE_URL")
else
  config :a, A.NotProd, url: "x", ssl: if(true, do: true, else: false)
end

unless config_env() in [:dev, :test] do
  config :a, A.Unless, url: "y"
end

case System.get_env("SOCKET") do
  nil ->
    config :a, A.Maybe, repo_config
  dir -> :ok
end

case config_env() do
  :test ->
    config :a, A.TestArm, database: """
    end
    """
  _ ->
    config :a, A.OtherArm, database: 'end'
end

if config_env() != :test, do: :ok
Enum.each([1], fn x -> x end)
quote = ?"
config :a, A.After, database: "z"
"#;
        let calls = config_calls(text);
        let got: Vec<(&str, Applies, Applies, Applies)> = calls
            .iter()
            .map(|c| {
                (
                    c.module.as_str(),
                    c.applies("test"),
                    c.applies("dev"),
                    c.applies("prod"),
                )
            })
            .collect();
        use Applies::{Maybe, No, Yes};
        assert_eq!(
            got,
            [
                ("X.InDef", No, No, No),
                ("A.Everywhere", Yes, Yes, Yes),
                ("A.Prod", No, No, Yes),
                ("A.NotProd", Yes, Yes, No),
                ("A.Unless", No, No, Yes),
                ("A.Maybe", Maybe, Maybe, Maybe),
                ("A.TestArm", Yes, No, No),
                ("A.OtherArm", No, Yes, Yes),
                ("A.After", Yes, Yes, Yes),
            ]
        );
        assert!(calls[5].opaque, "{:?}", calls[5]);
        assert!(!calls[3].opaque, "{:?}", calls[3]);
        assert_eq!(&text[calls[1].at..calls[1].at + 6], "config");
    }

    #[test]
    fn helpers_of_the_file_are_environment_reads() {
        let text = r#"defmodule Util do
  def fetch_env!(varname, defaults \\ []) do
    case config_env() do
      :prod -> System.fetch_env!(varname)
      env -> System.get_env(varname, defaults[env] || defaults[:all])
    end
  end

  def required!(name), do: System.fetch_env!(name)

  def strict!(name) do
    System.fetch_env!(name)
  end

  def other(name) do
    String.upcase(name)
  end
end

config :a, A.Repo,
  database: Util.fetch_env!("DATABASE_NAME", dev: "a_dev", test: "a_test"),
  url: Util.strict!("DATABASE_URL"),
  hostname: Util.other("HOST")
"#;
        let helpers = helpers(text);
        let names: Vec<(&str, bool)> = helpers
            .iter()
            .map(|h| (h.call.as_str(), h.strict))
            .collect();
        // `def required!(name), do: …` has no body block: not read
        assert_eq!(names, [("Util.fetch_env!", false), ("Util.strict!", true)]);
        let calls = config_calls(text);
        let pairs = &calls[0].pairs;
        let v = value(text, pairs[0].1.clone(), &helpers).expect("a helper read");
        assert_eq!(env_name(text, &v.alternatives[0]), "DATABASE_NAME");
        assert_eq!(v.alternatives[1], Alternative::Computed);
        let v = value(text, pairs[1].1.clone(), &helpers).expect("a strict helper read");
        assert_eq!(env_name(text, &v.alternatives[0]), "DATABASE_URL");
        assert_eq!(v.alternatives.len(), 1);
        assert_eq!(value(text, pairs[2].1.clone(), &helpers), None);
        assert_eq!(value(text, pairs[0].1.clone(), &[]), None);
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
            assert_eq!(value(&text, range, &[]), None, "{code}");
        }
        assert!(config_calls("config :a, A.Repo,\n  url: \"open\n").is_empty());
        // found by the elixir fuzz target: a key with only blanks after it
        let calls = config_calls("config :a, A.Repo, u: \n  ,url: x\n");
        assert_eq!(calls[0].pairs.len(), 1, "{:?}", calls[0].pairs);
    }
}
