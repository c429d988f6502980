//! The desktop front door (feature `desktop`): the Tauri builder, the event bridge and the IPC
//! commands. Only this module and `src/main.rs` name Tauri items.

mod bindings;
mod ipc;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use tauri::{Emitter, Manager};

pub use bindings::specta_builder;

use crate::actors::ui_emitter::{self, UiEmitter};
use crate::events::{AppEvent, EventSink};
use crate::{Backend, Config, config, telemetry};

/// Forwards backend events to the window once the app exists.
#[derive(Default)]
struct TauriSink(OnceLock<tauri::AppHandle>);

impl EventSink for TauriSink {
    fn emit(&self, event: AppEvent) {
        if let Some(app) = self.0.get()
            && let Err(err) = app.emit(event.name(), &event)
        {
            tracing::warn!(%err, event = event.name(), "could not forward an event to the window");
        }
    }
}

/// Registers the backend and the commands on a builder; the tests reuse it with a mock runtime.
pub fn configure<R: tauri::Runtime>(builder: tauri::Builder<R>, backend: Backend) -> tauri::Builder<R> {
    builder.manage(backend).invoke_handler(specta_builder::<R>().invoke_handler())
}

/// Starts the backend (migrations before any command is registered), then opens the window.
pub fn run(data_dir: Option<PathBuf>, skills_path: Option<PathBuf>) -> ExitCode {
    let data_dir = match data_dir.map_or_else(config::default_data_dir, Ok) {
        Ok(dir) => dir,
        Err(err) => return startup_failed(&err.to_string()),
    };
    let log_control = match telemetry::init(&data_dir.join("logs"), Some("info")) {
        Ok(control) => Some(Arc::new(control)),
        Err(err) => {
            eprintln!("logging is unavailable: {err}");
            None
        }
    };
    let sink = Arc::new(TauriSink::default());
    let window_sink: Arc<dyn EventSink> = sink.clone();
    let started = tauri::async_runtime::block_on(async move {
        // Streaming text reaches the window in 50 ms frames (agents-and-workflow.md §4.3).
        let mut config = Config::new(&data_dir).with_events(UiEmitter::start(window_sink, ui_emitter::FRAME));
        if let Some(path) = skills_path {
            config = config.with_skills_path(path);
        }
        Backend::start(config).await
    });
    let backend = match started {
        Ok(backend) => backend,
        Err(err) => return startup_failed(&crate::protocol::CommandError::from(err).to_string()),
    };
    if let Some(control) = log_control {
        backend.attach_log_control(control);
    }
    // WebKit takes a moment to show the window; read the library meanwhile, so the first page
    // is served from the DbActor's cache.
    let warm = backend.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(err) = crate::commands::skills::list_skills(&warm, None).await {
            tracing::warn!(%err, "could not read the library ahead of the window");
        }
    });
    let app = configure(tauri::Builder::default(), backend.clone())
        .setup(move |app| {
            let _ = sink.0.set(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(err) => return startup_failed(&format!("the window could not be created: {err}")),
    };
    app.run(move |handle, event| {
        if let tauri::RunEvent::Exit = event {
            let backend = handle.state::<Backend>().inner().clone();
            if let Err(err) = tauri::async_runtime::block_on(backend.shutdown()) {
                tracing::warn!(%err, "shutdown was not clean; the next start repairs it");
            }
        }
    });
    ExitCode::SUCCESS
}

fn startup_failed(message: &str) -> ExitCode {
    tracing::error!(message, "Skill Builder could not start");
    eprintln!("Skill Builder could not start:\n{message}");
    ExitCode::from(2)
}
