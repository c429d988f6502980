//! `AgentActor`: owns one sidecar process and drives its runs (agents-and-workflow.md §1.4–1.11).
//!
//! Reader tasks turn the child's stdout, stderr and exit into messages, so handlers never wait
//! on agent work. Every run ends with exactly one `agent-exit`, also when the process crashes,
//! hangs or is shut down. Undecodable lines are logged and dropped, never fatal.
//!
//! The output path is bounded end to end (§4.3): a line in the mailbox holds one of
//! [`LINES_IN_FLIGHT`] permits until it is handled, the reader waits for the event sink's room
//! before it takes a permit, and the transcript writer's channel is bounded; whichever is full
//! stops the reader, so the pipe fills and the sidecar waits instead of memory growing.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use ractor::{Actor, ActorProcessingErr, ActorRef};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::AbortHandle;

mod lifecycle;
mod lines;
mod runs;

use super::process::{ExitInfo, ProcessControl, SidecarProcess};
use super::spec::{AgentContext, AgentSpec, RunRecord};
use super::transcript::{Transcript, file_id};
use super::wire::{completion_from_result, outcome_of, run_error_from};
use crate::actors::ask::{Reply, answer};
use crate::events::{AppEvent, RunErrorInfo, RunOutcome};
use crate::protocol::sidecar::{
    DecodeError, MAX_LINE_BYTES, PROTOCOL_VERSION, SidecarLine, SidecarRequest, decode_line,
};
use crate::protocol::{AgentHandle, AgentState, AppError, ErrorCode, RunCompletion, RunStart, RunStatus};
use lines::{read_lines, read_stderr};

/// Protocol errors after which a sidecar counts as broken.
const MAX_PROTOCOL_ERRORS: u32 = 1000;
/// Stderr lines kept for crash reports.
const STDERR_TAIL: usize = 40;
/// Sidecar lines (stdout and stderr) read but not yet handled, at most.
pub const LINES_IN_FLIGHT: usize = 1024;
/// Free permits a blocked reader waits for before it reads on.
const RESUME_AFTER: u32 = 256;

pub enum AgentMsg {
    /// A stdout line; the permit is released once it is handled.
    Line(String, OwnedSemaphorePermit),
    LineTooLong,
    Stderr(String, OwnedSemaphorePermit),
    Exited(ExitInfo),
    HandshakeTimeout,
    IdleCheck {
        generation: u64,
    },
    HeartbeatTick,
    /// The pong for `nonce` is due.
    PongDeadline {
        nonce: u64,
    },
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
    pong_timer: Option<AbortHandle>,
    nonce: u64,
    stderr_tail: VecDeque<String>,
    protocol_errors: u32,
    stop_replies: Vec<Reply<bool>>,
    stop_reason: &'static str,
    forced: bool,
    transcript: Option<Transcript>,
    /// Permits of lines read but not handled; closed when the actor goes, ending the readers.
    lines: Arc<Semaphore>,
}

impl Drop for AgentActorState {
    fn drop(&mut self) {
        // Whatever happened to the actor (panic included), the process group dies with it.
        self.control.kill();
        self.lines.close();
        for timer in self.timers.drain(..).chain(self.idle_timer.take()).chain(self.pong_timer.take()) {
            timer.abort();
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
        let lines = Arc::new(Semaphore::new(LINES_IN_FLIGHT));
        tokio::spawn(read_lines(stdout, me.clone(), Arc::clone(&lines), Arc::clone(&ctx.events)));
        tokio::spawn(read_stderr(stderr, me.clone(), Arc::clone(&lines)));
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
            pong_timer: None,
            nonce: 0,
            stderr_tail: VecDeque::new(),
            protocol_errors: 0,
            stop_replies: Vec::new(),
            stop_reason: "completed",
            forced: false,
            transcript: None,
            lines,
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
            // The permit is dropped, letting the reader hand over another line, once it is handled.
            AgentMsg::Line(line, _permit) => state.on_line(&me, &line).await,
            AgentMsg::LineTooLong => state.protocol_error(&me, "a line over 16 MiB was discarded").await,
            AgentMsg::Stderr(line, _permit) => state.on_stderr(line).await,
            AgentMsg::Exited(info) => state.on_exit(&me, info).await,
            AgentMsg::HandshakeTimeout if !state.ready => state.fail_start(&me, "ready_timeout"),
            AgentMsg::HandshakeTimeout => {}
            AgentMsg::IdleCheck { generation } => {
                if generation == state.generation && state.phase == AgentState::Idle {
                    state.begin_stop(&me, "idle").await;
                }
            }
            AgentMsg::HeartbeatTick => state.heartbeat(&me).await,
            AgentMsg::PongDeadline { nonce } => state.pong_missed(&me, nonce).await,
            AgentMsg::FlushTick => {
                if let Some(t) = state.transcript.as_ref() {
                    t.flush();
                }
            }
            AgentMsg::CancelDeadline { run_id } => state.cancel_deadline(&me, &run_id).await,
            AgentMsg::StopDeadline => {
                state.forced = true;
                state.control.kill();
                state.finalize(&me, None).await;
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
}
