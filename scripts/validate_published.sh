#!/usr/bin/env bash
# Sets up the real parsers and the HTML validator the published formats are checked with
# (see setup_validators in setup.sh), then runs the integration test that starts the app and
# hands them its answers. scripts/test.sh runs the same test with everything else.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$GW_ROOT"
setup_browser
setup_validators
cargo test --test integration real_parsers_read_what_is_published -- --nocapture
