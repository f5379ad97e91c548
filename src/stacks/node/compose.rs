//! Compose test overlays started from `package.json` scripts
//! (`docker-compose -f docker-compose.yml -f docker-compose.test.yml up`):
//! compose merges the files in order (a later file's `environment` key wins,
//! its `command` replaces), and without `-p` every overlay of the same
//! folder runs in one project — the test service then reaches the very
//! database container, and data, the development overlay uses
//! (docs.docker.com compose multiple-compose-files/merge, project name).

use crate::model::{ComposeTestStack, Setting, Via, Workspace};
use crate::source::{FileId, SourceKind, Span, Spanned};
use crate::syntax::yaml::{self, Node};

use super::scripts::{Package, words};

/// Reads every compose invocation of every script of every package.
pub fn read(ws: &mut Workspace, packages: &[Package]) {
    let mut out = Vec::new();
    for pkg in packages {
        for script in &pkg.scripts {
            if !script.command.contains("compose") {
                continue;
            }
            for (range, cmd) in crate::stacks::ci::commands(&script.command) {
                let Some(ws_words) = words(cmd) else { continue };
                let texts: Vec<&str> = ws_words.iter().map(|w| w.text.as_str()).collect();
                let at = texts
                    .iter()
                    .position(|w| *w == "docker-compose")
                    .or_else(|| texts.windows(2).position(|p| p == ["docker", "compose"]));
                let Some(at) = at else { continue };
                let mut files = Vec::new();
                let mut own_project = false;
                let mut i = at + 1;
                while i < texts.len() {
                    match texts[i] {
                        "-f" | "--file" => {
                            if let Some(f) = texts.get(i + 1) {
                                files
                                    .push(crate::paths::join(&pkg.dir, f.trim_start_matches("./")));
                            }
                            i += 2;
                        }
                        "-p" | "--project-name" => {
                            own_project = true;
                            i += 2;
                        }
                        w if w.starts_with("--project-name=") || w.starts_with("-p=") => {
                            own_project = true;
                            i += 1;
                        }
                        _ => i += 1,
                    }
                }
                let is_test_file = |p: &String| {
                    let name = p.rsplit('/').next().unwrap_or(p);
                    name.split(['.', '-', '_'])
                        .any(|w| matches!(w, "test" | "tests" | "testing"))
                };
                if files.len() < 2 || own_project || !files.iter().any(is_test_file) {
                    continue;
                }
                let span = if script.verbatim {
                    script.span.sub(range.start, range.end)
                } else {
                    script.span
                };
                if let Some(stack) = merge(ws, &files, &script.name, span) {
                    out.push((pkg.dir.clone(), stack));
                }
            }
        }
    }
    for (dir, stack) in out {
        ws.project_mut(&dir).node.compose_test_stacks.push(stack);
    }
}

/// One service as the merged files define it.
#[derive(Default)]
struct Service {
    command: Option<Span>,
    runs_tests: bool,
    /// Key → setting, the later file's winning.
    env: Vec<Setting>,
    /// The files that define it.
    defined_in: Vec<FileId>,
}

fn merge(ws: &Workspace, files: &[String], script: &str, span: Span) -> Option<ComposeTestStack> {
    let mut services: Vec<(String, Service)> = Vec::new();
    let mut ids = Vec::new();
    for path in files {
        let id = ws
            .files
            .iter()
            .position(|f| &f.path == path && f.kind == SourceKind::ComposeFile)
            .map(FileId)?;
        ids.push(id);
        let docs = yaml::parse(id, &ws.file(id).text).ok()?;
        let Some(Node::Map(entries, _)) = docs.first().and_then(|d| d.get("services")) else {
            continue;
        };
        for (name, svc) in entries {
            let idx = match services.iter().position(|(n, _)| *n == name.value) {
                Some(i) => i,
                None => {
                    services.push((name.value.clone(), Service::default()));
                    services.len() - 1
                }
            };
            let s = &mut services[idx].1;
            s.defined_in.push(id);
            if let Some(c) = svc.get("command") {
                s.command = Some(c.span());
                s.runs_tests = c.as_str().is_some_and(crate::stacks::ci::is_test_command);
            }
            for (key, value, key_span, value_span) in environment(svc) {
                s.env.retain(|x| x.key.value != key);
                s.env.push(Setting {
                    key: Spanned::new(key, key_span),
                    value,
                    value_span,
                    verbatim: true,
                    overridable: false,
                    via: Via::FrameworkConfig,
                    unset: false,
                    provenance: None,
                    raw_offsets: None,
                });
            }
        }
    }
    let test_file = *ids.last()?;
    let (test_service, svc) = services
        .iter()
        .find(|(_, s)| s.runs_tests && s.defined_in.contains(&test_file))?;
    // database settings the test overlay leaves to the files before it
    let inherited: Vec<Setting> = svc
        .env
        .iter()
        .filter(|s| {
            crate::database::db_key_kind(&s.key.value, &[]).is_some()
                && s.value_span.file != test_file
        })
        .cloned()
        .collect();
    // a database service the test overlay redefines is its own (tmpfs, port)
    let redefined: Vec<String> = services
        .iter()
        .filter(|(n, s)| *n != *test_service && s.defined_in.contains(&test_file))
        .map(|(n, _)| n.clone())
        .collect();
    let shared: Vec<Setting> = inherited
        .into_iter()
        .filter(|s| {
            let host =
                crate::database::DatabaseRef::parse(&s.value, crate::database::DbKeyKind::Url)
                    .host
                    .map(|h| h.text)
                    .unwrap_or_default();
            services.iter().any(|(n, _)| *n == host) && !redefined.contains(&host)
        })
        .collect();
    if shared.is_empty() {
        return None;
    }
    Some(ComposeTestStack {
        script: script.to_string(),
        script_span: span,
        test_service: test_service.clone(),
        command: svc.command?,
        shared,
    })
}

/// A service's `environment` entries: (key, value, key span, value span).
fn environment(svc: &Node) -> Vec<(String, String, Span, Span)> {
    let mut out = Vec::new();
    match svc.get("environment") {
        Some(Node::Map(entries, _)) => {
            for (k, v) in entries {
                if let Some(sc) = v.as_scalar() {
                    out.push((k.value.clone(), sc.value.clone(), k.span, sc.span));
                }
            }
        }
        Some(Node::Seq(items, _)) => {
            for item in items {
                let Some(sc) = item.as_scalar() else { continue };
                let Some((k, v)) = sc.value.split_once('=') else {
                    continue;
                };
                let key_span = if sc.verbatim {
                    sc.span.sub(0, k.len())
                } else {
                    sc.span
                };
                let value_span = if sc.verbatim {
                    sc.span.sub(k.len() + 1, sc.value.len())
                } else {
                    sc.span
                };
                out.push((k.trim().to_string(), v.to_string(), key_span, value_span));
            }
        }
        _ => {}
    }
    out
}
