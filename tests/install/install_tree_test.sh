#!/usr/bin/env bash
# `cmake --install BUILD --prefix P` puts each file where the README's Install section says, and
# nothing of the tests, benchmarks or fuzz targets.
#   tests/install/install_tree_test.sh BUILD_DIR
set -uo pipefail
build=$1
source "$(dirname "$0")/lib.sh"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install failed"

for file in bin/keyform bin/keyform-sandbox share/man/man1/keyform.1.gz share/man/man5/keyform.toml.5.gz \
            share/bash-completion/completions/keyform share/zsh/vendor-completions/_keyform \
            share/fish/vendor_completions.d/keyform.fish share/keyform/schemas/keyform.schema.json \
            share/keyform/schemas/plan.schema.json share/keyform/schemas/show.schema.json \
            share/doc/keyform/copyright share/doc/keyform/examples/keyform.toml \
            share/doc/keyform/examples/sandbox-org.json; do
  [ -f "$prefix/$file" ] || fail "not installed: $file"
done
[ -x "$prefix/bin/keyform" ] || fail "bin/keyform is not executable"
unwanted=$(find "$prefix" -name '*test*' -o -name 'fuzz_*' -o -name '*bench*' -o -name '*.cpp' -o -name '*.sh')
[ -z "$unwanted" ] || fail "installed but should not be: $unwanted"
[ "$(man -M "$prefix/share/man" -w keyform)" = "$prefix/share/man/man1/keyform.1.gz" ] || fail "man -w keyform"
"$prefix/bin/keyform" --version | grep -q '^keyform ' || fail "the installed keyform --version"
finish
