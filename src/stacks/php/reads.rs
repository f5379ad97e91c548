//! The PHP files a run's configuration points at and no listing by name
//! finds: the suite's test code (destructive evidence) and Laravel's
//! database configuration.

use crate::paths::dir_prefix;
use crate::source::{SourceFile, SourceKind};
use crate::tree::{
    MAX_FILE_SIZE, MAX_TEST_FILE_SIZE, MAX_TEST_FILES_PER_PROJECT, MAX_TEST_LISTING, Tree,
};

/// Reads the PHP test code of every PHP project (`tests/**/*.php` beside its
/// `composer.json` or `artisan`), so the model can tell whether the suite
/// wipes the database it reaches (destructive evidence). No listing
/// by name finds these; their place decides.
/// Where a PHP project keeps the shell script that runs its tests.
pub const TEST_SCRIPTS: &[&str] = &[
    "test.sh",
    "tests.sh",
    "run-tests.sh",
    "run_tests.sh",
    "bin/test.sh",
    "bin/tests.sh",
    "bin/run-tests.sh",
    "scripts/test.sh",
    "scripts/tests.sh",
    "scripts/run-tests.sh",
    "scripts/run_tests.sh",
];

pub fn test_code(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let mut projects: Vec<String> = files
        .iter()
        .filter(|f| matches!(f.file_name(), "composer.json" | "artisan"))
        .map(|f| f.dir().to_string())
        .collect();
    projects.sort();
    projects.dedup();
    let mut scripts = Vec::new();
    for project in &projects {
        for name in TEST_SCRIPTS {
            let path = format!("{}{name}", dir_prefix(project));
            if tree.exists(&path) {
                scripts.push(path);
            }
        }
    }
    // the shell script that runs a suite: what it does before the runner
    crate::tree::read_named(tree, files, scripts, SourceKind::AppCode, |_| {
        MAX_TEST_FILE_SIZE
    });
    // CodeIgniter 3 keeps its suite in `application/tests` (ci-phpunit-test)
    let folders: Vec<String> = projects
        .iter()
        .flat_map(|p| {
            let d = dir_prefix(p);
            [format!("{d}tests"), format!("{d}application/tests")]
        })
        .collect();
    for tests in folders {
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

/// Reads, beside each `artisan`, Lumen's bootstrap (which names the dotenv
/// file it loads) and Laravel's `config/database.php` (which connection a
/// run selects, and which variables the app's database configuration reads
/// at all: `DB_URL` since Laravel 11, `DATABASE_URL` before), else the lock
/// file that names the framework's version.
pub fn laravel_config(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
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
    // a lock file is larger than any configuration file, and still read
    crate::tree::read_named(tree, files, laravel, SourceKind::AppCode, |path| {
        if path.ends_with("composer.lock") {
            MAX_FILE_SIZE as usize
        } else {
            MAX_TEST_FILE_SIZE
        }
    });
}

/// Reads, beside each `composer.json` that requires CodeIgniter 4, its
/// `app/Config/Database.php`: the `tests` group the suite uses.
/// Reads, beside each `composer.json` of a Symfony 2/3 app (one with
/// `app/config/config_test.yml`), the kernel's YAML configuration folder:
/// the test kernel's imports and the parameters they name are in it
/// (`parameters.yml.dist` too, the template of the gitignored
/// `parameters.yml`).
pub fn symfony_kernel_config(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    /// A kernel's configuration folder holds a dozen files; more is not one.
    const MAX_CONFIG_FILES: usize = 64;
    let mut wanted = Vec::new();
    let apps: Vec<String> = files
        .iter()
        .filter(|f| f.kind == SourceKind::ComposerJson && f.file_name() == "composer.json")
        .map(|f| super::symfony_kernel::config_dir(f.dir()))
        .collect();
    for dir in apps {
        if !tree.exists(&format!("{dir}/config_test.yml"))
            && !tree.exists(&format!("{dir}/config_test.yaml"))
        {
            continue;
        }
        let listed = tree.list_dir(&dir);
        if listed.len() > MAX_CONFIG_FILES {
            continue;
        }
        wanted.extend(listed.into_iter().filter(|p| {
            let name = p.rsplit('/').next().unwrap_or(p);
            (name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".yml.dist"))
                && !name.starts_with("routing")
        }));
    }
    crate::tree::read_named(tree, files, wanted, SourceKind::AppCode, |_| {
        MAX_TEST_FILE_SIZE
    });
}

/// Reads the PHP files a Codeception configuration's `params:` names
/// (`.codeception/_config/params.php`): the array they return fills the
/// suites' `%PARAM%` values.
pub fn codeception_php_params(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let wanted: Vec<String> = files
        .iter()
        .filter(|f| f.kind == SourceKind::Codeception)
        .flat_map(|f| {
            let d = dir_prefix(f.dir()).to_string();
            let php: Vec<String> = super::codeception::params_of(&f.text)
                .into_iter()
                .filter(|p| p.ends_with(".php") && !p.contains(".."))
                .map(|p| format!("{d}{p}"))
                .collect();
            // which Dotenv library a params file's ParamsLoader gets
            let lock = (!php.is_empty()).then(|| format!("{d}composer.lock"));
            php.into_iter().chain(lock)
        })
        .collect();
    crate::tree::read_named(tree, files, wanted, SourceKind::AppCode, |path| {
        if path.ends_with("composer.lock") {
            MAX_FILE_SIZE as usize
        } else {
            MAX_TEST_FILE_SIZE
        }
    });
}

pub fn codeigniter_config(tree: &dyn Tree, files: &mut Vec<SourceFile>) {
    let wanted: Vec<String> = files
        .iter()
        .filter(|f| f.kind == SourceKind::ComposerJson)
        .flat_map(|f| {
            let d = dir_prefix(f.dir());
            let mut v = Vec::new();
            if f.text.contains("codeigniter4/framework") {
                v.push(format!("{d}app/Config/Database.php"));
            } else if f.text.contains("codeigniter/framework") {
                // CodeIgniter 3: the `testing` environment's file first
                v.push(format!("{d}application/config/testing/database.php"));
                v.push(format!("{d}application/config/database.php"));
            } else if f.text.contains("cakephp/cakephp") {
                v.extend(
                    super::cakephp::CONFIG_FILES
                        .iter()
                        .map(|c| format!("{d}{c}")),
                );
            }
            v
        })
        .filter(|p| tree.exists(p))
        .collect();
    crate::tree::read_named(tree, files, wanted, SourceKind::AppCode, |_| {
        MAX_TEST_FILE_SIZE
    });
}
