//! Cancel, heartbeat, graceful stop, crash and the final cleanup of an agent.

// The actor's imports and types, shared by its parts.
use super::*;

impl AgentActorState {
    pub(super) async fn cancel(&mut self, me: &ActorRef<AgentMsg>, run_id: &str) {
        if !self.is_current(run_id) || self.phase == AgentState::Cancelling {
            return;
        }
        if self.write(&SidecarRequest::Cancel { run_id }.to_line()).await.is_err() {
            // The process no longer listens: kill it; its exit finishes the run.
            self.control.kill();
            return;
        }
        self.set_phase(AgentState::Cancelling);
        let agent_id = self.spec.agent_id.clone();
        let progress = AppEvent::AgentProgress {
            agent_id,
            run_id: run_id.to_string(),
            stage: "cancelling".into(),
            detail: serde_json::Value::Null,
        };
        self.ctx.events.emit(progress);
        let run_id = run_id.to_string();
        self.timers.push(
            me.send_after(self.ctx.timings.cancel_deadline, move || AgentMsg::CancelDeadline { run_id }).abort_handle(),
        );
    }

    pub(super) async fn cancel_deadline(&mut self, me: &ActorRef<AgentMsg>, run_id: &str) {
        if !self.is_current(run_id) {
            return;
        }
        self.forced = true;
        self.stop_reason = "cancelled";
        self.phase = AgentState::Stopping;
        self.control.kill();
        let error = self.error_info("cancelled", "The run did not stop in time and was ended", false, None);
        let completion = self.bare_completion(RunStatus::Cancelled, Some("cancelled"), None);
        self.finish_now(RunOutcome::Cancelled, completion, Some(error));
        self.finalize(me, None).await;
    }

    pub(super) fn error_info(
        &self,
        category: &str,
        message: &str,
        retryable: bool,
        exit: Option<ExitInfo>,
    ) -> RunErrorInfo {
        RunErrorInfo {
            category: category.into(),
            message: message.into(),
            retryable,
            exit_code: exit.and_then(|e| e.code),
            signal: exit.and_then(|e| e.signal),
            stderr_tail: self.stderr_tail.iter().cloned().collect(),
            forced: self.forced,
        }
    }

    /// Like `finish_run` for paths where the process is gone or going: no idle, no new stop.
    pub(super) fn finish_now(&mut self, outcome: RunOutcome, completion: RunCompletion, error: Option<RunErrorInfo>) {
        let Some(run) = self.run.as_mut().filter(|r| !r.finished) else { return };
        run.finished = true;
        let run_id = run.run_id.clone();
        let _ = self.ctx.records.send(RunRecord::Finished(RunCompletion { run_id: run_id.clone(), ..completion }));
        self.ctx.events.emit(AppEvent::AgentExit {
            agent_id: self.spec.agent_id.clone(),
            run_id,
            outcome,
            error,
            summary: None,
        });
    }

    /// The 30 s tick: a ping, unless one is still waiting for its pong.
    pub(super) async fn heartbeat(&mut self, me: &ActorRef<AgentMsg>) {
        if !self.ready || self.phase == AgentState::Stopping || self.awaiting_pong {
            return;
        }
        self.ping(me).await;
    }

    /// Writes a ping and arms its pong deadline (§1.7: a pong is due within 5 s).
    async fn ping(&mut self, me: &ActorRef<AgentMsg>) {
        self.nonce += 1;
        self.awaiting_pong = true;
        let nonce = self.nonce;
        if let Some(timer) = self.pong_timer.take() {
            timer.abort();
        }
        let due = self.ctx.timings.pong_timeout;
        self.pong_timer = Some(me.send_after(due, move || AgentMsg::PongDeadline { nonce }).abort_handle());
        let line = SidecarRequest::Ping { nonce }.to_line();
        if self.write(&line).await.is_err() {
            tracing::warn!(agent = self.agent_id(), "heartbeat could not be written");
        }
    }

    /// A pong did not come in time. The first miss pings again at once rather than on the next
    /// tick, so a silent sidecar is killed two pong windows after its first unanswered ping.
    pub(super) async fn pong_missed(&mut self, me: &ActorRef<AgentMsg>, nonce: u64) {
        if !self.awaiting_pong
            || nonce != self.nonce
            || matches!(self.phase, AgentState::Stopping | AgentState::Stopped)
        {
            return;
        }
        self.missed_pongs += 1;
        tracing::warn!(agent = self.agent_id(), missed = self.missed_pongs, "the sidecar did not answer a ping");
        if self.missed_pongs >= 2 {
            return self.crash(me, "sidecar_unresponsive", "The agent runtime stopped answering", None).await;
        }
        self.ping(me).await;
    }

    /// Graceful stop: ask the sidecar to shut down, kill it if it has not exited in time.
    pub(super) async fn begin_stop(&mut self, me: &ActorRef<AgentMsg>, reason: &'static str) {
        if self.phase == AgentState::Stopping {
            return;
        }
        self.stop_reason = reason;
        self.set_phase(AgentState::Stopping);
        if let Some(session_id) = self.spec.workflow_session_id.clone().filter(|_| self.spec.kind.keeps_warm()) {
            let _ = self.write(&SidecarRequest::SessionEnd { session_id: &session_id }.to_line()).await;
        }
        if self.write(&SidecarRequest::Shutdown { grace_ms: 3000 }.to_line()).await.is_err() {
            self.control.kill();
        }
        self.timers.push(me.send_after(self.ctx.timings.stop_grace, || AgentMsg::StopDeadline).abort_handle());
    }

    pub(super) async fn on_exit(&mut self, me: &ActorRef<AgentMsg>, info: ExitInfo) {
        if self.phase == AgentState::Stopping {
            return self.finalize(me, Some(info)).await;
        }
        let message = match (info.code, info.signal) {
            (Some(code), _) => format!("The agent process exited unexpectedly (code {code})"),
            (None, Some(signal)) => format!("The agent process was killed (signal {signal})"),
            _ => "The agent process exited unexpectedly".to_string(),
        };
        self.crash(me, "sidecar_crashed", &message, Some(info)).await;
    }

    pub(super) fn fail_start(&mut self, me: &ActorRef<AgentMsg>, reason: &'static str) {
        self.control.kill();
        if let Some(reply) = self.start_reply.take() {
            let message = match reason {
                "protocol_mismatch" => "The agent runtime speaks another protocol version; reinstall Skill Builder",
                "ready_timeout" => "The agent runtime did not start within 10 seconds",
                _ => "The agent runtime exited before it was ready",
            };
            answer(
                reply,
                Err(AppError::Runtime {
                    code: ErrorCode::RuntimeStartFailed,
                    message: message.into(),
                    reason: Some(reason),
                    stderr_tail: self.stderr_tail.iter().cloned().collect(),
                }),
            );
        }
        self.phase = AgentState::Stopped;
        self.emit_state(Some("crashed"), None);
        me.stop(Some(reason.into()));
    }

    /// The process died or hung: fail the run, report, stop.
    pub(super) async fn crash(
        &mut self,
        me: &ActorRef<AgentMsg>,
        category: &str,
        message: &str,
        exit: Option<ExitInfo>,
    ) {
        if !self.ready {
            return self.fail_start(me, "spawn_failed");
        }
        self.control.kill();
        let error = self.error_info(category, message, true, exit);
        let completion = self.bare_completion(RunStatus::Failed, Some(category), Some(message));
        self.finish_now(RunOutcome::Crashed, completion, Some(error));
        self.stop_reason = if category == "sidecar_unresponsive" { "hung" } else { "crashed" };
        self.finalize(me, exit).await;
    }

    /// Closes the transcript, answers stop requests, emits `stopped` and stops the actor.
    pub(super) async fn finalize(&mut self, me: &ActorRef<AgentMsg>, exit: Option<ExitInfo>) {
        if self.phase == AgentState::Stopped {
            return;
        }
        if self.run.as_ref().is_some_and(|r| !r.finished) {
            let error = self.error_info("shutdown", "The app stopped this run", false, exit);
            let completion = self.bare_completion(RunStatus::Shutdown, Some("shutdown"), None);
            self.finish_now(RunOutcome::Shutdown, completion, Some(error));
        }
        let ended_at = self.ctx.clock.now_str();
        let code = exit.and_then(|e| e.code);
        if let Some(t) = self.transcript.take() {
            t.finish(self.stop_reason, ended_at, code).await;
        }
        for reply in self.stop_replies.drain(..) {
            answer(reply, Ok(self.forced));
        }
        self.phase = AgentState::Stopped;
        self.emit_state(Some(self.stop_reason), code);
        me.stop(Some(self.stop_reason.into()));
    }
}
