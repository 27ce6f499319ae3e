#!/usr/bin/env bash
# keyform end to end without an Atlas account: install what is missing, build, then run the demo
# (keyform-sandbox with the example org; plan, apply, plan again, which must say "No changes").
set -euo pipefail
cd "$(dirname "$0")/.."
tests/bootstrap.sh
exec examples/run-demo.sh "${KEYFORM_BUILD_DIR:-build}"
