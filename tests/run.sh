#!/usr/bin/env bash
# The whole test suite from a fresh clone: install what is missing, build, run ctest
# (unit tests, end-to-end tests against keyform-sandbox, schema checks).
set -euo pipefail
cd "$(dirname "$0")/.."
tests/bootstrap.sh
# -j4 on two cores: the end-to-end suites mostly wait on loopback HTTP, not on the CPU.
ctest --test-dir "${KEYFORM_BUILD_DIR:-build}" --output-on-failure -j4
