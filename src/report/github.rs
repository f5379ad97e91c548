//! `--format github`: one GitHub Actions workflow command per diagnostic, so
//! each finding becomes an annotation on its line. GitHub shows at most 10
//! annotations of each kind per step (the rest stay in the log).

use super::locate;
use crate::diagnostic::Severity;
use crate::engine::Outcome;

/// Escapes a workflow command's message (`%`, `\r`, `\n`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(p) = d.primary {
            let loc = locate(outcome, p);
            props.push(format!("file={}", escape_property(&loc.path)));
            props.push(format!("line={}", loc.line));
            // col/endColumn only describe a span on one line
            if loc.end_line == loc.line {
                props.push(format!("col={}", loc.column));
                props.push(format!("endLine={}", loc.end_line));
                props.push(format!("endColumn={}", loc.end_column));
            } else {
                props.push(format!("endLine={}", loc.end_line));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", d.code, d.rule))
        ));
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
