//! The test files of every Go module and the files their setup loads.

use crate::source::{SourceFile, SourceKind};
use crate::tree::{MAX_TEST_FILE_SIZE, MAX_TEST_FILES_PER_PROJECT, Tree};

/// Reads the `*_test.go` files of every Go module (the folder of a
/// `go.mod`), then the env and YAML files their setup loads by name
/// (`app.env`, `config/local.yml` through viper). Only those paths are read, and a module whose suite is
/// past the bound is not read at all.
pub fn test_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let modules: Vec<String> = files
        .iter()
        .filter(|f| f.kind == SourceKind::GoModule)
        .map(|f| f.dir().to_string())
        .collect();
    // discovery listed the test files (unread): each module's, past none
    // of the bound, are read; the listing entries go either way
    let listed: Vec<String> = files
        .iter()
        .filter(|f| f.kind == SourceKind::GoTestCode && f.text.is_empty())
        .map(|f| f.path.clone())
        .collect();
    files.retain(|f| !(f.kind == SourceKind::GoTestCode && f.text.is_empty()));
    let mut tests = Vec::new();
    for module in modules {
        // the module's own test files (a nested module's are its own)
        let sources: Vec<&str> = listed
            .iter()
            .map(String::as_str)
            .filter(|p| {
                let dir = p.rsplit_once('/').map_or("", |(d, _)| d);
                crate::model::is_within(dir, &module)
            })
            .collect();
        if sources.is_empty() || sources.len() > MAX_TEST_FILES_PER_PROJECT {
            continue;
        }
        for (rel, bytes) in sources.iter().zip(tree.read_many(&sources)) {
            if let Ok(Ok(text)) = bytes.map(String::from_utf8)
                && text.len() <= MAX_TEST_FILE_SIZE
            {
                tests.push(SourceFile::new(
                    rel.to_string(),
                    SourceKind::GoTestCode,
                    text,
                ));
            }
        }
    }
    tests.sort_by(|a, b| a.path.cmp(&b.path));
    tests.dedup_by(|a, b| a.path == b.path);
    let mut wanted: Vec<String> = Vec::new();
    for t in &tests {
        for (path, _, _) in crate::stacks::go::loads(t) {
            let candidates: Vec<String> = std::iter::once(path.clone())
                .chain(
                    crate::stacks::go::FOLDER_ENV_FILES
                        .iter()
                        .map(|n| crate::stacks::go::join(&path, n)),
                )
                .collect();
            for c in candidates {
                let known = files.iter().any(|f| f.path == c) || wanted.contains(&c);
                if !c.starts_with("..") && !known && tree.exists(&c) {
                    wanted.push(c);
                }
            }
        }
    }
    files.extend(tests);
    let paths: Vec<&str> = wanted.iter().map(String::as_str).collect();
    for (rel, bytes) in paths.iter().zip(tree.read_many(&paths)) {
        if let Ok(Ok(text)) = bytes.map(String::from_utf8)
            && text.len() <= MAX_TEST_FILE_SIZE
            && (rel.ends_with(".env")
                || rel.ends_with(".yml")
                || rel.ends_with(".yaml")
                || rel
                    .rsplit('/')
                    .next()
                    .is_some_and(|n| n.starts_with(".env")))
        {
            files.push(SourceFile::new(
                rel.to_string(),
                SourceKind::GoLoadedEnv,
                text,
            ));
        }
    }
}
