//! Who this app instance is, and whether another instance is still alive (backend.md §5.1–5.2).
//!
//! Locks and sessions record `instance_id`, `pid` and the pid's start time. A pid alone is not
//! enough: pids are reused, so a holder is alive only if a process with that pid exists, started
//! when the holder recorded, and runs the same program as we do, or the program of our name,
//! `skill-builder` (the desktop app and the CLI are that one binary; a test binary that checks
//! a lock the real CLI holds runs under another name).

use std::ffi::OsString;

use serde::{Deserialize, Serialize};
use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

/// Start times may differ by rounding between readers; more than this means a reused pid.
const START_TIME_TOLERANCE_SECS: i64 = 2;

/// The identity of one running app process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceInfo {
    pub instance_id: String,
    pub pid: u32,
    /// Unix seconds; `None` where the OS would not tell.
    pub pid_start_time: Option<i64>,
    /// Our process name, to tell our own program from an unrelated process that reused a pid.
    #[serde(skip)]
    pub process_name: Option<OsString>,
}

impl InstanceInfo {
    /// The identity of the current process, with a fresh instance id.
    pub fn current() -> Self {
        let pid = std::process::id();
        let probe = probe(pid);
        InstanceInfo {
            instance_id: uuid::Uuid::new_v4().to_string(),
            pid,
            pid_start_time: probe.as_ref().map(|p| p.start_time),
            process_name: probe.map(|p| p.name),
        }
    }

    /// Whether the holder `(instance_id, pid, pid_start_time)` is a live instance.
    pub fn is_alive(&self, instance_id: &str, pid: u32, pid_start_time: Option<i64>) -> bool {
        if instance_id == self.instance_id {
            return true;
        }
        if pid == self.pid {
            // Our pid under another instance id: an earlier process whose pid we now have.
            return false;
        }
        let Some(found) = probe(pid) else { return false };
        if let Some(recorded) = pid_start_time
            && (found.start_time - recorded).abs() > START_TIME_TOLERANCE_SECS
        {
            return false;
        }
        match &self.process_name {
            Some(ours) => *ours == found.name || is_skill_builder(&found.name),
            None => true,
        }
    }
}

/// The name of the app's binary.
const PROGRAM: &str = "skill-builder";

/// Whether a process name is the app's binary (`skill-builder`, `skill-builder.exe`).
fn is_skill_builder(name: &std::ffi::OsStr) -> bool {
    std::path::Path::new(name).file_stem().is_some_and(|stem| stem == PROGRAM)
}

struct ProcessProbe {
    start_time: i64,
    name: OsString,
}

/// A process that has exited but not been reaped yet is dead for our purposes.
fn is_zombie(process: &sysinfo::Process) -> bool {
    matches!(process.status(), sysinfo::ProcessStatus::Zombie | sysinfo::ProcessStatus::Dead)
}

/// Reads one process from the OS; a process of another user still counts as present.
fn probe(pid: u32) -> Option<ProcessProbe> {
    let pid = Pid::from_u32(pid);
    let mut system = System::new();
    system.refresh_processes_specifics(ProcessesToUpdate::Some(&[pid]), false, ProcessRefreshKind::nothing());
    system.process(pid).filter(|p| !is_zombie(p)).map(|p| ProcessProbe {
        start_time: i64::try_from(p.start_time()).unwrap_or(i64::MAX),
        name: p.name().to_os_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_instance_is_alive_and_an_older_owner_of_our_pid_is_dead() {
        let me = InstanceInfo::current();
        assert!(me.is_alive(&me.instance_id, me.pid, me.pid_start_time));
        assert!(!me.is_alive("an-earlier-instance", me.pid, me.pid_start_time));
    }

    #[test]
    fn absent_pid_reused_pid_and_foreign_program_are_dead() {
        let me = InstanceInfo::current();
        assert!(!me.is_alive("x", u32::MAX - 7, None));
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        let start = probe(child.id()).map(|p| p.start_time);
        // `sleep` is not our program, so even with the right start time it is not a holder.
        assert!(!me.is_alive("x", child.id(), start));
        let same_program = InstanceInfo { process_name: None, ..me.clone() };
        assert!(same_program.is_alive("x", child.id(), start));
        assert!(!same_program.is_alive("x", child.id(), start.map(|s| s - 100)));
        child.kill().unwrap();
        child.wait().unwrap();
    }

    #[test]
    fn the_app_binary_counts_as_our_program_under_any_test_name() {
        assert!(is_skill_builder(std::ffi::OsStr::new("skill-builder")));
        assert!(is_skill_builder(std::ffi::OsStr::new("skill-builder.exe")));
        assert!(!is_skill_builder(std::ffi::OsStr::new("sleep")));
        assert!(!is_skill_builder(std::ffi::OsStr::new("skill-builder-helper")));
    }

    #[cfg(unix)]
    #[test]
    fn an_exited_but_unreaped_process_is_dead() {
        let me = InstanceInfo { process_name: None, ..InstanceInfo::current() };
        let mut child = std::process::Command::new("true").spawn().unwrap();
        crate::actors::sidecar::process::wait_without_reaping(child.id());
        // Exited, not waited for yet: the child is a zombie holding its pid.
        assert!(!me.is_alive("x", child.id(), None));
        child.wait().unwrap();
    }
}
