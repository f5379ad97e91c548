//! Python, read shallowly (tree-sitter-python): module-level assignments,
//! star imports and calls, as literal [`Value`]s. Nothing is evaluated; an
//! assignment under `if` or in a function is conditional, and its target is
//! therefore undecided. Unparseable regions come back as `Unknown`, never as
//! an error of ours: the file is the project's, not a configuration we judge.

use std::ops::Range;

use tree_sitter::Node;

use super::code::{Entry, Value, concat, unquote};

/// Nesting beyond this is read as `Unknown` (no recursion on hostile input).
const MAX_DEPTH: usize = 64;

/// A statement at module level (or inside a module-level `try:` body).
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `NAME = value`, or `NAME['k']['j'] = value` (`path` holds the keys).
    Assign {
        name: String,
        path: Vec<String>,
        range: Range<usize>,
        value: Value,
        /// Under `if`/`else`/`for`/`with`/`except`: may or may not run.
        conditional: bool,
        /// The `if` branches it runs under, when those alone decide it.
        when: When,
    },
    /// `from .base import *`: the module as written (leading dots kept).
    StarImport {
        module: String,
        range: Range<usize>,
        conditional: bool,
        when: When,
    },
    /// A call statement: `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")`.
    Call { call: Value, conditional: bool },
}

/// Whether a statement runs: always, under `if`/`elif`/`else` branches whose
/// conditions a reader may be able to decide, or under something only the
/// running program decides (a loop, an `except` handler, a `with`).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum When {
    #[default]
    Always,
    /// Every condition holds (or fails, as `holds` says), outermost first.
    If(Vec<Branch>),
    Maybe,
}

impl When {
    fn under(&self, branch: Branch) -> When {
        match self {
            When::Always => When::If(vec![branch]),
            When::If(b) => {
                let mut b = b.clone();
                b.push(branch);
                When::If(b)
            }
            When::Maybe => When::Maybe,
        }
    }

    fn is_conditional(&self) -> bool {
        !matches!(self, When::Always)
    }
}

/// One `if`/`elif` condition a statement depends on: it runs when the
/// condition evaluates to `holds`.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub cond: Cond,
    pub holds: bool,
    /// Where the condition is written.
    pub range: Range<usize>,
}

/// A condition as written, for a reader that knows the facts it tests
/// (`'test' in sys.argv`, `len(sys.argv) > 1 and sys.argv[1] == "test"`,
/// `"pytest" in sys.modules`, `TESTING`).
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// `needle in haystack` (`not in` is `Not(In)`).
    In {
        needle: Operand,
        haystack: Operand,
    },
    /// `left <op> right` for `==`, `!=`, `<`, `<=`, `>`, `>=`.
    Compare {
        left: Operand,
        op: String,
        right: Operand,
    },
    /// A value used as a truth (`if TESTING:`, `if os.environ.get("CI"):`).
    Truth(Operand),
    Unknown,
}

/// A side of a condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Value(Value),
    /// `name[i]` with a literal integer index (`sys.argv[1]`).
    Item {
        of: String,
        index: i64,
    },
    /// `len(name)`.
    Len(String),
}

/// A module-level name bound to a condition (`TESTING = "test" in sys.argv`).
#[derive(Clone, Debug, PartialEq)]
pub struct Flag {
    pub name: String,
    pub cond: Cond,
    pub when: When,
}

/// A module read shallowly.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub statements: Vec<Stmt>,
    /// Every call anywhere in the file (functions and fixtures included), by
    /// callee: what conftest idioms are found by.
    pub calls: Vec<Value>,
    /// Every environment read anywhere (`os.environ["X"]`, `os.getenv("X")`).
    pub env_reads: Vec<Value>,
    /// Every environment write anywhere: `os.environ["X"] = …`,
    /// `monkeypatch.setenv("X", …)`, `os.environ.setdefault("X", …)`,
    /// `os.putenv("X", …)`: the key and where it is written.
    pub env_writes: Vec<(String, Range<usize>)>,
    /// Module-level classes (decorated ones included).
    pub classes: Vec<Class>,
    /// Module-level functions (decorated ones included).
    pub functions: Vec<Function>,
    /// Module-level names bound to a condition, in order.
    pub flags: Vec<Flag>,
    /// tree-sitter found a syntax error somewhere.
    pub has_error: bool,
}

/// A module-level function: its name, parameters, decorators, and whether
/// its body does nothing (only a docstring, `pass` or `...`).
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub name_range: Range<usize>,
    /// The parameters' names, in order (`*args` and `**kw` without stars).
    pub params: Vec<String>,
    /// Each decorator's expression as written (`pytest.fixture(scope="session")`).
    pub decorators: Vec<String>,
    pub empty_body: bool,
    /// The body's statements, read as a module's (an assignment to an
    /// attribute keeps its dotted name: `settings.DATABASES`).
    pub body: Vec<Stmt>,
}

/// A class and what its body assigns (fields, `model_config`, inner classes).
#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub name: String,
    pub name_range: Range<usize>,
    /// The bases as written (`BaseSettings`, `pydantic_settings.BaseSettings`).
    pub bases: Vec<String>,
    /// Assignments and annotated fields of the body (`x: str` is an assignment
    /// of `Unknown`).
    pub body: Vec<Stmt>,
    /// Classes defined in the body (pydantic v1's `class Config:`).
    pub inner: Vec<Class>,
}

impl Class {
    /// The last value the body gives `name` directly.
    pub fn assigned(&self, name: &str) -> Option<&Value> {
        self.body.iter().rev().find_map(|s| match s {
            Stmt::Assign {
                name: n,
                path,
                value,
                conditional: false,
                ..
            } if n == name && path.is_empty() => Some(value),
            _ => None,
        })
    }

    /// Names the body defines (fields and attributes), with where.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &Range<usize>)> {
        self.body.iter().filter_map(|s| match s {
            Stmt::Assign { name, range, .. } => Some((name.as_str(), range)),
            _ => None,
        })
    }
}

impl Module {
    /// The value `name` ends with at module level: its last whole
    /// assignment with the subscript assignments after it applied
    /// (`DATABASES["default"]["NAME"] = …`). `None` once a conditional
    /// assignment makes it undecided.
    pub fn assigned(&self, name: &str) -> Option<Value> {
        let mut found: Option<Value> = None;
        for s in &self.statements {
            if let Stmt::Assign {
                name: n,
                path,
                value,
                conditional,
                ..
            } = s
                && n == name
            {
                if *conditional {
                    found = None;
                } else if path.is_empty() {
                    found = Some(value.clone());
                } else if let Some(v) = found.as_mut() {
                    set_path(v, path, value.clone());
                }
            }
        }
        found
    }
}

/// Writes `value` at `path` inside nested maps, creating maps on the way;
/// a step through anything but a map makes the whole value undecided.
pub fn set_path(target: &mut Value, path: &[String], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        *target = value;
        return;
    };
    let Value::Map(entries) = target else {
        *target = Value::Unknown(0..0);
        return;
    };
    if let Some(e) = entries.iter_mut().rev().find(|e| &e.key == first) {
        set_path(&mut e.value, rest, value);
    } else {
        let mut v = Value::Map(Vec::new());
        set_path(&mut v, rest, value);
        entries.push(Entry {
            key: first.clone(),
            key_range: 0..0,
            value: v,
        });
    }
}

/// Reads a Python module.
pub fn parse(src: &str) -> Module {
    thread_local! {
        static PARSER: std::cell::RefCell<Option<tree_sitter::Parser>> =
            const { std::cell::RefCell::new(None) };
    }
    let tree = super::code::parse_tree(&PARSER, || tree_sitter_python::LANGUAGE.into(), src);
    let Some(tree) = tree else {
        return Module::default();
    };
    let root = tree.root_node();
    let mut m = Module {
        has_error: root.has_error(),
        ..Module::default()
    };
    let r = Reader { src };
    let mut body = Body::default();
    r.block(root, &When::Always, &mut body, 0);
    m.statements = body.statements;
    m.flags = body.flags;
    r.scan(root, &mut m, 0);
    let mut cur = root.walk();
    for child in root.named_children(&mut cur) {
        let def = match child.kind() {
            "decorated_definition" => child.child_by_field_name("definition"),
            _ => Some(child),
        };
        if let Some(def) = def.filter(|d| d.kind() == "class_definition")
            && let Some(c) = r.class(def, 0)
        {
            m.classes.push(c);
        }
        if let Some(def) = def.filter(|d| d.kind() == "function_definition")
            && let Some(f) = r.function(child, def)
        {
            m.functions.push(f);
        }
    }
    m
}

struct Reader<'s> {
    src: &'s str,
}

/// What a block's statements give: the statements and the flags.
#[derive(Default)]
struct Body {
    statements: Vec<Stmt>,
    flags: Vec<Flag>,
}

/// `a and (b and c)` as one `And` of three (`Or` likewise).
fn flatten_cond(l: Cond, r: Cond, and: bool) -> Vec<Cond> {
    let mut out = Vec::new();
    for c in [l, r] {
        match c {
            Cond::And(parts) if and => out.extend(parts),
            Cond::Or(parts) if !and => out.extend(parts),
            other => out.push(other),
        }
    }
    out
}

impl Reader<'_> {
    fn text(&self, n: Node) -> &str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    /// `def` (inside `outer`, its `decorated_definition` when it has one).
    fn function(&self, outer: Node, def: Node) -> Option<Function> {
        let name = def.child_by_field_name("name")?;
        let mut params = Vec::new();
        if let Some(ps) = def.child_by_field_name("parameters") {
            let mut cur = ps.walk();
            for p in ps.named_children(&mut cur) {
                let id = match p.kind() {
                    "identifier" => Some(p),
                    // `x=1`, `x: int`, `x: int = 1`, `*args`, `**kw`
                    _ => p
                        .child_by_field_name("name")
                        .or_else(|| p.named_child(0))
                        .filter(|n| n.kind() == "identifier"),
                };
                if let Some(id) = id {
                    params.push(self.text(id).to_string());
                }
            }
        }
        let mut decorators = Vec::new();
        if outer.kind() == "decorated_definition" {
            let mut cur = outer.walk();
            for d in outer.named_children(&mut cur) {
                if d.kind() == "decorator" {
                    let text = self.text(d).trim_start_matches('@').trim();
                    decorators.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
        }
        let empty_body = def.child_by_field_name("body").is_some_and(|b| {
            let mut cur = b.walk();
            b.named_children(&mut cur).all(|st| match st.kind() {
                "pass_statement" | "comment" => true,
                // a docstring or `...`
                "expression_statement" => {
                    let mut c2 = st.walk();
                    st.named_children(&mut c2)
                        .all(|e| matches!(e.kind(), "string" | "ellipsis"))
                }
                _ => false,
            })
        });
        let mut body = Body::default();
        if let Some(b) = def.child_by_field_name("body") {
            self.block(b, &When::Always, &mut body, 0);
        }
        Some(Function {
            name: self.text(name).to_string(),
            name_range: name.byte_range(),
            params,
            decorators,
            empty_body,
            body: body.statements,
        })
    }

    fn block(&self, node: Node, when: &When, out: &mut Body, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let conditional = when.is_conditional();
        let mut cur = node.walk();
        for child in node.named_children(&mut cur) {
            match child.kind() {
                "expression_statement" => {
                    let mut c2 = child.walk();
                    for e in child.named_children(&mut c2) {
                        match e.kind() {
                            "assignment" => self.assignment(e, when, out),
                            "call" => out.statements.push(Stmt::Call {
                                call: self.value(e, 0),
                                conditional,
                            }),
                            _ => {}
                        }
                    }
                }
                "import_from_statement" => {
                    let mut c2 = child.walk();
                    let star = child
                        .named_children(&mut c2)
                        .any(|c| c.kind() == "wildcard_import");
                    if let (true, Some(module)) = (star, child.child_by_field_name("module_name")) {
                        out.statements.push(Stmt::StarImport {
                            module: self.text(module).split_whitespace().collect(),
                            range: child.byte_range(),
                            conditional,
                            when: when.clone(),
                        });
                    }
                }
                // a `try:` body runs unless it fails; its handlers may run instead
                "try_statement" => {
                    if let Some(body) = child.child_by_field_name("body") {
                        self.block(body, when, out, depth + 1);
                    }
                    let mut c2 = child.walk();
                    for h in child.named_children(&mut c2) {
                        if matches!(h.kind(), "except_clause" | "else_clause" | "finally_clause") {
                            self.block_of(h, &When::Maybe, out, depth + 1);
                        }
                    }
                }
                "if_statement" => self.if_statement(child, when, out, depth + 1),
                "for_statement" | "while_statement" | "with_statement" | "match_statement" => {
                    self.block_of(child, &When::Maybe, out, depth + 1)
                }
                _ => {}
            }
        }
    }

    /// `if c1: … elif c2: … else: …`: each body under its own branches.
    fn if_statement(&self, node: Node, when: &When, out: &mut Body, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut failed: Vec<(Cond, Range<usize>)> = Vec::new();
        let mut arms: Vec<(Option<Node>, Option<Node>)> = vec![(
            node.child_by_field_name("condition"),
            node.child_by_field_name("consequence"),
        )];
        let mut cur = node.walk();
        for alt in node.children_by_field_name("alternative", &mut cur) {
            match alt.kind() {
                "elif_clause" => arms.push((
                    alt.child_by_field_name("condition"),
                    alt.child_by_field_name("consequence"),
                )),
                "else_clause" => arms.push((None, alt.child_by_field_name("body"))),
                _ => {}
            }
        }
        for (cond, body) in arms {
            let mut w = when.clone();
            for (f, range) in &failed {
                w = w.under(Branch {
                    cond: f.clone(),
                    holds: false,
                    range: range.clone(),
                });
            }
            let cond = cond.map(|c| (self.cond(c, 0), c.byte_range()));
            if let Some((c, range)) = &cond {
                w = w.under(Branch {
                    cond: c.clone(),
                    holds: true,
                    range: range.clone(),
                });
            }
            if let Some(body) = body {
                self.block(body, &w, out, depth + 1);
            }
            match cond {
                Some(c) => failed.push(c),
                None => break,
            }
        }
    }

    /// A condition, as far as its shape is one a reader can decide.
    fn cond(&self, n: Node, depth: usize) -> Cond {
        if depth > MAX_DEPTH || n.is_error() {
            return Cond::Unknown;
        }
        match n.kind() {
            "parenthesized_expression" => match n.named_child(0) {
                Some(c) => self.cond(c, depth + 1),
                None => Cond::Unknown,
            },
            "not_operator" => match n.child_by_field_name("argument") {
                Some(a) => Cond::Not(Box::new(self.cond(a, depth + 1))),
                None => Cond::Unknown,
            },
            "boolean_operator" => {
                let op = n.child_by_field_name("operator").map(|o| self.text(o));
                let (Some(l), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return Cond::Unknown;
                };
                let (l, r) = (self.cond(l, depth + 1), self.cond(r, depth + 1));
                match op {
                    Some("and") => Cond::And(flatten_cond(l, r, true)),
                    Some("or") => Cond::Or(flatten_cond(l, r, false)),
                    _ => Cond::Unknown,
                }
            }
            "comparison_operator" => {
                let mut cur = n.walk();
                let operands: Vec<Node> = n.named_children(&mut cur).collect();
                // the operators are the unnamed children between the operands
                let mut cur = n.walk();
                let ops: Vec<String> = n
                    .children(&mut cur)
                    .filter(|c| !c.is_named())
                    .map(|c| self.text(c).to_string())
                    .collect();
                let op = ops.join(" ");
                let [l, r] = operands.as_slice() else {
                    return Cond::Unknown;
                };
                let (left, right) = (self.operand(*l), self.operand(*r));
                match op.as_str() {
                    "in" => Cond::In {
                        needle: left,
                        haystack: right,
                    },
                    "not in" => Cond::Not(Box::new(Cond::In {
                        needle: left,
                        haystack: right,
                    })),
                    "==" | "!=" | "<" | "<=" | ">" | ">=" => Cond::Compare { left, op, right },
                    _ => Cond::Unknown,
                }
            }
            "identifier" | "attribute" | "call" | "true" | "false" | "none" | "subscript" => {
                Cond::Truth(self.operand(n))
            }
            _ => Cond::Unknown,
        }
    }

    fn operand(&self, n: Node) -> Operand {
        match n.kind() {
            "subscript" => {
                let of = n.child_by_field_name("value");
                let index = n
                    .child_by_field_name("subscript")
                    .filter(|i| i.kind() == "integer")
                    .and_then(|i| self.text(i).parse::<i64>().ok());
                match (of, index) {
                    (Some(of), Some(index)) if matches!(of.kind(), "identifier" | "attribute") => {
                        Operand::Item {
                            of: self.text(of).to_string(),
                            index,
                        }
                    }
                    _ => Operand::Value(self.value(n, 0)),
                }
            }
            "call" => {
                let f = n.child_by_field_name("function").map(|f| self.text(f));
                let arg = n.child_by_field_name("arguments").and_then(|a| {
                    let mut cur = a.walk();
                    let args: Vec<Node> = a.named_children(&mut cur).collect();
                    match args.as_slice() {
                        [one] if matches!(one.kind(), "identifier" | "attribute") => {
                            Some(self.text(*one).to_string())
                        }
                        _ => None,
                    }
                });
                match (f, arg) {
                    (Some("len"), Some(of)) => Operand::Len(of),
                    _ => Operand::Value(self.value(n, 0)),
                }
            }
            _ => Operand::Value(self.value(n, 0)),
        }
    }

    /// The statement blocks anywhere under a compound statement.
    fn block_of(&self, node: Node, when: &When, out: &mut Body, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut cur = node.walk();
        for c in node.named_children(&mut cur) {
            if c.kind() == "block" {
                self.block(c, when, out, depth + 1);
            } else if matches!(
                c.kind(),
                "elif_clause" | "else_clause" | "except_clause" | "finally_clause" | "case_clause"
            ) {
                self.block_of(c, when, out, depth + 1);
            }
        }
    }

    fn assignment(&self, node: Node, when: &When, out: &mut Body) {
        let conditional = when.is_conditional();
        let Some(left) = node.child_by_field_name("left") else {
            return;
        };
        // `name: str` declares a field without a value
        let Some(right) = node.child_by_field_name("right") else {
            if left.kind() == "identifier" && node.child_by_field_name("type").is_some() {
                out.statements.push(Stmt::Assign {
                    name: self.text(left).to_string(),
                    path: Vec::new(),
                    range: node.byte_range(),
                    value: Value::Unknown(node.byte_range()),
                    conditional,
                    when: when.clone(),
                });
            }
            return;
        };
        let value = self.value(right, 0);
        // `A = B = value` nests: the right side is another assignment
        let value = if right.kind() == "assignment" {
            self.assignment(right, when, out);
            Value::Unknown(right.byte_range())
        } else {
            value
        };
        let mut path = Vec::new();
        let mut target = left;
        while target.kind() == "subscript" {
            let key = target
                .child_by_field_name("subscript")
                .map(|k| self.value(k, 0));
            match key {
                Some(Value::Str { text, .. }) => path.push(text),
                // a computed key: the whole variable is undecided from here
                _ => {
                    path.clear();
                    path.push(String::new());
                }
            }
            let Some(v) = target.child_by_field_name("value") else {
                return;
            };
            target = v;
        }
        path.reverse();
        // `settings.DATABASES[…] = …` (a plain `a.b = …` stays unread: it
        // is no name a reader looks up)
        let attribute_with_key = target.kind() == "attribute" && !path.is_empty();
        if target.kind() == "identifier" || attribute_with_key {
            let unknown_key = path.iter().any(String::is_empty);
            // `TESTING = "test" in sys.argv`: a name later `if`s test
            if path.is_empty()
                && matches!(
                    right.kind(),
                    "comparison_operator" | "boolean_operator" | "not_operator"
                )
            {
                out.flags.push(Flag {
                    name: self.text(target).to_string(),
                    cond: self.cond(right, 0),
                    when: when.clone(),
                });
            }
            out.statements.push(Stmt::Assign {
                name: self.text(target).to_string(),
                path: if unknown_key { Vec::new() } else { path },
                range: node.byte_range(),
                value: if unknown_key {
                    Value::Unknown(right.byte_range())
                } else {
                    value
                },
                conditional: conditional || unknown_key,
                when: if unknown_key {
                    When::Maybe
                } else {
                    when.clone()
                },
            });
        } else if matches!(target.kind(), "pattern_list" | "tuple_pattern") {
            // `A, B = …`: each name is undecided
            let mut cur = target.walk();
            for n in target.named_children(&mut cur) {
                if n.kind() == "identifier" {
                    out.statements.push(Stmt::Assign {
                        name: self.text(n).to_string(),
                        path: Vec::new(),
                        range: node.byte_range(),
                        value: Value::Unknown(right.byte_range()),
                        conditional,
                        when: when.clone(),
                    });
                }
            }
        }
    }

    fn class(&self, node: Node, depth: usize) -> Option<Class> {
        if depth > 4 {
            return None;
        }
        let name = node.child_by_field_name("name")?;
        let mut bases = Vec::new();
        if let Some(list) = node.child_by_field_name("superclasses") {
            let mut cur = list.walk();
            for b in list.named_children(&mut cur) {
                if matches!(b.kind(), "identifier" | "attribute") {
                    bases.push(self.text(b).split_whitespace().collect());
                }
            }
        }
        let mut body = Body::default();
        let mut inner = Vec::new();
        if let Some(block) = node.child_by_field_name("body") {
            self.block(block, &When::Always, &mut body, 0);
            let mut cur = block.walk();
            for c in block.named_children(&mut cur) {
                if c.kind() == "class_definition"
                    && let Some(k) = self.class(c, depth + 1)
                {
                    inner.push(k);
                }
            }
        }
        Some(Class {
            name: self.text(name).to_string(),
            name_range: name.byte_range(),
            bases,
            body: body.statements,
            inner,
        })
    }

    /// Every call and environment read anywhere in the tree.
    fn scan(&self, node: Node, m: &mut Module, depth: usize) {
        // an explicit stack: deep nesting must not grow the call stack
        let mut stack = vec![(node, depth)];
        while let Some((n, d)) = stack.pop() {
            match n.kind() {
                "call" => {
                    let v = self.value(n, 0);
                    if let Value::Call { callee, args, .. } = &v {
                        let writes = callee.ends_with("setenv")
                            || callee.ends_with("environ.setdefault")
                            || callee.ends_with("putenv");
                        if writes && let Some(Value::Str { text, range, .. }) = args.first() {
                            m.env_writes.push((text.clone(), range.clone()));
                        }
                    }
                    if matches!(v, Value::EnvRead { .. }) {
                        m.env_reads.push(v);
                    } else {
                        m.calls.push(v);
                    }
                }
                "assignment" => {
                    if let Some(left) = n.child_by_field_name("left")
                        && left.kind() == "subscript"
                        && let Value::EnvRead { key, key_range, .. } = self.value(left, 0)
                    {
                        m.env_writes.push((key, key_range));
                    }
                }
                "subscript" => {
                    let v = self.value(n, 0);
                    if matches!(v, Value::EnvRead { .. }) {
                        m.env_reads.push(v);
                    }
                }
                _ => {}
            }
            let mut cur = n.walk();
            let children: Vec<Node> = n.named_children(&mut cur).collect();
            for c in children.into_iter().rev() {
                stack.push((c, d + 1));
            }
        }
    }

    fn value(&self, n: Node, depth: usize) -> Value {
        let range = n.byte_range();
        if depth > MAX_DEPTH || n.is_error() {
            return Value::Unknown(range);
        }
        match n.kind() {
            "string" => {
                // an f-string carries interpolations: not a literal
                let mut cur = n.walk();
                if n.named_children(&mut cur)
                    .any(|c| c.kind() == "interpolation")
                {
                    return Value::Unknown(range);
                }
                match unquote(self.text(n), range.start) {
                    Some((text, range, verbatim)) => Value::Str {
                        text,
                        range,
                        verbatim,
                    },
                    None => Value::Unknown(range),
                }
            }
            "concatenated_string" => {
                let mut cur = n.walk();
                let parts: Vec<Value> = n
                    .named_children(&mut cur)
                    .map(|c| self.value(c, depth + 1))
                    .collect();
                concat(&parts, range)
            }
            "binary_operator" => {
                let op = n.child_by_field_name("operator").map(|o| self.text(o));
                match (
                    op,
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) {
                    (Some("+"), Some(l), Some(r)) => {
                        concat(&[self.value(l, depth + 1), self.value(r, depth + 1)], range)
                    }
                    // pathlib: `BASE_DIR / "db.sqlite3"` (numbers divide)
                    (Some("/"), Some(l), Some(r))
                        if !matches!(l.kind(), "integer" | "float")
                            && !matches!(r.kind(), "integer" | "float") =>
                    {
                        let mut parts = match self.value(l, depth + 1) {
                            Value::PathJoin { parts, .. } => parts,
                            other => vec![other],
                        };
                        parts.push(self.value(r, depth + 1));
                        Value::PathJoin { parts, range }
                    }
                    _ => Value::Unknown(range),
                }
            }
            "boolean_operator" => {
                let op = n.child_by_field_name("operator").map(|o| self.text(o));
                match (
                    op,
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) {
                    (Some("or"), Some(l), Some(r)) => {
                        let mut parts = match self.value(l, depth + 1) {
                            Value::BoolOr(p) => p,
                            other => vec![other],
                        };
                        parts.push(self.value(r, depth + 1));
                        Value::BoolOr(parts)
                    }
                    _ => Value::Unknown(range),
                }
            }
            "parenthesized_expression" => match n.named_child(0) {
                Some(c) => self.value(c, depth + 1),
                None => Value::Unknown(range),
            },
            "integer" | "float" => Value::Number(self.text(n).to_string()),
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "none" => Value::Null,
            "identifier" | "attribute" => Value::Name(self.text(n).to_string()),
            "dictionary" => {
                let mut entries = Vec::new();
                let mut cur = n.walk();
                for pair in n.named_children(&mut cur) {
                    if pair.kind() != "pair" {
                        continue;
                    }
                    let (Some(k), Some(v)) = (
                        pair.child_by_field_name("key"),
                        pair.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    if let Value::Str { text, range, .. } = self.value(k, depth + 1) {
                        entries.push(Entry {
                            key: text,
                            key_range: range,
                            value: self.value(v, depth + 1),
                        });
                    }
                }
                Value::Map(entries)
            }
            "list" | "tuple" => {
                let mut cur = n.walk();
                Value::List(
                    n.named_children(&mut cur)
                        .map(|c| self.value(c, depth + 1))
                        .collect(),
                )
            }
            "subscript" => {
                // os.environ["X"]
                let (Some(v), Some(k)) = (
                    n.child_by_field_name("value"),
                    n.child_by_field_name("subscript"),
                ) else {
                    return Value::Unknown(range);
                };
                if is_environ(self.text(v))
                    && let Value::Str {
                        text, range: kr, ..
                    } = self.value(k, depth + 1)
                {
                    return Value::EnvRead {
                        key: text,
                        key_range: kr,
                        default: None,
                        range,
                    };
                }
                Value::Unknown(range)
            }
            "call" => self.call(n, depth),
            _ => Value::Unknown(range),
        }
    }

    fn call(&self, n: Node, depth: usize) -> Value {
        let range = n.byte_range();
        let Some(func) = n.child_by_field_name("function") else {
            return Value::Unknown(range);
        };
        let callee: String = self.text(func).split_whitespace().collect();
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        if let Some(list) = n.child_by_field_name("arguments") {
            let mut cur = list.walk();
            for a in list.named_children(&mut cur) {
                if a.kind() == "keyword_argument" {
                    if let (Some(k), Some(v)) = (
                        a.child_by_field_name("name"),
                        a.child_by_field_name("value"),
                    ) {
                        kwargs.push((self.text(k).to_string(), self.value(v, depth + 1)));
                    }
                } else if a.kind() != "comment" {
                    args.push(self.value(a, depth + 1));
                }
            }
        }
        // os.environ.get("X", d), os.getenv("X", d), environ.get, getenv
        let env_call = matches!(
            callee.as_str(),
            "os.environ.get" | "os.getenv" | "environ.get" | "getenv" | "os.environ.setdefault"
        );
        if env_call
            && let Some(Value::Str {
                text, range: kr, ..
            }) = args.first()
        {
            let default = args.get(1).cloned().or_else(|| {
                kwargs
                    .iter()
                    .find(|(k, _)| k == "default")
                    .map(|(_, v)| v.clone())
            });
            if callee != "os.environ.setdefault" {
                return Value::EnvRead {
                    key: text.clone(),
                    key_range: kr.clone(),
                    default: default.map(Box::new),
                    range,
                };
            }
        }
        Value::Call {
            callee,
            args,
            kwargs,
            range,
        }
    }
}

fn is_environ(text: &str) -> bool {
    matches!(text, "os.environ" | "environ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_level_functions_with_parameters_decorators_and_empty_bodies() {
        let m = parse(
            "import pytest\n\n@pytest.fixture(scope='session')\ndef django_db_setup():\n    \"\"\"Connect test DB\"\"\"\n\n\n@pytest.fixture(scope=\"session\")\ndef django_db_setup(django_db_setup, django_db_blocker):\n    with django_db_blocker.unblock():\n        call_command('loaddata', 'x.json')\n\ndef helper(a, b: int = 1, *args, **kw):\n    pass  # nothing\n\nclass C:\n    def method(self):\n        pass\n",
        );
        let got: Vec<(&str, Vec<&str>, Vec<&str>, bool)> = m
            .functions
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.params.iter().map(String::as_str).collect(),
                    f.decorators.iter().map(String::as_str).collect(),
                    f.empty_body,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "django_db_setup",
                    vec![],
                    vec!["pytest.fixture(scope='session')"],
                    true
                ),
                (
                    "django_db_setup",
                    vec!["django_db_setup", "django_db_blocker"],
                    vec!["pytest.fixture(scope=\"session\")"],
                    false
                ),
                ("helper", vec!["a", "b", "args", "kw"], vec![], true),
            ]
        );
    }

    #[test]
    fn reads_settings_literally() {
        let src = r#"
import os
from .base import *
DEBUG = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "shop"),
        "HOST": 'db.' + "example.com",
        "TEST": {"NAME": "shop_test"},
    }
}
DATABASES["default"]["NAME"] = "other"
if DEBUG:
    X = 1
try:
    from .local import *
except ImportError:
    pass
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")
def f():
    drop_database(os.environ['DATABASE_URL'])
N = os.environ.get("DB_NAME", "shop")
"#;
        let m = parse(src);
        assert!(!m.has_error);
        let dbs = m.assigned("DATABASES");
        let db = dbs.as_ref().and_then(|d| d.get("default"));
        let name = db.and_then(|d| d.get("NAME"));
        assert_eq!(name.and_then(Value::as_str), Some("other"));
        assert_eq!(
            db.and_then(|d| d.get("HOST")).and_then(Value::as_str),
            Some("db.example.com")
        );
        assert_eq!(
            db.and_then(|d| d.get("TEST"))
                .and_then(|t| t.get("NAME"))
                .and_then(Value::as_str),
            Some("shop_test")
        );
        assert!(
            m.statements
                .iter()
                .any(|s| matches!(s, Stmt::Assign { path, .. } if path == &["default", "NAME"]))
        );
        assert!(m.assigned("X").is_none());
        let n = m.assigned("N");
        assert!(matches!(&n, Some(Value::EnvRead { key, .. }) if key == "DB_NAME"));
        assert_eq!(
            n.as_ref().and_then(|n| n.default_str()).map(|d| d.0),
            Some("shop")
        );
        let stars: Vec<_> = m
            .statements
            .iter()
            .filter_map(|s| match s {
                Stmt::StarImport { module, .. } => Some(module.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(stars, [".base", ".local"]);
        assert!(
            m.calls
                .iter()
                .any(|c| c.callee_name() == Some("drop_database"))
        );
        assert!(
            m.env_reads
                .iter()
                .any(|r| matches!(r, Value::EnvRead { key, .. } if key == "DATABASE_URL"))
        );
        assert!(m.statements.iter().any(|s| matches!(s, Stmt::Call { call: Value::Call { callee, .. }, .. } if callee == "os.environ.setdefault")));
    }

    #[test]
    fn classes_fields_and_env_writes() {
        let src = r#"
from pydantic_settings import BaseSettings, SettingsConfigDict

@final
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")
    database_url: str
    debug: bool = False

    class Config:
        env_file = ".env.local"

def setup(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    os.environ["DB_NAME"] = "x_test"
"#;
        let m = parse(src);
        let c = &m.classes[0];
        assert_eq!(c.name, "Settings");
        assert_eq!(c.bases, ["BaseSettings"]);
        let fields: Vec<&str> = c.fields().map(|f| f.0).collect();
        assert_eq!(fields, ["model_config", "database_url", "debug"]);
        assert_eq!(
            c.assigned("model_config")
                .and_then(|v| v.kwarg("env_file"))
                .and_then(Value::as_str),
            Some(".env")
        );
        assert_eq!(
            c.inner[0].assigned("env_file").and_then(Value::as_str),
            Some(".env.local")
        );
        let writes: Vec<&str> = m.env_writes.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(writes, ["DATABASE_URL", "DB_NAME"]);
    }

    #[test]
    fn broken_code_is_unknown_not_a_panic() {
        for src in [
            "DATABASES = {",
            "x = f'{",
            "((((((((",
            "\u{feff}A = 'b'\n",
            "",
        ] {
            let _ = parse(src);
        }
        let deep = format!("X = {}1{}", "[".repeat(5000), "]".repeat(5000));
        let m = parse(&deep);
        assert!(m.assigned("X").is_some());
    }
}
