//! The test sources of every Spring module.

use crate::paths::dir_prefix;
use crate::source::{SourceFile, SourceKind};
use crate::tree::{MAX_TEST_FILE_SIZE, MAX_TEST_FILES_PER_PROJECT, MAX_TEST_LISTING, Tree};

/// Reads the test sources of every Spring module (the folder above a
/// `src/{main,test}/resources/application*` file): `src/test/java/**/*.java`
/// and `src/test/kotlin/**/*.kt`, which say which context each test class
/// starts. A module whose suite is past the reading bound, or
/// holds a file that cannot be read, gets one empty stand-in under
/// `src/test/java` instead: its tests exist and are not known, so no run of
/// it is judged. So does a module with main sources and no test sources:
/// it has no test run.
pub fn test_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let mut modules: Vec<String> = files
        .iter()
        .filter(|f| f.kind == SourceKind::SpringConfig)
        .filter_map(|f| crate::kinds::spring_place(&f.path).map(|(m, _, _)| m))
        .collect();
    modules.sort();
    modules.dedup();
    for module in modules {
        let d = dir_prefix(&module);
        let mut listed = Vec::new();
        for lang in ["java", "kotlin"] {
            listed.extend(tree.files_under(&format!("{d}src/test/{lang}"), MAX_TEST_LISTING));
        }
        let sources: Vec<String> = listed
            .iter()
            .filter(|p| p.ends_with(".java") || p.ends_with(".kt"))
            .cloned()
            .collect();
        let unknown = SourceFile::new(
            format!("{d}src/test/java"),
            SourceKind::JvmTestCode,
            String::new(),
        );
        if sources.is_empty() {
            // the module's own code is here and no test is: it has no test
            // run (the same stand-in says so). A listing with neither (a
            // copy of the configuration alone) leaves the module's tests to
            // Spring Initializr's generated one
            let has_code = ["java", "kotlin"].iter().any(|lang| {
                !tree
                    .files_under(&format!("{d}src/main/{lang}"), 1)
                    .is_empty()
            });
            if has_code {
                files.push(unknown);
            }
            continue;
        }
        if listed.len() >= MAX_TEST_LISTING || sources.len() > MAX_TEST_FILES_PER_PROJECT {
            files.push(unknown);
            continue;
        }
        let paths: Vec<&str> = sources.iter().map(String::as_str).collect();
        let contents = tree.read_many(&paths);
        let mut read = Vec::with_capacity(sources.len());
        let mut complete = contents.len() == sources.len();
        for (rel, bytes) in sources.iter().zip(contents) {
            match bytes.map(String::from_utf8) {
                Ok(Ok(text)) if text.len() <= MAX_TEST_FILE_SIZE => {
                    read.push(SourceFile::new(rel.clone(), SourceKind::JvmTestCode, text));
                }
                _ => {
                    complete = false;
                    break;
                }
            }
        }
        if complete {
            files.extend(read);
        } else {
            files.push(unknown);
        }
    }
}
