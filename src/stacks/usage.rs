//! What a project's dependency manifests say about its suite, in every
//! ecosystem: whether it uses a database at all (a client or ORM
//! dependency), whether something gives its tests a database of their own
//! (Testcontainers, an in-memory server), and which test runner it depends
//! on. `testguard runs` reads them to account for a suite no test run
//! covers: a suite with a database client and no resolved run is
//! `unresolved`, one without is `none` — never silent.
//!
//! The manifests: `requirements*.txt`, `setup.py`, `setup.cfg`,
//! `pyproject.toml` (PEP 621, Poetry, PDM, uv), `Pipfile`; `package.json`;
//! `composer.json`; `Gemfile`; `mix.exs`; `pom.xml`, `build.gradle(.kts)`;
//! `*.csproj`; `go.mod`. A dependency counts where its name stands as a
//! whole name in the manifest (`psycopg2-binary`, `"pg":`, `gem 'pg'`,
//! `{:postgrex,`, `<artifactId>postgresql</artifactId>`,
//! `Include="Npgsql"`, `github.com/lib/pq`).

use std::collections::BTreeMap;

use crate::model::{Evidence, Project, RunnerFamily};
use crate::source::{FileId, SourceFile, SourceKind, Span};

/// The ecosystem a manifest belongs to, and the folder of the project it
/// describes (`requirements/base.txt` describes the folder above).
fn manifest(file: &SourceFile) -> Option<(RunnerFamily, String)> {
    let name = file.file_name();
    let dir = file.dir();
    let family = match file.kind {
        SourceKind::PyprojectToml | SourceKind::SetupCfg | SourceKind::Manifest => {
            RunnerFamily::Python
        }
        SourceKind::FrameworkMarker if name.starts_with("requirements") => {
            let owner = match dir.rsplit_once('/') {
                Some((parent, "requirements")) => parent.to_string(),
                None if dir == "requirements" => String::new(),
                _ => dir.to_string(),
            };
            return Some((RunnerFamily::Python, owner));
        }
        SourceKind::PackageJson => RunnerFamily::Node,
        SourceKind::ComposerJson => RunnerFamily::Php,
        SourceKind::Gemfile if name == "Gemfile" => RunnerFamily::Ruby,
        SourceKind::MixProject => RunnerFamily::Elixir,
        SourceKind::JvmBuild => RunnerFamily::Jvm,
        SourceKind::DotnetProject => RunnerFamily::Dotnet,
        SourceKind::GoModule => RunnerFamily::Go,
        _ => return None,
    };
    Some((family, dir.to_string()))
}

/// Database clients and ORMs, by ecosystem, as their manifests name them.
fn database_clients(family: RunnerFamily) -> &'static [&'static str] {
    match family {
        RunnerFamily::Python => &[
            "psycopg2",
            "psycopg2-binary",
            "psycopg",
            "asyncpg",
            "pg8000",
            "mysqlclient",
            "pymysql",
            "mysql-connector-python",
            "aiomysql",
            "sqlalchemy",
            "flask-sqlalchemy",
            "sqlmodel",
            "django",
            "peewee",
            "tortoise-orm",
            "pony",
            "pymongo",
            "motor",
            "mongoengine",
            "beanie",
            "databases",
            "piccolo",
            "ormar",
            "oracledb",
            "cx-oracle",
            "pyodbc",
            "aiosqlite",
            "records",
            "dataset",
        ],
        RunnerFamily::Node => &[
            "pg",
            "postgres",
            "mysql",
            "mysql2",
            "mariadb",
            "mongodb",
            "mongoose",
            "prisma",
            "@prisma/client",
            "typeorm",
            "sequelize",
            "knex",
            "drizzle-orm",
            "@mikro-orm/core",
            "objection",
            "better-sqlite3",
            "sqlite3",
            "kysely",
            "@strapi/strapi",
            "slonik",
            "pg-promise",
            "@redwoodjs/api",
        ],
        RunnerFamily::Php => &[
            "laravel/framework",
            // Lumen and CodeIgniter ship their database layer in the framework
            "laravel/lumen-framework",
            "codeigniter4/framework",
            "codeigniter/framework",
            "illuminate/database",
            "doctrine/orm",
            "doctrine/dbal",
            "doctrine/doctrine-bundle",
            "cakephp/cakephp",
            "yiisoft/yii2",
            "propel/propel",
            "mongodb/mongodb",
            "ext-pdo_mysql",
            "ext-pdo_pgsql",
            "ext-mysqli",
            "ext-pdo",
        ],
        RunnerFamily::Ruby => &[
            "pg",
            "mysql2",
            "sqlite3",
            "trilogy",
            "activerecord",
            "rails",
            "sequel",
            "mongoid",
            "rom-sql",
        ],
        RunnerFamily::Elixir => &[
            "ecto_sql",
            "postgrex",
            "myxql",
            "ecto_sqlite3",
            "tds",
            "mongodb_driver",
        ],
        RunnerFamily::Jvm => &[
            "spring-boot-starter-data-jpa",
            "spring-boot-starter-jdbc",
            "spring-boot-starter-data-jdbc",
            "spring-boot-starter-data-mongodb",
            "spring-boot-starter-data-r2dbc",
            "postgresql",
            "mysql-connector-j",
            "mysql-connector-java",
            "mariadb-java-client",
            "ojdbc8",
            "ojdbc11",
            "mssql-jdbc",
            "hibernate-core",
            "mybatis",
            "mybatis-spring-boot-starter",
            "jooq",
            "flyway-core",
            "liquibase-core",
            "exposed-core",
        ],
        RunnerFamily::Dotnet => &[
            "Microsoft.EntityFrameworkCore",
            "Microsoft.EntityFrameworkCore.SqlServer",
            "Microsoft.EntityFrameworkCore.Sqlite",
            "Npgsql",
            "Npgsql.EntityFrameworkCore.PostgreSQL",
            "Pomelo.EntityFrameworkCore.MySql",
            "Dapper",
            "MySqlConnector",
            "MySql.Data",
            "Microsoft.Data.SqlClient",
            "System.Data.SqlClient",
            "MongoDB.Driver",
        ],
        RunnerFamily::Go => &[
            "github.com/lib/pq",
            "github.com/jackc/pgx",
            "gorm.io/gorm",
            "github.com/go-sql-driver/mysql",
            "github.com/jmoiron/sqlx",
            "go.mongodb.org/mongo-driver",
            "github.com/mattn/go-sqlite3",
            "entgo.io/ent",
            "github.com/uptrace/bun",
            "modernc.org/sqlite",
            "github.com/go-pg/pg",
            "github.com/volatiletech/sqlboiler",
        ],
    }
}

/// Dependencies that give the tests a database of their own.
fn isolating(family: RunnerFamily) -> &'static [&'static str] {
    match family {
        RunnerFamily::Python => &[
            "testcontainers",
            "pytest-postgresql",
            "pytest-mysql",
            "testing.postgresql",
            "mongomock",
        ],
        RunnerFamily::Node => &[
            "testcontainers",
            "mongodb-memory-server",
            "mongodb-memory-server-core",
            "@shelf/jest-mongodb",
            "pg-mem",
            "@redwoodjs/testing",
        ],
        RunnerFamily::Php => &[],
        RunnerFamily::Ruby => &["testcontainers"],
        RunnerFamily::Elixir => &[],
        RunnerFamily::Jvm => &[
            "testcontainers",
            "embedded-database-spring-test",
            "embedded-postgres",
        ],
        RunnerFamily::Dotnet => &["Testcontainers", "Microsoft.EntityFrameworkCore.InMemory"],
        RunnerFamily::Go => &[
            "github.com/testcontainers/testcontainers-go",
            "github.com/ory/dockertest",
            "github.com/fergusstrange/embedded-postgres",
            "github.com/DATA-DOG/go-txdb",
            "github.com/DATA-DOG/go-sqlmock",
        ],
    }
}

/// Test runners a project depends on (Go and Elixir have theirs built in).
fn runners(family: RunnerFamily) -> &'static [&'static str] {
    match family {
        RunnerFamily::Python => &["pytest", "nose2", "pytest-django", "django"],
        RunnerFamily::Node => &[
            "jest",
            "vitest",
            "mocha",
            "ava",
            "tap",
            "@playwright/test",
            "cypress",
            "jasmine",
            "@redwoodjs/core",
        ],
        RunnerFamily::Php => &["phpunit/phpunit", "pestphp/pest", "codeception/codeception"],
        RunnerFamily::Ruby => &["rspec", "rspec-rails", "minitest", "rails"],
        RunnerFamily::Elixir => &[],
        RunnerFamily::Jvm => &[
            "junit",
            "junit-jupiter",
            "spring-boot-starter-test",
            "kotest",
        ],
        RunnerFamily::Dotnet => &[
            "xunit",
            "NUnit",
            "MSTest.TestFramework",
            "Microsoft.NET.Test.Sdk",
        ],
        RunnerFamily::Go => &[],
    }
}

/// Whether a byte may continue a dependency's name (so `pg` inside
/// `pg-promise` or `pgx` is not `pg`).
fn name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b'@')
}

/// Where `name` stands as a whole name in `text` (case-insensitively for
/// Python and .NET, whose package indexes ignore case). A Go module path may
/// go on with its major version (`github.com/jackc/pgx/v5`).
/// Whether an ecosystem compares package names case-insensitively.
fn folds_case(family: RunnerFamily) -> bool {
    matches!(family, RunnerFamily::Python | RunnerFamily::Dotnet)
}

/// Where a manifest names a package, in `hay`: the manifest's text, in
/// lower case where the ecosystem folds case (same offsets: ASCII folding).
fn find_name(hay: &str, name: &str, family: RunnerFamily) -> Option<std::ops::Range<usize>> {
    let fold = folds_case(family);
    let needle: std::borrow::Cow<str> = if fold {
        name.to_ascii_lowercase().into()
    } else {
        name.into()
    };
    // Python names compare with `-`, `_` and `.` as one (PEP 503)
    let alt =
        (family == RunnerFamily::Python && needle.contains('-')).then(|| needle.replace('-', "_"));
    let b = hay.as_bytes();
    for n in std::iter::once(needle.as_ref()).chain(alt.as_deref()) {
        let mut from = 0;
        while let Some(i) = hay[from..].find(n) {
            let start = from + i;
            let end = start + n.len();
            from = start + 1;
            let before = start.checked_sub(1).map(|j| b[j]);
            if before.is_some_and(name_byte) {
                continue;
            }
            let after = b.get(end).copied();
            let go_version = family == RunnerFamily::Go
                && hay[end..].starts_with("/v")
                && b.get(end + 2).is_some_and(u8::is_ascii_digit);
            if after.is_some_and(name_byte) && !go_version {
                continue;
            }
            // a Node manifest names a dependency as a quoted key
            if family == RunnerFamily::Node
                && !(before == Some(b'"') && hay[end..].starts_with("\":"))
                && !(before == Some(b'"') && hay[end..].starts_with("\" :"))
            {
                continue;
            }
            return Some(start..end);
        }
    }
    None
}

/// Records what one manifest says on its project.
pub fn scan(id: FileId, file: &SourceFile, projects: &mut BTreeMap<String, Project>) {
    if crate::stacks::is_template_path(&file.path) {
        return;
    }
    let Some((family, dir)) = manifest(file) else {
        return;
    };
    let project = crate::model::project_in(projects, &dir);
    if !project.ecosystems.contains(&family) {
        project.ecosystems.push(family);
    }
    let hay: std::borrow::Cow<str> = if folds_case(family) {
        file.text.to_ascii_lowercase().into()
    } else {
        file.text.as_str().into()
    };
    let found = |names: &[&str]| -> Option<Evidence> {
        names.iter().find_map(|n| {
            find_name(&hay, n, family).map(|r| Evidence {
                what: format!("`{n}` in {}", file.file_name()),
                span: Span::new(id, r.start, r.end),
            })
        })
    };
    // a `package.json` or `composer.json` test script runs a suite whatever
    // its runner
    if matches!(family, RunnerFamily::Node | RunnerFamily::Php)
        && !project.test_runner.iter().any(|(f, _)| *f == family)
        && let Some(i) = file.text.find("\"test\":")
    {
        project.test_runner.push((
            family,
            Evidence {
                what: format!("the `test` script of {}", file.file_name()),
                span: Span::new(id, i + 1, i + 5),
            },
        ));
    }
    // Go and Elixir carry their test runner (`go test`, ExUnit's `mix test`)
    if matches!(family, RunnerFamily::Go | RunnerFamily::Elixir)
        && !project.test_runner.iter().any(|(f, _)| *f == family)
    {
        let what = match family {
            RunnerFamily::Go => "`go test`, built into Go",
            _ => "ExUnit (`mix test`), built into Elixir",
        };
        project.test_runner.push((
            family,
            Evidence {
                what: what.to_string(),
                span: Span::new(id, 0, 0),
            },
        ));
    }
    for (list, names) in [
        (&mut project.database_client, database_clients(family)),
        (&mut project.isolating_evidence, isolating(family)),
        (&mut project.test_runner, runners(family)),
    ] {
        if !list.iter().any(|(f, _)| *f == family)
            && let Some(e) = found(names)
        {
            list.push((family, e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(path: &str, kind: SourceKind, text: &str) -> Project {
        let mut projects = BTreeMap::new();
        let f = SourceFile::new(path.into(), kind, text.into());
        scan(FileId(0), &f, &mut projects);
        projects.into_values().next().unwrap_or_default()
    }

    fn first(list: &[(RunnerFamily, Evidence)]) -> Option<&Evidence> {
        list.first().map(|(_, e)| e)
    }

    #[test]
    fn whole_names_only() {
        let p = scanned(
            "requirements.txt",
            SourceKind::FrameworkMarker,
            "pgcli==3\npsycopg2-binary==2.9\n",
        );
        let c = first(&p.database_client).expect("a client");
        assert_eq!(c.what, "`psycopg2-binary` in requirements.txt");
        let p = scanned(
            "package.json",
            SourceKind::PackageJson,
            r#"{"dependencies": {"pg-promise-x": "1", "jest": "29"}, "keywords": ["pg"]}"#,
        );
        assert!(p.database_client.is_empty(), "{:?}", p.database_client);
        assert!(!p.test_runner.is_empty());
        let p = scanned(
            "go.mod",
            SourceKind::GoModule,
            "require (\n\tgithub.com/jackc/pgx/v5 v5.5.0\n\tgithub.com/testcontainers/testcontainers-go v0.30.0\n)\n",
        );
        assert!(!p.database_client.is_empty());
        assert!(!p.isolating_evidence.is_empty());
        let p = scanned(
            "Api.Tests/Api.Tests.csproj",
            SourceKind::DotnetProject,
            r#"<PackageReference Include="npgsql.entityframeworkcore.postgresql" Version="8" />"#,
        );
        assert!(!p.database_client.is_empty());
        // Poetry's `flask_sqlalchemy` is PEP 503's `flask-sqlalchemy`
        let p = scanned(
            "pyproject.toml",
            SourceKind::PyprojectToml,
            "[tool.poetry.dependencies]\nflask_sqlalchemy = \"^3\"\n",
        );
        assert!(!p.database_client.is_empty());
        // `latest` is no `test`, `postgresql-client` no `postgresql`
        let p = scanned(
            "pom.xml",
            SourceKind::JvmBuild,
            "<artifactId>postgresql-client-x</artifactId>",
        );
        assert!(p.database_client.is_empty());
    }
}
