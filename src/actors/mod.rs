//! Actors own the backend's resources; everything else reaches them through typed handles.

pub mod ask;
pub mod db;
pub mod git;
pub mod reconciler;
pub mod sidecar;
pub mod supervision;
pub mod ui_emitter;
pub mod workflow;
