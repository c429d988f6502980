//! The verdicts of reconciliation (backend.md §4.2–4.4), pure: a library row and what detection
//! found in its folder give an automatic fix, an orphan to report, or nothing; an unclaimed
//! folder gives a discovery. Nothing here touches the disk or the database.

use crate::actors::db::SkillRecord;
use crate::detect::{Detection, Presence, SKILL_MD, StepTarget};
use crate::protocol::{
    Discovery, DiscoveryAction, DiscoveryKind, Orphan, OrphanAction, OrphanKind, SkillName, SkillSource,
};

/// What to do about one library row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Row and folder agree.
    Fine,
    /// An app-created row that never made progress and has no folder: delete the row.
    AutoClean,
    /// The disk is ahead of the database: write `steps` if the rows still show `expected`.
    Advance {
        expected: Box<[String; 6]>,
        steps: Box<[String; 6]>,
    },
    Orphan(Orphan),
}

/// A verdict plus things worth telling the user (partial outputs kept, files that fail checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub notes: Vec<String>,
}

const DETECTABLE: [u8; 4] = [0, 2, 4, 5];

/// The statuses §4.3 derives from the disk, as stored in `workflow_steps`.
pub fn detected_statuses(detection: Option<&Detection>) -> [String; 6] {
    let targets = detection.map_or([StepTarget::Open; 6], Detection::targets);
    targets.map(|t| match t {
        StepTarget::Completed => "completed".to_string(),
        StepTarget::Skipped => "skipped".to_string(),
        StepTarget::Open => "pending".to_string(),
    })
}

/// A skill-builder orphan with the resolutions open to it; restoring needs stored artifacts.
fn orphan(
    record: &SkillRecord,
    kind: OrphanKind,
    missing: Vec<String>,
    detected_step: Option<u8>,
    restorable: bool,
) -> Orphan {
    let mut actions = vec![OrphanAction::Keep, OrphanAction::ResetToDetected];
    if restorable {
        actions.push(OrphanAction::RestoreArtifacts);
    }
    actions.extend([OrphanAction::DeleteRecord, OrphanAction::DeleteAll]);
    Orphan { skill_name: record.name.clone(), source: record.source, kind, missing, detected_step, restorable, actions }
}

/// Judges one row; `detection` is `None` when its folder does not exist.
pub fn judge_skill(record: &SkillRecord, detection: Option<&Detection>) -> Judgement {
    let mut notes = Vec::new();
    let Some(run) = &record.run else { return judge_library_copy(record, detection) };
    let Some(detection) = detection else {
        let progress = run.steps.iter().any(|s| s != "pending") || !run.artifacts.is_empty() || record.has_runs;
        if !progress {
            return Judgement { verdict: Verdict::AutoClean, notes };
        }
        let orphan = orphan(
            record,
            OrphanKind::FolderMissing,
            vec![format!("{}/", record.folder)],
            None,
            !run.artifacts.is_empty(),
        );
        return Judgement { verdict: Verdict::Orphan(orphan), notes };
    };
    for problem in &detection.problems {
        notes.push(format!("{}: {} {}", record.name, problem.path, problem.message));
    }
    let mut missing = Vec::new();
    for step in DETECTABLE {
        if run.steps[usize::from(step)] == "completed" && detection.presence(step) != Presence::Complete {
            missing.extend(detection.missing_of_step(step));
        }
    }
    if !missing.is_empty() {
        let restorable = missing.iter().any(|m| run.artifacts.contains(m));
        let orphan = orphan(record, OrphanKind::OutputsMissing, missing, detection.furthest(), restorable);
        return Judgement { verdict: Verdict::Orphan(orphan), notes };
    }
    for step in DETECTABLE {
        if detection.presence(step) == Presence::Partial {
            notes.push(format!("{}: step {step} has partial output on disk; it was kept", record.name));
        }
    }
    // An agent or an open review owns the workflow right now; never move it under their feet.
    if run.steps.iter().any(|s| s == "in_progress" || s == "waiting_for_user") {
        return Judgement { verdict: Verdict::Fine, notes };
    }
    let detected = detected_statuses(Some(detection));
    let mut steps = run.steps.clone();
    for (slot, target) in steps.iter_mut().zip(&detected) {
        if slot == "pending" && target != "pending" {
            *slot = target.clone();
        }
    }
    if steps == run.steps {
        return Judgement { verdict: Verdict::Fine, notes };
    }
    if steps.iter().all(|s| s == "completed" || s == "skipped") {
        notes.push(format!("{}: the workflow is complete on disk; marked completed", record.name));
    } else {
        notes.push(format!("{}: steps advanced to match the files on disk", record.name));
    }
    Judgement { verdict: Verdict::Advance { expected: Box::new(run.steps.clone()), steps: Box::new(steps) }, notes }
}

/// Marketplace and imported skills: the folder and its SKILL.md must exist.
fn judge_library_copy(record: &SkillRecord, detection: Option<&Detection>) -> Judgement {
    let (kind, missing) = match detection {
        None => (OrphanKind::FolderMissing, format!("{}/", record.folder)),
        Some(d) if !d.present[4] => (OrphanKind::SkillMdMissing, SKILL_MD.to_string()),
        Some(_) => return Judgement { verdict: Verdict::Fine, notes: Vec::new() },
    };
    let mut actions = vec![OrphanAction::Keep];
    if record.source == SkillSource::Marketplace {
        actions.push(OrphanAction::Reimport);
    }
    actions.push(OrphanAction::DeleteRecord);
    if kind == OrphanKind::SkillMdMissing {
        actions.push(OrphanAction::DeleteAll);
    }
    let orphan = Orphan {
        skill_name: record.name.clone(),
        source: record.source,
        kind,
        missing: vec![missing],
        detected_step: None,
        restorable: false,
        actions,
    };
    Judgement { verdict: Verdict::Orphan(orphan), notes: Vec::new() }
}

/// Classifies a folder no row claims (pass 2). Nothing is registered automatically.
pub fn classify_discovery(folder: &str, detection: &Detection) -> Discovery {
    let valid_name = SkillName::parse(folder).is_ok();
    let has_skill_md = detection.present[4];
    let kind = if !valid_name {
        DiscoveryKind::InvalidName
    } else if has_skill_md && detection.research == Presence::Complete && detection.decisions == Presence::Complete {
        DiscoveryKind::Built
    } else if has_skill_md {
        DiscoveryKind::Imported
    } else if detection.has_artifacts() {
        DiscoveryKind::PartialBuild
    } else {
        DiscoveryKind::Unrecognized
    };
    let mut warnings: Vec<String> = detection.problems.iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
    if let Some(name) = detection.frontmatter_name.as_deref().filter(|n| *n != folder) {
        warnings.push(format!("SKILL.md names the skill '{name}', but the folder is '{folder}'"));
    }
    let mut actions = Vec::new();
    if matches!(kind, DiscoveryKind::Built | DiscoveryKind::Imported | DiscoveryKind::PartialBuild) {
        actions.push(DiscoveryAction::Register);
    }
    actions.extend([DiscoveryAction::Ignore, DiscoveryAction::Delete]);
    Discovery {
        folder: folder.to_string(),
        kind,
        detected_step: detection.furthest(),
        frontmatter_name: detection.frontmatter_name.clone(),
        warnings,
        actions,
    }
}
