//! `lint` on a work tree streams the git index for the tracked candidates
//! its gitignore-aware walk skipped, instead of decoding every entry. On
//! indexes git itself writes (formats 2, 3 and 4, intent-to-add entries,
//! symlinks, submodules, unmerged paths, a split index) the stream must give
//! exactly what the full decoder gives.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use testguard::git::index::{StagedTree, candidate_of, tracked_candidates};

/// The candidates streamed (for `lint`, and by the staged tree for
/// `--staged`), each checked against gix's full decode of the same index.
fn names_both_ways(dir: &Path) -> (Vec<String>, Vec<String>) {
    let (_, streamed) = tracked_candidates(dir).expect("a repository");
    let staged = StagedTree::open(dir).expect("index").candidates();
    let repo = gix::open(dir).expect("repository");
    let index = repo.open_index().expect("index");
    let decoded: Vec<String> = index
        .entries()
        .iter()
        .filter(|e| {
            use gix::index::entry::{Flags, Mode, Stage};
            (e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE)
                && e.stage() == Stage::Unconflicted
                && !e.flags.contains(Flags::INTENT_TO_ADD)
        })
        .filter_map(|e| candidate_of(e.path(&index)))
        .map(|c| c.rel_path)
        .collect();
    let names = |v: Vec<testguard::discover::Candidate>| {
        let mut n: Vec<String> = v.into_iter().map(|c| c.rel_path).collect();
        n.sort();
        n
    };
    let (streamed, staged) = (names(streamed), names(staged));
    assert_eq!(streamed, staged, "the staged tree's candidates");
    let mut decoded = decoded;
    decoded.sort();
    (streamed, decoded)
}

fn repository() -> tempfile::TempDir {
    let long = format!("{}/.env.test", "deep/".repeat(60));
    let dir = repo_with(&[
        (".gitignore", b".env.test\nconfig/\n"),
        (".env.test", b"DB_DATABASE=a_test\n"),
        ("config/database.yml", b"test:\n  database: a_test\n"),
        ("phpunit.xml", b"<phpunit/>\n"),
        ("apps/web/package.json", b"{}\n"),
        ("apps/web/.env.testing", b"DB_DATABASE=b_test\n"),
        ("README.md", b"readme\n"),
        (long.as_str(), b"DB_DATABASE=c_test\n"),
    ]);
    git(
        dir.path(),
        &["add", "-f", ".env.test", "config/database.yml", &long],
    );
    // an intent-to-add entry (an extended flag: format 3) is not staged
    std::fs::write(dir.path().join("pytest.ini"), "[pytest]\n").expect("write");
    git(dir.path(), &["add", "-N", "pytest.ini"]);
    // a symlink and a submodule named like candidates are not files
    std::os::unix::fs::symlink("phpunit.xml", dir.path().join("phpunit.xml.dist"))
        .expect("symlink");
    git(dir.path(), &["add", "phpunit.xml.dist"]);
    git(
        dir.path(),
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            "160000,1111111111111111111111111111111111111111,vendor/composer.json",
        ],
    );
    dir
}

#[test]
fn every_index_format_streams_what_gix_decodes() {
    // format 2: no entry needs an extended flag
    let plain = repo_with(&[
        ("phpunit.xml", b"<phpunit/>\n"),
        ("a/b/.env.test", b"X=1\n"),
    ]);
    let header = std::fs::read(plain.path().join(".git/index")).expect("index");
    assert_eq!(header[7], 2);
    let (streamed, decoded) = names_both_ways(plain.path());
    assert_eq!(streamed, decoded);
    assert_eq!(streamed, ["a/b/.env.test", "phpunit.xml"]);

    let dir = repository();
    // an intent-to-add entry needs format 3 at least: git writes 3 for 2
    for (asked, written) in [("2", 3), ("3", 3), ("4", 4)] {
        git(dir.path(), &["update-index", "--index-version", asked]);
        let header = std::fs::read(dir.path().join(".git/index")).expect("index");
        assert_eq!(header[7], written, "git wrote format {written}");
        let version = written;
        let (streamed, decoded) = names_both_ways(dir.path());
        assert_eq!(streamed, decoded, "index format {version}");
        assert!(streamed.contains(&".env.test".to_string()), "{streamed:?}");
        assert!(
            streamed.iter().any(|n| n.starts_with("deep/deep/")),
            "{streamed:?}"
        );
        assert!(
            !streamed.contains(&"pytest.ini".to_string()),
            "{streamed:?}"
        );
        assert!(
            !streamed.contains(&"phpunit.xml.dist".to_string()),
            "{streamed:?}"
        );
    }
}

#[test]
fn unmerged_paths_and_a_split_index_stream_what_gix_decodes() {
    let dir = repository();
    git(dir.path(), &["commit", "-qm", "base", "--no-verify"]);
    git(dir.path(), &["checkout", "-qb", "other"]);
    std::fs::write(dir.path().join("phpunit.xml"), "<phpunit a=\"1\"/>\n").expect("write");
    git(dir.path(), &["commit", "-qam", "other"]);
    git(dir.path(), &["checkout", "-q", "-"]);
    std::fs::write(dir.path().join("phpunit.xml"), "<phpunit a=\"2\"/>\n").expect("write");
    git(dir.path(), &["commit", "-qam", "mine"]);
    let merge = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t.invalid",
            "merge",
            "other",
        ])
        .current_dir(dir.path())
        .output()
        .expect("git");
    assert!(!merge.status.success(), "the merge conflicts");
    let (streamed, decoded) = names_both_ways(dir.path());
    assert_eq!(streamed, decoded, "unmerged");
    assert!(
        !streamed.contains(&"phpunit.xml".to_string()),
        "{streamed:?}"
    );

    git(dir.path(), &["merge", "--abort"]);
    git(dir.path(), &["update-index", "--split-index"]);
    assert!(
        std::fs::read_dir(dir.path().join(".git"))
            .expect("git dir")
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with("sharedindex.")),
        "git wrote a split index"
    );
    std::fs::write(
        dir.path().join("apps/web/.env.test"),
        "DB_DATABASE=d_test\n",
    )
    .expect("write");
    git(dir.path(), &["add", "-f", "apps/web/.env.test"]);
    let (streamed, decoded) = names_both_ways(dir.path());
    assert_eq!(streamed, decoded, "split index");
    assert!(
        streamed.contains(&"apps/web/.env.test".to_string()),
        "{streamed:?}"
    );
    assert!(streamed.contains(&".env.test".to_string()), "{streamed:?}");
}

/// A monorepo of forty packages, each with its own test setup and filler
/// files, so that the staged tree's blocks of 32 entries cut across
/// folders; the root is a Laravel app whose `.env` names a live database.
fn monorepo() -> tempfile::TempDir {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("artisan".into(), b"#!/usr/bin/env php\n".to_vec()),
        (
            "composer.json".into(),
            br#"{"require":{"laravel/framework":"^11.0"}}"#.to_vec(),
        ),
        (
            "phpunit.xml".into(),
            b"<phpunit><php></php></phpunit>\n".to_vec(),
        ),
        (
            ".env".into(),
            b"DB_CONNECTION=mysql\nDB_HOST=db.prod.example.com\nDB_DATABASE=shop_production\n"
                .to_vec(),
        ),
    ];
    for i in 0..40 {
        let p = format!("packages/p{i:02}");
        files.push((
            format!("{p}/package.json"),
            format!(r#"{{"name":"p{i}","scripts":{{"test":"jest"}},"devDependencies":{{"jest":"^29"}},"dependencies":{{"pg":"^8"}}}}"#).into_bytes(),
        ));
        files.push((
            format!("{p}/.env.test"),
            format!(
                "DATABASE_URL=postgres://localhost/p{i}_{}\n",
                if i % 7 == 0 { "dev" } else { "test" }
            )
            .into_bytes(),
        ));
        files.push((
            format!("{p}/test/a.test.js"),
            b"test('a', () => {});\n".to_vec(),
        ));
        for j in 0..12 {
            files.push((
                format!("{p}/src/f{j:02}.js"),
                b"module.exports = 1;\n".to_vec(),
            ));
        }
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    repo_with(&refs)
}

#[test]
fn the_staged_tree_answers_as_gix_decodes_in_every_index_format() {
    let dir = monorepo();
    let answers = |dir: &Path| {
        let lint = run(dir, &["lint", "--staged", "--no-cache", "--format", "json"]);
        let runs = run(dir, &["runs", "--staged", "--format", "json"]);
        (stdout(&lint), stdout(&runs))
    };
    // format 3 (and 2) are streamed and read back in blocks; 4 and a split
    // index are decoded whole by gix
    git(dir.path(), &["update-index", "--index-version", "3"]);
    let (lint3, runs3) = answers(dir.path());
    let report: serde_json::Value = serde_json::from_str(&lint3).expect("JSON");
    let errors = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    assert!(errors >= 1, "{lint3}");
    let listed: serde_json::Value = serde_json::from_str(&runs3).expect("JSON");
    assert!(
        listed["runs"].as_array().expect("runs").len() >= 40,
        "{runs3}"
    );
    git(dir.path(), &["update-index", "--index-version", "4"]);
    assert_eq!(
        answers(dir.path()),
        (lint3.clone(), runs3.clone()),
        "format 4"
    );
    git(dir.path(), &["update-index", "--index-version", "2"]);
    git(dir.path(), &["update-index", "--split-index"]);
    assert_eq!(answers(dir.path()), (lint3, runs3), "split index");
}
