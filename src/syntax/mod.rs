//! Syntaxes with exact byte spans. A module here knows its syntax and nothing
//! about frameworks: which file a framework reads, and what a key means to it,
//! live in [`crate::stacks`].

pub mod code;
pub mod dotenv;
pub mod gitignore;
pub mod ini;
pub mod js;
pub mod makefile;
pub mod markdown;
pub mod php;
pub mod python;
pub mod toml;
pub mod yaml;
