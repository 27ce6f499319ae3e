#!/usr/bin/env bash
# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build directory
# (build-asan/ unless KEYFORM_BUILD_DIR says otherwise), beside an optimised build/.
set -euo pipefail
cd "$(dirname "$0")/.."
KEYFORM_SANITIZE=1 KEYFORM_BUILD_DIR=${KEYFORM_BUILD_DIR:-build-asan} exec tests/run.sh
