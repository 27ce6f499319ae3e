#!/usr/bin/env bash
# The unit and end-to-end suites under AddressSanitizer + UndefinedBehaviorSanitizer, in a second
# build directory (build-asan/ unless KEYFORM_ASAN_BUILD_DIR says otherwise). Run by .ci/run after
# tests/run.sh, which has installed the packages.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${KEYFORM_ASAN_BUILD_DIR:-build-asan}
echo "==> building with ASan+UBSan into $build_dir"
# -O1 -g1 (line tables): what ASan recommends, and half the compile time of -O2 -g. Debug, so
# assertions stay on.
cmake -S . -B "$build_dir" -DKEYFORM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug '-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1' >/dev/null
cmake --build "$build_dir" -j2 --target keyform keyform-sandbox keyform-unit-tests keyform-e2e-tests

# Any report fails the run: leaks at exit, UB at the first occurrence, with a stack trace. The
# end-to-end tests run keyform and keyform-sandbox as child processes, which inherit these.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# The unit suite and each end-to-end suite once (not the --parallelism variants, the schema check,
# the demo or the benchmark), side by side as in tests/run.sh.
echo "==> unit and end-to-end suites (ASan+UBSan)"
ctest --test-dir "$build_dir" --output-on-failure -j4 -E 'parallelism|schemas|demo|bench'
# A sanitizer report in a child process (keyform, keyform-sandbox) surfaces as a failed test above;
# its report went to the child's stderr, which the e2e harness captures.
