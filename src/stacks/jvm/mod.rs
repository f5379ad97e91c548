//! Spring Boot on the JVM: configuration files and test
//! classes into the model; [`crate::resolve::spring_runs`] turns them into runs.

pub mod build_file;
pub mod reads;
pub mod spring;
pub mod test_classes;

use crate::model::Workspace;
use crate::model::jvm::SpringModule;
use crate::source::SourceKind;

/// Reads every Spring configuration file and test class, then resolves the runs.
pub fn build(ws: &mut Workspace) {
    let mut props = Vec::new();
    let mut classes = Vec::new();
    let mut build_profiles = Vec::new();
    let mut read_modules: Vec<String> = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        let id = crate::source::FileId(i);
        match f.kind {
            SourceKind::SpringConfig => props.extend(spring::read(id, f)),
            SourceKind::JvmBuild => {
                if let Some((names, span)) = build_file::test_profiles(id, f) {
                    build_profiles.push((f.dir().to_string(), names, span));
                }
            }
            SourceKind::JvmTestCode => {
                if let Some(m) = test_classes::module_of(&f.path) {
                    read_modules.push(m);
                }
                classes.extend(test_classes::read(id, f));
            }
            _ => {}
        }
    }
    read_modules.sort();
    read_modules.dedup();
    for p in props {
        ws.project_mut(&p.module.clone()).jvm.properties.push(p);
    }
    for (dir, names, span) in build_profiles {
        ws.project_mut(&dir).jvm.build_profiles.push((names, span));
    }
    for c in classes {
        ws.project_mut(&c.module.clone()).jvm.tests.push(c);
    }
    for dir in read_modules {
        ws.project_mut(&dir).jvm.module = Some(SpringModule {
            dir: dir.clone(),
            tests_read: true,
        });
    }
    for run in crate::resolve::spring_runs(ws) {
        let entry = run
            .class
            .as_ref()
            .map(|(_, span)| *span)
            .or_else(|| {
                run.datasource
                    .as_ref()
                    .map(|d| d.property.setting.value_span)
            })
            .unwrap_or_else(|| crate::source::Span::new(crate::source::FileId(0), 0, 0));
        ws.runs.push(crate::model::TestRun {
            name: format!(
                "Spring Boot tests ({})",
                if run.module.is_empty() {
                    "."
                } else {
                    &run.module
                }
            ),
            family: crate::model::RunnerFamily::Jvm,
            framework: crate::model::RunFramework::SpringBoot,
            runner: "JUnit (`mvn test` / `gradle test`)".into(),
            entry,
            dir: run.module.clone(),
            layers: Vec::new(),
            effective: Vec::new(),
            env: None,
            facts: crate::model::run::RunFacts::Spring(Box::new(run)),
        });
    }
}

/// Spring Boot on the JVM: configuration files, build files and test
/// classes, read together per module.
pub struct Jvm;

impl crate::stacks::stack::Stack for Jvm {
    fn name(&self) -> &'static str {
        "JVM"
    }

    fn read_more(
        &self,
        tree: &dyn crate::tree::Tree,
        files: &mut Vec<crate::source::SourceFile>,
        _unreadable: &mut Vec<crate::model::Unreadable>,
    ) {
        reads::test_code(tree, files);
    }

    fn link(&mut self, ws: &mut Workspace, _issues: &mut Vec<crate::model::ParseIssue>) {
        build(ws);
    }
}
