#!/usr/bin/env bash
# Fuzz the parsers of untrusted input with libFuzzer (Debian's clang), each for a bounded time:
#
#   fuzz/run.sh [SECONDS]        default 20 seconds per target
#
#   fuzz_config      keyform.toml text       -> parse_config
#   fuzz_responses   an Admin API body       -> parse_keys_page, parse_projects_page,
#                                               parse_key_response, parse_error_body, enveloped_status
#   fuzz_plan_file   a saved plan file       -> read_plan_file (+ write/read round trip)
#
# Builds into build-fuzz/ with -fsanitize=fuzzer,address,undefined, compiling only the pure sources
# the targets need. toml++ is Debian's shared library, as keyform links it: instrumented header-only
# toml++ 3.3 stops at once on its own known faults (an internal debug assertion on `[#]`, and
# upstream's issue 295: TOML_UNREACHABLE reached for non-ASCII characters after a bare key), which
# the release library answers with a clean parse error. Seeds come from
# tests/corpus/ and examples/; what the fuzzer learns stays in build-fuzz/corpus/<target>/ for the
# next run. A crash, sanitizer report or broken contract stops the run (exit 1) and leaves the
# input in build-fuzz/artifacts/; replay it with: build-fuzz/fuzz_<target> FILE
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: fuzz/run.sh [SECONDS]   (seconds per target, default 20)" >&2
  exit 2
fi

packages=(clang libclang-rt-dev libssl-dev libfmt-dev libtomlplusplus-dev nlohmann-json3-dev libsimdjson-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing packages and not root; run: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

out=build-fuzz
mkdir -p "$out/obj" "$out/artifacts"
cxx=(clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer -Isrc
     -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
     -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1 '-DKEYFORM_VERSION="fuzz"' -Wall -Wno-unused-parameter)
link=(-fsanitize=fuzzer,address,undefined)

declare -A sources=(
  [config]="fuzz/fuzz_config.cpp src/core/config.cpp src/core/config_reader.cpp src/core/service_account_config.cpp
            src/core/unicode.cpp src/core/cidr.cpp src/core/escape.cpp src/core/ids.cpp src/core/url.cpp
            src/core/roles.cpp"
  [responses]="fuzz/fuzz_responses.cpp src/api/responses.cpp src/api/response_json.cpp src/api/page_json.cpp src/core/escape.cpp
               src/core/cidr.cpp"
  [plan_file]="fuzz/fuzz_plan_file.cpp src/core/plan_file.cpp src/core/plan_json.cpp src/core/plan_json_writer.cpp
               src/core/json_writer.cpp src/core/json_fields.cpp src/core/plan.cpp src/core/action_kind.cpp
               src/core/guards.cpp src/core/cidr.cpp src/core/roles.cpp
               src/core/fingerprint.cpp src/core/ids.cpp src/core/url.cpp src/core/escape.cpp
               src/core/principal_json.cpp src/core/stale_plan.cpp"
)
declare -A libraries=([config]="-ltomlplusplus" [responses]="-lsimdjson" [plan_file]="-lcrypto")
declare -A seeds=(
  [config]="tests/corpus/config tests/corpus/config_live examples"
  [responses]="tests/corpus/responses tests/corpus/valid"
  [plan_file]="tests/corpus/planfiles tests/corpus/planfiles_live tests/corpus/valid"
)
targets=(config responses plan_file)

# Objects are rebuilt when their source, or any header in src/ or fuzz/, is newer.
# A change of compiler flags rebuilds everything.
newest_header=$(find src fuzz -name '*.h' -printf '%T@\n' | sort -n | tail -1)
if [ "$(cat "$out/flags" 2>/dev/null)" != "${cxx[*]}" ]; then rm -f "$out"/obj/*.o; fi
echo "${cxx[*]}" >"$out/flags"
object_of() { echo "$out/obj/$(echo "$1" | tr / _).o"; }
stale=()
for t in "${targets[@]}"; do
  for s in ${sources[$t]}; do
    o=$(object_of "$s")
    if [ ! -f "$o" ] || [ "$s" -nt "$o" ] ||
       awk -v h="$newest_header" -v o="$(stat -c %Y "$o")" 'BEGIN { exit !(h > o) }'; then
      stale+=("$s")
    fi
  done
done
if ((${#stale[@]})); then
  echo "==> compiling ${#stale[@]} sources into $out/ (clang, ASan+UBSan, libFuzzer)"
  running=0
  for s in $(printf '%s\n' "${stale[@]}" | sort -u); do
    if ((running == 2)); then wait -n; running=1; fi  # two compilers at a time
    "${cxx[@]}" -c "$s" -o "$(object_of "$s")" &
    running=$((running + 1))
  done
  while ((running > 0)); do wait -n; running=$((running - 1)); done
fi
for t in "${targets[@]}"; do
  objects=()
  for s in ${sources[$t]}; do objects+=("$(object_of "$s")"); done
  # shellcheck disable=SC2086
  clang++ "${link[@]}" -o "$out/fuzz_$t" "${objects[@]}" ${libraries[$t]}
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus/$t"
  log="$out/fuzz_$t.log"
  echo "==> fuzz_$t for ${seconds}s (log: $log)"
  # shellcheck disable=SC2086
  if "$out/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -dict="fuzz/$t.dict" -artifact_prefix="$out/artifacts/$t-" \
       "$out/corpus/$t" ${seeds[$t]} >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "    ok: $runs executions, $cov, corpus $(find "$out/corpus/$t" -type f | wc -l) files"
  else
    status=1
    echo "    FAILED: fuzz_$t found a problem; the input is in $out/artifacts/ (full report: $log):"
    grep -E '^fuzz_|ERROR|SUMMARY|Assertion|terminate|artifact' "$log" | head -20 || tail -30 "$log"
  fi
done
exit $status
