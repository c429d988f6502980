//! `AgentActor`: owns one sidecar process and drives its runs (agents-and-workflow.md §1.4–1.11).
//!
//! Reader tasks turn the child's stdout, stderr and exit into messages, so handlers never wait
//! on agent work. Every run ends with exactly one `agent-exit`, also when the process crashes,
//! hangs or is shut down. Undecodable lines are logged and dropped, never fatal.

use std::collections::VecDeque;
use std::time::Instant;

use ractor::{Actor, ActorProcessingErr, ActorRef};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::task::AbortHandle;

use super::process::{ExitInfo, ProcessControl, SidecarProcess};
use super::spec::{AgentContext, AgentSpec, RunRecord};
use super::transcript::TranscriptWriter;
use super::wire::{completion_from_result, outcome_of, run_error_from};
use crate::actors::ask::{Reply, answer};
use crate::events::{AppEvent, RunErrorInfo, RunOutcome};
use crate::protocol::sidecar::{
    DecodeError, MAX_LINE_BYTES, PROTOCOL_VERSION, SidecarLine, SidecarRequest, decode_line,
};
use crate::protocol::{AgentHandle, AgentState, AppError, ErrorCode, RunCompletion, RunStart, RunStatus};

/// Protocol errors after which a sidecar counts as broken.
const MAX_PROTOCOL_ERRORS: u32 = 1000;
/// Stderr lines kept for crash reports.
const STDERR_TAIL: usize = 40;

pub enum AgentMsg {
    Line(String),
    LineTooLong,
    Stderr(String),
    Exited(ExitInfo),
    HandshakeTimeout,
    IdleCheck {
        generation: u64,
    },
    HeartbeatTick,
    FlushTick,
    CancelDeadline {
        run_id: String,
    },
    StopDeadline,
    /// A further turn of a warm (refine) agent.
    Send {
        text: String,
        reply: Reply<AgentHandle>,
    },
    /// Interrupts a run; agents not running it ignore this.
    Cancel {
        run_id: String,
    },
    /// Graceful stop; answers whether the process had to be killed.
    Shutdown {
        reply: Reply<bool>,
    },
}

pub struct AgentArgs {
    pub spec: AgentSpec,
    pub process: SidecarProcess,
    pub first_run_id: String,
    pub start_reply: Reply<AgentHandle>,
    pub ctx: AgentContext,
}

pub struct AgentActor;

struct ActiveRun {
    run_id: String,
    started: Instant,
    finished: bool,
}

pub struct AgentActorState {
    spec: AgentSpec,
    ctx: AgentContext,
    stdin: Box<dyn AsyncWrite + Send + Unpin>,
    control: Box<dyn ProcessControl>,
    phase: AgentState,
    ready: bool,
    start_reply: Option<Reply<AgentHandle>>,
    first_run_id: String,
    run: Option<ActiveRun>,
    generation: u64,
    idle_timer: Option<AbortHandle>,
    timers: Vec<AbortHandle>,
    awaiting_pong: bool,
    missed_pongs: u32,
    nonce: u64,
    stderr_tail: VecDeque<String>,
    protocol_errors: u32,
    stop_replies: Vec<Reply<bool>>,
    stop_reason: &'static str,
    forced: bool,
    transcript: Option<TranscriptWriter>,
}

impl Drop for AgentActorState {
    fn drop(&mut self) {
        // Whatever happened to the actor (panic included), the process group dies with it.
        self.control.kill();
        for timer in self.timers.drain(..).chain(self.idle_timer.take()) {
            timer.abort();
        }
    }
}

async fn read_lines(stdout: Box<dyn AsyncRead + Send + Unpin>, me: ActorRef<AgentMsg>) {
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
                if !line.is_empty() && me.cast(AgentMsg::Line(line)).is_err() {
                    return;
                }
            }
        }
    }
}

async fn read_stderr(stderr: Box<dyn AsyncRead + Send + Unpin>, me: ActorRef<AgentMsg>) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if me.cast(AgentMsg::Stderr(line)).is_err() {
            return;
        }
    }
}

impl Actor for AgentActor {
    type Msg = AgentMsg;
    type State = AgentActorState;
    type Arguments = AgentArgs;

    async fn pre_start(&self, me: ActorRef<AgentMsg>, args: AgentArgs) -> Result<AgentActorState, ActorProcessingErr> {
        let AgentArgs { spec, process, first_run_id, start_reply, ctx } = args;
        let SidecarProcess { stdin, stdout, stderr, exit, control, .. } = process;
        tokio::spawn(read_lines(stdout, me.clone()));
        tokio::spawn(read_stderr(stderr, me.clone()));
        let exit_me = me.clone();
        tokio::spawn(async move {
            let info = exit.await;
            let _ = exit_me.cast(AgentMsg::Exited(info));
        });
        let timers = vec![me.send_after(ctx.timings.handshake, || AgentMsg::HandshakeTimeout).abort_handle()];
        let state = AgentActorState {
            spec,
            ctx,
            stdin,
            control,
            phase: AgentState::Spawning,
            ready: false,
            start_reply: Some(start_reply),
            first_run_id,
            run: None,
            generation: 0,
            idle_timer: None,
            timers,
            awaiting_pong: false,
            missed_pongs: 0,
            nonce: 0,
            stderr_tail: VecDeque::new(),
            protocol_errors: 0,
            stop_replies: Vec::new(),
            stop_reason: "completed",
            forced: false,
            transcript: None,
        };
        state.emit_state(None, None);
        Ok(state)
    }

    async fn handle(
        &self,
        me: ActorRef<AgentMsg>,
        msg: AgentMsg,
        state: &mut AgentActorState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            AgentMsg::Line(line) => state.on_line(&me, &line).await,
            AgentMsg::LineTooLong => state.protocol_error(&me, "a line over 16 MiB was discarded"),
            AgentMsg::Stderr(line) => state.on_stderr(line),
            AgentMsg::Exited(info) => state.on_exit(&me, info),
            AgentMsg::HandshakeTimeout if !state.ready => state.fail_start(&me, "ready_timeout"),
            AgentMsg::HandshakeTimeout => {}
            AgentMsg::IdleCheck { generation } => {
                if generation == state.generation && state.phase == AgentState::Idle {
                    state.begin_stop(&me, "idle").await;
                }
            }
            AgentMsg::HeartbeatTick => state.heartbeat(&me).await,
            AgentMsg::FlushTick => {
                if let Some(t) = state.transcript.as_mut() {
                    t.flush();
                }
            }
            AgentMsg::CancelDeadline { run_id } => state.cancel_deadline(&me, &run_id),
            AgentMsg::StopDeadline => {
                state.forced = true;
                state.control.kill();
                state.finalize(&me, None);
            }
            AgentMsg::Send { text, reply } => {
                let result = state.send_turn(&me, &text).await;
                answer(reply, result);
            }
            AgentMsg::Cancel { run_id } => state.cancel(&me, &run_id).await,
            AgentMsg::Shutdown { reply } => {
                state.stop_replies.push(reply);
                state.begin_stop(&me, "shutdown").await;
            }
        }
        Ok(())
    }
}

impl AgentActorState {
    fn agent_id(&self) -> &str {
        &self.spec.agent_id
    }

    fn emit_state(&self, reason: Option<&str>, exit_code: Option<i32>) {
        let crashed = reason == Some("crashed");
        self.ctx.events.emit(AppEvent::AgentState {
            agent_id: self.spec.agent_id.clone(),
            skill_name: self.spec.skill.clone(),
            kind: self.spec.kind,
            state: self.phase,
            reason: reason.map(str::to_string),
            exit_code,
            stderr_tail: if crashed { self.stderr_tail.iter().cloned().collect() } else { Vec::new() },
        });
    }

    fn set_phase(&mut self, phase: AgentState) {
        if self.phase != phase {
            self.phase = phase;
            self.emit_state(None, None);
        }
    }

    /// Re-arms the idle timer: any traffic except heartbeats counts as activity.
    fn touch(&mut self, me: &ActorRef<AgentMsg>) {
        self.generation += 1;
        let generation = self.generation;
        if let Some(timer) = self.idle_timer.take() {
            timer.abort();
        }
        self.idle_timer =
            Some(me.send_after(self.ctx.timings.idle, move || AgentMsg::IdleCheck { generation }).abort_handle());
    }

    async fn write(&mut self, line: &str) -> Result<(), AppError> {
        let write = async {
            self.stdin.write_all(line.as_bytes()).await?;
            self.stdin.flush().await
        };
        match tokio::time::timeout(self.ctx.timings.write_timeout, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(AppError::Runtime {
                code: ErrorCode::RuntimeStartFailed,
                message: format!("The agent runtime stopped reading its input: {err}"),
                reason: Some("stdin_closed"),
                stderr_tail: Vec::new(),
            }),
            Err(_) => Err(AppError::Timeout {
                operation: "write to the agent runtime".into(),
                after: self.ctx.timings.write_timeout,
            }),
        }
    }

    async fn on_line(&mut self, me: &ActorRef<AgentMsg>, line: &str) {
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
                return self.protocol_error(me, why);
            }
        };
        match decoded {
            SidecarLine::Ready { protocol, .. } => self.on_ready(me, protocol).await,
            SidecarLine::Pong { .. } => {
                self.awaiting_pong = false;
                self.missed_pongs = 0;
            }
            SidecarLine::Progress { run_id, stage, detail } if self.is_current(&run_id) => {
                self.log_line(line, false);
                self.touch(me);
                let agent_id = self.spec.agent_id.clone();
                self.ctx.events.emit(AppEvent::AgentProgress { agent_id, run_id, stage, detail });
            }
            SidecarLine::Message { run_id, seq, items } if self.is_current(&run_id) => {
                self.log_line(line, false);
                self.touch(me);
                let agent_id = self.spec.agent_id.clone();
                self.ctx.events.emit(AppEvent::AgentMessage { agent_id, run_id, seq, items });
            }
            SidecarLine::Delta { run_id, message_id, index, block, text } if self.is_current(&run_id) => {
                self.touch(me);
                let agent_id = self.spec.agent_id.clone();
                self.ctx.events.emit(AppEvent::AgentDelta { agent_id, run_id, message_id, index, block, text });
            }
            SidecarLine::Result(result) if self.is_current(&result.run_id) => {
                self.log_line(line, true);
                let (outcome, status) = outcome_of(&result);
                let error = result.error.as_ref().map(run_error_from);
                let completion = completion_from_result(&result, status);
                let summary = json!({
                    "numTurns": result.num_turns, "durationMs": result.duration_ms, "costUsd": result.cost_usd,
                    "toolUses": result.tool_uses, "compactions": result.compactions, "resultText": result.text,
                });
                self.finish_run(me, outcome, completion, error, Some(summary)).await;
            }
            SidecarLine::Error { run_id: Some(run_id), category, message, retryable } if self.is_current(&run_id) => {
                self.log_line(line, true);
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
                self.log_line(line, true);
                tracing::warn!(agent = self.agent_id(), category, message, "sidecar reported an error");
            }
            SidecarLine::SessionEnded { .. } | SidecarLine::Exited { .. } => self.log_line(line, true),
            SidecarLine::Unknown => tracing::debug!(agent = self.agent_id(), "ignored a sidecar line of unknown type"),
            _ => tracing::debug!(agent = self.agent_id(), "dropped a line for a run that is not running"),
        }
    }

    fn is_current(&self, run_id: &str) -> bool {
        self.run.as_ref().is_some_and(|r| r.run_id == run_id && !r.finished)
    }

    fn log_line(&mut self, line: &str, essential: bool) {
        if let Some(t) = self.transcript.as_mut() {
            t.protocol_line(line, essential);
        }
    }

    fn protocol_error(&mut self, me: &ActorRef<AgentMsg>, why: &str) {
        self.protocol_errors += 1;
        if self.protocol_errors > MAX_PROTOCOL_ERRORS {
            tracing::error!(agent = self.agent_id(), why, "the sidecar is broken; stopping it");
            self.crash(me, "protocol", "The agent runtime sent too many unreadable lines", None);
        }
    }

    fn on_stderr(&mut self, line: String) {
        let secrets: Vec<&str> = self.spec.api_key.iter().map(|k| k.expose().as_str()).collect();
        let clean: String = crate::redact::redact(&line, &secrets).chars().take(500).collect();
        tracing::debug!(agent = self.agent_id(), line = %clean, "sidecar stderr");
        if let Some(t) = self.transcript.as_mut() {
            t.record(&json!({ "type": "stderr", "line": clean }));
        }
        if self.stderr_tail.len() == STDERR_TAIL {
            self.stderr_tail.pop_front();
        }
        self.stderr_tail.push_back(clean);
    }

    async fn on_ready(&mut self, me: &ActorRef<AgentMsg>, protocol: u32) {
        if self.ready {
            return;
        }
        if protocol != PROTOCOL_VERSION {
            return self.fail_start(me, "protocol_mismatch");
        }
        self.ready = true;
        self.timers.push(me.send_interval(self.ctx.timings.heartbeat, || AgentMsg::HeartbeatTick).abort_handle());
        self.timers.push(me.send_interval(self.ctx.timings.flush_every, || AgentMsg::FlushTick).abort_handle());
        self.open_transcript();
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

    fn open_transcript(&mut self) {
        let Some(dir) = self.spec.transcript_dir.clone() else { return };
        let now = self.ctx.clock.now();
        let id8: String = self.spec.agent_id.chars().rev().filter(char::is_ascii_hexdigit).take(8).collect();
        let stem = format!("{}-{}-{id8}", self.spec.config.label, now.format("%Y%m%dT%H%M%S%.3fZ"));
        let secrets = self.spec.api_key.iter().map(|k| k.expose().clone()).collect();
        self.transcript = TranscriptWriter::create(&dir, &stem, secrets);
        let header = json!({
            "type": "transcript", "format": 1, "run_id": self.first_run_id, "agent_id": self.spec.agent_id,
            "skill": self.spec.skill, "kind": self.spec.kind, "step": self.spec.step, "label": self.spec.config.label,
            "started_at": self.ctx.clock.now_str(), "app_version": env!("CARGO_PKG_VERSION"), "protocol": PROTOCOL_VERSION,
            "config": self.spec.config, "env": { "ANTHROPIC_API_KEY": "[REDACTED]" },
        });
        if let Some(t) = self.transcript.as_mut() {
            t.record(&header);
        }
    }

    fn begin_run(&mut self, me: &ActorRef<AgentMsg>, run_id: String) -> AgentHandle {
        let started_at = self.ctx.clock.now_str();
        self.run = Some(ActiveRun { run_id: run_id.clone(), started: Instant::now(), finished: false });
        self.set_phase(AgentState::Running);
        self.touch(me);
        let _ = self.ctx.records.send(RunRecord::Started(RunStart {
            run_id: run_id.clone(),
            agent_id: self.spec.agent_id.clone(),
            skill_name: self.spec.skill.clone(),
            kind: self.spec.kind.run_kind(),
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

    fn bare_completion(&self, status: RunStatus, category: Option<&str>, message: Option<&str>) -> RunCompletion {
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
    async fn finish_run(
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
        if let Some(t) = self.transcript.as_mut() {
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

    async fn send_turn(&mut self, me: &ActorRef<AgentMsg>, text: &str) -> Result<AgentHandle, AppError> {
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
        if let Some(t) = self.transcript.as_mut() {
            t.record(&json!({ "type": "user_turn", "run_id": run_id, "text": text }));
        }
        Ok(self.begin_run(me, run_id))
    }

    async fn cancel(&mut self, me: &ActorRef<AgentMsg>, run_id: &str) {
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

    fn cancel_deadline(&mut self, me: &ActorRef<AgentMsg>, run_id: &str) {
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
        self.finalize(me, None);
    }

    fn error_info(&self, category: &str, message: &str, retryable: bool, exit: Option<ExitInfo>) -> RunErrorInfo {
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
    fn finish_now(&mut self, outcome: RunOutcome, completion: RunCompletion, error: Option<RunErrorInfo>) {
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

    async fn heartbeat(&mut self, me: &ActorRef<AgentMsg>) {
        if !self.ready || self.phase == AgentState::Stopping {
            return;
        }
        if self.awaiting_pong {
            self.missed_pongs += 1;
            if self.missed_pongs >= 2 {
                return self.crash(me, "sidecar_unresponsive", "The agent runtime stopped answering", None);
            }
        }
        self.nonce += 1;
        self.awaiting_pong = true;
        let line = SidecarRequest::Ping { nonce: self.nonce }.to_line();
        if self.write(&line).await.is_err() {
            tracing::warn!(agent = self.agent_id(), "heartbeat could not be written");
        }
    }

    /// Graceful stop: ask the sidecar to shut down, kill it if it has not exited in time.
    async fn begin_stop(&mut self, me: &ActorRef<AgentMsg>, reason: &'static str) {
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

    fn on_exit(&mut self, me: &ActorRef<AgentMsg>, info: ExitInfo) {
        self.control.mark_exited();
        if self.phase == AgentState::Stopping {
            return self.finalize(me, Some(info));
        }
        let message = match (info.code, info.signal) {
            (Some(code), _) => format!("The agent process exited unexpectedly (code {code})"),
            (None, Some(signal)) => format!("The agent process was killed (signal {signal})"),
            _ => "The agent process exited unexpectedly".to_string(),
        };
        self.crash(me, "sidecar_crashed", &message, Some(info));
    }

    fn fail_start(&mut self, me: &ActorRef<AgentMsg>, reason: &'static str) {
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
    fn crash(&mut self, me: &ActorRef<AgentMsg>, category: &str, message: &str, exit: Option<ExitInfo>) {
        if !self.ready {
            return self.fail_start(me, "spawn_failed");
        }
        self.control.kill();
        let error = self.error_info(category, message, true, exit);
        let completion = self.bare_completion(RunStatus::Failed, Some(category), Some(message));
        self.finish_now(RunOutcome::Crashed, completion, Some(error));
        self.stop_reason = if category == "sidecar_unresponsive" { "hung" } else { "crashed" };
        self.finalize(me, exit);
    }

    /// Closes the transcript, answers stop requests, emits `stopped` and stops the actor.
    fn finalize(&mut self, me: &ActorRef<AgentMsg>, exit: Option<ExitInfo>) {
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
        if let Some(t) = self.transcript.as_mut() {
            t.finish(self.stop_reason, &ended_at, code);
        }
        for reply in self.stop_replies.drain(..) {
            answer(reply, Ok(self.forced));
        }
        self.phase = AgentState::Stopped;
        self.emit_state(Some(self.stop_reason), code);
        me.stop(Some(self.stop_reason.into()));
    }
}
