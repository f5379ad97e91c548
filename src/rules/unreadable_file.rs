//! TG002 unreadable-file.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

pub struct UnreadableFile;

static META: RuleMeta = RuleMeta {
    code: "TG002",
    name: "unreadable-file",
    default_severity: Severity::Warning,
    summary: "a recognised file cannot be read (permission, not UTF-8, over the size limit)",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A file whose name makes it test configuration could not be read: permission
denied, not valid UTF-8 (for example saved as UTF-16), or larger than the size
limit (8 MiB). Scanning goes on with the other files.

## Why it matters
testguard cannot vouch for a file it cannot read. A test dotenv file saved as
UTF-16 by an editor is also a file most dotenv loaders misread.

## Example
`.env.test` saved as UTF-16 LE fires: "not valid UTF-8".

## Fix
Save the file as UTF-8, fix its permissions, or — for a huge generated file
that only shares a config file's name — exclude it.

## Configure or suppress
Files that are not configuration can be excluded by path (`exclude` in
`testguard.toml`), or the rule ignored for them (`[per-path-ignores]`).
"#;

impl Rule for UnreadableFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for u in cx.unreadable {
            let path = &cx.ws.file(u.file).path;
            out.push(
                META.diag(Some(Span::new(u.file, 0, 0)), format!("{path} could not be read: {}", u.reason))
                    .with_help("save it as UTF-8 text within the size limit, or exclude it if it is not configuration"),
            );
        }
    }
}
