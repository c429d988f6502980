//! Exports the wire protocol types to `sidecar/src/protocol.gen.ts`, the sidecar's only copy of
//! them, and fails when the committed file differs (`UPDATE_BINDINGS=1` rewrites it, as for the
//! window's bindings). A core test, so it runs without the desktop feature.

use super::items::{Item, TruncatedInput};
use super::kinds::{ErrorCategory, ExitReason, ExtraEnvKey, MockScenario, RunStatus, SessionEndReason};
use super::{ResultLine, SidecarConfig, SidecarLine, SidecarRequest, WireModelUsage, WireRunError, WireUsage};

const HEADER: &str = "// Generated from src/protocol/sidecar.rs by `UPDATE_BINDINGS=1 cargo nextest run \
--no-default-features -E 'test(sidecar_protocol_is_up_to_date)'`; do not edit.\n\
// Wire protocol v1 (agents-and-workflow.md §2). Every line also carries `\"v\": 1` (see protocol.ts).\n";

fn generate() -> String {
    let types = specta::Types::default()
        .register::<SidecarConfig>()
        .register::<SidecarRequest<'static>>()
        .register::<SidecarLine>()
        .register::<ResultLine>()
        .register::<WireUsage>()
        .register::<WireModelUsage>()
        .register::<WireRunError>()
        .register::<Item>()
        .register::<TruncatedInput>()
        .register::<RunStatus>()
        .register::<ErrorCategory>()
        .register::<SessionEndReason>()
        .register::<ExitReason>()
        .register::<ExtraEnvKey>()
        .register::<MockScenario>();
    specta_typescript::Typescript::default().header(HEADER).export(&types, specta_serde::Format).unwrap()
}

/// Fails when the committed TypeScript differs from what the Rust types produce.
#[test]
fn sidecar_protocol_is_up_to_date() {
    let fresh = generate();
    let committed = concat!(env!("CARGO_MANIFEST_DIR"), "/sidecar/src/protocol.gen.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(committed, &fresh).unwrap();
        return;
    }
    assert!(
        std::fs::read_to_string(committed).unwrap_or_default() == fresh,
        "sidecar/src/protocol.gen.ts is stale: run `make bindings`"
    );
}
