//! GitHub Actions workflows (`.github/workflows/*.yml|yaml`): every step that
//! runs tests is a test environment — workflow `env`, the job's `container`
//! env, job `env` and step `env` merged in that order (later wins), with the
//! job's services, deployment `environment` and the commands that ran before.
//! A job without a test step (deploy, build, migrate) yields nothing.

use crate::model::{CiJob, EnvSource, Runner, Setting, TestEnv};
use crate::source::{FileId, SourceFile, Span, Spanned};
use crate::stacks::ParseIssue;
use crate::stacks::ci;
use crate::syntax::yaml::{self, Node, Scalar};

pub fn parse(id: FileId, file: &SourceFile) -> (Vec<TestEnv>, Vec<ParseIssue>) {
    let docs = match yaml::parse(id, &file.text) {
        Ok(d) => d,
        Err(e) => {
            return (
                Vec::new(),
                vec![ParseIssue {
                    span: Span::new(id, e.range.start, e.range.end),
                    message: format!("invalid YAML: {}", e.message),
                }],
            );
        }
    };
    let Some(root) = docs.first() else {
        return (Vec::new(), Vec::new());
    };
    let mut envs = Vec::new();
    let workflow_env = env_settings(root.get("env"), None);
    for (job_key, job) in root.get("jobs").map(Node::entries).unwrap_or(&[]) {
        // a reusable-workflow caller runs another workflow file, linted on its own
        if job.get("uses").is_some() {
            continue;
        }
        let matrix = job.get("strategy").and_then(|s| s.get("matrix"));
        let container_env = env_settings(job.get("container").and_then(|c| c.get("env")), matrix);
        let job_env = env_settings(job.get("env"), matrix);
        let services: Vec<String> = job
            .get("services")
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .map(|(k, _)| k.value.clone())
            .collect();
        let deployment = deployment(job.get("environment"));
        let mut commands: Vec<Spanned<String>> = Vec::new();
        for (index, step) in job
            .get("steps")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            // an unnamed step is shown as GitHub shows it: `Run <first line>`
            let step_name = step
                .get("name")
                .and_then(Node::as_str)
                .map(String::from)
                .unwrap_or_else(|| {
                    match step
                        .get("run")
                        .and_then(Node::as_str)
                        .and_then(|r| r.lines().find(|l| !l.trim().is_empty()))
                    {
                        Some(line) => {
                            let line = line.trim();
                            let short: String = line.chars().take(40).collect();
                            format!(
                                "Run {short}{}",
                                if short.len() < line.len() { "…" } else { "" }
                            )
                        }
                        None => format!("#{}", index + 1),
                    }
                });
            let mut test_command = None;
            if let Some(run) = step.get("run").and_then(Node::as_scalar) {
                for cmd in script_commands(&file.text, run) {
                    let is_test = ci::is_test_command(&cmd.value);
                    commands.push(cmd.clone());
                    if is_test {
                        test_command = Some(cmd);
                        break;
                    }
                }
            } else if let Some(uses) = step.get("uses").and_then(Node::as_scalar) {
                // actions that run a test suite (`php-actions/phpunit@v3`)
                let l = uses.value.to_ascii_lowercase();
                if ["phpunit", "pytest", "jest", "vitest", "pest"]
                    .iter()
                    .any(|r| l.contains(r))
                {
                    let cmd = Spanned::new(uses.value.clone(), uses.span);
                    commands.push(cmd.clone());
                    test_command = Some(cmd);
                }
            }
            let Some(test_command) = test_command else {
                continue;
            };
            let step_env = env_settings(step.get("env"), matrix);
            let settings = merge_layers([&workflow_env, &container_env, &job_env, &step_env]);
            let ci = CiJob {
                job: job_key.value.clone(),
                step: Some(step_name.clone()),
                deployment: deployment.clone(),
                commands: commands.clone(),
                test_command: Some(test_command),
                services: services.clone(),
                env_file_copies: Vec::new(),
                caches_laravel_config: None,
                ..Default::default()
            };
            let mut env = TestEnv::local(
                format!("job \"{}\", step \"{}\"", job_key.value, step_name),
                EnvSource::GithubActions,
                file,
                id,
                job_key.span,
                settings,
            );
            env.runner = Runner::Ci(Box::new(ci));
            envs.push(env);
        }
    }
    (envs, Vec::new())
}

/// `environment: production` or `environment: {name: production, url: …}`.
pub fn deployment(node: Option<&Node>) -> Option<Spanned<String>> {
    let s = match node? {
        Node::Scalar(s) => s,
        other => other.get("name")?.as_scalar()?,
    };
    Some(Spanned::new(s.value.clone(), s.span))
}

/// Each command of a `run:` script, with its span in the file.
pub fn script_commands(text: &str, run: &Scalar) -> Vec<Spanned<String>> {
    let region = text.get(run.span.start..run.span.end).unwrap_or("");
    ci::commands(&run.value)
        .into_iter()
        .map(|(range, cmd)| {
            let span = if run.verbatim {
                run.span.sub(range.start, range.end)
            } else {
                // a block scalar holds each line as written, minus indentation
                let first_line = cmd.lines().next().unwrap_or(cmd);
                match region.find(first_line) {
                    Some(at) => run.span.sub(at, at + first_line.len()),
                    None => run.span,
                }
            };
            Spanned::new(cmd.to_string(), span)
        })
        .collect()
}

/// The settings of an `env:` mapping; `${{ matrix.X }}` is expanded into one
/// setting per literal value the matrix lists, spanning that value.
pub fn env_settings(env: Option<&Node>, matrix: Option<&Node>) -> Vec<Setting> {
    let mut out = Vec::new();
    for (k, v) in env.map(Node::entries).unwrap_or(&[]) {
        if let Some(base) = ci::variable(k, v) {
            out.extend(expand_matrix(base, matrix));
        }
    }
    out
}

fn expand_matrix(base: Setting, matrix: Option<&Node>) -> Vec<Setting> {
    let Some((expr, name)) = matrix_expression(&base.value) else {
        return vec![base];
    };
    let Some(matrix) = matrix else {
        return vec![base];
    };
    let mut values: Vec<&Scalar> = matrix
        .get(&name)
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_scalar)
        .collect();
    for inc in matrix.get("include").map(Node::items).unwrap_or(&[]) {
        if let Some(s) = inc.get(&name).and_then(Node::as_scalar) {
            values.push(s);
        }
    }
    if values.is_empty() {
        return vec![base];
    }
    let whole = base.value.trim() == expr;
    values
        .into_iter()
        .map(|v| {
            let mut s = base.clone();
            s.value = base.value.replace(&expr, &v.value);
            if whole {
                // the value is defined in the matrix: point there
                s.value_span = v.span;
                s.verbatim = v.verbatim;
            } else {
                s.verbatim = false;
            }
            s
        })
        .collect()
}

/// `${{ matrix.db }}` in a value: the whole expression and the matrix key.
fn matrix_expression(value: &str) -> Option<(String, String)> {
    let start = value.find("${{")?;
    let end = start + value[start..].find("}}")? + 2;
    let expr = &value[start..end];
    let inner = expr[3..expr.len() - 2].trim();
    let name = inner.strip_prefix("matrix.")?;
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .then(|| (expr.to_string(), name.to_string()))
}

/// Merges layers of settings: a key defined in a later layer replaces every
/// earlier definition (environment variables are case-sensitive).
pub fn merge_layers<'a>(layers: impl IntoIterator<Item = &'a Vec<Setting>>) -> Vec<Setting> {
    let mut out: Vec<Setting> = Vec::new();
    for layer in layers {
        let keys: Vec<&str> = layer.iter().map(|s| s.key.value.as_str()).collect();
        out.retain(|s| !keys.contains(&s.key.value.as_str()));
        out.extend(layer.iter().cloned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceKind;

    fn envs(text: &str) -> Vec<TestEnv> {
        let f = SourceFile::new(
            ".github/workflows/ci.yml".into(),
            SourceKind::GithubWorkflow,
            text.into(),
        );
        let (envs, issues) = parse(FileId(0), &f);
        assert!(issues.is_empty(), "{issues:?}");
        envs
    }

    #[test]
    fn only_test_steps_become_environments_with_merged_env() {
        let text = "on: push\nenv:\n  DATABASE_URL: postgres://localhost/wf\n  APP_ENV: ci\njobs:\n  deploy:\n    environment: production\n    steps:\n      - run: ./deploy.sh\n  test:\n    environment:\n      name: staging\n    services:\n      db:\n        image: postgres\n    env:\n      DATABASE_URL: postgres://db/job_test\n    steps:\n      - uses: actions/checkout@v4\n      - name: Run tests\n        env:\n          APP_ENV: testing\n        run: |\n          npm ci\n          cd web && npm test\n";
        let envs = envs(text);
        assert_eq!(envs.len(), 1);
        let e = &envs[0];
        assert_eq!(e.name, "job \"test\", step \"Run tests\"");
        assert_eq!(
            e.get("DATABASE_URL").map(|s| s.value.as_str()),
            Some("postgres://db/job_test")
        );
        assert_eq!(e.get("APP_ENV").map(|s| s.value.as_str()), Some("testing"));
        assert_eq!(e.settings.len(), 2);
        let ci = e.ci().expect("ci");
        assert_eq!(
            ci.deployment.as_ref().map(|d| d.value.as_str()),
            Some("staging")
        );
        assert_eq!(ci.services, ["db"]);
        let t = ci.test_command.as_ref().expect("test command");
        assert_eq!(&text[t.span.start..t.span.end], "npm test");
        assert_eq!(ci.commands.len(), 3);
    }

    #[test]
    fn matrix_values_are_expanded_where_defined() {
        let text = "jobs:\n  test:\n    strategy:\n      matrix:\n        db: [app_test, app_prod]\n    env:\n      DB_DATABASE: ${{ matrix.db }}\n      TOKEN: ${{ secrets.TOKEN }}\n    steps:\n      - run: pytest\n";
        let envs = envs(text);
        let vals: Vec<&str> = envs[0]
            .settings
            .iter()
            .filter(|s| s.key.value == "DB_DATABASE")
            .map(|s| s.value.as_str())
            .collect();
        assert_eq!(vals, ["app_test", "app_prod"]);
        let prod = envs[0]
            .settings
            .iter()
            .find(|s| s.value == "app_prod")
            .expect("prod");
        assert_eq!(
            &text[prod.value_span.start..prod.value_span.end],
            "app_prod"
        );
    }

    #[test]
    fn reusable_workflow_callers_and_build_jobs_yield_nothing() {
        assert!(envs("jobs:\n  call:\n    uses: ./.github/workflows/test.yml\n    secrets: inherit\n  build:\n    steps:\n      - run: npm run build\n").is_empty());
    }
}
