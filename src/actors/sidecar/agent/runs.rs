//! Runs: the handshake that starts the first one, turns of warm agents, and exactly one ending each.

// The actor's imports and types, shared by its parts.
use super::*;

impl AgentActorState {
    pub(super) async fn on_ready(&mut self, me: &ActorRef<AgentMsg>, protocol: u32) {
        if self.ready {
            return;
        }
        if protocol != PROTOCOL_VERSION {
            return self.fail_start(me, "protocol_mismatch");
        }
        self.ready = true;
        self.timers.push(me.send_interval(self.ctx.timings.heartbeat, || AgentMsg::HeartbeatTick).abort_handle());
        self.timers.push(me.send_interval(self.ctx.timings.flush_every, || AgentMsg::FlushTick).abort_handle());
        self.open_transcript().await;
        let run_id = self.first_run_id.clone();
        let config = self.spec.config.clone();
        let line = match &self.spec.workflow_session_id {
            Some(session_id) if self.spec.kind.keeps_warm() => {
                SidecarRequest::SessionStart { run_id: &run_id, session_id, config: &config }.to_line()
            }
            _ => SidecarRequest::Run { run_id: &run_id, config: &config }.to_line(),
        };
        let reply = self.start_reply.take();
        match self.write(&line).await {
            Ok(()) => {
                let handle = self.begin_run(me, run_id);
                if let Some(reply) = reply {
                    answer(reply, Ok(handle));
                }
            }
            Err(err) => {
                if let Some(reply) = reply {
                    answer(reply, Err(err));
                }
                self.begin_stop(me, "crashed").await;
            }
        }
    }

    pub(super) async fn open_transcript(&mut self) {
        let Some(dir) = self.spec.transcript_dir.clone() else { return };
        let now = self.ctx.clock.now();
        let id8 = file_id(&self.spec.agent_id);
        let stem = format!("{}-{}-{id8}", self.spec.config.label, now.format("%Y%m%dT%H%M%S%.3fZ"));
        let secrets = self.spec.api_key.iter().map(|k| k.expose().clone()).collect();
        self.transcript = Transcript::open(dir, stem, secrets).await;
        let header = json!({
            "type": "transcript", "format": 1, "run_id": self.first_run_id, "agent_id": self.spec.agent_id,
            "skill": self.spec.skill, "kind": self.spec.kind, "step": self.spec.step, "label": self.spec.config.label,
            "started_at": self.ctx.clock.now_str(), "app_version": env!("CARGO_PKG_VERSION"), "protocol": PROTOCOL_VERSION,
            "config": self.spec.config, "env": { "ANTHROPIC_API_KEY": "[REDACTED]" },
        });
        if let Some(t) = self.transcript.as_ref() {
            t.record(&header).await;
        }
    }

    pub(super) fn begin_run(&mut self, me: &ActorRef<AgentMsg>, run_id: String) -> AgentHandle {
        let started_at = self.ctx.clock.now_str();
        self.run = Some(ActiveRun { run_id: run_id.clone(), started: Instant::now(), finished: false });
        self.set_phase(AgentState::Running);
        self.touch(me);
        let _ = self.ctx.records.send(RunRecord::Started(RunStart {
            run_id: run_id.clone(),
            agent_id: self.spec.agent_id.clone(),
            skill_name: self.spec.skill.clone(),
            kind: self.spec.kind,
            step_id: self.spec.step,
            workflow_session_id: self.spec.workflow_session_id.clone(),
            model: self.spec.config.model.clone(),
        }));
        self.ctx.events.emit(AppEvent::AgentRunStarted {
            agent_id: self.spec.agent_id.clone(),
            run_id: run_id.clone(),
            skill_name: self.spec.skill.clone(),
            kind: self.spec.kind,
            label: self.spec.config.label.clone(),
            model: self.spec.config.model.clone(),
            started_at,
            transcript_path: self.transcript.as_ref().map(|t| t.path().display().to_string()),
        });
        AgentHandle {
            agent_id: self.spec.agent_id.clone(),
            run_id,
            session_id: self.spec.workflow_session_id.clone().filter(|_| self.spec.kind.keeps_warm()),
        }
    }

    pub(super) fn bare_completion(
        &self,
        status: RunStatus,
        category: Option<&str>,
        message: Option<&str>,
    ) -> RunCompletion {
        let run_id = self.run.as_ref().map(|r| r.run_id.clone()).unwrap_or_default();
        let duration_ms = self.run.as_ref().map(|r| i64::try_from(r.started.elapsed().as_millis()).unwrap_or(i64::MAX));
        RunCompletion {
            run_id,
            status,
            model: None,
            sdk_session_id: None,
            model_usage: Vec::new(),
            total_cost_usd: 0.0,
            input_tokens: 0,
            output_tokens: 0,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            duration_ms,
            duration_api_ms: None,
            num_turns: 0,
            tool_use_count: 0,
            compaction_count: 0,
            stop_reason: None,
            result_subtype: None,
            error_category: category.map(str::to_string),
            error_message: message.map(str::to_string),
        }
    }

    /// Ends the current run exactly once: record, event, then idle (warm agents) or stop.
    pub(super) async fn finish_run(
        &mut self,
        me: &ActorRef<AgentMsg>,
        outcome: RunOutcome,
        completion: RunCompletion,
        error: Option<RunErrorInfo>,
        summary: Option<serde_json::Value>,
    ) {
        let Some(run) = self.run.as_mut().filter(|r| !r.finished) else { return };
        run.finished = true;
        let run_id = run.run_id.clone();
        let _ = self.ctx.records.send(RunRecord::Finished(RunCompletion { run_id: run_id.clone(), ..completion }));
        if let Some(t) = self.transcript.as_ref() {
            t.flush();
        }
        self.ctx.events.emit(AppEvent::AgentExit {
            agent_id: self.spec.agent_id.clone(),
            run_id,
            outcome,
            error,
            summary,
        });
        let process_alive = !matches!(outcome, RunOutcome::Crashed);
        if self.phase == AgentState::Stopping || !process_alive {
            return;
        }
        if self.spec.kind.keeps_warm()
            && matches!(outcome, RunOutcome::Completed | RunOutcome::Error | RunOutcome::Cancelled)
        {
            self.set_phase(AgentState::Idle);
            self.touch(me);
        } else {
            self.begin_stop(me, "completed").await;
        }
    }

    pub(super) async fn send_turn(&mut self, me: &ActorRef<AgentMsg>, text: &str) -> Result<AgentHandle, AppError> {
        if let Some(run) = self.run.as_ref().filter(|r| !r.finished) {
            return Err(AppError::SessionBusy { run_id: run.run_id.clone() });
        }
        let session_id = match (&self.spec.workflow_session_id, self.spec.kind.keeps_warm(), self.phase) {
            (Some(session), true, AgentState::Idle) => session.clone(),
            _ => return Err(AppError::NotSupported("This agent does not take further messages".into())),
        };
        let run_id = format!("run-{}", uuid::Uuid::now_v7());
        let line = SidecarRequest::SessionSend { run_id: &run_id, session_id: &session_id, text }.to_line();
        self.write(&line).await?;
        if let Some(t) = self.transcript.as_ref() {
            t.record(&json!({ "type": "user_turn", "run_id": run_id, "text": text })).await;
        }
        Ok(self.begin_run(me, run_id))
    }
}
