//! Node: the loaders that decide which dotenv files and which database a
//! test run gets: `package.json` scripts and their
//! wrappers, runner configs and their setup files, framework loaders
//! (AdonisJS, Next.js, Strapi), ORM configs (Prisma, TypeORM), and what the
//! suite does to its database.

pub mod adonis;
pub mod compose;
pub mod config_modules;
pub mod destruction;
pub mod files;
pub mod orm;
pub mod playwright;
pub mod reads;
pub mod runs;
pub mod scripts;
pub mod shell;

use crate::model::Workspace;

/// Node: package scripts, runner configs and their setup files, framework
/// loaders and ORM configs.
pub struct Node;

impl crate::stacks::stack::Stack for Node {
    fn name(&self) -> &'static str {
        "Node"
    }

    fn read_more(
        &self,
        tree: &dyn crate::tree::Tree,
        files: &mut Vec<crate::source::SourceFile>,
        _unreadable: &mut Vec<crate::model::Unreadable>,
    ) {
        reads::code(tree, files);
        reads::script_env_files(tree, files);
        shell::read(tree, files);
    }

    /// A Node package with tests marks every folder above it (monorepo
    /// workspaces).
    fn link(&mut self, ws: &mut Workspace, _issues: &mut Vec<crate::model::ParseIssue>) {
        let node_dirs: Vec<String> = ws
            .projects
            .iter()
            .filter(|(_, c)| c.frameworks.node)
            .map(|(d, _)| d.clone())
            .collect();
        for d in node_dirs {
            for anc in crate::model::ancestors(&d) {
                ws.projects
                    .entry(anc.to_string())
                    .or_default()
                    .node_tests_below = true;
            }
        }
    }

    fn runs(&mut self, ws: &mut Workspace) {
        adonis::build(ws);
        runs::build(ws);
    }
}
