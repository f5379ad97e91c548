//! `.gitignore` patterns, matched with git's rules (the `ignore` crate, which
//! the walk already uses), and the line that decides.

use std::ops::Range;
use std::path::Path;

use ignore::Match;
use ignore::gitignore::GitignoreBuilder;

use super::ini::lines_with_offsets;

/// How one `.gitignore` (in folder `dir`, relative) treats the file at
/// `rel_path` (relative to the same root): `Some(true)` ignored, `Some(false)`
/// re-included by a `!` pattern, `None` no pattern matches. With the byte
/// range of the deciding line.
pub fn decide(text: &str, dir: &str, rel_path: &str) -> Option<(bool, Range<usize>)> {
    let gi = compiled(text, dir)?;
    let m = gi.matched_path_or_any_parents(Path::new(rel_path), false);
    let (ignored, glob) = match m {
        Match::None => return None,
        Match::Ignore(g) => (true, g),
        Match::Whitelist(g) => (false, g),
    };
    let original = glob.original();
    let range = lines_with_offsets(text)
        .filter(|(_, l)| l.trim_end() == original || l.trim() == original)
        .last()
        .map(|(start, l)| start..start + l.trim_end().len())?;
    Some((ignored, range))
}

/// The matcher of one `.gitignore`, compiled once per thread: a lint asks
/// the same file about many paths, and compiling its globs costs more than
/// matching them.
fn compiled(text: &str, dir: &str) -> Option<std::rc::Rc<ignore::gitignore::Gitignore>> {
    type Cache =
        std::collections::HashMap<(String, String), std::rc::Rc<ignore::gitignore::Gitignore>>;
    thread_local! {
        static CACHE: std::cell::RefCell<Cache> = std::cell::RefCell::new(Cache::new());
    }
    let key = (dir.to_string(), text.to_string());
    if let Some(gi) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Some(gi);
    }
    let mut builder = GitignoreBuilder::new(Path::new(dir));
    for (_, line) in lines_with_offsets(text) {
        // a malformed pattern is skipped, as git skips it
        let _ = builder.add_line(None, line);
    }
    let gi = std::rc::Rc::new(builder.build().ok()?);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        // a long-lived process (the language server, the tests) keeps no
        // more than a repository's worth
        if c.len() > 256 {
            c.clear();
        }
        c.insert(key, gi.clone());
    });
    Some(gi)
}

#[cfg(test)]
mod tests {
    use super::decide;

    #[test]
    fn the_deciding_line_and_negations() {
        let text = "# local env\n.env\n.env.*\n!.env.example\n";
        let (ignored, r) = decide(text, "", ".env.testing").expect("matched");
        assert!(ignored);
        assert_eq!(&text[r], ".env.*");
        let (ignored, r) = decide(text, "", ".env.example").expect("matched");
        assert!(!ignored);
        assert_eq!(&text[r], "!.env.example");
        assert!(decide(text, "", "phpunit.xml").is_none());
        // a nested .gitignore matches paths below its folder only
        assert!(decide("/.env.testing\n", "app", "app/.env.testing").is_some());
        assert!(decide("/.env.testing\n", "app", "other/.env.testing").is_none());
    }
}
