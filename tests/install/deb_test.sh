#!/usr/bin/env bash
# The Debian package on this machine, as a user gets it: build keyform_<version>_<arch>.deb, install
# it with apt-get, use the installed files from a directory outside the source tree (--version,
# man -w, a plan against the installed keyform-sandbox with the installed example), then remove it.
#
#   tests/install/deb_test.sh        (as root; .ci/run runs it. Exit 77 = skipped)
#
# The package is built from a Release build of only keyform, keyform-sandbox and the man pages in
# build-deb/ (KEYFORM_DEB_BUILD_DIR): the suite's build is the sanitized one, and a package of ASan
# binaries would be wrong. Unity-built, it costs about 2-3 minutes of two cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
source=$PWD
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: deb_test.sh installs a package with apt-get and needs root" >&2
  exit 77
fi
if dpkg-query -W -f='${Status}' keyform 2>/dev/null | grep -q "install ok installed"; then
  if [ "${CI:-}" != true ]; then
    echo "SKIP: a keyform package is already installed here; this test would replace and remove it" >&2
    exit 77
  fi
  # On CI's machine only a run of this test that was cut short installs one.
  apt-get remove -y -qq --purge keyform >/dev/null
fi
build=${KEYFORM_DEB_BUILD_DIR:-build-deb}

echo "==> Release build of keyform and keyform-sandbox into $build"
# KEYFORM_DEB_RELEASE_FLAGS: CI's run builds at -O1 (.ci/run): what is tested is the packaging, and
# -O3 costs CI about a minute of two cores; a package for users keeps CMake's Release flags.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DKEYFORM_SANITIZE=OFF -DCMAKE_UNITY_BUILD=ON \
  "-DCMAKE_CXX_FLAGS_RELEASE=${KEYFORM_DEB_RELEASE_FLAGS:--O3 -DNDEBUG}" -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/dev/null
cmake --build "$build" -j2 --target keyform keyform-sandbox keyform-man
rm -f "$build"/keyform_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/keyform_*_"$(dpkg --print-architecture)".deb)
echo "==> $deb"
dpkg-deb --field "$deb" Package Version Architecture Maintainer Section Priority Homepage Depends

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
depends=$(dpkg-deb --field "$deb" Depends)
# dpkg-shlibdeps' versioned libraries, not a hand-written list.
[[ $depends == *libcurl* && $depends == *"libc6 (>="* ]] || fail "Depends lacks what dpkg-shlibdeps finds: $depends"
[[ $(dpkg-deb --field "$deb" Maintainer) == *@* ]] || fail "no maintainer address"
contents=$(dpkg-deb --contents "$deb")
for unwanted in keyform-unit-tests keyform-e2e-tests fuzz_ bench; do
  grep -q "$unwanted" <<<"$contents" && fail "the package contains $unwanted"
done

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$PWD/$deb" >/dev/null
trap 'apt-get remove -y -qq --purge keyform >/dev/null' EXIT

# Outside the source tree, with the installed files only.
scratch=$(mktemp -d)
cd "$scratch"
installed=/usr/bin/keyform
[ "$(command -v keyform)" = "$installed" ] || fail "keyform on PATH is $(command -v keyform), not $installed"
version=$(keyform --version)
echo "==> $version"
[[ $version =~ ^keyform\ [0-9.]+\ \(commit\ [0-9a-f]{12}(,\ dirty)?\)$ ]] || fail "--version: $version"
[[ $version == *"$(git -C "$source" rev-parse --short=12 HEAD)"* ]] || fail "--version does not name HEAD: $version"
[ "$(man -w keyform)" = /usr/share/man/man1/keyform.1.gz ] || fail "man -w keyform: $(man -w keyform 2>&1)"
[ "$(man -w 5 keyform.toml)" = /usr/share/man/man5/keyform.toml.5.gz ] || fail "man -w 5 keyform.toml"
for file in /usr/share/bash-completion/completions/keyform /usr/share/zsh/vendor-completions/_keyform \
            /usr/share/fish/vendor_completions.d/keyform.fish /usr/share/keyform/schemas/keyform.schema.json \
            /usr/share/doc/keyform/copyright; do
  [ -f "$file" ] || fail "not installed: $file"
done

examples=/usr/share/doc/keyform/examples
keyform-sandbox --fixture "$examples/sandbox-org.json" --port 0 --port-file port >sandbox.log 2>&1 &
sandbox=$!
trap 'kill "$sandbox" 2>/dev/null; wait "$sandbox" 2>/dev/null; apt-get remove -y -qq --purge keyform >/dev/null' EXIT
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || { cat sandbox.log >&2; fail "the installed keyform-sandbox did not start"; }
status=0
MONGODB_ATLAS_BASE_URL=http://127.0.0.1:$(cat port) MONGODB_ATLAS_PUBLIC_API_KEY=kfadmin1 \
  MONGODB_ATLAS_PRIVATE_API_KEY=9f1c2a6e-3b7d-4e21-8a55-0c6b9d2f1e01 \
  keyform plan -c "$examples/keyform.toml" --detailed-exitcode >plan.txt 2>&1 || status=$?
cat plan.txt
[ "$status" -eq 2 ] && grep -q '^Plan: ' plan.txt || fail "plan with the installed example: exit $status"

kill "$sandbox"; wait "$sandbox" 2>/dev/null || true
trap - EXIT
apt-get remove -y -qq --purge keyform >/dev/null
[ ! -e "$installed" ] || fail "$installed is still there after apt-get remove"
cd / && rm -rf "$scratch"
if ((failures)); then echo "$failures check(s) failed" >&2; exit 1; fi
echo "PASS: the .deb installs, works outside the source tree and removes cleanly"
