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
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some(recipe) = line.strip_prefix('\t') {
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
}
