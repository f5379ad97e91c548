//! PHP, read shallowly (tree-sitter-php): a config file's `return [...]`
//! array, superglobal assignments and calls, as literal [`Value`]s. Nothing
//! is evaluated: `env('X', 'd')` stays an environment read with its default,
//! a call stays a call, interpolated strings are `Unknown`. Broken code is
//! read as far as it goes and never reported: it is the project's code.

use std::ops::Range;

use tree_sitter::Node;

use super::code::{Entry, Value, concat};

const MAX_DEPTH: usize = 64;

/// A PHP file read shallowly.
#[derive(Clone, Debug, Default)]
pub struct Script {
    /// The value of the first top-level `return` (a config file's array).
    pub returns: Option<Value>,
    /// Top-level assignments to superglobals and variables, in order:
    /// `$_SERVER['APP_ENV'] = 'testing'` is (`_SERVER`, `APP_ENV`, value).
    pub assigns: Vec<Assign>,
    /// Every call anywhere (functions and methods), by callee name:
    /// `putenv('X=y')`, `->bootEnv(...)`, `$app['config']->set(...)`.
    pub calls: Vec<Value>,
    /// For each of `calls` (same order), the condition of the innermost
    /// `if` it sits in, as written (`'test' === $container->env()`); `None`
    /// outside any `if`, `Some("else")` in an `else`/`elseif` branch.
    pub guards: Vec<Option<String>>,
    /// Property defaults of the top-level classes (`public array $tests =
    /// [...]`), in order.
    pub properties: Vec<Property>,
    pub has_error: bool,
}

/// A class property's default value, as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    /// The property's name without `$`.
    pub name: String,
    pub range: Range<usize>,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assign {
    /// The variable without `$`.
    pub variable: String,
    /// The literal key of `$var['key']`, if any.
    pub key: Option<String>,
    pub range: Range<usize>,
    pub value: Value,
}

/// Reads a PHP file (text before `<?php` is inline HTML and ignored).
pub fn parse(src: &str) -> Script {
    thread_local! {
        static PARSER: std::cell::RefCell<Option<tree_sitter::Parser>> =
            const { std::cell::RefCell::new(None) };
    }
    let tree = super::code::parse_tree(&PARSER, || tree_sitter_php::LANGUAGE_PHP.into(), src);
    let Some(tree) = tree else {
        return Script::default();
    };
    let root = tree.root_node();
    let r = Reader { src };
    let mut s = Script {
        has_error: root.has_error(),
        ..Script::default()
    };
    let mut cur = root.walk();
    for stmt in root.named_children(&mut cur) {
        match stmt.kind() {
            "return_statement" if s.returns.is_none() => {
                s.returns = stmt.named_child(0).map(|v| r.value(v, 0));
            }
            "expression_statement" => {
                if let Some(e) = stmt.named_child(0)
                    && e.kind() == "assignment_expression"
                    && let Some(a) = r.assign(e)
                {
                    s.assigns.push(a);
                }
            }
            "class_declaration" | "namespace_definition" => r.properties(stmt, &mut s, 0),
            _ => {}
        }
    }
    r.scan(root, &mut s);
    s
}

/// How many folders above the file's own a path expression names:
/// `__DIR__` is 0, `dirname(__DIR__)` 1, `dirname(dirname(__DIR__))` and
/// `dirname(__DIR__, 2)` 2; `None` for anything else.
pub fn dir_levels(expr: &str) -> Option<usize> {
    let mut e: String = expr.split_whitespace().collect();
    let mut up = 0usize;
    loop {
        if e == "__DIR__" {
            return Some(up);
        }
        if let Some(n) = e.strip_prefix("__DIR__,") {
            // only as `dirname`'s second argument
            let n = n.parse::<usize>().ok().filter(|n| (1..=8).contains(n))?;
            return (up > 0).then(|| up - 1 + n);
        }
        e = e.strip_prefix("dirname(")?.strip_suffix(')')?.to_string();
        up += 1;
        if up > 8 {
            return None;
        }
    }
}

struct Reader<'s> {
    src: &'s str,
}

impl Reader<'_> {
    fn text(&self, n: Node) -> &str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    fn assign(&self, e: Node) -> Option<Assign> {
        let left = e.child_by_field_name("left")?;
        let right = e.child_by_field_name("right")?;
        let (var, key) = match left.kind() {
            "variable_name" => (left, None),
            "subscript_expression" => {
                let var = left.named_child(0)?;
                let key = left.named_child(1).map(|k| self.value(k, 0));
                match key {
                    Some(Value::Str { text, .. }) => (var, Some(text)),
                    _ => return None,
                }
            }
            _ => return None,
        };
        if var.kind() != "variable_name" {
            return None;
        }
        Some(Assign {
            variable: self.text(var).trim_start_matches('$').to_string(),
            key,
            range: e.byte_range(),
            value: self.value(right, 0),
        })
    }

    /// The property defaults of a class (or of the classes of a braced
    /// namespace).
    fn properties(&self, n: Node, s: &mut Script, depth: usize) {
        if depth > 2 {
            return;
        }
        if n.kind() == "namespace_definition" {
            if let Some(body) = n.child_by_field_name("body") {
                let mut cur = body.walk();
                for c in body.named_children(&mut cur) {
                    if c.kind() == "class_declaration" {
                        self.properties(c, s, depth + 1);
                    }
                }
            }
            return;
        }
        let Some(body) = n.child_by_field_name("body") else {
            return;
        };
        let mut cur = body.walk();
        for decl in body.named_children(&mut cur) {
            if decl.kind() != "property_declaration" {
                continue;
            }
            let mut c2 = decl.walk();
            for el in decl.named_children(&mut c2) {
                if el.kind() != "property_element" {
                    continue;
                }
                let name = el
                    .child_by_field_name("name")
                    .or_else(|| el.named_child(0))
                    .filter(|v| v.kind() == "variable_name");
                let value = el.child_by_field_name("default_value");
                if let (Some(name), Some(value)) = (name, value) {
                    s.properties.push(Property {
                        name: self.text(name).trim_start_matches('$').to_string(),
                        range: el.byte_range(),
                        value: self.value(value, 0),
                    });
                }
            }
        }
    }

    fn scan(&self, root: Node, s: &mut Script) {
        let mut stack: Vec<(Node, Option<String>)> = vec![(root, None)];
        while let Some((n, guard)) = stack.pop() {
            if matches!(
                n.kind(),
                "function_call_expression"
                    | "member_call_expression"
                    | "scoped_call_expression"
                    | "nullsafe_member_call_expression"
                    | "object_creation_expression"
            ) {
                s.calls.push(self.value(n, 0));
                s.guards.push(guard.clone());
            }
            let condition = (n.kind() == "if_statement")
                .then(|| n.child_by_field_name("condition"))
                .flatten()
                .map(|c| self.text(c).to_string());
            let mut cur = n.walk();
            let children: Vec<Node> = n.named_children(&mut cur).collect();
            for c in children.into_iter().rev() {
                let g = match (&condition, c.kind()) {
                    (Some(_), "else_clause" | "else_if_clause") => Some("else".to_string()),
                    (Some(cond), _) => Some(cond.clone()),
                    (None, _) => guard.clone(),
                };
                stack.push((c, g));
            }
        }
    }

    fn value(&self, n: Node, depth: usize) -> Value {
        let range = n.byte_range();
        if depth > MAX_DEPTH || n.is_error() {
            return Value::Unknown(range);
        }
        match n.kind() {
            "string" => self.single_quoted(n),
            "encapsed_string" => self.double_quoted(n),
            "integer" | "float" => Value::Number(self.text(n).to_string()),
            "boolean" => Value::Bool(self.text(n).eq_ignore_ascii_case("true")),
            "null" => Value::Null,
            "name" | "qualified_name" | "class_constant_access_expression" => {
                Value::Name(self.text(n).to_string())
            }
            "parenthesized_expression" => match n.named_child(0) {
                Some(c) => self.value(c, depth + 1),
                None => Value::Unknown(range),
            },
            "binary_expression" => {
                let op = n.child_by_field_name("operator").map(|o| self.text(o));
                match (
                    op,
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) {
                    (Some("."), Some(l), Some(r)) => {
                        concat(&[self.value(l, depth + 1), self.value(r, depth + 1)], range)
                    }
                    _ => Value::Unknown(range),
                }
            }
            // `getenv('X') ?: 'd'`: the first part unless it is falsy (unset,
            // `''`, `'0'`), as Python's `or`; a ternary with a body is code
            "conditional_expression" if n.child_by_field_name("body").is_none() => {
                match (
                    n.child_by_field_name("condition"),
                    n.child_by_field_name("alternative"),
                ) {
                    (Some(c), Some(a)) => {
                        Value::BoolOr(vec![self.value(c, depth + 1), self.value(a, depth + 1)])
                    }
                    _ => Value::Unknown(range),
                }
            }
            "array_creation_expression" => {
                let mut entries = Vec::new();
                let mut items = Vec::new();
                let mut cur = n.walk();
                for el in n.named_children(&mut cur) {
                    if el.kind() != "array_element_initializer" {
                        continue;
                    }
                    let mut c2 = el.walk();
                    let parts: Vec<Node> = el
                        .named_children(&mut c2)
                        .filter(|c| c.kind() != "comment")
                        .collect();
                    match parts.as_slice() {
                        [k, v] => {
                            if let Value::Str { text, range, .. } = self.value(*k, depth + 1) {
                                entries.push(Entry {
                                    key: text,
                                    key_range: range,
                                    value: self.value(*v, depth + 1),
                                });
                            }
                        }
                        [v] => items.push(self.value(*v, depth + 1)),
                        _ => {}
                    }
                }
                if entries.is_empty() && !items.is_empty() {
                    Value::List(items)
                } else {
                    Value::Map(entries)
                }
            }
            "function_call_expression"
            | "member_call_expression"
            | "scoped_call_expression"
            | "nullsafe_member_call_expression"
            | "object_creation_expression" => self.call(n, depth),
            // a variable is a name the file binds (`$db`): see
            // [`Script::assigns`]
            "variable_name" => Value::Name(self.text(n).to_string()),
            // `require __DIR__ . '/db.php'`: a call of `require` whose
            // argument is the path relative to the file's folder
            "require_expression"
            | "require_once_expression"
            | "include_expression"
            | "include_once_expression" => Value::Call {
                callee: "require".to_string(),
                args: vec![
                    n.named_child(0)
                        .and_then(|p| self.relative_path(p))
                        .unwrap_or(Value::Unknown(range.clone())),
                ],
                kwargs: Vec::new(),
                range,
            },
            _ => Value::Unknown(range),
        }
    }

    /// A path written relative to the file's own folder: `__DIR__ . '/x'`
    /// is `x`, `dirname(__DIR__) . '/x'` is `../x`, `dirname(__DIR__, 2) .
    /// '/x'` is `../../x`. Anything else (a literal path, which PHP looks up
    /// on the include path first) is not one.
    fn relative_path(&self, n: Node) -> Option<Value> {
        let n = if n.kind() == "parenthesized_expression" {
            n.named_child(0)?
        } else {
            n
        };
        if n.kind() != "binary_expression"
            || n.child_by_field_name("operator").map(|o| self.text(o)) != Some(".")
        {
            return None;
        }
        let left = n.child_by_field_name("left")?;
        let right = n.child_by_field_name("right")?;
        let up = dir_levels(self.text(left))?;
        let Value::Str { text, range, .. } = self.value(right, 1) else {
            return None;
        };
        let rest = text.strip_prefix('/')?;
        Some(Value::Str {
            text: format!("{}{rest}", "../".repeat(up)),
            range,
            verbatim: false,
        })
    }

    fn call(&self, n: Node, depth: usize) -> Value {
        let range = n.byte_range();
        let callee = match n.kind() {
            "function_call_expression" => n.child_by_field_name("function"),
            // `new Foo\Bar(...)`: the class, by its (qualified) name
            "object_creation_expression" => {
                let mut cur = n.walk();
                n.named_children(&mut cur)
                    .find(|c| matches!(c.kind(), "name" | "qualified_name"))
            }
            _ => n.child_by_field_name("name"),
        };
        let Some(callee) = callee else {
            return Value::Unknown(range);
        };
        let callee = self.text(callee).trim_start_matches('\\').to_string();
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        let arguments = n.child_by_field_name("arguments").or_else(|| {
            let mut cur = n.walk();
            n.named_children(&mut cur).find(|c| c.kind() == "arguments")
        });
        if let Some(list) = arguments {
            let mut cur = list.walk();
            for a in list.named_children(&mut cur) {
                if a.kind() != "argument" {
                    continue;
                }
                // PHP 8 named arguments: `env(key: 'X')`
                let named = a
                    .child_by_field_name("name")
                    .map(|k| self.text(k).to_string());
                let Some(v) = a.named_children(&mut a.walk()).last() else {
                    continue;
                };
                let v = self.value(v, depth + 1);
                match named {
                    Some(k) => kwargs.push((k, v)),
                    None => args.push(v),
                }
            }
        }
        if n.kind() == "function_call_expression"
            && matches!(callee.as_str(), "env" | "getenv")
            && let Some(Value::Str {
                text, range: kr, ..
            }) = args.first()
        {
            return Value::EnvRead {
                key: text.clone(),
                key_range: kr.clone(),
                default: args.get(1).cloned().map(Box::new),
                range,
            };
        }
        Value::Call {
            callee,
            args,
            kwargs,
            range,
        }
    }

    /// `'…'`: only `\'` and `\\` are escapes.
    fn single_quoted(&self, n: Node) -> Value {
        let range = n.byte_range();
        let t = self.text(n);
        let Some(inner) = t.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) else {
            // nowdoc and friends
            return Value::Unknown(range);
        };
        let inner_range = range.start + 1..range.end - 1;
        if !inner.contains('\\') {
            return Value::Str {
                text: inner.to_string(),
                range: inner_range,
                verbatim: true,
            };
        }
        let text = inner
            .replace("\\\\", "\u{0}")
            .replace("\\'", "'")
            .replace('\u{0}', "\\");
        Value::Str {
            verbatim: text == inner,
            text,
            range: inner_range,
        }
    }

    /// `"…"`: a literal only without interpolation and escapes.
    fn double_quoted(&self, n: Node) -> Value {
        let range = n.byte_range();
        let mut cur = n.walk();
        if n.named_children(&mut cur)
            .any(|c| c.kind() != "string_content")
        {
            return Value::Unknown(range);
        }
        let t = self.text(n);
        match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(inner) if !inner.contains(['\\', '$']) => Value::Str {
                text: inner.to_string(),
                range: range.start + 1..range.end - 1,
                verbatim: true,
            },
            _ => Value::Unknown(range),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ternary_is_a_fallback_and_a_full_one_is_code() {
        let s = parse("<?php\n$a = getenv('DB') ?: 'wp';\n$b = getenv('DB') ? 'x' : 'y';\n");
        match &s.assigns[0].value {
            Value::BoolOr(parts) => {
                assert!(matches!(&parts[0], Value::EnvRead { key, .. } if key == "DB"));
                assert_eq!(parts[1].as_str(), Some("wp"));
            }
            other => panic!("not a fallback: {other:?}"),
        }
        assert!(matches!(s.assigns[1].value, Value::Unknown(_)));
    }

    #[test]
    fn class_property_defaults() {
        let s = parse(
            "<?php\nnamespace Config;\n\nclass Database extends Config\n{\n    public string $defaultGroup = 'default';\n    public array $tests = [\n        'hostname' => '127.0.0.1',\n        'database' => ':memory:',\n    ];\n    public function __construct() { parent::__construct(); }\n}\n",
        );
        let names: Vec<&str> = s.properties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["defaultGroup", "tests"]);
        assert_eq!(
            s.properties[1]
                .value
                .get("database")
                .and_then(Value::as_str),
            Some(":memory:")
        );
    }

    #[test]
    fn reads_a_laravel_database_config() {
        let src = r#"<?php
use Illuminate\Support\Str;
putenv('DB_DATABASE=x');
$_SERVER['APP_ENV'] = "testing";
(new Dotenv())->bootEnv(dirname(__DIR__).'/.env');
return [
  'default' => env('DB_CONNECTION', 'mysql'),
  'connections' => [
     'sqlite' => ['database' => env('DB_DATABASE', database_path('database.sqlite')), 'x' => "a$b"],
     'testing' => ['driver' => 'sqlite', 'database' => ':memory:', 'prefix' => 'a' . 'b'],
  ],
];
"#;
        let s = parse(src);
        assert!(!s.has_error);
        let cfg = s.returns.as_ref();
        let default = cfg.and_then(|c| c.get("default"));
        assert!(matches!(default, Some(Value::EnvRead { key, .. }) if key == "DB_CONNECTION"));
        assert_eq!(
            default.and_then(|d| d.default_str()).map(|d| d.0),
            Some("mysql")
        );
        let conns = cfg.and_then(|c| c.get("connections"));
        let sqlite_db = conns
            .and_then(|c| c.get("sqlite"))
            .and_then(|c| c.get("database"));
        match sqlite_db {
            Some(Value::EnvRead {
                default: Some(d), ..
            }) => {
                assert_eq!(d.callee_name(), Some("database_path"))
            }
            other => panic!("{other:?}"),
        }
        let testing = conns.and_then(|c| c.get("testing"));
        assert_eq!(
            testing
                .and_then(|t| t.get("database"))
                .and_then(Value::as_str),
            Some(":memory:")
        );
        assert_eq!(
            testing
                .and_then(|t| t.get("prefix"))
                .and_then(Value::as_str),
            Some("ab")
        );
        assert!(matches!(
            conns.and_then(|c| c.get("sqlite")).and_then(|c| c.get("x")),
            Some(Value::Unknown(_))
        ));
        assert_eq!(s.assigns.len(), 1);
        assert_eq!(s.assigns[0].variable, "_SERVER");
        assert_eq!(s.assigns[0].key.as_deref(), Some("APP_ENV"));
        assert!(s.calls.iter().any(|c| c.callee_name() == Some("putenv")));
        assert!(s.calls.iter().any(|c| c.callee_name() == Some("bootEnv")));
        assert_eq!(s.calls.len(), s.guards.len());
        let guarded = parse(
            "<?php\nreturn static function ($c) {\n  $c->extension('a', []);\n  if ('test' === $c->env()) { $c->extension('b', []); } else { $c->extension('c', []); }\n};\n",
        );
        let g: Vec<Option<&str>> = guarded.guards.iter().map(|g| g.as_deref()).collect();
        assert!(g.contains(&None));
        assert!(
            g.contains(&Some("('test' === $c->env())"))
                || g.iter().any(|x| x.is_some_and(|t| t.contains("'test'")))
        );
        assert!(g.contains(&Some("else")));
        let lumen = parse(
            "<?php\n(new Laravel\\Lumen\\Bootstrap\\LoadEnvironmentVariables(\n    dirname(__DIR__), '.env.local'\n))->bootstrap();\n",
        );
        let load = lumen
            .calls
            .iter()
            .find(|c| c.callee_name() == Some("LoadEnvironmentVariables"));
        match load {
            Some(Value::Call { args, .. }) => {
                assert_eq!(args.get(1).and_then(Value::as_str), Some(".env.local"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_code_is_read_as_far_as_it_goes() {
        for src in [
            "<?php return [",
            "<?php 'a",
            "no php here",
            "<?php\n$x = \"{$",
            "",
        ] {
            let _ = parse(src);
        }
        let deep = format!("<?php return {}1{};", "[".repeat(3000), "]".repeat(3000));
        assert!(parse(&deep).returns.is_some());
    }
}
