//! PHP: PHPUnit configuration, and the Laravel, Lumen and Symfony loaders that
//! decide which dotenv files a PHPUnit run reads.

pub mod cakephp;
pub mod codeception;
pub mod codeigniter;
pub mod database_config;
pub mod destruction;
pub mod doctrine;
pub mod phpunit;
pub mod reads;
pub mod runs;
pub mod symfony_kernel;
pub mod test_setup;
pub mod wordpress;
pub mod yii2;

use crate::model::{EnvSource, ParseIssue, Setting, Via, Workspace};
use crate::source::{FileId, SourceFile, SourceKind};

/// PHP: PHPUnit and Codeception configuration, and the Laravel, Lumen,
/// Symfony (Doctrine) loaders and database configurations their runs read.
#[derive(Default)]
pub struct Php {
    /// Each project's Doctrine configuration files, merged once all are read.
    doctrine_layouts: Vec<(String, doctrine::Layout)>,
}

impl crate::stacks::stack::Stack for Php {
    fn name(&self) -> &'static str {
        "PHP"
    }

    fn kinds(&self) -> &'static [SourceKind] {
        &[
            SourceKind::Phpunit,
            SourceKind::DoctrineConfig,
            SourceKind::Codeception,
        ]
    }

    fn read_more(
        &self,
        tree: &dyn crate::tree::Tree,
        files: &mut Vec<SourceFile>,
        _unreadable: &mut Vec<crate::model::Unreadable>,
    ) {
        reads::test_code(tree, files);
        reads::laravel_config(tree, files);
        reads::codeigniter_config(tree, files);
        reads::symfony_kernel_config(tree, files);
        reads::codeception_php_params(tree, files);
        yii2::read(tree, files);
        wordpress::read(tree, files);
    }

    fn parse_ahead(&self, kind: SourceKind) -> Option<crate::stacks::stack::ParseAhead> {
        (kind == SourceKind::Phpunit).then_some(phpunit::parse as crate::stacks::stack::ParseAhead)
    }

    fn read_file(
        &mut self,
        id: FileId,
        file: &SourceFile,
        ahead: Option<crate::stacks::stack::Parsed>,
        ws: &mut Workspace,
        issues: &mut Vec<ParseIssue>,
    ) {
        match file.kind {
            SourceKind::Phpunit => {
                let (envs, errs) = ahead.unwrap_or_else(|| phpunit::parse(id, file));
                issues.extend(errs);
                ws.envs.extend(envs);
            }
            SourceKind::DoctrineConfig => {
                if let Some(layout) = doctrine::read(id, file) {
                    self.doctrine_layouts.push(layout);
                }
            }
            _ => {
                ws.envs.extend(codeception::read(id, file));
                let dir = file.dir().to_string();
                crate::model::project_in(&mut ws.projects, &dir)
                    .php
                    .codeception_param_dsns
                    .extend(codeception::param_dsns(id, file));
                let params = codeception::params(id, file);
                if !params.is_empty() {
                    crate::model::project_in(&mut ws.projects, &dir)
                        .php
                        .codeception_params
                        .extend(params);
                }
                if let Some(m) = codeception::laravel_module(id, file) {
                    crate::model::project_in(&mut ws.projects, &m.dir)
                        .php
                        .codeception_laravel
                        .push(m);
                }
            }
        }
    }

    fn runs(&mut self, ws: &mut Workspace) {
        codeception::resolve_param_dsns(ws);
        yii2::build(ws);
        wordpress::build(ws);
        // `artisan dusk` swaps `.env.dusk.{env}` (or `.env.dusk`) in for
        // `.env` while the browser tests run and puts `.env` back after
        // (laravel/dusk `DuskCommand::setupDuskEnvironment`): nothing else reads it
        let dusk: Vec<FileId> = ws
            .test_dotenv_dirs
            .iter()
            .filter(|(dir, id)| {
                runs::is_dusk_file(ws.file(*id).file_name()) && ws.frameworks_of(dir).laravel
            })
            .map(|(_, id)| *id)
            .collect();
        ws.test_tool_files.extend(dusk);
        // each project's Doctrine test configuration, its files merged
        let mut projects: Vec<String> = self
            .doctrine_layouts
            .iter()
            .map(|(p, _)| p.clone())
            .collect();
        projects.sort();
        projects.dedup();
        let doctrine: Vec<doctrine::DoctrineTest> = projects
            .into_iter()
            .map(|p| {
                let layouts: Vec<doctrine::Layout> = self
                    .doctrine_layouts
                    .iter()
                    .filter(|(q, _)| *q == p)
                    .map(|(_, l)| l.clone())
                    .collect();
                doctrine::merge(p, &layouts)
            })
            .collect();
        for d in &doctrine {
            if d.url.is_some() {
                ws.projects
                    .entry(d.project.clone())
                    .or_default()
                    .php
                    .doctrine_url_vars = Some(d.url_vars.clone());
            }
            if d.dbname_suffix
                .as_ref()
                .is_some_and(|s| doctrine::suffix_is_test(&s.value))
            {
                ws.projects
                    .entry(d.project.clone())
                    .or_default()
                    .php
                    .symfony_test_dbname_suffix = true;
            }
        }
        database_config::lumen_dotenv(ws);
        test_setup::scan(ws);
        database_config::database_keys(ws);
        runs::build(ws, &doctrine);
        database_config::read(ws);
        // a Symfony test dotenv no PHPUnit run reads is still layered over `.env`
        inherit_symfony_dotenv(ws);
    }

    fn evidence(&mut self, ws: &mut Workspace) {
        destruction::scan(ws);
        destruction::dama_rollback(ws);
    }
}

/// Symfony loads `.env`, then `.env.test` over it
/// (symfony.com/doc/current/configuration.html): a database
/// setting the test file leaves out is the one `.env` gives — the development
/// database, unless Doctrine's `dbname_suffix` changes it (the rules judge that).
/// Only database keys are inherited: `APP_ENV` comes from phpunit's `<server>`
/// before dotenv runs, and dotenv never overrides what is set.
fn inherit_symfony_dotenv(ws: &mut Workspace) {
    for i in 0..ws.envs.len() {
        let env = &ws.envs[i];
        if env.source != EnvSource::Dotenv || !env.frameworks.symfony {
            continue;
        }
        let Some(dev) = ws
            .dev_dotenvs
            .iter()
            .find(|d| d.dir == env.dir && ws.files[d.file.0].file_name() == ".env")
        else {
            continue;
        };
        let inherited: Vec<Setting> = dev
            .settings
            .iter()
            .filter(|s| crate::database::db_key_kind(&s.key.value, &[]).is_some())
            .filter(|s| !env.settings.iter().any(|t| t.key.value == s.key.value))
            .map(|s| Setting {
                via: Via::DotenvLayered,
                ..s.clone()
            })
            .collect();
        ws.envs[i].settings.extend(inherited);
    }
}

/// A value a framework's own configuration file writes (a CakePHP
/// datasource field, a Yii 2 `dsn`), where it is written.
pub(super) fn framework_setting(
    key: &str,
    key_span: crate::source::Span,
    value: String,
    value_span: crate::source::Span,
    overridable: bool,
) -> crate::model::Setting {
    crate::model::Setting {
        key: crate::source::Spanned::new(key.to_string(), key_span),
        value,
        value_span,
        verbatim: true,
        overridable,
        via: crate::model::Via::FrameworkConfig,
        unset: false,
        provenance: None,
        raw_offsets: None,
    }
}
