#!/usr/bin/env bash
# The whole test suite from a fresh clone: install what is missing, build, run ctest (unit tests,
# end-to-end tests against keyform-sandbox, schema checks, the demo, a benchmark smoke run).
#
#   tests/run.sh                       the optimised build in build/
#   KEYFORM_SANITIZE=1 tests/run.sh    the same suite under ASan+UBSan (what CI runs; see .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
tests/bootstrap.sh
if [ "${KEYFORM_SANITIZE:-0}" = 1 ]; then
  # Any report fails the run: leaks at exit, UB at the first occurrence, with a stack trace. The
  # end-to-end tests run keyform and keyform-sandbox as child processes, which inherit these, and a
  # report in a child surfaces as a failed test (the harness captures the child's stderr).
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
fi
# -j4 on two cores: the end-to-end suites mostly wait on loopback HTTP, not on the CPU.
ctest --test-dir "${KEYFORM_BUILD_DIR:-build}" --output-on-failure -j4
