//! `UiEmitter`: the event path to the window, with streaming text coalesced per frame
//! (agents-and-workflow.md §4.3).
//!
//! A model streams text as many small deltas; forwarding each one to the webview costs an IPC
//! message and a React render. The emitter merges the deltas of one content block into one
//! `agent-delta` per 50 ms frame, so each streaming agent sends about 20 a second. Every other
//! event passes through at once, after the deltas that came before it, so the order within an
//! agent is kept and nothing but delta fragments is ever merged.
//!
//! The queue to the forwarding task holds [`QUEUE_CAPACITY`] events. When the window falls
//! behind and it is full, deltas are dropped: the message that ends a text block carries its
//! whole text anyway, and that agent's next `agent-message` says `gap`, so the window knows its
//! streamed text is incomplete. Other events are never dropped; instead [`EventSink::ready`]
//! stays pending until there is room, which stops the agents' stdout readers and so the
//! sidecars (`emit` itself never waits, so an event emitted while full still queues).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};

use crate::events::{AppEvent, EventSink, Ready};

/// How long deltas wait to be merged.
pub const FRAME: Duration = Duration::from_millis(50);
/// Events queued for the forwarding task at most before deltas are dropped and producers wait.
pub const QUEUE_CAPACITY: usize = 8_192;

/// An event on its way to the forwarding task; `counted` when it took a slot of the queue.
struct Queued {
    event: AppEvent,
    counted: bool,
}

/// An [`EventSink`] that forwards to `inner` from its own task.
pub struct UiEmitter {
    queue: mpsc::UnboundedSender<Queued>,
    /// Free slots of the queue (a permit per slot, returned by the forwarding task).
    room: Arc<Semaphore>,
    /// Agents that lost deltas since their last message.
    gapped: Mutex<HashSet<String>>,
}

impl UiEmitter {
    /// Starts the forwarding task on the current tokio runtime. It ends, after flushing, when
    /// the last `UiEmitter` handle is dropped.
    pub fn start(inner: Arc<dyn EventSink>, frame: Duration) -> Arc<UiEmitter> {
        let (queue, events) = mpsc::unbounded_channel();
        let room = Arc::new(Semaphore::new(QUEUE_CAPACITY));
        tokio::spawn(forward(events, inner, frame, Arc::clone(&room)));
        Arc::new(UiEmitter { queue, room, gapped: Mutex::new(HashSet::new()) })
    }

    /// Takes a slot of the queue if one is free.
    fn take_slot(&self) -> bool {
        self.room.try_acquire().map(tokio::sync::SemaphorePermit::forget).is_ok()
    }

    fn gapped(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.gapped.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl EventSink for UiEmitter {
    fn emit(&self, mut event: AppEvent) {
        let counted = self.take_slot();
        match &mut event {
            AppEvent::AgentDelta { agent_id, .. } if !counted => {
                self.gapped().insert(agent_id.clone());
                return;
            }
            AppEvent::AgentMessage { agent_id, gap, .. } => *gap |= self.gapped().remove(agent_id.as_str()),
            _ => {}
        }
        // Only fails once the task is gone, i.e. while the app is going away.
        let _ = self.queue.send(Queued { event, counted });
    }

    fn ready(&self) -> Ready<'_> {
        Box::pin(async move {
            // A free slot is enough; `emit` takes it. Closed never happens while `self` lives.
            if let Ok(slot) = self.room.acquire().await {
                drop(slot);
            }
        })
    }
}

/// Deltas waiting for the end of the frame, in arrival order of their content blocks.
#[derive(Default)]
struct PendingDeltas(Vec<AppEvent>);

impl PendingDeltas {
    /// Appends to the pending delta of the same block, or queues a new one.
    fn merge(&mut self, delta: AppEvent) {
        let AppEvent::AgentDelta { run_id, message_id, index, text, .. } = &delta else { return };
        let same_block = self.0.iter_mut().find_map(|pending| match pending {
            AppEvent::AgentDelta { run_id: r, message_id: m, index: i, text: pending_text, .. }
                if r == run_id && m == message_id && i == index =>
            {
                Some(pending_text)
            }
            _ => None,
        });
        match same_block {
            Some(pending_text) => pending_text.push_str(text),
            None => self.0.push(delta),
        }
    }

    fn flush(&mut self, inner: &dyn EventSink) {
        for delta in self.0.drain(..) {
            inner.emit(delta);
        }
    }
}

async fn forward(
    mut events: mpsc::UnboundedReceiver<Queued>,
    inner: Arc<dyn EventSink>,
    frame: Duration,
    room: Arc<Semaphore>,
) {
    let mut pending = PendingDeltas::default();
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + frame, frame);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            received = events.recv() => match received {
                Some(Queued { event, counted }) => {
                    if counted {
                        room.add_permits(1);
                    }
                    if matches!(event, AppEvent::AgentDelta { .. }) {
                        pending.merge(event);
                    } else {
                        pending.flush(inner.as_ref());
                        inner.emit(event);
                    }
                }
                None => break,
            },
            _ = ticker.tick() => pending.flush(inner.as_ref()),
        }
    }
    pending.flush(inner.as_ref());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::ChannelSink;

    fn delta(run: &str, index: u32, text: &str) -> AppEvent {
        AppEvent::AgentDelta {
            agent_id: "a".into(),
            run_id: run.into(),
            message_id: "m".into(),
            index,
            block: "text".into(),
            text: text.into(),
        }
    }

    fn message(agent: &str, gap: bool) -> AppEvent {
        AppEvent::AgentMessage { agent_id: agent.into(), run_id: "r1".into(), seq: 7, items: Vec::new(), gap }
    }

    fn start() -> (Arc<UiEmitter>, mpsc::UnboundedReceiver<AppEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (UiEmitter::start(Arc::new(ChannelSink(tx)), FRAME), rx)
    }

    #[tokio::test(start_paused = true)]
    async fn deltas_of_one_block_become_one_event_per_frame() {
        let (emitter, mut seen) = start();
        for word in ["Hel", "lo ", "wor", "ld"] {
            emitter.emit(delta("r1", 0, word));
        }
        emitter.emit(delta("r1", 1, "other block"));
        tokio::time::sleep(FRAME * 2).await;
        assert_eq!(seen.recv().await, Some(delta("r1", 0, "Hello world")));
        assert_eq!(seen.recv().await, Some(delta("r1", 1, "other block")));
        assert!(seen.try_recv().is_err(), "nothing else was sent");

        emitter.emit(delta("r1", 0, "next frame"));
        tokio::time::sleep(FRAME * 2).await;
        assert_eq!(seen.recv().await, Some(delta("r1", 0, "next frame")));
    }

    #[tokio::test(start_paused = true)]
    async fn other_events_pass_at_once_after_the_deltas_before_them() {
        let (emitter, mut seen) = start();
        emitter.emit(delta("r1", 0, "partial "));
        emitter.emit(delta("r1", 0, "text"));
        let message = message("a", false);
        emitter.emit(message.clone());
        assert_eq!(seen.recv().await, Some(delta("r1", 0, "partial text")));
        assert_eq!(seen.recv().await, Some(message));
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_emitter_flushes_what_is_pending() {
        let (emitter, mut seen) = start();
        emitter.emit(delta("r2", 0, "last words"));
        drop(emitter);
        assert_eq!(seen.recv().await, Some(delta("r2", 0, "last words")));
        assert_eq!(seen.recv().await, None, "the task ends with the last handle");
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_that_falls_behind_loses_only_deltas_and_is_told() {
        let (emitter, mut seen) = start();
        // The forwarding task does not run until this test yields, so everything queues.
        for _ in 0..QUEUE_CAPACITY + 10 {
            emitter.emit(delta("r1", 0, "x"));
        }
        emitter.emit(message("b", false));
        emitter.emit(message("a", false));
        emitter.emit(message("a", false));
        let merged = seen.recv().await;
        let expected = "x".repeat(QUEUE_CAPACITY);
        assert!(matches!(&merged, Some(AppEvent::AgentDelta { text, .. }) if *text == expected), "{merged:?}");
        assert_eq!(seen.recv().await, Some(message("b", false)), "another agent lost nothing");
        assert_eq!(seen.recv().await, Some(message("a", true)), "the next message of the agent says gap");
        assert_eq!(seen.recv().await, Some(message("a", false)), "once");

        emitter.emit(delta("r1", 0, "streams again"));
        tokio::time::sleep(FRAME * 2).await;
        assert_eq!(seen.recv().await, Some(delta("r1", 0, "streams again")));
    }

    #[tokio::test(start_paused = true)]
    async fn producers_wait_while_the_queue_is_full_of_events_that_cannot_be_dropped() {
        let (emitter, mut seen) = start();
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        // The forwarding task does not run until this test yields, so everything queues.
        for _ in 0..QUEUE_CAPACITY {
            emitter.emit(message("a", false));
        }
        assert!(emitter.ready().as_mut().poll(&mut context).is_pending(), "no room: a producer waits");
        emitter.emit(message("a", false));
        tokio::time::timeout(FRAME, emitter.ready()).await.expect("room once the task forwarded");
        for _ in 0..=QUEUE_CAPACITY {
            assert_eq!(seen.recv().await, Some(message("a", false)), "an event emitted while full still goes through");
        }
    }
}
