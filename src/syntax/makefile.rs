//! GNU make, as far as a test target's environment goes: `include` lines,
//! `export` directives and rules with their recipe lines. Conditionals,
//! functions and variables are not evaluated; a recipe line is kept as
//! written. Offsets are bytes into the file.

use std::ops::Range;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Makefile {
    /// `include .env` / `-include .env` / `sinclude .env`: each file named,
    /// with its range.
    pub includes: Vec<(String, Range<usize>)>,
    /// A bare `export` (every variable) or `.EXPORT_ALL_VARIABLES:`.
    pub export_all: Option<Range<usize>>,
    pub rules: Vec<Rule>,
    /// Variable assignments outside recipes, with the conditionals around them.
    pub assignments: Vec<Assignment>,
}

/// `NAME := value` (any of make's operators), possibly under `export` or
/// `override`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub name_range: Range<usize>,
    /// `=`, `:=`, `::=`, `:::=`, `?=`, `+=`, `!=`.
    pub op: String,
    pub value: String,
    pub value_range: Range<usize>,
    /// The conditionals it stands in, outermost first.
    pub conditions: Vec<Condition>,
}

/// One level of `ifdef`/`ifndef`/`ifeq`/`ifneq`, and which branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub directive: String,
    /// What follows the directive, trimmed (`DATABASE_URL`, `($(X),y)`).
    pub argument: String,
    /// In the `else` branch. An `else ifdef …` chain is one level whose
    /// directive is `else-chain` (its conditions are not followed).
    pub else_branch: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub targets: Vec<String>,
    pub range: Range<usize>,
    /// Recipe lines (tab-indented), without the tab and `@`/`-` prefixes.
    pub recipe: Vec<(String, Range<usize>)>,
}

pub fn parse(text: &str) -> Makefile {
    let mut m = Makefile::default();
    let mut offset = 0;
    let mut current: Option<Rule> = None;
    let mut conditions: Vec<Condition> = Vec::new();
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if let (Some(recipe), true) = (line.strip_prefix('\t'), current.is_some()) {
            if let Some(rule) = current.as_mut() {
                let cmd = recipe.trim_start_matches(['@', '-', '+', ' ']);
                let at = start + 1 + (recipe.len() - cmd.len());
                if !cmd.trim().is_empty() && !cmd.trim_start().starts_with('#') {
                    rule.recipe
                        .push((cmd.trim_end().to_string(), at..at + cmd.trim_end().len()));
                }
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(r) = current.take() {
            m.rules.push(r);
        }
        let word = trimmed.split_whitespace().next().unwrap_or("");
        match word {
            "ifdef" | "ifndef" | "ifeq" | "ifneq" => {
                conditions.push(Condition {
                    directive: word.to_string(),
                    argument: trimmed[word.len()..].trim().to_string(),
                    else_branch: false,
                });
                continue;
            }
            "else" => {
                if let Some(c) = conditions.last_mut() {
                    if trimmed == "else" {
                        c.else_branch = true;
                    } else {
                        c.directive = "else-chain".to_string();
                    }
                }
                continue;
            }
            "endif" => {
                conditions.pop();
                continue;
            }
            _ => {}
        }
        if let Some(a) = assignment(line, start, &conditions) {
            m.assignments.push(a);
            continue;
        }
        if matches!(word, "include" | "-include" | "sinclude") {
            let mut pos = line.len() - line.trim_start().len() + word.len();
            for f in line[pos..].split_whitespace() {
                let at = line[pos..].find(f).map_or(pos, |i| pos + i);
                m.includes
                    .push((f.to_string(), start + at..start + at + f.len()));
                pos = at + f.len();
            }
            continue;
        }
        if trimmed == "export" || trimmed.starts_with(".EXPORT_ALL_VARIABLES") {
            let lead = line.len() - line.trim_start().len();
            m.export_all = Some(start + lead..start + lead + trimmed.len());
            continue;
        }
        // a rule: `targets: prerequisites` (not `VAR := x`, `VAR ::= x`)
        if let Some(colon) = trimmed.find(':') {
            let after = &trimmed[colon + 1..];
            let assignment =
                after.starts_with('=') || after.starts_with(":=") || trimmed[..colon].contains('=');
            if !assignment {
                let lead = line.len() - line.trim_start().len();
                current = Some(Rule {
                    targets: trimmed[..colon]
                        .split_whitespace()
                        .map(String::from)
                        .collect(),
                    range: start + lead..start + lead + trimmed.len(),
                    recipe: Vec::new(),
                });
            }
        }
    }
    if let Some(r) = current.take() {
        m.rules.push(r);
    }
    m
}

/// `[export|override] NAME op value` on one line.
fn assignment(line: &str, start: usize, conditions: &[Condition]) -> Option<Assignment> {
    let lead = line.len() - line.trim_start().len();
    let mut rest = &line[lead..];
    let mut at = start + lead;
    loop {
        let w = rest.split_whitespace().next().unwrap_or("");
        if (w == "export" || w == "override") && rest.len() > w.len() {
            let skip = w.len() + (rest[w.len()..].len() - rest[w.len()..].trim_start().len());
            rest = &rest[skip..];
            at += skip;
        } else {
            break;
        }
    }
    let name_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    if name_len == 0 {
        return None;
    }
    let name = &rest[..name_len];
    let after = &rest[name_len..];
    let gap = after.len() - after.trim_start().len();
    let ops = [":::=", "::=", ":=", "?=", "+=", "!=", "="];
    let op = ops.iter().find(|o| after[gap..].starts_with(**o))?;
    let value_start = name_len + gap + op.len();
    let raw = &rest[value_start..];
    let v_lead = raw.len() - raw.trim_start().len();
    let value = raw.trim();
    let vs = at + value_start + v_lead;
    Some(Assignment {
        name: name.to_string(),
        name_range: at..at + name_len,
        op: op.to_string(),
        value: value.to_string(),
        value_range: vs..vs + value.len(),
        conditions: conditions.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_exports_and_recipes() {
        let t = "-include .env\nexport\nDB ?= x\nX := $(shell echo)\n\ntest: deps\n\t@pytest -q\n\t# note\n\nlint:\n\truff .\n";
        let m = parse(t);
        assert_eq!(
            m.includes.iter().map(|i| i.0.as_str()).collect::<Vec<_>>(),
            [".env"]
        );
        assert_eq!(&t[m.includes[0].1.clone()], ".env");
        assert!(m.export_all.is_some());
        assert_eq!(m.rules.len(), 2);
        assert_eq!(m.rules[0].targets, ["test"]);
        assert_eq!(m.rules[0].recipe.len(), 1);
        assert_eq!(&t[m.rules[0].recipe[0].1.clone()], "pytest -q");
        assert!(parse("").rules.is_empty());
        assert!(parse("\t\tstray\n:\n").includes.is_empty());
    }

    #[test]
    fn conditional_assignments() {
        let t = "ifdef DATABASE_URL\n\tTEST_DATABASE_URL := $(DATABASE_URL)\nelse\n\tTEST_DATABASE_URL := 'postgres://localhost/app_test'\nendif\nexport X ?= 1\ntest:\n\tgo test ./...\n";
        let m = parse(t);
        let a: Vec<(&str, &str, bool)> = m
            .assignments
            .iter()
            .map(|a| {
                (
                    a.name.as_str(),
                    &t[a.value_range.clone()],
                    a.conditions.first().is_some_and(|c| c.else_branch),
                )
            })
            .collect();
        assert_eq!(
            a,
            [
                ("TEST_DATABASE_URL", "$(DATABASE_URL)", false),
                ("TEST_DATABASE_URL", "'postgres://localhost/app_test'", true),
                ("X", "1", false)
            ]
        );
        assert_eq!(m.assignments[0].conditions[0].argument, "DATABASE_URL");
        assert!(m.assignments[2].conditions.is_empty());
        assert_eq!(m.rules.len(), 1);
    }
}
