//! Machine outputs: SARIF validated by Microsoft's official validator, GitHub
//! workflow commands and the GitLab Code Quality report checked field by field
//! against the JSON output of the same run, fingerprints that survive line
//! moves, secrets masked in every format, and `--output-file`.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// A repository holding every firing fixture, each in a folder of its own.
fn every_rule_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in fixture_names().iter().filter(|n| n.contains("-fires")) {
        let to = dir.path().join(name);
        copy(&fixtures_dir().join(name), &to);
        // a workflow runs at a repository's root: such a fixture is a
        // repository of its own inside this one
        if to.join(".github/workflows").is_dir() {
            git(&to, &["init", "-q"]);
            git(&to, &["add", "-A"]);
            git(&to, &["commit", "-q", "-m", "fixture"]);
        }
    }
    // a fixture's own `testguard.toml` is not the root's: TG004 is turned
    // on for the whole repository
    std::fs::write(dir.path().join("testguard.toml"), "unresolved = \"warn\"\n")
        .expect("write testguard.toml");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "all"]);
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy(&p, &to.join(e.file_name()));
        } else if e.file_name() != "EXPECT" {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

fn output(dir: &Path, format: &str) -> String {
    stdout(&run(dir, &["lint", "--format", format, "."]))
}

#[test]
fn sarif_passes_the_official_validator_with_every_rule() {
    let repo = every_rule_repo();
    let sarif = output(repo.path(), "sarif");
    let log: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let run0 = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run0["tool"]["driver"]["name"], "testguard");
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run0["results"].as_array().expect("results");
    let mut fired: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    fired.sort();
    fired.dedup();
    let all: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(fired, all, "every rule must have a finding in this log");
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
    }
    // every rule links to its documentation page, and the page exists
    for r in rules {
        let id = r["id"].as_str().expect("id");
        let uri = r["helpUri"].as_str().expect("helpUri");
        let page = format!("/docs/rules/{id}.md");
        assert!(uri.ends_with(&page), "{id}: {uri}");
        let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(page.trim_start_matches('/'));
        assert!(local.is_file(), "{id}: {} is missing", local.display());
    }
    let Some(tool) = sarif_multitool() else {
        return;
    };
    let file = repo.path().join("testguard.sarif");
    std::fs::write(&file, &sarif).expect("write");
    let out = Command::new(tool)
        .args(["validate", file.to_str().expect("utf8")])
        .output()
        .expect("run the validator");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "validator failed:\n{text}");
    let problems: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .collect();
    assert!(
        problems.is_empty(),
        "validator reported:\n{}",
        problems.join("\n")
    );
    assert!(text.contains("Analysis completed successfully"), "{text}");
}

/// Decodes a GitHub workflow command's escaping.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_and_gitlab_outputs_agree_with_json_field_by_field() {
    let repo = every_rule_repo();
    let report: serde_json::Value =
        serde_json::from_str(&output(repo.path(), "json")).expect("json");
    let diags = report["diagnostics"].as_array().expect("array");
    let github = output(repo.path(), "github");
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), diags.len());
    for (line, d) in lines.iter().zip(diags) {
        let rest = line.strip_prefix("::").expect("a workflow command");
        let (head, message) = rest.split_once("::").expect("command::message");
        let (command, props) = head.split_once(' ').expect("command props");
        assert_eq!(command, d["severity"].as_str().expect("severity"));
        let props: std::collections::BTreeMap<&str, String> = props
            .split(',')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k, unescape(v)))
            .collect();
        assert_eq!(props["file"], d["path"].as_str().expect("path"));
        assert_eq!(props["line"], d["line"].to_string());
        assert_eq!(props["endLine"], d["end_line"].to_string());
        let single_line = d["line"] == d["end_line"];
        assert_eq!(props.contains_key("col"), single_line);
        if single_line {
            assert_eq!(props["col"], d["column"].to_string());
            assert_eq!(props["endColumn"], d["end_column"].to_string());
        }
        assert_eq!(
            props["title"],
            format!(
                "{} {}",
                d["code"].as_str().expect("code"),
                d["rule"].as_str().expect("rule")
            )
        );
        let message = unescape(message);
        assert!(
            message.starts_with(d["message"].as_str().expect("message")),
            "{message}"
        );
        assert!(
            !message.contains('\n') || line.contains("%0A"),
            "newlines must be escaped"
        );
    }
    let gitlab: serde_json::Value =
        serde_json::from_str(&output(repo.path(), "gitlab")).expect("gitlab json");
    let issues = gitlab.as_array().expect("array");
    assert_eq!(issues.len(), diags.len());
    let mut prints = std::collections::BTreeSet::new();
    for (i, d) in issues.iter().zip(diags) {
        assert_eq!(
            i["check_name"],
            format!(
                "{} {}",
                d["code"].as_str().expect("code"),
                d["rule"].as_str().expect("rule")
            )
        );
        assert_eq!(i["location"]["path"], d["path"]);
        assert_eq!(i["location"]["lines"]["begin"], d["line"]);
        assert_eq!(
            i["severity"],
            if d["severity"] == "error" {
                "critical"
            } else {
                "minor"
            }
        );
        assert!(
            i["description"]
                .as_str()
                .expect("description")
                .contains(d["message"].as_str().expect("message"))
        );
        assert!(
            prints.insert(i["fingerprint"].as_str().expect("fingerprint").to_string()),
            "fingerprints are unique"
        );
    }
}

#[test]
fn fingerprints_survive_blank_lines_inserted_above_a_finding() {
    let repo = repo_from_fixture("database-not-test-fires");
    let before_gl = output(repo.path(), "gitlab");
    let before_sarif = output(repo.path(), "sarif");
    let path = repo.path().join(".env.test");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, format!("\n\n\n{text}")).expect("write");
    let after_gl = output(repo.path(), "gitlab");
    let after_sarif = output(repo.path(), "sarif");
    let prints = |s: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(s).expect("json");
        v.as_array()
            .expect("array")
            .iter()
            .map(|i| i["fingerprint"].as_str().expect("fp").to_string())
            .collect()
    };
    let sarif_prints = |s: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(s).expect("json");
        v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["partialFingerprints"]["testguard/v1"].to_string())
            .collect()
    };
    assert_eq!(prints(&before_gl), prints(&after_gl));
    assert_eq!(sarif_prints(&before_sarif), sarif_prints(&after_sarif));
    assert_ne!(before_gl, after_gl, "the line numbers did move");
}

/// Secrets of every kind, each on a line that a rule reports, so that every
/// format has a snippet or message next to it.
const SECRETS: &[&str] = &[
    "Pw-UserInfo-9f3",
    "Pw-Query-7c1",
    "Pw-Plain-2b8",
    "Pw-Workflow-4d2",
    "sk_live_51HqLyjWDarjtT1zdp7dcXYZab",
    "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngXyZ12345",
    "s3cret-pw",
    "AKIAZ7QHJ5K2LMNOPQRS",
    "wJalrXUtnFEMIK7MDENGbPxRfiCYzzzzKEY1",
];

fn secrets_repo() -> tempfile::TempDir {
    common::repo_with(&[
        (
            ".env.test",
            b"APP_ENV=test\n\
DATABASE_URL=postgres://app:Pw-UserInfo-9f3@db.prod.example.com:5432/shop\n\
ANALYTICS_DATABASE_URL=mysql://reports@db.prod.example.com/shop_reports?password=Pw-Query-7c1\n\
DB_HOST=db.prod.example.com\n\
DB_DATABASE=shop\n\
DB_PASSWORD=Pw-Plain-2b8\n\
STRIPE_SECRET=sk_live_51HqLyjWDarjtT1zdp7dcXYZab\n\
GITHUB_TOKEN=ghp_R4nd0mT0k3nV4lu3F0rT3st1ngXyZ12345\n",
        ),
        (
            ".github/workflows/test.yml",
            b"on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      \
DATABASE_URL: postgres://ci:Pw-Workflow-4d2@prod-db.example.com/shop\n    steps:\n      - run: pytest\n",
        ),
    ])
}

/// Runs one format over the secrets repository and over two fixtures: no
/// secret in stdout or stderr, while the non-secret context (hosts, database
/// names, keys) is still there.
fn assert_secrets_masked(format: &str) {
    let repo = secrets_repo();
    let out = run(repo.path(), &["lint", "--format", format]);
    assert_eq!(out.status.code(), Some(1), "{format}: findings expected");
    let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    for s in SECRETS {
        assert!(!all.contains(s), "--format {format} printed {s}:\n{all}");
    }
    for context in ["db.prod.example.com", "prod-db.example.com", "shop"] {
        assert!(
            all.contains(context),
            "--format {format} lost {context}:\n{all}"
        );
    }
    if format == "human" {
        // the snippet shows where the password was, with a mask that hides its length too
        assert!(all.contains("app:****@db.prod.example.com"), "{all}");
        assert!(all.contains("STRIPE_SECRET"), "{all}");
    }
    for fixture in ["database-not-test-fires", "live-credential-fires"] {
        let repo = repo_from_fixture(fixture);
        let out = run(repo.path(), &["lint", "--format", format]);
        let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        for s in SECRETS {
            assert!(!all.contains(s), "{fixture} --format {format} printed {s}");
        }
        let context = if fixture == "database-not-test-fires" {
            "myapp"
        } else {
            "STRIPE_SECRET"
        };
        assert!(all.contains(context), "{fixture} {format}: {all}");
    }
}

#[test]
fn secrets_are_masked_in_human_output() {
    assert_secrets_masked("human");
}

#[test]
fn secrets_are_masked_in_json_output() {
    assert_secrets_masked("json");
}

#[test]
fn secrets_are_masked_in_sarif_output() {
    assert_secrets_masked("sarif");
}

#[test]
fn secrets_are_masked_in_github_output() {
    assert_secrets_masked("github");
}

#[test]
fn secrets_are_masked_in_gitlab_output() {
    assert_secrets_masked("gitlab");
}

#[test]
fn output_file_writes_a_second_report_in_the_same_run() {
    let repo = repo_from_fixture("database-not-test-fires");
    let out = run(
        repo.path(),
        &[
            "lint",
            "--format",
            "human",
            "--output-file-format",
            "sarif",
            "--output-file",
            "testguard.sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("TG101 database-not-test"));
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join("testguard.sarif")).expect("file written"),
    )
    .expect("json");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(4)
    );
    let out = run(
        repo.path(),
        &["lint", "--format", "json", "--output-file", "report.json"],
    );
    assert_eq!(
        stdout(&out),
        std::fs::read_to_string(repo.path().join("report.json")).expect("file")
    );
}

#[test]
fn suppressed_findings_are_reported_as_suppressed_in_sarif() {
    let repo = repo_from_fixture("unused-suppression-silent-five-syntaxes");
    let sarif: serde_json::Value =
        serde_json::from_str(&output(repo.path(), "sarif")).expect("json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 6);
    assert!(
        results
            .iter()
            .all(|r| r["suppressions"][0]["kind"] == "inSource")
    );
    assert!(results.iter().any(|r| r["suppressions"][0]["justification"]
        == "the shared fixture database, reset before every run"));
}
