//! `UiEmitter`: the event path to the window, with streaming text coalesced per frame
//! (agents-and-workflow.md §4.3).
//!
//! A model streams text as many small deltas; forwarding each one to the webview costs an IPC
//! message and a React render. The emitter merges the deltas of one content block into one
//! `agent-delta` per 50 ms frame, so each streaming agent sends about 20 a second. Every other
//! event passes through at once, after the deltas that came before it, so the order within an
//! agent is kept and nothing but delta fragments is ever merged.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::events::{AppEvent, EventSink};

/// How long deltas wait to be merged.
pub const FRAME: Duration = Duration::from_millis(50);

/// An [`EventSink`] that forwards to `inner` from its own task.
pub struct UiEmitter {
    queue: mpsc::UnboundedSender<AppEvent>,
}

impl UiEmitter {
    /// Starts the forwarding task on the current tokio runtime. It ends, after flushing, when
    /// the last `UiEmitter` handle is dropped.
    pub fn start(inner: Arc<dyn EventSink>, frame: Duration) -> Arc<UiEmitter> {
        let (queue, events) = mpsc::unbounded_channel();
        tokio::spawn(forward(events, inner, frame));
        Arc::new(UiEmitter { queue })
    }
}

impl EventSink for UiEmitter {
    fn emit(&self, event: AppEvent) {
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

async fn forward(mut events: mpsc::UnboundedReceiver<AppEvent>, inner: Arc<dyn EventSink>, frame: Duration) {
    let mut pending = PendingDeltas::default();
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + frame, frame);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            received = events.recv() => match received {
                Some(delta @ AppEvent::AgentDelta { .. }) => pending.merge(delta),
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
        let message = AppEvent::AgentMessage { agent_id: "a".into(), run_id: "r1".into(), seq: 7, items: Vec::new() };
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
}
