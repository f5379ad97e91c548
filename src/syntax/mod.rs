//! Syntaxes with exact byte spans. A module here knows its syntax and nothing
//! about frameworks: which file a framework reads, and what a key means to it,
//! live in [`crate::stacks`].

pub mod clike;
pub mod code;
pub mod dotenv;
pub mod elixir;
pub mod erb;
pub mod gitignore;
pub mod ini;
pub mod js;
pub mod makefile;
pub mod markdown;
pub mod nix;
pub mod php;
pub mod properties;
pub mod python;
pub mod toml;
pub mod yaml;

/// A pattern over bytes whose classes are ASCII (`(?-u)`: `\w`, `\s`, `\b`
/// and `.` stop at the first non-ASCII byte). It compiles in a fraction of
/// the time of its Unicode form, which spans all of Unicode and which every
/// run that needs the pattern would pay first (about a millisecond each).
/// Every pattern given here must compile.
pub fn ascii_regex(pattern: &str) -> regex::bytes::Regex {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .unwrap_or_else(|_| unreachable!())
}

/// The text of a match of an [`ascii_regex`] in `text` (empty when it would
/// split a character, which a match that starts and ends at ASCII bytes
/// never does).
pub fn matched<'t>(text: &'t str, m: regex::bytes::Match<'_>) -> &'t str {
    text.get(m.range()).unwrap_or("")
}

/// A shell word that is literal text: `app`, `"app"`, `'app'` (no `$`,
/// no command substitution, nothing after it).
pub fn shell_word(v: &str) -> Option<String> {
    let v = v.trim_end();
    let v = v.strip_suffix(';').unwrap_or(v);
    let inner = if let Some(q) = v.strip_prefix('"') {
        q.strip_suffix('"')?
    } else if let Some(q) = v.strip_prefix('\'') {
        return q
            .strip_suffix('\'')
            .filter(|i| !i.contains('\''))
            .map(str::to_string);
    } else {
        v
    };
    (!inner.contains(['$', '`', '"', '\\', ' ', '\t', '#', ';', '\''])).then(|| inner.to_string())
}

/// The length in bytes of the UTF-8 character whose first byte is `first`.
pub fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}
