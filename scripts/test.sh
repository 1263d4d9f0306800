#!/usr/bin/env bash
# Sets up what is missing, then runs every check and test Groundwork has:
# formatting, clippy (server and WASM), the WASM dependency check, unit and integration
# tests, and the end-to-end tests in Chromium (JavaScript off and on, axe-core).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$GW_ROOT"

started=$(date +%s)
step() { say "$* (at $(( $(date +%s) - started ))s)"; }

setup_build
setup_browser

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy: server and tests"
cargo clippy --all-targets -- -D warnings

step "clippy: browser (WASM)"
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

step "the WASM bundle must not contain server crates"
forbidden=$(cargo tree --target wasm32-unknown-unknown --no-default-features --features hydrate -e normal --prefix none \
  | awk '{print $1}' | grep -xE 'surrealdb|surrealdb-core|tokio|axum|comrak|argon2' | sort -u || true)
if [ -n "$forbidden" ]; then
  echo "server-only crates in the WASM dependency tree: $forbidden" >&2
  exit 1
fi

step "unit and integration tests"
cargo test

step "building the site for the end-to-end tests"
cargo leptos build

step "end-to-end tests in Chromium"
# The server's log is kept beside the test results (Playwright empties that folder when it
# starts, so the log is written elsewhere and copied there at exit). Every request runs in a
# span naming its method and URI, so an error logged while answering it, and a 5xx, say which
# request it was; the requests themselves are not logged. NO_COLOR: a file, not a terminal.
results="$GW_ROOT/end2end/test-results"
log="$(mktemp)"
GROUNDWORK_DB="mem://" GROUNDWORK_DEMO=true GROUNDWORK_ADDRESS=127.0.0.1:0 \
  GROUNDWORK_SITE_ROOT="$GW_ROOT/target/site" \
  RUST_LOG="groundwork=info,surrealdb=warn,tower_http=warn,tower_http::trace::make_span=debug" NO_COLOR=1 \
  "$CARGO_TARGET_DIR/debug/groundwork" serve >"$log" 2>&1 &
server=$!
keep_log() {
  kill $server 2>/dev/null || true
  mkdir -p "$results" && cp "$log" "$results/server.log" 2>/dev/null || true
  rm -f "$log"
}
trap keep_log EXIT
address=""
for _ in $(seq 1 120); do
  address=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$log" | head -n 1 || true)
  [ -n "$address" ] && break
  if ! kill -0 $server 2>/dev/null; then cat "$log" >&2; exit 1; fi
  sleep 0.5
done
if [ -z "$address" ]; then echo "the server did not start:" >&2; cat "$log" >&2; exit 1; fi
if ! (cd end2end && GROUNDWORK_URL="$address" npx playwright test); then
  echo "the end-to-end tests failed; the server's log (kept in end2end/test-results/server.log) ends:" >&2
  tail -n 300 "$log" >&2
  exit 1
fi

step "all checks passed in $(( $(date +%s) - started ))s"
