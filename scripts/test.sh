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
setup_validators

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy: server and tests"
cargo clippy --all-targets -- -D warnings

step "clippy: browser (WASM)"
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

step "the WASM bundle must not contain server crates"
forbidden=$(cargo tree --target wasm32-unknown-unknown --no-default-features --features hydrate -e normal --prefix none \
  | awk '{print $1}' | grep -xE 'surrealdb|surrealdb-core|tokio|axum|comrak|argon2|mimalloc' | sort -u || true)
if [ -n "$forbidden" ]; then
  echo "server-only crates in the WASM dependency tree: $forbidden" >&2
  exit 1
fi

step "unit and integration tests"
cargo test

step "building the site for the end-to-end tests"
cargo leptos build

step "end-to-end tests in Chromium"
scripts/e2e.sh

step "all checks passed in $(( $(date +%s) - started ))s"
