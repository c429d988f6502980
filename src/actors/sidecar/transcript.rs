//! Per-run transcripts (agents-and-workflow.md §3): `WS/logs/<skill>/<label>-<time>-<id8>.jsonl`,
//! a header line with the redacted config, then every protocol line but deltas, then a footer.
//! A transcript that cannot be written never stops the agent: failures are logged and the
//! writer goes quiet.
//!
//! The agent actor never touches the file: [`Transcript`] hands lines to a writer thread through
//! a bounded channel, and the actor waits when the writer is [`QUEUED_LINES`] behind, which in
//! turn slows the reader of the sidecar's stdout. Redaction runs on the writer thread too.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use crate::protocol::{AppError, LoggedMessage, RunTranscriptPage};
use crate::redact::redact;

/// Past this size only results, errors and the footer are written.
const MAX_TRANSCRIPT_BYTES: u64 = 50 * 1024 * 1024;
/// Lines waiting for the writer thread at most.
pub const QUEUED_LINES: usize = 1024;
/// How long an agent that stops waits for its transcript's footer to be written.
const FINISH_TIMEOUT: Duration = Duration::from_secs(5);

enum Op {
    Line { line: String, essential: bool },
    Flush,
    Finish { status: &'static str, ended_at: String, exit_code: Option<i32>, done: oneshot::Sender<()> },
}

/// The agent's end of a transcript: a writer thread owns the file.
pub struct Transcript {
    ops: mpsc::Sender<Op>,
    path: PathBuf,
}

impl Transcript {
    /// Opens the file on the blocking pool and starts its writer thread; `None` (logged) when
    /// either fails.
    pub async fn open(dir: PathBuf, stem: String, secrets: Vec<String>) -> Option<Transcript> {
        let opened = tokio::task::spawn_blocking(move || TranscriptWriter::create(&dir, &stem, secrets)).await;
        let writer = opened.ok().flatten()?;
        let path = writer.path().to_path_buf();
        let (ops, queue) = mpsc::channel(QUEUED_LINES);
        let spawned = std::thread::Builder::new().name("transcript".into()).spawn(move || write_all(writer, queue));
        if let Err(err) = spawned {
            tracing::warn!(%err, "cannot start the transcript writer");
            return None;
        }
        Some(Transcript { ops, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A protocol line from the sidecar, as received; waits while the writer is behind.
    pub async fn protocol_line(&self, line: &str, essential: bool) {
        // Only fails once the writer gave up, which it has logged.
        let _ = self.ops.send(Op::Line { line: line.to_string(), essential }).await;
    }

    /// A structured line written by the backend (header, stderr, user turn).
    pub async fn record(&self, value: &Value) {
        let _ = self.ops.send(Op::Line { line: value.to_string(), essential: true }).await;
    }

    /// Asks for a flush; skipped when the writer is busy anyway (it flushes on finish).
    pub fn flush(&self) {
        let _ = self.ops.try_send(Op::Flush);
    }

    /// Writes the footer and closes the file, waiting (a bounded time) until it is on disk.
    pub async fn finish(self, status: &'static str, ended_at: String, exit_code: Option<i32>) {
        let (done, written) = oneshot::channel();
        if self.ops.send(Op::Finish { status, ended_at, exit_code, done }).await.is_ok()
            && tokio::time::timeout(FINISH_TIMEOUT, written).await.is_err()
        {
            tracing::warn!(path = %self.path.display(), "the transcript footer was not written in time");
        }
    }
}

/// The writer thread: applies ops in order until the footer or until the agent is gone.
fn write_all(mut writer: TranscriptWriter, mut queue: mpsc::Receiver<Op>) {
    while let Some(op) = queue.blocking_recv() {
        match op {
            Op::Line { line, essential } => writer.write_raw(&line, essential),
            Op::Flush => writer.flush(),
            Op::Finish { status, ended_at, exit_code, done } => {
                writer.finish(status, &ended_at, exit_code);
                let _ = done.send(());
                return;
            }
        }
    }
    writer.flush();
}

pub struct TranscriptWriter {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    written: u64,
    dropped: u64,
    truncated: bool,
    secrets: Vec<String>,
}

impl TranscriptWriter {
    /// Opens a new transcript file (never overwriting one: `-2`, `-3`, … on collision). The
    /// folder is created only when the first open finds it missing.
    pub fn create(dir: &Path, stem: &str, secrets: Vec<String>) -> Option<Self> {
        let mut attempt = 1;
        let mut made_dir = false;
        while attempt < 100 {
            let name = if attempt == 1 { format!("{stem}.jsonl") } else { format!("{stem}-{attempt}.jsonl") };
            let path = dir.join(name);
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Some(TranscriptWriter {
                        path,
                        out: Some(BufWriter::new(file)),
                        written: 0,
                        dropped: 0,
                        truncated: false,
                        secrets,
                    });
                }
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => attempt += 1,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound && !made_dir => {
                    made_dir = true;
                    if let Err(err) = std::fs::create_dir_all(dir) {
                        tracing::warn!(%err, dir = %dir.display(), "cannot create the transcript folder");
                        return None;
                    }
                }
                Err(err) => {
                    tracing::warn!(%err, path = %path.display(), "cannot open the transcript");
                    return None;
                }
            }
        }
        None
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write_raw(&mut self, line: &str, essential: bool) {
        if self.out.is_none() {
            return;
        }
        if self.written >= MAX_TRANSCRIPT_BYTES && !essential {
            if !self.truncated {
                self.truncated = true;
                self.write_raw(r#"{"type":"transcript_truncated"}"#, true);
            }
            self.dropped += line.len() as u64;
            return;
        }
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        let clean = redact(line, &secrets);
        let result = self.out.as_mut().map(|out| out.write_all(clean.as_bytes()).and_then(|()| out.write_all(b"\n")));
        match result {
            Some(Ok(())) => self.written += clean.len() as u64 + 1,
            Some(Err(err)) => {
                tracing::warn!(%err, path = %self.path.display(), "transcript write failed; no more lines are written");
                self.out = None;
            }
            None => {}
        }
    }

    /// A protocol line from the sidecar, as received.
    pub fn protocol_line(&mut self, line: &str, essential: bool) {
        self.write_raw(line, essential);
    }

    /// A structured line written by the backend (header, stderr, user turn).
    pub fn record(&mut self, value: &Value) {
        self.write_raw(&value.to_string(), true);
    }

    pub fn flush(&mut self) {
        if let Some(Err(err)) = self.out.as_mut().map(BufWriter::flush) {
            tracing::warn!(%err, "transcript flush failed");
        }
    }

    /// Writes the footer and closes the file.
    pub fn finish(&mut self, status: &str, ended_at: &str, exit_code: Option<i32>) {
        let footer = json!({
            "type": "transcript_end", "status": status, "ended_at": ended_at,
            "exit_code": exit_code, "bytes_dropped": self.dropped,
        });
        self.record(&footer);
        self.flush();
        self.out = None;
    }
}

/// The 8 hex characters of an agent id that name its transcripts.
pub fn file_id(agent_id: &str) -> String {
    agent_id.chars().rev().filter(char::is_ascii_hexdigit).take(8).collect()
}

/// Items per page of [`read_run`].
pub const PAGE_ITEMS: usize = 2_000;

/// The fields of a transcript line that replay needs; the SDK payload is skipped unread.
#[derive(serde::Deserialize)]
struct ReplayLine {
    #[serde(rename = "type")]
    kind: String,
    run_id: Option<String>,
    seq: Option<u64>,
    #[serde(default)]
    items: Vec<Value>,
}

/// Page `page` (from 0) of one run's messages, read from its agent's transcripts in `dir`.
pub fn read_run(dir: &Path, agent_id: &str, run_id: &str, page: u32) -> Result<RunTranscriptPage, AppError> {
    // `<label>-<time>-<id8>`, or `-<id8>-<n>` after a name collision.
    let id = file_id(agent_id);
    let (last, inner) = (format!("-{id}"), format!("-{id}-"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| AppError::io(dir, e))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "jsonl")
                && path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|stem| stem.ends_with(&last) || stem.contains(&inner))
        })
        .collect();
    files.sort();
    let mut messages = Vec::new();
    let mut path = None;
    for file in files {
        let reader = BufReader::new(File::open(&file).map_err(|e| AppError::io(&file, e))?);
        let mut holds_run = false;
        for line in reader.lines() {
            let line = line.map_err(|e| AppError::io(&file, e))?;
            let Ok(parsed) = serde_json::from_str::<ReplayLine>(&line) else { continue };
            if parsed.run_id.as_deref() != Some(run_id) {
                continue;
            }
            holds_run = true;
            if let ("message", Some(seq)) = (parsed.kind.as_str(), parsed.seq) {
                messages.push(LoggedMessage { seq, items: parsed.items });
            }
        }
        if holds_run {
            path = Some(file.display().to_string());
        }
    }
    let Some(path) = path else {
        return Err(AppError::NotFound { kind: "transcript", name: run_id.to_string() });
    };
    Ok(page_of(run_id, path, messages, page))
}

/// Whole messages, about [`PAGE_ITEMS`] items a page (a larger message gets a page of its own).
fn page_of(run_id: &str, path: String, messages: Vec<LoggedMessage>, page: u32) -> RunTranscriptPage {
    let mut pages: Vec<Vec<LoggedMessage>> = vec![Vec::new()];
    let mut filled = 0;
    for message in messages {
        if filled > 0 && filled + message.items.len() > PAGE_ITEMS {
            pages.push(Vec::new());
            filled = 0;
        }
        filled += message.items.len();
        if let Some(current) = pages.last_mut() {
            current.push(message);
        }
    }
    let count = pages.len();
    let at = usize::try_from(page).unwrap_or(usize::MAX);
    RunTranscriptPage {
        run_id: run_id.to_string(),
        transcript_path: path,
        page,
        has_more: at + 1 < count,
        messages: if at < count { std::mem::take(&mut pages[at]) } else { Vec::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_redacted_lines_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = TranscriptWriter::create(dir.path(), "step0-x", vec!["super-secret-key".into()]).unwrap();
        first.record(&json!({"type": "transcript", "config": {"note": "super-secret-key sk-ant-abcdefgh1234"}}));
        first.protocol_line(r#"{"v":1,"type":"message"}"#, false);
        first.finish("success", "t", Some(0));
        let second = TranscriptWriter::create(dir.path(), "step0-x", vec![]).unwrap();
        assert!(second.path().ends_with("step0-x-2.jsonl"));
        let text = std::fs::read_to_string(dir.path().join("step0-x.jsonl")).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(!text.contains("super-secret-key") && !text.contains("sk-ant-abcdefgh"));
        assert!(text.lines().last().unwrap().contains("transcript_end"));
    }

    #[test]
    fn pages_hold_whole_messages_of_about_two_thousand_items() {
        let message = |seq: u64, items: usize| LoggedMessage { seq, items: vec![json!({}); items] };
        let messages = vec![message(1, 1_500), message(2, 400), message(3, 300), message(4, 5_000), message(5, 1)];
        let seqs = |page: u32| {
            let page = page_of("r", "t.jsonl".into(), messages.clone(), page);
            (page.messages.iter().map(|m| m.seq).collect::<Vec<_>>(), page.has_more)
        };
        assert_eq!(seqs(0), (vec![1, 2], true));
        assert_eq!(seqs(1), (vec![3], true));
        assert_eq!(seqs(2), (vec![4], true), "a message larger than a page gets one of its own");
        assert_eq!(seqs(3), (vec![5], false));
        assert_eq!(seqs(9), (vec![], false));
    }

    #[test]
    fn a_run_is_read_back_from_its_agents_transcripts_only() {
        let dir = tempfile::tempdir().unwrap();
        let agent = "ag-0192f3a4-1b2c-7d8e-9f00-aabbccddeeff";
        let stem = format!("step0-20261126T000000.000Z-{}", file_id(agent));
        let mut writer = TranscriptWriter::create(dir.path(), &stem, Vec::new()).unwrap();
        writer.record(&json!({"type": "transcript", "run_id": "r1"}));
        writer.protocol_line(
            r#"{"v":1,"type":"message","run_id":"r1","seq":1,"items":[{"kind":"text"}],"sdk":{}}"#,
            false,
        );
        writer.protocol_line(r#"{"v":1,"type":"message","run_id":"r2","seq":2,"items":[{"kind":"other"}]}"#, false);
        writer.finish("completed", "later", Some(0));
        let page = read_run(dir.path(), agent, "r1", 0).unwrap();
        assert_eq!(page.messages, [LoggedMessage { seq: 1, items: vec![json!({"kind": "text"})] }]);
        assert!(matches!(read_run(dir.path(), "ag-ffff0000", "r1", 0), Err(AppError::NotFound { .. })));
    }
}
