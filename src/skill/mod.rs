//! The skill file format (skill-format.md §1): pure code over the text of a skill's files, so
//! every rule is unit-tested with plain strings. `frontmatter` is the one reader of SKILL.md's
//! YAML front-matter; detection, the rename rewrite and the validator all go through it.

pub mod frontmatter;
pub mod security;
pub mod shallow;
pub mod validate;
mod yaml;
