//! Node: the loaders that decide which dotenv files a test run reads
//! (STACKS.md, "Node"). Today: AdonisJS; package.json scripts, Next.js, Vite,
//! dotenv-cli and the ORMs come with the Node stack's issue.

pub mod adonis;
