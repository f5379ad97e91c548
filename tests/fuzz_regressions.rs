//! Every input a fuzz target ever crashed on (`tests/regressions/<target>/`),
//! replayed through the same checks as that target (`fuzz/fuzz_targets/`).

use std::path::Path;

use testguard::database::{DatabaseRef, DbKeyKind};
use testguard::invariants::{MemoryTree, lint_and_check};
use testguard::rules::Policy;

const LARAVEL_COMPOSER: &[u8] = b"{\"require\":{\"laravel/framework\":\"^11\"}}";

fn check(files: &[(&str, &[u8])]) -> Result<(), String> {
    let mut tree = MemoryTree::default();
    for (path, bytes) in files {
        tree.files.insert((*path).to_string(), bytes.to_vec());
    }
    lint_and_check(&tree, &Policy::default()).map(|_| ())
}

fn pick<'a>(data: &'a [u8], names: &[&'static str]) -> (&'static str, &'a [u8]) {
    match data.split_first() {
        Some((b, rest)) => (names[*b as usize % names.len()], rest),
        None => (names[0], data),
    }
}

const LINT_NAMES: &[&str] = &[
    "pytest.ini",
    "tox.ini",
    "setup.cfg",
    "pyproject.toml",
    "tox.toml",
    ".env.test",
    ".env.testing",
    ".env",
    "phpunit.xml.dist",
    ".github/workflows/test.yml",
    ".gitlab-ci.yml",
    "config/packages/doctrine.yaml",
    "composer.json",
    "package.json",
    "bootstrap/cache/config.php",
];

/// The same checks as the fuzz target called `target`.
fn replay(target: &str, data: &[u8]) -> Result<(), String> {
    match target {
        "ini" => {
            let (name, body) = pick(data, &["pytest.ini", "tox.ini", "setup.cfg"]);
            check(&[(name, body)])
        }
        "dotenv" => check(&[
            (".env.test", data),
            (".env", data),
            ("composer.json", LARAVEL_COMPOSER),
        ]),
        "toml" => {
            let (name, body) = pick(data, &["pyproject.toml", "pytest.toml", "tox.toml"]);
            check(&[(name, body)])
        }
        "phpunit" => check(&[
            ("phpunit.xml", data),
            ("artisan", b"#!/usr/bin/env php\n"),
            ("composer.json", LARAVEL_COMPOSER),
            (".env", b"DB_CONNECTION=mysql\nDB_DATABASE=shop\n"),
        ]),
        "github" => check(&[(".github/workflows/ci.yml", data)]),
        "gitlab" => {
            let (main, inc) = match data.iter().position(|&b| b == 0) {
                Some(i) => (&data[..i], &data[i + 1..]),
                None => (data, &b"include: []\n"[..]),
            };
            check(&[(".gitlab-ci.yml", main), ("ci/test.yml", inc)])
        }
        "json" => {
            let (name, body) = pick(data, &["composer.json", "package.json"]);
            check(&[
                (name, body),
                (
                    ".env.test",
                    b"DATABASE_URL=postgres://app:pw@localhost/app\n",
                ),
                (".env", b"DATABASE_URL=postgres://app:pw@localhost/app\n"),
                (
                    "phpunit.xml",
                    b"<phpunit><php><env name=\"DB_DATABASE\" value=\"app\"/></php></phpunit>",
                ),
            ])
        }
        "database_url" => {
            let Ok(value) = std::str::from_utf8(data) else {
                return Ok(());
            };
            for kind in [DbKeyKind::Url, DbKeyKind::Name, DbKeyKind::Host] {
                let r = DatabaseRef::parse(value, kind);
                for p in [&r.user, &r.password, &r.host, &r.port, &r.name]
                    .into_iter()
                    .flatten()
                {
                    if value.get(p.range.clone()) != Some(p.text.as_str()) {
                        return Err(format!("part {p:?} of {value:?}"));
                    }
                }
                let masked = testguard::mask::mask_bytes(value, &r.secrets);
                if masked.len() != value.len() {
                    return Err(format!("masking changed the length of {value:?}"));
                }
                for s in &r.secrets {
                    if !masked.as_bytes()[s.clone()].iter().all(|&b| b == b'*') {
                        return Err(format!("secret {s:?} of {value:?} not masked"));
                    }
                }
            }
            Ok(())
        }
        "lint" => {
            let (name, body) = pick(data, LINT_NAMES);
            check(&[(name, body), ("artisan", b""), ("manage.py", b"")])
        }
        other => Err(format!("no fuzz target called {other}")),
    }
}

#[test]
fn every_saved_fuzz_crash_now_passes_its_target_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut replayed = 0;
    let mut failures = Vec::new();
    for target in std::fs::read_dir(&dir)
        .expect("tests/regressions")
        .flatten()
    {
        let name = target.file_name().to_string_lossy().to_string();
        for case in std::fs::read_dir(target.path())
            .expect("target folder")
            .flatten()
        {
            let data = std::fs::read(case.path()).expect("case");
            let result = std::panic::catch_unwind(|| replay(&name, &data))
                .unwrap_or_else(|_| Err("panicked".into()));
            if let Err(e) = result {
                failures.push(format!(
                    "{name}/{}: {e}",
                    case.file_name().to_string_lossy()
                ));
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no saved crashes found in {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
