//! E2e servers. Playwright's `webServer` (playwright.dev/docs/test-webserver): the e2e
//! suite starts the command — or, with `reuseExistingServer`, uses whatever
//! already holds the port — and Playwright loads no env file for it. A
//! server started with the app's own start script reads the developer's
//! `.env`: the e2e tests then create and delete data in the development
//! database. Cypress tests whatever serves its
//! `baseUrl`; a script that starts it with `start-server-and-test SERVER URL
//! 'cypress run'` starts SERVER the same way.

use crate::model::{E2eServer, Workspace, ancestors};
use crate::source::{FileId, SourceKind, Span};
use crate::syntax::code::Value;
use crate::syntax::js::{self, Dialect};

use super::scripts::{Package, words};

/// Reads the `webServer` entries of every Playwright config.
pub fn read(ws: &mut Workspace, packages: &[Package]) {
    let mut out = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        if f.kind != SourceKind::FrameworkMarker
            || !f.file_name().starts_with("playwright.config.")
            || !super::files::is_script(&f.path)
            || !f.text.contains("webServer")
        {
            continue;
        }
        let m = js::parse(&f.text, Dialect::of_path(&f.path));
        if m.has_error {
            continue;
        }
        // a config that loads a test env file for the server decides in code
        let loads_test_env = m.calls.iter().any(|c| {
            c.callee_name() == Some("config")
                && matches!(c, Value::Call { args, .. } if args.first().and_then(|a| a.get("path")).is_some())
        });
        if loads_test_env {
            continue;
        }
        let Some(exports) = &m.exports else { continue };
        let servers: Vec<&Value> = match exports.get("webServer") {
            Some(Value::List(l)) => l.iter().collect(),
            Some(v @ Value::Map(_)) => vec![v],
            _ => continue,
        };
        for server in servers {
            let Some(Value::Str { text, range, .. }) = server.get("command") else {
                continue;
            };
            // the config sets the server's environment: literal without a
            // database key is still the developer's; anything else is code
            match server.get("env") {
                None => {}
                Some(Value::Map(entries))
                    if !entries
                        .iter()
                        .any(|e| crate::database::db_key_kind(&e.key, &[]).is_some()) => {}
                Some(_) => continue,
            }
            // a mock API (`dev:mock`) serves no database
            if sets_test_environment(text) || text.to_ascii_lowercase().contains("mock") {
                continue;
            }
            let Some(served) = served_package(text, f.dir(), packages) else {
                continue;
            };
            let reuse = server
                .entry("reuseExistingServer")
                .filter(|e| !matches!(e.value, Value::Bool(false)))
                .map(|e| Span::new(FileId(i), e.key_range.start, e.key_range.end));
            out.push(E2eServer {
                config: FileId(i),
                command: Span::new(FileId(i), range.start, range.end),
                served_dir: served,
                reuse,
            });
        }
    }
    out.extend(start_server_and_test(packages));
    for s in out {
        ws.project_mut(&s.served_dir.clone())
            .node
            .e2e_servers
            .push(s);
    }
}

/// `start-server-and-test dev http://localhost:3000 'cypress run'` (also
/// `server-test`, `start-test`) in a test script: the server script it
/// starts before Cypress or Playwright.
fn start_server_and_test(packages: &[Package]) -> Vec<E2eServer> {
    let mut out = Vec::new();
    for pkg in packages {
        for script in pkg
            .scripts
            .iter()
            .filter(|s| super::scripts::is_test_script(&s.name))
        {
            for (range, cmd) in crate::stacks::ci::commands(&script.command) {
                let Some(w) = words(cmd) else { continue };
                let Some(at) = w.iter().position(|x| {
                    matches!(
                        x.text.rsplit('/').next().unwrap_or(&x.text),
                        "start-server-and-test" | "server-test" | "start-test"
                    )
                }) else {
                    continue;
                };
                // SERVER URL TEST: only the one-server form
                let (Some(server), Some(test)) = (w.get(at + 1), w.get(at + 3)) else {
                    continue;
                };
                if !(test.text.contains("cypress") || test.text.contains("playwright")) {
                    continue;
                }
                // the server is a script of the package (`dev`, `start:mocks`)
                let server_cmd = pkg
                    .script(&server.text)
                    .map(|s| s.command.as_str())
                    .unwrap_or(server.text.as_str());
                if sets_test_environment(server_cmd) {
                    continue;
                }
                let r = server.range.start + range.start..server.range.end + range.start;
                let command = if script.verbatim {
                    script.span.sub(r.start, r.end)
                } else {
                    script.span
                };
                out.push(E2eServer {
                    config: pkg.file,
                    command,
                    served_dir: pkg.dir.clone(),
                    reuse: None,
                });
            }
        }
    }
    out
}

/// A server command that gives the app a test environment of its own
/// (`NODE_ENV=test`, `.env.test`, `--mode test`, an e2e database).
fn sets_test_environment(cmd: &str) -> bool {
    let lower = cmd.to_ascii_lowercase();
    ["test", "e2e", "ci"].iter().any(|w| {
        lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|x| x == *w)
    })
}

/// The Node package a server command starts: `--filter=backend`,
/// `--workspace backend`, `cd apps/api && …`, else the config's own
/// package. `None` when the command starts no Node program.
fn served_package(command: &str, config_dir: &str, packages: &[Package]) -> Option<String> {
    let w: Vec<String> = words(command)?.into_iter().map(|w| w.text).collect();
    let node = w.iter().any(|x| {
        matches!(
            x.rsplit('/').next().unwrap_or(x),
            "npm"
                | "yarn"
                | "pnpm"
                | "bun"
                | "node"
                | "npx"
                | "next"
                | "nest"
                | "strapi"
                | "nuxt"
                | "vite"
                | "remix"
                | "turbo"
                | "nx"
                | "tsx"
                | "ts-node"
        )
    });
    if !node {
        return None;
    }
    let mut named: Option<&str> = None;
    let mut i = 0;
    while i < w.len() {
        let x = w[i].as_str();
        for flag in ["--filter=", "--workspace=", "-w=", "--scope="] {
            if let Some(v) = x.strip_prefix(flag) {
                named = Some(v);
            }
        }
        if matches!(
            x,
            "--filter" | "--workspace" | "-w" | "--scope" | "-F" | "cd"
        ) {
            named = w.get(i + 1).map(String::as_str);
            i += 1;
        }
        i += 1;
    }
    let own = || {
        ancestors(config_dir)
            .find(|d| packages.iter().any(|p| p.dir == *d))
            .map(str::to_string)
    };
    match named {
        Some(n) => packages
            .iter()
            .find(|p| {
                p.name.as_deref() == Some(n)
                    || p.dir == crate::paths::join(config_dir, n.trim_start_matches("./"))
                    || p.dir.rsplit('/').next() == Some(n)
            })
            .map(|p| p.dir.clone()),
        None => own(),
    }
}
