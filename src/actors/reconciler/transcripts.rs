//! Transcript retention (agents-and-workflow.md §3): at startup, `*.jsonl` transcripts under
//! `WS/logs/` older than the retention period are deleted, then the oldest ones of any skill
//! folder holding more than its cap, so transcripts can never fill the disk. Only transcript
//! files are touched; folders and other files stay.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The most transcript bytes one skill folder keeps.
pub const FOLDER_CAP_BYTES: u64 = 1 << 30;

struct Transcript {
    path: PathBuf,
    size: u64,
    modified: SystemTime,
}

/// Applies the retention rules to every folder under `logs`; returns how many files went.
pub fn prune(logs: &Path, cutoff: SystemTime, folder_cap_bytes: u64) -> u32 {
    let Ok(folders) = std::fs::read_dir(logs) else { return 0 };
    let mut removed = 0;
    for folder in folders.filter_map(Result::ok).filter(|e| e.file_type().is_ok_and(|t| t.is_dir())) {
        let mut kept = Vec::new();
        for transcript in transcripts_under(&folder.path()) {
            if transcript.modified < cutoff {
                removed += u32::from(std::fs::remove_file(&transcript.path).is_ok());
            } else {
                kept.push(transcript);
            }
        }
        kept.sort_by_key(|t| t.modified);
        let mut total: u64 = kept.iter().map(|t| t.size).sum();
        for oldest in kept {
            if total <= folder_cap_bytes {
                break;
            }
            if std::fs::remove_file(&oldest.path).is_ok() {
                total -= oldest.size;
                removed += 1;
            }
        }
    }
    removed
}

fn transcripts_under(dir: &Path) -> Vec<Transcript> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let Ok(kind) = entry.file_type() else { continue };
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && path.extension().is_some_and(|e| e == "jsonl")
                && let Ok(meta) = entry.metadata()
                && let Ok(modified) = meta.modified()
            {
                found.push(Transcript { path, size: meta.len(), modified });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);

    fn transcript(dir: &Path, name: &str, bytes: usize, age: Duration) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(name), vec![b'x'; bytes]).unwrap();
        let file = std::fs::File::options().write(true).open(dir.join(name)).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
    }

    #[test]
    fn old_transcripts_go_and_other_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let skill = dir.path().join("sales");
        transcript(&skill, "old.jsonl", 2, DAY * 40);
        transcript(&skill, "new.jsonl", 2, DAY);
        transcript(&skill, "old.txt", 2, DAY * 40);
        assert_eq!(prune(dir.path(), SystemTime::now() - DAY * 30, FOLDER_CAP_BYTES), 1);
        assert!(!skill.join("old.jsonl").exists());
        assert!(skill.join("new.jsonl").exists() && skill.join("old.txt").exists());
    }

    #[test]
    fn a_folder_over_its_cap_loses_its_oldest_transcripts_first() {
        let dir = tempfile::tempdir().unwrap();
        let (busy, quiet) = (dir.path().join("busy"), dir.path().join("quiet"));
        for (name, age) in [("a.jsonl", 5), ("b.jsonl", 4), ("c.jsonl", 3), ("d.jsonl", 2)] {
            transcript(&busy, name, 400, DAY * age);
        }
        transcript(&quiet, "only.jsonl", 400, DAY * 9);
        assert_eq!(prune(dir.path(), SystemTime::now() - DAY * 30, 1_000), 2);
        let left: Vec<bool> = ["a", "b", "c", "d"].iter().map(|n| busy.join(format!("{n}.jsonl")).exists()).collect();
        assert_eq!(left, [false, false, true, true]);
        assert!(quiet.join("only.jsonl").exists(), "each folder has its own cap");
    }
}
