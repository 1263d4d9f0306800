#!/usr/bin/env bash
# Makes a virtual environment with the real parsers the published formats are checked with
# (bibtexparser, rispy, feedparser, openapi-spec-validator; from PyPI), then runs the
# integration test that starts the app and hands them its answers.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${GROUNDWORK_VENV:-$HOME/.cache/groundwork/validators}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'bibtexparser>=2,<3' 'rispy>=0.10' 'feedparser>=6' \
    'openapi-spec-validator>=0.7'
fi
GROUNDWORK_PYTHON="$venv/bin/python" cargo test --test integration real_parsers_read_what_is_published -- --nocapture
