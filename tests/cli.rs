//! The command-line contract (SPEC §1): JSON field for field, exit codes,
//! secrets never printed, file arguments, a closed pipe, bad input.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::*;

#[test]
fn json_output_matches_the_spec_field_for_field() {
    let repo = repo_from_fixture("test-database-is-dev-database-fires");
    let report = json(repo.path());
    let top: Vec<&str> = report
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(top, ["version", "summary", "diagnostics", "runs"]);
    // the runs, as `testguard runs --format json` gives them (SPEC §1b)
    let runs = report["runs"].as_array().expect("runs");
    assert!(!runs.is_empty());
    let keys: Vec<&str> = runs[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "runner",
            "framework",
            "dir",
            "entry",
            "database",
            "findings"
        ]
    );
    let db_keys: Vec<&str> = runs[0]["database"]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        db_keys,
        [
            "verdict",
            "engine",
            "name",
            "host",
            "decided_by",
            "reason",
            "reason_at"
        ]
    );
    assert!(runs.iter().any(|r| {
        r["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|c| c == "TG105"))
            && r["database"]["verdict"] == "not-test"
    }));
    assert_eq!(report["version"], 1);
    assert_eq!(
        report["summary"],
        serde_json::json!({"files_scanned": 3, "errors": 1, "warnings": 0})
    );
    let d = &report["diagnostics"][0];
    let keys: Vec<&str> = d
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "code",
            "rule",
            "severity",
            "message",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "span",
            "labels",
            "help"
        ]
    );
    assert_eq!(d["code"], "TG105");
    assert_eq!(d["rule"], "test-database-is-dev-database");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "apps/web/.env.test");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(14))
    );
    // the span is the value, byte for byte, and end_column is one past it
    let text = std::fs::read_to_string(repo.path().join("apps/web/.env.test")).expect("read");
    let offset = d["span"]["offset"].as_u64().expect("offset") as usize;
    let length = d["span"]["length"].as_u64().expect("length") as usize;
    assert_eq!(
        &text[offset..offset + length],
        "postgres://postgres:postgres@localhost:5450/rallly"
    );
    assert_eq!(d["end_line"], 1);
    assert_eq!(d["end_column"].as_u64(), Some(14 + length as u64));
    let labels = d["labels"].as_array().expect("labels");
    let label_keys: Vec<&str> = labels[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(label_keys, ["path", "line", "column", "message"]);
    assert_eq!(labels[0]["message"], "database name");
    assert_eq!(labels[0]["column"], 58);
    assert_eq!(labels[1]["path"], "apps/web/.env.example");
    assert_eq!(labels[1]["line"], 2);
    assert!(
        d["help"]
            .as_str()
            .is_some_and(|h| h.contains("rallly_test"))
    );
}

#[test]
fn exit_codes_follow_the_spec() {
    let clean = repo_from_fixture("laravel-good-silent");
    assert_eq!(run(clean.path(), &["lint"]).status.code(), Some(0));
    let errors = repo_from_fixture("database-not-test-fires");
    assert_eq!(run(errors.path(), &["lint"]).status.code(), Some(1));
    let warnings = repo_from_fixture("database-remote-host-fires");
    assert_eq!(run(warnings.path(), &["lint"]).status.code(), Some(0));
    assert_eq!(
        run(warnings.path(), &["lint", "--strict"]).status.code(),
        Some(1)
    );
    let missing = run(clean.path(), &["lint", "no/such/dir"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no such file or directory"));
    assert_eq!(
        run(clean.path(), &["lint", "--format", "yaml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(clean.path(), &["explain", "TG999"]).status.code(),
        Some(2)
    );
}

#[test]
fn quiet_prints_only_diagnostics() {
    let clean = repo_from_fixture("laravel-good-silent");
    let out = run(clean.path(), &["lint", "--quiet"]);
    assert_eq!(stdout(&out), "");
    let noisy = run(clean.path(), &["lint"]);
    assert_eq!(
        stdout(&noisy),
        "testguard: no problems (4 files read)\n\
         testguard: 1 test run: 1 isolated — `testguard runs` lists them\n"
    );
}

#[test]
fn file_arguments_report_only_those_files_with_repository_context() {
    let repo = repo_from_fixture("test-database-is-dev-database-fires");
    // the dev file is context: TG105 needs it even when only .env.test is named
    let out = run(
        &repo.path().join("apps/web"),
        &["lint", "--format", "json", ".env.test"],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(summary_lines(&report), ["TG105 error apps/web/.env.test:1"]);
    // the dev file takes part in the finding (its label): committing a change
    // to it reports the finding, where it is
    let dev = run(
        repo.path(),
        &["lint", "--format", "json", "apps/web/.env.example"],
    );
    assert_eq!(dev.status.code(), Some(1), "{}", stdout(&dev));
    let report: serde_json::Value = serde_json::from_slice(&dev.stdout).expect("json");
    assert_eq!(summary_lines(&report), ["TG105 error apps/web/.env.test:1"]);
    // a file that takes part in no finding reports nothing
    let other = run(repo.path(), &["lint", "apps/web/package.json"]);
    assert_eq!(other.status.code(), Some(0), "{}", stdout(&other));
    assert_eq!(
        stdout(&other),
        "testguard: no problems in apps/web/package.json (1 file of 3 read)\n\
         testguard: 1 test run: 1 not-test — `testguard runs` lists them\n"
    );
    // a file testguard does not read: nothing was checked, and it says so
    std::fs::write(repo.path().join("Kernel.php"), "<?php\n").expect("write");
    let code = run(repo.path(), &["lint", "Kernel.php"]);
    assert_eq!(code.status.code(), Some(0));
    assert!(
        stdout(&code)
            .starts_with("testguard: nothing checked: testguard reads no file in Kernel.php"),
        "{}",
        stdout(&code)
    );
}

#[test]
fn a_folder_of_a_repository_is_linted_with_the_repository_s_configuration_and_names() {
    // the root configuration turns TG101 off; `lint app` and `cd app && lint`
    // read it too, and every format names the file as the repository does
    let repo = repo_with(&[
        ("testguard.toml", b"[severity]\nTG101 = \"off\"\n"),
        (
            "app/.env.test",
            b"DATABASE_URL=postgres://localhost/myapp\n",
        ),
        (
            "app/.env.testing",
            b"DATABASE_URL=postgres://localhost/shop_dev\n",
        ),
        (
            "other/.env.test",
            b"DATABASE_URL=postgres://localhost/other_prod\n",
        ),
    ]);
    for (dir, args) in [
        (repo.path().to_path_buf(), vec!["lint", "app"]),
        (repo.path().join("app"), vec!["lint"]),
        (repo.path().join("app"), vec!["lint", "."]),
    ] {
        let mut with_format = args.clone();
        with_format.extend(["--format", "json"]);
        let out = run(&dir, &with_format);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(
            summary_lines(&report),
            ["TG102 error app/.env.testing:1"],
            "{args:?} in {}",
            dir.display()
        );
        let mut github = args.clone();
        github.extend(["--format", "github"]);
        let out = stdout(&run(&dir, &github));
        assert!(
            out.starts_with("::error file=app/.env.testing,line=1,"),
            "{out}"
        );
        let mut gitlab = args.clone();
        gitlab.extend(["--format", "gitlab"]);
        let report: serde_json::Value =
            serde_json::from_slice(&run(&dir, &gitlab).stdout).expect("json");
        assert_eq!(report[0]["location"]["path"], "app/.env.testing");
        let mut sarif = args.clone();
        sarif.extend(["--format", "sarif"]);
        let report: serde_json::Value =
            serde_json::from_slice(&run(&dir, &sarif).stdout).expect("json");
        let run0 = &report["runs"][0];
        assert_eq!(
            run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "app/.env.testing"
        );
        let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .expect("base");
        let root = repo.path().canonicalize().expect("canon");
        assert_eq!(
            base.trim_end_matches('/'),
            format!("file://{}", root.display())
        );
    }
}

#[test]
fn explain_and_rules_serve_the_documentation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(dir.path(), &["explain", "database-not-test"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("# TG101 database-not-test"), "{text}");
    assert!(text.contains("## Why it is dangerous") && text.contains("## Fix"));
    let rules = stdout(&run(dir.path(), &["rules"]));
    for code in [
        "TG001", "TG002", "TG101", "TG105", "TG206", "TG303", "TG401",
    ] {
        assert!(rules.contains(code), "{code} missing from `rules`");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..300 {
        files.push((
            format!("app{i}/.env.test"),
            format!("DATABASE_URL=postgres://localhost/app{i}\n").into_bytes(),
        ));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let repo = repo_with(&refs);
    let mut child = Command::new(bin())
        .args(["lint", "."])
        .current_dir(repo.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    assert_ne!(out.status.code(), Some(101));
}

#[test]
fn unreadable_and_oversized_files_are_tg002_and_the_scan_goes_on() {
    let big = vec![b'#'; 9 * 1024 * 1024];
    let repo = repo_with(&[
        (".env.test", b"\xff\xfeD\x00B\x00"),
        ("api/.env.testing", b"DB_DATABASE=caf\xe9\n"),
        ("big/.env.test", &big),
        ("web/.env.test", b"DATABASE_URL=postgres://localhost/web\n"),
    ]);
    let report = json(repo.path());
    assert_eq!(
        summary_lines(&report),
        [
            "TG002 warning .env.test:1",
            "TG002 warning api/.env.testing:1",
            "TG002 warning big/.env.test:1",
            "TG101 error web/.env.test:1",
        ]
    );
    let msgs: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(msgs[0].contains("UTF-16"), "{msgs:?}");
    assert!(msgs[1].contains("not valid UTF-8"), "{msgs:?}");
    assert!(msgs[2].contains("MiB limit"), "{msgs:?}");
}

#[test]
fn bom_crlf_and_multibyte_text_keep_columns_right() {
    let repo = repo_with(&[(
        ".env.test",
        "\u{feff}# café\r\nNAME=é\r\nDATABASE_URL=postgres://localhost/app\r\n".as_bytes(),
    )]);
    let report = json(repo.path());
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(14))
    );
    assert_eq!(
        d["end_column"].as_u64(),
        Some(14 + "postgres://localhost/app".len() as u64)
    );
}

#[test]
fn ignored_and_dependency_folders_are_not_scanned() {
    let repo = repo_with(&[
        (".gitignore", b"generated/\n"),
        (
            "node_modules/pkg/.env.test",
            b"DATABASE_URL=postgres://localhost/app\n",
        ),
        (
            "vendor/acme/lib/phpunit.xml",
            b"<phpunit><php><env name=\"DB_DATABASE\" value=\"prod\"/></php></phpunit>",
        ),
        (
            ".venv/lib/pytest.ini",
            b"[pytest]\nDJANGO_SETTINGS_MODULE = app.settings.production\n",
        ),
        (
            "web/.env.test",
            b"DATABASE_URL=postgres://localhost/app_test\n",
        ),
    ]);
    std::fs::create_dir_all(repo.path().join("generated")).expect("mkdir");
    std::fs::write(
        repo.path().join("generated/.env.test"),
        "DATABASE_URL=postgres://localhost/app\n",
    )
    .expect("write");
    // a directory named like a config file is not a file
    std::fs::create_dir_all(repo.path().join("pytest.ini")).expect("mkdir");
    let report = json(repo.path());
    assert_eq!(summary_lines(&report), Vec::<String>::new());
    assert_eq!(report["summary"]["files_scanned"], 1);
}

#[test]
fn yaml_bombs_and_deep_nesting_end_in_tg001_well_under_a_second() {
    for fixture in [
        "parse-error-fires-yaml-alias-bomb",
        "parse-error-fires-yaml-deep-nesting",
    ] {
        let repo = repo_from_fixture(fixture);
        let start = std::time::Instant::now();
        let out = run(repo.path(), &["lint", "--format", "json"]);
        let elapsed = start.elapsed();
        assert!(elapsed.as_secs_f64() < 1.0, "{fixture} took {elapsed:?}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let codes: Vec<&str> = report["diagnostics"]
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|d| d["code"].as_str())
            .collect();
        assert_eq!(codes, ["TG001"], "{fixture}");
    }
}

/// `testguard lint a b`: one document in every format, paths prefixed by
/// their root, counts summed, exit code from all roots.
#[test]
fn several_roots_make_one_document_with_prefixed_paths() {
    let bad = b"DATABASE_URL=postgres://localhost/shop\n".as_slice();
    let repo = common::repo_with(&[
        ("a/.env.test", bad),
        ("b/.env.test", bad),
        (
            "c/.env.test",
            b"DATABASE_URL=postgres://localhost/shop_test\n",
        ),
    ]);
    let out = run(repo.path(), &["lint", "a", "b", "c", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["summary"]["errors"], 2);
    assert_eq!(report["summary"]["files_scanned"], 3);
    let paths: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["path"].as_str())
        .collect();
    assert_eq!(paths, ["a/.env.test", "b/.env.test"]);
    let out = run(repo.path(), &["lint", "a", "b", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one SARIF log");
    assert_eq!(sarif["runs"].as_array().map(Vec::len), Some(1));
    let out = run(repo.path(), &["lint", "a", "b"]);
    let human = stdout(&out);
    // one summary and one line of runs for the whole document
    assert_eq!(human.matches("testguard: ").count(), 2, "{human}");
    assert!(
        human.ends_with("testguard: 2 test runs: 2 not-test — `testguard runs` lists them\n"),
        "{human}"
    );
    assert!(human.contains("a/.env.test") && human.contains("b/.env.test"));
}

#[test]
fn tracked_files_are_read_even_when_gitignore_matches_them() {
    // a committed phpunit.xml that `/phpunit.xml` in .gitignore matches: every
    // clone runs it, so the work tree lint reads it as --staged does
    let repo = repo_with(&[
        (".gitignore", b"/phpunit.xml\n/.env.testing\n"),
        (
            "composer.json",
            b"{\"require\":{\"laravel/framework\":\"^11.0\"}}",
        ),
        ("artisan", b"#!/usr/bin/env php\n"),
    ]);
    std::fs::write(
        repo.path().join("phpunit.xml"),
        "<phpunit><php><env name=\"APP_ENV\" value=\"local\" force=\"true\"/></php></phpunit>\n",
    )
    .expect("write");
    git(repo.path(), &["add", "-f", "phpunit.xml"]);
    git(
        repo.path(),
        &["commit", "-q", "-m", "tracked despite .gitignore"],
    );
    // an ignored file nobody committed stays out of the work-tree lint
    std::fs::write(repo.path().join(".env.testing"), "DB_DATABASE=shop\n").expect("write");
    let want = vec![
        "TG201 error phpunit.xml:1".to_string(),
        "TG206 error phpunit.xml:1".to_string(),
    ];
    assert_eq!(summary_lines(&json(repo.path())), want);
    let staged = run(repo.path(), &["lint", "--staged", "--format", "json"]);
    let staged: serde_json::Value = serde_json::from_slice(&staged.stdout).expect("json");
    assert_eq!(summary_lines(&staged), want);
    // named on the command line, it is reported too
    let one = run(repo.path(), &["lint", "--format", "json", "phpunit.xml"]);
    let one: serde_json::Value = serde_json::from_slice(&one.stdout).expect("json");
    assert_eq!(summary_lines(&one), want);
}

#[test]
fn test_code_grades_the_finding_in_the_work_tree_and_the_index_alike() {
    let app: &[(&str, &[u8])] = &[
        ("composer.json", b"{\"require\":{\"laravel/framework\":\"^11.0\"}}"),
        ("artisan", b"#!/usr/bin/env php\n"),
        (
            "phpunit.xml",
            b"<phpunit><php><env name=\"APP_ENV\" value=\"testing\" force=\"true\"/></php></phpunit>\n",
        ),
        ("tests/Feature/OrderTest.php", b"<?php\nclass OrderTest { use RefreshDatabase; }\n"),
    ];
    let repo = repo_with(app);
    let report = json(repo.path());
    assert_eq!(summary_lines(&report), ["TG206 error phpunit.xml:1"]);
    let d = &report["diagnostics"][0];
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("`RefreshDatabase` in tests/Feature/OrderTest.php")),
        "{d}"
    );
    let staged = run(repo.path(), &["lint", "--staged", "--format", "json"]);
    let staged: serde_json::Value = serde_json::from_slice(&staged.stdout).expect("json");
    assert_eq!(staged["diagnostics"][0]["message"], d["message"]);

    // a suite with no wiping idiom: reached, not wiped — a warning
    let quiet = repo_with(&[
        app[0],
        app[1],
        app[2],
        (
            "tests/Feature/HealthTest.php",
            b"<?php\nclass HealthTest {}\n",
        ),
    ]);
    assert_eq!(
        summary_lines(&json(quiet.path())),
        ["TG206 warning phpunit.xml:1"]
    );

    // a suite larger than the bound is not read: nothing is known, the error stays
    let mut big: Vec<(String, Vec<u8>)> = (0..=testguard::tree::MAX_TEST_FILES_PER_PROJECT)
        .map(|i| (format!("tests/Unit/Case{i}Test.php"), b"<?php\n".to_vec()))
        .collect();
    big.extend(app[..3].iter().map(|(p, b)| (p.to_string(), b.to_vec())));
    let files: Vec<(&str, &[u8])> = big
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let large = repo_with(&files);
    assert_eq!(
        summary_lines(&json(large.path())),
        ["TG206 error phpunit.xml:1"]
    );
}

#[test]
fn shell_completions_for_every_shell() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(dir.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = stdout(&out);
        // fish spells options `-l staged`
        for word in ["testguard", "lint", "install-hook", "staged", "explain"] {
            assert!(text.contains(word), "{shell} completion lacks {word}");
        }
    }
    // bash parses the bash script
    let script = dir.path().join("testguard.bash");
    std::fs::write(&script, stdout(&run(dir.path(), &["completions", "bash"]))).expect("write");
    let check = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash is installed");
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    // and sourcing it registers the completion function
    let check = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p testguard",
            script.display()
        ))
        .output()
        .expect("bash");
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("testguard"),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let bad = run(dir.path(), &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_pages_for_the_command_and_its_subcommands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = stdout(&run(dir.path(), &["man"]));
    assert!(main.contains(".TH testguard 1"), "{main}");
    for sub in ["lint", "run", "rules", "explain", "install-hook"] {
        // roff escapes the hyphen
        assert!(
            main.contains(&sub.replace('-', "\\-")),
            "the main page lists {sub}"
        );
        let page = stdout(&run(dir.path(), &["man", sub]));
        assert!(
            page.contains(&format!(".TH testguard-{sub} 1")),
            "{sub}: {page}"
        );
        assert!(page.contains(env!("CARGO_PKG_VERSION")), "{sub}");
    }
    assert_eq!(run(dir.path(), &["man", "nosuch"]).status.code(), Some(2));
    // where groff is installed, the page renders without a warning
    if let Ok(out) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(main.as_bytes())?;
            child.wait_with_output()
        })
    {
        assert!(
            out.stderr.is_empty(),
            "groff: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// GitHub runs the workflows at a repository's root only: a package's own
/// `.github/workflows` (a split monorepo, a vendored project) runs nothing
/// here, in `lint` and `--staged` alike, until the package is a repository
/// of its own.
#[test]
fn a_workflow_counts_at_a_repository_root_only() {
    let workflow = std::fs::read(
        fixtures_dir().join("ci-github-fires-merge-matrix-secrets/.github/workflows/ci.yml"),
    )
    .expect("fixture workflow");
    let repo = repo_with(&[
        ("packages/api/.github/workflows/ci.yml", &workflow),
        ("packages/api/README.md", b"# api\n"),
    ]);
    let codes = |args: &[&str]| -> Vec<String> {
        let out = run(repo.path(), args);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
        summary_lines(&report)
    };
    assert_eq!(codes(&["lint", "--format", "json"]), Vec::<String>::new());
    assert_eq!(
        codes(&["lint", "--staged", "--format", "json"]),
        Vec::<String>::new()
    );
    // the same file at the root runs, and is judged
    let root = repo_with(&[(".github/workflows/ci.yml", &workflow)]);
    let at_root = run(root.path(), &["lint", "--staged", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&at_root.stdout).expect("JSON");
    assert!(
        summary_lines(&report)
            .iter()
            .any(|l| l.starts_with("TG101 error .github/workflows/ci.yml")),
        "{report}"
    );
    // a package that is a repository of its own (a clone inside the folder)
    git(&repo.path().join("packages/api"), &["init", "-q"]);
    let nested = codes(&["lint", "--format", "json"]);
    assert!(
        nested
            .iter()
            .any(|l| l.starts_with("TG101 error packages/api/.github/workflows/ci.yml")),
        "{nested:?}"
    );
    // and `lint` of the package's folder puts its workflows at the scan root
    let inside = run(
        &repo.path().join("packages/api"),
        &["lint", "--format", "json"],
    );
    assert_eq!(inside.status.code(), Some(1));
}

/// What ruff users type: `--output-format`, `--select`/`--ignore`,
/// `--exit-zero`, `--statistics`, `--color`/`FORCE_COLOR`, a concise format,
/// `--show-files`, "did you mean", and contradictory flags refused (exit 2).
#[test]
fn ruff_style_flags() {
    let repo = repo_with(&[
        (
            ".env.test",
            b"DATABASE_URL=postgres://localhost/shop\nDB_HOST=db.staging.example.com\n",
        ),
        (
            ".env.testing",
            b"DATABASE_URL=postgres://localhost/shop_prod\n",
        ),
    ]);
    let dir = repo.path();
    let codes = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["lint", "--format", "json"];
        a.extend_from_slice(args);
        let out = run(dir, &a);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let mut v: Vec<String> = report["diagnostics"]
            .as_array()
            .expect("array")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("?").to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(codes(&[]), ["TG101", "TG102"]);
    // `--output-format` is the stdout format, no `--output-file` needed
    let out = run(dir, &["lint", "--output-format", "json"]);
    assert!(serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok());
    // select and ignore: codes, names, prefixes
    assert_eq!(codes(&["--select", "TG101"]), ["TG101"]);
    assert_eq!(codes(&["--select", "database-forbidden-marker"]), ["TG102"]);
    // with TG102 ignored, the remote host it covered is reported again
    assert_eq!(
        codes(&["--select", "TG1", "--ignore", "TG102"]),
        ["TG101", "TG103"]
    );
    assert_eq!(codes(&["--ignore", "TG10"]), Vec::<String>::new());
    let bad = run(dir, &["lint", "--select", "databse-not-test"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("did you mean `database-not-test`"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    // --exit-zero
    assert_eq!(run(dir, &["lint"]).status.code(), Some(1));
    assert_eq!(run(dir, &["lint", "--exit-zero"]).status.code(), Some(0));
    // --statistics
    let stats = stdout(&run(dir, &["lint", "--statistics"]));
    assert!(
        stats.contains("TG102  database-forbidden-marker"),
        "{stats}"
    );
    let stats: serde_json::Value =
        serde_json::from_slice(&run(dir, &["lint", "--statistics", "--format", "json"]).stdout)
            .expect("json");
    assert!(
        stats
            .as_array()
            .is_some_and(|a| a.iter().any(|r| r["code"] == "TG101"))
    );
    // colour
    let plain = stdout(&run(dir, &["lint", "--color", "never"]));
    assert!(!plain.contains('\u{1b}'));
    assert!(stdout(&run(dir, &["lint", "--color", "always"])).contains('\u{1b}'));
    let forced = Command::new(bin())
        .args(["lint"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("FORCE_COLOR", "1")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&forced.stdout).contains('\u{1b}'));
    // concise: one line per finding, rustc's short form
    let concise = stdout(&run(dir, &["lint", "--format", "concise", "--quiet"]));
    assert!(
        concise
            .lines()
            .all(|l| l.starts_with(".env.test:") || l.starts_with(".env.testing:")),
        "{concise}"
    );
    assert!(
        concise.contains(".env.test:1:14: error[TG101]: "),
        "{concise}"
    );
    // --show-files: what was read, and why
    let files = stdout(&run(dir, &["lint", "--show-files"]));
    assert!(
        files.contains(".env.test") && files.contains("dotenv file a test run loads"),
        "{files}"
    );
    // did you mean, for explain
    let out = run(dir, &["explain", "databse-not-test"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `database-not-test`"));
    assert_eq!(
        run(dir, &["explain", "missing-test-env-file"])
            .status
            .code(),
        Some(0)
    );
    // contradictions are refused, never silently ignored
    for args in [
        &["lint", "--diff", "--format", "json"][..],
        &["lint", "--fix", "--diff"][..],
        &["lint", "--format", "json", "--output-format", "sarif"][..],
        &["lint", "--strict", "--exit-zero"][..],
        &["lint", "--statistics", "--format", "sarif"][..],
        &["lint", "--show-files", "--fix"][..],
    ] {
        let out = run(dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
    }
}

/// The summary says what was checked; nothing read is "nothing checked",
/// never "no problems in 0 configuration files".
#[test]
fn the_summary_says_what_was_checked() {
    let empty = repo_with(&[("src/Kernel.php", b"<?php\n"), ("README.md", b"# app\n")]);
    let out = run(empty.path(), &["lint"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).starts_with("testguard: nothing checked: no test configuration found"),
        "{}",
        stdout(&out)
    );
    let out = run(empty.path(), &["lint", "src/Kernel.php"]);
    assert!(
        stdout(&out)
            .starts_with("testguard: nothing checked: testguard reads no file in src/Kernel.php"),
        "{}",
        stdout(&out)
    );
    let repo = repo_from_fixture("laravel-good-silent");
    let text = stdout(&run(repo.path(), &["lint"]));
    assert!(
        text.contains("files read") && text.contains("1 test run: 1 isolated"),
        "{text}"
    );
    assert!(!text.contains("configuration file"), "{text}");
}
