//! Syntaxes with exact byte spans. A module here knows its syntax and nothing
//! about frameworks: which file a framework reads, and what a key means to it,
//! live in [`crate::stacks`].

pub mod clike;
pub mod code;
pub mod comments;
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
pub mod shell;
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

/// The offset of the line break ending the line that holds `from` (or the
/// end of `b`).
pub(crate) fn line_end(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| from + p)
}

/// The first occurrence of `needle` in `b` at or after `from`.
pub(crate) fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Where each byte of `decoded` — the XML attribute value `raw` with its
/// entities expanded and its whitespace normalised — starts in `raw`, plus
/// one entry for the end; `None` when `raw` does not decode to `decoded`.
/// An entity's bytes all start at its `&`.
pub fn xml_decoded_offsets(raw: &str, decoded: &str) -> Option<std::sync::Arc<[usize]>> {
    let mut out = String::with_capacity(raw.len());
    let mut offsets = Vec::with_capacity(decoded.len() + 1);
    let mut i = 0;
    while i < raw.len() {
        let rest = &raw[i..];
        if rest.starts_with('&')
            && let Some(semi) = rest.find(';')
        {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| name.strip_prefix('#').map(|d| d.parse::<u32>()))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            if let Some(c) = c {
                out.push(c);
                offsets.extend(std::iter::repeat_n(i, c.len_utf8()));
                i += semi + 1;
                continue;
            }
        }
        let c = rest.chars().next()?;
        let c = if matches!(c, '\t' | '\n' | '\r') {
            ' '
        } else {
            c
        };
        out.push(c);
        offsets.extend(i..i + c.len_utf8());
        i += rest.chars().next()?.len_utf8();
    }
    offsets.push(raw.len());
    (out == decoded && offsets.len() == decoded.len() + 1).then(|| offsets.into())
}

#[cfg(test)]
mod xml_offset_tests {
    use super::xml_decoded_offsets;

    #[test]
    fn entities_map_back_to_their_ampersand() {
        let raw = "mysql://u:p@h/app?charset=utf8mb4&amp;serverVersion=10";
        let decoded = "mysql://u:p@h/app?charset=utf8mb4&serverVersion=10";
        let map = xml_decoded_offsets(raw, decoded).expect("decodes");
        assert_eq!(map.len(), decoded.len() + 1);
        // `app` sits before the entity: same offsets
        let app = decoded.find("app").expect("app");
        assert_eq!(&raw[map[app]..map[app + 3]], "app");
        // `serverVersion` sits after it: shifted by the entity's 4 extra bytes
        let sv = decoded.find("serverVersion").expect("sv");
        assert_eq!(&raw[map[sv]..map[sv + 13]], "serverVersion");
        assert_eq!(map[decoded.len()], raw.len());
        assert!(xml_decoded_offsets("a&amp;b", "a&b!").is_none());
        assert!(xml_decoded_offsets("&#x41;&#66;", "AB").is_some());
    }
}
