//! How a Python test process is started, and what that decides in code
//! that tests it: settings modules switch on `'test' in sys.argv`,
//! `'pytest' in sys.argv[0]`, `sys.argv[1] == 'test'` or
//! `'pytest' in sys.modules`.
//!
//! - The pytest console script (`pytest …`, also `python -m pytest …`):
//!   `sys.argv[0]` is the script's full path (`/…/bin/pytest`,
//!   `/…/pytest/__main__.py`), so it holds `pytest` but is never the bare
//!   word `pytest`; the rest are the arguments typed. `addopts` and
//!   `testpaths` never reach `sys.argv` (pytest adds them in its own
//!   parser), so a run that a configuration file describes is taken as
//!   `pytest` with no arguments. pytest is imported before any conftest or
//!   settings module: `"pytest" in sys.modules` holds.
//! - `python manage.py test …`: `sys.argv` is `['manage.py', 'test', …]`.
//!
//! Anything else (the environment, a call, a name bound elsewhere) is
//! undecided: `None`.

use crate::syntax::code::Value;
use crate::syntax::python::{Branch, Cond, Flag, Operand, When};

/// How the test process starts.
#[derive(Clone, Debug, PartialEq)]
pub enum Launch {
    /// The pytest console script with these arguments.
    Pytest { args: Vec<String> },
    /// `manage.py` with these arguments (`test`, …).
    ManagePy { args: Vec<String> },
}

/// Nesting of flags (`A = B or C`, `if A:`) beyond this is undecided.
const MAX_FLAG_DEPTH: usize = 8;

impl Launch {
    /// The launch a test command gives (`pytest -x tests`,
    /// `python -m pytest`, `python manage.py test app`), `None` for any
    /// other command.
    pub fn of_command(cmd: &str) -> Option<Launch> {
        let words: Vec<&str> = cmd
            .split(['\n', ';', '&', '|'])
            .find(|part| part.contains("pytest") || part.contains("manage.py"))?
            .split_whitespace()
            .collect();
        let rest = |i: usize| -> Vec<String> {
            words[i + 1..]
                .iter()
                .map(|w| w.trim_matches(['"', '\'']).to_string())
                .collect()
        };
        if let Some(i) = words
            .iter()
            .position(|w| *w == "pytest" || w.ends_with("/pytest") || *w == "py.test")
        {
            return Some(Launch::Pytest { args: rest(i) });
        }
        let i = words.iter().position(|w| w.ends_with("manage.py"))?;
        Some(Launch::ManagePy { args: rest(i) })
    }

    /// Whether a statement under `when` runs in this process.
    pub fn runs(&self, when: &When, flags: &[Flag]) -> Option<bool> {
        match when {
            When::Always => Some(true),
            When::Maybe => None,
            When::If(branches) => {
                let mut all = Some(true);
                for Branch { cond, holds, .. } in branches {
                    match self.eval(cond, flags, 0) {
                        Some(v) if v != *holds => return Some(false),
                        Some(_) => {}
                        None => all = None,
                    }
                }
                all
            }
        }
    }

    /// The first `if` that keeps a statement under `when` from running.
    pub fn blocking<'w>(&self, when: &'w When, flags: &[Flag]) -> Option<&'w Branch> {
        self.first_branch(when, flags, |b, v| v.is_some_and(|v| v != b.holds))
    }

    /// The first `if` whose condition this launch cannot decide.
    pub fn undecided<'w>(&self, when: &'w When, flags: &[Flag]) -> Option<&'w Branch> {
        self.first_branch(when, flags, |_, v| v.is_none())
    }

    /// The first branch of `when` whose evaluation `pick` accepts.
    fn first_branch<'w>(
        &self,
        when: &'w When,
        flags: &[Flag],
        pick: impl Fn(&Branch, Option<bool>) -> bool,
    ) -> Option<&'w Branch> {
        let When::If(branches) = when else {
            return None;
        };
        branches
            .iter()
            .find(|b| pick(b, self.eval(&b.cond, flags, 0)))
    }

    /// For humans: `pytest`, `manage.py test`.
    pub fn describe(&self) -> String {
        let (head, args) = match self {
            Launch::Pytest { args } => ("pytest", args),
            Launch::ManagePy { args } => ("manage.py", args),
        };
        std::iter::once(head)
            .chain(args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn eval(&self, cond: &Cond, flags: &[Flag], depth: usize) -> Option<bool> {
        if depth > MAX_FLAG_DEPTH {
            return None;
        }
        match cond {
            Cond::Not(c) => self.eval(c, flags, depth + 1).map(|v| !v),
            Cond::And(parts) => {
                let mut all = Some(true);
                for p in parts {
                    match self.eval(p, flags, depth + 1) {
                        Some(false) => return Some(false),
                        Some(true) => {}
                        None => all = None,
                    }
                }
                all
            }
            Cond::Or(parts) => {
                let mut any = Some(false);
                for p in parts {
                    match self.eval(p, flags, depth + 1) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => any = None,
                    }
                }
                any
            }
            Cond::In { needle, haystack } => {
                let Operand::Value(Value::Str { text: needle, .. }) = needle else {
                    return None;
                };
                match haystack {
                    Operand::Value(Value::Name(n)) if n == "sys.argv" => self.argv_has(needle),
                    Operand::Value(Value::Name(n)) if n == "sys.modules" => (needle == "pytest"
                        && matches!(self, Launch::Pytest { .. }))
                    .then_some(true),
                    Operand::Item { of, index } if of == "sys.argv" => {
                        self.arg(*index)
                            .map(|a| a.contains(needle.as_str()))
                            .or_else(|| {
                                // the script's path: its own name is part of it
                                (*index == 0 && self.script().contains(needle.as_str()))
                                    .then_some(true)
                            })
                    }
                    _ => None,
                }
            }
            Cond::Compare { left, op, right } => {
                let (l, r) = (self.operand(left), self.operand(right));
                match (l?, r?) {
                    (Fact::Str(a), Fact::Str(b)) => match op.as_str() {
                        "==" => Some(a == b),
                        "!=" => Some(a != b),
                        _ => None,
                    },
                    (Fact::Int(a), Fact::Int(b)) => match op.as_str() {
                        "==" => Some(a == b),
                        "!=" => Some(a != b),
                        "<" => Some(a < b),
                        "<=" => Some(a <= b),
                        ">" => Some(a > b),
                        ">=" => Some(a >= b),
                        _ => None,
                    },
                    _ => None,
                }
            }
            Cond::Truth(Operand::Value(Value::Bool(b))) => Some(*b),
            Cond::Truth(Operand::Value(Value::Name(name))) => {
                // the name's last binding at module level, when unconditional
                let flag = flags.iter().rev().find(|f| &f.name == name)?;
                if flag.when != When::Always {
                    return None;
                }
                self.eval(&flag.cond, flags, depth + 1)
            }
            _ => None,
        }
    }

    fn operand(&self, o: &Operand) -> Option<Fact> {
        match o {
            Operand::Value(Value::Str { text, .. }) => Some(Fact::Str(text.clone())),
            Operand::Value(Value::Number(n)) => n.parse().ok().map(Fact::Int),
            Operand::Len(of) if of == "sys.argv" => {
                i64::try_from(self.args().len() + 1).ok().map(Fact::Int)
            }
            Operand::Item { of, index } if of == "sys.argv" => {
                self.arg(*index).map(|a| Fact::Str(a.to_string()))
            }
            _ => None,
        }
    }

    fn args(&self) -> &[String] {
        match self {
            Launch::Pytest { args } | Launch::ManagePy { args } => args,
        }
    }

    /// What `sys.argv[0]` always holds, whatever the path before it.
    fn script(&self) -> &'static str {
        match self {
            Launch::Pytest { .. } => "pytest",
            Launch::ManagePy { .. } => "manage.py",
        }
    }

    /// `sys.argv[index]` where it is known: the arguments, not the script's
    /// path (`None` past the end: Python raises there).
    fn arg(&self, index: i64) -> Option<&str> {
        let i = usize::try_from(index).ok()?.checked_sub(1)?;
        self.args().get(i).map(String::as_str)
    }

    /// `needle in sys.argv`: one of the arguments, or the script's path
    /// itself (only a path can equal it).
    fn argv_has(&self, needle: &str) -> Option<bool> {
        if self.args().iter().any(|a| a == needle) {
            return Some(true);
        }
        if needle.contains('/') || (needle == "manage.py" && self.script() == needle) {
            return None;
        }
        Some(false)
    }
}

/// An operand's value in this process.
enum Fact {
    Str(String),
    Int(i64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::python::{self, Stmt};

    /// Whether the last assignment of `X` in `src` runs under `launch`.
    fn x_runs(src: &str, launch: &Launch) -> Option<bool> {
        let m = python::parse(src);
        let when = m
            .statements
            .iter()
            .rev()
            .find_map(|s| match s {
                Stmt::Assign { name, when, .. } if name == "X" => Some(when.clone()),
                _ => None,
            })
            .unwrap_or(When::Maybe);
        launch.runs(&when, &m.flags)
    }

    #[test]
    fn argv_switches_under_pytest_and_manage_py() {
        let pytest = Launch::Pytest { args: Vec::new() };
        let manage = Launch::of_command("python manage.py test app")
            .unwrap_or(Launch::Pytest { args: Vec::new() });
        let cases: &[(&str, Option<bool>, Option<bool>)] = &[
            (
                "import sys\nif 'test' in sys.argv:\n    X = 1\n",
                Some(false),
                Some(true),
            ),
            (
                "import sys\nif 'test' in sys.argv or 'pytest' in sys.argv:\n    X = 1\n",
                Some(false),
                Some(true),
            ),
            (
                "import sys\nif 'test' in sys.argv or 'pytest' in sys.argv[0]:\n    X = 1\n",
                Some(true),
                Some(true),
            ),
            (
                "import sys\nif len(sys.argv) > 1 and sys.argv[1] == 'test':\n    X = 1\n",
                Some(false),
                Some(true),
            ),
            (
                "import sys\nTESTING = 'test' in sys.argv\nif not TESTING:\n    X = 1\n",
                Some(true),
                Some(false),
            ),
            (
                "import sys\nif 'pytest' in sys.modules:\n    X = 1\nelse:\n    X = 2\n",
                Some(false),
                None,
            ),
            (
                "import os, sys\nif 'test' in sys.argv or os.environ.get('T'):\n    X = 1\n",
                None,
                Some(true),
            ),
            (
                "import sys\nif 'test' in sys.argv:\n    pass\nelif 'pytest' in sys.argv[0]:\n    X = 1\n",
                Some(true),
                Some(false),
            ),
            ("for a in b:\n    X = 1\n", None, None),
        ];
        for (src, under_pytest, under_manage) in cases {
            assert_eq!(x_runs(src, &pytest), *under_pytest, "pytest: {src}");
            assert_eq!(x_runs(src, &manage), *under_manage, "manage.py: {src}");
        }
    }

    #[test]
    fn commands_name_their_launch() {
        assert_eq!(
            Launch::of_command("cd app && python -m pytest -x tests"),
            Some(Launch::Pytest {
                args: vec!["-x".into(), "tests".into()]
            })
        );
        assert_eq!(
            Launch::of_command("poetry run python manage.py test --noinput"),
            Some(Launch::ManagePy {
                args: vec!["test".into(), "--noinput".into()]
            })
        );
        assert_eq!(Launch::of_command("make test"), None);
    }
}
