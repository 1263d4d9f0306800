#!/usr/bin/env bash
# Runs the benchmarks (release build; the first build compiles SurrealDB optimised, about 20
# minutes on 2 cores, later ones a few minutes):
#   scripts/bench.sh              both
#   scripts/bench.sh evidence     the evidence library: 100,000 findings (GW_BENCH_ROWS, GW_BENCH_DB)
#   scripts/bench.sh drafting     the draft workspace: 500 blocks (GW_BENCH_BLOCKS)
#   scripts/bench.sh publishing   publishing 500 blocks three times, comparing versions, then reading the
#                                 stored page, and wrk against it and against nginx (GW_BENCH_BLOCKS, GW_BENCH_DB)
#   scripts/bench.sh votes        2,000 members casting and changing votes on surrealkv (GW_BENCH_MEMBERS, GW_BENCH_CLIENTS)
#   scripts/bench.sh first-load   what a first visit downloads and the time to interactive on a
#                                 slow connection, in Chromium, against the release site
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# SurrealDB answers expected outcomes (a record already there, on every changed vote) with
# error values that capture a stack trace whenever RUST_BACKTRACE is set: 8 % of a vote's time
# under load. A panic still prints its trace (RUST_BACKTRACE); such errors do not.
export RUST_LIB_BACKTRACE="${RUST_LIB_BACKTRACE:-0}"
cd "$GW_ROOT"
first_load() {
  setup_build
  setup_release
  setup_browser
  cargo leptos build --release --precompress
  local log address server
  log="$(mktemp)"
  GROUNDWORK_DB="mem://" GROUNDWORK_DEMO=true GROUNDWORK_ADDRESS=127.0.0.1:0 \
    GROUNDWORK_SITE_ROOT="$GW_ROOT/target/site" NO_COLOR=1 \
    "$CARGO_TARGET_DIR/release/groundwork" serve >"$log" 2>&1 &
  server=$!
  address=""
  for _ in $(seq 1 240); do
    address="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$log" | head -n 1 || true)"
    [ -n "$address" ] && break
    sleep 0.5
  done
  (cd end2end && node first-load.mjs "$address") || { kill "$server"; cat "$log"; return 1; }
  kill "$server"
  rm -f "$log"
}

for bench in "${@:-evidence drafting publishing votes first-load}"; do
  for name in $bench; do
    say "benchmark: $name"
    # The published page is measured against nginx serving the same bytes, with wrk.
    if [ "$name" = publishing ] && ! { command -v wrk && [ -x /usr/sbin/nginx ]; } >/dev/null; then
      apt_install nginx-light wrk || apt_install nginx wrk
    fi
    if [ "$name" = first-load ]; then first_load; else cargo bench --bench "$name"; fi
  done
done
