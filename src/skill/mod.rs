//! The skill file format (skill-format.md §1, §2): pure code over the text of a skill's files, so
//! every rule is unit-tested with plain strings. `frontmatter` is the one reader of SKILL.md's
//! YAML front-matter; detection, the rename rewrite and the validator all go through it.
//! `rules` is the rule catalogue, `validate` the validator, `security` the content scan.

pub mod frontmatter;
pub mod limits;
pub mod rules;
pub mod security;
pub mod shallow;
pub mod validate;
mod yaml;
