//! What the caller's environment of a test run carries, from the files that
//! set it (the evidence the noise policy asks for):
//!
//! - a compose service's `environment:` (map or list) and the dotenv files
//!   of its `env_file:`, which compose hands to the container as variables
//!   (docs.docker.com …/envvars-precedence/);
//! - a Dockerfile's `ENV` lines (`ENV K=V`, `ENV K V`);
//! - `.envrc` (direnv) `export K=V`, and the dotenv file its `dotenv` /
//!   `dotenv_if_exists` line loads, exported to every command in its folder;
//!
//! Only a compose service that runs the tests counts: one whose `command`
//! runs a test runner, one a CI step runs tests in (`docker compose exec app
//! php artisan test`), or any service of a compose file named for tests
//! (`docker-compose.test.yml`). A CI job's own variables do not: they are
//! the CI run's test environment, judged by the database rules, and pointing
//! an unforced `<env>` at the job's service database is what it is for.
//!
//! An overridable setting (PHPUnit `<env>`, pytest-env `D:`) is worth a
//! warning only when one of these puts its key in the caller's environment.

use crate::model::{CallerKey, Workspace};
use crate::source::{FileId, SourceFile, SourceKind, Span};
use crate::syntax::ini::lines_with_offsets;
use crate::syntax::yaml::{self, Node};

/// Collects the evidence of every compose file, Dockerfile, `.envrc` and
/// CI test job in the workspace.
pub fn collect(ws: &mut Workspace) {
    // services CI steps run tests in
    let test_services: Vec<String> = ws
        .envs
        .iter()
        .filter_map(|e| e.ci())
        .flat_map(|ci| ci.commands.iter().chain(ci.test_command.as_ref()))
        .filter_map(|c| crate::stacks::ci::compose_test_service(&c.value))
        .collect();
    let mut keys = Vec::new();
    let mut servers = Vec::new();
    for (i, file) in ws.files.iter().enumerate() {
        let id = FileId(i);
        match file.kind {
            SourceKind::ComposeFile => {
                compose(ws, id, file, &test_services, &mut keys, &mut servers)
            }
            SourceKind::Dockerfile => dockerfile(id, file, &mut keys),
            SourceKind::Envrc => {
                envrc(id, file, &mut keys);
                envrc_dotenv(ws, file, &mut keys);
            }
            SourceKind::DevShell => devenv(ws, id, file, &mut keys),
            _ => {}
        }
    }
    ws.caller_keys = keys;
    ws.test_servers = servers;
}

/// Whether a compose service's name says it is for the tests: `test-db`,
/// `postgres_test`, `db.testing`, and a database word with `test` glued on
/// (`testdb`, `postgrestest`); not `testimonials`.
fn named_for_tests(name: &str) -> bool {
    const DB_WORDS: &[&str] = &[
        "db",
        "database",
        "postgres",
        "postgresql",
        "pg",
        "mysql",
        "mariadb",
        "mongo",
        "mongodb",
    ];
    let lower = name.to_ascii_lowercase();
    lower.split(['.', '-', '_']).any(|w| {
        matches!(w, "test" | "tests" | "testing" | "e2e")
            || w.strip_prefix("test")
                .or_else(|| w.strip_suffix("test"))
                .is_some_and(|rest| DB_WORDS.contains(&rest))
    })
}

/// The host ports a compose service publishes: `"5435:5432"`,
/// `"127.0.0.1:5435:5432"`, `5435:5432/tcp`, and the long syntax's
/// `published:`. A container port alone (a random host port) or a range
/// names no port.
fn published_ports(svc: &Node) -> Vec<(String, Span)> {
    let Some(Node::Seq(items, _)) = svc.get("ports") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        if let Some(s) = item.as_scalar() {
            let spec = s.value.split('/').next().unwrap_or("");
            let parts: Vec<&str> = spec.split(':').collect();
            let host = match parts.as_slice() {
                [host, _container] => host,
                [_ip, host, _container] => host,
                _ => continue,
            };
            if !host.is_empty() && host.bytes().all(|b| b.is_ascii_digit()) {
                out.push((host.to_string(), s.span));
            }
        } else if let Some(p) = item.get("published").and_then(Node::as_scalar)
            && p.value.bytes().all(|b| b.is_ascii_digit())
            && !p.value.is_empty()
        {
            out.push((p.value.clone(), p.span));
        }
    }
    out
}

/// Whether a compose file's name says it runs tests (`docker-compose.test.yml`).
fn compose_file_for_tests(name: &str) -> bool {
    name.split(['.', '-', '_']).any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "test" | "tests" | "testing"
        )
    })
}

fn compose(
    ws: &Workspace,
    id: FileId,
    file: &SourceFile,
    test_services: &[String],
    out: &mut Vec<CallerKey>,
    servers: &mut Vec<crate::model::TestServer>,
) {
    let Ok(docs) = yaml::parse(id, &file.text) else {
        return;
    };
    let Some(services) = docs.first().and_then(|d| d.get("services")) else {
        return;
    };
    let whole_file = compose_file_for_tests(file.file_name());
    for (name, svc) in services.entries() {
        if whole_file || named_for_tests(&name.value) {
            servers.extend(published_ports(svc).into_iter().map(|(port, span)| {
                crate::model::TestServer {
                    service: name.value.clone(),
                    host_port: port,
                    span,
                    dir: file.dir().to_string(),
                }
            }));
        }
        let runs_tests = whole_file
            || test_services.contains(&name.value)
            || svc
                .get("command")
                .and_then(Node::as_str)
                .is_some_and(crate::stacks::ci::is_test_command);
        if !runs_tests {
            continue;
        }
        let how = format!(
            "compose service `{}` ({}) exports it",
            name.value, file.path
        );
        match svc.get("environment") {
            Some(Node::Map(entries, _)) => {
                for (k, _) in entries {
                    out.push(CallerKey::repo_wide(&k.value, k.span, &how));
                }
            }
            Some(Node::Seq(items, _)) => {
                for item in items {
                    if let Some(sc) = item.as_scalar() {
                        let key = sc.value.split('=').next().unwrap_or("").trim();
                        if !key.is_empty() {
                            out.push(CallerKey::repo_wide(key, sc.span, &how));
                        }
                    }
                }
            }
            _ => {}
        }
        for (rel, dotenv) in env_files(ws, file.dir(), svc) {
            let how = format!(
                "compose service `{}` ({}), which runs the tests, exports it from {rel}",
                name.value, file.path
            );
            let settings = ws
                .dev_dotenvs
                .iter()
                .find(|d| d.file == dotenv)
                .map(|d| &d.settings);
            for s in settings.into_iter().flatten() {
                out.push(CallerKey::repo_wide(&s.key.value, s.key.span, &how));
            }
        }
    }
}

/// The files of the repository a compose service's `env_file:` names, in
/// the order written (a later one wins): `env_file: .env`, or a list of
/// paths and `{path: …}` entries, relative to the compose file's folder.
pub fn env_files(ws: &Workspace, dir: &str, svc: &Node) -> Vec<(String, FileId)> {
    let entries: Vec<&Node> = match svc.get("env_file") {
        Some(Node::Seq(items, _)) => items.iter().collect(),
        Some(n) => vec![n],
        None => Vec::new(),
    };
    entries
        .into_iter()
        .filter_map(|ef| {
            let path = ef
                .as_str()
                .or_else(|| ef.get("path").and_then(Node::as_str))?;
            let rel = crate::paths::join(dir, path.trim_start_matches("./"));
            let id = ws.files.iter().position(|f| f.path == rel)?;
            Some((rel, FileId(id)))
        })
        .collect()
}

/// Words that mark a Dockerfile stage (or the file itself) as building the
/// production image, which no test run starts from.
const PRODUCTION_WORDS: &[&str] = &[
    "prod",
    "production",
    "release",
    "live",
    "staging",
    "deploy",
    "dist",
];

/// Whether a value of a framework's environment variable is production.
fn production_value(key: &str, value: &str) -> bool {
    let key = key.to_ascii_uppercase();
    let selects = matches!(
        key.as_str(),
        "NODE_ENV"
            | "APP_ENV"
            | "RAILS_ENV"
            | "RACK_ENV"
            | "MIX_ENV"
            | "ASPNETCORE_ENVIRONMENT"
            | "DOTNET_ENVIRONMENT"
            | "DJANGO_ENV"
            | "FLASK_ENV"
            | "SPRING_PROFILES_ACTIVE"
    );
    let v = value.trim_matches(['"', '\'']).to_ascii_lowercase();
    selects && matches!(v.as_str(), "prod" | "production" | "staging")
}

fn names_production(name: &str) -> bool {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| PRODUCTION_WORDS.contains(&w.to_ascii_lowercase().as_str()))
}

/// A Dockerfile's `ENV` keys, stage by stage (`FROM … AS name`). A stage
/// that builds the production image (named `production`, `release`, …, or
/// setting `NODE_ENV=production` and the like), or a Dockerfile named for
/// production (`Dockerfile.prod`), says nothing about the environment tests
/// run in: none of its keys count.
fn dockerfile(id: FileId, file: &SourceFile, out: &mut Vec<CallerKey>) {
    if names_production(file.file_name().trim_start_matches("Dockerfile")) {
        return;
    }
    let how = format!("{} sets it with ENV", file.path);
    // each stage: whether it builds for production, and its keys
    let mut stages: Vec<(bool, Vec<CallerKey>)> = vec![(false, Vec::new())];
    for (start, line) in lines_with_offsets(&file.text) {
        let rest = line.trim_start();
        let upper = rest.get(..5).map(str::to_ascii_uppercase);
        if upper.as_deref() == Some("FROM ") {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let name = words
                .iter()
                .position(|w| w.eq_ignore_ascii_case("as"))
                .and_then(|i| words.get(i + 1))
                .copied()
                .unwrap_or("");
            stages.push((names_production(name), Vec::new()));
            continue;
        }
        let Some(args) = rest
            .strip_prefix("ENV ")
            .or_else(|| rest.strip_prefix("env "))
        else {
            continue;
        };
        let Some(stage) = stages.last_mut() else {
            continue;
        };
        let args_at = start + (line.len() - args.len());
        let mut key_at = |k: &str, v: &str, offset: usize| {
            if production_value(k, v) {
                stage.0 = true;
            }
            if is_var_name(k) {
                let at = args_at + offset;
                stage.1.push(CallerKey::repo_wide(
                    k,
                    Span::new(id, at, at + k.len()),
                    &how,
                ));
            }
        };
        // `ENV K=V K2=V2`, or the legacy `ENV K V`
        if args.contains('=') {
            let mut offset = 0;
            for word in args.split(' ') {
                if let Some((k, v)) = word.split_once('=') {
                    key_at(k, v, offset);
                }
                offset += word.len() + 1;
            }
        } else {
            let lead = args.len() - args.trim_start().len();
            let mut words = args.split_whitespace();
            if let Some(k) = words.next() {
                key_at(k, words.next().unwrap_or(""), lead);
            }
        }
    }
    for (production, keys) in stages {
        if !production {
            out.extend(keys);
        }
    }
}

fn envrc(id: FileId, file: &SourceFile, out: &mut Vec<CallerKey>) {
    let how = format!("{} (direnv) exports it", file.path);
    for (start, line) in lines_with_offsets(&file.text) {
        let Some(rest) = line.trim_start().strip_prefix("export ") else {
            continue;
        };
        let at = start + (line.len() - rest.len());
        if let Some((k, v)) = rest.split_once('=')
            && is_var_name(k)
        {
            out.push(CallerKey {
                scope: file.dir().to_string(),
                value: crate::syntax::shell_word(v),
                shell: true,
                ..CallerKey::repo_wide(k, Span::new(id, at, at + k.len()), &how)
            });
        }
    }
}

/// direnv's `dotenv [path]` and `dotenv_if_exists [path]` (direnv-stdlib)
/// export a dotenv file (`.env` by default, relative to the `.envrc`) to
/// every command in the folder: its variables are the shell's too.
fn envrc_dotenv(ws: &Workspace, file: &SourceFile, out: &mut Vec<CallerKey>) {
    for line in file.text.lines() {
        let mut words = line.split_whitespace();
        if !matches!(words.next(), Some("dotenv" | "dotenv_if_exists")) {
            continue;
        }
        let name = words.next().unwrap_or(".env");
        if name.starts_with('#') || name.contains('$') {
            continue;
        }
        let rel = crate::paths::join(file.dir(), name.trim_start_matches("./"));
        let Some(id) = ws.files.iter().position(|f| f.path == rel) else {
            continue;
        };
        let how = format!("{} (direnv) loads {rel} and exports it", file.path);
        for s in ws.dotenv_settings(FileId(id)) {
            out.push(CallerKey {
                scope: file.dir().to_string(),
                value: (!s.is_reference()).then(|| s.value.clone()),
                shell: true,
                ..CallerKey::repo_wide(&s.key.value, s.key.span, &how)
            });
        }
    }
}

/// A devenv shell's exports reach every command run in it. Its folder is
/// the nearest one at or above `devenv.nix` with an `.envrc` (direnv's `use
/// devenv` or `use flake`, the way a flake module such as
/// `nix/flake-modules/devenv.nix` is entered), else its own (`devenv shell`).
fn devenv(ws: &Workspace, id: FileId, file: &SourceFile, out: &mut Vec<CallerKey>) {
    let own = file.dir();
    let scope = crate::model::ancestors(own)
        .find(|d| {
            ws.files
                .iter()
                .any(|f| f.kind == SourceKind::Envrc && f.dir() == *d)
        })
        .unwrap_or(own);
    let how = format!("the devenv shell of {} exports it", file.path);
    for e in crate::syntax::nix::shell_exports(&file.text) {
        out.push(CallerKey {
            scope: scope.to_string(),
            value: e.value,
            shell: true,
            ..CallerKey::repo_wide(&e.name, Span::new(id, e.at.start, e.at.end), &how)
        });
    }
}

fn is_var_name(s: &str) -> bool {
    s.bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Compose services and Dockerfiles: the services a run starts in, and
/// their environments as layers.
pub struct Containers;

impl super::stack::Stack for Containers {
    fn name(&self) -> &'static str {
        "containers"
    }

    fn runs(&mut self, ws: &mut Workspace) {
        collect(ws);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn compose_services_named_for_tests() {
        for n in [
            "test-db",
            "db_test",
            "postgres-testing",
            "testdb",
            "dbtest",
            "e2e-postgres",
        ] {
            assert!(super::named_for_tests(n), "{n}");
        }
        for n in ["db", "testimonials", "latest-db", "contest", "postgres"] {
            assert!(!super::named_for_tests(n), "{n}");
        }
    }

    use super::*;

    #[test]
    fn production_stages_are_no_evidence() {
        let text = "FROM node:20 AS deps\nENV DB_HOST=db\n\
                    FROM node:20 AS production\nENV DATABASE_URL=postgres://db/app\n\
                    FROM node:20 AS runner\nENV NODE_ENV=production\nENV REDIS_URL=redis://r\n\
                    FROM node:20 AS dev\nENV DB_DATABASE=app_dev\n";
        let f = SourceFile::new("Dockerfile".into(), SourceKind::Dockerfile, text.into());
        let mut out = Vec::new();
        dockerfile(FileId(0), &f, &mut out);
        let keys: Vec<&str> = out.iter().map(|k| k.key.as_str()).collect();
        assert_eq!(keys, ["DB_HOST", "DB_DATABASE"]);
        let named = SourceFile::new(
            "docker/Dockerfile.prod".into(),
            SourceKind::Dockerfile,
            "FROM php\nENV DB_DATABASE=app\n".into(),
        );
        let mut out = Vec::new();
        dockerfile(FileId(0), &named, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn dockerfile_env_in_both_forms() {
        let f = SourceFile::new(
            "Dockerfile".into(),
            SourceKind::Dockerfile,
            "FROM php\nENV APP_ENV=local DB_DATABASE=app\nENV DB_HOST db\n".into(),
        );
        let mut out = Vec::new();
        dockerfile(FileId(0), &f, &mut out);
        let keys: Vec<&str> = out.iter().map(|k| k.key.as_str()).collect();
        assert_eq!(keys, ["APP_ENV", "DB_DATABASE", "DB_HOST"]);
        for k in &out {
            assert_eq!(&f.text[k.span.start..k.span.end], k.key);
        }
    }

    #[test]
    fn envrc_dotenv_exports_the_dotenv_file() {
        let files = vec![
            SourceFile::new(
                "app/.envrc".into(),
                SourceKind::Envrc,
                "dotenv_if_exists .env.dev\ndotenv $X\n".into(),
            ),
            SourceFile::new(
                "app/.env.dev".into(),
                SourceKind::DotenvDev,
                "DB=app\n".into(),
            ),
        ];
        let (ws, _, _) = crate::stacks::build(files, Vec::new(), None, Vec::new());
        let keys: Vec<(&str, Option<&str>, &str, bool)> = ws
            .caller_keys
            .iter()
            .map(|k| {
                (
                    k.key.as_str(),
                    k.value.as_deref(),
                    k.scope.as_str(),
                    k.shell,
                )
            })
            .collect();
        assert_eq!(keys, [("DB", Some("app"), "app", true)]);
    }

    #[test]
    fn envrc_exports_are_scoped_to_their_folder() {
        let f = SourceFile::new(
            "app/.envrc".into(),
            SourceKind::Envrc,
            "dotenv\nexport DB_DATABASE=app\n".into(),
        );
        let mut out = Vec::new();
        envrc(FileId(0), &f, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].scope, "app");
        assert_eq!(&f.text[out[0].span.start..out[0].span.end], "DB_DATABASE");
    }
}
