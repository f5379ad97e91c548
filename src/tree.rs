//! Where file contents come from (the working tree or the git index), and
//! reading them: size limit, decoding, and the files a pipeline includes by a
//! name no listing can know.

use std::path::Path;

use crate::discover;
use crate::source::{FileId, SourceFile, SourceKind};
use crate::stacks::Unreadable;

/// Files larger than this are not read (TG002): no configuration file is this
/// big, and a hostile one must not cost memory.
pub const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Where files come from: the working tree, or the git index (`--staged`).
pub trait Tree {
    /// The bytes of a file (relative path), within [`MAX_FILE_SIZE`].
    fn read(&self, rel_path: &str) -> Result<Vec<u8>, ReadFailure>;
    /// Whether a file exists.
    fn exists(&self, rel_path: &str) -> bool;
    /// The files directly inside a folder (relative paths), for include globs.
    fn list_dir(&self, rel_dir: &str) -> Vec<String>;
    /// The files anywhere below a folder (relative paths, sorted), at most
    /// `limit` of them; dependency folders are not entered.
    fn files_under(&self, rel_dir: &str, limit: usize) -> Vec<String>;
    /// Several files at once, in order: a tree that can read in parallel
    /// does (a monorepo's hundreds of small configuration files cost more in
    /// per-file overhead — a syscall, a blob lookup and inflate — than in bytes).
    fn read_many(&self, rel_paths: &[&str]) -> Vec<Result<Vec<u8>, ReadFailure>> {
        rel_paths.iter().map(|p| self.read(p)).collect()
    }
    /// Whether a folder inside the tree is the root of a git repository of
    /// its own (it holds `.git`). An index never lists another repository's
    /// files, so a staged tree has none.
    fn is_nested_repository(&self, _rel_dir: &str) -> bool {
        false
    }
}

/// Files below this count are read one after the other: spawning threads
/// costs more than it saves.
pub const PARALLEL_READ_MIN: usize = 64;

/// Runs `read` over `paths` (or any items), in order: on several threads
/// from [`PARALLEL_READ_MIN`] items on ([`crate::parallel::map`]). When a
/// reader panicked the result is shorter than `paths`.
pub fn read_parallel<I: Sync, T: Send>(paths: &[I], read: impl Fn(&I) -> T + Sync) -> Vec<T> {
    if paths.len() < PARALLEL_READ_MIN {
        return paths.iter().map(read).collect();
    }
    crate::parallel::map(paths, read)
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadFailure {
    /// It is gone (deleted since it was listed): skipped quietly.
    Gone,
    /// It cannot be read; the reason is reported (TG002).
    Unreadable(String),
}

/// The working tree under a folder.
pub struct WorkTree<'a> {
    pub root: &'a Path,
}

impl Tree for WorkTree<'_> {
    fn read_many(&self, rel_paths: &[&str]) -> Vec<Result<Vec<u8>, ReadFailure>> {
        let out = read_parallel(rel_paths, |p| self.read(p));
        if out.len() == rel_paths.len() {
            out
        } else {
            rel_paths.iter().map(|p| self.read(p)).collect()
        }
    }

    fn read(&self, rel_path: &str) -> Result<Vec<u8>, ReadFailure> {
        use std::io::Read;
        let path = self.root.join(rel_path);
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadFailure::Gone),
            Err(e) => return Err(ReadFailure::Unreadable(io_reason(&e))),
        };
        let meta = file
            .metadata()
            .map_err(|e| ReadFailure::Unreadable(io_reason(&e)))?;
        if !meta.is_file() {
            return Err(ReadFailure::Gone);
        }
        check_size(meta.len())?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(MAX_FILE_SIZE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ReadFailure::Unreadable(io_reason(&e)))?;
        check_size(bytes.len() as u64)?;
        Ok(bytes)
    }

    fn exists(&self, rel_path: &str) -> bool {
        self.root.join(rel_path).is_file()
    }

    fn is_nested_repository(&self, rel_dir: &str) -> bool {
        // a folder (a clone) or a file (a submodule's or worktree's `gitdir:`)
        std::fs::symlink_metadata(self.root.join(rel_dir).join(".git")).is_ok()
    }

    fn files_under(&self, rel_dir: &str, limit: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![rel_dir.to_string()];
        while let Some(dir) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(self.root.join(&dir)) else {
                continue;
            };
            for e in rd.flatten() {
                let Some(name) = e.file_name().to_str().map(String::from) else {
                    continue;
                };
                let rel = format!("{}{name}", dir_prefix(&dir));
                // never through a link: a loop, or a folder outside the repository
                match e.file_type() {
                    Ok(t) if t.is_dir() && !discover::SKIPPED_DIRS.contains(&name.as_str()) => {
                        stack.push(rel)
                    }
                    Ok(t) if t.is_file() => out.push(rel),
                    _ => {}
                }
            }
            if out.len() >= limit {
                break;
            }
        }
        out.sort();
        out.truncate(limit);
        out
    }

    fn list_dir(&self, rel_dir: &str) -> Vec<String> {
        std::fs::read_dir(self.root.join(rel_dir))
            .map(|rd| {
                rd.flatten()
                    .filter_map(|e| {
                        e.file_name().to_str().map(|n| {
                            if rel_dir.is_empty() {
                                n.to_string()
                            } else {
                                format!("{rel_dir}/{n}")
                            }
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `rel_dir/` (or nothing for the root), for prefix tests on relative paths.
pub fn dir_prefix(rel_dir: &str) -> String {
    if rel_dir.is_empty() {
        String::new()
    } else {
        format!("{rel_dir}/")
    }
}

pub fn check_size(len: u64) -> Result<(), ReadFailure> {
    if len > MAX_FILE_SIZE {
        return Err(ReadFailure::Unreadable(format!(
            "it is {len} bytes, over the {} MiB limit for a configuration file",
            MAX_FILE_SIZE / (1024 * 1024)
        )));
    }
    Ok(())
}

/// Reads the local files that `.gitlab-ci.yml` pipelines include (any name, so
/// no listing by name finds them), following includes of includes. Paths stay
/// inside the repository: `..` is refused.
pub fn read_gitlab_includes(
    tree: &dyn Tree,
    files: &mut Vec<SourceFile>,
    unreadable: &mut Vec<Unreadable>,
) {
    use crate::stacks::ci::gitlab::{include_matches, include_path, local_includes};
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

/// Reads candidates; a file that cannot be read becomes an [`Unreadable`]
/// (TG002), a file that vanished since it was listed is skipped.
pub fn read_files(
    tree: &dyn Tree,
    candidates: Vec<discover::Candidate>,
) -> (Vec<SourceFile>, Vec<Unreadable>) {
    let mut files = Vec::with_capacity(candidates.len());
    let mut unreadable = Vec::new();
    let wanted: Vec<&str> = candidates
        .iter()
        .filter(|c| {
            c.kind
                .needs_text(c.rel_path.rsplit('/').next().unwrap_or(""))
        })
        .map(|c| c.rel_path.as_str())
        .collect();
    let mut contents = tree.read_many(&wanted).into_iter();
    for c in candidates {
        let name = c.rel_path.rsplit('/').next().unwrap_or("");
        if !c.kind.needs_text(name) {
            files.push(SourceFile::new(c.rel_path, c.kind, String::new()));
            continue;
        }
        let read = contents
            .next()
            .unwrap_or_else(|| Err(ReadFailure::Unreadable("it could not be read".into())));
        match read.and_then(decode) {
            Ok(text) => files.push(SourceFile::new(c.rel_path, c.kind, text)),
            Err(ReadFailure::Gone) => {}
            Err(ReadFailure::Unreadable(reason)) => {
                let id = FileId(files.len());
                files.push(SourceFile::new(c.rel_path, c.kind, String::new()));
                // context files that cannot be read are simply not context
                if c.kind.is_config() {
                    unreadable.push(Unreadable { file: id, reason });
                }
            }
        }
    }
    (files, unreadable)
}

/// Text from bytes: UTF-8 only (a UTF-16 file is named as such).
fn decode(bytes: Vec<u8>) -> Result<String, ReadFailure> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(ReadFailure::Unreadable(
            "it is UTF-16 encoded; save it as UTF-8".into(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        ReadFailure::Unreadable(format!(
            "it is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Test files read per project at most, and the largest one read: the scan
/// for destructive evidence is bounded, whatever the size of the suite.
pub const MAX_TEST_FILES_PER_PROJECT: usize = 400;
/// Files listed under a project's `tests/` at most (of any kind).
pub const MAX_TEST_LISTING: usize = 2000;
pub const MAX_TEST_FILE_SIZE: usize = 256 * 1024;

/// Reads the PHP test code of every PHP project (`tests/**/*.php` beside its
/// `composer.json` or `artisan`), so the model can tell whether the suite
/// wipes the database it reaches (destructive evidence). No listing
/// by name finds these; their place decides.
pub fn read_test_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let mut projects: Vec<String> = files
        .iter()
        .filter(|f| matches!(f.file_name(), "composer.json" | "artisan"))
        .map(|f| f.dir().to_string())
        .collect();
    projects.sort();
    projects.dedup();
    for project in projects {
        let tests = format!("{}tests", dir_prefix(&project));
        let listed = tree.files_under(&tests, MAX_TEST_LISTING);
        // a suite larger than the bound is not read at all: a partial read
        // could miss the one file that wipes the database
        if listed.len() >= MAX_TEST_LISTING {
            continue;
        }
        let php: Vec<String> = listed.into_iter().filter(|p| p.ends_with(".php")).collect();
        if php.len() > MAX_TEST_FILES_PER_PROJECT {
            continue;
        }
        if php.is_empty() {
            continue;
        }
        // a test file that cannot be read, is too large or is not UTF-8 leaves
        // the suite unknown: nothing of this project is kept
        let known: std::collections::HashSet<&str> =
            files.iter().map(|f| f.path.as_str()).collect();
        let php: Vec<String> = php
            .into_iter()
            .filter(|p| !known.contains(p.as_str()))
            .collect();
        let paths: Vec<&str> = php.iter().map(String::as_str).collect();
        let contents = tree.read_many(&paths);
        let mut read = Vec::with_capacity(php.len());
        let mut complete = contents.len() == php.len();
        for (rel, bytes) in php.into_iter().zip(contents) {
            match bytes.map(String::from_utf8) {
                Ok(Ok(text)) if text.len() <= MAX_TEST_FILE_SIZE => {
                    read.push(SourceFile::new(rel, SourceKind::TestCode, text));
                }
                _ => {
                    complete = false;
                    break;
                }
            }
        }
        if complete {
            files.extend(read);
        }
    }
}

/// Reads the application code a run's configuration points at:
/// the Django settings modules that `manage.py`, pytest, tox, CI or dotenv
/// files name, with the modules they star-import; Laravel's
/// `config/database.php`; and the `README.md` of the root and of each
/// project, whose setup commands a developer runs before the tests. Only
/// these paths are read: a monorepo's cost stays that of its listing.
pub fn read_app_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    use crate::stacks::python::modules;
    let mut wanted: Vec<String> = Vec::new();
    let manage_dirs: Vec<String> = files
        .iter()
        .filter(|f| f.file_name() == "manage.py" && f.text.contains("django"))
        .map(|f| f.dir().to_string())
        .collect();
    // folders whose pytest or tox configuration names a settings module: the
    // project runs its tests with it, not with `manage.py`'s default
    let configured: Vec<&str> = files
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                SourceKind::PytestIni
                    | SourceKind::PytestToml
                    | SourceKind::PyprojectToml
                    | SourceKind::SetupCfg
                    | SourceKind::ToxIni
                    | SourceKind::ToxToml
            ) && (f.text.contains("DJANGO_SETTINGS_MODULE") || f.text.contains("--ds"))
        })
        .map(SourceFile::dir)
        .collect();
    let mut queue: Vec<(Vec<String>, String)> = Vec::new();
    for f in files.iter() {
        if f.file_name() == "manage.py"
            && configured
                .iter()
                .any(|c| crate::model::is_within(c, f.dir()) || crate::model::is_within(f.dir(), c))
        {
            continue;
        }
        let names_settings = f.file_name() == "manage.py"
            || (f.kind.is_config() && f.text.contains("DJANGO_SETTINGS_MODULE"))
            || (f.kind.is_config() && f.text.contains("--settings"))
            || (f.kind.is_config() && f.text.contains("--ds"));
        if !names_settings {
            continue;
        }
        // a workflow's commands run from the checkout's root
        let dir = if f.kind == SourceKind::GithubWorkflow {
            ""
        } else {
            f.dir()
        };
        let mut roots = settings_roots(dir, &manage_dirs);
        for p in modules::pythonpath(&f.text) {
            let r = if p == "." {
                dir.to_string()
            } else {
                crate::stacks::join(dir, &p)
            };
            if !roots.contains(&r) {
                roots.insert(0, r);
            }
        }
        for m in modules::named_settings_modules(&f.text) {
            queue.push((roots.clone(), m));
        }
    }
    let mut known: std::collections::HashSet<String> =
        files.iter().map(|f| f.path.clone()).collect();
    let mut budget = modules::MAX_SETTINGS_FILES * 4;
    while let Some((roots, module)) = queue.pop() {
        if budget == 0 {
            break;
        }
        let Some((root, path)) = roots.iter().find_map(|r| {
            modules::module_paths(std::slice::from_ref(r), &module)
                .into_iter()
                .find(|p| known.contains(p) || tree.exists(p))
                .map(|p| (r.clone(), p))
        }) else {
            continue;
        };
        if known.contains(&path) || wanted.contains(&path) {
            continue;
        }
        known.insert(path.clone());
        budget -= 1;
        let Ok(Ok(text)) = tree.read(&path).map(String::from_utf8) else {
            continue;
        };
        if text.len() > MAX_TEST_FILE_SIZE {
            continue;
        }
        if let Some((own, is_pkg)) = modules::module_of(&root, &path) {
            for written in star_imports(&text) {
                if let Some(m) = modules::resolve_import(&own, is_pkg, &written) {
                    queue.push((vec![root.clone()], m));
                }
            }
        }
        wanted.push(path.clone());
        files.push(SourceFile::new(path, SourceKind::AppCode, text));
    }
    // Laravel's database configuration, and Lumen's bootstrap (which names
    // the dotenv file it loads), beside each `artisan`
    // `config/database.php` decides which connection a run selects, and
    // which variables the app's database configuration reads at all
    // (`DB_URL` since Laravel 11, `DATABASE_URL` before): the file itself,
    // else the lock file that names the framework's version
    let laravel: Vec<String> = files
        .iter()
        .filter(|f| f.file_name() == "artisan")
        .flat_map(|f| {
            let d = dir_prefix(f.dir());
            let config = format!("{d}config/database.php");
            let mut v = vec![format!("{d}bootstrap/app.php")];
            if tree.exists(&config) {
                v.push(config);
            } else {
                v.push(format!("{d}composer.lock"));
            }
            v
        })
        .collect();
    // the README of the root and of every project
    let mut readmes: Vec<String> = files
        .iter()
        .filter(|f| {
            matches!(
                f.file_name(),
                "artisan" | "manage.py" | "composer.json" | "pyproject.toml"
            )
        })
        .map(|f| format!("{}README.md", dir_prefix(f.dir())))
        .collect();
    readmes.push("README.md".to_string());
    readmes.sort();
    readmes.dedup();
    // a README's setup matters only above a suite that reads its database
    // from the environment (a conftest) or a test dotenv it may copy over
    let consumers: Vec<&str> = files
        .iter()
        .filter(|f| f.file_name() == "conftest.py" || f.kind == SourceKind::DotenvTest)
        .map(SourceFile::dir)
        .collect();
    readmes.retain(|r| {
        let dir = r
            .strip_suffix("README.md")
            .unwrap_or("")
            .trim_end_matches('/');
        consumers.iter().any(|c| crate::model::is_within(c, dir))
    });
    // dotenv files a CI script copies over `.env` (`cp .env.deploy .env`)
    let mut copied: Vec<String> = files
        .iter()
        .filter(|f| matches!(f.kind, SourceKind::GitlabCi | SourceKind::GitlabCiInclude))
        .flat_map(|f| {
            copied_dotenvs(&f.text)
                .into_iter()
                .map(|from| crate::stacks::join(f.dir(), &from))
                .collect::<Vec<_>>()
        })
        .collect();
    copied.sort();
    copied.dedup();
    for (paths, kind) in [
        (laravel, SourceKind::AppCode),
        (readmes, SourceKind::Readme),
        (copied, SourceKind::CopiedDotenv),
    ] {
        for path in paths {
            if files.iter().any(|f| f.path == path) || !tree.exists(&path) {
                continue;
            }
            if let Ok(Ok(text)) = tree.read(&path).map(String::from_utf8)
                && (text.len() <= MAX_TEST_FILE_SIZE
                    || path.ends_with("composer.lock") && text.len() as u64 <= MAX_FILE_SIZE)
            {
                files.push(SourceFile::new(path, kind, text));
            }
        }
    }
}

/// Where a settings module named in a file of `dir` is looked for: that
/// folder and the folders above it (pytest's rootdir, a CI job's checkout),
/// then each Django project's `manage.py` folder and a `src/` layout.
fn settings_roots(dir: &str, manage_dirs: &[String]) -> Vec<String> {
    let mut roots: Vec<String> = crate::model::ancestors(dir).map(str::to_string).collect();
    // pytest-django puts the `manage.py` folder below the rootdir on the path
    for m in manage_dirs
        .iter()
        .filter(|m| crate::model::is_within(m, dir))
    {
        if !roots.contains(m) {
            roots.push(m.clone());
        }
    }
    let src = format!("{}src", dir_prefix(dir));
    roots.push(src);
    roots
}

/// `X` of every `cp X .env` whose `X` is a dotenv name (`.env.deploy`).
fn copied_dotenvs(text: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        crate::syntax::ascii_regex(r"\bcp\s+(?:\./)?(\.env\.[\w.-]+)\s+(?:\./)?\.env\b")
    });
    re.captures_iter(text.as_bytes())
        .filter_map(|c| c.get(1))
        .map(|m| crate::syntax::matched(text, m).to_string())
        .collect()
}

/// `from X import *` lines, as written.
fn star_imports(text: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        // ASCII module names; `from café import *` does not match at all
        crate::syntax::ascii_regex(r"(?m)^\s*from\s+(\.*[\w.]*)\s+import\s+\*")
    });
    re.captures_iter(text.as_bytes())
        .filter_map(|c| c.get(1))
        .map(|m| crate::syntax::matched(text, m).to_string())
        .collect()
}

/// Reads the JavaScript/TypeScript a Node test run loads: the
/// setup files its runner config names, and — for a package with a
/// database client — its `NODE_ENV=test` config modules and the helpers
/// of its suite (destructive evidence). Only these paths are read, and a
/// suite larger than the bound is not read at all.
pub fn read_node_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    use crate::stacks::node::files as node;
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
    // the suite's helpers: what it does to the database it reaches
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
        for p in scripts {
            read(&p, files, &mut known);
        }
    }
}

/// Reads the test sources of every Spring module (the folder above a
/// `src/{main,test}/resources/application*` file): `src/test/java/**/*.java`
/// and `src/test/kotlin/**/*.kt`, which say which context each test class
/// starts. A module whose suite is past the reading bound, or
/// holds a file that cannot be read, gets one empty stand-in under
/// `src/test/java` instead: its tests exist and are not known, so no run of
/// it is judged. So does a module with main sources and no test sources:
/// it has no test run.
pub fn read_jvm_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let mut modules: Vec<String> = files
        .iter()
        .filter(|f| f.kind == SourceKind::SpringConfig)
        .filter_map(|f| crate::stacks::jvm::spring::place(&f.path).map(|(m, _, _)| m))
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

/// Reads the `*_test.go` files of every Go module (the folder of a
/// `go.mod`), then the env and YAML files their setup loads by name
/// (`app.env`, `config/local.yml` through viper). Only those paths are read, and a module whose suite is
/// past the bound is not read at all.
pub fn read_go_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
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

/// Reads the C# of every test project that references
/// `Microsoft.AspNetCore.Mvc.Testing` (a `.csproj` read by discovery):
/// the files that create a `WebApplicationFactory` or delete its database.
/// A project past the reading bound is not read at all.
pub fn read_dotnet_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
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
