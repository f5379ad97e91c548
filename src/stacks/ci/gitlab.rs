//! GitLab CI (`.gitlab-ci.yml` and the local files it includes): every job
//! whose `before_script`/`script` runs tests is a test environment — global
//! `variables`, `default:` and the job's own after its `extends:` chain (deep
//! merged, arrays replaced), with `<<` merge keys, `!reference [job, key]`,
//! services (reached by alias or image-derived host name) and `environment:`.
//! Jobs whose name starts with `.` are templates, not jobs.

use crate::model::{CiJob, EnvFileCopy, EnvSource, Runner, Setting, TestEnv};
use crate::source::{FileId, SourceFile, Span, Spanned};
use crate::stacks::ParseIssue;
use crate::stacks::ci;
use crate::stacks::ci::github::{deployment, merge_layers, script_commands};
use crate::syntax::yaml::{self, Node};

/// Top-level keys that are not jobs.
const RESERVED: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
];

/// How deep `extends` chains and `!reference` nesting may go (GitLab: 11 and 10).
const MAX_CHAIN: usize = 11;
/// How deep local includes may nest.
const MAX_INCLUDE_DEPTH: usize = 10;

/// The local files a pipeline document includes, as written (`/ci/test.yml`).
pub fn local_includes(doc: &Node) -> Vec<String> {
    let mut out = Vec::new();
    let Some(inc) = doc.get("include") else {
        return out;
    };
    let items: Vec<&Node> = match inc {
        Node::Seq(items, _) => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        let path = match item {
            Node::Scalar(s) if !s.value.contains("://") => Some(s.value.clone()),
            Node::Map(..) => item.get("local").and_then(Node::as_str).map(String::from),
            _ => None,
        };
        if let Some(p) = path {
            out.push(p);
        }
    }
    out
}

/// A local include path relative to the pipeline's folder, `/`-normalised.
pub fn include_path(root_dir: &str, include: &str) -> String {
    let p = include
        .trim()
        .trim_start_matches("./")
        .trim_start_matches('/');
    if root_dir.is_empty() {
        p.to_string()
    } else {
        format!("{root_dir}/{p}")
    }
}

/// Whether an include pattern (`ci/*.yml`) matches a path.
pub fn include_matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((pre, post)) => {
            path.len() >= pre.len() + post.len()
                && path.starts_with(pre)
                && path.ends_with(post)
                && !path[pre.len()..path.len() - post.len()].contains('/')
        }
    }
}

fn parse_file(id: FileId, file: &SourceFile, issues: &mut Vec<ParseIssue>) -> Option<Node> {
    match yaml::parse(id, &file.text) {
        Ok(docs) => docs.into_iter().next(),
        Err(e) => {
            issues.push(ParseIssue {
                span: Span::new(id, e.range.start, e.range.end),
                message: format!("invalid YAML: {}", e.message),
            });
            None
        }
    }
}

/// Deep merge as GitLab's `extends` and includes do: maps merge key by key,
/// anything else is replaced by the later value.
fn deep_merge(base: &Node, over: &Node) -> Node {
    match (base, over) {
        (Node::Map(b, _), Node::Map(o, span)) => {
            let mut entries = b.clone();
            for (k, v) in o {
                match entries.iter_mut().find(|(ek, _)| ek.value == k.value) {
                    Some((_, ev)) => *ev = deep_merge(ev, v),
                    None => entries.push((k.clone(), v.clone())),
                }
            }
            Node::Map(entries, *span)
        }
        _ => over.clone(),
    }
}

fn without(node: &Node, key: &str) -> Node {
    match node {
        Node::Map(entries, span) => Node::Map(
            entries
                .iter()
                .filter(|(k, _)| k.value != key)
                .cloned()
                .collect(),
            *span,
        ),
        other => other.clone(),
    }
}

fn extends_of(node: &Node) -> Vec<String> {
    match node.get("extends") {
        Some(Node::Scalar(s)) => vec![s.value.clone()],
        Some(Node::Seq(items, _)) => items
            .iter()
            .filter_map(Node::as_str)
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    }
}

/// A job with its `extends:` chain applied.
fn resolve_extends(top: &Node, name: &str, depth: usize) -> Option<Node> {
    let node = top.get(name)?;
    if depth > MAX_CHAIN {
        return Some(without(node, "extends"));
    }
    let mut base: Option<Node> = None;
    for parent in extends_of(node) {
        if let Some(p) = resolve_extends(top, &parent, depth + 1) {
            base = Some(match base {
                Some(b) => deep_merge(&b, &p),
                None => p,
            });
        }
    }
    let own = without(node, "extends");
    Some(match base {
        Some(b) => deep_merge(&b, &own),
        None => own,
    })
}

/// Replaces `!reference [job, key, …]` with what it points at; a reference
/// inside a list that resolves to a list is spliced in.
fn resolve_refs(node: &Node, top: &Node, depth: usize) -> Node {
    if depth > MAX_CHAIN {
        return node.clone();
    }
    match node {
        Node::Tagged(tag, inner, span) if tag == "!reference" => {
            let path: Vec<&str> = inner.items().iter().filter_map(Node::as_str).collect();
            let target = path.iter().try_fold(top, |n, k| n.get(k));
            match target {
                Some(t) => resolve_refs(t, top, depth + 1),
                None => Node::Null(*span),
            }
        }
        Node::Tagged(_, inner, _) => resolve_refs(inner, top, depth + 1),
        Node::Seq(items, span) => {
            let mut out = Vec::new();
            for item in items {
                let was_ref = matches!(item, Node::Tagged(t, _, _) if t == "!reference");
                match resolve_refs(item, top, depth + 1) {
                    Node::Seq(inner, _) if was_ref => out.extend(inner),
                    other => out.push(other),
                }
            }
            Node::Seq(out, *span)
        }
        Node::Map(entries, span) => Node::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), resolve_refs(v, top, depth + 1)))
                .collect(),
            *span,
        ),
        other => other.clone(),
    }
}

/// The settings of a `variables:` mapping (`KEY: value` or `KEY: {value: …}`).
fn variables(node: Option<&Node>) -> Vec<Setting> {
    let mut out = Vec::new();
    for (k, v) in node.map(Node::entries).unwrap_or(&[]) {
        // `KEY: value`, or `KEY: {value: …, description: …}`
        let value = match v {
            Node::Map(..) => v.get("value"),
            other => Some(other),
        };
        if let Some(setting) = value.and_then(|value| ci::variable(k, value)) {
            out.push(setting);
        }
    }
    out
}

/// Host names of a job's services: the alias, or GitLab's names derived from
/// the image (`bitnami/postgresql:15` → `bitnami__postgresql`, `bitnami-postgresql`).
fn service_hosts(node: Option<&Node>) -> Vec<String> {
    let mut out = Vec::new();
    for item in node.map(Node::items).unwrap_or(&[]) {
        let (image, alias) = match item {
            Node::Scalar(s) => (Some(s.value.clone()), None),
            Node::Map(..) => (
                item.get("name").and_then(Node::as_str).map(String::from),
                item.get("alias").and_then(Node::as_str).map(String::from),
            ),
            _ => (None, None),
        };
        if let Some(a) = alias {
            out.extend(
                a.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
            );
        }
        if let Some(img) = image {
            let name = img.split('@').next().unwrap_or(&img);
            let name = match name.rfind(':') {
                Some(c) if !name[c..].contains('/') => &name[..c],
                _ => name,
            };
            out.push(name.replace('/', "__"));
            out.push(name.replace('/', "-"));
        }
    }
    out
}

/// The shell lines of `before_script`/`script` (a string or nested lists).
fn script_scalars(node: Option<&Node>, out: &mut Vec<yaml::Scalar>) {
    match node {
        Some(Node::Scalar(s)) => out.push(s.clone()),
        Some(Node::Seq(items, _)) => {
            for i in items {
                script_scalars(Some(i), out);
            }
        }
        _ => {}
    }
}

pub fn parse(root_id: FileId, files: &[SourceFile]) -> (Vec<TestEnv>, Vec<ParseIssue>) {
    let mut issues = Vec::new();
    let root_file = &files[root_id.0];
    let Some(root) = parse_file(root_id, root_file, &mut issues) else {
        return (Vec::new(), issues);
    };
    let root_dir = root_file.dir().to_string();
    // includes first, the root file last: its definitions win
    let mut layers: Vec<Node> = Vec::new();
    let mut seen: Vec<FileId> = vec![root_id];
    let mut queue: Vec<(Node, usize)> = vec![(root.clone(), 0)];
    while let Some((doc, depth)) = queue.pop() {
        if depth >= MAX_INCLUDE_DEPTH {
            continue;
        }
        for inc in local_includes(&doc) {
            let pattern = include_path(&root_dir, &inc);
            for (i, f) in files.iter().enumerate() {
                let id = FileId(i);
                if seen.contains(&id) || !include_matches(&pattern, &f.path) {
                    continue;
                }
                seen.push(id);
                if let Some(n) = parse_file(id, f, &mut issues) {
                    layers.push(n.clone());
                    queue.push((n, depth + 1));
                }
            }
        }
    }
    let mut top = Node::Map(Vec::new(), root.span());
    for l in layers.iter().chain(std::iter::once(&root)) {
        top = deep_merge(&top, l);
    }
    let global_vars = variables(top.get("variables"));
    let default = top.get("default");
    let default_vars = variables(default.and_then(|d| d.get("variables")));
    let mut envs = Vec::new();
    let mut all_jobs: Vec<(String, Vec<Spanned<String>>)> = Vec::new();
    for (key, _) in top.entries() {
        if key.value.starts_with('.') || RESERVED.contains(&key.value.as_str()) {
            continue;
        }
        let Some(job) = resolve_extends(&top, &key.value, 0) else {
            continue;
        };
        if !matches!(job, Node::Map(..)) {
            continue;
        }
        let job = resolve_refs(&job, &top, 0);
        let mut scripts = Vec::new();
        let before = job
            .get("before_script")
            .or_else(|| default.and_then(|d| d.get("before_script")))
            .or_else(|| top.get("before_script"));
        script_scalars(
            before.map(|b| resolve_refs(b, &top, 0)).as_ref(),
            &mut scripts,
        );
        script_scalars(job.get("script"), &mut scripts);
        let mut commands: Vec<Spanned<String>> = Vec::new();
        let mut test_command = None;
        let mut every: Vec<Spanned<String>> = Vec::new();
        for s in &scripts {
            let text = files.get(s.span.file.0).map_or("", |f| f.text.as_str());
            for cmd in script_commands(text, s) {
                every.push(cmd.clone());
                if test_command.is_some() {
                    continue;
                }
                let is_test = ci::is_test_command(&cmd.value);
                commands.push(cmd.clone());
                if is_test {
                    test_command = Some(cmd);
                }
            }
        }
        all_jobs.push((key.value.clone(), every));
        let Some(test_command) = test_command else {
            continue;
        };
        let job_vars = variables(job.get("variables"));
        let mut settings = merge_layers([&global_vars, &default_vars, &job_vars]);
        ci::expand_variables(&mut settings);
        let services_node = job
            .get("services")
            .or_else(|| default.and_then(|d| d.get("services")))
            .or_else(|| top.get("services"));
        let services_node = services_node.map(|s| resolve_refs(s, &top, 0));
        let ci = CiJob {
            job: key.value.clone(),
            step: None,
            deployment: deployment(job.get("environment")),
            commands,
            test_command: Some(test_command),
            services: service_hosts(services_node.as_ref()),
            env_file_copies: Vec::new(),
            caches_laravel_config: None,
            ..Default::default()
        };
        let file = &files[key.span.file.0];
        let mut env = TestEnv::local(
            format!("job \"{}\"", key.value),
            EnvSource::GitlabCi,
            file,
            key.span.file,
            key.span,
            settings,
        );
        env.dir = root_dir.clone();
        env.runner = Runner::Ci(Box::new(ci));
        envs.push(env);
    }
    shared_folder_copies(&mut envs, &all_jobs, &root_dir, files);
    (envs, issues)
}

/// The folder a command runs in, as the script writes it: `$CHECKOUT` for
/// the job's own checkout; `cd` moves it, an absolute or variable path
/// leaves the checkout.
fn folders(commands: &[Spanned<String>]) -> Vec<String> {
    let mut cwd = "$CHECKOUT".to_string();
    let mut out = Vec::with_capacity(commands.len());
    for c in commands {
        out.push(cwd.clone());
        let mut words = c.value.split_whitespace();
        if words.next() != Some("cd") {
            continue;
        }
        let Some(target) = words.next() else {
            cwd = "$HOME".into();
            continue;
        };
        let target = target.trim_matches(['"', '\'']).trim_end_matches('/');
        cwd = if target.starts_with("$CI_PROJECT_DIR") || target.starts_with("${CI_PROJECT_DIR}") {
            "$CHECKOUT".into()
        } else if target.starts_with('/') || target.starts_with('~') {
            target.to_string()
        } else {
            format!("{cwd}/{target}")
        };
    }
    out
}

/// A shell runner that keeps a folder outside the checkout between jobs
/// (`cd /var/www/html/$CI_COMMIT_SHA`): a dotenv one job copies to `.env`
/// there is the `.env` a later job's tests read in the same folder. Jobs in
/// their own checkouts share nothing (GitLab fetches and cleans each one).
fn shared_folder_copies(
    envs: &mut [TestEnv],
    jobs: &[(String, Vec<Spanned<String>>)],
    root_dir: &str,
    files: &[SourceFile],
) {
    // (job, folder, from, span) for every `cp X .env` outside the checkout
    let mut copies = Vec::new();
    for (job, cmds) in jobs {
        let dirs = folders(cmds);
        // a folder this job cloned the repository into holds the repository's files
        let mut clones: Vec<String> = Vec::new();
        for (c, dir) in cmds.iter().zip(&dirs) {
            let words: Vec<&str> = c.value.split_whitespace().collect();
            if let ["git", "clone", .., _url, target] = words.as_slice() {
                let t = target.trim_end_matches('/');
                clones.push(if t.starts_with('/') {
                    t.to_string()
                } else {
                    format!("{dir}/{t}")
                });
            }
            if let ["cp", from, to] = words.as_slice()
                && (*to == ".env" || *to == "./.env")
                && !dir.starts_with("$CHECKOUT")
                && clones.contains(dir)
            {
                copies.push((
                    job.clone(),
                    dir.clone(),
                    from.trim_start_matches("./").to_string(),
                    c.span,
                ));
            }
        }
    }
    for env in envs.iter_mut() {
        let Runner::Ci(ci) = &mut env.runner else {
            continue;
        };
        let Some((_, cmds)) = jobs.iter().find(|(j, _)| *j == ci.job) else {
            continue;
        };
        let dirs = folders(cmds);
        let Some(test_at) = cmds
            .iter()
            .position(|c| Some(c) == ci.test_command.as_ref())
        else {
            continue;
        };
        let test_dir = &dirs[test_at];
        for (job, dir, from, span) in &copies {
            if job == &ci.job || dir != test_dir {
                continue;
            }
            let path = crate::paths::join(root_dir, from);
            let Some((i, f)) = files.iter().enumerate().find(|(_, f)| f.path == path) else {
                continue;
            };
            let settings = crate::stacks::environment::dotenv_env(FileId(i), f)
                .0
                .settings;
            ci.env_file_copies.push(EnvFileCopy {
                by_job: job.clone(),
                from: path,
                span: *span,
                folder: dir.clone(),
                settings,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceKind;

    fn run(files: &[(&str, &str)]) -> (Vec<TestEnv>, Vec<ParseIssue>) {
        let fs: Vec<SourceFile> = files
            .iter()
            .map(|(p, t)| {
                let kind = if p.ends_with(".gitlab-ci.yml") {
                    SourceKind::GitlabCi
                } else {
                    SourceKind::GitlabCiInclude
                };
                SourceFile::new(p.to_string(), kind, t.to_string())
            })
            .collect();
        parse(FileId(0), &fs)
    }

    #[test]
    fn extends_references_anchors_includes_and_services() {
        let root = "include:\n  - local: /ci/templates.yml\nvariables:\n  DATABASE_URL: postgres://postgres/app\n.vars: &vars\n  DB_NAME: anchored\ntest:\n  extends: .python\n  services:\n    - name: postgres:16\n      alias: db\n  variables:\n    <<: *vars\n    DJANGO_SETTINGS_MODULE: app.settings.test\n  script:\n    - !reference [.setup, script]\n    - pytest\ndeploy:\n  environment: production\n  script:\n    - ./deploy.sh\n";
        let inc = ".python:\n  image: python:3.12\n  variables:\n    PIP_CACHE: x\n.setup:\n  script:\n    - pip install -r requirements.txt\n";
        let (envs, issues) = run(&[(".gitlab-ci.yml", root), ("ci/templates.yml", inc)]);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(envs.len(), 1);
        let e = &envs[0];
        assert_eq!(e.name, "job \"test\"");
        let keys: Vec<&str> = e.settings.iter().map(|s| s.key.value.as_str()).collect();
        assert_eq!(
            keys,
            [
                "DATABASE_URL",
                "PIP_CACHE",
                "DJANGO_SETTINGS_MODULE",
                "DB_NAME"
            ]
        );
        let anchored = e.get("DB_NAME").expect("DB_NAME");
        assert_eq!(
            &root[anchored.value_span.start..anchored.value_span.end],
            "anchored"
        );
        let pip = e.get("PIP_CACHE").expect("from the include");
        assert_eq!(pip.value_span.file, FileId(1));
        let ci = e.ci().expect("ci");
        assert!(
            ci.services.contains(&"db".to_string())
                && ci.services.contains(&"postgres".to_string())
        );
        assert_eq!(ci.commands.len(), 2);
    }

    #[test]
    fn hidden_jobs_are_templates() {
        let (envs, _) = run(&[(
            ".gitlab-ci.yml",
            ".test:\n  script: pytest\nlint:\n  script: ruff check\n",
        )]);
        assert!(envs.is_empty());
    }

    #[test]
    fn include_patterns() {
        assert!(include_matches("ci/*.yml", "ci/test.yml"));
        assert!(!include_matches("ci/*.yml", "ci/sub/test.yml"));
        assert_eq!(include_path("", "/ci/a.yml"), "ci/a.yml");
        assert_eq!(include_path("app", "ci/a.yml"), "app/ci/a.yml");
    }
}
