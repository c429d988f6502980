//! GitHub sign-in (OAuth device flow) and feedback DTOs (backend.md §3.9, §3.15).

use serde::{Deserialize, Serialize};
use specta::Type;

/// What the UI shows to start a sign-in: the code to type at `verification_uri`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeviceFlowStart {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: u32,
    /// Seconds to wait between polls.
    pub interval: u32,
}

/// The answer to one poll. Expiry and denial are results, not errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DevicePollStatus {
    Pending,
    SlowDown,
    Expired,
    Denied,
    Success,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DevicePollResult {
    pub status: DevicePollStatus,
    /// The interval to wait before the next poll (larger after `slow_down`).
    pub interval: Option<u32>,
    /// The signed-in user, on `success`.
    pub user: Option<GitHubUser>,
}

/// The signed-in GitHub user, as kept in settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GitHubUser {
    pub login: String,
    pub avatar_url: Option<String>,
    pub email: Option<String>,
}

/// A feedback issue to file in this project's repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct IssueRequest {
    pub title: String,
    pub body: String,
    /// Applied only when the repository already has them; never created.
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IssueRef {
    pub url: String,
    pub number: u64,
}
