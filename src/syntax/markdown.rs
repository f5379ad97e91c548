//! Markdown, as far as setup instructions go: the shell lines a README tells
//! a developer to run. A line counts when it sits in a fenced block whose
//! info string is a shell (or empty), or when it is a list item or a `$ `
//! prompt outside blocks whose text starts with a command (`* cp .env
//! .env.testing`). Offsets are bytes into the document.

use std::ops::Range;

/// One shell line: the command's text range (prompt, bullet and backticks
/// stripped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellLine {
    pub range: Range<usize>,
}

/// Commands recognised outside fenced blocks.
const COMMANDS: &[&str] = &["cp ", "copy ", "export "];

pub fn shell_lines(text: &str) -> Vec<ShellLine> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize, bool)> = None; // (char, length, is shell)
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        let fence_char = body.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = fence_char {
            let run = body.chars().take_while(|&x| x == c).count();
            if run >= 3 {
                match fence {
                    Some((fc, flen, _))
                        if fc == c && run >= flen && body[run..].trim().is_empty() =>
                    {
                        fence = None;
                        continue;
                    }
                    None => {
                        let info = body[run..].trim().to_ascii_lowercase();
                        let lang = info.split_whitespace().next().unwrap_or("");
                        let shell = matches!(
                            lang,
                            "" | "sh"
                                | "bash"
                                | "shell"
                                | "zsh"
                                | "console"
                                | "shell-session"
                                | "shellsession"
                        );
                        fence = Some((c, run, shell));
                        continue;
                    }
                    _ => {}
                }
            }
        }
        match fence {
            Some((_, _, true)) => {
                let (skip, cmd) = strip_prompt(body);
                if !cmd.is_empty() && !cmd.starts_with('#') {
                    let s = start + indent + skip;
                    out.push(ShellLine {
                        range: s..s + cmd.len(),
                    });
                }
            }
            Some(_) => {}
            None => {
                let (skip, item) = strip_bullet(body);
                let (skip2, item) = strip_prompt(item);
                let inner = item.trim_start_matches('`');
                let ticks = item.len() - inner.len();
                let inner = inner.trim_end().trim_end_matches('`').trim_end();
                if (skip > 0 || skip2 > 0 || ticks > 0)
                    && COMMANDS.iter().any(|c| inner.starts_with(c))
                {
                    let s = start + indent + skip + skip2 + ticks;
                    out.push(ShellLine {
                        range: s..s + inner.len(),
                    });
                }
            }
        }
    }
    out
}

/// `$ cmd` / `> cmd` prompts: (bytes skipped, the rest).
fn strip_prompt(s: &str) -> (usize, &str) {
    for p in ["$ ", "% ", "> "] {
        if let Some(rest) = s.strip_prefix(p) {
            let r = rest.trim_start();
            return (s.len() - r.len(), r);
        }
    }
    (0, s)
}

/// `* item`, `- item`, `+ item`, `1. item`: (bytes skipped, the rest).
fn strip_bullet(s: &str) -> (usize, &str) {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    let rest = if digits > 0 {
        s[digits..].strip_prefix(['.', ')'])
    } else {
        s.strip_prefix(['*', '-', '+'])
    };
    match rest {
        Some(r) if r.starts_with([' ', '\t']) => {
            let r = r.trim_start();
            (s.len() - r.len(), r)
        }
        _ => (0, s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(t: &str) -> Vec<&str> {
        shell_lines(t).into_iter().map(|l| &t[l.range]).collect()
    }

    #[test]
    fn shell_blocks_and_command_items() {
        let t = "# App\n\n```bash\n# .envrc\nexport A=1\n$ make test\n```\n\n```sql\nDROP TABLE x;\n```\n* cp .env .env.testing\n- `export B=2`\n* composer install\nRun cp a b in prose.\n~~~\nls\n~~~\n";
        assert_eq!(
            lines(t),
            [
                "export A=1",
                "make test",
                "cp .env .env.testing",
                "export B=2",
                "ls"
            ]
        );
        assert!(shell_lines("```bash\nexport A=1").len() == 1);
        assert!(shell_lines("").is_empty());
    }
}
