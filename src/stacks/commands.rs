//! Shell commands that wipe a database, whatever the stack that runs them:
//! a framework's console command (`php artisan migrate:fresh`, `rails
//! db:reset`, `prisma migrate reset`, `mix ecto.reset`, `manage.py flush`),
//! a database client fed SQL (`psql -c 'TRUNCATE …'`, a heredoc), or a
//! client tool (`dropdb`). Each connects to the database its own
//! configuration names (the app's `.env`, `DATABASE_URL`, the flags
//! written beside it), not to the one the test runner that started it
//! was given: which database that is, is the command's business.

/// Each idiom as written, and what it does to the database it reaches.
/// SQL is matched in upper and lower case, never as a bare word (`truncate
/// -s 0 log` is coreutils, not SQL).
const DESTRUCTIVE: &[(&str, &str)] = &[
    ("migrate:fresh", "drops every table and migrates again"),
    (
        "migrate:refresh",
        "rolls back and re-runs every migration on it",
    ),
    ("migrate:reset", "rolls back every migration on it"),
    ("db:wipe", "drops all its tables"),
    ("doctrine:schema:drop", "drops its schema"),
    ("doctrine:database:drop", "drops it"),
    ("migrate reset", "resets it (prisma migrate reset)"),
    (
        "--force-reset",
        "drops and recreates it (prisma db push --force-reset)",
    ),
    ("db:drop", "drops it"),
    ("db:reset", "resets it"),
    ("schema:drop", "drops its schema"),
    ("ecto.reset", "drops and recreates it"),
    ("ecto.drop", "drops it"),
    ("manage.py flush", "deletes every row of every table"),
    ("dropdb ", "drops it"),
    ("TRUNCATE ", "truncates its tables"),
    ("truncate table", "truncates its tables"),
    ("DROP TABLE", "drops its tables"),
    ("drop table", "drops its tables"),
    ("DROP DATABASE", "drops it"),
    ("drop database", "drops it"),
    ("DROP SCHEMA", "drops its schema"),
    ("drop schema", "drops its schema"),
    ("DELETE FROM", "deletes rows of its tables"),
    ("delete from", "deletes rows of its tables"),
];

/// A destructive idiom found in a command or a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// Byte offset in the text searched.
    pub at: usize,
    /// The idiom as the message names it (`TRUNCATE`, `migrate:fresh`).
    pub idiom: &'static str,
    pub what: &'static str,
}

fn matcher() -> Option<&'static aho_corasick::AhoCorasick> {
    static MATCHER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    MATCHER
        .get_or_init(|| aho_corasick::AhoCorasick::new(DESTRUCTIVE.iter().map(|(p, _)| p)).ok())
        .as_ref()
}

/// The first destructive idiom of a command line or a shell script, outside
/// `#` comments (a commented-out `# TRUNCATE …` wipes nothing).
pub fn destructive(text: &str) -> Option<Found> {
    let matcher = matcher()?;
    if !matcher.is_match(text) {
        return None;
    }
    let code = crate::syntax::comments::blank(text, crate::syntax::comments::Style::Python);
    let m = matcher.find(&*code)?;
    let (idiom, what) = DESTRUCTIVE[m.pattern().as_usize()];
    Some(Found {
        at: m.start(),
        idiom: idiom.trim_end(),
        what,
    })
}

#[cfg(test)]
mod tests {
    use super::destructive;

    #[test]
    fn framework_commands_and_sql_wipe() {
        for (text, idiom) in [
            ("php artisan migrate:fresh --seed", "migrate:fresh"),
            ("npx prisma migrate reset --force", "migrate reset"),
            ("bin/rails db:reset", "db:reset"),
            (
                "psql -d app <<'SQL'\nTRUNCATE TABLE widgets CASCADE;\nSQL",
                "TRUNCATE",
            ),
            ("mysql app -e 'truncate table users'", "truncate table"),
            ("python manage.py flush --no-input", "manage.py flush"),
            ("dropdb app_dev", "dropdb"),
        ] {
            assert_eq!(destructive(text).map(|f| f.idiom), Some(idiom), "{text}");
        }
    }

    #[test]
    fn files_words_and_comments_do_not() {
        for text in [
            "truncate -s 0 storage/logs/laravel.log",
            "php artisan migrate --seed",
            "# TRUNCATE TABLE widgets;\necho ok",
            "npm run build && npx playwright install",
            "rails db:migrate",
        ] {
            assert_eq!(destructive(text), None, "{text}");
        }
    }

    #[test]
    fn the_span_is_the_idiom() {
        let text = "set -e\npsql <<SQL\nTRUNCATE widgets;\nSQL\n";
        let f = destructive(text).expect("found");
        assert_eq!(&text[f.at..f.at + f.idiom.len()], "TRUNCATE");
    }
}
