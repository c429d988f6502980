//! Per-run transcripts (agents-and-workflow.md §3): `WS/logs/<skill>/<label>-<time>-<id8>.jsonl`,
//! a header line with the redacted config, then every protocol line but deltas, then a footer.
//! A transcript that cannot be written never stops the agent: failures are logged and the
//! writer goes quiet.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::redact::redact;

/// Past this size only results, errors and the footer are written.
const MAX_TRANSCRIPT_BYTES: u64 = 50 * 1024 * 1024;

pub struct TranscriptWriter {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    written: u64,
    dropped: u64,
    truncated: bool,
    secrets: Vec<String>,
}

impl TranscriptWriter {
    /// Opens a new transcript file (never overwriting one: `-2`, `-3`, … on collision).
    pub fn create(dir: &Path, stem: &str, secrets: Vec<String>) -> Option<Self> {
        if let Err(err) = std::fs::create_dir_all(dir) {
            tracing::warn!(%err, dir = %dir.display(), "cannot create the transcript folder");
            return None;
        }
        for attempt in 1..100 {
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
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
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
}
