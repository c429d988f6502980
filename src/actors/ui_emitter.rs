//! `UiEmitter`: the event path to the window, with streaming text coalesced per frame
//! (agents-and-workflow.md §4.3).
//!
//! A model streams text as many small deltas; forwarding each one to the webview costs an IPC
//! message and a React render. The emitter merges the deltas of one content block into one
//! `agent-delta` per 50 ms frame, so each streaming agent sends about 20 a second. Every other
//! event passes through at once, after the deltas that came before it, so the order within an
//! agent is kept and nothing but delta fragments is ever merged.
//!
//! When the window falls behind, only deltas are dropped (at most [`MAX_QUEUED_DELTAS`] wait):
//! the message that ends a text block carries its whole text anyway. That agent's next
//! `agent-message` then says `gap`, so the window knows its streamed text is incomplete.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::events::{AppEvent, EventSink};

/// How long deltas wait to be merged.
pub const FRAME: Duration = Duration::from_millis(50);
/// Deltas queued for the forwarding task at most; later ones are dropped until it catches up.
pub const MAX_QUEUED_DELTAS: usize = 8_192;

/// An [`EventSink`] that forwards to `inner` from its own task.
pub struct UiEmitter {
    queue: mpsc::UnboundedSender<AppEvent>,
    queued_deltas: Arc<AtomicUsize>,
    /// Agents that lost deltas since their last message.
    gapped: Mutex<HashSet<String>>,
}

impl UiEmitter {
    /// Starts the forwarding task on the current tokio runtime. It ends, after flushing, when
    /// the last `UiEmitter` handle is dropped.
    pub fn start(inner: Arc<dyn EventSink>, frame: Duration) -> Arc<UiEmitter> {
        let (queue, events) = mpsc::unbounded_channel();
        let queued_deltas = Arc::new(AtomicUsize::new(0));
        tokio::spawn(forward(events, inner, frame, Arc::clone(&queued_deltas)));
        Arc::new(UiEmitter { queue, queued_deltas, gapped: Mutex::new(HashSet::new()) })
    }

    fn gapped(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.gapped.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl EventSink for UiEmitter {
    fn emit(&self, mut event: AppEvent) {
        match &mut event {
            AppEvent::AgentDelta { agent_id, .. } => {
                if self.queued_deltas.load(Ordering::Relaxed) >= MAX_QUEUED_DELTAS {
                    self.gapped().insert(agent_id.clone());
                    return;
                }
                self.queued_deltas.fetch_add(1, Ordering::Relaxed);
            }
            AppEvent::AgentMessage { agent_id, gap, .. } => *gap |= self.gapped().remove(agent_id.as_str()),
            _ => {}
        }
        // Only fails once the task is gone, i.e. while the app is going away.
        let _ = self.queue.send(event);
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
    mut events: mpsc::UnboundedReceiver<AppEvent>,
    inner: Arc<dyn EventSink>,
    frame: Duration,
    queued_deltas: Arc<AtomicUsize>,
) {
    let mut pending = PendingDeltas::default();
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + frame, frame);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            received = events.recv() => match received {
                Some(delta @ AppEvent::AgentDelta { .. }) => {
                    queued_deltas.fetch_sub(1, Ordering::Relaxed);
                    pending.merge(delta);
                }
                Some(event) => {
                    pending.flush(inner.as_ref());
                    inner.emit(event);
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
        for _ in 0..MAX_QUEUED_DELTAS + 10 {
            emitter.emit(delta("r1", 0, "x"));
        }
        emitter.emit(message("b", false));
        emitter.emit(message("a", false));
        emitter.emit(message("a", false));
        let merged = seen.recv().await;
        let expected = "x".repeat(MAX_QUEUED_DELTAS);
        assert!(matches!(&merged, Some(AppEvent::AgentDelta { text, .. }) if *text == expected), "{merged:?}");
        assert_eq!(seen.recv().await, Some(message("b", false)), "another agent lost nothing");
        assert_eq!(seen.recv().await, Some(message("a", true)), "the next message of the agent says gap");
        assert_eq!(seen.recv().await, Some(message("a", false)), "once");

        emitter.emit(delta("r1", 0, "streams again"));
        tokio::time::sleep(FRAME * 2).await;
        assert_eq!(seen.recv().await, Some(delta("r1", 0, "streams again")));
    }
}
