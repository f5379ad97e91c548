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
