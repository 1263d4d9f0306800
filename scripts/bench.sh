#!/usr/bin/env bash
# Runs the benchmarks (release build; the first build compiles SurrealDB optimised, about 20
# minutes on 2 cores, later ones a few minutes):
#   scripts/bench.sh              both
#   scripts/bench.sh evidence     the evidence library: 100,000 findings (GW_BENCH_ROWS, GW_BENCH_DB)
#   scripts/bench.sh drafting     the draft workspace: 500 blocks (GW_BENCH_BLOCKS)
#   scripts/bench.sh publishing   publishing 500 blocks, then reading the stored page (GW_BENCH_BLOCKS, GW_BENCH_DB)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$GW_ROOT"
for bench in "${@:-evidence drafting publishing}"; do
  for name in $bench; do
    say "benchmark: $name"
    cargo bench --bench "$name"
  done
done
