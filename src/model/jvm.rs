//! Spring Boot test runs: the properties each
//! `application*.{properties,yml}` holds, the test classes that start an
//! application context, and the run each class gets once
//! [`crate::resolve::spring_runs`] has applied Spring's precedence.

use crate::source::{FileId, Span};

pub use crate::kinds::ClasspathRoot;

use super::Setting;

/// One property of a Spring configuration file, with the conditions under
/// which it applies.
#[derive(Clone, Debug)]
pub struct SpringProperty {
    /// The module: the folder holding `src/`.
    pub module: String,
    pub file: FileId,
    pub root: ClasspathRoot,
    /// The resource's name (`application-dev.yml`): a test resource of the
    /// same name hides main's.
    pub resource: String,
    /// `application-{profile}.*`: applies when that profile is active.
    pub file_profile: Option<String>,
    /// A YAML document's `spring.config.activate.on-profile` (or the legacy
    /// `spring.profiles`): the profiles it needs, as written (`!prod`
    /// negates one). Empty: the document always applies.
    pub document_profiles: Vec<String>,
    /// `.properties` beats `.yml` of the same name and place.
    pub properties_format: bool,
    /// In `classpath:/config/`, which beats the classpath root.
    pub config_dir: bool,
    /// The key in Spring's canonical form: lowercase, no `-` or `_`
    /// (relaxed binding), list indices kept (`a[0].b`).
    pub canonical: String,
    /// Its place among the file's properties (a later document wins).
    pub order: usize,
    pub setting: Setting,
}

/// What a test class shows about the database its context opens.
#[derive(Clone, Debug)]
pub struct SpringTestClass {
    pub module: String,
    pub file: FileId,
    pub name: String,
    /// The class's own name, where it is declared.
    pub name_span: Span,
    /// The base class it extends, by simple name (annotations such as
    /// `@ActiveProfiles` and `@SpringBootTest` are inherited).
    pub extends: Option<String>,
    pub is_abstract: bool,
    /// `@SpringBootTest`, `@DataJpaTest`… with where it stands; `None` for a
    /// class that starts no context of its own (it may inherit one).
    pub context: Option<(String, Span)>,
    /// `@ActiveProfiles`: the profiles, and where.
    pub profiles: Option<(Vec<String>, Span)>,
    /// A slice test that swaps the DataSource for an embedded one
    /// (`@DataJpaTest`, `@AutoConfigureTestDatabase` without `replace = NONE`).
    pub embedded: Option<(String, Span)>,
    /// `@AutoConfigureTestDatabase(replace = NONE)`: the configured URL stays.
    pub keeps_datasource: bool,
    /// An idiom that gives the context a database of its own
    /// (`@Testcontainers`, `@ServiceConnection`, `@DynamicPropertySource`,
    /// `@TestPropertySource`/`properties =` naming the datasource).
    pub isolation: Option<(String, Span)>,
    /// Inline properties (`@SpringBootTest(properties = …)`,
    /// `@TestPropertySource(properties = …)`) that set the active profiles.
    pub inline_profiles: Option<(Vec<String>, Span)>,
    /// Each test rolls back (`@Transactional`, a `@Data*Test` slice) unless
    /// `@Commit`/`@Rollback(false)`.
    pub rolls_back: bool,
    /// A call that writes or deletes data (`deleteAll`, `insertSelective`,
    /// `jdbcTemplate.update`, SQL `DELETE FROM`), with where.
    pub writes: Option<(String, Span)>,
}

/// A Spring Boot module's test sources as read.
#[derive(Clone, Debug)]
pub struct SpringModule {
    pub dir: String,
    /// Test sources were listed and read: the classes in
    /// [`SpringTestClass`] are all of them. `false` when none exist (or the
    /// suite is past the reading bound): Spring Initializr's generated
    /// `@SpringBootTest` `contextLoads()` test is assumed.
    pub tests_read: bool,
}

/// The value a run's datasource resolves to, with how it got there.
#[derive(Clone, Debug)]
pub struct SpringDatasource {
    /// The deciding property (its `provenance` names the layer and what it beat).
    pub property: SpringProperty,
    /// The value once `${…}` placeholders are resolved where the
    /// configuration itself resolves them (another property, a default).
    pub value: String,
    /// Placeholders left to the environment, with their defaults:
    /// `(name, default)`. A default is what `value` holds.
    pub from_environment: Vec<(String, Option<String>)>,
    /// The property came from a test resource or a test profile's file.
    pub test_scoped: bool,
    /// Placeholders another property resolved: the name, and where that
    /// property's value is written (`DB_URL` from an imported `.env`).
    pub resolved_from: Vec<(String, Span)>,
}

/// One Spring Boot test run: a test class (or Initializr's assumed one), its
/// active profiles and the datasource they give it.
#[derive(Clone, Debug)]
pub struct SpringRun {
    pub module: String,
    /// The class, when test sources were read.
    pub class: Option<(String, Span)>,
    /// How many classes share this run's configuration.
    pub classes: usize,
    /// Active profiles in order, each with the span that activated it.
    pub profiles: Vec<(String, Span)>,
    /// The profiles come from the test class (`@ActiveProfiles`), not
    /// from the configuration's `spring.profiles.active`.
    pub profiles_from_class: bool,
    pub datasource: Option<SpringDatasource>,
    /// `spring.jpa.hibernate.ddl-auto` (or `hibernate.hbm2ddl.auto`) once resolved.
    pub ddl_auto: Option<Setting>,
    pub isolation: Option<(String, Span)>,
    pub rolls_back: bool,
    pub writes: Option<(String, Span)>,
}

/// A datasource key's canonical form, if it is one.
pub fn datasource_key(canonical: &str) -> bool {
    matches!(
        canonical,
        "spring.datasource.url"
            | "spring.datasource.jdbcurl"
            | "spring.datasource.hikari.jdbcurl"
            | "spring.datasource.druid.url"
            | "spring.datasource.druid.master.url"
            | "spring.r2dbc.url"
            | "spring.data.mongodb.uri"
    )
}

/// Spring's canonical form of a key: lowercase, without `-` and `_`
/// (`spring.datasource.hikari.jdbc-url` and `…jdbcUrl` are one key).
pub fn canonical(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What a Spring module's files say about its test runs.
#[derive(Clone, Debug, Default)]
pub struct JvmProject {
    /// Properties of every `application*.{properties,yml}` of the module.
    pub properties: Vec<SpringProperty>,
    /// The module's test classes, from its test sources.
    pub tests: Vec<SpringTestClass>,
    /// Whether its test sources were read.
    pub module: Option<SpringModule>,
    /// Profiles its build file hands the test JVM (`systemProperty
    /// "spring.profiles.active", "test"`), and where.
    pub build_profiles: Vec<(Vec<String>, Span)>,
}
