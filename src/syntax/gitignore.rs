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
    let mut builder = GitignoreBuilder::new(Path::new(dir));
    for (_, line) in lines_with_offsets(text) {
        // a malformed pattern is skipped, as git skips it
        let _ = builder.add_line(None, line);
    }
    let gi = builder.build().ok()?;
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
