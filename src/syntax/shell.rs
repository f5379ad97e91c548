//! Shell words: one simple command split the way a POSIX shell splits it
//! (single and double quotes, backslashes), each word with its range in the
//! command. CI steps, `package.json` scripts, task-runner recipes and
//! pytest's `addopts` (which pytest splits with `shlex`) are read with it.

use std::ops::Range;

/// A shell word: its text after quote removal and its range in the command.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    pub text: String,
    pub range: Range<usize>,
}

/// Splits one simple command into words (quotes and backslashes removed);
/// `None` on an unterminated quote.
pub fn words(cmd: &str) -> Option<Vec<Word>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start: Option<usize> = None;
    let mut chars = cmd.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push(Word {
                        text: std::mem::take(&mut cur),
                        range: s..i,
                    });
                }
            }
            '\'' => {
                start.get_or_insert(i);
                loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, ch)) => cur.push(ch),
                        None => return None,
                    }
                }
            }
            '"' => {
                start.get_or_insert(i);
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, ch)) => cur.push(ch),
                            None => return None,
                        },
                        Some((_, ch)) => cur.push(ch),
                        None => return None,
                    }
                }
            }
            '\\' => {
                start.get_or_insert(i);
                if let Some((_, ch)) = chars.next() {
                    cur.push(ch);
                }
            }
            _ => {
                start.get_or_insert(i);
                cur.push(c);
            }
        }
    }
    if let Some(s) = start {
        out.push(Word {
            text: cur,
            range: s..cmd.len(),
        });
    }
    Some(out)
}

/// The words of a command as plain text: [`words`], or — for a command
/// with an unterminated quote, which no shell runs as written — its
/// whitespace-separated pieces with their quotes trimmed.
pub fn texts(cmd: &str) -> Vec<String> {
    match words(cmd) {
        Some(w) => w.into_iter().map(|w| w.text).collect(),
        None => cmd
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']).to_string())
            .collect(),
    }
}

/// The words of a command as written (quotes kept), with their offsets:
/// where a reader needs the bytes of each word. An unterminated quote
/// leaves plain whitespace splitting.
pub fn raw_words(cmd: &str) -> Vec<(usize, &str)> {
    match words(cmd) {
        Some(w) => w
            .into_iter()
            .filter_map(|w| cmd.get(w.range.clone()).map(|s| (w.range.start, s)))
            .collect(),
        None => {
            let mut out = Vec::new();
            let mut start = None;
            for (i, c) in cmd.char_indices() {
                if c.is_whitespace() {
                    if let Some(st) = start.take() {
                        out.push((st, &cmd[st..i]));
                    }
                } else if start.is_none() {
                    start = Some(i);
                }
            }
            if let Some(st) = start {
                out.push((st, &cmd[st..]));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_group_words() {
        let w = words(r#"FOO="a b" jest --x 'c d' e\ f"#).expect("terminated");
        let t: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(t, ["FOO=a b", "jest", "--x", "c d", "e f"]);
        assert_eq!(w[0].range, 0..9);
        assert!(words("a 'b").is_none());
        assert_eq!(texts("a 'b c"), ["a", "b", "c"]);
        assert_eq!(
            raw_words("--ds 'x y' z"),
            [(0, "--ds"), (5, "'x y'"), (11, "z")]
        );
    }
}
