//! GitHub over HTTP (backend.md §3.9, §10.3): one client with the configured base URLs and the
//! stored token (`http`), URL parsing (`url`), repositories pinned to a commit with their trees
//! and downloads (`repo`), and Claude Code marketplace manifests (`marketplace`).

pub mod http;
pub mod marketplace;
pub mod repo;
pub mod url;

pub use http::GitHub;
