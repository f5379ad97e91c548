//! The CI files a pipeline names and no listing by name finds: the local
//! files a `.gitlab-ci.yml` includes, and the dotenv files a job's script
//! copies over `.env`.

use super::gitlab::{include_matches, include_path, local_includes};
use crate::discover;
use crate::model::Unreadable;
use crate::source::{FileId, SourceFile, SourceKind};
use crate::tree::{MAX_TEST_FILE_SIZE, Tree, read_files};

/// Reads the local files that `.gitlab-ci.yml` pipelines include (any name, so
/// no listing by name finds them), following includes of includes. Paths stay
/// inside the repository: `..` is refused.
pub fn gitlab_includes(
    tree: &dyn Tree,
    files: &mut Vec<SourceFile>,
    unreadable: &mut Vec<Unreadable>,
) {
    let mut queue: Vec<(usize, String, usize)> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == SourceKind::GitlabCi)
        .map(|(i, f)| (i, f.dir().to_string(), 0))
        .collect();
    while let Some((idx, root_dir, depth)) = queue.pop() {
        if depth >= 10 {
            continue;
        }
        let Ok(docs) = crate::syntax::yaml::parse(FileId(idx), &files[idx].text) else {
            continue;
        };
        let Some(doc) = docs.first() else { continue };
        for inc in local_includes(doc) {
            let pattern = include_path(&root_dir, &inc);
            if pattern.split('/').any(|seg| seg == "..") {
                continue;
            }
            let paths: Vec<String> = match pattern.rsplit_once('/') {
                _ if !pattern.contains('*') => vec![pattern.clone()],
                Some((dir, _)) if !dir.contains('*') => tree
                    .list_dir(dir)
                    .into_iter()
                    .filter(|p| include_matches(&pattern, p))
                    .collect(),
                None => tree
                    .list_dir("")
                    .into_iter()
                    .filter(|p| include_matches(&pattern, p))
                    .collect(),
                _ => Vec::new(),
            };
            for rel in paths {
                if files.iter().any(|f| f.path == rel) {
                    continue;
                }
                let (mut read, mut bad) = read_files(
                    tree,
                    vec![discover::Candidate {
                        rel_path: rel,
                        kind: SourceKind::GitlabCiInclude,
                    }],
                );
                for u in &mut bad {
                    u.file = FileId(files.len());
                }
                unreadable.extend(bad);
                if let Some(f) = read.pop() {
                    files.push(f);
                    queue.push((files.len() - 1, root_dir.clone(), depth + 1));
                }
            }
        }
    }
}

/// Reads the dotenv files a GitLab job's script copies over `.env`
/// (`cp .env.deploy .env`): the file the run then reads.
pub fn copied_dotenvs(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    // dotenv files a CI script copies over `.env` (`cp .env.deploy .env`)
    let mut copied: Vec<String> = files
        .iter()
        .filter(|f| matches!(f.kind, SourceKind::GitlabCi | SourceKind::GitlabCiInclude))
        .flat_map(|f| {
            copied_in(&f.text)
                .into_iter()
                .map(|from| crate::paths::join(f.dir(), &from))
                .collect::<Vec<_>>()
        })
        .collect();
    copied.sort();
    copied.dedup();
    crate::tree::read_named(tree, files, copied, SourceKind::CopiedDotenv, |_| {
        MAX_TEST_FILE_SIZE
    });
}

/// `X` of every `cp X .env` whose `X` is a dotenv name (`.env.deploy`).
fn copied_in(text: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        crate::syntax::ascii_regex(r"\bcp\s+(?:\./)?(\.env\.[\w.-]+)\s+(?:\./)?\.env\b")
    });
    re.captures_iter(text.as_bytes())
        .filter_map(|c| c.get(1))
        .map(|m| crate::syntax::matched(text, m).to_string())
        .collect()
}
