#!/usr/bin/env bash
# WebDriver smoke tests of the real desktop app (build-and-ci.md §9).
# Needs `(cd app-ui && npm ci && npm run build)`, `(cd e2e && npm ci)` and `cargo build` first.
# Starts its own Xvfb display when none is set; writes screenshots to target/.
set -euo pipefail
if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$@"
fi
cd "$(dirname "$0")/.."

export APP_BIN="$PWD/target/debug/skill-builder"
[[ -x "$APP_BIN" ]] || { echo "e2e: $APP_BIN is missing: run cargo build first" >&2; exit 1; }
[[ -d e2e/node_modules ]] || { echo "e2e: run (cd e2e && npm ci) first" >&2; exit 1; }

# WebKitWebDriver starts the app with its own environment, so everything the app reads is exported here.
# An empty HOME gives an empty default skills path ($HOME/.vibedata); the data dir holds the database.
scratch="$(mktemp -d)"
export HOME="$scratch/home"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
export SKILL_BUILDER_DATA_DIR="$scratch/data"
mkdir -p "$HOME" "$SKILL_BUILDER_DATA_DIR" target

export WEBDRIVER_PORT=4445
# Without TAURI_WEBVIEW_AUTOMATION the webview refuses automation and POST /session hangs.
TAURI_WEBVIEW_AUTOMATION=true WebKitWebDriver --port="$WEBDRIVER_PORT" &
driver=$!
trap 'kill "$driver" 2>/dev/null || true; wait "$driver" 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$WEBDRIVER_PORT/status" >/dev/null && break
  sleep 0.1
done

node --test --test-concurrency=1 --test-timeout=120000 e2e/specs/*.test.mjs
