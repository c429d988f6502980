//! What the bench harnesses share: `name: value unit` lines on stdout, goals on stderr, and the
//! machine's state next to the figures.

// Each harness compiles its own copy and uses part of it.
#![allow(dead_code)]

use std::io::Write as _;
use std::time::{Duration, Instant};

/// Collects the figures that missed their goal.
#[derive(Default)]
pub struct Report {
    pub missed: Vec<String>,
}

impl Report {
    /// Prints `name: value unit` on stdout and the goal (a "less than" bound) on stderr.
    pub fn figure(&mut self, name: &str, value: f64, unit: &str, goal: Option<f64>, reference: Option<f64>) {
        let shown = format_value(value);
        println!("{name}: {shown} {unit}");
        let _ = std::io::stdout().flush();
        let reference = reference.map(|r| format!("; reference {} {unit}", format_value(r))).unwrap_or_default();
        let Some(goal) = goal else {
            eprintln!("  {name}: {shown} {unit}  (no goal{reference})");
            return;
        };
        let met = value < goal;
        eprintln!(
            "  {name}: {shown} {unit}  (goal < {} {unit}{reference})  {}",
            format_value(goal),
            if met { "ok" } else { "MISSED" }
        );
        if !met {
            self.missed.push(name.to_string());
        }
    }

    /// The last stderr line of a harness.
    pub fn finish(&self, harness: &str, started: Instant) {
        eprintln!("{harness} bench: done in {:.1} s", started.elapsed().as_secs_f64());
        if self.missed.is_empty() {
            eprintln!("{harness} bench: every figure met its goal");
        } else {
            eprintln!("{harness} bench: missed goals: {}", self.missed.join(", "));
        }
    }
}

/// The figures depend on how busy the machine is (other builds, other tenants of a VM), so the
/// load average and the cost of a bare cross-thread round trip go to stderr with them.
pub fn machine_context(when: &str) -> anyhow::Result<()> {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    let (to_peer, peer_rx) = std::sync::mpsc::channel::<std::sync::mpsc::Sender<()>>();
    let peer = std::thread::spawn(move || {
        while let Ok(back) = peer_rx.recv() {
            let _ = back.send(());
        }
    });
    let mut samples = Vec::with_capacity(5_000);
    for i in 0..5_500 {
        let (back, rx) = std::sync::mpsc::channel();
        let t = Instant::now();
        to_peer.send(back)?;
        rx.recv()?;
        if i >= 500 {
            samples.push(micros(t.elapsed()));
        }
    }
    drop(to_peer);
    let _ = peer.join();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    eprintln!(
        "machine {when}: {cores} cores, load average {load}; cross-thread round trip p50 {:.1} us",
        percentile(&mut samples, 50.0)
    );
    Ok(())
}

pub fn format_value(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// Nearest-rank percentile of samples (sorted here), in the samples' unit.
pub fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// The middle sample (an odd count of samples has one).
pub fn median(mut samples: Vec<f64>) -> f64 {
    percentile(&mut samples, 50.0)
}

pub fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
