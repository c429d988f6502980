//! GitHub: sign-in with the OAuth device flow (`auth`) and feedback issues (`feedback`), over
//! the backend's one HTTP client and the GitHub base URLs of the settings.

pub mod auth;
pub mod feedback;
