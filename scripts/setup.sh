#!/usr/bin/env bash
# Installs what building and testing Groundwork needs, idempotently: each step checks first
# and skips what is already there. Sourced by run.sh and test.sh; usable alone:
#   scripts/setup.sh [build] [release] [browser] [validators]
set -euo pipefail

GW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GW_CACHE="${GW_CACHE:-$HOME/.cache/groundwork}"
# Builds live outside the clone so a fresh checkout (and CI) reuses earlier work when present.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$GW_CACHE/target}"
export PATH="$GW_CACHE/tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Whether `run.sh` loads the demo data (prints true or false; run.sh exports it as
# GROUNDWORK_DEMO). Demo accounts sign in with a published password, so they are loaded only
# for a local debug build on the embedded default database, or when asked for
# (GROUNDWORK_DEMO set either way). A release build, or any database named in GROUNDWORK_DB
# (ws://, or even an embedded one), never turns them on by itself.
demo_wanted() {
  local profile="$1"
  if [ -n "${GROUNDWORK_DEMO:-}" ]; then
    echo "$GROUNDWORK_DEMO"
  elif [ "$profile" = debug ] && [ -z "${GROUNDWORK_DB:-}" ]; then
    echo true
  else
    echo false
  fi
}

setup_build() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "adding rustup component $component"
      rustup component add "$component"
    fi
  done
  if ! cargo leptos --version 2>/dev/null | grep -q ' 0\.3\.10$'; then
    say "installing cargo-leptos 0.3.10 (about 13 minutes, once)"
    cargo install --locked cargo-leptos --version 0.3.10
  fi
  # wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly. Installed without
  # --locked: its own lockfile names a crate version the registry lacks.
  local wbg
  wbg="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$GW_ROOT/Cargo.lock")"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
    say "installing wasm-bindgen-cli $wbg (about 2 minutes, once)"
    cargo install wasm-bindgen-cli --version "=$wbg"
  fi
}

setup_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing Node.js and npm"
    apt_install nodejs npm
  fi
}

# Release builds run wasm-opt. Debian's binaryen 108 produces a WASM that silently fails to
# hydrate, so it comes from npm (132), into our own tools folder.
setup_release() {
  setup_node
  if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
    say "installing wasm-opt (binaryen 132 from npm)"
    mkdir -p "$GW_CACHE/tools"
    npm install --prefix "$GW_CACHE/tools" --no-audit --no-fund --silent binaryen@132.0.0
  fi
}

setup_browser() {
  setup_node
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's Chromium (the end-to-end tests never download a browser)"
    apt_install chromium fonts-dejavu-core
  fi
  local e2e="$GW_ROOT/end2end"
  local stamp="$e2e/node_modules/.groundwork-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$e2e/package-lock.json" "$stamp"; then
    say "installing the end-to-end test packages"
    # No install scripts: none is needed, and vnu-jar's would fetch a Java from GitHub when
    # the machine has none yet (setup_validators installs Debian's).
    (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent --ignore-scripts)
    cp "$e2e/package-lock.json" "$stamp"
  fi
}

# What the published formats are checked with (the integration test
# `published::real_parsers_read_what_is_published`): Debian's Java for the HTML validator
# (vnu-jar, an end-to-end package, so setup_browser comes first), and a virtual environment
# with the Python parsers from PyPI. Exports GROUNDWORK_PYTHON and GROUNDWORK_VNU for it.
setup_validators() {
  if ! command -v java >/dev/null; then
    say "installing Debian's Java (for the HTML validator)"
    apt_install default-jre-headless
  fi
  local venv="$GW_CACHE/validators"
  local wanted="bibtexparser>=2,<3 rispy>=0.10 feedparser>=6 openapi-spec-validator>=0.7"
  if [ ! -f "$venv/.groundwork-wanted" ] || [ "$(cat "$venv/.groundwork-wanted")" != "$wanted" ]; then
    say "installing the Python parsers the published formats are checked with"
    if ! python3 -m venv "$venv" 2>/dev/null; then
      apt_install python3-venv
      python3 -m venv "$venv"
    fi
    # shellcheck disable=SC2086
    "$venv/bin/pip" install --quiet $wanted
    echo "$wanted" > "$venv/.groundwork-wanted"
  fi
  export GROUNDWORK_PYTHON="$venv/bin/python"
  export GROUNDWORK_VNU="$GW_ROOT/end2end/node_modules/vnu-jar/build/dist/vnu.jar"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  for what in "${@:-build}"; do
    case "$what" in
      build) setup_build ;;
      release) setup_build; setup_release ;;
      browser) setup_browser ;;
      validators) setup_browser; setup_validators ;;
      *) echo "usage: scripts/setup.sh [build] [release] [browser] [validators]" >&2; exit 2 ;;
    esac
  done
fi
