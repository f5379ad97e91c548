//! What a database setting points at, parsed once for every rule.
//!
//! A value is either a URL (`postgres://user:pass@host:5432/name?x=y`), a
//! libpq keyword string (`host=db dbname=app`), a bare database name, a sqlite
//! path or an in-memory form. Every part keeps its byte range inside the value
//! text so a rule can point at the database name itself, and the password's
//! range is known so it can be masked.

use std::ops::Range;

/// A part of a value: its text and its byte range inside the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub range: Range<usize>,
}

impl Part {
    fn of(value: &str, range: Range<usize>) -> Option<Part> {
        let text = value.get(range.clone())?;
        if text.is_empty() {
            return None;
        }
        Some(Part {
            text: text.to_string(),
            range,
        })
    }

    /// Whether the part is (or contains) a reference that only a runtime can
    /// resolve: `${VAR}`, `$VAR`, `${{ … }}`, `%env(…)%`, `{{ … }}`.
    pub fn is_reference(&self) -> bool {
        contains_reference(&self.text)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DatabaseRef {
    pub scheme: Option<String>,
    pub user: Option<Part>,
    pub password: Option<Part>,
    pub host: Option<Part>,
    pub port: Option<Part>,
    pub name: Option<Part>,
    /// `:memory:`, `sqlite::memory:`, `file::memory:?cache=shared`, …
    pub in_memory: bool,
    /// The database is a sqlite file (`sqlite:///x.db`, `file:./x.db`, `x.sqlite`).
    pub sqlite_file: bool,
    /// Byte ranges (in the value) that are secrets: URL passwords, `?password=`.
    pub secrets: Vec<Range<usize>>,
}

/// How a database setting's key says its value should be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKeyKind {
    /// A URL or DSN (`DATABASE_URL`, `MONGODB_URI`, …); a bare value is a name.
    Url,
    /// A database name (`DB_DATABASE`, `POSTGRES_DB`, …); may be a sqlite path.
    Name,
    /// A host only (`DB_HOST`).
    Host,
}

/// Classifies a settings key as a database setting, case-insensitively.
pub fn db_key_kind(key: &str, extra_keys: &[String]) -> Option<DbKeyKind> {
    let k = key.to_ascii_uppercase();
    // a Django settings module's `DATABASES['default']['HOST']`, `…['TEST']['NAME']`
    if let Some(field) = k.strip_prefix("DATABASES.") {
        // `default.NAME` too: what Django prefixes with `test_` for the
        // tests, and what they use as it is when no test database is created
        return if field.ends_with(".TEST.NAME")
            || field.split('.').count() == 2 && field.ends_with(".NAME")
        {
            Some(DbKeyKind::Name)
        } else if field.ends_with(".HOST") {
            Some(DbKeyKind::Host)
        } else {
            None
        };
    }
    // CodeIgniter 3's `$db['group']['database']`
    if let Some(rest) = k.strip_prefix("$DB['") {
        return match rest.rsplit_once("']['").map(|(_, f)| f) {
            Some("DATABASE']") => Some(DbKeyKind::Name),
            Some("HOSTNAME']") => Some(DbKeyKind::Host),
            Some("DSN']") => Some(DbKeyKind::Url),
            _ => None,
        };
    }
    // Yii 2's `components.db.dsn` (a PDO DSN)
    if k == "COMPONENTS.DB.DSN" {
        return Some(DbKeyKind::Url);
    }
    // CakePHP's `test` datasource, written literally
    if let Some(field) = k.strip_prefix("DATASOURCES.TEST.") {
        return match field {
            "DATABASE" => Some(DbKeyKind::Name),
            "HOST" => Some(DbKeyKind::Host),
            "URL" => Some(DbKeyKind::Url),
            _ => None,
        };
    }
    // CodeIgniter 4's `tests` group, overridden by `database.tests.*`
    // variables (its `BaseConfig` reads them for `Config\Database::$tests`)
    if let Some(field) = k.strip_prefix("DATABASE.TESTS.") {
        return match field {
            "DATABASE" => Some(DbKeyKind::Name),
            "HOSTNAME" => Some(DbKeyKind::Host),
            "DSN" => Some(DbKeyKind::Url),
            _ => None,
        };
    }
    if extra_keys.iter().any(|e| e.eq_ignore_ascii_case(key)) {
        return Some(DbKeyKind::Url);
    }
    let url = k == "DATABASE_URL"
        || k.ends_with("_DATABASE_URL")
        || k == "DATABASE_URI"
        || k.ends_with("_DATABASE_URI")
        || k == "DB_URL"
        || k.ends_with("_DB_URL")
        || k == "DB_URI"
        || k == "DB_DSN"
        // ASP.NET Core: `ConnectionStrings__Main` and the Azure App Service
        // prefixes are `ConnectionStrings:Main` (dotnet/runtime
        // `EnvironmentVariablesConfigurationProvider.cs`)
        || k.starts_with("CONNECTIONSTRINGS__")
        || k.starts_with("SQLCONNSTR_")
        || k.starts_with("SQLAZURECONNSTR_")
        || k.starts_with("POSTGRESQLCONNSTR_")
        || k.starts_with("MYSQLCONNSTR_")
        || k.starts_with("CUSTOMCONNSTR_")
        // Spring Boot's relaxed binding of `spring.datasource.url` & co.
        || k == "SPRING_DATASOURCE_URL"
        || k == "SPRING_DATASOURCE_JDBC_URL"
        || k == "SPRING_R2DBC_URL"
        || k == "SPRING_DATA_MONGODB_URI"
        // Go: viper's `app.env` (`DB_SOURCE`), libpq and MySQL DSNs
        || k == "DB_SOURCE"
        // CakePHP's skeleton: the `test` datasource's `url`
        || k == "DATABASE_TEST_URL"
        || k == "POSTGRES_DSN"
        || k == "MYSQL_DSN"
        || k == "DATABASE_DSN"
        || k == "MONGO_URL"
        || k == "MONGO_URI"
        || k == "MONGODB_URL"
        || k == "MONGODB_URI"
        || k.ends_with("_MONGODB_URI")
        || k.ends_with("_MONGODB_URL")
        || k == "SQLALCHEMY_DATABASE_URI"
        || k == "DOCTRINE.DBAL.URL"
        || k == "DATABASE_URL_TEST"
        || k == "MONGO_URI_TEST"
        || k == "MONGO_URI_TESTS"
        || k == "MONGO_URL_TEST"
        || k == "TYPEORM_URL";
    if url {
        return Some(DbKeyKind::Url);
    }
    let name = k == "DB_DATABASE"
        || k == "DB_NAME"
        || k == "DATABASE_NAME"
        || k.ends_with("_DB_NAME")
        || k.ends_with("_DB_DATABASE")
        || k == "POSTGRES_DB"
        || k == "PGDATABASE"
        || k == "MYSQL_DATABASE"
        || k == "MARIADB_DATABASE"
        || k == "MONGO_INITDB_DATABASE"
        || k == "POSTGRES_DATABASE"
        || k == "TEST_DATABASE_NAME"
        || k == "MONGODB_DATABASE"
        // Strapi's sqlite file
        || k == "DATABASE_FILENAME"
        // a Symfony 2/3 kernel's doctrine connection, parameters resolved
        || k == "DOCTRINE.DBAL.DBNAME"
        || k == "DOCTRINE.DBAL.PATH";
    if name {
        return Some(DbKeyKind::Name);
    }
    if k == "DB_HOST"
        || k == "DATABASE_HOST"
        || k == "PGHOST"
        || k.ends_with("_DB_HOST")
        || k == "DOCTRINE.DBAL.HOST"
    {
        return Some(DbKeyKind::Host);
    }
    None
}

/// Whether a string holds a runtime reference testguard cannot resolve.
pub fn contains_reference(s: &str) -> bool {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'$' => {
                if let Some(&n) = b.get(i + 1)
                    && (n == b'{' || n == b'(' || n == b'_' || n.is_ascii_alphabetic())
                {
                    return true;
                }
            }
            b'%' if b[i..].starts_with(b"%env(") => return true,
            b'{' if b.get(i + 1) == Some(&b'{') => return true,
            _ => {}
        }
    }
    false
}

/// Names of the variables a value refers to (`${{ secrets.PROD_DB }}` →
/// `PROD_DB`, `${DB_URL:-x}` → `DB_URL`, `%env(DATABASE_URL)%` → `DATABASE_URL`).
pub fn reference_names(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = if b[i] == b'$' {
            match b.get(i + 1) {
                Some(b'{') if b.get(i + 2) == Some(&b'{') => Some(i + 3),
                Some(b'{') | Some(b'(') => Some(i + 2),
                Some(c) if c.is_ascii_alphabetic() || *c == b'_' => Some(i + 1),
                _ => None,
            }
        } else if b[i..].starts_with(b"%env(") {
            Some(i + 5)
        } else {
            None
        };
        let Some(mut j) = start else {
            i += 1;
            continue;
        };
        while j < b.len() && b[j] == b' ' {
            j += 1;
        }
        let name_start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'.') {
            j += 1;
        }
        if j > name_start {
            let name = &s[name_start..j];
            // `secrets.X` / `vars.X` / `env.X`: the variable is the last segment;
            // Symfony's `%env(resolve:X)%` processors come before a colon.
            let name = name.rsplit('.').next().unwrap_or(name);
            out.push(name.to_string());
        }
        i = j.max(i + 1);
    }
    out
}

/// Splits a value into lowercase marker tokens: on non-alphanumerics, camelCase
/// and letter/digit boundaries (`myAppTest2` → `my`, `app`, `test`, `2`).
pub fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur).to_lowercase());
            }
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let boundary = (p.is_lowercase() && c.is_uppercase())
                || (p.is_alphabetic() && c.is_numeric())
                || (p.is_numeric() && c.is_alphabetic());
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur).to_lowercase());
            }
        }
        cur.push(c);
        prev = Some(c);
    }
    if !cur.is_empty() {
        out.push(cur.to_lowercase());
    }
    out
}

/// The test and forbidden marker vocabularies, extendable by config.
#[derive(Clone, Debug)]
pub struct Markers {
    pub test: Vec<String>,
    pub forbidden: Vec<String>,
}

impl Default for Markers {
    fn default() -> Self {
        Markers {
            test: ["test", "tests", "testing"].map(String::from).to_vec(),
            forbidden: [
                "prod",
                "production",
                "live",
                "staging",
                "dev",
                "development",
                "local",
                "main",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl Markers {
    /// Whether the literal part of `s` holds a test marker as a whole token.
    pub fn has_test(&self, s: &str) -> bool {
        tokens(&strip_references(s))
            .iter()
            .any(|t| self.test.iter().any(|m| m == t))
    }

    /// Whether `name` is a database's name with a test marker glued on: a
    /// development database's (`mautictest` beside `mautic`, `testshop`
    /// beside `shop`) or a bare `db` (`testdb`, `dbtest`) — the ways a
    /// developer names the test copy of a database. A word that merely
    /// ends in a marker (`latest`, `contest`, `attestation`) stays no test
    /// name: its stem is no database.
    pub fn glued_test(&self, name: &str, dev_names: &[String]) -> bool {
        let n = name.trim().to_ascii_lowercase();
        let stems = dev_names
            .iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .chain(["db".to_string(), "database".to_string()]);
        for d in stems {
            if d.is_empty() || d == n {
                continue;
            }
            let glued = self.test.iter().any(|m| {
                n.strip_prefix(d.as_str()) == Some(m.as_str())
                    || n.strip_suffix(d.as_str()) == Some(m.as_str())
            });
            if glued {
                return true;
            }
        }
        false
    }

    /// The first forbidden marker found as a whole token in `s` (references
    /// included: a variable named `PROD_DB` is a production hint).
    pub fn forbidden_in(&self, s: &str) -> Option<String> {
        tokens(s)
            .into_iter()
            .find(|t| self.forbidden.iter().any(|m| m == t))
    }
}

/// `s` with every reference expression removed: only what is literally there.
pub fn strip_references(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['$', '%', '{']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let close = if tail.starts_with("${{") || tail.starts_with("{{") {
            tail.find("}}").map(|j| j + 2)
        } else if tail.starts_with("${") {
            tail.find('}').map(|j| j + 1)
        } else if tail.starts_with("$(") {
            tail.find(')').map(|j| j + 1)
        } else if tail.starts_with("%env(") {
            tail.find(")%").map(|j| j + 2)
        } else if tail.starts_with('$')
            && tail[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            tail[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map(|j| j + 1)
                .or(Some(tail.len()))
        } else {
            None
        };
        match close {
            Some(n) => rest = &tail[n..],
            None => {
                // not a reference (or an unclosed one): keep the character
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a value is one of the in-memory database forms.
pub fn is_in_memory(v: &str) -> bool {
    let l = v.trim().to_ascii_lowercase();
    l == ":memory:"
        // SQLAlchemy: a sqlite URL without a path is an in-memory database
        || l == "sqlite://"
        || l.starts_with("sqlite+") && l.ends_with("://")
        || l.starts_with("sqlite::memory:")
        || l.starts_with("sqlite:///:memory:")
        || l.starts_with("sqlite://:memory:")
        || l.starts_with("file::memory:")
        || l.starts_with("file:memory")
        || l.contains("mode=memory")
}

fn looks_like_sqlite_path(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    l.ends_with(".sqlite")
        || l.ends_with(".sqlite3")
        || l.ends_with(".db")
        || l.ends_with(".db3")
        || l.contains('/')
        || l.contains('\\')
}

impl DatabaseRef {
    /// Parses a value as its key says it should be read.
    pub fn parse(value: &str, kind: DbKeyKind) -> DatabaseRef {
        let trimmed_start = value.len() - value.trim_start().len();
        let end = value.trim_end().len();
        let v = value.get(trimmed_start..end).unwrap_or("");
        let mut r = DatabaseRef::default();
        if v.is_empty() {
            return r;
        }
        if is_in_memory(v) {
            r.in_memory = true;
            return r;
        }
        let off = trimmed_start;
        match kind {
            DbKeyKind::Host => r.host = Part::of(value, off..end),
            DbKeyKind::Name => {
                r.sqlite_file = looks_like_sqlite_path(v);
                r.name = Part::of(value, off..end);
            }
            DbKeyKind::Url => {
                if let Some(i) = v.find("://") {
                    parse_url(value, off, i, &mut r);
                } else if is_keyword_form(v) {
                    parse_keywords(value, off, &mut r);
                } else if let Some(rest) = strip_scheme_colon(v) {
                    // `sqlite:db.sqlite3`, Prisma's `file:./test.db`
                    r.scheme = Some(v[..v.len() - rest.len() - 1].to_ascii_lowercase());
                    r.sqlite_file = true;
                    r.name = Part::of(value, off + v.len() - rest.len()..end);
                } else {
                    r.sqlite_file = looks_like_sqlite_path(v);
                    r.name = Part::of(value, off..end);
                }
            }
        }
        r
    }

    /// The database is a sqlite file (by its scheme or its path).
    pub fn is_sqlite(&self) -> bool {
        self.sqlite_file
            || self
                .scheme
                .as_deref()
                .is_some_and(|s| s.starts_with("sqlite") || s == "file")
    }

    /// The host, lowercased, with brackets of an IPv6 literal removed.
    pub fn host_text(&self) -> Option<String> {
        self.host
            .as_ref()
            .map(|h| h.text.trim_matches(['[', ']']).to_ascii_lowercase())
    }
}

fn strip_scheme_colon(v: &str) -> Option<&str> {
    let i = v.find(':')?;
    let scheme = &v[..i];
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+')
    {
        return None;
    }
    let l = scheme.to_ascii_lowercase();
    (l == "sqlite" || l == "sqlite3" || l == "file").then(|| &v[i + 1..])
}

fn parse_url(value: &str, off: usize, scheme_end: usize, r: &mut DatabaseRef) {
    let v = &value[off..value.trim_end().len()];
    let scheme = v[..scheme_end].to_ascii_lowercase();
    let scheme = scheme.strip_prefix("jdbc:").unwrap_or(&scheme).to_string();
    let rest_start = scheme_end + 3;
    let rest = &v[rest_start..];
    // authority ends at the first `/`, `?` or `#` (a `/` inside `${…}` does not count)
    let auth_len = find_outside_refs(rest, &['/', '?', '#']).unwrap_or(rest.len());
    let auth = &rest[..auth_len];
    let mut host_start = 0;
    if let Some(at) = auth.rfind('@') {
        let userinfo = &auth[..at];
        host_start = at + 1;
        match find_outside_refs(userinfo, &[':']) {
            Some(c) => {
                r.user = Part::of(value, off + rest_start..off + rest_start + c);
                let pw = off + rest_start + c + 1..off + rest_start + at;
                if !pw.is_empty() {
                    r.secrets.push(pw.clone());
                }
                r.password = Part::of(value, pw);
            }
            None => r.user = Part::of(value, off + rest_start..off + rest_start + at),
        }
    }
    let hostport = &auth[host_start..];
    let hp_off = off + rest_start + host_start;
    // port: after the last `:` that is not inside `[…]` (IPv6) nor a reference
    let port_colon = if hostport.starts_with('[') {
        hostport
            .find(']')
            .and_then(|e| hostport[e..].find(':').map(|c| e + c))
    } else if hostport.matches(',').count() > 0 {
        None // mongodb multi-host list: keep it whole
    } else {
        find_outside_refs(hostport, &[':'])
    };
    match port_colon {
        Some(c) => {
            r.host = Part::of(value, hp_off..hp_off + c);
            r.port = Part::of(value, hp_off + c + 1..hp_off + hostport.len());
        }
        None => r.host = Part::of(value, hp_off..hp_off + hostport.len()),
    }
    let after = &rest[auth_len..];
    let after_off = off + rest_start + auth_len;
    let path_len = find_outside_refs(after, &['?', '#']).unwrap_or(after.len());
    let path = &after[..path_len];
    let is_sqlite = scheme.starts_with("sqlite") || scheme == "file";
    if is_sqlite {
        r.sqlite_file = true;
        // sqlite:///relative.db, sqlite:////abs/path.db: the path is the database
        let trimmed = path.strip_prefix('/').unwrap_or(path);
        let p_off = after_off + (path.len() - trimmed.len());
        r.name = Part::of(value, p_off..p_off + trimmed.len());
        if r.host.is_some() && r.name.is_none() {
            r.name = r.host.take();
        }
    } else {
        let name = path.trim_start_matches('/');
        let n_off = after_off + (path.len() - name.len());
        // a Redis db index or a trailing slash is not a database name
        let name = name.trim_end_matches('/');
        r.name = Part::of(value, n_off..n_off + name.len());
    }
    // query: `dbname=` / `database=` name the database, `password=` is a secret
    if path_len < after.len() && after[path_len..].starts_with('?') {
        let q_off = after_off + path_len + 1;
        let query = &after[path_len + 1..];
        let mut pos = 0;
        for pair in query.split('&') {
            let p_start = q_off + pos;
            pos += pair.len() + 1;
            let Some(eq) = pair.find('=') else { continue };
            let key = pair[..eq].to_ascii_lowercase();
            let val = p_start + eq + 1..p_start + pair.len();
            match key.as_str() {
                "dbname" | "database" | "db" if r.name.is_none() => {
                    r.name = Part::of(value, val);
                }
                "password" | "pass" | "pwd" | "sslpassword" => {
                    if !val.is_empty() {
                        r.secrets.push(val.clone());
                    }
                    if r.password.is_none() {
                        r.password = Part::of(value, val);
                    }
                }
                "host" if r.host.is_none() => r.host = Part::of(value, val),
                _ => {}
            }
        }
    }
    r.scheme = Some(scheme);
}

/// Whether a value is a keyword/value connection string: libpq's
/// `host=… dbname=…` or ADO.NET/ODBC's `Server=…;Database=…`.
fn is_keyword_form(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let keys = [
        "dbname=",
        "host=",
        "server=",
        "database=",
        "data source=",
        "initial catalog=",
    ];
    keys.iter().any(|k| {
        lower.starts_with(k) || lower.contains(&format!(" {k}")) || lower.contains(&format!(";{k}"))
    })
}

/// Keyword/value forms: libpq's `host=localhost port=5432 dbname=app
/// password=x` (space-separated) and ADO.NET/ODBC's `Server=(local);
/// Database=app;User Id=sa` (`;`-separated, keys may hold spaces).
fn parse_keywords(value: &str, off: usize, r: &mut DatabaseRef) {
    let v = &value[off..value.trim_end().len()];
    let separators: &[char] = if v.contains(';') { &[';'] } else { &[' '] };
    let mut pos = 0;
    for word in v.split(separators) {
        let w_off = off + pos;
        pos += word.len() + 1;
        let Some(eq) = word.find('=') else { continue };
        let key_start = word.len() - word.trim_start().len();
        let val = w_off + eq + 1..w_off + word.trim_end().len().max(eq + 1);
        match word[key_start..eq].trim().to_ascii_lowercase().as_str() {
            "dbname" | "database" | "initial catalog" => r.name = Part::of(value, val),
            "host" | "server" | "data source" | "address" | "addr" => r.host = Part::of(value, val),
            "port" => r.port = Part::of(value, val),
            "user" | "username" | "user id" | "uid" => r.user = Part::of(value, val),
            "password" | "pwd" => {
                r.secrets.push(val.clone());
                r.password = Part::of(value, val);
            }
            _ => {}
        }
    }
}

/// The first of `chars` in `s` outside `${…}`/`${{…}}`/`{{…}}`/`%env(…)%`.
fn find_outside_refs(s: &str, chars: &[char]) -> Option<usize> {
    let mut depth = 0usize;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'$' && matches!(b.get(i + 1), Some(b'{') | Some(b'(')) {
            depth += 1;
            i += 2;
            continue;
        }
        if c == b'{' && b.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 2;
            continue;
        }
        if depth > 0 {
            if c == b'}' || c == b')' {
                depth -= 1;
                while b.get(i + 1) == Some(&b'}') {
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        if let Some(ch) = s[i..].chars().next() {
            if chars.contains(&ch) {
                return Some(i);
            }
            i += ch.len_utf8();
        } else {
            i += 1;
        }
    }
    None
}

/// Whether a host is local to the machine running the tests: loopback,
/// a unix socket, or a single-label name such as a docker-compose service.
pub fn is_local_host(host: &str, extra_local: &[String]) -> bool {
    let h = host.trim().trim_matches(['[', ']']).to_ascii_lowercase();
    if h.is_empty() || h.starts_with('/') || h.starts_with('%') || h.contains(".sock") {
        return true;
    }
    if extra_local.iter().any(|e| e.eq_ignore_ascii_case(&h)) {
        return true;
    }
    // SQL Server's `(local)\\INSTANCE`, `(localdb)\\…` and `.` name this machine
    if h == "localhost"
        || h.ends_with(".localhost")
        || h == "::1"
        || h == "0.0.0.0"
        || h.starts_with("(local")
        || h == "."
    {
        return true;
    }
    if let Ok(ip) = h.parse::<std::net::Ipv4Addr>() {
        return ip.is_loopback();
    }
    if let Ok(ip) = h.parse::<std::net::Ipv6Addr>() {
        return ip.is_loopback();
    }
    // `host.docker.internal` is the developer's own machine
    if h == "host.docker.internal" {
        return true;
    }
    !h.contains('.') && !h.contains(':')
}

#[cfg(test)]
mod tests {

    #[test]
    fn glued_markers_need_a_database_stem() {
        let m = Markers::default();
        let dev = vec!["mautic".to_string(), "Shop".to_string()];
        for name in [
            "mautictest",
            "testmautic",
            "shoptesting",
            "testdb",
            "dbtest",
            "testdatabase",
        ] {
            assert!(m.glued_test(name, &dev), "{name}");
        }
        for name in [
            "latest",
            "contest",
            "attestation",
            "mautic",
            "mautictests2",
            "testdbx",
        ] {
            assert!(!m.glued_test(name, &dev), "{name}");
        }
        // the dev database itself is no test database
        assert!(!m.glued_test("test", &["".to_string()]));
    }

    use super::*;

    fn url(v: &str) -> DatabaseRef {
        DatabaseRef::parse(v, DbKeyKind::Url)
    }

    #[test]
    fn tokens_split_case_digits_and_punctuation() {
        assert_eq!(tokens("myAppTest2_db"), ["my", "app", "test", "2", "db"]);
        assert_eq!(tokens("test_domain_events"), ["test", "domain", "events"]);
        assert_eq!(tokens("latest_snapshot"), ["latest", "snapshot"]);
        assert_eq!(tokens("HTTPServer"), ["httpserver"]);
    }

    #[test]
    fn ado_net_and_libpq_keyword_strings() {
        let v =
            "Server=(local);Database=Shop_Test;User Id=sa;Password=Pw-9;Trusted_Connection=True";
        let r = DatabaseRef::parse(v, DbKeyKind::Url);
        assert_eq!(r.host.map(|p| p.text).as_deref(), Some("(local)"));
        assert_eq!(r.name.map(|p| p.text).as_deref(), Some("Shop_Test"));
        assert_eq!(r.user.map(|p| p.text).as_deref(), Some("sa"));
        assert_eq!(r.secrets.len(), 1);
        assert_eq!(&v[r.secrets[0].clone()], "Pw-9");
        let r = DatabaseRef::parse(
            "Data Source=db.prod.local;Initial Catalog=shop",
            DbKeyKind::Url,
        );
        assert_eq!(r.host.map(|p| p.text).as_deref(), Some("db.prod.local"));
        assert_eq!(r.name.map(|p| p.text).as_deref(), Some("shop"));
        let r = DatabaseRef::parse("host=localhost port=5432 dbname=app_test", DbKeyKind::Url);
        assert_eq!(r.name.map(|p| p.text).as_deref(), Some("app_test"));
        assert_eq!(r.port.map(|p| p.text).as_deref(), Some("5432"));
    }

    #[test]
    fn markers_are_whole_tokens() {
        let m = Markers::default();
        assert!(m.has_test("test_domain_events"));
        assert!(!m.has_test("latest"));
        assert!(!m.has_test("contest_db"));
        assert!(m.forbidden_in("domain").is_none());
        assert!(m.forbidden_in("localhost").is_none());
        assert_eq!(m.forbidden_in("app_prod").as_deref(), Some("prod"));
        assert_eq!(m.forbidden_in("myappDev").as_deref(), Some("dev"));
        // a variable's name is not a literal test marker
        assert!(!m.has_test("${TEST_DB}"));
        assert!(m.has_test("test_${SUFFIX}"));
    }

    #[test]
    fn url_parts_and_secrets() {
        let v = "postgres://test_user:s3cret@prod.example.com:5432/app?sslmode=require";
        let r = url(v);
        assert_eq!(r.scheme.as_deref(), Some("postgres"));
        assert_eq!(r.user.as_ref().map(|p| p.text.as_str()), Some("test_user"));
        assert_eq!(r.password.as_ref().map(|p| p.text.as_str()), Some("s3cret"));
        assert_eq!(
            r.host.as_ref().map(|p| p.text.as_str()),
            Some("prod.example.com")
        );
        assert_eq!(r.port.as_ref().map(|p| p.text.as_str()), Some("5432"));
        let name = r.name.as_ref().map(|p| (p.text.as_str(), p.range.clone()));
        assert_eq!(name, Some(("app", 50..53)));
        assert_eq!(&v[r.secrets[0].clone()], "s3cret");
    }

    #[test]
    fn url_forms() {
        assert!(url("sqlite:///:memory:").in_memory);
        assert!(url("file::memory:?cache=shared").in_memory);
        let r = url("sqlite:///%kernel.project_dir%/data/database_test.sqlite");
        assert!(r.is_sqlite());
        assert_eq!(
            r.name.map(|p| p.text),
            Some("%kernel.project_dir%/data/database_test.sqlite".into())
        );
        let r = url("file:./test.db");
        assert!(r.is_sqlite());
        assert_eq!(r.name.map(|p| p.text), Some("./test.db".into()));
        let r = url("postgresql://${U}:${P}@${HOST}:${PORT}/${DB}");
        assert_eq!(r.host.map(|p| p.text), Some("${HOST}".into()));
        assert!(r.name.as_ref().is_some_and(|p| p.is_reference()));
        let r = url("mysql://root@localhost/app?password=hunter2");
        assert_eq!(r.secrets.len(), 1);
        let r = url("host=localhost dbname=app_test password=x");
        assert_eq!(r.name.map(|p| p.text), Some("app_test".into()));
        let r = url("postgres://[::1]:5432/x");
        assert_eq!(r.host_text().as_deref(), Some("::1"));
        let r = url("mongodb://h1:27017,h2:27017/app");
        assert_eq!(r.name.map(|p| p.text), Some("app".into()));
    }

    #[test]
    fn references() {
        assert!(contains_reference("${{ secrets.DB }}"));
        assert!(contains_reference("$DATABASE_URL"));
        assert!(contains_reference("%env(DATABASE_URL)%"));
        assert!(!contains_reference("costs 5$"));
        assert!(!contains_reference("price $5"));
        assert_eq!(
            reference_names("${{ secrets.PROD_DB_URL }}"),
            ["PROD_DB_URL"]
        );
        assert_eq!(reference_names("${DB:-x}/$NAME"), ["DB", "NAME"]);
        assert_eq!(strip_references("test_${X}_y"), "test__y");
    }

    #[test]
    fn local_hosts() {
        for h in [
            "localhost",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
            "db",
            "postgres",
            "/var/run/pg",
        ] {
            assert!(is_local_host(h, &[]), "{h}");
        }
        for h in ["prod.example.com", "10.0.0.5", "db.internal"] {
            assert!(!is_local_host(h, &[]), "{h}");
        }
    }
}

/// What a JDBC (or R2DBC, MongoDB) URL of a Spring datasource points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JdbcTarget {
    /// `jdbc:h2:mem:`, `jdbc:hsqldb:mem:`, `jdbc:derby:memory:`, SQLite's `:memory:`.
    InMemory,
    /// `jdbc:tc:…`: Testcontainers starts a throwaway database for it.
    Container,
    /// A server database or a file, with ranges inside the whole value.
    Database(Box<DatabaseRef>),
    /// A form not read (Oracle's `@host:port:sid`, …).
    Unknown,
}

/// Reads a JDBC URL (`jdbc:mysql://host/db`, `jdbc:p6spy:postgresql://…`,
/// `jdbc:sqlite:dev.db`, `jdbc:sqlserver://h;databaseName=x`), or an
/// R2DBC/MongoDB one.
pub fn parse_jdbc(value: &str) -> JdbcTarget {
    let lower = value.trim().to_ascii_lowercase();
    let lead = value.len() - value.trim_start().len();
    let mut skip = lead;
    for prefix in ["jdbc:", "p6spy:", "log4jdbc:", "r2dbc:", "pool:"] {
        if lower[skip - lead..].starts_with(prefix) {
            skip += prefix.len();
        }
    }
    let rest = &lower[skip - lead..];
    if rest.starts_with("tc:") {
        return JdbcTarget::Container;
    }
    if rest.starts_with("h2:mem:")
        || rest.starts_with("hsqldb:mem:")
        || rest.starts_with("derby:memory:")
        || rest.starts_with("sqlite::memory:")
        || rest.starts_with("sqlite:file::memory:")
        || rest.contains("mode=memory")
    {
        return JdbcTarget::InMemory;
    }
    // a file database: `sqlite:path`, `h2:file:path`, `h2:./path`, `derby:path`
    for (scheme, file) in [
        ("sqlite:", true),
        ("h2:file:", true),
        ("h2:tcp:", false),
        ("h2:", true),
        ("hsqldb:file:", true),
        ("derby:", true),
    ] {
        if let Some(path) = rest.strip_prefix(scheme) {
            if !file || path.contains("://") {
                break;
            }
            let start = skip + scheme.len();
            let end = value.trim_end().len();
            let path_end = value[start..end]
                .find([';', '?'])
                .map_or(end, |i| start + i);
            let mut r = DatabaseRef {
                scheme: Some(scheme.trim_end_matches(':').to_string()),
                sqlite_file: true,
                ..DatabaseRef::default()
            };
            r.name = Part::of(value, start..path_end);
            return JdbcTarget::Database(Box::new(r));
        }
    }
    // SQL Server: `sqlserver://host:1433;databaseName=x`
    if rest.starts_with("sqlserver://") {
        let mut r = DatabaseRef::parse(
            &value[..value.find(';').unwrap_or(value.len())],
            DbKeyKind::Url,
        );
        r.scheme = Some("sqlserver".into());
        let mut pos = 0;
        for part in value.split(';') {
            let start = pos;
            pos += part.len() + 1;
            if let Some((k, _)) = part.split_once('=') {
                let k_l = k.trim().to_ascii_lowercase();
                if k_l == "databasename" || k_l == "database" {
                    let vs = start + k.len() + 1;
                    r.name = Part::of(value, vs..start + part.len());
                }
            }
        }
        return JdbcTarget::Database(Box::new(r));
    }
    if !rest.contains("://") {
        return JdbcTarget::Unknown;
    }
    // `mysql://host/db` read from the scheme on (ranges stay the value's)
    let mut padded = " ".repeat(skip);
    padded.push_str(&value[skip..]);
    let r = DatabaseRef::parse(&padded, DbKeyKind::Url);
    JdbcTarget::Database(Box::new(r))
}

#[cfg(test)]
mod jdbc_tests {
    use super::*;

    fn name(v: &str) -> Option<String> {
        match parse_jdbc(v) {
            JdbcTarget::Database(r) => r.name.map(|n| {
                assert_eq!(&v[n.range.clone()], n.text);
                n.text
            }),
            _ => None,
        }
    }

    #[test]
    fn jdbc_forms() {
        assert_eq!(
            name("jdbc:mysql://localhost:3306/mall?useSSL=false").as_deref(),
            Some("mall")
        );
        assert_eq!(
            name("jdbc:p6spy:postgresql://db/shop").as_deref(),
            Some("shop")
        );
        assert_eq!(name("jdbc:sqlite:dev.db").as_deref(), Some("dev.db"));
        assert_eq!(
            name("jdbc:h2:file:./data/app;MODE=MySQL").as_deref(),
            Some("./data/app")
        );
        assert_eq!(
            name("jdbc:sqlserver://h:1433;databaseName=shop;encrypt=true").as_deref(),
            Some("shop")
        );
        assert_eq!(
            name("r2dbc:postgresql://h/app_test").as_deref(),
            Some("app_test")
        );
        assert_eq!(name("mongodb://h:27017/app").as_deref(), Some("app"));
        assert_eq!(parse_jdbc("jdbc:h2:mem:testdb"), JdbcTarget::InMemory);
        assert_eq!(parse_jdbc("jdbc:sqlite::memory:"), JdbcTarget::InMemory);
        assert_eq!(
            parse_jdbc("jdbc:tc:postgresql:15:///db"),
            JdbcTarget::Container
        );
        assert_eq!(
            parse_jdbc("jdbc:oracle:thin:@h:1521:x"),
            JdbcTarget::Unknown
        );
        assert_eq!(parse_jdbc(""), JdbcTarget::Unknown);
        assert_eq!(parse_jdbc("é"), JdbcTarget::Unknown);
    }
}

/// `DATABASE_URL_TEST`, `TEST_DATABASE_URL`, `MONGO_URI_TESTS` → the key
/// without its test word (`None` when it has none).
pub fn base_key(key: &str) -> Option<String> {
    let parts: Vec<&str> = key.split('_').collect();
    let kept: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|p| {
            !matches!(
                p.to_ascii_uppercase().as_str(),
                "TEST" | "TESTS" | "TESTING"
            )
        })
        .collect();
    (kept.len() < parts.len() && !kept.is_empty()).then(|| kept.join("_"))
}
