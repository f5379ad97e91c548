//! `lint` on a work tree streams the git index for the tracked candidates
//! its gitignore-aware walk skipped, instead of decoding every entry. On
//! indexes git itself writes (formats 2, 3 and 4, intent-to-add entries,
//! symlinks, submodules, unmerged paths, a split index) the stream must give
//! exactly what the full decoder gives.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use testguard::git::index::{StagedTree, tracked_candidates};

fn names_both_ways(dir: &Path) -> (Vec<String>, Vec<String>) {
    let (_, streamed) = tracked_candidates(dir).expect("a repository");
    let decoded = StagedTree::open(dir).expect("index").candidates();
    let names = |v: Vec<testguard::discover::Candidate>| {
        let mut n: Vec<String> = v.into_iter().map(|c| c.rel_path).collect();
        n.sort();
        n
    };
    (names(streamed), names(decoded))
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
