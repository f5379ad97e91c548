//! Configuration (`testguard.toml`, `[tool.testguard]`, `--config`), inline
//! suppressions, `rules` and `explain` — each key tested by the behaviour it changes.

mod common;

use common::*;

/// The `CODE severity path:line` lines of a repository made of `files`.
fn lint(files: &[(&str, &str)]) -> Vec<String> {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let repo = repo_with(&bytes);
    summary_lines(&json(repo.path()))
}

fn with_config(files: &[(&str, &str)], config: &str) -> Vec<String> {
    let mut all = files.to_vec();
    all.push(("testguard.toml", config));
    lint(&all)
}

#[test]
fn extra_test_markers() {
    let files = [(".env.test", "DATABASE_URL=postgres://localhost/app_qa\n")];
    assert_eq!(lint(&files), ["TG101 error .env.test:1"]);
    assert!(with_config(&files, "extra-test-markers = [\"qa\"]\n").is_empty());
}

#[test]
fn extra_forbidden_markers() {
    let files = [(".env.test", "DATABASE_URL=postgres://ci@uat/app_test\n")];
    assert!(lint(&files).is_empty());
    assert_eq!(
        with_config(&files, "extra-forbidden-markers = [\"uat\"]\n"),
        ["TG102 error .env.test:1"]
    );
}

#[test]
fn extra_database_keys() {
    let files = [(".env.test", "LEGACY_DSN=postgres://localhost/app\n")];
    assert!(lint(&files).is_empty());
    assert_eq!(
        with_config(&files, "extra-database-keys = [\"LEGACY_DSN\"]\n"),
        ["TG101 error .env.test:1"]
    );
}

#[test]
fn extra_local_hosts() {
    let files = [(
        ".env.test",
        "DATABASE_URL=postgres://ci@mysql.docker.internal/app_test\n",
    )];
    assert_eq!(lint(&files), ["TG103 warning .env.test:1"]);
    assert!(with_config(&files, "extra-local-hosts = [\"mysql.docker.internal\"]\n").is_empty());
}

#[test]
fn exclude() {
    let files = [
        (
            "legacy/.env.test",
            "DATABASE_URL=postgres://localhost/app\n",
        ),
        ("web/.env.test", "DATABASE_URL=postgres://localhost/web\n"),
    ];
    assert_eq!(
        lint(&files),
        [
            "TG101 error legacy/.env.test:1",
            "TG101 error web/.env.test:1"
        ]
    );
    assert_eq!(
        with_config(&files, "exclude = [\"legacy/**\"]\n"),
        ["TG101 error web/.env.test:1"]
    );
}

#[test]
fn severity_by_code_and_name() {
    let files = [(
        ".env.test",
        "DATABASE_URL=postgres://ci@db.example.com/app_test\n",
    )];
    assert_eq!(lint(&files), ["TG103 warning .env.test:1"]);
    assert!(with_config(&files, "[severity]\nTG103 = \"off\"\n").is_empty());
    assert_eq!(
        with_config(&files, "[severity]\ndatabase-remote-host = \"error\"\n"),
        ["TG103 error .env.test:1"]
    );
}

#[test]
fn per_path_ignores() {
    let files = [
        (
            "legacy/.env.test",
            "DATABASE_URL=postgres://localhost/app\n",
        ),
        ("web/.env.test", "DATABASE_URL=postgres://localhost/web\n"),
    ];
    let got = with_config(
        &files,
        "[per-path-ignores]\n\"legacy/**\" = [\"database-not-test\"]\n",
    );
    assert_eq!(got, ["TG101 error web/.env.test:1"]);
}

#[test]
fn pyproject_tool_testguard_and_explicit_config() {
    let files = [
        (".env.test", "DATABASE_URL=postgres://localhost/app_qa\n"),
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.testguard]\nextra-test-markers = [\"qa\"]\n",
        ),
    ];
    assert!(lint(&files).is_empty());
    // --config replaces discovery; a file elsewhere is not merged
    let repo = repo_with(&[
        (".env.test", b"DATABASE_URL=postgres://localhost/app_qa\n"),
        ("sub/testguard.toml", b"extra-test-markers = [\"qa\"]\n"),
    ]);
    assert_eq!(
        summary_lines(&json(repo.path())),
        ["TG101 error .env.test:1"]
    );
    let out = run(
        repo.path(),
        &[
            "lint",
            "--config",
            "sub/testguard.toml",
            "--format",
            "json",
            ".",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(summary_lines(&report).is_empty());
}

#[test]
fn config_errors_are_diagnostics_with_suggestions_and_exit_2() {
    for (config, wants) in [
        (
            "extra-test-marker = [\"qa\"]\n",
            vec![
                "unknown configuration key `extra-test-marker`",
                "did you mean `extra-test-markers`?",
                "testguard.toml:1:1",
            ],
        ),
        (
            "extra-test-markers = \"qa\"\n",
            vec![
                "must be an array of strings, not a string",
                "testguard.toml:1:22",
            ],
        ),
        (
            "[severity]\nTG10 = \"off\"\n",
            vec![
                "unknown rule `TG10`",
                "did you mean `TG101`?",
                "testguard.toml:2:1",
            ],
        ),
        (
            "[severity]\nTG101 = \"loud\"\n",
            vec!["must be \"error\", \"warning\" or \"off\""],
        ),
        ("exclude = [\"a/[\"]\n", vec!["invalid glob"]),
    ] {
        let repo = repo_with(&[
            ("testguard.toml", config.as_bytes()),
            (".env.test", b"A=1\n"),
        ]);
        let out = run(repo.path(), &["lint"]);
        assert_eq!(out.status.code(), Some(2), "{config}");
        let err = String::from_utf8_lossy(&out.stderr);
        for w in wants {
            assert!(err.contains(w), "{config}: `{w}` missing from:\n{err}");
        }
    }
}

#[test]
fn suppressions_are_counted_and_shown_on_request() {
    let repo = repo_from_fixture("unused-suppression-silent-five-syntaxes");
    let out = run(repo.path(), &["lint"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("(6 suppressed)"), "{}", stdout(&out));
    let out = run(
        repo.path(),
        &["lint", "--no-ignore-comments", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes: Vec<String> = summary_lines(&report);
    assert_eq!(codes.len(), 6, "{codes:?}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn rules_shows_the_effective_severity() {
    let repo = repo_with(&[(
        "testguard.toml",
        b"[severity]\nTG103 = \"off\"\nTG302 = \"error\"\n",
    )]);
    let out = run(repo.path(), &["rules", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let find = |code: &str| {
        rows.as_array()
            .and_then(|r| r.iter().find(|x| x["code"] == code))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(find("TG103")["severity"], "off");
    assert_eq!(find("TG302")["severity"], "error");
    assert_eq!(find("TG101")["severity"], "error");
    let table = stdout(&run(repo.path(), &["rules"]));
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("TG103") && l.contains("warning  off")),
        "{table}"
    );
}

#[test]
fn explain_works_for_every_code_and_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rows: serde_json::Value =
        serde_json::from_slice(&run(dir.path(), &["rules", "--format", "json"]).stdout)
            .expect("json");
    for r in rows.as_array().expect("array") {
        for key in ["code", "name"] {
            let word = r[key].as_str().expect("str");
            let out = run(dir.path(), &["explain", word]);
            assert_eq!(out.status.code(), Some(0), "explain {word}");
            let text = stdout(&out);
            assert!(
                text.contains("## Example") && text.contains("## Fix"),
                "explain {word}"
            );
        }
    }
    insta::assert_snapshot!(
        "explain_TG206",
        stdout(&run(dir.path(), &["explain", "TG206"]))
    );
}
