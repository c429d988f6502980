//! Reading the sidecar: stdout lines (capped at 16 MiB), stderr, and what each decoded line does.

// The actor's imports and types, shared by its parts.
use super::*;

/// Reads stdout line by line. Before handing a line over it waits for room in the event sink
/// and for one of the actor's line permits, so while either is exhausted nothing more is read
/// and the sidecar blocks on its full pipe.
pub(super) async fn read_lines(
    stdout: Box<dyn AsyncRead + Send + Unpin>,
    me: ActorRef<AgentMsg>,
    lines: Arc<Semaphore>,
    events: Arc<dyn crate::events::EventSink>,
) {
    let mut reader = BufReader::with_capacity(64 * 1024, stdout);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match (&mut reader).take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") => {
                // Discard the rest of the over-long line, then carry on with the next one.
                let _ = me.cast(AgentMsg::LineTooLong);
                let mut sink = Vec::new();
                if reader.read_until(b'\n', &mut sink).await.is_err() {
                    return;
                }
            }
            Ok(_) => {
                let line = String::from_utf8_lossy(&buf).trim_end().to_string();
                if line.is_empty() {
                    continue;
                }
                events.ready().await;
                let Some(permit) = line_permit(&lines).await else { return };
                if me.cast(AgentMsg::Line(line, permit)).is_err() {
                    return;
                }
            }
        }
    }
}

/// One line's permit; `None` once the actor is gone (it closes the semaphore). When none is
/// free, the reader waits until a quarter of them are, so reader and actor take turns in
/// batches instead of waking each other for every line.
async fn line_permit(lines: &Arc<Semaphore>) -> Option<OwnedSemaphorePermit> {
    match Arc::clone(lines).try_acquire_owned() {
        Ok(permit) => return Some(permit),
        Err(tokio::sync::TryAcquireError::Closed) => return None,
        Err(tokio::sync::TryAcquireError::NoPermits) => {}
    }
    drop(lines.acquire_many(RESUME_AFTER).await.ok()?);
    Arc::clone(lines).acquire_owned().await.ok()
}

pub(super) async fn read_stderr(
    stderr: Box<dyn AsyncRead + Send + Unpin>,
    me: ActorRef<AgentMsg>,
    budget: Arc<Semaphore>,
) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(permit) = Arc::clone(&budget).acquire_owned().await else { return };
        if me.cast(AgentMsg::Stderr(line, permit)).is_err() {
            return;
        }
    }
}

impl AgentActorState {
    pub(super) async fn on_line(&mut self, me: &ActorRef<AgentMsg>, line: &str) {
        let decoded = match decode_line(line) {
            Ok(decoded) => decoded,
            Err(err) => {
                let why = match err {
                    DecodeError::NotJson => "not JSON",
                    DecodeError::WrongVersion => "wrong protocol version",
                    DecodeError::BadShape => "unexpected shape",
                };
                let preview: String = crate::redact::redact(line, &[]).chars().take(300).collect();
                tracing::warn!(agent = self.agent_id(), why, preview, "dropped a sidecar line");
                return self.protocol_error(me, why).await;
            }
        };
        match decoded {
            SidecarLine::Ready { protocol, .. } => self.on_ready(me, protocol).await,
            SidecarLine::Pong { .. } => {
                self.awaiting_pong = false;
                self.missed_pongs = 0;
                if let Some(timer) = self.pong_timer.take() {
                    timer.abort();
                }
            }
            SidecarLine::Progress { run_id, stage, detail, .. } if self.is_current(&run_id) => {
                self.log_line(line, false).await;
                self.touch(me);
                let agent_id = self.spec.agent_id.clone();
                self.ctx.events.emit(AppEvent::AgentProgress { agent_id, run_id, stage, detail });
            }
            SidecarLine::Message { run_id, seq, items, .. } if self.is_current(&run_id) => {
                self.log_line(line, false).await;
                self.touch(me);
                let agent_id = self.spec.agent_id.clone();
                self.ctx.events.emit(AppEvent::AgentMessage { agent_id, run_id, seq, items, gap: false });
            }
            SidecarLine::Delta { run_id, message_id, index, block, text, .. } if self.is_current(&run_id) => {
                self.touch(me);
                let agent_id = self.spec.agent_id.clone();
                self.ctx.events.emit(AppEvent::AgentDelta { agent_id, run_id, message_id, index, block, text });
            }
            SidecarLine::Result(result) if self.is_current(&result.run_id) => {
                self.log_line(line, true).await;
                let (outcome, status) = outcome_of(&result);
                let error = result.error.as_ref().map(run_error_from);
                let completion = completion_from_result(&result, status);
                let summary = json!({
                    "numTurns": result.num_turns, "durationMs": result.duration_ms, "costUsd": result.cost_usd,
                    "toolUses": result.tool_uses, "compactions": result.compactions, "resultText": result.text,
                });
                self.finish_run(me, outcome, completion, error, Some(summary)).await;
            }
            SidecarLine::Error { run_id: Some(run_id), category, message, retryable, .. }
                if self.is_current(&run_id) =>
            {
                self.log_line(line, true).await;
                let error = RunErrorInfo {
                    category: category.clone(),
                    message: message.clone(),
                    retryable,
                    exit_code: None,
                    signal: None,
                    stderr_tail: Vec::new(),
                    forced: false,
                };
                let status = if category == "cancelled" { RunStatus::Cancelled } else { RunStatus::Error };
                let outcome = if status == RunStatus::Cancelled { RunOutcome::Cancelled } else { RunOutcome::Error };
                let completion = self.bare_completion(status, Some(&category), Some(&message));
                self.finish_run(me, outcome, completion, Some(error), None).await;
            }
            SidecarLine::Error { run_id: None, category, message, .. } => {
                self.log_line(line, true).await;
                tracing::warn!(agent = self.agent_id(), category, message, "sidecar reported an error");
            }
            SidecarLine::SessionEnded { .. } | SidecarLine::Exited { .. } => self.log_line(line, true).await,
            SidecarLine::Unknown => tracing::debug!(agent = self.agent_id(), "ignored a sidecar line of unknown type"),
            _ => tracing::debug!(agent = self.agent_id(), "dropped a line for a run that is not running"),
        }
    }

    pub(super) fn is_current(&self, run_id: &str) -> bool {
        self.run.as_ref().is_some_and(|r| r.run_id == run_id && !r.finished)
    }

    pub(super) async fn log_line(&mut self, line: &str, essential: bool) {
        if let Some(t) = self.transcript.as_ref() {
            t.protocol_line(line, essential).await;
        }
    }

    pub(super) async fn protocol_error(&mut self, me: &ActorRef<AgentMsg>, why: &str) {
        self.protocol_errors += 1;
        if self.protocol_errors > MAX_PROTOCOL_ERRORS {
            tracing::error!(agent = self.agent_id(), why, "the sidecar is broken; stopping it");
            self.crash(me, "protocol", "The agent runtime sent too many unreadable lines", None).await;
        }
    }

    pub(super) async fn on_stderr(&mut self, line: String) {
        let secrets: Vec<&str> = self.spec.api_key.iter().map(|k| k.expose().as_str()).collect();
        let clean: String = crate::redact::redact(&line, &secrets).chars().take(500).collect();
        tracing::debug!(agent = self.agent_id(), line = %clean, "sidecar stderr");
        if let Some(t) = self.transcript.as_ref() {
            t.record(&json!({ "type": "stderr", "line": clean })).await;
        }
        if self.stderr_tail.len() == STDERR_TAIL {
            self.stderr_tail.pop_front();
        }
        self.stderr_tail.push_back(clean);
    }
}
