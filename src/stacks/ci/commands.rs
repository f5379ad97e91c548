//! What CI scripts run: splitting shell scripts into commands and recognising
//! the ones that run a test suite.

use std::ops::Range;

/// The simple commands of a shell script with their byte ranges: split on new
/// lines (after `\` continuations), `&&`, `||`, `;` and `|`, outside quotes.
pub fn commands<'s>(script: &'s str) -> Vec<(Range<usize>, &'s str)> {
    let b = script.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    let push = |from: usize, to: usize, out: &mut Vec<(Range<usize>, &'s str)>| {
        let seg = &script[from..to];
        let lead = seg.len() - seg.trim_start().len();
        let t = seg.trim();
        if !t.is_empty() && !t.starts_with('#') {
            out.push((from + lead..from + lead + t.len(), t));
        }
    };
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == b'\\' && q == b'"' {
                    i += 1;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'\\' if matches!(b.get(i + 1), Some(b'\n')) => i += 1,
                b'#' if i == start
                    || b.get(i.wrapping_sub(1))
                        .is_some_and(|p| p.is_ascii_whitespace()) =>
                {
                    // a comment runs to the end of the line
                    push(start, i, &mut out);
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    start = i;
                    continue;
                }
                b'\n' | b';' | b'|' | b'&' => {
                    push(start, i, &mut out);
                    while i + 1 < b.len() && (b[i + 1] == b'|' || b[i + 1] == b'&') {
                        i += 1;
                    }
                    start = i + 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    push(start.min(b.len()), b.len(), &mut out);
    out
}

/// Words that only wrap the command that follows them.
const WRAPPERS: &[&str] = &[
    "env", "sudo", "time", "exec", "command", "nice", "nohup", "xvfb-run", "npx", "bunx", "pnpx",
    "dotenv", "unbuffer", "xargs",
];

/// Whether the arguments of a Python interpreter run a test suite: its own
/// options first (`-Wd`, `-W error`, `-X dev`, `-u`), then a module (`-m
/// pytest`, `-m manage test`, `-m coverage run …`, which is followed) or a
/// script (`manage.py test`, `runtests.py`).
fn python_runs_tests(args: &[&str]) -> bool {
    let mut k = 0;
    while let Some(w) = args.get(k) {
        match *w {
            // options that take the next word as their value
            "-W" | "-X" | "--check-hash-based-pycs" => k += 2,
            "-m" => break,
            // `-c` runs a string: nothing this can follow
            "-c" => return false,
            _ if w.starts_with('-') => k += 1,
            _ => break,
        }
    }
    let (Some(first), rest) = (args.get(k), args.get(k + 1..).unwrap_or(&[])) else {
        return false;
    };
    if *first == "-m" {
        let Some(module) = rest.first() else {
            return false;
        };
        let after = &rest[1..];
        return match *module {
            "pytest" | "tox" | "nox" | "unittest" => true,
            "manage" => after.first() == Some(&"test"),
            // `-m coverage run manage.py test`: the command coverage runs
            "coverage" => is_test_command(&rest.join(" ")),
            _ => false,
        };
    }
    (first.ends_with("manage.py") && rest.first() == Some(&"test"))
        || first.ends_with("runtests.py")
}

/// Whether a simple command runs a test suite.
pub fn is_test_command(cmd: &str) -> bool {
    let texts = crate::syntax::shell::texts(cmd);
    let words: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut i = 0;
    // leading `VAR=value` assignments and wrappers
    loop {
        let Some(w) = words.get(i) else { return false };
        let is_assign = w.contains('=')
            && !w.starts_with('-')
            && w.split('=').next().is_some_and(|k| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        if is_assign || WRAPPERS.contains(w) || w.starts_with('-') {
            i += 1;
            continue;
        }
        if *w == "timeout" {
            i += 2;
            continue;
        }
        // `poetry run`, `uv run`, `pipenv run`, `pdm run`, `hatch run`, `bundle exec`
        if matches!(*w, "poetry" | "uv" | "pipenv" | "pdm" | "hatch" | "rye")
            && words.get(i + 1) == Some(&"run")
        {
            i += 2;
            continue;
        }
        if *w == "bundle" && words.get(i + 1) == Some(&"exec") {
            i += 2;
            continue;
        }
        // `docker compose exec [-T] service CMD`, `docker-compose run --rm service CMD`
        if (*w == "docker" && words.get(i + 1) == Some(&"compose")) || *w == "docker-compose" {
            match compose_service_index(&words, i) {
                Some(j) => {
                    i = j + 1; // past the service name
                    continue;
                }
                None => return false,
            }
        }
        // `coverage run [-m] …`, `python -m pytest`
        if *w == "coverage" && words.get(i + 1) == Some(&"run") {
            i += 2;
            continue;
        }
        break;
    }
    let prog = words[i];
    let base = prog.rsplit('/').next().unwrap_or(prog);
    let next = words.get(i + 1).copied().unwrap_or("");
    let next2 = words.get(i + 2).copied().unwrap_or("");
    let runs_script = |n: &str| {
        n == "test" || n.starts_with("test:") || n.starts_with("test-") || n.starts_with("test_")
    };
    match base {
        "pytest" | "py.test" | "tox" | "nox" | "jest" | "vitest" | "mocha" | "phpunit" | "pest"
        | "paratest" | "rspec" | "ava" | "parallel_rspec" | "cucumber" => true,
        // a project's own test script (`bin/test`, `./bin/test`)
        "test" => prog.ends_with("bin/test"),
        // ExCoveralls' tasks (`mix coveralls`, `coveralls.json`, `.html`…)
        // run the suite with coverage, in the test environment its
        // `preferred_cli_env` names
        "mix" => next == "test" || next == "coveralls" || next.starts_with("coveralls."),
        "python" | "python3" | "py" => python_runs_tests(&words[i + 1..]),
        // `python -m manage test`, `coverage run --module manage test`
        "manage.py" | "manage" | "django-admin" | "django-admin.py" => next == "test",
        "php" => {
            // skip `-d key=value`, `-c php.ini` and other options
            let mut rest: Vec<&str> = Vec::new();
            let mut k = i + 1;
            while k < words.len() {
                let w = words[k];
                if matches!(w, "-d" | "-c" | "-n" | "-z") {
                    k += if w == "-n" { 1 } else { 2 };
                    continue;
                }
                if !w.starts_with('-') && !w.contains('=') {
                    rest.push(w);
                }
                k += 1;
            }
            match rest.first() {
                Some(s) if s.ends_with("artisan") => rest.get(1) == Some(&"test"),
                Some(s) => s.ends_with("phpunit") || s.ends_with("pest") || s.ends_with("paratest"),
                None => false,
            }
        }
        "artisan" => next == "test",
        "npm" => {
            next == "test"
                || next == "t"
                || (matches!(next, "run" | "run-script") && runs_script(next2))
        }
        "yarn" | "pnpm" | "bun" => runs_script(next) || (next == "run" && runs_script(next2)),
        "composer" => runs_script(next) || (next == "run" && runs_script(next2)),
        "turbo" | "nx" | "lerna" => runs_script(next) || (next == "run" && runs_script(next2)),
        "playwright" | "cypress" => next == "test" || next == "run",
        "rails" | "rake" => {
            matches!(next, "test" | "spec" | "parallel:spec" | "parallel:test")
                || next.starts_with("test:")
                || next.starts_with("spec:")
        }
        "go" | "cargo" | "dotnet" => next == "test" || (base == "cargo" && next == "nextest"),
        // Maven runs surefire from the `test` phase on (`package`, `verify`,
        // `install` included) unless tests are skipped
        "mvn" | "mvnw" => {
            let args = &words[i + 1..];
            let skips = args.iter().any(|w| {
                w.starts_with("-DskipTests")
                    || w.starts_with("-Dmaven.test.skip=true")
                    || *w == "-Dmaven.test.skip"
            });
            !skips
                && args.iter().any(|w| {
                    matches!(
                        *w,
                        "test" | "verify" | "integration-test" | "package" | "install"
                    )
                })
        }
        // Gradle: `test`, `check` and `build` (which depends on `check`) run
        // tests unless `-x test` / `--exclude-task test` excludes them
        "gradle" | "gradlew" => {
            let args = &words[i + 1..];
            let excluded = args.windows(2).any(|p| {
                matches!(p[0], "-x" | "--exclude-task")
                    && (p[1] == "test" || p[1].ends_with(":test"))
            });
            !excluded
                && args
                    .iter()
                    .any(|w| matches!(*w, "test" | "check" | "build") || w.ends_with(":test"))
        }
        "make" => runs_script(next),
        _ => false,
    }
}

/// The compose service a test command runs in: `docker compose exec -T app
/// php artisan test` → `app` (`None` when the command runs no tests, or not
/// through compose).
pub fn compose_test_service(cmd: &str) -> Option<String> {
    if !is_test_command(cmd) {
        return None;
    }
    let texts = crate::syntax::shell::texts(cmd);
    let words: Vec<&str> = texts.iter().map(String::as_str).collect();
    let at = words
        .iter()
        .position(|w| *w == "docker-compose")
        .or_else(|| {
            words
                .windows(2)
                .position(|p| p[0] == "docker" && p[1] == "compose")
        })?;
    compose_service_index(&words, at).and_then(|j| words.get(j).map(|s| s.to_string()))
}

/// For `docker compose …` / `docker-compose …` starting at `at`: the index of
/// the service word of an `exec` or `run`, past the options (some of which
/// take a value: `-f file`, `-e K=V`, `-w dir`).
fn compose_service_index(words: &[&str], at: usize) -> Option<usize> {
    let mut j = if words.get(at) == Some(&"docker") {
        at + 2
    } else {
        at + 1
    };
    while let Some(w) = words.get(j).filter(|w| w.starts_with('-')) {
        let takes_value = matches!(
            *w,
            "-f" | "--file" | "-p" | "--project-name" | "--env-file" | "--profile"
        );
        j += if takes_value { 2 } else { 1 };
    }
    if !matches!(words.get(j), Some(&"exec") | Some(&"run")) {
        return None;
    }
    j += 1;
    while let Some(w) = words.get(j).filter(|w| w.starts_with('-')) {
        let takes_value = matches!(
            *w,
            "-e" | "--env"
                | "-w"
                | "--workdir"
                | "-u"
                | "--user"
                | "--name"
                | "--entrypoint"
                | "-p"
                | "--publish"
                | "-v"
                | "--volume"
                | "-l"
                | "--label"
        );
        j += if takes_value { 2 } else { 1 };
    }
    (j < words.len()).then_some(j)
}

/// A CI variable (`KEY: value` in an `env:` or `variables:` mapping) as a
/// setting: a scalar, or an empty value for `KEY:`; `None` for anything else.
pub fn variable(
    key: &crate::syntax::yaml::Scalar,
    value: &crate::syntax::yaml::Node,
) -> Option<crate::model::Setting> {
    use crate::syntax::yaml::Node;
    let (text, span, verbatim) = match value {
        Node::Scalar(s) => (s.value.clone(), s.span, s.verbatim),
        Node::Null(sp) => (String::new(), *sp, true),
        _ => return None,
    };
    Some(crate::model::Setting {
        key: crate::source::Spanned::new(key.value.clone(), key.span),
        value: text,
        value_span: span,
        verbatim,
        overridable: false,
        via: crate::model::Via::CiVariable,
        unset: false,
        provenance: None,
        raw_offsets: None,
    })
}

/// Expands `$NAME` and `${NAME}` in CI variable values with the literal values
/// the same environment defines (GitLab expands variables this way); what
/// stays unresolved is left as written. The span stays on the outer value.
pub fn expand_variables(settings: &mut [crate::model::Setting]) {
    for _ in 0..3 {
        let known: Vec<(String, String)> = settings
            .iter()
            .filter(|s| !crate::database::contains_reference(&s.value))
            .map(|s| (s.key.value.clone(), s.value.clone()))
            .collect();
        let mut changed = false;
        for s in settings.iter_mut() {
            if !s.value.contains('$') {
                continue;
            }
            let mut v = s.value.clone();
            for (k, val) in &known {
                if *k == s.key.value {
                    continue;
                }
                let braced = format!("${{{k}}}");
                if v.contains(&braced) {
                    v = v.replace(&braced, val);
                }
                // `$NAME` only when the name is not the prefix of a longer one
                let bare = format!("${k}");
                let mut out = String::new();
                let mut rest = v.as_str();
                while let Some(i) = rest.find(&bare) {
                    let after = rest[i + bare.len()..].chars().next();
                    out.push_str(&rest[..i]);
                    if after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                        out.push_str(&bare);
                    } else {
                        out.push_str(val);
                    }
                    rest = &rest[i + bare.len()..];
                }
                out.push_str(rest);
                v = out;
            }
            if v != s.value {
                s.value = v;
                s.verbatim = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Whether a command caches Laravel's configuration (TG207).
pub fn caches_laravel_config(cmd: &str) -> bool {
    let texts = crate::syntax::shell::texts(cmd);
    let w: Vec<&str> = texts.iter().map(String::as_str).collect();
    w.iter()
        .position(|x| x.ends_with("artisan"))
        .is_some_and(|i| matches!(w.get(i + 1), Some(&"config:cache") | Some(&"optimize")))
}

/// Whether a command clears Laravel's cached configuration.
pub fn clears_laravel_config(cmd: &str) -> bool {
    let texts = crate::syntax::shell::texts(cmd);
    let w: Vec<&str> = texts.iter().map(String::as_str).collect();
    w.iter()
        .position(|x| x.ends_with("artisan"))
        .is_some_and(|i| {
            matches!(
                w.get(i + 1),
                Some(&"config:clear") | Some(&"optimize:clear")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_interpreter_options_and_coverage_are_followed() {
        for cmd in [
            "python -m pytest",
            "python3 -Wd -m pytest -x",
            "python -W error -m pytest",
            "python -Wd -m coverage run manage.py test -v2",
            "python -m coverage run --source=. --module manage test --verbosity 2 blog",
            "coverage run --source=. --module manage test",
            "coverage run -m pytest",
            "python -m manage test",
            "python manage.py test",
            "python ./tests/runtests.py",
        ] {
            assert!(is_test_command(cmd), "{cmd}");
        }
        for cmd in [
            "python -m manage compilemessages",
            "python -Wd -m coverage report",
            "python -m coverage run manage.py migrate",
            "python -c 'import pytest'",
            "python manage.py runserver",
            "python -m pip install pytest",
        ] {
            assert!(!is_test_command(cmd), "{cmd}");
        }
    }

    #[test]
    fn mix_test_and_excoveralls_run_the_suite() {
        for cmd in [
            "mix test",
            "mix coveralls",
            "mix coveralls.json --max-cases 2",
            "MIX_ENV=test mix coveralls.html",
        ] {
            assert!(is_test_command(cmd), "{cmd}");
        }
        for cmd in [
            "mix deps.get",
            "mix compile",
            "mix coverallsx",
            "mix ecto.migrate",
        ] {
            assert!(!is_test_command(cmd), "{cmd}");
        }
    }

    #[test]
    fn the_compose_service_a_test_command_runs_in() {
        let svc = |c: &str| compose_test_service(c);
        assert_eq!(
            svc("docker compose exec -T app php artisan test").as_deref(),
            Some("app")
        );
        assert_eq!(
            svc("docker-compose -f docker-compose.ci.yml run --rm -e APP_ENV=testing web pytest")
                .as_deref(),
            Some("web")
        );
        assert_eq!(svc("docker compose exec app php artisan migrate"), None);
        assert_eq!(svc("php artisan test"), None);
    }

    #[test]
    fn skipped_tests_run_no_tests_and_more_runners_are_known() {
        for no in [
            "./gradlew build -x test",
            "gradle build --exclude-task test",
            "mvn -B package -DskipTests",
            "./mvnw install -Dmaven.test.skip=true",
            "mix deps.get",
        ] {
            assert!(!is_test_command(no), "{no}");
        }
        for yes in [
            "./gradlew build",
            "mvn -B verify",
            "mix test",
            "bundle exec parallel_rspec spec",
            "bundle exec rake parallel:spec",
            "bin/test",
            "bundle exec cucumber",
        ] {
            assert!(is_test_command(yes), "{yes}");
        }
    }

    #[test]
    fn splits_scripts_into_commands() {
        let s = "cd backend && poetry run pytest -q\nnpm ci; npm run test:unit | tee log\n# pytest\necho 'a && b' \\\n  --flag\n";
        let got: Vec<&str> = commands(s).into_iter().map(|(_, c)| c).collect();
        assert_eq!(
            got,
            [
                "cd backend",
                "poetry run pytest -q",
                "npm ci",
                "npm run test:unit",
                "tee log",
                "echo 'a && b' \\\n  --flag"
            ]
        );
        let (r, c) = &commands(s)[1];
        assert_eq!(&s[r.clone()], *c);
    }

    #[test]
    fn recognises_test_runners() {
        for yes in [
            "pytest",
            "python -m pytest -x",
            "python manage.py test --parallel",
            "tox -e py312",
            "npm test",
            "npm run test:e2e",
            "yarn test",
            "pnpm run test",
            "npx jest --ci",
            "vendor/bin/phpunit",
            "./vendor/bin/pest",
            "php artisan test --parallel",
            "php -d memory_limit=-1 vendor/bin/phpunit",
            "bundle exec rspec",
            "bin/rails test",
            "go test ./...",
            "cargo test --all",
            "mvn -B verify",
            "./gradlew test",
            "dotnet test",
            "DATABASE_URL=x pytest",
            "xvfb-run -a npm test",
            "poetry run pytest",
            "docker compose exec -T app php artisan test",
            "coverage run -m pytest",
            "django-admin test --settings=x",
            "uv run pytest",
        ] {
            assert!(is_test_command(yes), "{yes}");
        }
        for no in [
            "npm ci",
            "npm run build",
            "php artisan migrate --force",
            "pip install -r requirements.txt",
            "echo pytest",
            "cd tests",
            "composer install",
            "npm run latest",
            "yarn install",
            "python manage.py migrate",
            "docker compose up -d",
            "make build",
        ] {
            assert!(!is_test_command(no), "{no}");
        }
    }

    #[test]
    fn variables_expand_from_the_same_environment() {
        use crate::model::{Setting, Via};
        use crate::source::{FileId, Span, Spanned};
        let mk = |k: &str, v: &str| Setting {
            key: Spanned::new(k.into(), Span::new(FileId(0), 0, 0)),
            value: v.into(),
            value_span: Span::new(FileId(0), 0, 0),
            verbatim: true,
            overridable: false,
            via: Via::CiVariable,
            unset: false,
            provenance: None,
            raw_offsets: None,
        };
        let mut s = vec![
            mk("POSTGRES_DB", "app_test"),
            mk(
                "DATABASE_URL",
                "postgres://u:$POSTGRES_PASSWORD@postgres/${POSTGRES_DB}",
            ),
            mk("OTHER", "$POSTGRES_DB_EXTRA"),
        ];
        expand_variables(&mut s);
        assert_eq!(
            s[1].value,
            "postgres://u:$POSTGRES_PASSWORD@postgres/app_test"
        );
        assert_eq!(s[2].value, "$POSTGRES_DB_EXTRA");
    }

    #[test]
    fn laravel_config_cache_commands() {
        assert!(caches_laravel_config("php artisan optimize"));
        assert!(caches_laravel_config("php artisan config:cache"));
        assert!(!caches_laravel_config("php artisan optimize:clear"));
        assert!(clears_laravel_config("php artisan config:clear"));
    }
}
