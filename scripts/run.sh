#!/usr/bin/env bash
# Sets up, builds and runs Groundwork with an embedded database (./data), with demo data on
# first start of a debug build (see below). Prints the address. `--release` serves an
# optimised build (slower to build: about 20 minutes cold, but much faster pages and a
# smaller download).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$GW_ROOT"

profile=debug
flag=()
# Release builds also write brotli and gzip copies of the bundle, which the server sends
# instead of compressing on every request.
if [ "${1:-}" = "--release" ]; then profile=release; flag=(--release --precompress); fi

setup_build
if [ "$profile" = release ]; then setup_release; fi

say "building Groundwork ($profile)"
cargo leptos build "${flag[@]}"

# Demo data only for a local debug build on the embedded default database, unless asked for
# (demo_wanted in setup.sh says why). Otherwise the setting is left alone, so Leptos.toml's
# [demo] load_on_first_start still counts as asking.
if [ "$(demo_wanted "$profile")" = true ]; then export GROUNDWORK_DEMO=true; fi
export GROUNDWORK_SITE_ROOT="${GROUNDWORK_SITE_ROOT:-$GW_ROOT/target/site}"
say "starting Groundwork (Ctrl-C stops it)"
# SurrealDB answers expected outcomes (a record already there, on every changed vote) with
# error values that capture a stack trace whenever RUST_BACKTRACE is set: 8 % of a vote's time
# under load. A panic still prints its trace (RUST_BACKTRACE); such errors do not.
export RUST_LIB_BACKTRACE="${RUST_LIB_BACKTRACE:-0}"
exec "$CARGO_TARGET_DIR/$profile/groundwork" serve
