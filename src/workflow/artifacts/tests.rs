//! Round trips (writer → parser) for every artifact, located errors for malformed files, and the
//! sidecar mock's fixtures checked against the types (our format canary).

use proptest::prelude::*;

use super::clarifications::*;
use super::decisions::*;
use super::evaluation::*;
use super::refinements::*;
use super::validation::*;
use super::{Artifact, parse, to_text};

fn words() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9 ,.'\"<>{}\\\\é-]{0,40}"
        .prop_map(|s| s.trim().to_string())
        .prop_filter("non-empty", |s| !s.is_empty())
}

fn choices() -> impl Strategy<Value = Vec<Choice>> {
    (prop::collection::vec(words(), 2..=5), any::<bool>()).prop_map(|(texts, other)| {
        let n = texts.len();
        texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| Choice { key: char::from(b'A' + i as u8).to_string(), text, other: other && i + 1 == n })
            .collect()
    })
}

fn answer() -> impl Strategy<Value = Answer> {
    (prop::option::of(words()), any::<bool>()).prop_map(|(text, pick)| match text {
        None => Answer::default(),
        Some(text) => Answer {
            text,
            choice: pick.then(|| "A".to_string()),
            source: AnswerSource::User,
            updated_at: Some("2026-11-25T10:00:00Z".into()),
        },
    })
}

fn refinement(id: String, depth: u32) -> BoxedStrategy<Refinement> {
    let subs = if depth == 0 { 0..=3usize } else { 0..=0usize };
    (words(), words(), choices(), words(), answer(), subs)
        .prop_flat_map(move |(title, rationale, choices, rec, answer, n)| {
            let id = id.clone();
            let children: Vec<BoxedStrategy<Refinement>> =
                (0..n).map(|i| refinement(child_id(&id, i), depth + 1)).collect();
            children.prop_map(move |refinements| Refinement {
                id: id.clone(),
                title: title.clone(),
                rationale: rationale.clone(),
                recommendation: Recommendation { choice: Some("B".into()), text: rec.clone() },
                choices: choices.clone(),
                answer: answer.clone(),
                refinements,
            })
        })
        .boxed()
}

fn clarifications() -> impl Strategy<Value = Clarifications> {
    prop::collection::vec(
        (words(), prop::collection::vec((words(), words(), choices(), answer(), 0..=2usize), 1..4)),
        1..4,
    )
    .prop_flat_map(|sections| {
        let mut n = 0;
        let sections: Vec<BoxedStrategy<Section>> = sections
            .into_iter()
            .map(|(title, qs)| {
                let qs: Vec<BoxedStrategy<Question>> = qs
                    .into_iter()
                    .map(|(qt, text, choices, answer, nr)| {
                        n += 1;
                        let id = format!("Q{n}");
                        let refs: Vec<BoxedStrategy<Refinement>> =
                            (0..nr).map(|i| refinement(child_id(&id, i), 0)).collect();
                        refs.prop_map(move |refinements| Question {
                            id: id.clone(),
                            title: qt.clone(),
                            priority: Priority::Required,
                            text: text.clone(),
                            choices: choices.clone(),
                            consolidated_from: vec!["metrics".into()],
                            recommendation: Recommendation { choice: None, text: "Take A.".into() },
                            answer: answer.clone(),
                            refinements,
                        })
                        .boxed()
                    })
                    .collect();
                qs.prop_map(move |questions| Section { title: title.clone(), questions }).boxed()
            })
            .collect();
        sections
    })
    .prop_map(|sections| Clarifications {
        schema: Clarifications::SCHEMA.into(),
        version: 1,
        skill: "sales-pipeline".into(),
        revision: 3,
        scope: Scope { recommendation: ScopeRecommendation::Ok, reason: None, suggested_action: None },
        duplicates_removed: 1,
        sections,
        needs_clarification: vec![NeedsClarification {
            kind: ClarificationKind::Contradiction,
            title: "Clash".into(),
            text: "Q1 and Q1 differ.".into(),
            ids: vec!["Q1".into()],
        }],
    })
}

fn decisions() -> impl Strategy<Value = Decisions> {
    prop::collection::vec((words(), words(), words(), 0..3u8), 1..8).prop_map(|items| Decisions {
        schema: Decisions::SCHEMA.into(),
        version: 1,
        round: 2,
        scope_recommendation: false,
        contradictory_inputs: false,
        contradictions: vec![],
        decisions: items
            .into_iter()
            .enumerate()
            .map(|(i, (title, decision, implication, s))| Decision {
                id: format!("D{}", i + 1),
                title,
                sources: vec!["Q1".into(), "R1.1".into()],
                question: "Which?".into(),
                decision,
                implication,
                status: [DecisionStatus::Resolved, DecisionStatus::ConflictResolved, DecisionStatus::NeedsReview]
                    [s as usize],
                edited_by_user: s == 1,
            })
            .collect(),
    })
}

fn round_trip<T: Artifact + PartialEq + std::fmt::Debug>(value: &T, file: &str) {
    let text = to_text(value);
    let back: T = parse(file, &text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    assert_eq!(&back, value);
    // Wrapped forms an agent might write read the same.
    let fenced = format!("\u{feff}```json\n{text}```\n");
    assert_eq!(&parse::<T>(file, &fenced).unwrap(), value);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn clarifications_round_trip(doc in clarifications()) {
        round_trip(&doc, "context/clarifications.json");
        let md = super::render::clarifications_md(&doc);
        prop_assert_eq!(md.clone(), super::render::clarifications_md(&doc));
        for id in doc.all_ids() {
            let heading_q = format!("### {id}: ");
            let heading_r = format!("##### {id}: ");
            prop_assert!(md.contains(&heading_q) || md.contains(&heading_r), "{} missing", id);
        }
    }

    #[test]
    fn decisions_round_trip(doc in decisions()) {
        round_trip(&doc, "context/decisions.json");
        prop_assert!(super::render::decisions_md(&doc).contains("### D1: "));
    }

    #[test]
    fn evaluation_round_trip(verdicts in prop::collection::vec(0..4u8, 0..20)) {
        let per_question: Vec<PerQuestion> = verdicts.iter().enumerate().map(|(i, v)| PerQuestion {
            id: format!("Q{}", i + 1),
            verdict: [AnswerVerdict::Clear, AnswerVerdict::NeedsRefinement, AnswerVerdict::Vague, AnswerVerdict::NotAnswered][*v as usize],
            note: "n".into(),
        }).collect();
        let counts = tally(&per_question);
        prop_assert_eq!(counts.clear + counts.needs_refinement + counts.vague + counts.not_answered, counts.total);
        let doc = AnswerEvaluation {
            schema: AnswerEvaluation::SCHEMA.into(), version: 1, gate: GateName::Clarifications,
            verdict: Some(verdict_of(&counts)), evaluated_at: Some("t".into()), run_id: None, counts: Some(counts),
            reasoning: Some("r".into()), per_question, agent_verdict: None, decision: None,
        };
        round_trip(&doc, "answer-evaluation.json");
    }

    #[test]
    fn refinements_round_trip(parents in prop::collection::vec(1..5u32, 0..6), reason in any::<bool>()) {
        let mut per: std::collections::BTreeMap<u32, usize> = Default::default();
        let refinements = if reason { vec![] } else { parents.iter().map(|p| {
            let i = per.entry(*p).or_default();
            let r = ProposedRefinement {
                parent: Some(format!("Q{p}")), id: format!("R{p}.{}", *i + 1), title: "t".into(), rationale: "why".into(),
                choices: vec![Choice { key: "A".into(), text: "a".into(), other: false }, Choice { key: "B".into(), text: "b".into(), other: true }],
                recommendation: Recommendation { choice: Some("A".into()), text: "A".into() }, refinements: vec![],
            };
            *i += 1;
            r
        }).collect() };
        let doc = Refinements { schema: Refinements::SCHEMA.into(), version: 1, none_needed_reason: reason.then(|| "clear".into()), refinements };
        round_trip(&doc, "context/refinements.json");
    }

    /// Any single-byte cut of a valid file is either still valid or a located error, never a panic.
    #[test]
    fn truncated_files_give_located_errors(doc in decisions(), cut in 0usize..400) {
        let text = to_text(&doc);
        let cut = cut.min(text.len().saturating_sub(1));
        if let Some(head) = text.get(..cut) {
            let errors = parse::<Decisions>("context/decisions.json", head).unwrap_err();
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|e| e.file == "context/decisions.json"));
        }
    }
}

#[test]
fn validation_round_trips() {
    let fixture = include_str!("../../../sidecar/src/mock/fixtures/validation.json");
    let doc: Validation = parse("context/validation.json", fixture).unwrap();
    round_trip(&doc, "context/validation.json");
    let md = super::render::validation_report_md(&doc, None);
    assert!(md.contains("## Test prompts"));
}

#[test]
fn errors_name_file_pointer_and_expectation() {
    let text = include_str!("../../../sidecar/src/mock/fixtures/clarifications.json");
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    value["sections"][1]["questions"][0]["choices"] = serde_json::json!([{ "key": "A", "text": "only" }]);
    let errors = parse::<Clarifications>("context/clarifications.json", &value.to_string()).unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        shown.contains(&"context/clarifications.json: /sections/1/questions/0/choices: 2–5 choices, got 1".into()),
        "{shown:?}"
    );

    value["sections"][0]["questions"][0]["priority"] = serde_json::json!("urgent");
    let errors = parse::<Clarifications>("context/clarifications.json", &value.to_string()).unwrap_err();
    assert_eq!(errors[0].pointer, "/sections/0/questions/0/priority");
    assert!(errors[0].expected.contains("unknown variant"), "{:?}", errors[0]);

    let errors = parse::<Decisions>("context/decisions.json", "{\"schema\": \"x\",}").unwrap_err();
    assert!(errors[0].expected.starts_with("valid JSON"), "{errors:?}");
    let errors = parse::<Decisions>("context/decisions.json", "").unwrap_err();
    assert_eq!(errors.len(), 1);
}

#[test]
fn mock_fixtures_match_the_schemas() {
    let fill = |t: &str| {
        t.replace("{{skill_name}}", "sales-pipeline").replace("{{domain}}", "Sales").replace("{{skill_type}}", "domain")
    };
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/sidecar/src/mock/fixtures/");
    let read = |n: &str| fill(&std::fs::read_to_string(format!("{dir}{n}")).unwrap());
    let mut clar: Clarifications = parse("clarifications.json", &read("clarifications.json")).unwrap();
    assert_eq!(clar.all_ids().len(), 12);
    let refinements: Refinements = parse("refinements.json", &read("refinements.json")).unwrap();
    refinements.merge_into("refinements.json", &mut clar).unwrap();
    assert_eq!(clar.refinement_count(), refinements.refinements.len());
    let decisions: Decisions = parse("decisions.json", &read("decisions.json")).unwrap();
    let mut p = super::Problems::new("decisions.json");
    decisions.check_sources(&clar.all_ids(), &mut p);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    parse::<Validation>("validation.json", &read("validation.json")).unwrap();
    let evals: Evals = parse("evals.json", &read("evals.json")).unwrap();
    assert!(evals.evals.len() >= 3);
    let plan =
        read("research-plan.md").replace("{{skill_type_yaml}}", "\"domain\"").replace("{{domain_yaml}}", "\"Sales\"");
    let mut p = super::Problems::new("research-plan.md");
    check_research_plan(&plan, &mut p);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
}
