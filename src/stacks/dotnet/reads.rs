//! The C# of every ASP.NET Core test project.

use crate::source::{SourceFile, SourceKind};
use crate::tree::{MAX_TEST_FILE_SIZE, MAX_TEST_FILES_PER_PROJECT, MAX_TEST_LISTING, Tree};

/// Reads the C# of every test project that references
/// `Microsoft.AspNetCore.Mvc.Testing` (a `.csproj` read by discovery):
/// the files that create a `WebApplicationFactory` or delete its database.
/// A project past the reading bound is not read at all.
pub fn test_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let projects: Vec<String> = files
        .iter()
        .filter(|f| {
            f.kind == SourceKind::DotnetProject
                && f.text.contains("Microsoft.AspNetCore.Mvc.Testing")
        })
        .map(|f| f.dir().to_string())
        .collect();
    let mut read = Vec::new();
    for project in projects {
        let listed = tree.files_under(&project, MAX_TEST_LISTING);
        if listed.len() >= MAX_TEST_LISTING {
            continue;
        }
        let sources: Vec<&str> = listed
            .iter()
            .map(String::as_str)
            .filter(|p| p.ends_with(".cs") && !p.contains("/obj/") && !p.contains("/bin/"))
            .collect();
        if sources.len() > MAX_TEST_FILES_PER_PROJECT {
            continue;
        }
        for (rel, bytes) in sources.iter().zip(tree.read_many(&sources)) {
            if let Ok(Ok(text)) = bytes.map(String::from_utf8)
                && text.len() <= MAX_TEST_FILE_SIZE
                && (text.contains("WebApplicationFactory") || text.contains("EnsureDeleted"))
            {
                read.push(SourceFile::new(
                    rel.to_string(),
                    SourceKind::DotnetTestCode,
                    text,
                ));
            }
        }
    }
    files.extend(read);
}
