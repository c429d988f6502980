//! One reconciliation pass (backend.md §4.2): housekeeping, the database snapshot, the disk scan
//! (blocking), the verdicts, their automatic fixes in short per-skill transactions, and the
//! queued git commit of outside changes. Only rows without progress and empty folder trees are
//! cleaned on their own; everything else lands in the report and waits for the user.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::judge::{Verdict, classify_discovery, judge_skill};
use super::scan::{self, Detected, DetectionCache, TopEntry};
use super::{ReconcilerArgs, ReconcilerState};
use crate::actors::db::DbSnapshot;
use crate::detect::Detection;
use crate::folders;
use crate::protocol::{AppError, Discovery, ReconciliationReport, ReportStatus};

/// What the blocking disk scan found.
pub struct DiskFindings {
    pub top: HashMap<String, TopEntry>,
    pub detections: HashMap<String, Detection>,
    pub discoveries: Vec<Discovery>,
    /// Empty folder trees without a row, removed.
    pub cleaned: Vec<String>,
    /// The detection cache to write, when it changed.
    pub cache_bytes: Option<Vec<u8>>,
}

/// The skills folder to reconcile: `--skills-path`, else the setting, else `~/.vibedata` when it
/// exists. The inner error (`not_configured`, or `skills_path_unreachable` for a chosen folder
/// that is missing, such as an unmounted drive) means there is nothing to compare: the pass is
/// skipped and changes nothing, rather than reading a missing folder as every skill gone.
pub async fn skills_root(args: &ReconcilerArgs) -> Result<Result<PathBuf, AppError>, AppError> {
    let configured = match &args.skills_path_override {
        Some(path) => Some(path.clone()),
        None => args.db.settings().await?.skills_path.map(PathBuf::from),
    };
    let root = match configured {
        Some(path) => path,
        None => match crate::config::default_skills_path() {
            Ok(path) if path.is_dir() => path,
            _ => return Ok(Err(AppError::NotConfigured { what: "skills_path" })),
        },
    };
    if !root.is_dir() {
        return Ok(Err(AppError::SkillsPathUnreachable { path: root.display().to_string() }));
    }
    Ok(Ok(root))
}

/// Runs a pass over every skill, or over one folder when `only` is given.
pub async fn run(
    args: &ReconcilerArgs,
    state: &mut ReconcilerState,
    only: Option<&str>,
) -> Result<ReconciliationReport, AppError> {
    let ran_at = args.clock.now_str();
    let started = std::time::Instant::now();
    let housekeeping = args.db.housekeeping().await?;
    let root = match skills_root(args).await? {
        Ok(root) => root,
        Err(reason) => return Ok(ReconciliationReport::skipped(reason.to_string(), ran_at)),
    };
    // Operations a dead process left half-done are finished or undone before anything is judged.
    let recovered = match only {
        None => super::recover::run(args, &root).await,
        Some(_) => super::recover::Recovered::default(),
    };
    // The previous pass's cache write, so two writes never race.
    if let Some(saving) = state.saving.take() {
        let _ = saving.await;
    }
    let cache = std::mem::take(&mut state.cache);
    let (snapshot, findings, cache, snapshot_ms) = match only {
        // One folder: nothing to overlap.
        Some(only) => {
            let snapshot = args.db.reconcile_snapshot().await?;
            let snapshot_ms = started.elapsed().as_millis() as u64;
            let (job_root, job_snapshot, job_only) = (root.clone(), snapshot.clone(), only.to_string());
            let (findings, cache) = blocking(move || {
                let mut cache = cache;
                let findings = scan_disk(&job_root, &job_snapshot, &mut cache, Some(&job_only));
                (findings, cache)
            })
            .await?;
            (snapshot, findings, cache, snapshot_ms)
        }
        // The whole folder: the disk is read while the database snapshot is taken.
        None => {
            let before = args.db.reconcile_data_version().await?;
            let job_root = root.clone();
            let ahead = blocking(move || {
                let found = scan_ahead(&job_root, &cache);
                (found, cache)
            });
            let snapshot = args.db.reconcile_snapshot().await;
            let snapshot_ms = started.elapsed().as_millis() as u64;
            let (found, mut cache) = ahead.await?;
            let snapshot = snapshot?;
            let job_root = root.clone();
            let job_snapshot = snapshot.clone();
            let unchanged = snapshot.data_version == before;
            let (findings, cache) = blocking(move || {
                let findings = found.and_then(|ahead| settle(&job_root, &job_snapshot, &mut cache, ahead, unchanged));
                (findings, cache)
            })
            .await?;
            (snapshot, findings, cache, snapshot_ms)
        }
    };
    state.cache = cache;
    let mut findings = findings.map_err(|e| AppError::io(&root, e))?;
    // Writing and syncing 10,000 verdicts is not part of the pass: the report does not wait.
    if let Some(bytes) = findings.cache_bytes.take() {
        let file = state.cache_file.clone();
        state.saving = Some(tokio::task::spawn_blocking(move || DetectionCache::write(&file, &bytes)));
    }
    let scan_ms = started.elapsed().as_millis() as u64;

    let mut report = ReconciliationReport::skipped("", ran_at);
    report.status = ReportStatus::Completed;
    report.reason = None;
    report.reclaimed_locks = housekeeping.reclaimed_locks;
    report.discoveries = findings.discoveries;
    report.auto_cleaned = u32::try_from(findings.cleaned.len()).unwrap_or(u32::MAX);
    report.auto_fixed = recovered.repaired;
    report.notifications.extend(recovered.notes);
    for folder in &findings.cleaned {
        report.notifications.push(format!("{folder}: removed an empty folder tree"));
    }
    let mut known_on_disk = BTreeSet::new();
    for record in snapshot.skills.iter().filter(|r| only.is_none_or(|o| o == r.name || o == r.folder)) {
        if snapshot.in_use_elsewhere.contains(&record.name) {
            report.skipped_in_use.push(record.name.clone());
            continue;
        }
        if findings.top.get(&record.folder) == Some(&TopEntry::Symlink) {
            report.notifications.push(format!("{}: the folder is a symbolic link; it was not followed", record.name));
            continue;
        }
        let detection = findings.detections.get(&record.folder);
        if findings.top.contains_key(&record.folder) && detection.is_none() {
            continue;
        }
        if detection.is_some() {
            known_on_disk.insert(record.folder.clone());
        }
        let judgement = judge_skill(record, detection);
        report.notifications.extend(judgement.notes);
        match judgement.verdict {
            Verdict::Fine => {}
            Verdict::AutoClean => match args.db.delete_skill(&record.name).await {
                Ok(()) => {
                    report.auto_cleaned += 1;
                    report
                        .notifications
                        .push(format!("{}: removed a library entry that had no folder and no progress", record.name));
                }
                Err(err) => tracing::warn!(%err, skill = %record.name, "could not remove an empty library entry"),
            },
            Verdict::Advance { expected, steps } => {
                match args.db.set_steps(&record.name, Some(*expected), *steps).await {
                    Ok(true) => report.auto_fixed += 1,
                    Ok(false) => {
                        report.notifications.push(format!("{}: changed meanwhile; left as it is", record.name))
                    }
                    Err(err) => tracing::warn!(%err, skill = %record.name, "could not advance the workflow"),
                }
            }
            Verdict::Orphan(orphan) => report.orphans.push(orphan),
        }
    }
    let (unsaved, refining) = super::unsaved::sessions(args).await;
    if only.is_none() {
        report.unsaved_refine_sessions = unsaved;
    }
    // Folders with a refine session not closed yet: their edits are the session's to save.
    known_on_disk.retain(|folder| !refining.contains(folder));
    // Also when no known skill is on disk: skills whose earlier commit failed (deletions
    // included) are committed with it.
    args.git.record_external(known_on_disk);
    tracing::debug!(
        skills = snapshot.skills.len(),
        snapshot_ms,
        scan_ms,
        total_ms = started.elapsed().as_millis() as u64,
        "reconciliation pass"
    );
    Ok(report)
}

/// Runs blocking work off the async workers.
async fn blocking<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(job).await.map_err(|e| AppError::Internal(format!("reconciliation scan: {e}")))
}

/// The blocking part: lists the top level, detects every claimed folder (cached), classifies
/// and cleans unclaimed ones, and encodes the cache when it changed.
fn scan_disk(
    root: &Path,
    snapshot: &DbSnapshot,
    cache: &mut DetectionCache,
    only: Option<&str>,
) -> std::io::Result<DiskFindings> {
    let mut top = scan::list_top(root)?;
    if let Some(only) = only {
        top.retain(|name, _| name == only || snapshot.skills.iter().any(|s| s.folder == *name && s.name == only));
    }
    let to_detect = claimed_to_detect(&top, snapshot);
    let detected: Vec<Detected> = scan::detect_all(root, to_detect, cache);
    finish(root, snapshot, cache, only, top, detected, HashMap::new())
}

/// A scan made before the snapshot: every top-level folder detected.
pub struct Ahead {
    top: HashMap<String, TopEntry>,
    detected: Vec<Detected>,
}

/// Reads the whole skills folder without the snapshot, so the two overlap. Folders the
/// snapshot will show ignored or in use elsewhere are read too (reading is harmless) and
/// their verdicts dropped in [`settle`].
fn scan_ahead(root: &Path, cache: &DetectionCache) -> std::io::Result<Ahead> {
    let top = scan::list_top(root)?;
    let mut dirs: Vec<String> =
        top.iter().filter(|(_, entry)| **entry == TopEntry::Dir).map(|(name, _)| name.clone()).collect();
    dirs.sort_unstable();
    let detected = scan::detect_all(root, dirs, cache);
    Ok(Ahead { top, detected })
}

/// Judges a scan made ahead of the snapshot. Writers put files on disk before rows in the
/// database, so the database must be read first; reading the disk first is the same only when
/// no connection committed between the start of the scan and the snapshot (`unchanged`).
/// Otherwise the folder is scanned again after the snapshot, with the verdicts just computed
/// in the cache: a folder whose files did not change costs a few `stat` calls.
fn settle(
    root: &Path,
    snapshot: &DbSnapshot,
    cache: &mut DetectionCache,
    ahead: Ahead,
    unchanged: bool,
) -> std::io::Result<DiskFindings> {
    if !unchanged {
        tracing::debug!("the database changed during the scan; scanning again");
        let primed = scan::remember(cache, &ahead.detected);
        let mut findings = scan_disk(root, snapshot, cache, None)?;
        if primed && findings.cache_bytes.is_none() {
            let claimed: BTreeSet<&str> = snapshot.skills.iter().map(|s| s.folder.as_str()).collect();
            cache.retain(|folder| claimed.contains(folder));
            findings.cache_bytes = cache.to_bytes();
        }
        return Ok(findings);
    }
    let to_detect = claimed_to_detect(&ahead.top, snapshot);
    let mut by_folder: HashMap<String, Detected> = ahead.detected.into_iter().map(|d| (d.folder.clone(), d)).collect();
    let detected = to_detect.iter().filter_map(|folder| by_folder.remove(folder)).collect();
    finish(root, snapshot, cache, None, ahead.top, detected, by_folder)
}

/// The folders of `top` whose verdict the pass needs: claimed by a skill not in use elsewhere.
fn claimed_to_detect(top: &HashMap<String, TopEntry>, snapshot: &DbSnapshot) -> Vec<String> {
    let claimed: HashMap<&str, &str> = snapshot.skills.iter().map(|s| (s.folder.as_str(), s.name.as_str())).collect();
    let mut to_detect = Vec::new();
    for (name, entry) in top {
        if let (Some(skill), TopEntry::Dir) = (claimed.get(name.as_str()), entry)
            && !snapshot.in_use_elsewhere.iter().any(|s| s == skill)
        {
            to_detect.push(name.clone());
        }
    }
    to_detect
}

/// Remembers fresh verdicts, then classifies and cleans unclaimed folders (using `ahead`'s
/// verdict for a folder already read).
fn finish(
    root: &Path,
    snapshot: &DbSnapshot,
    cache: &mut DetectionCache,
    only: Option<&str>,
    top: HashMap<String, TopEntry>,
    detected: Vec<Detected>,
    mut ahead: HashMap<String, Detected>,
) -> std::io::Result<DiskFindings> {
    let claimed: HashMap<&str, &str> = snapshot.skills.iter().map(|s| (s.folder.as_str(), s.name.as_str())).collect();
    let mut unclaimed: Vec<String> = top
        .iter()
        .filter(|(name, entry)| {
            **entry == TopEntry::Dir && !claimed.contains_key(name.as_str()) && !snapshot.ignored.contains(name)
        })
        .map(|(name, _)| name.clone())
        .collect();
    let mut cache_bytes = None;
    if scan::remember(cache, &detected) && only.is_none() {
        cache.retain(|folder| claimed.contains_key(folder));
        cache_bytes = cache.to_bytes();
    }
    let detections = detected.into_iter().map(|d| (d.folder, d.detection)).collect();
    let mut discoveries = Vec::new();
    let mut cleaned = Vec::new();
    unclaimed.sort();
    for folder in unclaimed {
        let path = root.join(&folder);
        if folders::is_empty_tree(&path) {
            if !recently_changed(&path) && folders::remove_empty_tree(&path) {
                cleaned.push(folder);
            }
            continue;
        }
        let detection = match ahead.remove(&folder) {
            Some(read) => read.detection,
            None => scan::detect_one(root, folder.clone(), &DetectionCache::default()).detection,
        };
        discoveries.push(classify_discovery(&folder, &detection));
    }
    Ok(DiskFindings { top, detections, discoveries, cleaned, cache_bytes })
}

/// How long an empty, unclaimed folder is left alone. `create_skill` makes a skill's (empty)
/// folders a moment before its row exists, here or in another window; cleaning them in that
/// moment would leave a library entry without a folder, which a later pass then deletes.
const EMPTY_FOLDER_GRACE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Whether `path` changed within [`EMPTY_FOLDER_GRACE`] (or its age cannot be told).
fn recently_changed(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_none_or(|age| age < EMPTY_FOLDER_GRACE)
}

/// Re-judges one folder and splices the result into `latest`.
pub fn merge_one(latest: &mut ReconciliationReport, fresh: ReconciliationReport, name: &str) {
    latest.orphans.retain(|o| o.skill_name != name);
    latest.discoveries.retain(|d| d.folder != name);
    latest.skipped_in_use.retain(|s| s != name);
    latest.orphans.extend(fresh.orphans);
    latest.orphans.sort_by(|a, b| a.skill_name.cmp(&b.skill_name));
    latest.discoveries.extend(fresh.discoveries);
    latest.discoveries.sort_by(|a, b| a.folder.cmp(&b.folder));
    latest.skipped_in_use.extend(fresh.skipped_in_use);
    latest.notifications.extend(fresh.notifications);
    latest.auto_fixed += fresh.auto_fixed;
    latest.auto_cleaned += fresh.auto_cleaned;
}
