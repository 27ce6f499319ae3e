#!/usr/bin/env bash
# Installs the Debian packages keyform needs (only the missing ones) and builds it into build/.
# Shared by the README's two commands (examples/demo.sh, tests/run.sh) and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config libcurl4-openssl-dev libssl-dev libtomlplusplus-dev nlohmann-json3-dev
          libfmt-dev doctest-dev libcli11-dev libcpp-httplib-dev python3 python3-jsonschema)
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
echo "==> building into $build_dir"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo} >/dev/null
cmake --build "$build_dir" -j2
