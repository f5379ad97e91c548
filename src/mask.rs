//! Secrets never leave testguard. Each file gets a masked copy of its
//! text, byte for byte the same length, in which every secret byte is `*`; the
//! snippets of every output are cut from that copy, so spans stay valid and no
//! password, token or key is ever printed. Messages name databases through
//! [`display_value`], which masks the same way.

use std::ops::Range;
use std::sync::OnceLock;

use regex_automata::meta::Regex;

use crate::database::{DatabaseRef, DbKeyKind, contains_reference, db_key_kind};
use crate::model::{Setting, Workspace};

/// Whether a key holds a credential whose value is secret.
pub fn is_credential_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    const WORDS: &[&str] = &[
        "PASSWORD",
        "PASSWD",
        "PWD",
        "PASS",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "CREDENTIAL",
        "CREDENTIALS",
        "AUTH",
    ];
    let parts: Vec<&str> = k.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    parts.iter().any(|p| WORDS.contains(p))
        || k.ends_with("_KEY")
        || k.ends_with("API_KEY")
        || k.ends_with("PRIVATE_KEY")
        || k == "KEY"
        || k.contains("SECRET")
        || k.contains("PASSWORD")
}

// The patterns match ASCII only (`(?-u)`, as `crate::syntax::ascii_regex`),
// and, unlike those, are built without literal prefilters: a run that masks anything compiles them first, and that took
// 1.6 ms in their Unicode form with prefilters, against 0.5 ms so (texts
// here are kilobytes, where a prefilter saves little). A match starts and
// ends next to an ASCII byte or at the text's ends, so its range never
// splits a character.
fn masking_regex(pattern: &str) -> Regex {
    Regex::builder()
        .configure(Regex::config().auto_prefilter(false).utf8_empty(false))
        .syntax(regex_automata::util::syntax::Config::new().utf8(false))
        .build(pattern)
        .unwrap_or_else(|_| unreachable!())
}

fn live_key_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        masking_regex(
            r"(?-u)\b(?:(?:sk|rk)_live_[0-9A-Za-z]{8,}|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|gh[pousr]_[0-9A-Za-z]{30,}|github_pat_[0-9A-Za-z_]{30,}|xox[abprs]-[0-9A-Za-z-]{10,}|glpat-[0-9A-Za-z_-]{20,}|SG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,})",
        )
    })
}

/// Live credentials in a value: byte ranges of every match.
pub fn live_keys(value: &str) -> Vec<Range<usize>> {
    // every pattern starts with one of these: most texts hold none, and
    // then the pattern is never built
    const STARTS: [&str; 12] = [
        "_live_",
        "AKIA",
        "ASIA",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "xox",
        "glpat-",
        "SG.",
    ];
    if !STARTS.iter().any(|s| value.contains(s)) {
        return Vec::new();
    }
    live_key_re()
        .find_iter(value.as_bytes())
        .map(|m| m.range())
        .collect()
}

fn text_secret_res() -> &'static [Regex; 3] {
    static RE: OnceLock<[Regex; 3]> = OnceLock::new();
    RE.get_or_init(|| {
        let re = masking_regex;
        [
            // userinfo password in any URL: scheme://user:PASSWORD@host
            re(r"(?-u)[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s'`<>]*:([^@\s/'`<>]+)@"),
            // KEY=value, KEY: value, KEY = "value" for credential-looking keys (also in
            // comments); on one line: `APP_SECRET=` with no value masks nothing below it;
            // and a quoted pair, PHP's `define('DB_PASSWORD', 'value')`
            re(r#"(?i-u)\b[A-Z0-9_.-]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|_PWD|_PASS)[A-Z0-9_.-]*(?:["']?[ \t]*[=:][ \t]*["']?|["'][ \t]*,[ \t]*["'])([^"'\s#,<>]+)"#),
            // ?password=… in query strings
            re(r"(?i-u)[?&](?:password|pass|pwd|sslpassword)=([^&\s'`<>]+)"),
        ]
    })
}

/// The secret ranges of one setting: its whole value for credential keys, a
/// URL's password, and any live key.
pub fn setting_secrets(s: &Setting, extra_db_keys: &[String]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let v = &s.value;
    if v.is_empty() {
        return out;
    }
    if is_credential_key(&s.key.value) && !contains_reference(v) {
        out.push(0..v.len());
    }
    let kind = db_key_kind(&s.key.value, extra_db_keys).unwrap_or(DbKeyKind::Url);
    if v.contains("://") || v.contains("password=") || kind != DbKeyKind::Url {
        out.extend(DatabaseRef::parse(v, kind).secrets);
    }
    out.extend(live_keys(v));
    out
}

/// A value as it may be shown in a message: secrets replaced by `****`.
pub fn display_value(s: &Setting, extra_db_keys: &[String]) -> String {
    mask_ranges(&s.value, &setting_secrets(s, extra_db_keys))
}

/// `text` with each range replaced by `****`.
pub fn mask_ranges(text: &str, ranges: &[Range<usize>]) -> String {
    let mut ranges: Vec<Range<usize>> = ranges
        .iter()
        .filter(|r| r.start < r.end && r.end <= text.len())
        .cloned()
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut out = String::new();
    let mut pos = 0;
    for r in ranges {
        if r.start < pos {
            pos = pos.max(r.end);
            continue;
        }
        out.push_str(text.get(pos..r.start).unwrap_or(""));
        out.push_str("****");
        pos = r.end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}

/// A file's text with every secret byte replaced by `*` (the same length,
/// so spans stay valid), made once and kept with the file.
pub fn masked(f: &crate::source::SourceFile) -> &str {
    f.masked_cache()
        .get_or_init(|| masked_text(f, f.secret_ranges.clone()))
}

/// Records in every file the ranges of its settings' secrets, from which
/// [`SourceFile::masked`](crate::source::SourceFile::masked) is made when it
/// is first needed.
pub fn mask_workspace(ws: &mut Workspace) {
    let mut per_file: Vec<Vec<Range<usize>>> = vec![Vec::new(); ws.files.len()];
    let mut holds_settings = vec![false; ws.files.len()];
    let settings = ws
        .envs
        .iter()
        .flat_map(|e| e.settings.iter())
        .chain(ws.dev_dotenvs.iter().flat_map(|d| d.settings.iter()))
        .chain(ws.pytest_configs().flat_map(|c| c.settings.iter()))
        .chain(ws.invocation.iter().flat_map(|i| i.caller.iter()));
    for s in settings {
        if let Some(h) = holds_settings.get_mut(s.value_span.file.0) {
            *h = true;
        }
        for r in setting_secrets(s, &[]) {
            let span = s.value_sub_span(r);
            if let Some(v) = per_file.get_mut(span.file.0) {
                v.push(span.start..span.end);
            }
        }
    }
    for ((f, ranges), holds) in ws.files.iter_mut().zip(per_file).zip(holds_settings) {
        f.secret_ranges = ranges;
        f.holds_settings = holds;
    }
}

/// Whether a file's hidden text can stand in a message: configuration, and
/// code a setting was read from (a bootstrap file's `$_ENV[…]`, a settings
/// module). Messages quote settings' values, never other test code, so a
/// suite's hundreds of test files are masked only where a snippet shows them.
fn quotable(f: &crate::source::SourceFile) -> bool {
    f.holds_settings
        || !matches!(
            f.kind,
            crate::source::SourceKind::TestCode | crate::source::SourceKind::NodeCode
        )
}

/// Masks every file now, on several threads (each file's text scan is
/// independent): before the whole workspace's secrets are needed at once.
pub fn mask_all(ws: &Workspace, which: fn(&crate::source::SourceFile) -> bool) {
    let ids: Vec<usize> = (0..ws.files.len())
        .filter(|&i| which(&ws.files[i]))
        .collect();
    let bytes: usize = ids.iter().map(|&i| ws.files[i].text.len()).sum();
    if bytes < PARALLEL_MASK_MIN_BYTES {
        for &i in &ids {
            let _ = masked(&ws.files[i]);
        }
        return;
    }
    crate::parallel::map(&ids, |&i| masked(&ws.files[i]).len());
}

/// Below this much text, masking on one thread is faster: each new thread
/// starts the patterns' lazy automata from nothing.
const PARALLEL_MASK_MIN_BYTES: usize = 512 * 1024;

/// One file's text with every secret byte masked: the settings' secret
/// `ranges`, then what the text patterns and live keys find.
pub(crate) fn masked_text(f: &crate::source::SourceFile, mut ranges: Vec<Range<usize>>) -> String {
    // in code a literal secret is quoted; `SECRET_KEY = os.environ.get(…)`
    // is an expression, and masking it would rewrite ordinary words
    let code = matches!(
        f.kind,
        crate::source::SourceKind::AppCode | crate::source::SourceKind::NodeCode
    );
    for m in text_secret_values(f.text.as_bytes()) {
        {
            let value = f.text.get(m.range()).unwrap_or("");
            if !contains_reference(value) {
                let quoted = f.text.as_bytes()[..m.start].ends_with(b"\"")
                    || f.text.as_bytes()[..m.start].ends_with(b"'");
                // a URL's userinfo password (`://user:PASSWORD@`) is a
                // secret in code too: only the keyword pattern can match
                // an expression
                let userinfo = f.text.as_bytes().get(m.end) == Some(&b'@');
                if code && !quoted && !userinfo && !value.contains("://") {
                    continue;
                }
                ranges.push(m.range());
            }
        }
    }
    ranges.extend(live_keys(&f.text));
    mask_bytes(&f.text, &ranges)
}

/// The secret values (capture group 1) of every match of the text
/// patterns, pattern by pattern, each over the lines that can hold a match.
fn text_secret_values(bytes: &[u8]) -> Vec<regex_automata::Span> {
    let mut out = Vec::new();
    for (re, lines) in text_secret_res().iter().zip(lines_with_literals(bytes)) {
        for line in lines {
            let input = regex_automata::Input::new(bytes).range(line);
            out.extend(
                re.captures_iter(input)
                    .filter_map(|c| c.get_group(1))
                    .map(|span| keyword_value_end(bytes, span)),
            );
        }
    }
    out
}

/// A masked value that runs on into the next `Key=value` pair of a
/// connection string (`Password=s3cret;TrustServerCertificate=true`) ends
/// at that `;`: the pair after it is an ordinary word. A `;` not followed
/// by a key and `=` stays inside the secret.
fn keyword_value_end(bytes: &[u8], span: regex_automata::Span) -> regex_automata::Span {
    let v = &bytes[span.start..span.end];
    let mut i = 0;
    while let Some(p) = v[i..].iter().position(|&b| b == b';') {
        let semi = i + p;
        let key_len = v[semi + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b' ' || **b == b'_')
            .count();
        if key_len > 0 && v.get(semi + 1 + key_len) == Some(&b'=') {
            return regex_automata::Span {
                start: span.start,
                end: span.start + semi,
            };
        }
        i = semi + 1;
    }
    span
}

/// Literals of which every match of `text_secret_res()[i]` holds one
/// (ASCII case aside): a match lies within one line, so each pattern runs
/// only over the lines that hold one of its literals (a configuration file's
/// lines mostly hold none, and the patterns' scan was most of masking).
const TEXT_SECRET_LITERALS: [&[&str]; 3] = [
    &["://"],
    &[
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "privatekey",
        "private_key",
        "accesskey",
        "access_key",
        "_pwd",
        "_pass",
    ],
    &["password=", "pass=", "pwd="],
];

/// For each text pattern, the byte ranges of the lines of `text` that hold
/// one of its literals, in order.
fn lines_with_literals(text: &[u8]) -> [Vec<Range<usize>>; 3] {
    static FINDER: OnceLock<(aho_corasick::AhoCorasick, Vec<usize>)> = OnceLock::new();
    let (finder, owner) = FINDER.get_or_init(|| {
        let (literals, owner): (Vec<&str>, Vec<usize>) = TEXT_SECRET_LITERALS
            .iter()
            .enumerate()
            .flat_map(|(i, ls)| ls.iter().map(move |l| (*l, i)))
            .unzip();
        let finder = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(literals)
            .unwrap_or_else(|_| unreachable!());
        (finder, owner)
    });
    let mut lines: [Vec<Range<usize>>; 3] = Default::default();
    for m in finder.find_overlapping_iter(text) {
        let Some(&i) = owner.get(m.pattern().as_usize()) else {
            continue;
        };
        if lines[i].last().is_some_and(|l| l.end > m.start()) {
            continue;
        }
        let start = text[..m.start()]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let end = text[m.end()..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |p| m.end() + p);
        lines[i].push(start..end);
    }
    lines
}

/// What every output shows for a secret: the same four stars whatever the
/// secret's length, so that not even its length leaves testguard.
pub const MASK: &str = "****";

/// The byte ranges of a file's text that masking hides: each maximal run of
/// bytes the masked copy turned into `*`.
pub fn hidden_runs(f: &crate::source::SourceFile) -> Vec<Range<usize>> {
    let (t, m) = (f.text.as_bytes(), masked(f).as_bytes());
    // most files hide nothing: one comparison says so
    if t == m {
        return Vec::new();
    }
    let hidden = |i: usize| m.get(i) == Some(&b'*') && t[i] != b'*';
    let mut runs = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if !hidden(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < t.len() && hidden(i) {
            i += 1;
        }
        runs.push(start..i);
    }
    runs
}

/// A text as it is shown: each hidden range replaced by [`MASK`], with the
/// map from offsets in the original text to offsets in the shown one (spans
/// move with it; a span's end inside a secret falls after its mask).
#[derive(Clone, Debug)]
pub struct Redacted {
    pub text: String,
    /// Each hidden range of the original, and where its mask starts.
    cuts: Vec<(Range<usize>, usize)>,
}

impl Redacted {
    /// `ranges`: sorted, non-overlapping, on character boundaries (as
    /// [`hidden_runs`] gives them).
    pub fn new(text: &str, ranges: &[Range<usize>]) -> Redacted {
        let mut out = String::with_capacity(text.len());
        let mut cuts = Vec::with_capacity(ranges.len());
        let mut pos = 0;
        for r in ranges {
            if r.start < pos || r.end > text.len() || r.start >= r.end {
                continue;
            }
            let (Some(before), true) = (text.get(pos..r.start), text.is_char_boundary(r.end))
            else {
                continue;
            };
            out.push_str(before);
            cuts.push((r.clone(), out.len()));
            out.push_str(MASK);
            pos = r.end;
        }
        out.push_str(text.get(pos..).unwrap_or(""));
        Redacted { text: out, cuts }
    }

    /// A file's text as it is shown.
    pub fn of(f: &crate::source::SourceFile) -> Redacted {
        Redacted::new(&f.text, &hidden_runs(f))
    }

    /// Where an offset of the original text falls in the shown text; `end`
    /// says whether it ends a span (inside a secret: after its mask).
    pub fn offset(&self, at: usize, end: bool) -> usize {
        let mut shift: isize = 0;
        for (r, masked_at) in &self.cuts {
            if at <= r.start {
                break;
            }
            if at < r.end {
                return if end {
                    masked_at + MASK.len()
                } else {
                    *masked_at
                };
            }
            shift += MASK.len() as isize - r.len() as isize;
        }
        (at as isize + shift).max(0) as usize
    }

    /// A span's byte range in the shown text.
    pub fn range(&self, start: usize, end: usize) -> Range<usize> {
        let s = self.offset(start, false);
        let e = self.offset(end, true).max(s);
        if start == end { s..s } else { s..e }
    }
}

/// Every text that masking hid (each maximal run of masked bytes) and that
/// stands unmasked in no file: text a password shares with a database name
/// (`test` beside `latest`) reveals nothing when printed.
pub fn hidden_secrets(ws: &Workspace) -> Vec<&str> {
    hidden_secrets_in(ws, |_| true)
}

/// [`hidden_secrets`] of the files `which` picks, unmasked nowhere among them.
fn hidden_secrets_in(ws: &Workspace, which: fn(&crate::source::SourceFile) -> bool) -> Vec<&str> {
    hidden_secrets_among(ws, which, None)
}

/// [`hidden_secrets_in`], of the runs that occur in `texts` only (when
/// given): what cleaning those texts needs, without scanning every file for
/// runs that no text quotes.
fn hidden_secrets_among<'w>(
    ws: &'w Workspace,
    which: fn(&crate::source::SourceFile) -> bool,
    texts: Option<&[&str]>,
) -> Vec<&'w str> {
    let mut runs: Vec<&str> = Vec::new();
    for f in ws.files.iter().filter(|f| which(f)) {
        runs.extend(hidden_runs(f).into_iter().filter_map(|r| f.text.get(r)));
    }
    if let Some(texts) = texts {
        let mut unique = runs.clone();
        unique.sort_unstable();
        unique.dedup();
        let Ok(finder) = aho_corasick::AhoCorasick::new(&unique) else {
            return runs;
        };
        let mut quoted = vec![false; unique.len()];
        for t in texts {
            for m in finder.find_overlapping_iter(*t) {
                quoted[m.pattern().as_usize()] = true;
            }
        }
        runs.retain(|r| {
            unique
                .binary_search(r)
                .is_ok_and(|i| quoted.get(i).copied().unwrap_or(false))
        });
        if runs.is_empty() {
            return runs;
        }
    }
    let mut unique = runs.clone();
    unique.sort_unstable();
    unique.dedup();
    // every masked text scanned once for all the runs at the same time
    let Ok(finder) = aho_corasick::AhoCorasick::new(&unique) else {
        return runs;
    };
    let mut shown = vec![false; unique.len()];
    for f in ws.files.iter().filter(|f| which(f)) {
        for m in finder.find_overlapping_iter(masked(f)) {
            shown[m.pattern().as_usize()] = true;
        }
    }
    runs.retain(|r| {
        unique
            .binary_search(r)
            .is_ok_and(|i| !shown.get(i).copied().unwrap_or(false))
    });
    runs
}

/// The last line of defence: any text that masking hid in a file is replaced
/// by `****` wherever a rule's message, label or help quotes it (a database
/// "name" parsed out of a malformed URL can carry the password with it), and
/// in what `testguard runs` prints of each run (its name, its database's name
/// and host, the chain and the reason): one cleaner for every text a lint
/// prints, every group of findings and the run accounts.
pub fn scrub_all(ws: &mut Workspace, groups: &mut [&mut Vec<crate::diagnostic::Diagnostic>]) {
    let mut accounts = std::mem::take(&mut ws.accounts);
    scrub_with_one_cleaner(ws, groups, &mut accounts);
    ws.accounts = accounts;
}

fn scrub_with_one_cleaner(
    ws: &Workspace,
    groups: &mut [&mut Vec<crate::diagnostic::Diagnostic>],
    accounts: &mut [crate::model::RunAccount],
) {
    let clean = {
        let mut texts: Vec<&str> = Vec::new();
        for d in groups.iter().flat_map(|g| g.iter()) {
            texts.extend(
                [
                    Some(d.message.as_str()),
                    d.help.as_deref(),
                    d.primary_label.as_deref(),
                ]
                .into_iter()
                .flatten()
                .chain(d.labels.iter().map(|l| l.message.as_str())),
            );
        }
        for a in accounts.iter() {
            let db = &a.database;
            texts.extend(
                [
                    Some(a.name.as_str()),
                    db.name.as_deref(),
                    db.host.as_deref(),
                    db.reason.as_deref(),
                    db.engine.as_deref(),
                ]
                .into_iter()
                .flatten()
                .chain(db.decided_by.iter().map(|d| d.what.as_str())),
            );
        }
        if texts.is_empty() {
            None
        } else {
            cleaner(ws, &texts)
        }
    };
    if let Some(clean) = clean {
        for d in groups.iter_mut().flat_map(|g| g.iter_mut()) {
            clean(&mut d.message);
            if let Some(h) = d.help.as_mut() {
                clean(h);
            }
            if let Some(l) = d.primary_label.as_mut() {
                clean(l);
            }
            for l in &mut d.labels {
                clean(&mut l.message);
            }
        }
        for a in accounts.iter_mut() {
            clean(&mut a.name);
            let db = &mut a.database;
            for s in [&mut db.name, &mut db.host, &mut db.reason, &mut db.engine]
                .into_iter()
                .flatten()
            {
                clean(s);
            }
            for d in &mut db.decided_by {
                clean(&mut d.what);
            }
        }
    }
}

/// What replaces every secret the workspace holds (at least four bytes
/// long) in a text, `None` when it holds none.
fn cleaner<'w>(ws: &'w Workspace, texts: &[&str]) -> Option<impl Fn(&mut String) + 'w> {
    mask_all(ws, quotable);
    let mut secrets: Vec<&str> = hidden_secrets_among(ws, quotable, Some(texts))
        .into_iter()
        // very short runs (`p` in `u:p@h`) would mangle ordinary words
        .filter(|s| s.len() >= 4)
        .collect();
    if secrets.is_empty() {
        return None;
    }
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    Some(move |text: &mut String| {
        for s in &secrets {
            if text.contains(s) {
                *text = replace_unless_prose(text, s);
            }
        }
    })
}

/// `text` with each occurrence of `secret` replaced by `****`, except where
/// it stands as an ordinary word of the message's own prose: a purely
/// alphabetic secret (`root`) that is a whole word, outside the backticks in
/// which messages quote values ("the Node project in the repository root").
/// Inside backticks, or as part of a longer token (`app:root@db`), it is a
/// quoted value and is hidden.
fn replace_unless_prose(text: &str, secret: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, prose) in occurrences(text, secret) {
        out.push_str(&text[last..at]);
        out.push_str(if prose { secret } else { "****" });
        last = at + secret.len();
    }
    out.push_str(&text[last..]);
    out
}

/// How often `secret` stands in `text` as a quoted value rather than as a
/// prose word (what [`scrub`] hides): the fuzz invariants count leaks so.
pub fn quoted_occurrences(text: &str, secret: &str) -> usize {
    occurrences(text, secret)
        .filter(|(_, prose)| !prose)
        .count()
}

/// Each non-overlapping occurrence's offset, and whether it is prose.
fn occurrences<'t>(text: &'t str, secret: &'t str) -> impl Iterator<Item = (usize, bool)> + 't {
    let alphabetic = !secret.is_empty() && secret.chars().all(char::is_alphabetic);
    let mut last = 0;
    text.match_indices(secret).filter_map(move |(at, _)| {
        if at < last {
            return None;
        }
        let end = at + secret.len();
        last = end;
        let inside_quote = text[..at].matches('`').count() % 2 == 1;
        let word_start = text[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let word_end = text[end..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || ".,;:!?)".contains(c));
        Some((at, alphabetic && !inside_quote && word_start && word_end))
    })
}

/// `text` with every byte of each range replaced by `*` (same length, so
/// spans stay valid; ranges are widened to character boundaries).
pub fn mask_bytes(text: &str, ranges: &[Range<usize>]) -> String {
    if ranges.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    for r in ranges {
        let mut start = r.start.min(text.len());
        let mut end = r.end.min(text.len());
        while start > 0 && !text.is_char_boundary(start) {
            start -= 1;
        }
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        for b in &mut bytes[start..end] {
            *b = b'*';
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_keeps_the_message_prose_and_hides_quoted_values() {
        assert_eq!(
            replace_unless_prose("the Node project in the repository root configures", "root"),
            "the Node project in the repository root configures"
        );
        assert_eq!(
            replace_unless_prose("uses database `root` at app:root@db, root.", "root"),
            "uses database `****` at app:****@db, root."
        );
        assert_eq!(
            replace_unless_prose("password s3cret-pw here", "s3cret-pw"),
            "password **** here"
        );
    }

    #[test]
    fn text_masking_keeps_length_and_hides_secrets() {
        let text = "DATABASE_URL=postgres://app:hunter2@db/app_test\n# DB_PASSWORD=oldpass\nKEY=sk_live_abcdefghijkl\nX=https://h/?password=p4ss&x=1\n";
        let mut ws = Workspace::default();
        ws.files.push(crate::source::SourceFile::new(
            "t".into(),
            crate::source::SourceKind::DotenvTest,
            text.into(),
        ));
        mask_workspace(&mut ws);
        let m = masked(&ws.files[0]);
        assert_eq!(m.len(), text.len());
        for secret in ["hunter2", "oldpass", "sk_live_abcdefghijkl", "p4ss"] {
            assert!(!m.contains(secret), "{secret} in {m}");
        }
        assert!(m.contains("app_test") && m.contains("@db/"));
    }

    #[test]
    fn a_connection_string_password_ends_at_the_next_pair() {
        let text = "{\"Default\": \"Server=db;Database=Shop;Password=Secret123!;TrustServerCertificate=true\",\n \"Other\": \"Password=pa;ss\"}\n";
        let mut ws = Workspace::default();
        ws.files.push(crate::source::SourceFile::new(
            "appsettings.json".into(),
            crate::source::SourceKind::DotnetAppSettings,
            text.into(),
        ));
        mask_workspace(&mut ws);
        let m = masked(&ws.files[0]);
        assert!(
            !m.contains("Secret123!") && !m.contains("pa;ss") && !m.contains(";ss"),
            "{m}"
        );
        assert!(m.contains(";TrustServerCertificate=true"), "{m}");
    }

    #[test]
    fn credential_keys() {
        for k in [
            "DB_PASSWORD",
            "STRIPE_SECRET",
            "API_TOKEN",
            "APP_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "MYSQL_ROOT_PASSWORD",
        ] {
            assert!(is_credential_key(k), "{k}");
        }
        for k in [
            "DB_DATABASE",
            "APP_ENV",
            "DATABASE_URL",
            "DB_HOST",
            "KEYCLOAK_URL",
        ] {
            assert!(!is_credential_key(k), "{k}");
        }
    }

    #[test]
    fn code_masks_quoted_secrets_not_expressions() {
        use crate::source::{SourceFile, SourceKind};
        let text =
            "SECRET_KEY = os.environ.get(\"SECRET_KEY\", \"dev\")\nDB_PASSWORD = \"hunter22\"\n";
        let mut ws = Workspace {
            files: vec![SourceFile::new(
                "config.py".into(),
                SourceKind::AppCode,
                text.into(),
            )],
            ..Workspace::default()
        };
        mask_workspace(&mut ws);
        let masked = masked(&ws.files[0]);
        assert!(masked.contains("SECRET_KEY = os.environ.get("), "{masked}");
        assert!(!masked.contains("hunter22"), "{masked}");
        assert_eq!(masked.len(), text.len());
    }

    #[test]
    fn every_live_key_form_passes_the_literal_precheck() {
        let keys = [
            "sk_live_51HqLyjWDarjtT1zd",
            "rk_live_51HqLyjWDarjtT1zd",
            "AKIAZ7QHJ5K2LMNOPQRS",
            "ASIAZ7QHJ5K2LMNOPQRS",
            "ghp_0123456789abcdefghijABCDEFGHIJ0123",
            "gho_0123456789abcdefghijABCDEFGHIJ0123",
            "ghu_0123456789abcdefghijABCDEFGHIJ0123",
            "ghs_0123456789abcdefghijABCDEFGHIJ0123",
            "ghr_0123456789abcdefghijABCDEFGHIJ0123",
            "github_pat_0123456789abcdefghij_ABCDEFGHIJ",
            "xoxb-0123456789-abcdef",
            "glpat-0123456789abcdefghij",
            "SG.0123456789abcdef.0123456789abcdef",
        ];
        for k in keys {
            let text = format!("KEY={k}\n");
            assert_eq!(
                live_keys(&text),
                vec![Range {
                    start: 4,
                    end: 4 + k.len()
                }],
                "{k}"
            );
        }
        assert!(live_keys("DATABASE_URL=postgres://localhost/shop\n").is_empty());
    }

    /// Scanning only the lines that hold a pattern's literals finds exactly
    /// what scanning the whole text finds, over texts made of the patterns'
    /// pieces in a fixed pseudo-random order.
    #[test]
    fn line_prefilter_finds_what_a_whole_scan_finds() {
        const PARTS: [&str; 30] = [
            "PASSWORD",
            "db_pass",
            "Secret",
            "api_key",
            "TOKEN",
            "x",
            "_PWD",
            "ok",
            "://",
            "postgres://u:",
            "@",
            ":",
            "=",
            " ",
            "\t",
            "\n",
            "\r\n",
            "\"",
            "'",
            "?",
            "&",
            "password=",
            "pwd=",
            "pass=",
            "h",
            "#",
            "é",
            "-",
            ".",
            "AKIA",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % n
        };
        let mut matched = 0;
        for _ in 0..4000 {
            let len = next(40);
            let text: String = (0..len).map(|_| PARTS[next(PARTS.len())]).collect();
            let mut whole = Vec::new();
            for re in text_secret_res() {
                whole.extend(
                    re.captures_iter(text.as_bytes())
                        .filter_map(|c| c.get_group(1)),
                );
            }
            matched += whole.len();
            assert_eq!(text_secret_values(text.as_bytes()), whole, "{text:?}");
        }
        // the texts do hold secrets: the comparison is not of empty lists
        assert!(matched > 1000, "{matched}");
    }

    #[test]
    fn mask_ranges_uses_stars() {
        let password = 2..3;
        assert_eq!(
            mask_ranges("a:b@c", std::slice::from_ref(&password)),
            "a:****@c"
        );
    }
}
