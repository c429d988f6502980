//! Supervision (issue: a runtime that never stalls): each of the Db, Git, Reconciler and agent
//! supervisor actors panics once inside a request; the request that met the panic fails, the
//! root supervisor restarts the actor from its start arguments, the window is told with a
//! `backend-degraded` event, and the next command works on the same data.

use std::sync::Arc;
use std::time::Duration;

use skill_builder::commands::{git, skills, workspace};
use skill_builder::crashpoint::arm_panic;
use skill_builder::events::{AppEvent, ChannelSink};
use skill_builder::protocol::*;
use tokio::sync::mpsc;

use crate::support::*;

/// The next `backend-degraded` event, skipping others.
async fn degraded(events: &mut mpsc::UnboundedReceiver<AppEvent>) -> (ActorKind, bool) {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match events.recv().await {
                Some(AppEvent::BackendDegraded { actor, restarted, .. }) => return (actor, restarted),
                Some(_) => continue,
                None => panic!("event channel closed"),
            }
        }
    })
    .await
    .expect("a backend-degraded event")
}

#[tokio::test]
async fn each_actor_is_restarted_after_a_panic_and_the_next_command_works() {
    let (tx, mut events) = mpsc::unbounded_channel();
    let env = Env::start_with(|config| config.with_events(Arc::new(ChannelSink(tx)))).await;
    let b = &env.backend;
    create(b, "kept").await;

    // A panic in a point query of the database.
    arm_panic("db");
    assert_eq!(code(skills::list_skills(b, None).await), ErrorCode::Internal, "the request that met the panic fails");
    assert_eq!(degraded(&mut events).await, (ActorKind::Db, true));
    assert_eq!(names(&skills::list_skills(b, None).await.unwrap()), ["kept"]);
    create(b, "after-db").await;

    let history = git::get_skill_history(b, "after-db", None, None).await.unwrap();
    arm_panic("git");
    assert!(git::get_skill_history(b, "after-db", None, None).await.is_err());
    assert_eq!(degraded(&mut events).await, (ActorKind::Git, true));
    let again = git::get_skill_history(b, "after-db", None, None).await.unwrap();
    assert_eq!(again.len(), history.len(), "the same repository is open again");
    assert_eq!(b.git().status().await.unwrap().state, GitReadiness::Ready);

    arm_panic("reconciler");
    assert!(workspace::reconcile_startup(b, true).await.is_err());
    assert_eq!(degraded(&mut events).await, (ActorKind::Reconciler, true));
    assert_eq!(workspace::reconcile_startup(b, true).await.unwrap().status, ReportStatus::Completed);

    arm_panic("sidecars");
    assert!(b.sidecars().list_active().await.is_err());
    assert_eq!(degraded(&mut events).await, (ActorKind::Supervisor, true));
    assert!(b.sidecars().list_active().await.unwrap().is_empty());
    assert!(b.sidecars().is_alive());

    b.shutdown().await.unwrap();
}

fn names(list: &[SkillSummary]) -> Vec<String> {
    list.iter().map(|s| s.name.clone()).collect()
}
