//! The account stage (SPEC §1b): after precedence is applied, every test
//! run the stacks recognised — and every suite no run covers — gets a
//! database verdict, with the chain of settings that decided it or the
//! reason it cannot be decided.
//!
//! The verdict is read from what the run really gets (its effective
//! settings, a framework's test database entry, what its test code
//! isolates), the same values the rules judge; `lint` and `testguard runs`
//! share it. Where the chain ends in something testguard cannot read —
//! code, the caller's environment, a file the repository lacks — the run is
//! `unresolved`, with the bytes where it ends.

use crate::database::{
    DatabaseRef, DbKeyKind, JdbcTarget, Markers, contains_reference, db_key_kind, parse_jdbc,
};
use crate::model::run::{RunFacts, ShellReset};
use crate::model::{
    DatabaseVerdict, Decision, EnvSource, EnvTemplate, EnvironmentDatabase, Evidence, Project,
    RunAccount, RunnerFamily, Setting, TestEnv, TestRun, Verdict, Workspace,
};
use crate::paths::{ancestors, is_within, join};
use crate::policy::Policy;
use crate::source::{FileId, Span};

/// The stage: fills [`Workspace::accounts`].
pub fn stage(ws: &mut Workspace, policy: &Policy) {
    let judge = Judge {
        ws,
        markers: &policy.markers,
        extra_keys: &policy.extra_db_keys,
        extra_local: &policy.extra_local_hosts,
    };
    let mut accounts = Vec::new();
    for run in &ws.runs {
        accounts.push(judge.run(run));
    }
    let owned: std::collections::HashSet<usize> = ws.runs.iter().filter_map(|r| r.env).collect();
    // the files a recognised run reads: its entry and its layers
    let held: std::collections::HashSet<crate::source::FileId> = ws
        .runs
        .iter()
        .flat_map(|r| std::iter::once(r.entry.file).chain(r.layers.iter().filter_map(|l| l.file)))
        .collect();
    for (i, env) in ws.envs.iter().enumerate() {
        let held_by_run = env.ci().is_none() && held.contains(&env.file);
        if owned.contains(&i) || env.source == EnvSource::TestRun || held_by_run {
            continue;
        }
        accounts.push(judge.env(env));
    }
    judge.environment_databases(&mut accounts);
    judge.test_environment_settings(&mut accounts);
    judge.other_runs(&mut accounts);
    judge.uncovered_suites(&mut accounts);
    // runs of one file with one runner that reach one database the same
    // way (`npm test`, `test:watch`, `test:cov`) are one line
    let mut merged: Vec<(RunAccount, usize)> = Vec::with_capacity(accounts.len());
    // the merged entries of each (file, runner, family, folder)
    let mut by_entry: std::collections::HashMap<(String, String, String, String), Vec<usize>> =
        std::collections::HashMap::new();
    for a in accounts {
        // the same database for the same reason (where each run's chain
        // ends may be its own line)
        let same_database = |x: &DatabaseVerdict, y: &DatabaseVerdict| {
            (&x.verdict, &x.engine, &x.name, &x.host, &x.reason)
                == (&y.verdict, &y.engine, &y.name, &y.host, &y.reason)
                && x.decided_by
                    .iter()
                    .map(|d| &d.what)
                    .eq(y.decided_by.iter().map(|d| &d.what))
        };
        let key = (
            a.path.clone(),
            format!("{:?}", a.runner),
            format!("{:?}", a.family),
            a.dir.clone(),
        );
        let same = if a.entry.is_some() {
            by_entry.get(&key).and_then(|ids| {
                ids.iter().copied().find(|&i| {
                    merged[i].0.entry.is_some() && same_database(&merged[i].0.database, &a.database)
                })
            })
        } else {
            None
        };
        match same {
            Some(i) => {
                let (m, n) = &mut merged[i];
                m.files.extend(a.files);
                *n += 1;
            }
            None => {
                by_entry.entry(key).or_default().push(merged.len());
                merged.push((a, 0));
            }
        }
    }
    let mut accounts: Vec<RunAccount> = merged
        .into_iter()
        .map(|(mut a, n)| {
            if n > 0 {
                a.name = format!(
                    "{} and {n} more run{} like it",
                    a.name,
                    if n == 1 { "" } else { "s" }
                );
            }
            a
        })
        .collect();
    for a in &mut accounts {
        a.files.sort();
        a.files.dedup();
    }
    accounts.sort_by(|a, b| (&a.path, &a.id).cmp(&(&b.path, &b.id)));
    // one entry per id: the same file and line reached twice is one run
    accounts.dedup_by(|a, b| a.id == b.id);
    ws.accounts = accounts;
}

/// What a run is, for its account.
struct Who {
    name: String,
    runner: Option<String>,
    framework: Option<String>,
    family: Option<RunnerFamily>,
}

struct Judge<'a> {
    ws: &'a Workspace,
    markers: &'a Markers,
    extra_keys: &'a [String],
    extra_local: &'a [String],
}

/// How bad a verdict is, for a run with several database settings: the
/// worst one is the run's.
fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::NotTest => 4,
        Verdict::Unresolved => 3,
        Verdict::Test => 2,
        Verdict::Isolated => 1,
        Verdict::None => 0,
    }
}

fn worst(a: Option<DatabaseVerdict>, b: DatabaseVerdict) -> Option<DatabaseVerdict> {
    match a {
        Some(a) if rank(a.verdict) >= rank(b.verdict) => Some(a),
        _ => Some(b),
    }
}

/// `postgres`, `mysql`, `sqlite`, `mongodb`… from a URL's scheme.
fn engine_of(db: &DatabaseRef) -> Option<String> {
    if db.is_sqlite() || db.in_memory {
        return Some("sqlite".into());
    }
    let s = db.scheme.as_deref()?;
    let s = s.split('+').next().unwrap_or(s);
    Some(
        match s {
            "postgresql" | "postgres" | "pgsql" | "psql" => "postgres",
            "mysql" | "mysql2" | "mariadb" => "mysql",
            "mongodb" | "mongodb+srv" => "mongodb",
            "sqlserver" | "mssql" => "sqlserver",
            other => other,
        }
        .to_string(),
    )
}

impl<'a> Judge<'a> {
    /// Whether `name` is a test database's: a test marker as a word, or a
    /// development database's name with one glued on.
    fn is_test_name(&self, name: &str, dir: &str) -> bool {
        self.markers.has_test(name)
            || self
                .markers
                .glued_test(name, &self.ws.dev_database_names(dir, self.extra_keys))
    }

    /// The verdict of one database setting.
    fn setting(
        &self,
        s: &Setting,
        kind: DbKeyKind,
        dir: &str,
        ephemeral: &dyn Fn(Option<&str>) -> Option<String>,
    ) -> DatabaseVerdict {
        let decided = Decision {
            span: s.value_span,
            what: match &s.provenance {
                Some(p) => format!("`{}` from {}", s.key.value, p.layer),
                None => format!("`{}`", s.key.value),
            },
        };
        let value = s.value.trim();
        if value.is_empty() {
            return DatabaseVerdict::new(Verdict::Unresolved).because(
                format!(
                    "`{}` is empty here: the run takes it from the environment it starts in",
                    s.key.value
                ),
                Some(s.key.span),
            );
        }
        let db = if value.to_ascii_lowercase().starts_with("jdbc:") {
            match parse_jdbc(value) {
                JdbcTarget::InMemory => {
                    let mut v = DatabaseVerdict::new(Verdict::Isolated)
                        .because("an in-memory JDBC database", Some(s.value_span));
                    v.decided_by.push(decided);
                    return v;
                }
                JdbcTarget::Container => {
                    let mut v = DatabaseVerdict::new(Verdict::Isolated).because(
                        "`jdbc:tc:`: Testcontainers starts a throwaway database",
                        Some(s.value_span),
                    );
                    v.decided_by.push(decided);
                    return v;
                }
                JdbcTarget::Database(db) => *db,
                JdbcTarget::Unknown => {
                    return DatabaseVerdict::new(Verdict::Unresolved).because(
                        format!(
                            "`{}` is a JDBC URL form testguard does not read",
                            s.key.value
                        ),
                        Some(s.value_span),
                    );
                }
            }
        } else {
            DatabaseRef::parse(&s.value, kind)
        };
        let mut v = DatabaseVerdict::new(Verdict::Unresolved);
        v.engine = engine_of(&db);
        v.host = db
            .host
            .as_ref()
            .filter(|h| !h.is_reference())
            .map(|h| h.text.clone());
        v.decided_by.push(decided);
        if db.in_memory {
            v.verdict = Verdict::Isolated;
            v.engine = Some("sqlite".into());
            return v.because("an in-memory database", Some(s.value_span));
        }
        let Some(name) = db.name.clone() else {
            return v.because(
                format!("`{}` names no database", s.key.value),
                Some(s.value_span),
            );
        };
        v.name = Some(name.text.clone());
        let literal = crate::database::strip_references(&name.text);
        // Symfony's test kernel runs with `kernel.environment` = `test`
        let as_run = name.text.replace("%kernel.environment%", "test");
        if self.is_test_name(&as_run, dir) {
            v.verdict = Verdict::Test;
            return v;
        }
        if self
            .ws
            .names_test_tool_database(s.value_span.file, &name.text, dir, self.extra_keys)
        {
            v.verdict = Verdict::Test;
            return v.because(
                "a database only a test tool's own settings name, none of the development files' databases",
                Some(s.value_span),
            );
        }
        let host = db.host_text();
        if let Some(why) = ephemeral(host.as_deref()) {
            v.verdict = Verdict::Isolated;
            return v.because(why, Some(s.value_span));
        }
        if let Some(t) = self.ws.test_server_at(
            host.as_deref(),
            db.port.as_ref().map(|p| p.text.as_str()),
            dir,
        ) {
            v.verdict = Verdict::Test;
            v.decided_by.push(Decision {
                span: t.span,
                what: format!(
                    "compose service `{}` publishes port {}",
                    t.service, t.host_port
                ),
            });
            return v.because(
                format!(
                    "the server on port {} is compose service `{}`, named for the tests",
                    t.host_port, t.service
                ),
                Some(t.span),
            );
        }
        if name.is_reference() || contains_reference(&name.text) && literal.trim().is_empty() {
            let names = crate::database::reference_names(&name.text).join("`, `");
            v.name = None;
            return v.because(
                format!(
                    "`{}` reads `{names}`: the value comes from the environment the run starts in",
                    s.key.value
                ),
                Some(s.value_sub_span(name.range.clone())),
            );
        }
        // the framework derives the test database from the configured one
        let frameworks = self.ws.frameworks_of(dir);
        let db_setup = self.ws.django_db_setup_override(dir);
        if frameworks.django
            && let Some(o) = db_setup
            && (!o.uses_settings_as_read()
                || o.sets.is_some() && !s.key.value.starts_with("DATABASES."))
        {
            v.verdict = Verdict::Unresolved;
            return v.because(
                "a conftest's `django_db_setup` replaces pytest-django's: no test database is created, and its code decides which database the tests use",
                Some(o.span),
            );
        }
        if frameworks.django
            && db_setup.is_none()
            && !s.key.value.to_ascii_uppercase().ends_with(".TEST.NAME")
        {
            if db.is_sqlite() {
                v.verdict = Verdict::Isolated;
                return v.because("Django runs a sqlite test database in memory", None);
            }
            v.verdict = Verdict::Test;
            v.name = Some(format!("test_{}", name.text));
            return v.because(
                format!(
                    "Django's test runner creates `test_{}` beside `{}`, on the same server",
                    name.text, name.text
                ),
                None,
            );
        }
        if frameworks.symfony
            && !db.is_sqlite()
            && self
                .ws
                .nearest(dir, |c| c.php.symfony_test_dbname_suffix.then_some(()))
                .is_some()
        {
            v.verdict = Verdict::Test;
            v.name = Some(format!("{}_test", name.text));
            return v.because(
                "DoctrineBundle's `dbname_suffix` appends `_test` in the test environment",
                None,
            );
        }
        v.verdict = Verdict::NotTest;
        let mut why = match self.markers.forbidden_in(&name.text) {
            Some(m) if m.eq_ignore_ascii_case(&name.text) => format!(
                "`{}` is a word for a development or production database",
                name.text
            ),
            Some(m) => format!(
                "`{}` holds `{m}`, a word for a development or production database",
                name.text
            ),
            None => format!("`{}` has no test marker", name.text),
        };
        match db_setup {
            Some(o) if frameworks.django && o.sets.is_some() => why.push_str(", and a conftest's `django_db_setup` writes it in place of pytest-django's, which creates no test database: the tests use it as it is"),
            Some(_) if frameworks.django => why.push_str(", and a conftest's `django_db_setup` that does nothing in place of pytest-django's creates no test database: the tests use it as it is"),
            _ => {}
        }
        v.because(why, Some(s.value_sub_span(name.range.clone())))
    }

    /// The verdict of a set of settings, `None` when none is a database
    /// setting. The settings that decide the database are judged, the
    /// worst of them the run's: a framework's own database URL (Doctrine's
    /// test `url:`) over the environment's, a URL over a bare name (a
    /// `DATABASE_NAME` that only fills `${DATABASE_NAME}` in the URL is no
    /// database of its own).
    fn settings<'s>(
        &self,
        settings: impl IntoIterator<Item = &'s Setting>,
        dir: &str,
        ephemeral: &dyn Fn(Option<&str>) -> Option<String>,
    ) -> Option<DatabaseVerdict> {
        let mut tiers: [Vec<(&Setting, DbKeyKind)>; 3] = Default::default();
        let settings: Vec<&Setting> = settings.into_iter().collect();
        for s in &settings {
            let s = *s;
            if s.unset {
                continue;
            }
            // Django: `TEST.NAME` pins the test database; `NAME` is then
            // only the application's
            if let Some(alias) = s.key.value.strip_suffix(".NAME")
                && !alias.ends_with(".TEST")
                && settings
                    .iter()
                    .any(|t| t.key.value == format!("{alias}.TEST.NAME") && !t.unset)
            {
                continue;
            }
            let Some(kind) = db_key_kind(&s.key.value, self.extra_keys) else {
                continue;
            };
            let tier = match kind {
                DbKeyKind::Host => continue,
                _ if s.key.value.eq_ignore_ascii_case("doctrine.dbal.url") => 0,
                DbKeyKind::Url => 1,
                DbKeyKind::Name => 2,
            };
            tiers[tier].push((s, kind));
        }
        let deciding = tiers.into_iter().find(|t| !t.is_empty())?;
        let mut best = None;
        for (s, kind) in deciding {
            best = worst(best, self.setting(s, kind, dir, ephemeral));
        }
        // Django settings on a server named for the tests (`"HOST":
        // "testdb"`, a compose service of the test stack) hold no real data
        if let Some(v) = &mut best
            && v.verdict == Verdict::NotTest
            && let Some(host) = settings.iter().find(|s| {
                s.key.value == "DATABASES.default.HOST"
                    && !s.unset
                    && self.is_test_name(&s.value, dir)
            })
        {
            v.verdict = Verdict::Test;
            return Some(v.clone().because(
                format!("the server `{}` is named for the tests", host.value),
                Some(host.value_span),
            ));
        }
        best
    }

    /// The project a folder belongs to: the nearest folder with a manifest.
    fn project_of(&self, dir: &str) -> Option<(&'a str, &'a Project)> {
        ancestors(dir).find_map(|d| {
            self.ws
                .projects
                .get_key_value(d)
                .filter(|(_, p)| !p.ecosystems.is_empty())
                .map(|(k, p)| (k.as_str(), p))
        })
    }

    /// What a folder's project depends on that uses or isolates a database:
    /// the nearest project of the run's ecosystem (any ecosystem when the
    /// run's is not known) answers.
    fn evidence(
        &self,
        dir: &str,
        family: Option<RunnerFamily>,
    ) -> (Option<&'a Evidence>, Option<&'a Evidence>, bool) {
        let of = |list: &'a [(RunnerFamily, Evidence)]| {
            list.iter()
                .find(|(f, _)| family.is_none_or(|x| x == *f))
                .map(|(_, e)| e)
        };
        for d in ancestors(dir) {
            let Some(p) = self.ws.projects.get(d) else {
                continue;
            };
            let ours = match family {
                Some(f) => p.ecosystems.contains(&f),
                None => !p.ecosystems.is_empty(),
            };
            if ours {
                return (of(&p.database_client), of(&p.isolating_evidence), true);
            }
        }
        (None, None, false)
    }

    /// The verdict of a run whose settings name no database: what its
    /// project's dependencies say.
    fn by_dependencies(
        &self,
        dir: &str,
        family: Option<RunnerFamily>,
        missing: &str,
        at: Option<Span>,
    ) -> DatabaseVerdict {
        let (client, isolating, known) = self.evidence(dir, family);
        if let Some(iso) = isolating {
            let mut v = DatabaseVerdict::new(Verdict::Isolated).because(
                format!("{} gives the tests a database of their own", iso.what),
                Some(iso.span),
            );
            v.decided_by.push(Decision {
                span: iso.span,
                what: iso.what.clone(),
            });
            return v;
        }
        match client {
            Some(c) => DatabaseVerdict::new(Verdict::Unresolved).because(
                format!("{missing}; the project uses a database ({})", c.what),
                at.or(Some(c.span)),
            ),
            None if known => DatabaseVerdict::new(Verdict::None).because(
                "no database client, ORM or database setting in the project's manifests",
                None,
            ),
            None => DatabaseVerdict::new(Verdict::Unresolved).because(
                format!("{missing}, and no dependency manifest testguard reads says whether the suite uses a database"),
                at,
            ),
        }
    }

    /// A run whose suite wipes a database through a shell command: which
    /// database that command reaches is its own configuration's business
    /// (artisan's `.env`, `psql -d`), not the run's layers'.
    fn shell_reset(&self, reset: &ShellReset) -> DatabaseVerdict {
        let (call_path, call_line) = self.place(reset.call);
        let mut why = match &reset.shown {
            Some(shown) => format!("the suite runs `{shown}` ({call_path}:{call_line})"),
            None => format!("the suite runs a shell command ({call_path}:{call_line})"),
        };
        if reset.at.file != reset.call.file {
            let (at_path, at_line) = self.place(reset.at);
            why.push_str(&format!(", whose `{}` ({at_path}:{at_line})", reset.idiom));
        } else {
            why.push_str(&format!(", whose `{}`", reset.idiom));
        }
        why.push_str(&format!(
            " wipes the database that command connects to ({}); the command's own configuration decides which one that is, not the run's environment",
            reset.what
        ));
        let mut v = DatabaseVerdict::new(Verdict::Unresolved).because(why, Some(reset.at));
        v.decided_by.push(Decision {
            span: reset.call,
            what: "runs a shell command".to_string(),
        });
        if reset.at != reset.call {
            v.decided_by.push(Decision {
                span: reset.at,
                what: format!("`{}` {}", reset.idiom, reset.what),
            });
        }
        v
    }

    /// The first shell reset of a Node run in `dir` or below it.
    fn shell_reset_below(&self, dir: &str) -> Option<&ShellReset> {
        self.ws.runs.iter().find_map(|r| match &r.facts {
            RunFacts::Node(n) if is_within(&r.dir, dir) => n.shell_resets.first(),
            _ => None,
        })
    }

    fn place(&self, span: Span) -> (String, usize) {
        let f = self.ws.file(span.file);
        (f.path.clone(), f.line_col(span.start).0)
    }

    fn account(&self, who: Who, entry: Span, dir: &str, database: DatabaseVerdict) -> RunAccount {
        let path = self.ws.file(entry.file).path.clone();
        let (line, _) = self.ws.file(entry.file).line_col(entry.start);
        let Who {
            name,
            runner,
            framework,
            family,
        } = who;
        RunAccount {
            id: format!(
                "{path}:{line}:{}",
                runner
                    .as_deref()
                    .unwrap_or("suite")
                    .to_ascii_lowercase()
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join("-")
            ),
            name,
            runner,
            framework,
            family,
            entry: Some(entry),
            path,
            dir: dir.to_string(),
            files: vec![entry.file],
            database,
            findings: Vec::new(),
        }
    }

    fn run(&self, run: &TestRun) -> RunAccount {
        let never = |_: Option<&str>| None;
        let mut files: Vec<FileId> = run.layers.iter().filter_map(|l| l.file).collect();
        let effective = || -> Vec<&Setting> {
            let mut v: Vec<&Setting> = run.effective.iter().collect();
            if v.is_empty()
                && let Some(env) = run.env.and_then(|i| self.ws.envs.get(i))
            {
                v.extend(&env.settings);
            }
            v
        };
        let database = match &run.facts {
            RunFacts::Spring(s) => {
                if let Some((what, span)) = &s.isolation {
                    iso(what, *span)
                } else if let Some(ds) = &s.datasource {
                    files.push(ds.property.file);
                    let setting = Setting {
                        value: ds.value.clone(),
                        ..ds.property.setting.clone()
                    };
                    let mut v = self.setting(&setting, DbKeyKind::Url, &run.dir, &never);
                    if v.verdict != Verdict::Test
                        && v.verdict != Verdict::Isolated
                        && let Some((name, None)) = ds.from_environment.first()
                    {
                        v = DatabaseVerdict::new(Verdict::Unresolved).because(
                            format!("the datasource reads `${{{name}}}`, with no default: the environment the run starts in decides"),
                            Some(ds.property.setting.value_span),
                        );
                    }
                    v
                } else {
                    self.by_dependencies(
                        &run.dir,
                        Some(run.family),
                        "no datasource URL in any configuration file the run reads (Spring Boot then uses an embedded database if one is on the classpath)",
                        Some(run.entry),
                    )
                }
            }
            RunFacts::Dotnet(d) => {
                if let Some((what, span)) = &d.factory.isolation {
                    iso(what, *span)
                } else {
                    files.extend(d.connection_strings.iter().map(|c| c.file));
                    self.settings(
                        d.connection_strings.iter().map(|c| &c.setting),
                        &run.dir,
                        &never,
                    )
                    .map(|mut v| {
                        // a connection string's key is no database key by its name
                        if v.decided_by.is_empty() {
                            v.verdict = Verdict::Unresolved;
                        }
                        v
                    })
                    .or_else(|| self.connection_strings(&d.connection_strings, &run.dir))
                    .unwrap_or_else(|| {
                        self.by_dependencies(
                            &run.dir,
                            Some(run.family),
                            &format!(
                                "no connection string in the `appsettings` files of the `{}` environment",
                                d.environment
                            ),
                            Some(run.entry),
                        )
                    })
                }
            }
            RunFacts::Go(g) => {
                files.push(g.loaded);
                if let Some((what, span)) = &g.isolated {
                    iso(what, *span)
                } else {
                    let loaded = self
                        .ws
                        .projects
                        .values()
                        .flat_map(|p| &p.go.loaded_env)
                        .filter(|e| e.file == g.loaded)
                        .flat_map(|e| &e.settings);
                    self.settings(loaded, &run.dir, &never).unwrap_or_else(|| {
                        DatabaseVerdict::new(Verdict::Unresolved).because(
                            format!(
                                "{} loads `{}`, which sets no database variable testguard knows: the test code decides",
                                g.loader,
                                self.ws.file(g.loaded).path
                            ),
                            Some(g.call),
                        )
                    })
                }
            }
            RunFacts::Node(n) => match &n.isolated {
                Some(what) => DatabaseVerdict::new(Verdict::Isolated)
                    .because(format!("{what} gives the tests a database of their own"), None),
                None => self
                    .settings(effective(), &run.dir, &never)
                    .or_else(|| {
                        // the package's committed test dotenv file, which the
                        // rules judge as its test database (the app's own
                        // dotenv setup loads it for its tests)
                        let env = self.ws.envs.iter().find(|e| {
                            e.source == EnvSource::Dotenv
                                && e.dir == run.dir
                                && self.ws.file(e.file).kind == crate::source::SourceKind::DotenvTest
                        })?;
                        files.push(env.file);
                        let mut v = self.settings(&env.settings, &run.dir, &never)?;
                        let note = format!(
                            "the script loads no file; the package's `{}` holds its test database",
                            self.ws.file(env.file).file_name()
                        );
                        v.reason = Some(match v.reason {
                            Some(r) => format!("{r}; {note}"),
                            None => note,
                        });
                        Some(v)
                    })
                    .unwrap_or_else(|| {
                        let v = self.by_dependencies(
                            &run.dir,
                            Some(run.family),
                            "no database setting in any file the run loads: the code decides",
                            Some(run.entry),
                        );
                        match n.shell_resets.first() {
                            Some(reset) if matches!(v.verdict, Verdict::None | Verdict::Unresolved) => {
                                files.push(reset.call.file);
                                files.push(reset.at.file);
                                self.shell_reset(reset)
                            }
                            _ => v,
                        }
                    }),
            },
            RunFacts::Rails(r) => {
                files.push(r.database_yml);
                // a `url` of the test entry's own keeps `DATABASE_URL` out
                let merged: Vec<&Setting> = effective()
                    .into_iter()
                    .filter(|s| !(r.entry_has_url && s.key.value == "DATABASE_URL"))
                    .collect();
                self.settings(merged, &run.dir, &never)
                    .or_else(|| self.rails_entry(&run.dir))
                    .unwrap_or_else(|| {
                        self.by_dependencies(
                            &run.dir,
                            Some(run.family),
                            "the `test` entry of config/database.yml names no database testguard can read",
                            Some(run.entry),
                        )
                    })
            }
            // a framework whose runs always reach a database: which one
            // is the question, never whether
            RunFacts::Php {
                table_prefix,
                decided_in_code,
                ..
            } if run.framework.always_uses_database() => {
                match (self.settings(effective(), &run.dir, &never), table_prefix) {
                    (Some(v), Some(tp)) => self.prefixed(v, tp, run),
                    (Some(v), None) => v,
                    (None, _) => match decided_in_code {
                        Some((why, at)) => {
                            DatabaseVerdict::new(Verdict::Unresolved).because(why.clone(), Some(*at))
                        }
                        None => DatabaseVerdict::new(Verdict::Unresolved).because(
                            format!("no `DB_NAME` in {}", run.layers.first().map_or("its configuration", |l| l.name.as_str())),
                            Some(run.entry),
                        ),
                    },
                }
            }
            RunFacts::Php { .. } => self
                .settings(
                    // a bundle's test kernel may never read the recipe's key
                    effective().into_iter().filter(|s| {
                        !self.ws.bundle_database_key_unread(&run.dir, &s.key.value)
                    }),
                    &run.dir,
                    &never,
                )
                .or_else(|| self.laravel_connection(run))
                .unwrap_or_else(|| match run.decided("DB_CONNECTION") {
                    Some(c) => self.by_dependencies(
                        &run.dir,
                        Some(run.family),
                        &format!(
                            "`DB_CONNECTION` selects `{}`, whose database config/database.php decides, and testguard could not read it there",
                            c.value
                        ),
                        Some(c.value_span),
                    ),
                    None => match &run.facts {
                        RunFacts::Php {
                            decided_in_code: Some((why, at)),
                            ..
                        } => self.by_dependencies(&run.dir, Some(run.family), why, Some(*at)),
                        _ => self.by_dependencies(
                            &run.dir,
                            Some(run.family),
                            "no database setting reaches the run: the framework's database configuration decides",
                            Some(run.entry),
                        ),
                    },
                }),
        };
        if let Some(env) = run.env {
            files.push(self.ws.envs[env].file);
        }
        let mut a = self.account(
            Who {
                name: run.name.clone(),
                runner: Some(run.runner.clone()),
                framework: Some(run.framework.describe().to_string()),
                family: Some(run.family),
            },
            run.entry,
            &run.dir,
            database,
        );
        a.files.extend(files);
        a
    }

    /// A Laravel run's connection, as `config/database.php` defines it: the
    /// one `DB_CONNECTION` selects (else the file's default), and its
    /// `database` — a literal, or `env('KEY', default)` read from the run.
    fn laravel_connection(&self, run: &TestRun) -> Option<DatabaseVerdict> {
        use crate::model::ConfigValue;
        if !matches!(
            run.framework,
            crate::model::RunFramework::Laravel | crate::model::RunFramework::LaravelDusk
        ) {
            return None;
        }
        let config = self
            .ws
            .laravel_databases()
            .filter(|c| is_within(&run.dir, &c.project))
            .max_by_key(|c| c.project.len())?;
        let chosen = match (run.decided("DB_CONNECTION"), &config.default) {
            (Some(s), _) => s.value.clone(),
            (None, ConfigValue::Literal { text, .. }) => text.clone(),
            (
                None,
                ConfigValue::Env {
                    default: Some((d, _)),
                    ..
                },
            ) => d.clone(),
            _ => return None,
        };
        let conn = config.connections.iter().find(|c| c.name == chosen)?;
        let value = |v: &ConfigValue| -> Option<Setting> {
            match v {
                ConfigValue::Literal { text, span } => {
                    Some(literal_setting("database", text, *span))
                }
                ConfigValue::Env { key, span, default } => match run.decided(key) {
                    Some(s) => Some(s.clone()),
                    None => default
                        .as_ref()
                        .map(|(d, dspan)| literal_setting(key, d, *dspan))
                        .or_else(|| Some(literal_setting(key, "", *span))),
                },
                ConfigValue::Absent | ConfigValue::Unknown => None,
            }
        };
        let s = value(&conn.url)
            .filter(|s| !s.value.trim().is_empty())
            .map(|s| (s, DbKeyKind::Url))
            .or_else(|| value(&conn.database).map(|s| (s, DbKeyKind::Name)))?;
        let mut v = self.setting(&s.0, s.1, &run.dir, &|_| None);
        v.decided_by.push(Decision {
            span: conn.name_span,
            what: format!("the `{}` connection of config/database.php", conn.name),
        });
        if v.engine.is_none()
            && let ConfigValue::Literal { text, .. } = &conn.driver
        {
            v.engine = Some(text.clone());
        }
        Some(v)
    }

    /// ADO.NET connection strings, judged as URLs (their keys are
    /// `ConnectionStrings:Name`).
    fn connection_strings(
        &self,
        strings: &[crate::model::dotnet::AppSetting],
        dir: &str,
    ) -> Option<DatabaseVerdict> {
        let never = |_: Option<&str>| None;
        let mut best = None;
        for c in strings {
            best = worst(best, self.setting(&c.setting, DbKeyKind::Url, dir, &never));
        }
        best
    }

    /// The `test` entry of a Rails app's `config/database.yml`.
    fn rails_entry(&self, dir: &str) -> Option<DatabaseVerdict> {
        let entries: Vec<&EnvironmentDatabase> = self
            .ws
            .environment_databases()
            .filter(|e| e.environment == "test" && is_within(dir, &e.project))
            .collect();
        let mut best = None;
        for e in entries {
            best = worst(best, self.template(e));
        }
        best
    }

    /// A Rails or Ecto test entry's database.
    fn template(&self, e: &EnvironmentDatabase) -> DatabaseVerdict {
        let kind = if e.key.ends_with("url") {
            DbKeyKind::Url
        } else {
            DbKeyKind::Name
        };
        match &e.value {
            EnvTemplate::Literal { text, span } => {
                let s = Setting {
                    key: crate::source::Spanned::new(e.key.clone(), *span),
                    value: text.clone(),
                    value_span: *span,
                    verbatim: true,
                    overridable: false,
                    via: crate::model::Via::Dotenv,
                    unset: false,
                    provenance: None,
                    raw_offsets: None,
                };
                let mut v = self.setting(&s, kind, &e.project, &|_| None);
                if let Some(d) = v.decided_by.first_mut() {
                    d.what = format!("`{}` of the test entry", e.key);
                }
                v
            }
            EnvTemplate::Erb {
                prefix,
                alternatives,
                suffix,
                span,
            } => {
                let literal = format!("{prefix}{suffix}");
                let default = alternatives.iter().find_map(|a| match a {
                    crate::model::EnvAlternative::Literal(l) => Some(l.clone()),
                    _ => None,
                });
                let mut v = DatabaseVerdict::new(Verdict::Unresolved);
                v.decided_by.push(Decision {
                    span: *span,
                    what: format!("`{}` of the test entry", e.key),
                });
                if self.markers.has_test(&literal) {
                    v.verdict = Verdict::Test;
                    return v;
                }
                let env = alternatives.iter().find_map(|a| match a {
                    crate::model::EnvAlternative::Env { name, .. } => Some(name.clone()),
                    _ => None,
                });
                match (env, default) {
                    (Some(env), Some(d)) if self.markers.has_test(&d) => v.because(
                        format!("`{}` reads `{env}`, else `{d}`: the test name holds while the environment does not set `{env}`", e.key),
                        Some(*span),
                    ),
                    (Some(env), _) => v.because(
                        format!("`{}` reads `{env}`: the environment the run starts in decides", e.key),
                        Some(*span),
                    ),
                    (None, _) => v.because(
                        format!("`{}` is computed by code testguard does not run", e.key),
                        Some(*span),
                    ),
                }
            }
            EnvTemplate::Unknown => DatabaseVerdict::new(Verdict::Unresolved).because(
                format!(
                    "the test entry's `{}` is computed by code testguard does not run",
                    e.key
                ),
                None,
            ),
        }
    }

    fn env(&self, env: &TestEnv) -> RunAccount {
        let ci = env.ci();
        let ephemeral = |host: Option<&str>| -> Option<String> {
            let ci = ci?;
            env.ephemeral_db(host, self.extra_local).then(|| {
                if ci.services.is_empty() {
                    "a CI runner's own database, created for the job and thrown away after it"
                        .to_string()
                } else {
                    format!(
                        "the CI job's service container ({}), created for the job and thrown away after it",
                        ci.services.join(", ")
                    )
                }
            })
        };
        // a Codeception suite's `Db` module is PHP's; the other framework
        // configurations are Django settings modules
        let codeception = self.ws.file(env.file).kind == crate::source::SourceKind::Codeception;
        let family = match env.source {
            EnvSource::FrameworkConfig if codeception => Some(RunnerFamily::Php),
            EnvSource::Pytest | EnvSource::Tox | EnvSource::FrameworkConfig => {
                Some(RunnerFamily::Python)
            }
            EnvSource::Phpunit => Some(RunnerFamily::Php),
            _ => ci.and_then(|c| c.test_family),
        };
        let runner = match env.source {
            EnvSource::Pytest => Some("pytest".to_string()),
            EnvSource::Tox => Some("tox".to_string()),
            EnvSource::Phpunit => Some("PHPUnit".to_string()),
            EnvSource::GithubActions | EnvSource::GitlabCi => Some(
                ci.and_then(|c| c.test_runner.clone())
                    .unwrap_or_else(|| "CI test step".to_string()),
            ),
            // a Django settings module, or a Codeception suite's `Db` module
            EnvSource::FrameworkConfig => {
                if codeception {
                    Some("Codeception".to_string())
                } else if env.frameworks.django {
                    Some("Django".to_string())
                } else {
                    None
                }
            }
            EnvSource::Dotenv | EnvSource::TestRun => None,
        };
        // as the other runs name their frameworks
        let framework = env.frameworks.names().first().map(|f| {
            match *f {
                "django" => "Django",
                "laravel" => "Laravel",
                "symfony" => "Symfony",
                "node" => "Node",
                other => other,
            }
            .to_string()
        });
        let django = env.frameworks.django;
        // a workflow's steps run from the checkout's root
        let dir = match env.source {
            EnvSource::GithubActions => "",
            _ => env.dir.as_str(),
        };
        let database = self
            .settings(&env.settings, &env.dir, &ephemeral)
            // `testguard run`: what the configuration leaves unset, the
            // environment the run starts from decides
            .or_else(|| {
                let inv = self.ws.invocation.as_ref()?;
                if family.is_some_and(|f| f != inv.family) || ci.is_some() {
                    return None;
                }
                self.settings(&inv.caller, &env.dir, &ephemeral)
            })
            .or_else(|| django.then(|| self.django_default(env)))
            .unwrap_or_else(|| {
                let what = match env.source {
                    EnvSource::GithubActions | EnvSource::GitlabCi => {
                        "the job sets no database variable: the application's own configuration decides"
                    }
                    EnvSource::Dotenv => "the file sets no database variable",
                    _ => "no database setting in the run's configuration: the code decides",
                };
                let mut v = self.by_dependencies(&env.dir, family, what, Some(env.anchor));
                // a job whose Node suite wipes a database through a shell
                // command reaches one, whatever the package's manifest says
                if v.verdict == Verdict::None
                    && ci.is_some()
                    && family == Some(RunnerFamily::Node)
                    && let Some(reset) = self.shell_reset_below(dir)
                {
                    v = self.shell_reset(reset);
                }
                // a CI job that points its tests at no database reaches the
                // ones the job itself has (its services, the runner's own),
                // thrown away after it: a remote one would need a variable
                // (or a file the other runs judge). Not so for a job bound
                // to a deployment environment.
                if v.verdict == Verdict::Unresolved
                    && let Some(ci) = ci
                    && ci.deployment.is_none()
                    && env.source != EnvSource::Dotenv
                {
                    let own = if ci.services.is_empty() {
                        "the runner's own".to_string()
                    } else {
                        format!("its service containers ({})", ci.services.join(", "))
                    };
                    v = DatabaseVerdict::new(Verdict::Isolated).because(
                        format!(
                            "the job sets no database variable: the only databases it reaches are {own}, created for the job and thrown away after it"
                        ),
                        Some(env.anchor),
                    );
                }
                v
            });
        let name = match env.source {
            EnvSource::Dotenv => format!("tests loading {}", self.ws.file(env.file).path),
            _ => env.name.clone(),
        };
        self.account(
            Who {
                name,
                runner,
                framework,
                family,
            },
            env.anchor,
            dir,
            database,
        )
    }

    /// Django's test runner (and pytest-django) creates `test_<NAME>` for
    /// every database unless `TEST.NAME` pins one (judged as a setting).
    fn django_default(&self, env: &TestEnv) -> DatabaseVerdict {
        if let Some(o) = self.ws.django_db_setup_override(&env.dir) {
            if o.empty
                && let Some((at, undecided)) = self.ws.django_databases_undecided(&env.dir)
            {
                return DatabaseVerdict::new(Verdict::Unresolved).because(
                    format!(
                        "a conftest's `django_db_setup` does nothing in place of pytest-django's: no test database is created, so the tests use the settings' own `DATABASES`, and {undecided}"
                    ),
                    Some(*at),
                );
            }
            if let Some(at) = o.sets {
                return DatabaseVerdict::new(Verdict::Unresolved).because(
                    "a conftest's `django_db_setup` replaces pytest-django's and writes `DATABASES['default']` itself: no test database is created, and where the values it writes are not literals (a secrets file, the environment) testguard cannot say which database the tests use",
                    Some(at),
                );
            }
            let why = if o.empty {
                "a conftest's `django_db_setup` does nothing in place of pytest-django's: no test database is created, so the tests use the settings' own `DATABASES`, which testguard could not read"
            } else {
                "a conftest's `django_db_setup` replaces pytest-django's: no test database is created, and its code decides which database the tests use"
            };
            return DatabaseVerdict::new(Verdict::Unresolved).because(why, Some(o.span));
        }
        let mut v = DatabaseVerdict::new(Verdict::Test);
        if let Some(s) = env
            .settings
            .iter()
            .find(|s| s.key.value.to_ascii_uppercase().ends_with(".NAME"))
        {
            v.name = Some(format!("test_{}", s.value));
            v.decided_by.push(Decision {
                span: s.value_span,
                what: format!(
                    "`{}`: Django's test runner uses `test_{}`",
                    s.key.value, s.value
                ),
            });
        }
        v.because(
            "Django's test runner creates `test_<NAME>` beside the configured database",
            None,
        )
    }

    /// Rails and Ecto test entries of apps no recognised run covers.
    fn environment_databases(&self, out: &mut Vec<RunAccount>) {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for e in self.ws.environment_databases() {
            if e.environment != "test" || seen.contains(&(e.project.as_str(), e.scope.as_str())) {
                continue;
            }
            seen.push((e.project.as_str(), e.scope.as_str()));
            // a Phoenix endpoint's `url:` is where the app serves, not a database
            if e.scope.ends_with("Endpoint") {
                continue;
            }
            let covered = self.ws.runs.iter().any(|r| {
                r.rails().is_some_and(|x| x.database_yml == e.file) && is_within(&r.dir, &e.project)
            });
            if covered {
                continue;
            }
            let entries: Vec<&EnvironmentDatabase> = self
                .ws
                .environment_databases()
                .filter(|x| x.environment == "test" && x.project == e.project && x.scope == e.scope)
                .collect();
            let mut database = None;
            for x in &entries {
                database = worst(database, self.template(x));
            }
            let Some(database) = database else { continue };
            let file = self.ws.file(e.file);
            let (name, runner, framework, family) = match e.framework {
                crate::model::DatabaseFramework::Rails => (
                    format!("Rails test database ({})", file.path),
                    "rspec / rails test",
                    "Rails",
                    RunnerFamily::Ruby,
                ),
                crate::model::DatabaseFramework::Ecto => (
                    format!("Ecto `{}` in the test environment ({})", e.scope, file.path),
                    "mix test",
                    "Ecto",
                    RunnerFamily::Elixir,
                ),
                crate::model::DatabaseFramework::Make => (
                    format!("make test database ({})", file.path),
                    "make",
                    "make",
                    RunnerFamily::Python,
                ),
            };
            let entry = match &e.value {
                EnvTemplate::Literal { span, .. } | EnvTemplate::Erb { span, .. } => *span,
                EnvTemplate::Unknown => Span::new(e.file, 0, 0),
            };
            let mut a = self.account(
                Who {
                    name,
                    runner: Some(runner.to_string()),
                    framework: Some(framework.to_string()),
                    family: (e.framework != crate::model::DatabaseFramework::Make)
                        .then_some(family),
                },
                entry,
                &e.project,
                database,
            );
            a.files.extend(entries.iter().map(|x| x.file));
            out.push(a);
        }
    }

    /// An ASP.NET Core app's settings for an environment named for tests
    /// (`appsettings.Test.json`, `appsettings.Testing.json`) that no
    /// recognised run covers: a run in that environment reads them over
    /// `appsettings.json`.
    fn test_environment_settings(&self, out: &mut Vec<RunAccount>) {
        let settings: Vec<&crate::model::dotnet::AppSetting> = self
            .ws
            .projects
            .values()
            .flat_map(|p| &p.dotnet.app_settings)
            .collect();
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for s in &settings {
            let Some(environment) = s.environment.as_deref() else {
                continue;
            };
            if !self.markers.has_test(environment)
                || seen.contains(&(s.project.as_str(), environment))
            {
                continue;
            }
            seen.push((s.project.as_str(), environment));
            let covered = self.ws.runs.iter().any(|r| {
                r.dotnet().is_some_and(|d| {
                    d.app == s.project && d.environment.eq_ignore_ascii_case(environment)
                })
            });
            if covered {
                continue;
            }
            let all: Vec<crate::model::dotnet::AppSetting> =
                settings.iter().map(|s| (*s).clone()).collect();
            let strings =
                super::dotnet::effective_connection_strings(&all, &s.project, environment);
            let database = self
                .connection_strings(&strings, &s.project)
                .unwrap_or_else(|| {
                    self.by_dependencies(
                        &s.project,
                        Some(RunnerFamily::Dotnet),
                        &format!(
                            "no connection string in the `{environment}` environment's settings"
                        ),
                        Some(Span::new(s.file, 0, 0)),
                    )
                });
            let path = self.ws.file(s.file).path.clone();
            let mut a = self.account(
                Who {
                    name: format!("ASP.NET Core `{environment}` environment ({path})"),
                    runner: Some("dotnet test".into()),
                    framework: Some("ASP.NET Core".into()),
                    family: Some(RunnerFamily::Dotnet),
                },
                Span::new(s.file, 0, 0),
                &s.project,
                database,
            );
            a.files.extend(strings.iter().map(|c| c.file));
            out.push(a);
        }
    }

    /// The other things the rules judge as a test run's environment: task
    /// targets, compose test stacks, e2e servers, Codeception's Laravel
    /// module, Flask config modules, settings objects reading a dotenv file.
    fn other_runs(&self, out: &mut Vec<RunAccount>) {
        let never = |_: Option<&str>| None;
        let file_settings = |path: &str| -> Option<(FileId, Vec<&Setting>)> {
            let id = self
                .ws
                .files
                .iter()
                .position(|f| f.path == path)
                .map(FileId)?;
            let settings: Vec<&Setting> = self
                .ws
                .dev_dotenvs
                .iter()
                .filter(|d| d.file == id)
                .flat_map(|d| &d.settings)
                .chain(
                    self.ws
                        .envs
                        .iter()
                        .filter(|e| e.file == id && e.source == EnvSource::Dotenv)
                        .flat_map(|e| &e.settings),
                )
                .collect();
            Some((id, settings))
        };
        for t in self.ws.test_tasks() {
            let path = join(&t.dir, &t.dotenv);
            let (database, file) = match file_settings(&path) {
                Some((id, settings)) => (
                    self.settings(settings, &t.dir, &never).unwrap_or_else(|| {
                        self.by_dependencies(
                            &t.dir,
                            None,
                            &format!("`{}` sets no database variable", t.dotenv),
                            Some(t.dotenv_span),
                        )
                    }),
                    Some(id),
                ),
                None => (
                    DatabaseVerdict::new(Verdict::Unresolved).because(
                        format!(
                            "the target loads `{}`, which the repository does not hold",
                            t.dotenv
                        ),
                        Some(t.dotenv_span),
                    ),
                    None,
                ),
            };
            let mut a = self.account(
                Who {
                    name: t.name.clone(),
                    runner: Some("task runner".into()),
                    framework: None,
                    family: None,
                },
                t.command,
                &t.dir,
                database,
            );
            a.files.extend(file);
            out.push(a);
        }
        for s in self.ws.compose_test_stacks() {
            let database = self.settings(&s.shared, "", &never).unwrap_or_else(|| {
                DatabaseVerdict::new(Verdict::Unresolved).because(
                    format!(
                        "the compose service `{}` shares the development project: its database comes from the services' own configuration",
                        s.test_service
                    ),
                    Some(s.command),
                )
            });
            let dir = self.ws.file(s.script_span.file).dir().to_string();
            let mut a = self.account(
                Who {
                    name: format!("`{}` (compose service `{}`)", s.script, s.test_service),
                    runner: Some("docker compose".into()),
                    framework: None,
                    family: Some(RunnerFamily::Node),
                },
                s.script_span,
                &dir,
                database,
            );
            a.files.push(s.command.file);
            out.push(a);
        }
        for e in self.ws.e2e_servers() {
            let dotenv = join(&e.served_dir, ".env");
            let database = match file_settings(&dotenv) {
                Some((_, settings)) => self.settings(settings, &e.served_dir, &never),
                None => None,
            }
            .unwrap_or_else(|| {
                DatabaseVerdict::new(Verdict::Unresolved).because(
                    "the e2e server starts the app with no test environment: its own configuration decides the database",
                    Some(e.command),
                )
            });
            out.push(self.account(
                Who {
                    name: format!("e2e server ({})", self.ws.file(e.config).path),
                    runner: Some("Playwright".into()),
                    framework: None,
                    family: Some(RunnerFamily::Node),
                },
                e.command,
                &e.served_dir,
                database,
            ));
        }
        for c in self.ws.codeception_laravel() {
            let path = join(&c.dir, &c.environment_file);
            let database = file_settings(&path)
                .and_then(|(_, s)| self.settings(s, &c.dir, &never))
                .unwrap_or_else(|| {
                    self.by_dependencies(
                        &c.dir,
                        Some(RunnerFamily::Php),
                        &format!("the Laravel module loads `{}`, which sets no database variable testguard can read", c.environment_file),
                        c.environment_file_span.or(Some(c.module_span)),
                    )
                });
            out.push(self.account(
                Who {
                    name: format!("Codeception Laravel module ({})", self.ws.file(c.file).path),
                    runner: Some("Codeception".into()),
                    framework: Some("Laravel".into()),
                    family: Some(RunnerFamily::Php),
                },
                c.module_span,
                &c.dir,
                database,
            ));
        }
        for (dir, p) in &self.ws.projects {
            for (file, dsn, module) in &p.php.codeception_param_dsns {
                let path = self.ws.file(*file).path.clone();
                let database = DatabaseVerdict::new(Verdict::Unresolved).because(
                    format!(
                        "the `{module}` module reloads its dump into the database its `dsn` names by Codeception parameters, which the suite's params loader decides"
                    ),
                    Some(*dsn),
                );
                out.push(self.account(
                    Who {
                        name: format!("Codeception `{module}` module ({path})"),
                        runner: Some("Codeception".into()),
                        framework: None,
                        family: Some(RunnerFamily::Php),
                    },
                    *dsn,
                    dir,
                    database,
                ));
            }
        }
        // a Spring module whose configuration names a datasource and no
        // run of it was recognised (no test sources read, no build file)
        for (dir, p) in &self.ws.projects {
            if self
                .ws
                .runs
                .iter()
                .any(|r| r.spring().is_some_and(|s| s.module == *dir))
            {
                continue;
            }
            let Some(ds) = p.jvm.properties.iter().find(|x| {
                crate::model::jvm::datasource_key(&x.canonical)
                    && x.file_profile.is_none()
                    && x.document_profiles.is_empty()
            }) else {
                continue;
            };
            let named = self.setting(&ds.setting, DbKeyKind::Url, dir, &|_| None);
            let what = match (&named.name, named.verdict) {
                (Some(n), Verdict::Test) => format!("`{n}`, a test database"),
                (Some(n), _) => format!("`{n}`"),
                (None, _) => "a database it does not name literally".to_string(),
            };
            let database = DatabaseVerdict::new(Verdict::Unresolved).because(
                format!(
                    "no test run of the module was recognised (no test sources were read); its default configuration's datasource is {what}, which a test that starts the application with no test profile reaches"
                ),
                Some(ds.setting.value_span),
            );
            let path = self.ws.file(ds.file).path.clone();
            out.push(self.account(
                Who {
                    name: format!(
                        "Spring Boot module `{}` ({path})",
                        if dir.is_empty() { "." } else { dir }
                    ),
                    runner: None,
                    framework: Some("Spring Boot".into()),
                    family: Some(RunnerFamily::Jvm),
                },
                ds.setting.value_span,
                dir,
                database,
            ));
        }
        for m in self.ws.flask_config_modules() {
            let dir = self.ws.file(m.file).dir().to_string();
            let test_class = m
                .classes
                .iter()
                .find(|c| self.markers.has_test(&c.name))
                .or_else(|| {
                    m.by_key
                        .iter()
                        .find(|(k, _)| self.markers.has_test(k))
                        .and_then(|(_, class)| m.classes.iter().find(|c| &c.name == class))
                });
            let database = match test_class {
                Some(c) => self.flask_uri(m, c, &dir),
                None => DatabaseVerdict::new(Verdict::Unresolved).because(
                    "no config class of the module is named for tests: the app factory's argument decides",
                    None,
                ),
            };
            let entry = test_class.map_or(Span::new(m.file, 0, 0), |c| c.name_span);
            out.push(self.account(
                Who {
                    name: format!("Flask config ({})", self.ws.file(m.file).path),
                    runner: Some("pytest".into()),
                    framework: Some("Flask".into()),
                    family: Some(RunnerFamily::Python),
                },
                entry,
                &m.project,
                database,
            ));
        }
        for d in self.ws.dynaconf_settings() {
            out.push(self.dynaconf(d));
        }
        for d in self.ws.python_dotenv_settings() {
            let path = join(&d.project, &d.env_file);
            let database = file_settings(&path)
                .and_then(|(_, s)| self.settings(s, &d.project, &never))
                .unwrap_or_else(|| {
                    DatabaseVerdict::new(Verdict::Unresolved).because(
                        format!("{} reads `{}`, which the repository does not hold: the developer's copy decides", d.what, d.env_file),
                        Some(d.env_file_span),
                    )
                });
            out.push(self.account(
                Who {
                    name: format!("{} ({})", d.what, d.env_file),
                    runner: Some("pytest".into()),
                    framework: None,
                    family: Some(RunnerFamily::Python),
                },
                d.env_file_span,
                &d.project,
                database,
            ));
        }
    }

    /// A Dynaconf object's database in the environment the test run gets.
    fn dynaconf(&self, d: &crate::model::DynaconfSettings) -> RunAccount {
        use crate::model::DynaconfChoice;
        let env = d.env_name().to_string();
        let files: Vec<&str> = d
            .files
            .iter()
            .map(|f| self.ws.file(*f).path.as_str())
            .collect();
        let how = match &d.test_env {
            DynaconfChoice::Env(_, _, how) => how.clone(),
            _ => format!(
                "Dynaconf's default: nothing in the test run sets `{}` or `FORCE_ENV_FOR_DYNACONF`",
                d.switcher
            ),
        };
        let database = if let DynaconfChoice::Code(at, why) = &d.test_env {
            DatabaseVerdict::new(Verdict::Unresolved).because(why.clone(), Some(*at))
        } else {
            let values = d.merged(&env);
            let settings: Vec<Setting> = values
                .iter()
                .map(|v| literal_setting(&v.key.to_ascii_uppercase(), &v.value, v.span))
                .collect();
            match self.settings(&settings, &d.project, &|_| None) {
                Some(mut v) => {
                    let note = if d.environments {
                        format!("the `{env}` environment ({how})")
                    } else {
                        "every environment: the files hold no sections".to_string()
                    };
                    v.reason = Some(match v.reason {
                        Some(r) => format!("{r}; {note}"),
                        None => note,
                    });
                    v
                }
                None => DatabaseVerdict::new(Verdict::Unresolved).because(
                    if files.is_empty() {
                        format!(
                            "{} reads settings files the repository does not hold",
                            d.what
                        )
                    } else if !d.environments {
                        format!(
                            "{} reads no environments (no `environments=True`), so the sections of {} are plain keys, and no top-level database key is set: the code or the environment decides",
                            d.what,
                            files.join(", ")
                        )
                    } else {
                        format!(
                            "no database key for the `{env}` environment ({how}) in {}: a secrets file or the environment decides",
                            files.join(", ")
                        )
                    },
                    Some(d.call),
                ),
            }
        };
        self.account(
            Who {
                name: format!("Dynaconf settings ({})", self.ws.file(d.call.file).path),
                runner: Some("pytest".into()),
                framework: Some("Dynaconf".into()),
                family: Some(RunnerFamily::Python),
            },
            d.call,
            &d.project,
            database,
        )
    }

    /// A Flask test config class's `SQLALCHEMY_DATABASE_URI`, following its
    /// bases within the module.
    fn flask_uri(
        &self,
        m: &crate::model::FlaskConfigModule,
        class: &crate::model::FlaskConfigClass,
        dir: &str,
    ) -> DatabaseVerdict {
        use crate::model::ConfigValue;
        let mut c = class;
        for _ in 0..8 {
            match &c.uri {
                ConfigValue::Literal { text, span } => {
                    let s = literal_setting("SQLALCHEMY_DATABASE_URI", text, *span);
                    return self.setting(&s, DbKeyKind::Url, dir, &|_| None);
                }
                ConfigValue::Env { key, span, default } => {
                    return match default {
                        // the default holds while the variable is unset; a
                        // variable named for tests names a test database
                        Some((d, dspan)) => {
                            let s = literal_setting("SQLALCHEMY_DATABASE_URI", d, *dspan);
                            let mut v = self.setting(&s, DbKeyKind::Url, dir, &|_| None);
                            let note = format!("`{}` reads `{key}`, else this default", c.name);
                            v.reason = Some(match v.reason {
                                Some(r) => format!("{r}; {note}"),
                                None => note,
                            });
                            v
                        }
                        _ => DatabaseVerdict::new(Verdict::Unresolved).because(
                            format!(
                                "`{}` reads `{key}`: the environment the run starts in decides",
                                c.name
                            ),
                            Some(*span),
                        ),
                    };
                }
                ConfigValue::Absent => {
                    let Some(base) = c
                        .bases
                        .first()
                        .and_then(|b| m.classes.iter().find(|x| &x.name == b))
                    else {
                        break;
                    };
                    c = base;
                }
                ConfigValue::Unknown => break,
            }
        }
        DatabaseVerdict::new(Verdict::Unresolved).because(
            format!(
                "`{}`'s database URI is computed by code testguard does not run",
                class.name
            ),
            Some(class.name_span),
        )
    }

    /// Suites no account covers, and projects whose manifests show a test
    /// runner and a database client with no run at all.
    fn uncovered_suites(&self, out: &mut Vec<RunAccount>) {
        let covered = |dir: &str, family: Option<RunnerFamily>, out: &[RunAccount]| {
            out.iter().any(|a| {
                let family_ok = match (a.family, family) {
                    (Some(x), Some(y)) => x == y,
                    _ => true,
                };
                family_ok && (is_within(dir, &a.dir) || is_within(&a.dir, dir))
            })
        };
        let mut added: Vec<RunAccount> = Vec::new();
        for s in &self.ws.suites {
            let project = self.project_of(&s.dir);
            let project_dir = project.map_or(s.dir.as_str(), |(d, _)| d);
            let families: Vec<RunnerFamily> = project
                .map(|(_, p)| p.ecosystems.clone())
                .unwrap_or_default();
            let family = families.first().copied();
            if families.is_empty() || s.template {
                if covered(&s.dir, None, out) {
                    continue;
                }
            } else if families.iter().any(|f| covered(project_dir, Some(*f), out)) {
                continue;
            }
            let database = if s.template {
                DatabaseVerdict::new(Verdict::Unresolved).because(
                    "the suite belongs to a project template (`{{…}}` in its path): its settings are filled in when a project is generated from it, and testguard judges that project",
                    None,
                )
            } else {
                self.by_dependencies(
                    &s.dir,
                    family,
                    &format!("no test run recognised for {}", s.what),
                    None,
                )
            };
            added.push(self.suite_account(&s.dir, &s.what, family, database));
        }
        for (dir, p) in &self.ws.projects {
            // a project that uses a database and no run covers: its tests
            // (wherever they are) are not accounted for, which is said
            for (family, client) in &p.database_client {
                let family = Some(*family);
                let runner = p
                    .test_runner
                    .iter()
                    .find(|(f, _)| Some(*f) == family)
                    .map(|(_, r)| r);
                if covered(dir, family, out)
                    || added
                        .iter()
                        .any(|a| is_within(&a.dir, dir) || is_within(dir, &a.dir))
                {
                    continue;
                }
                let database = if p.isolating_evidence.iter().any(|(f, _)| Some(*f) == family) {
                    self.by_dependencies(dir, family, "", None)
                } else {
                    DatabaseVerdict::new(Verdict::Unresolved).because(
                        match runner {
                            Some(runner) => format!(
                                "no test run recognised: the project depends on a test runner ({}) and a database client ({})",
                                runner.what, client.what
                            ),
                            None => format!(
                                "the project uses a database ({}) and testguard recognises no test run or suite of it",
                                client.what
                            ),
                        },
                        Some(client.span),
                    )
                };
                let mut a = self.suite_account(dir, "the project's tests", family, database);
                a.files.push(client.span.file);
                added.push(a);
            }
        }
        out.extend(added);
    }

    fn suite_account(
        &self,
        dir: &str,
        what: &str,
        family: Option<RunnerFamily>,
        database: DatabaseVerdict,
    ) -> RunAccount {
        let path = if dir.is_empty() {
            ".".to_string()
        } else {
            dir.to_string()
        };
        RunAccount {
            id: format!("{path}:suite"),
            name: format!("suite {what}"),
            runner: None,
            framework: None,
            family,
            entry: None,
            path,
            dir: dir.to_string(),
            files: database.reason_at.map(|s| s.file).into_iter().collect(),
            database,
            findings: Vec::new(),
        }
    }
}

impl Judge<'_> {
    /// A run whose tables are those under a prefix (WordPress's core test
    /// library): on a database that is no test database, its own tables
    /// when the prefix is not the site's, unless that database is the
    /// site's own.
    fn prefixed(
        &self,
        mut v: DatabaseVerdict,
        tp: &crate::model::run::TablePrefix,
        run: &TestRun,
    ) -> DatabaseVerdict {
        if v.verdict != Verdict::NotTest {
            return v;
        }
        let Some(name) = v.name.clone() else { return v };
        let host = run
            .decided("DB_HOST")
            .map(|s| s.value.clone())
            .or_else(|| v.host.clone());
        if let Some(site) = tp
            .site_database
            .as_ref()
            .filter(|_| tp.site_database_of(&name, host.as_deref()).is_none())
        {
            let why = format!(
                "{}; the site's configuration ({}) names another database or server, so no site's tables are in it",
                v.reason.clone().unwrap_or_default(),
                self.ws.file(site.at.file).path
            );
            let at = v.reason_at;
            return v.because(why, at);
        }
        if let Some(site) = tp.site_database_of(&name, host.as_deref()) {
            v.decided_by.push(Decision {
                span: site.at,
                what: "the site's database".into(),
            });
            let why = if tp.confines() {
                format!(
                    "`{name}` is the site's own database: only the table prefix `{}` keeps the tests off the site's `{}` tables",
                    tp.prefix, tp.site_prefix
                )
            } else {
                format!(
                    "`{name}` is the site's own database, and the tests' table prefix `{}` is the site's",
                    tp.prefix
                )
            };
            return v.because(why, Some(site.at));
        }
        if tp.confines() {
            let at = tp.at.or(v.reason_at);
            v.verdict = Verdict::Test;
            return v.because(
                format!(
                    "the run drops and installs only tables named with `{}`: its own, not a site's (`{}`)",
                    tp.prefix, tp.site_prefix
                ),
                at,
            );
        }
        v
    }
}

fn iso(what: &str, span: Span) -> DatabaseVerdict {
    let mut v = DatabaseVerdict::new(Verdict::Isolated).because(
        format!("{what} gives the tests a database of their own"),
        Some(span),
    );
    v.decided_by.push(Decision {
        span,
        what: what.to_string(),
    });
    v
}

fn literal_setting(key: &str, value: &str, span: Span) -> Setting {
    Setting {
        key: crate::source::Spanned::new(key.to_string(), span),
        value: value.to_string(),
        value_span: span,
        verbatim: true,
        overridable: false,
        via: crate::model::Via::Dotenv,
        unset: false,
        provenance: None,
        raw_offsets: None,
    }
}
