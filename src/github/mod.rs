//! GitHub over HTTP (backend.md §3.9, §3.15, §10.3): one client with the configured base URLs and
//! the stored token (`http`), URL parsing (`url`), repositories pinned to a commit with their
//! trees and downloads (`repo`), Claude Code marketplace manifests (`marketplace`), the OAuth
//! device-flow sign-in (`auth`) and feedback issues (`feedback`).

pub mod auth;
pub mod feedback;
pub mod http;
pub mod marketplace;
pub mod repo;
pub mod url;

pub use http::GitHub;
