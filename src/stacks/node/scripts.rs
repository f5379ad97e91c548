//! `package.json` scripts as entry points: what `npm
//! test` (and `test:*`, `e2e*`) really runs, through npm/yarn/pnpm/bun
//! script references, with the environment its wrappers give it: inline
//! `VAR=value`, `cross-env`, `dotenv-cli` (`-e F`, `-c [env]`, `-o`, `-v`),
//! `env-cmd -f F`, `node --env-file=F`. A script line that cannot be split
//! yields nothing (`Unknown`), never an error.

pub use crate::syntax::shell::{Word, words};
use std::ops::Range;

use crate::source::{FileId, SourceFile, Span};

/// One script of a `package.json`, with where its command is written.
#[derive(Clone, Debug)]
pub struct Script {
    pub name: String,
    pub command: String,
    /// The command's bytes inside the quotes.
    pub span: Span,
    /// The raw text at `span` equals `command` (no JSON escapes).
    pub verbatim: bool,
}

/// A package's scripts and dependencies.
#[derive(Clone, Debug)]
pub struct Package {
    pub file: FileId,
    pub dir: String,
    /// The `name` field.
    pub name: Option<String>,
    pub scripts: Vec<Script>,
    /// `dependencies` and `devDependencies`, with their version ranges.
    pub deps: Vec<(String, String)>,
    /// The `jest` key of `package.json`, read as a literal value.
    pub jest: Option<serde_json::Value>,
}

impl Package {
    pub fn script(&self, name: &str) -> Option<&Script> {
        self.scripts.iter().find(|s| s.name == name)
    }

    pub fn has_dep(&self, name: &str) -> bool {
        self.deps.iter().any(|(n, _)| n == name)
    }

    pub fn dep_version(&self, name: &str) -> Option<&str> {
        self.deps
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Which tool loads an env file, and how it treats what is already set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvFileLoader {
    /// `dotenv -e F` (dotenv-cli): a missing file is skipped silently; with
    /// `-o` the file overrides.
    DotenvCli { overrides: bool },
    /// `dotenv -c [env]`: the cascade of whichever of its files exist;
    /// none of them is expected to.
    DotenvCascade,
    /// `env-cmd -f F`: overrides; a missing file fails the command unless
    /// `--fallback` (then `.env`) or `--silent`.
    EnvCmd { fallback: bool },
    /// `node --env-file=F` fails on a missing file;
    /// `--env-file-if-exists=F` skips it.
    NodeEnvFile { if_exists: bool },
}

/// An env file a wrapper loads, as written.
#[derive(Clone, Debug)]
pub struct EnvFileRef {
    pub path: String,
    pub span: Span,
    pub loader: EnvFileLoader,
}

/// A `VAR=value` a wrapper or prefix writes (always written).
#[derive(Clone, Debug)]
pub struct Assign {
    pub key: String,
    pub value: String,
    pub key_span: Span,
    pub value_span: Span,
    pub verbatim: bool,
    /// `cross-env`, `dotenv -v`, or a plain shell prefix: for humans.
    pub via: &'static str,
}

/// A test runner a script starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunnerKind {
    Jest,
    Vitest,
    Mocha,
    Playwright,
    Cypress,
    Ava,
    Tape,
    NodeTest,
    AdonisAce,
    Nx,
    Other,
}

impl RunnerKind {
    pub fn describe(self) -> &'static str {
        match self {
            RunnerKind::Jest => "Jest",
            RunnerKind::Vitest => "Vitest",
            RunnerKind::Mocha => "Mocha",
            RunnerKind::Playwright => "Playwright",
            RunnerKind::Cypress => "Cypress",
            RunnerKind::Ava => "AVA",
            RunnerKind::Tape => "tape",
            RunnerKind::NodeTest => "node --test",
            RunnerKind::AdonisAce => "node ace test",
            RunnerKind::Nx => "Nx",
            RunnerKind::Other => "the test command",
        }
    }
}

/// What one script entry point runs: the runner command with the
/// environment its wrappers and prefixes give it (outer scripts first).
#[derive(Clone, Debug)]
pub struct TestEntry {
    /// The script named by the user (`test`, `test:e2e`).
    pub script: String,
    /// Its command's span (for a finding about the whole entry point).
    pub script_span: Span,
    pub runner: RunnerKind,
    /// The runner's word (`jest`), where it is written.
    pub runner_span: Span,
    pub assigns: Vec<Assign>,
    pub env_files: Vec<EnvFileRef>,
    /// Other simple commands the entry runs (before or after the runner, in
    /// `pre`/`post` scripts too), as written, with where: the destructive
    /// evidence scan reads these (`prisma migrate reset --force`).
    pub other_commands: Vec<(String, Span)>,
}

/// Reads a `package.json`: its scripts (with spans) and dependencies.
/// `None` when it is not a JSON object.
pub fn read(id: FileId, file: &SourceFile) -> Option<Package> {
    let v: serde_json::Value = serde_json::from_str(&file.text).ok()?;
    let obj = v.as_object()?;
    let mut deps = Vec::new();
    for section in ["dependencies", "devDependencies"] {
        if let Some(d) = obj.get(section).and_then(|d| d.as_object()) {
            for (k, v) in d {
                deps.push((k.clone(), v.as_str().unwrap_or("").to_string()));
            }
        }
    }
    let mut scripts = Vec::new();
    if let Some(s) = obj.get("scripts").and_then(|s| s.as_object()) {
        let scripts_at = key_position(&file.text, "scripts", 0).unwrap_or(0);
        for (name, cmd) in s {
            let Some(command) = cmd.as_str() else {
                continue;
            };
            let (range, verbatim) = match string_after_key(&file.text, name, scripts_at) {
                Some(r) => {
                    let raw = &file.text[r.clone()];
                    (r, raw == command)
                }
                None => (scripts_at..scripts_at, false),
            };
            scripts.push(Script {
                name: name.clone(),
                command: command.to_string(),
                span: Span::new(id, range.start, range.end),
                verbatim,
            });
        }
    }
    Some(Package {
        file: id,
        dir: file.dir().to_string(),
        name: obj.get("name").and_then(|n| n.as_str()).map(str::to_string),
        scripts,
        deps,
        jest: obj.get("jest").cloned(),
    })
}

/// The byte offset just past the JSON key `"key"` (at or after `from`).
fn key_position(text: &str, key: &str, from: usize) -> Option<usize> {
    let quoted = serde_json::to_string(key).ok()?;
    let mut at = from;
    while let Some(i) = text.get(at..)?.find(&quoted) {
        let end = at + i + quoted.len();
        let rest = text[end..].trim_start();
        if rest.starts_with(':') {
            return Some(end);
        }
        at = end;
    }
    None
}

/// The range inside the quotes of the string value of `"key"` found at or
/// after `from`.
fn string_after_key(text: &str, key: &str, from: usize) -> Option<Range<usize>> {
    let end = key_position(text, key, from)?;
    let rest = &text[end..];
    let colon = rest.find(':')?;
    let after = &rest[colon + 1..];
    let open = after.len() - after.trim_start().len();
    if !after[open..].starts_with('"') {
        return None;
    }
    let start = end + colon + 1 + open + 1;
    let b = text.as_bytes();
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(start..i),
            _ => i += 1,
        }
    }
    None
}

/// `VAR=value` as a shell assignment: the key and the value's offset in the word.
fn assignment(w: &str) -> Option<(&str, &str)> {
    let (k, v) = w.split_once('=')?;
    let ok = !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some((k, v))
}

/// What a script's simple command starts, once its wrappers are peeled off.
enum Target<'w> {
    Runner(RunnerKind, &'w Word),
    /// Another script of the same package (`npm run x`, `yarn x`).
    Script(String),
    Other,
}

struct Reader<'p> {
    pkg: &'p Package,
}

impl Reader<'_> {
    fn span(&self, script: &Script, r: &Range<usize>) -> (Span, bool) {
        if script.verbatim && r.end <= script.command.len() {
            (script.span.sub(r.start, r.end), true)
        } else {
            (script.span, false)
        }
    }

    /// The test entries a script leads to, with the environment gathered on
    /// the way (`inherited`: the wrappers of the scripts that called it).
    fn entries(
        &self,
        script: &Script,
        top: &Script,
        inherited: &Partial,
        depth: usize,
        out: &mut Vec<TestEntry>,
        others: &mut Vec<(String, Span)>,
    ) {
        if depth > 8 {
            return;
        }
        for (range, cmd) in crate::stacks::ci::commands(&script.command) {
            let Some(ws) = words(cmd) else { continue };
            // word ranges relative to the script's command
            let ws: Vec<Word> = ws
                .into_iter()
                .map(|w| Word {
                    text: w.text,
                    range: w.range.start + range.start..w.range.end + range.start,
                })
                .collect();
            let mut env = inherited.clone();
            let target = self.peel(script, &ws, &mut env);
            match target {
                Target::Runner(kind, w) => {
                    let (runner_span, _) = self.span(script, &w.range);
                    out.push(TestEntry {
                        script: top.name.clone(),
                        script_span: top.span,
                        runner: kind,
                        runner_span,
                        assigns: env.assigns,
                        env_files: env.env_files,
                        other_commands: Vec::new(),
                    });
                }
                Target::Script(name) => {
                    if let Some(s) = self.pkg.script(&name) {
                        self.entries(s, top, &env, depth + 1, out, others);
                    }
                }
                Target::Other => {
                    let (span, _) = self.span(script, &range);
                    others.push((cmd.to_string(), span));
                }
            }
        }
    }

    /// Peels inline assignments and env wrappers off a command.
    fn peel<'w>(&self, script: &Script, ws: &'w [Word], env: &mut Partial) -> Target<'w> {
        let mut i = 0;
        let assign = |env: &mut Partial, w: &Word, via: &'static str| {
            if let Some((k, v)) = assignment(&w.text) {
                let krange = w.range.start..w.range.start + k.len();
                // the value's bytes: exact only when the word is written unquoted
                let raw = script.command.get(w.range.clone()).unwrap_or("");
                let (key_span, _) = self.span(script, &krange);
                let (value_span, verbatim) = if raw == w.text {
                    self.span(script, &(krange.end + 1..w.range.end))
                } else {
                    (self.span(script, &w.range).0, false)
                };
                env.assigns.push(Assign {
                    key: k.to_string(),
                    value: v.to_string(),
                    key_span,
                    value_span,
                    verbatim,
                    via,
                });
                true
            } else {
                false
            }
        };
        while let Some(w) = ws.get(i) {
            let t = w.text.as_str();
            if assign(env, w, "an inline assignment") {
                i += 1;
                continue;
            }
            let base = t.rsplit('/').next().unwrap_or(t);
            match base {
                "cross-env" | "cross-env-shell" | "env" => {
                    i += 1;
                    while let Some(w) = ws.get(i) {
                        if w.text.starts_with('-') || assign(env, w, "cross-env") {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                }
                // `testguard run [--runner x] [--explain] -- jest`: the guard
                // becomes the runner, in the same environment
                "testguard" if ws.get(i + 1).is_some_and(|w| w.text == "run") => {
                    i += 2;
                    while let Some(w) = ws.get(i) {
                        match w.text.as_str() {
                            "--" => {
                                i += 1;
                                break;
                            }
                            "--runner" | "--config" => i += 2,
                            o if o.starts_with('-') => i += 1,
                            _ => break,
                        }
                    }
                }
                "npx" | "pnpx" | "bunx" | "exec" | "time" | "nice" | "nohup" => {
                    i += 1;
                    // `npx --yes x`, `npx -p pkg x`
                    while let Some(w) = ws.get(i) {
                        match w.text.as_str() {
                            "-p" | "--package" => i += 2,
                            o if o.starts_with('-') => i += 1,
                            _ => break,
                        }
                    }
                }
                "dotenv" | "dotenv-cli" | "dotenvx" => {
                    i += 1;
                    let overrides = ws[i..].iter().any(|w| w.text == "-o");
                    let cascade = ws[i..].iter().position(|w| w.text == "-c").map(|p| i + p);
                    while let Some(w) = ws.get(i) {
                        match w.text.as_str() {
                            "--" => {
                                i += 1;
                                break;
                            }
                            "-e" => {
                                if let Some(f) = ws.get(i + 1) {
                                    env.env_files.push(EnvFileRef {
                                        path: f.text.clone(),
                                        span: self.span(script, &f.range).0,
                                        loader: EnvFileLoader::DotenvCli { overrides },
                                    });
                                }
                                i += 2;
                            }
                            "-v" => {
                                if let Some(a) = ws.get(i + 1) {
                                    assign(env, a, "dotenv -v");
                                }
                                i += 2;
                            }
                            "-c" => {
                                // `-c [env]`: the cascade around `.env.{env}`
                                let named = ws
                                    .get(i + 1)
                                    .filter(|w| !w.text.starts_with('-') && Some(i) == cascade);
                                let cascade_env = named.map(|w| w.text.clone());
                                let at = named.map_or(w.range.clone(), |n| n.range.clone());
                                let span = self.span(script, &at).0;
                                for f in cascade_files(cascade_env.as_deref()) {
                                    env.env_files.push(EnvFileRef {
                                        path: f,
                                        span,
                                        loader: EnvFileLoader::DotenvCascade,
                                    });
                                }
                                i += if named.is_some() { 2 } else { 1 };
                            }
                            "-p" => i += 2,
                            o if o.starts_with('-') => i += 1,
                            _ => break,
                        }
                    }
                }
                "env-cmd" => {
                    i += 1;
                    let fallback = ws[i..].iter().any(|w| w.text == "--fallback");
                    let mut file: Option<&Word> = None;
                    while let Some(w) = ws.get(i) {
                        match w.text.as_str() {
                            "-f" | "--file" => {
                                file = ws.get(i + 1);
                                i += 2;
                            }
                            "-e" | "--environments" | "-r" | "--rc-file" => i += 2,
                            "--" => {
                                i += 1;
                                break;
                            }
                            o if o.starts_with('-') => i += 1,
                            _ => break,
                        }
                    }
                    let rc = ws
                        .iter()
                        .any(|w| matches!(w.text.as_str(), "-e" | "--environments"));
                    if !rc {
                        let (path, span) = match file {
                            Some(f) => (f.text.clone(), self.span(script, &f.range).0),
                            None => (".env".to_string(), self.span(script, &w.range).0),
                        };
                        env.env_files.push(EnvFileRef {
                            path,
                            span,
                            loader: EnvFileLoader::EnvCmd { fallback },
                        });
                    }
                }
                "node" => {
                    // `node --env-file=.env.test --test`, `node ace test`
                    let mut j = i + 1;
                    let mut runner = None;
                    while let Some(w) = ws.get(j) {
                        let t = w.text.as_str();
                        for (flag, if_exists) in
                            [("--env-file=", false), ("--env-file-if-exists=", true)]
                        {
                            if let Some(p) = t.strip_prefix(flag) {
                                let r = w.range.end - p.len()..w.range.end;
                                env.env_files.push(EnvFileRef {
                                    path: p.to_string(),
                                    span: self.span(script, &r).0,
                                    loader: EnvFileLoader::NodeEnvFile { if_exists },
                                });
                            }
                        }
                        if t == "--test" {
                            runner = Some(RunnerKind::NodeTest);
                        }
                        if (t == "ace" || t.ends_with("/ace"))
                            && ws.get(j + 1).is_some_and(|n| n.text == "test")
                        {
                            runner = Some(RunnerKind::AdonisAce);
                        }
                        if !t.starts_with('-') {
                            // `node node_modules/.bin/jest`, `node ./node_modules/mocha/bin/mocha`
                            if let Some(k) = runner_of_path(t) {
                                runner = Some(k);
                            }
                            if runner.is_none() && t != "ace" {
                                break;
                            }
                        }
                        j += 1;
                    }
                    return match runner {
                        Some(k) => Target::Runner(k, w),
                        None => Target::Other,
                    };
                }
                "npm" | "yarn" | "pnpm" | "bun" => {
                    let rest: Vec<&Word> = ws[i + 1..]
                        .iter()
                        .filter(|w| !w.text.starts_with('-'))
                        .collect();
                    let first = rest.first().map(|w| w.text.as_str()).unwrap_or("");
                    let name = match (base, first) {
                        ("npm", "test" | "t") => Some("test".to_string()),
                        (_, "run" | "run-script") => rest.get(1).map(|w| w.text.clone()),
                        // `yarn test`, `pnpm e2e`, `bun run x`; `bun test` is Bun's runner
                        ("bun", "test") => return Target::Runner(RunnerKind::Other, w),
                        ("yarn" | "pnpm" | "bun", s)
                            if !s.is_empty()
                                && !matches!(
                                    s,
                                    "install" | "add" | "exec" | "dlx" | "build" | "i"
                                ) =>
                        {
                            Some(s.to_string())
                        }
                        ("yarn" | "pnpm", "exec" | "dlx") => {
                            i += 2;
                            continue;
                        }
                        _ => None,
                    };
                    return match name {
                        Some(n) if self.pkg.script(&n).is_some() => Target::Script(n),
                        _ => Target::Other,
                    };
                }
                _ => {
                    return match runner_of_path(t) {
                        Some(RunnerKind::Playwright | RunnerKind::Cypress)
                            if !ws
                                .get(i + 1)
                                .is_some_and(|n| matches!(n.text.as_str(), "test" | "run")) =>
                        {
                            Target::Other
                        }
                        Some(RunnerKind::Nx)
                            if !ws[i + 1..].iter().any(|n| {
                                n.text == "test"
                                    || n.text.ends_with(":test")
                                    || n.text.starts_with("--target=test")
                                    || n.text == "e2e"
                            }) =>
                        {
                            Target::Other
                        }
                        Some(k) => Target::Runner(k, w),
                        None => Target::Other,
                    };
                }
            }
        }
        Target::Other
    }
}

/// The files dotenv-cli's `-c [env]` cascade reads, highest first
/// (`cli.js:42-45,58-64`): `.env.{env}.local`, `.env.local`, `.env.{env}`,
/// `.env`; `.env.local` is kept for `test` too.
fn cascade_files(env: Option<&str>) -> Vec<String> {
    match env {
        Some(e) => vec![
            format!(".env.{e}.local"),
            ".env.local".to_string(),
            format!(".env.{e}"),
            ".env".to_string(),
        ],
        None => vec![".env.local".to_string(), ".env".to_string()],
    }
}

/// The runner a program word names (`jest`, `./node_modules/.bin/vitest`).
pub fn runner_of_path(word: &str) -> Option<RunnerKind> {
    let base = word.rsplit('/').next().unwrap_or(word);
    let base = base.strip_suffix(".js").unwrap_or(base);
    Some(match base {
        "jest" | "craco" | "react-scripts" | "ts-jest" => RunnerKind::Jest,
        "vitest" => RunnerKind::Vitest,
        "mocha" | "_mocha" | "nyc" | "c8" | "ts-mocha" => RunnerKind::Mocha,
        "playwright" => RunnerKind::Playwright,
        "cypress" => RunnerKind::Cypress,
        "ava" => RunnerKind::Ava,
        "tape" | "babel-tape-runner" | "tap" => RunnerKind::Tape,
        "nx" => RunnerKind::Nx,
        _ => return None,
    })
}

/// Environment gathered from wrappers on the way to a runner.
#[derive(Clone, Debug, Default)]
struct Partial {
    assigns: Vec<Assign>,
    env_files: Vec<EnvFileRef>,
}

/// Whether a script name is a test entry point: `test`, `test:*`, `test-*`,
/// `test_*`, `e2e`, `e2e:*`.
pub fn is_test_script(name: &str) -> bool {
    let is = |p: &str| {
        name == p
            || name
                .strip_prefix(p)
                .is_some_and(|r| r.starts_with([':', '-', '_']))
    };
    is("test") || is("e2e")
}

/// The test entries of a package: each test script, followed through the
/// scripts it calls to the runner commands it starts. `pre`/`post` scripts'
/// commands join `other_commands` (they run with the entry).
pub fn test_entries(pkg: &Package) -> Vec<TestEntry> {
    let mut out = Vec::new();
    for s in pkg.scripts.iter().filter(|s| is_test_script(&s.name)) {
        out.extend(script_entries(pkg, &s.name));
    }
    out
}

/// The entries one script starts, whatever its name (`testguard run -- npm
/// run ci` runs the `ci` script): as [`test_entries`] reads a test script.
pub fn script_entries(pkg: &Package, name: &str) -> Vec<TestEntry> {
    let r = Reader { pkg };
    let mut out = Vec::new();
    if let Some(s) = pkg.script(name) {
        let mut entries = Vec::new();
        let mut others = Vec::new();
        r.entries(s, s, &Partial::default(), 0, &mut entries, &mut others);
        for hook in [format!("pre{}", s.name), format!("post{}", s.name)] {
            if let Some(h) = pkg.script(&hook) {
                let mut ignored = Vec::new();
                r.entries(h, s, &Partial::default(), 0, &mut ignored, &mut others);
            }
        }
        for mut e in entries {
            e.other_commands = others.clone();
            out.push(e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceKind;

    fn pkg(json: &str) -> Package {
        let f = SourceFile::new("package.json".into(), SourceKind::PackageJson, json.into());
        read(FileId(0), &f).expect("package")
    }

    #[test]
    fn splits_words_with_quotes() {
        let w = words(r#"DATABASE_FILENAME=".tmp/test data.db" jest --x 'a b'"#).expect("words");
        assert_eq!(w[0].text, "DATABASE_FILENAME=.tmp/test data.db");
        assert_eq!(w[1].text, "jest");
        assert_eq!(w[3].text, "a b");
        assert!(words("echo 'x").is_none());
    }

    #[test]
    fn follows_scripts_and_wrappers() {
        let p = pkg(
            r#"{"scripts": {"test": "yarn build && DATABASE_FILENAME=\".tmp/t.db\" npm run jest:ci", "jest:ci": "dotenv -e .env.test -- cross-env NODE_ENV=test jest", "build": "tsc", "pretest": "prisma migrate reset --force"}}"#,
        );
        let e = test_entries(&p);
        let t: Vec<&TestEntry> = e.iter().filter(|e| e.script == "test").collect();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].runner, RunnerKind::Jest);
        let keys: Vec<&str> = t[0].assigns.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["DATABASE_FILENAME", "NODE_ENV"]);
        assert_eq!(t[0].env_files[0].path, ".env.test");
        assert!(
            t[0].other_commands
                .iter()
                .any(|(c, _)| c.contains("migrate reset"))
        );
    }

    #[test]
    fn testguard_run_is_a_transparent_wrapper() {
        let p = pkg(
            r#"{"scripts": {"test": "dotenv -e .env.test -- testguard run --explain -- jest --ci"}}"#,
        );
        let e = test_entries(&p);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].runner, RunnerKind::Jest);
        assert_eq!(e[0].env_files[0].path, ".env.test");
    }

    #[test]
    fn spans_point_at_the_bytes() {
        let json = r#"{"scripts": {"test": "dotenv -e .env.test -- jest"}}"#;
        let p = pkg(json);
        let e = &test_entries(&p)[0];
        let s = e.env_files[0].span;
        assert_eq!(&json[s.start..s.end], ".env.test");
        assert_eq!(&json[e.runner_span.start..e.runner_span.end], "jest");
    }

    #[test]
    fn env_cmd_node_env_file_and_nothing_else() {
        let p = pkg(
            r#"{"scripts": {"test": "env-cmd -f .env.test --fallback mocha", "test:unit": "node --env-file=.env.test --test", "e2e": "playwright test", "lint": "jest"}}"#,
        );
        let e = test_entries(&p);
        assert_eq!(e.len(), 3);
        assert_eq!(
            e.iter()
                .find(|e| e.script == "test")
                .map(|e| &e.env_files[0].loader),
            Some(&EnvFileLoader::EnvCmd { fallback: true })
        );
        assert!(
            e.iter()
                .any(|e| e.script == "test:unit" && e.runner == RunnerKind::NodeTest)
        );
    }

    #[test]
    fn dotenv_cli_cascade_override_and_values() {
        let p = pkg(
            r#"{"scripts": {"test": "dotenv -c test -- jest", "test:o": "dotenv -o -e .env.ci -v DB_NAME=app_test -- jest", "e2e": "node --env-file-if-exists=.env.e2e --test"}}"#,
        );
        let e = test_entries(&p);
        let cascade = e.iter().find(|e| e.script == "test").expect("test");
        let files: Vec<&str> = cascade.env_files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            files,
            [".env.test.local", ".env.local", ".env.test", ".env"]
        );
        assert!(
            cascade
                .env_files
                .iter()
                .all(|f| f.loader == EnvFileLoader::DotenvCascade)
        );
        let o = e.iter().find(|e| e.script == "test:o").expect("test:o");
        assert_eq!(
            o.env_files[0].loader,
            EnvFileLoader::DotenvCli { overrides: true }
        );
        assert_eq!(o.assigns[0].key, "DB_NAME");
        assert_eq!(o.assigns[0].value, "app_test");
        let n = e.iter().find(|e| e.script == "e2e").expect("e2e");
        assert_eq!(
            n.env_files[0].loader,
            EnvFileLoader::NodeEnvFile { if_exists: true }
        );
        // an unterminated quote splits into nothing: the script is unknown
        let p = pkg(r#"{"scripts": {"test": "DATABASE_URL='x jest"}}"#);
        assert!(test_entries(&p).is_empty());
    }
}
