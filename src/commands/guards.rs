//! Preconditions shared by commands that replace or move files under an agent's feet: no agent
//! may be running (here or, per the database, in another window), and for whole-folder
//! operations no other live instance may exist.

use crate::Backend;
use crate::protocol::AppError;

/// `agent_busy` when an agent runs for `skill` (for any skill when `None`): one of this
/// instance's live agents, or a run another live window recorded as running.
pub async fn refuse_if_agent_runs(backend: &Backend, skill: Option<&str>) -> Result<(), AppError> {
    let active = backend.sidecars().list_active().await?;
    if let Some(agent) = active.iter().find(|a| skill.is_none() || a.skill_name.as_deref() == skill) {
        return Err(AppError::AgentBusy { agent_id: agent.agent_id.clone() });
    }
    if let Some(agent_id) = backend.db().running_agent(skill).await? {
        return Err(AppError::AgentBusy { agent_id });
    }
    Ok(())
}

/// Pids of other live Skill Builder instances, from the instance registry (backend.md §5.2).
/// Reading the registry and probing the process table run on the blocking pool.
pub async fn other_live_instances(backend: &Backend) -> Vec<u32> {
    let (me, dir) = (backend.instance().clone(), backend.paths().instances.clone());
    super::blocking(move || Ok(live_peers(&me, &dir))).await.unwrap_or_default()
}

fn live_peers(me: &crate::instance::InstanceInfo, dir: &std::path::Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut pids = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let Ok(peer) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        let id = peer["instanceId"].as_str().unwrap_or_default();
        let pid = peer["pid"].as_u64().and_then(|p| u32::try_from(p).ok()).unwrap_or(0);
        if id != me.instance_id && me.is_alive(id, pid, peer["pidStartTime"].as_i64()) {
            pids.push(pid);
        }
    }
    pids
}

/// `conflict{other_instance_running}` while another window or CLI command runs.
pub async fn refuse_if_other_instance(backend: &Backend, what: &str) -> Result<(), AppError> {
    match other_live_instances(backend).await.first() {
        Some(pid) => Err(AppError::Conflict {
            reason: "other_instance_running",
            message: format!("Close the other Skill Builder window (pid {pid}) before you {what}"),
        }),
        None => Ok(()),
    }
}
