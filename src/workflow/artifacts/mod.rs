//! The workflow's JSON artifacts as versioned contracts (agents-and-workflow.md §5.9): the Rust
//! types are the schema (exported as JSON Schema for the agents), loading is tolerant of a BOM
//! and a Markdown fence and strict about everything else, and Rust renders every Markdown view.

pub mod clarifications;
pub mod decisions;
pub mod evaluation;
mod load;
pub mod refinements;
pub mod render;
pub mod schemas;
#[cfg(test)]
mod tests;
pub mod validation;

pub use load::{Artifact, ArtifactError, Problems, parse, strip_wrapping, to_text};
