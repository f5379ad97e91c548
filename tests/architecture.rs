//! The house rules of `src/` (see `../shared/ARCHITECTURE.md` and the crate
//! documentation in `src/lib.rs`), checked on the code itself:
//!
//! - every module stands on a floor and imports only from floors below
//!   its own (the data flows one way: discover → tree → syntax → stacks →
//!   model → resolve → rules → engine → report);
//! - a rule reads only the model: no rule imports a stack, the tree,
//!   discovery or `resolve`, and no rule calls another rule;
//! - a syntax module knows no framework, and neither do `tree.rs` and
//!   `discover.rs` (what a name means to a framework lives in `kinds.rs`
//!   and the stacks);
//! - a reporter knows no rule.
//!
//! Imports are read from the code with its comments and string literals
//! blanked, so a doc comment that links a higher module is no import.
//! The checks run on a planted violation first: a rule that could not fail
//! would guard nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The floors, from the ground up: a module imports only from lower floors
/// (and from itself).
const FLOORS: &[&[&str]] = &[
    &[
        "error", "paths", "source", "parallel", "suggest", "database",
    ],
    &["diagnostic", "kinds", "syntax"],
    &["model", "policy", "discover"],
    &["mask", "suppress", "resolve", "tree"],
    &["stacks", "git", "fix"],
    &["rules"],
    &["engine"],
    &["report", "lib"],
    &["config"],
    &["run"],
    &["cli"],
];

/// What a rule may not import: it reads the model, which the stacks built
/// and `resolve` resolved.
const NOT_FOR_RULES: &[&str] = &["stacks", "tree", "discover", "resolve", "kinds", "git"];

/// Words that name a framework, runner or tool whose reading rules belong
/// in a stack (or in `kinds.rs`), never in a syntax module, the tree or
/// discovery. Matched against the words of identifiers and string literals
/// (split at `_`, case and non-letters).
const FRAMEWORK_WORDS: &[&str] = &[
    "django",
    "flask",
    "fastapi",
    "pydantic",
    "pytest",
    "tox",
    "laravel",
    "lumen",
    "symfony",
    "doctrine",
    "phpunit",
    "codeception",
    "artisan",
    "jest",
    "vitest",
    "mocha",
    "playwright",
    "prisma",
    "sequelize",
    "typeorm",
    "knex",
    "adonis",
    "rails",
    "rspec",
    "ecto",
    "phoenix",
    "spring",
    "hibernate",
    "aspnet",
    "gorm",
    "viper",
    "godotenv",
    "gitlab",
];

/// One source file: its path below `src/` and its code.
struct Source {
    rel: String,
    text: String,
}

fn sources(root: &Path) -> Vec<Source> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for e in entries {
            let path: PathBuf = e.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let rel = path
                    .strip_prefix(root)
                    .expect("below src")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).expect("UTF-8 source");
                out.push(Source { rel, text });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// The code without its unit tests (`#[cfg(test)]` onwards: the house keeps
/// a file's tests at its end), with comments blanked and, unless
/// `keep_strings`, string and char literals blanked too. Lines are kept.
fn code(text: &str, keep_strings: bool) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |s: &str, out: &mut String| {
        out.extend(s.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
    };
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
            blank(&text[i..end], &mut out);
            i = end;
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            let mut j = i;
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&text[i..j], &mut out);
            i = j;
        } else if b[i] == b'r' && (b[i..].starts_with(b"r\"") || b[i..].starts_with(b"r#")) {
            // a raw string: r"…", r#"…"#
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            if b.get(i + 1 + hashes) != Some(&b'"') {
                out.push('r');
                i += 1;
                continue;
            }
            let close = format!("\"{}", "#".repeat(hashes));
            let start = i + 2 + hashes;
            let end = text[start..]
                .find(&close)
                .map_or(b.len(), |e| start + e + close.len());
            if keep_strings {
                out.push_str(&text[i..end]);
            } else {
                blank(&text[i..end], &mut out);
            }
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(b.len());
            if keep_strings {
                out.push_str(&text[i..end]);
            } else {
                blank(&text[i..end], &mut out);
            }
            i = end;
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            // a char literal ('"' among them); a lifetime is left alone
            blank(&text[i..i + 3], &mut out);
            i += 3;
        } else if b[i..].starts_with(b"'\\") {
            let end = text[i + 2..].find('\'').map_or(b.len(), |e| i + 3 + e);
            blank(&text[i..end], &mut out);
            i = end;
        } else {
            let ch = text[i..].chars().next().expect("a char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// The module a file belongs to: `rules/x.rs` → `rules`, `engine.rs` → `engine`.
fn module_of(rel: &str) -> &str {
    match rel.split_once('/') {
        Some((m, _)) => m,
        None => rel.strip_suffix(".rs").unwrap_or(rel),
    }
}

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|f| f.contains(&module))
}

/// Each `crate::module` the code names, with its line.
fn imports(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let before = rest[..i].chars().next_back();
            rest = &rest[i + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}`: each name of the group
            if name.is_empty() && rest.starts_with('{') {
                let group = rest[1..].split('}').next().unwrap_or("");
                for part in group.split(',') {
                    let part: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !part.is_empty() {
                        out.push((n + 1, part));
                    }
                }
            } else if !name.is_empty() {
                out.push((n + 1, name));
            }
        }
    }
    out
}

/// The sibling modules a file of `rules/` names through `super::x`.
fn sibling_uses(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("super::") {
            rest = &rest[i + "super::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if rest[name.len()..].starts_with("::")
                && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            {
                out.push((n + 1, name));
            }
        }
    }
    out
}

/// The framework words among the words of the code's identifiers and
/// strings, with their line.
fn framework_words(code: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut word = String::new();
        let mut flush = |word: &mut String| {
            let w = word.to_ascii_lowercase();
            if let Some(f) = FRAMEWORK_WORDS.iter().find(|f| **f == w) {
                out.push((n + 1, *f));
            }
            word.clear();
        };
        let mut prev_lower = false;
        for c in line.chars() {
            if c.is_ascii_alphabetic() {
                // `camelCase` and `PascalCase` split at the capital
                if c.is_ascii_uppercase() && prev_lower {
                    flush(&mut word);
                }
                word.push(c);
                prev_lower = c.is_ascii_lowercase();
            } else {
                flush(&mut word);
                prev_lower = false;
            }
        }
        flush(&mut word);
    }
    out
}

/// Every breach of the house rules in these sources, one line each.
fn violations(files: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    let rule_files: BTreeMap<String, bool> = files
        .iter()
        .filter_map(|f| {
            let name = f.rel.strip_prefix("rules/")?.strip_suffix(".rs")?;
            Some((name.to_string(), f.text.contains("impl Rule for")))
        })
        .collect();
    for f in files {
        if f.rel == "main.rs" {
            continue;
        }
        let module = module_of(&f.rel);
        let Some(floor) = floor_of(module) else {
            out.push(format!(
                "src/{}: module `{module}` stands on no floor: add it to FLOORS in tests/architecture.rs",
                f.rel
            ));
            continue;
        };
        let bare = code(&f.text, false);
        for (line, to) in imports(&bare) {
            if to == module {
                continue;
            }
            let Some(to_floor) = floor_of(&to) else {
                continue;
            };
            if to_floor >= floor {
                out.push(format!(
                    "src/{}:{line}: `{module}` (floor {}) imports `{to}` (floor {}): a floor imports only from the floors below it",
                    f.rel,
                    floor + 1,
                    to_floor + 1
                ));
            }
            if module == "rules" && NOT_FOR_RULES.contains(&to.as_str()) {
                out.push(format!(
                    "src/{}:{line}: a rule imports `{to}`: rules read the model only (TestRun, its layers and facts)",
                    f.rel
                ));
            }
            if module == "report" && to == "rules" {
                out.push(format!(
                    "src/{}:{line}: a reporter imports `rules`: what it needs of a rule comes through the outcome",
                    f.rel
                ));
            }
            if (module == "syntax" || module == "tree" || module == "discover") && to == "stacks" {
                out.push(format!(
                    "src/{}:{line}: `{module}` imports a stack: it must know no framework",
                    f.rel
                ));
            }
        }
        if let Some(own) = f
            .rel
            .strip_prefix("rules/")
            .and_then(|r| r.strip_suffix(".rs"))
            && rule_files.get(own) == Some(&true)
        {
            for (line, to) in sibling_uses(&bare) {
                if rule_files.get(&to) == Some(&true) {
                    out.push(format!(
                        "src/{}:{line}: rule `{own}` calls rule `{to}`: a rule does not call another (share a helper module instead)",
                        f.rel
                    ));
                }
            }
        }
        if module == "syntax" || module == "tree" || module == "discover" {
            let with_strings = code(&f.text, true);
            for (line, word) in framework_words(&with_strings) {
                out.push(format!(
                    "src/{}:{line}: `{module}` names the framework word `{word}`: what a framework reads belongs in its stack or in kinds.rs",
                    f.rel
                ));
            }
        }
    }
    out
}

/// The stacks' driver (`stacks/mod.rs`) names each stack once, in its
/// registry: every phase is a loop over the registry, so a stack called by
/// hand from the driver would take its turn out of order, or twice.
fn driver_violations(files: &[Source]) -> Vec<String> {
    let Some(driver) = files.iter().find(|f| f.rel == "stacks/mod.rs") else {
        return Vec::new();
    };
    let bare = code(&driver.text, false);
    let Some(start) = bare.find("fn registry(") else {
        return vec![
            "src/stacks/mod.rs: no `fn registry()`: the stacks are listed in one registry".into(),
        ];
    };
    let end = bare[start..]
        .find("\n}")
        .map_or(bare.len(), |e| start + e + 2);
    let body = &bare[start..end];
    // the stacks: each `Box::new(module::Stack…)` of the registry
    let stacks: Vec<String> = body
        .split("Box::new(")
        .skip(1)
        .filter_map(|rest| rest.split_once("::").map(|(m, _)| m.trim().to_string()))
        .filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    let mut out = Vec::new();
    for (n, line) in bare.lines().enumerate() {
        let at = bare.lines().take(n).map(|l| l.len() + 1).sum::<usize>();
        if (start..end).contains(&at) {
            continue;
        }
        for s in &stacks {
            let mut rest = line;
            while let Some(i) = rest.find(&format!("{s}::")) {
                let before = rest[..i].chars().next_back();
                rest = &rest[i + s.len() + 2..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                out.push(format!(
                    "src/stacks/mod.rs:{}: the driver calls the stack `{s}` by hand: each stack takes its turn in the registry's phases",
                    n + 1
                ));
            }
        }
    }
    out
}

fn planted(files: &[(&str, &str)]) -> Vec<String> {
    let files: Vec<Source> = files
        .iter()
        .map(|(rel, text)| Source {
            rel: rel.to_string(),
            text: text.to_string(),
        })
        .collect();
    let mut out = violations(&files);
    out.extend(driver_violations(&files));
    out
}

#[test]
fn the_checks_catch_planted_violations() {
    let rule = "use super::{Context, Rule};\nimpl Rule for X {}\n";
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[(
                "rules/x.rs",
                "use crate::stacks::php::runs;\nimpl Rule for X {}\n",
            )],
            "a rule imports `stacks`",
        ),
        (
            &[(
                "rules/x.rs",
                "fn f() { crate::resolve::stage(ws) }\nimpl Rule for X {}\n",
            )],
            "a rule imports `resolve`",
        ),
        (
            &[
                (
                    "rules/x.rs",
                    "fn f() { super::y::check(cx) }\nimpl Rule for X {}\n",
                ),
                ("rules/y.rs", rule),
            ],
            "rule `x` calls rule `y`",
        ),
        (
            &[(
                "syntax/ini.rs",
                "fn f() -> bool { name == \"pytest.ini\" }\n",
            )],
            "framework word `pytest`",
        ),
        (
            &[("syntax/ini.rs", "fn djangoSettings() {}\n")],
            "framework word `django`",
        ),
        (
            &[("tree.rs", "use crate::stacks::ci::gitlab;\n")],
            "`tree` imports a stack",
        ),
        (
            &[("discover.rs", "use crate::{source, stacks};\n")],
            "`discover` imports a stack",
        ),
        (
            &[("model/mod.rs", "use crate::engine::Outcome;\n")],
            "`model` (floor 3) imports `engine` (floor 7)",
        ),
        (
            &[("report/sarif.rs", "use crate::rules::registry;\n")],
            "a reporter imports `rules`",
        ),
        (&[("newthing.rs", "")], "stands on no floor"),
        (
            &[(
                "stacks/mod.rs",
                "pub fn registry() -> Vec<Box<dyn Stack>> {\n    vec![Box::new(php::Php::default())]\n}\npub fn build(ws: &mut Workspace) {\n    php::runs::build(ws);\n}\n",
            )],
            "the driver calls the stack `php` by hand",
        ),
        (
            &[("stacks/mod.rs", "pub fn build() {}\n")],
            "no `fn registry()`",
        ),
    ];
    for (files, want) in cases {
        let found = planted(files);
        assert!(
            found.iter().any(|v| v.contains(want)),
            "planted {files:?}: expected a violation containing {want:?}, got {found:?}"
        );
    }
    // what is no import: a comment, a doc link, a string, a test module
    let clean = planted(&[
        ("rules/x.rs", rule),
        (
            "syntax/ini.rs",
            "//! Unlike pytest, [`crate::stacks`] …\n/* crate::engine */\nfn f() -> &'static str { \"x\" }\n#[cfg(test)]\nmod tests { const T: &str = \"pytest.ini\"; }\n",
        ),
        (
            "model/mod.rs",
            "use crate::source::Span;\nlet s = \"crate::engine\";\n",
        ),
    ]);
    assert!(clean.is_empty(), "false violations: {clean:?}");
}

#[test]
fn src_keeps_the_house_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = sources(&root);
    assert!(files.len() > 100, "read {} files of src/", files.len());
    let mut found = violations(&files);
    found.extend(driver_violations(&files));
    assert!(
        found.is_empty(),
        "{} breach(es) of the house rules:\n{}",
        found.len(),
        found.join("\n")
    );
}
