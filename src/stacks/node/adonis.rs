//! AdonisJS 6: `node ace test` sets `NODE_ENV=test`, and `@adonisjs/env`
//! then reads `.env.test.local` > `.env.test` > `.env` (`.env.local` is
//! skipped in test), none overriding what is already set (adonisjs/env
//! README). A key `.env.test` leaves out comes from `.env`.

use crate::model::run::{Layer, LayerKind, RunFramework, TestRun, Write};
use crate::model::{EnvSource, Runner, Setting, TestEnv, Via, Workspace};
use crate::source::{FileId, Span};
use crate::stacks::dotenv_file_in;

/// One run per AdonisJS app that has a test dotenv file.
pub fn build(ws: &mut Workspace) {
    let apps: Vec<String> = ws
        .projects
        .iter()
        .filter(|(_, c)| c.node.adonis)
        .map(|(d, _)| d.clone())
        .collect();
    for dir in apps {
        let file_in = |name: &str| dotenv_file_in(ws, &dir, name);
        let test_files: Vec<FileId> = [".env.test.local", ".env.test"]
            .iter()
            .filter_map(|n| file_in(n))
            .collect();
        let Some(&first_test) = test_files.last() else {
            continue;
        };
        let mut layers = vec![ws.caller_layer()];
        for id in test_files.iter().chain(file_in(".env").as_ref()) {
            let settings = ws.dotenv_settings(*id);
            layers.push(
                Layer::new(
                    ws.file(*id).path.clone(),
                    LayerKind::Dotenv,
                    Write::IfUnset,
                    Some(*id),
                )
                .with(settings),
            );
        }
        let dev_env = file_in(".env");
        let settings: Vec<Setting> = crate::resolve::effective(&layers)
            .into_iter()
            .filter_map(|mut s| {
                let from_dev = s.value_span.file == dev_env.unwrap_or(FileId(usize::MAX));
                // `testguard run`: what the caller exports decides the database
                // it holds (`node ace test` sets NODE_ENV itself)
                if s.via == Via::Caller {
                    crate::database::db_key_kind(&s.key.value, &[])?;
                }
                if from_dev {
                    // only the database a silent `.env.test` inherits matters here
                    crate::database::db_key_kind(&s.key.value, &[])?;
                    s.via = Via::DotenvLayered;
                }
                Some(s)
            })
            .collect();
        let name = format!("AdonisJS test run ({})", ws.file(first_test).path);
        let frameworks = ws.frameworks_of(&dir);
        ws.envs
            .retain(|e| !(e.source == EnvSource::Dotenv && test_files.contains(&e.file)));
        let env = TestEnv {
            name: name.clone(),
            source: EnvSource::TestRun,
            runner: Runner::Local,
            file: first_test,
            dir: dir.clone(),
            frameworks,
            anchor: Span::new(first_test, 0, 0),
            settings,
            commented_out: Vec::new(),
        };
        ws.runs.push(TestRun {
            name,
            family: crate::model::RunnerFamily::Node,
            framework: RunFramework::AdonisJs,
            runner: "Japa (`node ace test`)".into(),
            entry: Span::new(first_test, 0, 0),
            dir,
            layers,
            effective: Vec::new(),
            env: Some(ws.envs.len()),
            facts: crate::model::run::RunFacts::Php {
                missing_env_file: None,
                decided_in_code: None,
                table_prefix: None,
            },
        });
        ws.envs.push(env);
    }
}
