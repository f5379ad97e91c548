//! JavaScript and TypeScript, read shallowly (tree-sitter-typescript): what a
//! module exports (`module.exports = …`, `export default …`, unwrapped from
//! `defineConfig(…)`), its top-level bindings, the modules it imports, every
//! call and every `process.env` read, as literal [`Value`]s. Nothing is
//! evaluated; unparseable regions are `Unknown`, never an error of ours: a
//! setup file is the project's code, not a configuration we judge.

use std::ops::Range;

use tree_sitter::Node;

use super::code::{Entry, Value, unquote};

/// Nesting beyond this is read as `Unknown` (no recursion on hostile input).
const MAX_DEPTH: usize = 64;

/// Which grammar reads a file: TypeScript's own for `.ts`/`.mts`/`.cts`
/// (where `<T>x` is a type assertion), TSX for everything else (JSX is
/// legal in `.js`, and TSX reads plain JavaScript).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    TypeScript,
    Tsx,
}

impl Dialect {
    pub fn of_path(path: &str) -> Dialect {
        if path.ends_with(".ts") || path.ends_with(".mts") || path.ends_with(".cts") {
            Dialect::TypeScript
        } else {
            Dialect::Tsx
        }
    }
}

/// A module read shallowly.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// What the module exports as a whole: `module.exports = X`,
    /// `export default X` (`defineConfig(X)` and `X satisfies T` unwrapped; a
    /// bare name resolved through the top-level bindings).
    pub exports: Option<Value>,
    /// `exports.x = …` / `module.exports.x = …` / `export const x = …`.
    pub named_exports: Vec<Entry>,
    /// Top-level `const|let|var name = value`.
    pub bindings: Vec<(String, Value)>,
    /// Module specifiers it loads: `import … from 'x'`, `import 'x'`,
    /// `require('x')`, `import('x')`, with the range of the specifier.
    pub imports: Vec<(String, Range<usize>)>,
    /// Names bound by imports from a module: (`local name`, `module`).
    pub imported_names: Vec<(String, String)>,
    /// Every call anywhere (functions and callbacks included).
    pub calls: Vec<Value>,
    /// Every `process.env.X` / `process.env['X']` read anywhere.
    pub env_reads: Vec<Value>,
    /// Every `process.env.X = …` write anywhere: the key and where.
    pub env_writes: Vec<(String, Range<usize>)>,
    /// Every literal string anywhere (SQL in a helper, paths), with its range.
    pub strings: Vec<(String, Range<usize>)>,
    /// tree-sitter found a syntax error somewhere.
    pub has_error: bool,
}

impl Module {
    /// The top-level binding `name`, last one wins.
    pub fn binding(&self, name: &str) -> Option<&Value> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Whether the module loads `specifier` (exactly).
    pub fn imports(&self, specifier: &str) -> bool {
        self.imports.iter().any(|(s, _)| s == specifier)
    }

    /// The module a local name was imported from.
    pub fn import_source(&self, local: &str) -> Option<&str> {
        self.imported_names
            .iter()
            .find(|(n, _)| n == local)
            .map(|(_, m)| m.as_str())
    }
}

/// Reads a JavaScript or TypeScript module.
pub fn parse(src: &str, dialect: Dialect) -> Module {
    thread_local! {
        static TS: std::cell::RefCell<Option<tree_sitter::Parser>> =
            const { std::cell::RefCell::new(None) };
        static TSX: std::cell::RefCell<Option<tree_sitter::Parser>> =
            const { std::cell::RefCell::new(None) };
    }
    let tree = match dialect {
        Dialect::TypeScript => super::code::parse_tree(
            &TS,
            || tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            src,
        ),
        Dialect::Tsx => {
            super::code::parse_tree(&TSX, || tree_sitter_typescript::LANGUAGE_TSX.into(), src)
        }
    };
    let Some(tree) = tree else {
        return Module::default();
    };
    let root = tree.root_node();
    let mut m = Module {
        has_error: root.has_error(),
        ..Module::default()
    };
    let r = Reader { src };
    r.top_level(root, &mut m);
    r.scan(root, &mut m);
    if let Some(Value::Name(n)) = &m.exports
        && let Some(v) = m.binding(n).cloned()
    {
        m.exports = Some(unwrap_config(v));
    }
    m
}

/// `defineConfig({…})`, `defineProject({…})`, `mergeConfig(base, {…})`:
/// the object literal they are given.
fn unwrap_config(v: Value) -> Value {
    match v {
        Value::Call {
            callee, mut args, ..
        } if callee.starts_with("define") || callee.ends_with("Config") => {
            // mergeConfig(base, {...}): the last object literal decides
            match args.iter().rposition(|a| matches!(a, Value::Map(_))) {
                Some(i) => args.swap_remove(i),
                None => args.into_iter().next().unwrap_or(Value::Unknown(0..0)),
            }
        }
        other => other,
    }
}

struct Reader<'s> {
    src: &'s str,
}

impl Reader<'_> {
    fn text(&self, n: Node) -> &str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    fn top_level(&self, root: Node, m: &mut Module) {
        let mut cur = root.walk();
        for child in root.named_children(&mut cur) {
            match child.kind() {
                "expression_statement" => {
                    if let Some(e) = child.named_child(0) {
                        self.top_expression(e, m);
                    }
                }
                "lexical_declaration" | "variable_declaration" => self.declaration(child, m, false),
                "export_statement" => {
                    if let Some(v) = child.child_by_field_name("value") {
                        m.exports = Some(unwrap_config(self.value(v, 0)));
                    } else if let Some(d) = child.child_by_field_name("declaration")
                        && matches!(d.kind(), "lexical_declaration" | "variable_declaration")
                    {
                        self.declaration(d, m, true);
                    }
                }
                "import_statement" => self.import(child, m),
                _ => {}
            }
        }
    }

    fn top_expression(&self, e: Node, m: &mut Module) {
        if e.kind() != "assignment_expression" {
            return;
        }
        let (Some(left), Some(right)) = (
            e.child_by_field_name("left"),
            e.child_by_field_name("right"),
        ) else {
            return;
        };
        let target = self.text(left).replace(char::is_whitespace, "");
        if target == "module.exports" {
            m.exports = Some(unwrap_config(self.value(right, 0)));
        } else if let Some(name) = target
            .strip_prefix("module.exports.")
            .or_else(|| target.strip_prefix("exports."))
            && is_identifier(name)
        {
            m.named_exports.push(Entry {
                key: name.to_string(),
                key_range: left.byte_range(),
                value: self.value(right, 0),
            });
        }
    }

    fn declaration(&self, decl: Node, m: &mut Module, exported: bool) {
        let mut cur = decl.walk();
        for d in decl.named_children(&mut cur) {
            if d.kind() != "variable_declarator" {
                continue;
            }
            let Some(name) = d.child_by_field_name("name") else {
                continue;
            };
            let value = d.child_by_field_name("value");
            // `const { config } = require('dotenv')`
            if name.kind() == "object_pattern"
                && let Some(v) = value
                && let Some(module) = self.required_module(v)
            {
                let mut c2 = name.walk();
                for p in name.named_children(&mut c2) {
                    if p.kind() == "shorthand_property_identifier_pattern" {
                        m.imported_names
                            .push((self.text(p).to_string(), module.clone()));
                    }
                }
                continue;
            }
            if name.kind() != "identifier" {
                continue;
            }
            let Some(v) = value else { continue };
            let local = self.text(name).to_string();
            if let Some(module) = self.required_module(v) {
                m.imported_names.push((local.clone(), module));
            }
            let val = self.value(v, 0);
            if exported {
                m.named_exports.push(Entry {
                    key: local.clone(),
                    key_range: name.byte_range(),
                    value: val.clone(),
                });
            }
            m.bindings.push((local, val));
        }
    }

    /// `require('x')` (or `require('x').default`): `x`.
    fn required_module(&self, n: Node) -> Option<String> {
        let n = if n.kind() == "member_expression" {
            n.child_by_field_name("object")?
        } else {
            n
        };
        if n.kind() != "call_expression" {
            return None;
        }
        let f = n.child_by_field_name("function")?;
        if self.text(f) != "require" {
            return None;
        }
        let arg = n.child_by_field_name("arguments")?.named_child(0)?;
        self.string(arg).map(|(s, _, _)| s)
    }

    fn import(&self, n: Node, m: &mut Module) {
        let Some(source) = n.child_by_field_name("source") else {
            return;
        };
        let Some((module, range, _)) = self.string(source) else {
            return;
        };
        m.imports.push((module.clone(), range));
        let mut cur = n.walk();
        for clause in n.named_children(&mut cur) {
            if clause.kind() != "import_clause" {
                continue;
            }
            let mut c2 = clause.walk();
            for part in clause.named_children(&mut c2) {
                match part.kind() {
                    "identifier" => {
                        m.imported_names
                            .push((self.text(part).to_string(), module.clone()));
                    }
                    "namespace_import" => {
                        if let Some(id) = part.named_child(0) {
                            m.imported_names
                                .push((self.text(id).to_string(), module.clone()));
                        }
                    }
                    "named_imports" => {
                        let mut c3 = part.walk();
                        for spec in part.named_children(&mut c3) {
                            let local = spec
                                .child_by_field_name("alias")
                                .or_else(|| spec.child_by_field_name("name"));
                            if let Some(l) = local {
                                m.imported_names
                                    .push((self.text(l).to_string(), module.clone()));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// A string literal, or a template literal without substitutions.
    fn string(&self, n: Node) -> Option<(String, Range<usize>, bool)> {
        match n.kind() {
            "string" => unquote(self.text(n), n.start_byte()),
            "template_string" => {
                let mut cur = n.walk();
                if n.named_children(&mut cur)
                    .any(|c| c.kind() == "template_substitution")
                {
                    return None;
                }
                let t = self.text(n);
                let inner = t.get(1..t.len().saturating_sub(1))?;
                let start = n.start_byte() + 1;
                Some((
                    inner.to_string(),
                    start..start + inner.len(),
                    !inner.contains('\\'),
                ))
            }
            _ => None,
        }
    }

    /// `process.env.X`, `process.env['X']`: the key and its range.
    fn env_key(&self, n: Node) -> Option<(String, Range<usize>)> {
        let object = n.child_by_field_name("object")?;
        if self.text(object).replace(char::is_whitespace, "") != "process.env" {
            return None;
        }
        match n.kind() {
            "member_expression" => {
                let p = n.child_by_field_name("property")?;
                Some((self.text(p).to_string(), p.byte_range()))
            }
            "subscript_expression" => {
                let (k, r, _) = self.string(n.child_by_field_name("index")?)?;
                Some((k, r))
            }
            _ => None,
        }
    }

    fn value(&self, n: Node, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown(n.byte_range());
        }
        match n.kind() {
            "string" | "template_string" => match self.string(n) {
                Some((text, range, verbatim)) => Value::Str {
                    text,
                    range,
                    verbatim,
                },
                None => Value::Unknown(n.byte_range()),
            },
            "number" => Value::Number(self.text(n).to_string()),
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" | "undefined" => Value::Null,
            "identifier" | "property_identifier" => Value::Name(self.text(n).to_string()),
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "await_expression" => match n.named_child(0) {
                Some(c) => self.value(c, depth + 1),
                None => Value::Unknown(n.byte_range()),
            },
            "object" => {
                let mut entries = Vec::new();
                let mut cur = n.walk();
                for p in n.named_children(&mut cur) {
                    match p.kind() {
                        "pair" => {
                            let (Some(k), Some(v)) =
                                (p.child_by_field_name("key"), p.child_by_field_name("value"))
                            else {
                                continue;
                            };
                            let key = match k.kind() {
                                "property_identifier" | "number" => self.text(k).to_string(),
                                "string" => match self.string(k) {
                                    Some((s, _, _)) => s,
                                    None => continue,
                                },
                                _ => continue,
                            };
                            entries.push(Entry {
                                key,
                                key_range: k.byte_range(),
                                value: self.value(v, depth + 1),
                            });
                        }
                        "shorthand_property_identifier" => entries.push(Entry {
                            key: self.text(p).to_string(),
                            key_range: p.byte_range(),
                            value: Value::Name(self.text(p).to_string()),
                        }),
                        "comment" => {}
                        // a spread or a method: the object is no longer literal
                        _ => return Value::Unknown(n.byte_range()),
                    }
                }
                Value::Map(entries)
            }
            "array" => {
                let mut items = Vec::new();
                let mut cur = n.walk();
                for c in n.named_children(&mut cur) {
                    if c.kind() != "comment" {
                        items.push(self.value(c, depth + 1));
                    }
                }
                Value::List(items)
            }
            "member_expression" | "subscript_expression" => match self.env_key(n) {
                Some((key, key_range)) => Value::EnvRead {
                    key,
                    key_range,
                    default: None,
                    range: n.byte_range(),
                },
                None if n.kind() == "member_expression" => {
                    Value::Name(self.text(n).replace(char::is_whitespace, ""))
                }
                None => Value::Unknown(n.byte_range()),
            },
            "binary_expression" => {
                let op = n
                    .child_by_field_name("operator")
                    .map(|o| self.text(o))
                    .unwrap_or("");
                let (Some(l), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return Value::Unknown(n.byte_range());
                };
                match op {
                    // `process.env.X || 'd'`: the default when X is unset (or empty, for `||`)
                    "||" | "??" => {
                        let left = self.value(l, depth + 1);
                        let right = self.value(r, depth + 1);
                        match left {
                            Value::EnvRead {
                                key,
                                key_range,
                                default: None,
                                ..
                            } => Value::EnvRead {
                                key,
                                key_range,
                                default: Some(Box::new(right)),
                                range: n.byte_range(),
                            },
                            other => Value::BoolOr(vec![other, right]),
                        }
                    }
                    "+" => {
                        let parts = [self.value(l, depth + 1), self.value(r, depth + 1)];
                        super::code::concat(&parts, n.byte_range())
                    }
                    _ => Value::Unknown(n.byte_range()),
                }
            }
            // `({ mode }) => ({ … })`, `() => { return { … } }`: what it returns
            "arrow_function" => match n.child_by_field_name("body") {
                Some(b) if b.kind() == "statement_block" => {
                    let mut cur = b.walk();
                    let ret = b
                        .named_children(&mut cur)
                        .filter(|c| c.kind() == "return_statement")
                        .last();
                    match ret.and_then(|r| r.named_child(0)) {
                        Some(v) => self.value(v, depth + 1),
                        None => Value::Unknown(n.byte_range()),
                    }
                }
                Some(b) => self.value(b, depth + 1),
                None => Value::Unknown(n.byte_range()),
            },
            "call_expression" | "new_expression" => {
                let f = n
                    .child_by_field_name("function")
                    .or_else(|| n.child_by_field_name("constructor"));
                let callee = f
                    .map(|f| self.text(f).replace(char::is_whitespace, ""))
                    .unwrap_or_default();
                let mut args = Vec::new();
                if let Some(a) = n.child_by_field_name("arguments") {
                    let mut cur = a.walk();
                    for c in a.named_children(&mut cur) {
                        args.push(self.value(c, depth + 1));
                    }
                }
                Value::Call {
                    callee,
                    args,
                    kwargs: Vec::new(),
                    range: n.byte_range(),
                }
            }
            _ => Value::Unknown(n.byte_range()),
        }
    }

    fn scan(&self, node: Node, m: &mut Module) {
        // an explicit stack: deep nesting must not grow the call stack
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            match n.kind() {
                "call_expression" | "new_expression" => {
                    let v = self.value(n, 0);
                    if let Value::Call { callee, args, .. } = &v
                        && matches!(callee.as_str(), "require" | "import")
                        && let Some(Value::Str { text, range, .. }) = args.first()
                    {
                        m.imports.push((text.clone(), range.clone()));
                    }
                    m.calls.push(v);
                }
                "member_expression" | "subscript_expression" => {
                    if let Some((key, key_range)) = self.env_key(n) {
                        m.env_reads.push(Value::EnvRead {
                            key,
                            key_range,
                            default: None,
                            range: n.byte_range(),
                        });
                    }
                }
                "assignment_expression" => {
                    if let Some(left) = n.child_by_field_name("left")
                        && let Some((key, range)) = self.env_key(left)
                    {
                        m.env_writes.push((key, range));
                    }
                }
                "string" | "template_string" => {
                    if let Some((s, r, _)) = self.string(n) {
                        m.strings.push((s, r));
                    }
                }
                _ => {}
            }
            let mut cur = n.walk();
            let children: Vec<Node> = n.named_children(&mut cur).collect();
            stack.extend(children.into_iter().rev());
        }
    }
}

/// A JSON document read as a [`Value`] with byte ranges (JSON is a
/// JavaScript expression: it is parsed in parentheses and the ranges
/// shifted back). `None` when it is not an object or array literal.
pub fn parse_json(src: &str) -> Option<Value> {
    let wrapped = format!("({src}\n)");
    let m = parse(&format!("module.exports = {wrapped};"), Dialect::Tsx);
    if m.has_error {
        return None;
    }
    let shift = "module.exports = (".len();
    let mut v = m.exports?;
    shift_ranges(&mut v, shift);
    matches!(v, Value::Map(_) | Value::List(_)).then_some(v)
}

fn shift_ranges(v: &mut Value, by: usize) {
    let sh = |r: &mut Range<usize>| {
        *r = r.start.saturating_sub(by)..r.end.saturating_sub(by);
    };
    match v {
        Value::Str { range, .. } | Value::Unknown(range) => sh(range),
        Value::Map(entries) => {
            for e in entries {
                sh(&mut e.key_range);
                shift_ranges(&mut e.value, by);
            }
        }
        Value::List(items) | Value::BoolOr(items) => {
            for i in items {
                shift_ranges(i, by);
            }
        }
        Value::PathJoin { parts, range } => {
            sh(range);
            for i in parts {
                shift_ranges(i, by);
            }
        }
        Value::EnvRead {
            key_range,
            range,
            default,
            ..
        } => {
            sh(key_range);
            sh(range);
            if let Some(d) = default {
                shift_ranges(d, by);
            }
        }
        Value::Call { args, range, .. } => {
            sh(range);
            for a in args {
                shift_ranges(a, by);
            }
        }
        Value::Number(_) | Value::Bool(_) | Value::Null | Value::Name(_) => {}
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(src: &str) -> Module {
        parse(src, Dialect::Tsx)
    }

    #[test]
    fn reads_exports_through_define_config() {
        let m = parse(
            "import { defineConfig } from 'vitest/config';\n\
             export default defineConfig({ test: { env: { DB_URL: 'postgres://h:6544/x' }, setupFiles: ['./s.ts'] } });",
            Dialect::TypeScript,
        );
        let test = m.exports.as_ref().and_then(|e| e.get("test")).cloned();
        let env = test.as_ref().and_then(|t| t.get("env"));
        assert_eq!(
            env.and_then(|e| e.get("DB_URL")).and_then(Value::as_str),
            Some("postgres://h:6544/x")
        );
        assert!(m.imports("vitest/config"));
        assert_eq!(m.import_source("defineConfig"), Some("vitest/config"));
    }

    #[test]
    fn reads_env_reads_with_defaults() {
        let m = js(
            "module.exports = { db: process.env.MONGODB_URL || 'mongodb://localhost/x_test', b: process.env['B'] ?? `y` };",
        );
        let e = m.exports.expect("exports");
        match e.get("db") {
            Some(Value::EnvRead { key, default, .. }) => {
                assert_eq!(key, "MONGODB_URL");
                assert_eq!(
                    default.as_deref().and_then(Value::as_str),
                    Some("mongodb://localhost/x_test")
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(e.get("b"), Some(Value::EnvRead { key, .. }) if key == "B"));
        assert_eq!(m.env_reads.len(), 2);
    }

    #[test]
    fn resolves_a_named_export_and_bindings() {
        let m = js("const config = { test: { client: 'pg' } };\nexport default config;");
        assert!(m.exports.as_ref().and_then(|e| e.get("test")).is_some());
        // comments inside literals are not values
        let m = js("module.exports = {\n  /* the suite */\n  test: [ // one\n 'a' ],\n};");
        assert_eq!(
            m.exports.as_ref().and_then(|e| e.get("test")),
            Some(&Value::List(vec![Value::Str {
                text: "a".into(),
                range: 56..57,
                verbatim: true
            }]))
        );
        assert!(m.exports.as_ref().and_then(|e| e.get("test")).is_some());
        let m = js("exports.test = { database: 'x_test' };");
        assert_eq!(m.named_exports[0].key, "test");
    }

    #[test]
    fn finds_imports_requires_calls_and_writes() {
        let m = js(
            "import 'dotenv/config';\nconst { config } = require('dotenv');\nconfig({ path: '.env.test' });\nprocess.env.DATABASE_URL = 'x';\nawait db.user.deleteMany();",
        );
        assert!(m.imports("dotenv/config"));
        assert!(m.imports("dotenv"));
        assert_eq!(m.import_source("config"), Some("dotenv"));
        assert!(
            m.calls
                .iter()
                .any(|c| c.callee_name() == Some("deleteMany"))
        );
        assert_eq!(m.env_writes[0].0, "DATABASE_URL");
    }

    #[test]
    fn reads_json_with_ranges_and_arrow_configs() {
        let src = "{\n  \"test\": { \"use_env_variable\": \"DATABASE_URL\" }\n}";
        let v = parse_json(src).expect("json");
        let Some(Value::Str { text, range, .. }) =
            v.get("test").and_then(|t| t.get("use_env_variable"))
        else {
            panic!("{v:?}");
        };
        assert_eq!(text, "DATABASE_URL");
        assert_eq!(&src[range.clone()], "DATABASE_URL");
        assert!(parse_json("not json").is_none());
        let m = js(
            "export default defineConfig(({ mode }) => ({ test: { env: loadEnv(mode, process.cwd(), '') } }));",
        );
        let env = m
            .exports
            .as_ref()
            .and_then(|e| e.get("test"))
            .and_then(|t| t.get("env"));
        assert_eq!(env.and_then(Value::callee_name), Some("loadEnv"));
    }

    #[test]
    fn syntax_errors_and_depth_never_panic() {
        let m = js("module.exports = { a: ");
        assert!(m.has_error);
        let deep = format!(
            "module.exports = {}1{};",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        let m = js(&deep);
        assert!(m.exports.is_some());
        let m = parse("let x = <T>y;", Dialect::TypeScript);
        assert!(!m.has_error);
    }
}
