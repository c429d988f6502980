# Skill Builder: `make run` opens the app, `make test` runs every test, `make bench` prints the figures.
# Every target installs what it needs first (Debian packages as root, npm packages, the sidecar bundle).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: run test bench deps system-deps npm-deps ui sidecar bindings fmt lint test-ui test-sidecar test-core test-desktop test-e2e clean skills-ref

run: deps ui sidecar
	$(CARGO) run --locked

test: deps ui sidecar test-ui test-sidecar test-core test-desktop test-e2e
	@echo "make test: all stages passed"

bench: deps sidecar
	$(CARGO) bench --locked --no-default-features

deps: system-deps npm-deps

system-deps:
	@bash scripts/install-system-deps.sh
	@command -v cargo-nextest >/dev/null || $(CARGO) install cargo-nextest --locked

# `npm ci` runs again only when a lock file changed; never with --omit=optional (the Claude Code binary is optional).
npm-deps: app-ui/node_modules/.stamp sidecar/node_modules/.stamp e2e/node_modules/.stamp

%/node_modules/.stamp: %/package-lock.json
	cd $* && npm ci --no-audit --no-fund
	touch $@

# The desktop build embeds app-ui/dist, so it must exist before any desktop cargo command.
ui: app-ui/node_modules/.stamp
	cd app-ui && npm run build

sidecar: sidecar/node_modules/.stamp
	cd sidecar && npm run build

bindings: ui
	UPDATE_BINDINGS=1 $(CARGO) test --locked --lib bindings_are_up_to_date
	UPDATE_BINDINGS=1 $(CARGO) test --locked --no-default-features --lib sidecar_protocol_is_up_to_date

fmt:
	$(CARGO) fmt

lint: ui
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	cd app-ui && npm run lint

test-ui: app-ui/node_modules/.stamp
	cd app-ui && npm run lint && npm test

test-sidecar: sidecar
	cd sidecar && npm run typecheck && npm test

# The Agent Skills reference validator, which tests/it/skill_validate.rs runs beside ours.
# Optional: without Python or network the comparison test says it skipped.
SKILLS_REF_VENV := target/skills-ref-venv
skills-ref: $(SKILLS_REF_VENV)/bin/agentskills

$(SKILLS_REF_VENV)/bin/agentskills:
	@if command -v python3 >/dev/null && python3 -m venv $(SKILLS_REF_VENV) \
	    && $(SKILLS_REF_VENV)/bin/pip install -q skills-ref==0.1.1; then :; \
	else echo "skills-ref is not installed: the comparison with the reference validator will be skipped" >&2; fi

# The headless core must build and pass without any Tauri or WebKit crate.
test-core: skills-ref
	$(CARGO) fmt --check
	@if $(CARGO) tree --locked --no-default-features -e normal,build | grep -Eq '(tauri|wry|webkit2gtk|gtk)[ -]'; then \
	  echo "the core build pulls in desktop crates" >&2; exit 1; fi
	$(CARGO) nextest run --locked --no-default-features --profile ci
	@if bash scripts/can-mount.sh; then \
	  $(CARGO) nextest run --locked --no-default-features --profile ci --run-ignored only; \
	else echo "SKIPPED: the ignored tests need root and a tmpfs mount, which this machine does not allow"; fi

test-desktop: ui
	$(CARGO) build --locked
	$(CARGO) nextest run --locked --profile ci --lib
	$(CARGO) clippy --locked --all-targets -- -D warnings

test-e2e: ui e2e/node_modules/.stamp
	$(CARGO) build --locked
	bash e2e/run.sh

clean:
	$(CARGO) clean
	rm -rf app-ui/dist sidecar/dist sidecar/test-dist
