//! Plain data shared by actors, commands, the CLI and the UI: DTOs, errors and identifiers.

pub mod dto;
pub mod error;
pub mod ids;
pub mod models;
pub mod sidecar;
pub mod validation;

pub use dto::agents::*;
pub use dto::export::*;
pub use dto::files::*;
pub use dto::git::*;
pub use dto::github_auth::*;
pub use dto::imports::*;
pub use dto::node::*;
pub use dto::reconcile::*;
pub use dto::refine::*;
pub use dto::settings::*;
pub use dto::skill_test::*;
pub use dto::skills::*;
pub use dto::skills_path::*;
pub use dto::usage::*;
pub use dto::workflow::*;
pub use error::{ActorKind, AppError, CommandError, ErrorCode, LockHolder};
pub use ids::SkillName;
pub use sidecar::AgentKind;
