#!/usr/bin/env bash
# The end-to-end tests in Chromium against the site `cargo leptos build` made (scripts/test.sh
# builds it first and then calls this). Each run starts a fresh server on an in-memory database
# with the demo data, so runs do not see each other's changes:
#   scripts/e2e.sh             one run
#   scripts/e2e.sh --runs 10   ten in a row, stopping at the first failure (a flakiness check)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$GW_ROOT"

runs=1
setup_browser
if [ ! -x "$CARGO_TARGET_DIR/debug/groundwork" ] || [ ! -d "$GW_ROOT/target/site/pkg" ]; then
  echo "build the site first: cargo leptos build (scripts/test.sh does)" >&2
  exit 1
fi
if [ "${1:-}" = "--runs" ]; then runs="${2:?--runs needs a number}"; fi

# The server's log is kept beside the test results (Playwright empties that folder when it
# starts, so the log is written elsewhere and copied there at exit). Every request runs in a
# span naming its method and URI, so an error logged while answering it, and a 5xx, say which
# request it was; the requests themselves are not logged. NO_COLOR: a file, not a terminal.
# Each run's log is written to `target/e2e-logs/run-N.log` as it goes, so it survives a run
# that is stopped or killed; the failing run's log is also copied beside the test results.
results="$GW_ROOT/end2end/test-results"
logs="$GW_ROOT/target/e2e-logs"
mkdir -p "$logs"
rm -f "$logs"/run-*.log
report="$(mktemp)"
server=""
log=""
keep_log() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  if [ -n "$log" ]; then mkdir -p "$results" && cp "$log" "$results/server.log" 2>/dev/null || true; fi
  rm -f "$report"
}
trap keep_log EXIT
trap 'exit 143' TERM INT

for run in $(seq 1 "$runs"); do
  run_started=$(date +%s)
  log="$logs/run-$run.log"
  GROUNDWORK_DB="mem://" GROUNDWORK_DEMO=true GROUNDWORK_ADDRESS=127.0.0.1:0 \
    GROUNDWORK_SITE_ROOT="$GW_ROOT/target/site" \
    RUST_LOG="groundwork=info,surrealdb=warn,tower_http=warn,tower_http::trace::make_span=debug" NO_COLOR=1 \
    "$CARGO_TARGET_DIR/debug/groundwork" serve >"$log" 2>&1 &
  server=$!
  address=""
  for _ in $(seq 1 120); do
    address=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$log" | head -n 1 || true)
    [ -n "$address" ] && break
    if ! kill -0 "$server" 2>/dev/null; then cat "$log" >&2; exit 1; fi
    sleep 0.5
  done
  if [ -z "$address" ]; then echo "the server did not start:" >&2; cat "$log" >&2; exit 1; fi
  # Playwright's report is kept too: after a failure the server's log is printed, and then
  # the report's summary again, so which tests failed is in the last lines (all CI keeps).
  if ! (cd end2end && GROUNDWORK_URL="$address" npx playwright test 2>&1 | tee "$report"); then
    echo "the end-to-end tests failed (run $run of $runs); the server's log (kept in end2end/test-results/server.log and $log) ends:" >&2
    tail -n 300 "$log" >&2
    echo "the end of Playwright's report (run $run of $runs), again:" >&2
    tail -n 25 "$report" >&2
    exit 1
  fi
  # A panic on the server fails the run even when no page showed it: one in a task the page
  # does not wait for (an effect) leaves only this trace in the log.
  if grep -E ' ERROR .*(panic|panicked)' "$log" >&2; then
    echo "the server panicked during run $run of $runs (the lines above; the whole log is kept in end2end/test-results/server.log)" >&2
    exit 1
  fi
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
  if [ "$runs" -gt 1 ]; then say "end-to-end run $run of $runs passed in $(( $(date +%s) - run_started ))s"; fi
done
