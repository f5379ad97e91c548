// Shared by every target: lint the input through the whole pipeline and every
// output format, and fail on any broken invariant (testguard::invariants).

use testguard::invariants::{MemoryTree, lint_and_check};
use testguard::rules::Policy;

/// Lints `files` (path, bytes) and panics with the invariant that broke.
pub fn check(files: &[(&str, &[u8])]) {
    let mut tree = MemoryTree::default();
    for (path, bytes) in files {
        tree.files.insert((*path).to_string(), bytes.to_vec());
    }
    if let Err(e) = lint_and_check(&tree, &Policy::default()) {
        panic!("invariant broken: {e}");
    }
}

/// Picks one of `names` from the first byte; the rest is the file.
// each target compiles this module on its own; not all of them pick a name
#[allow(dead_code)]
pub fn pick<'a>(data: &'a [u8], names: &[&'static str]) -> (&'static str, &'a [u8]) {
    match data.split_first() {
        Some((b, rest)) => (names[*b as usize % names.len()], rest),
        None => (names[0], data),
    }
}
