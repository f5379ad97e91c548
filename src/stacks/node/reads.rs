//! The JavaScript and TypeScript a Node test run loads.

use super::files as node;
use crate::paths::dir_prefix;
use crate::source::{SourceFile, SourceKind};
use crate::tree::{MAX_TEST_FILE_SIZE, MAX_TEST_FILES_PER_PROJECT, MAX_TEST_LISTING, Tree};

/// Reads the JavaScript/TypeScript a Node test run loads: the
/// setup files its runner config names, and — for a package with a
/// database client — its `NODE_ENV=test` config modules and the helpers
/// of its suite (destructive evidence). Only these paths are read, and a
/// suite larger than the bound is not read at all.
pub fn code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let db_packages: Vec<String> = files
        .iter()
        .filter(|f| {
            f.kind == SourceKind::PackageJson
                && node::DATABASE_DEPENDENCIES
                    .iter()
                    .any(|d| f.text.contains(d))
        })
        .map(|f| f.dir().to_string())
        .collect();
    let mut wanted: Vec<Vec<String>> = Vec::new();
    let mut with_config_module: Vec<String> = Vec::new();
    for dir in &db_packages {
        let d = dir_prefix(dir);
        // most config modules live under `config/` or `src/config/`: a
        // folder the package lacks is looked at once, not once per name
        let mut has_dir: Vec<(String, bool)> = Vec::new();
        for m in node::TEST_CONFIG_MODULES {
            let parts: Vec<&str> = m.split('/').collect();
            let depth = if parts.first() == Some(&"src") { 2 } else { 1 };
            if parts.len() > depth {
                let top = parts[..depth].join("/");
                let present = match has_dir.iter().find(|(t, _)| *t == top) {
                    Some((_, p)) => *p,
                    None => {
                        let p = !tree.files_under(&format!("{d}{top}"), 1).is_empty();
                        has_dir.push((top, p));
                        p
                    }
                };
                if !present {
                    continue;
                }
            }
            let path = format!("{d}{m}");
            if tree.exists(&path) {
                with_config_module.push(dir.clone());
                wanted.push(vec![path]);
            }
        }
    }
    // a package with a committed test dotenv and no `NODE_ENV` config module
    // is settled: its test dotenv is judged, and TG212 and TG302's folder
    // check are silent. Its runner configs are still read where a test
    // script could leave that test dotenv unread (a config loading
    // `dotenv/config` instead), but not its setup files or helpers
    let test_dotenv_dirs: Vec<String> = files
        .iter()
        .filter(|f| f.kind == SourceKind::DotenvTest)
        .map(|f| f.dir().to_string())
        .collect();
    let settled = |dir: &str| {
        test_dotenv_dirs.iter().any(|d| d == dir) && !with_config_module.iter().any(|d| d == dir)
    };
    // a settled package's runner configs matter only for a test script that
    // neither loads a test env file nor sets a database itself (then a
    // config that loads `.env` instead could leave the test dotenv dead)
    let settled_by_scripts: Vec<&str> = files
        .iter()
        .filter(|f| f.kind == SourceKind::PackageJson && settled(f.dir()))
        .filter(|f| {
            crate::stacks::node::scripts::read(crate::source::FileId(0), f).is_some_and(|pkg| {
                let entries = crate::stacks::node::scripts::test_entries(&pkg);
                !entries.is_empty()
                    && entries.iter().all(|e| {
                        e.env_files.iter().any(|f| f.path.contains("test"))
                            || e.assigns
                                .iter()
                                .any(|a| crate::database::db_key_kind(&a.key, &[]).is_some())
                    })
            })
        })
        .map(SourceFile::dir)
        .collect();
    // Vitest reads `vite.config.*` when the package has no `vitest.config.*`
    let with_vitest_config: std::collections::HashSet<&str> = files
        .iter()
        .filter(|f| {
            f.kind == SourceKind::FrameworkMarker && f.file_name().starts_with("vitest.config.")
        })
        .map(SourceFile::dir)
        .collect();
    let vitest_dirs: std::collections::HashSet<&str> = files
        .iter()
        .filter(|f| f.kind == SourceKind::PackageJson && f.text.contains("vitest"))
        .map(SourceFile::dir)
        .filter(|d| !with_vitest_config.contains(d))
        .collect();
    let is_vite_for_vitest = |f: &SourceFile| {
        f.file_name().starts_with("vite.config.") && vitest_dirs.contains(&f.dir())
    };
    let configs: Vec<usize> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            let name = f.file_name();
            f.kind == SourceKind::FrameworkMarker
                && (name.starts_with("jest.config.")
                    || name.starts_with("vitest.config.")
                    || is_vite_for_vitest(f))
                && f.text.is_empty()
                && !settled_by_scripts.contains(&f.dir())
        })
        .map(|(i, _)| i)
        .collect();
    let paths: Vec<String> = configs.iter().map(|i| files[*i].path.clone()).collect();
    let path_refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let texts = tree.read_many(&path_refs);
    for (i, text) in configs.into_iter().zip(texts) {
        if let Ok(Ok(text)) = text.map(String::from_utf8)
            && text.len() <= MAX_TEST_FILE_SIZE
        {
            let (path, kind) = (files[i].path.clone(), files[i].kind);
            files[i] = SourceFile::new(path, kind, text);
        }
    }
    for f in files.iter() {
        let name = f.file_name();
        let is_runner_config = f.kind == SourceKind::FrameworkMarker
            && (name.starts_with("jest.config.")
                || name.starts_with("vitest.config.")
                || name.starts_with("vite.config."));
        // which setup files a config names, found literally: read, not parsed
        if is_runner_config && f.text.contains("etup") && !settled(f.dir()) {
            wanted.extend(node::setup_files_in_text(f.dir(), &f.text));
        }
        if f.kind == SourceKind::PackageJson
            && f.text.contains("\"jest\"")
            && f.text.contains("etup")
            && !settled(f.dir())
        {
            wanted.extend(node::setup_files_in_text(f.dir(), &f.text));
        }
    }
    let mut known: std::collections::HashSet<String> =
        files.iter().map(|f| f.path.clone()).collect();
    let read =
        |path: &str, files: &mut Vec<SourceFile>, known: &mut std::collections::HashSet<String>| {
            if known.contains(path) {
                return true;
            }
            if !tree.exists(path) {
                return false;
            }
            known.insert(path.to_string());
            if let Ok(Ok(text)) = tree.read(path).map(String::from_utf8)
                && text.len() <= MAX_TEST_FILE_SIZE
            {
                files.push(SourceFile::new(
                    path.to_string(),
                    SourceKind::NodeCode,
                    text,
                ));
            }
            true
        };
    for candidates in wanted {
        for p in candidates {
            if read(&p, files, &mut known) {
                break;
            }
        }
    }
    // the suite's helpers: what it does to the database it reaches. Every
    // helper is read (a setup file, a config module); the test files only
    // until one shows the suite wipes its database: the rules need the
    // first such idiom of a package (in listing order), and a monorepo's
    // suites hold hundreds of test files, megabytes (read a batch at a time,
    // on several threads)
    let mut scripts_of: Vec<Vec<String>> = Vec::new();
    for dir in db_packages.iter().filter(|d| !settled(d)) {
        let d = dir_prefix(dir);
        let mut listed: Vec<String> = Vec::new();
        for t in node::TEST_DIRS {
            listed.extend(tree.files_under(&format!("{d}{t}"), MAX_TEST_LISTING));
            if listed.len() >= MAX_TEST_LISTING {
                break;
            }
        }
        if listed.len() >= MAX_TEST_LISTING {
            continue;
        }
        let scripts: Vec<String> = listed.into_iter().filter(|p| node::is_script(p)).collect();
        if scripts.len() > MAX_TEST_FILES_PER_PROJECT {
            continue;
        }
        scripts_of.push(
            scripts
                .into_iter()
                .filter(|p| known.insert(p.clone()))
                .collect(),
        );
    }
    let read_text = |bytes: Result<Vec<u8>, crate::tree::ReadFailure>| {
        bytes
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|t| t.len() <= MAX_TEST_FILE_SIZE)
    };
    for scripts in scripts_of {
        let (tests, others): (Vec<&String>, Vec<&String>) =
            scripts.iter().partition(|p| node::is_test_file(p));
        let mut texts: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
        let wanted: Vec<&str> = others.iter().map(|p| p.as_str()).collect();
        for (path, bytes) in wanted.iter().zip(tree.read_many(&wanted)) {
            texts.extend(read_text(bytes).map(|t| (*path, t)));
        }
        for batch in tests.chunks(TEST_FILE_BATCH) {
            let wanted: Vec<&str> = batch.iter().map(|p| p.as_str()).collect();
            let mut wipes = false;
            for (path, bytes) in wanted.iter().zip(tree.read_many(&wanted)) {
                if let Some(t) = read_text(bytes) {
                    wipes |= super::destruction::idiom_in(&t).is_some();
                    texts.insert(path, t);
                }
            }
            if wipes {
                break;
            }
        }
        // in listing order, as if each had been read
        for path in &scripts {
            if let Some(text) = texts.remove(path.as_str()) {
                files.push(SourceFile::new(path.clone(), SourceKind::NodeCode, text));
            }
        }
    }
}

/// How many test files are read at a time while no destructive idiom has
/// turned up: enough to keep two threads busy, few enough that a suite
/// whose first files wipe is not read whole.
const TEST_FILE_BATCH: usize = 16;

/// Reads the env files a package's test scripts load by a name discovery
/// does not know (`env-cmd -f ./tests/ci.test.env`, `dotenv -e test.env`):
/// named by the script, they are its test environment files.
pub fn script_env_files(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let mut wanted: Vec<String> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if f.kind != SourceKind::PackageJson {
            continue;
        }
        let Some(pkg) = super::scripts::read(crate::source::FileId(i), f) else {
            continue;
        };
        for entry in super::scripts::test_entries(&pkg) {
            for env in &entry.env_files {
                let rel = env.path.trim_start_matches("./");
                if rel.is_empty() || rel.split('/').any(|s| s == ".." || s == ".") {
                    continue;
                }
                let path = crate::paths::join(f.dir(), rel);
                if crate::kinds::classify(&path).is_none() && !wanted.contains(&path) {
                    wanted.push(path);
                }
            }
        }
    }
    wanted.retain(|p| !files.iter().any(|f| f.path == *p));
    crate::tree::read_named(tree, files, wanted, SourceKind::DotenvTest, |_| {
        MAX_TEST_FILE_SIZE
    });
}
