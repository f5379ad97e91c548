//! What `testguard runs` accounts for (SPEC §1b): every test run the stacks
//! recognised, every suite no run covers, and the database each reaches —
//! a verdict with the chain of files that decided it, or the reason it
//! cannot be decided, at the bytes where the chain ends. "Checked and
//! safe" and "not understood" are never the same silence.

use crate::source::{FileId, Span};

use super::RunnerFamily;

/// The database a run reaches, as far as the repository tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// A test database: named as one, or derived by the framework
    /// (`test_<NAME>`, `_test`, `dbname_suffix`).
    Test,
    /// In memory, a container or server the suite starts itself, a CI
    /// job's service container, a mocked client.
    Isolated,
    /// A development, production or shared database.
    NotTest,
    /// No database: no client, no setting, no ORM.
    None,
    /// The suite uses a database, and which one is decided where testguard
    /// cannot read (code, the caller's environment, a file the repository
    /// lacks).
    Unresolved,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Test => "test",
            Verdict::Isolated => "isolated",
            Verdict::NotTest => "not-test",
            Verdict::None => "none",
            Verdict::Unresolved => "unresolved",
        }
    }

    /// Every verdict, in the order summaries count them.
    pub const ALL: [Verdict; 5] = [
        Verdict::Test,
        Verdict::Isolated,
        Verdict::NotTest,
        Verdict::Unresolved,
        Verdict::None,
    ];
}

/// One link of the chain that decided a verdict: a file's bytes and what
/// they say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub span: Span,
    pub what: String,
}

/// A run's database: the verdict, what it is, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseVerdict {
    pub verdict: Verdict,
    /// `postgres`, `mysql`, `sqlite`, `mongodb`, when the setting says.
    pub engine: Option<String>,
    /// The database's name (never a secret: names are shown by the rules too).
    pub name: Option<String>,
    pub host: Option<String>,
    /// The chain of settings that decided it, the deciding one first.
    pub decided_by: Vec<Decision>,
    /// Why the verdict is what it is, for `unresolved` and `none` above all.
    pub reason: Option<String>,
    /// Where the chain ends: the bytes the reason is about.
    pub reason_at: Option<Span>,
}

impl DatabaseVerdict {
    pub fn new(verdict: Verdict) -> Self {
        DatabaseVerdict {
            verdict,
            engine: None,
            name: None,
            host: None,
            decided_by: Vec::new(),
            reason: None,
            reason_at: None,
        }
    }

    pub fn because(mut self, reason: impl Into<String>, at: Option<Span>) -> Self {
        self.reason = Some(reason.into());
        self.reason_at = at;
        self
    }
}

/// One line of `testguard runs`: a test run, or a suite no run covers.
#[derive(Clone, Debug)]
pub struct RunAccount {
    /// Stable within a repository: the entry's path, line and runner.
    pub id: String,
    /// For humans: "Laravel test run (phpunit.xml)", "suite `tests/`".
    pub name: String,
    /// `PHPUnit`, `pytest`, `Jest`, `rspec`, `mix test`, `go test`; `None`
    /// for a suite whose runner was not recognised.
    pub runner: Option<String>,
    pub framework: Option<String>,
    pub family: Option<RunnerFamily>,
    /// Where the run is started (a runner config's element, a script, a CI
    /// step); a suite's folder has no bytes of its own.
    pub entry: Option<Span>,
    /// The entry's path (the suite's folder when there is no entry file).
    pub path: String,
    /// The folder it runs in.
    pub dir: String,
    /// Every file the run's verdict rests on: its findings are those
    /// reported on these files.
    pub files: Vec<FileId>,
    pub database: DatabaseVerdict,
    /// The codes of the findings on the run (after the rules).
    pub findings: Vec<&'static str>,
}

/// A folder of tests the ecosystem's runners collect, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suite {
    pub dir: String,
    /// For humans: "`tests/`", "3 Go packages with `_test.go` files".
    pub what: String,
    /// The suite lies in a project template (`{{cookiecutter.app_name}}/`):
    /// its configuration is only complete in a project generated from it.
    pub template: bool,
}

/// One piece of evidence in a manifest: what it is, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// For humans: "`psycopg2` in requirements.txt".
    pub what: String,
    pub span: Span,
}
