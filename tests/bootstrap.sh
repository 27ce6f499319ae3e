#!/usr/bin/env bash
# Installs the Debian packages keyform needs (only the missing ones) and builds it into build/.
# Shared by the README's two commands (examples/demo.sh, tests/run.sh) and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config libcurl4-openssl-dev libssl-dev libtomlplusplus-dev nlohmann-json3-dev
          libfmt-dev doctest-dev libcli11-dev libcpp-httplib-dev libgoogle-perftools-dev libsimdjson-dev python3 python3-jsonschema
          help2man man-db bash-completion dpkg-dev file git)  # man pages, completions, the .deb
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

build_dir=${KEYFORM_BUILD_DIR:-build}
# A unity build (eight files per translation unit) halves a from-scratch build on two cores: the
# heavy headers and their templates are compiled once per batch instead of once per file
# (keyform and keyform-sandbox under ASan: 3m18s instead of 5m26s). Editing one file recompiles its batch,
# so a hand-configured build/ for day-to-day work can leave it off.
unity=-DCMAKE_UNITY_BUILD=ON
if [ "${KEYFORM_SANITIZE:-0}" = 1 ]; then
  # ASan+UBSan. -O1 -g1 (line tables): what ASan recommends, and half the compile time of -O2 -g.
  # Debug, so assertions stay on.
  echo "==> building with ASan+UBSan into $build_dir"
  cmake -S . -B "$build_dir" -DKEYFORM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug '-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1' "$unity" \
    >/dev/null
else
  echo "==> building into $build_dir"
  cmake -S . -B "$build_dir" -DKEYFORM_SANITIZE=OFF -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo} "$unity" >/dev/null
fi
# KEYFORM_BUILD_TARGETS="keyform keyform-sandbox": only those (the GitHub Action's build from source
# needs no tests); default: everything.
targets=()
for t in ${KEYFORM_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j2 "${targets[@]}"
