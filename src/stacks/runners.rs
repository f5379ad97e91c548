//! Which test runner a command starts: the program name through
//! the wrappers people put in front of it (`npx`, `pnpm exec`, `bunx`, `uv
//! run`, `poetry run`, `bundle exec`, `php`, `python -m`, `env VAR=x`), and
//! for package-manager scripts the script's name (its command line is
//! resolved from `package.json` / `composer.json` by the stacks). Recognition
//! reads the words only; the command itself is executed byte for byte.

use std::ffi::OsString;

use crate::model::RunnerFamily;

/// A recognised test command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recognised {
    pub family: RunnerFamily,
    /// The runner's program name (`phpunit`, `jest`, `manage.py`, `npm`).
    pub program: String,
    /// For humans: `PHPUnit`, `` `npm test` ``.
    pub runner: String,
    /// `npm test`, `yarn run x`: the `package.json` script it runs.
    pub node_script: Option<String>,
    /// `composer test`: the `composer.json` script it runs.
    pub composer_script: Option<String>,
    /// `-c FILE` / `--configuration FILE` as written (relative to the
    /// folder the command runs in).
    pub config: Option<String>,
    /// `--ds=x` (pytest-django), `--settings=x` (`manage.py test`).
    pub settings_module: Option<String>,
    /// `env VAR=value …`: what the command's own `env` prefix exports.
    pub assignments: Vec<(String, String)>,
    /// `env -i`: the command starts from an empty environment.
    pub clears_environment: bool,
}

/// Runner names `--runner` accepts, with their family and program.
pub const RUNNER_NAMES: &[(&str, RunnerFamily)] = &[
    ("phpunit", RunnerFamily::Php),
    ("pest", RunnerFamily::Php),
    ("paratest", RunnerFamily::Php),
    ("artisan", RunnerFamily::Php),
    ("pytest", RunnerFamily::Python),
    ("manage.py", RunnerFamily::Python),
    ("tox", RunnerFamily::Python),
    ("jest", RunnerFamily::Node),
    ("vitest", RunnerFamily::Node),
    ("mocha", RunnerFamily::Node),
    ("playwright", RunnerFamily::Node),
    ("rspec", RunnerFamily::Ruby),
    ("rails", RunnerFamily::Ruby),
    ("rake", RunnerFamily::Ruby),
    ("mix", RunnerFamily::Elixir),
    ("mvn", RunnerFamily::Jvm),
    ("gradle", RunnerFamily::Jvm),
    ("dotnet", RunnerFamily::Dotnet),
    ("go", RunnerFamily::Go),
];

/// `--runner NAME`: the named runner, whatever the command is.
pub fn named(name: &str) -> Option<Recognised> {
    let name = name.trim().to_ascii_lowercase();
    let name = match name.as_str() {
        "django" => "manage.py",
        "py.test" => "pytest",
        "mvnw" => "mvn",
        "gradlew" => "gradle",
        other => other,
    };
    let (program, family) = RUNNER_NAMES.iter().find(|(n, _)| *n == name)?;
    Some(Recognised::new(*family, program, describe(program)))
}

impl Recognised {
    fn new(family: RunnerFamily, program: &str, runner: String) -> Self {
        Recognised {
            family,
            program: program.to_string(),
            runner,
            node_script: None,
            composer_script: None,
            config: None,
            settings_module: None,
            assignments: Vec::new(),
            clears_environment: false,
        }
    }
}

fn describe(program: &str) -> String {
    match program {
        "phpunit" => "PHPUnit".into(),
        "pytest" => "pytest".into(),
        "pest" => "Pest".into(),
        "paratest" => "ParaTest".into(),
        "artisan" => "`php artisan test`".into(),
        "manage.py" => "`manage.py test`".into(),
        "jest" => "Jest".into(),
        "vitest" => "Vitest".into(),
        "mocha" => "Mocha".into(),
        "playwright" => "Playwright".into(),
        other => format!("`{other}`"),
    }
}

/// The last path component, without a Windows or `.phar`/`.js` suffix.
fn base(word: &str) -> &str {
    let b = word.rsplit(['/', '\\']).next().unwrap_or(word);
    [".phar", ".js", ".cmd", ".exe", ".bat"]
        .iter()
        .find_map(|s| b.strip_suffix(s))
        .unwrap_or(b)
}

/// The value of `-c X`, `-cX`, `--long X` or `--long=X` among `args`.
fn option_value(args: &[String], short: Option<&str>, long: &[&str]) -> Option<String> {
    let mut it = args.iter().peekable();
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        for l in long {
            if a == l {
                return it.peek().map(|v| v.to_string());
            }
            if let Some(v) = a.strip_prefix(l).and_then(|r| r.strip_prefix('=')) {
                return Some(v.to_string());
            }
        }
        if let Some(s) = short {
            if a == s {
                return it.peek().map(|v| v.to_string());
            }
            if let Some(v) = a
                .strip_prefix(s)
                .filter(|v| !v.is_empty() && !a.starts_with("--"))
            {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// Skips option words (and the values of the options that take one).
fn skip_options(words: &[String], mut i: usize, with_value: &[&str]) -> usize {
    while let Some(w) = words.get(i) {
        if w == "--" {
            return i + 1;
        }
        if !w.starts_with('-') || w == "-" {
            break;
        }
        i += if with_value.contains(&w.as_str()) {
            2
        } else {
            1
        };
    }
    i
}

/// Recognises the runner a command line starts; `None` when it is not a
/// test runner testguard knows.
pub fn recognise(args: &[OsString]) -> Option<Recognised> {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut assignments = Vec::new();
    let mut clears = false;
    let mut i = 0;
    // wrappers, outermost first
    loop {
        let w = words.get(i)?;
        match base(w) {
            "env" => {
                i += 1;
                while let Some(w) = words.get(i) {
                    if w == "-i" || w == "--ignore-environment" || w == "-" {
                        clears = true;
                    } else if w == "-u" || w == "--unset" {
                        i += 1;
                        if let Some(k) = words.get(i) {
                            assignments.retain(|(a, _): &(String, String)| a != k);
                        }
                    } else if let Some((k, v)) = w.split_once('=').filter(|(k, _)| is_name(k)) {
                        assignments.push((k.to_string(), v.to_string()));
                    } else {
                        break;
                    }
                    i += 1;
                }
            }
            "npx" | "bunx" | "pnpx" => {
                i = skip_options(&words, i + 1, &["-p", "--package", "-c", "--call"]);
            }
            "uv" | "poetry" | "pipenv" | "hatch" | "pdm" | "rye" => {
                if words.get(i + 1).map(String::as_str) != Some("run") {
                    return None;
                }
                i = skip_options(
                    &words,
                    i + 2,
                    &[
                        "--with",
                        "--python",
                        "-p",
                        "--project",
                        "--directory",
                        "--package",
                        "--extra",
                        "--group",
                        "--env-file",
                        "-e",
                    ],
                );
            }
            "bundle" | "bundler" => {
                if words.get(i + 1).map(String::as_str) != Some("exec") {
                    return None;
                }
                i += 2;
            }
            "php" => {
                i = skip_options(&words, i + 1, &["-d", "-c", "-n"]);
            }
            p if p.starts_with("python") || p == "py" => {
                i = skip_options(&words, i + 1, &["-W", "-X"]);
                // `python -m pytest`, `python -m django test`
                if words.get(i.saturating_sub(1)).map(String::as_str) == Some("-m") {
                    i -= 1;
                }
                match words.get(i).map(String::as_str) {
                    Some("-m") => {
                        let module = words.get(i + 1)?;
                        return finish(
                            match module.as_str() {
                                "pytest" | "py.test" => "pytest",
                                "django"
                                    if words.get(i + 2).map(String::as_str) == Some("test") =>
                                {
                                    "manage.py"
                                }
                                "tox" => "tox",
                                _ => return None,
                            },
                            &words[i + 2..],
                            assignments,
                            clears,
                        );
                    }
                    Some(_) => {}
                    None => return None,
                }
            }
            _ => break,
        }
    }
    let program = base(&words[i]).to_string();
    let rest = &words[i + 1..];
    let sub = rest.first().map(String::as_str);
    let script = |name: &str| -> Option<Recognised> {
        let mut r = Recognised::new(RunnerFamily::Node, &program, String::new());
        r.runner = if name == "test" {
            format!("`{program} test`")
        } else {
            format!("`{program} run {name}`")
        };
        r.node_script = Some(name.to_string());
        Some(r)
    };
    let mut r = match program.as_str() {
        "npm" => match sub? {
            "test" | "t" | "tst" => script("test"),
            "run" | "run-script" | "rum" | "urn" => script(rest.get(1)?),
            "exec" | "x" => return recognise_rest(&words[i + 2..], assignments, clears),
            _ => None,
        },
        "yarn" | "pnpm" | "bun" => match sub? {
            "test" if program == "bun" => Some(Recognised::new(
                RunnerFamily::Node,
                "bun",
                "`bun test`".into(),
            )),
            "test" | "t" => script("test"),
            "run" => script(rest.get(1)?),
            "exec" | "dlx" => return recognise_rest(&words[i + 2..], assignments, clears),
            s if is_node_runner(s) => return recognise_rest(&words[i + 1..], assignments, clears),
            s if !s.starts_with('-') => script(s),
            _ => None,
        },
        "composer" => {
            let name = match sub? {
                "run" | "run-script" => rest.get(1)?.as_str(),
                s if !s.starts_with('-') => s,
                _ => return None,
            };
            let mut r =
                Recognised::new(RunnerFamily::Php, "composer", format!("`composer {name}`"));
            r.composer_script = Some(name.to_string());
            Some(r)
        }
        _ => return finish(&program, rest, assignments, clears),
    }?;
    r.assignments = assignments;
    r.clears_environment = clears;
    Some(r)
}

/// `npm exec jest`: what follows is a command of its own.
fn recognise_rest(
    words: &[String],
    assignments: Vec<(String, String)>,
    clears: bool,
) -> Option<Recognised> {
    let args: Vec<OsString> = words.iter().map(OsString::from).collect();
    let i = skip_options(words, 0, &["-p", "--package", "-c", "--call"]);
    let mut r = recognise(args.get(i..)?)?;
    r.assignments.splice(0..0, assignments);
    r.clears_environment |= clears;
    Some(r)
}

fn is_node_runner(p: &str) -> bool {
    matches!(
        base(p),
        "jest" | "vitest" | "mocha" | "_mocha" | "playwright"
    )
}

fn is_name(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The runner a program name (after the wrappers) starts.
fn finish(
    program: &str,
    rest: &[String],
    assignments: Vec<(String, String)>,
    clears: bool,
) -> Option<Recognised> {
    let sub = rest.first().map(String::as_str);
    let any = |names: &[&str]| {
        rest.iter().any(|a| {
            names
                .iter()
                .any(|n| a == n || a.ends_with(&format!(":{n}")))
        })
    };
    let (family, program) = match program {
        "phpunit" | "pest" | "paratest" => (RunnerFamily::Php, program),
        "artisan" if sub == Some("test") => (RunnerFamily::Php, "artisan"),
        "pytest" | "py.test" => (RunnerFamily::Python, "pytest"),
        "manage.py" if sub == Some("test") => (RunnerFamily::Python, "manage.py"),
        "tox" => (RunnerFamily::Python, "tox"),
        "jest" | "vitest" | "mocha" | "_mocha" => (
            RunnerFamily::Node,
            if program == "_mocha" {
                "mocha"
            } else {
                program
            },
        ),
        "playwright" if sub == Some("test") => (RunnerFamily::Node, "playwright"),
        "rspec" | "parallel_rspec" => (RunnerFamily::Ruby, program),
        "rails" if sub == Some("test") => (RunnerFamily::Ruby, "rails"),
        "rake" if matches!(sub, Some("test" | "spec")) => (RunnerFamily::Ruby, "rake"),
        "mix" if sub == Some("test") => (RunnerFamily::Elixir, "mix"),
        "go" if sub == Some("test") => (RunnerFamily::Go, "go"),
        "mvn" | "mvnw" if any(&["test", "verify", "install", "integration-test"]) => {
            (RunnerFamily::Jvm, "mvn")
        }
        "gradle" | "gradlew" if any(&["test", "check", "build"]) => (RunnerFamily::Jvm, "gradle"),
        "dotnet" if sub == Some("test") => (RunnerFamily::Dotnet, "dotnet"),
        _ => return None,
    };
    let mut r = Recognised::new(family, program, describe(program));
    r.assignments = assignments;
    r.clears_environment = clears;
    match family {
        RunnerFamily::Php => {
            r.config = option_value(rest, Some("-c"), &["--configuration"]);
        }
        RunnerFamily::Python if program == "pytest" => {
            r.config = option_value(rest, Some("-c"), &["--config-file"]);
            r.settings_module = option_value(rest, None, &["--ds"]);
        }
        RunnerFamily::Python if program == "manage.py" => {
            r.settings_module = option_value(rest, None, &["--settings"]);
        }
        _ => {}
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(cmd: &str) -> Option<Recognised> {
        let args: Vec<OsString> = cmd.split(' ').map(OsString::from).collect();
        recognise(&args)
    }

    fn program(cmd: &str) -> Option<(RunnerFamily, String)> {
        rec(cmd).map(|r| (r.family, r.program))
    }

    #[test]
    fn programs_through_wrappers() {
        use RunnerFamily::*;
        for (cmd, family, prog) in [
            ("vendor/bin/phpunit", Php, "phpunit"),
            ("php vendor/bin/phpunit --testsuite=unit", Php, "phpunit"),
            ("php -d memory_limit=-1 vendor/bin/pest", Php, "pest"),
            ("php artisan test --parallel", Php, "artisan"),
            ("./vendor/bin/paratest", Php, "paratest"),
            ("pytest -x", Python, "pytest"),
            ("py.test", Python, "pytest"),
            ("python -m pytest tests", Python, "pytest"),
            ("python3 -W error -m pytest", Python, "pytest"),
            ("uv run --frozen pytest", Python, "pytest"),
            ("poetry run pytest", Python, "pytest"),
            ("python manage.py test app", Python, "manage.py"),
            ("./manage.py test", Python, "manage.py"),
            ("tox -e py312", Python, "tox"),
            ("node_modules/.bin/jest --ci", Node, "jest"),
            ("npx vitest run", Node, "vitest"),
            ("npx --yes jest", Node, "jest"),
            ("pnpm exec jest", Node, "jest"),
            ("bunx vitest", Node, "vitest"),
            ("yarn jest", Node, "jest"),
            ("npx playwright test", Node, "playwright"),
            ("bundle exec rspec", Ruby, "rspec"),
            ("bin/rails test", Ruby, "rails"),
            ("rake spec", Ruby, "rake"),
            ("mix test", Elixir, "mix"),
            ("go test ./...", Go, "go"),
            ("./mvnw -B verify", Jvm, "mvn"),
            ("./gradlew :app:test", Jvm, "gradle"),
            ("dotnet test", Dotnet, "dotnet"),
            ("env DB_DATABASE=x vendor/bin/phpunit", Php, "phpunit"),
        ] {
            assert_eq!(program(cmd), Some((family, prog.to_string())), "{cmd}");
        }
    }

    #[test]
    fn scripts_and_their_names() {
        for (cmd, script) in [
            ("npm test", "test"),
            ("npm t", "test"),
            ("npm run test:e2e", "test:e2e"),
            ("yarn test", "test"),
            ("yarn ci", "ci"),
            ("pnpm run integration", "integration"),
            ("bun run test", "test"),
        ] {
            let r = rec(cmd).expect(cmd);
            assert_eq!(r.node_script.as_deref(), Some(script), "{cmd}");
        }
        let c = rec("composer run test:unit").expect("composer");
        assert_eq!(c.composer_script.as_deref(), Some("test:unit"));
        assert_eq!(c.family, RunnerFamily::Php);
        assert_eq!(
            rec("composer test").and_then(|r| r.composer_script),
            Some("test".into())
        );
    }

    #[test]
    fn not_test_runners() {
        for cmd in [
            "make test",
            "./run-tests.sh",
            "python script.py",
            "python -m http.server",
            "npm install",
            "php artisan migrate:fresh",
            "manage.py migrate",
            "go build",
            "mvn package",
            "uv sync",
            "bundle install",
            "env",
            "",
        ] {
            assert_eq!(rec(cmd), None, "{cmd}");
        }
    }

    #[test]
    fn options_that_choose_the_configuration() {
        let r = rec("vendor/bin/phpunit -c phpunit.ci.xml").expect("phpunit");
        assert_eq!(r.config.as_deref(), Some("phpunit.ci.xml"));
        let r = rec("vendor/bin/phpunit --configuration=ci/phpunit.xml").expect("phpunit");
        assert_eq!(r.config.as_deref(), Some("ci/phpunit.xml"));
        let r = rec("pytest --ds=shop.settings.test").expect("pytest");
        assert_eq!(r.settings_module.as_deref(), Some("shop.settings.test"));
        let r = rec("python manage.py test --settings shop.settings.ci").expect("manage.py");
        assert_eq!(r.settings_module.as_deref(), Some("shop.settings.ci"));
        let r = rec("env -i DATABASE_URL=sqlite:// npx jest").expect("env");
        assert!(r.clears_environment);
        assert_eq!(r.assignments, [("DATABASE_URL".into(), "sqlite://".into())]);
    }

    #[test]
    fn runner_names() {
        assert_eq!(named("PHPUnit").map(|r| r.family), Some(RunnerFamily::Php));
        assert_eq!(named("django").map(|r| r.program), Some("manage.py".into()));
        assert_eq!(named("gradlew").map(|r| r.program), Some("gradle".into()));
        assert!(named("make").is_none());
    }
}
