#!/usr/bin/env bash
# `keyform --version` names the commit the binary was built from, and "dirty" when the tree had
# changes; packaging/git_version.cmake, which writes that into a header, follows commits and edits
# and says "unknown" outside a git checkout (a release tarball).
#   tests/install/version_test.sh KEYFORM_BIN SOURCE_DIR VERSION
set -uo pipefail
keyform=$1 source=$2 version=$3
source "$(dirname "$0")/lib.sh"
script=$source/packaging/git_version.cmake

out=$("$keyform" --version)
[[ $out =~ ^keyform\ $version\ \((commit [0-9a-f]{12}(, dirty)?|unknown\ commit)\)$ ]] || fail "--version printed '$out'"
if commit=$(git -C "$source" rev-parse --short=12 HEAD 2>/dev/null); then
  # The binary is from this checkout: its commit, unless a commit was made since the last build.
  [[ $out == *"commit $commit"* ]] || fail "--version '$out' does not name HEAD $commit (rebuild after a commit?)"
fi

# The header the build compiles in, written by the script for a scratch repository.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
header() { cmake -DSOURCE_DIR="$scratch/tree" -DOUTPUT="$scratch/h" -P "$script" && cat "$scratch/h"; }
mkdir "$scratch/tree"
grep -q 'KEYFORM_GIT_COMMIT ""' <<<"$(header)" || fail "outside git the commit is not empty: $(header)"

git -C "$scratch/tree" init -q
git -C "$scratch/tree" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m one
first=$(git -C "$scratch/tree" rev-parse --short=12 HEAD)
h=$(header)
grep -q "KEYFORM_GIT_COMMIT \"$first\"" <<<"$h" && grep -q 'KEYFORM_GIT_DIRTY 0' <<<"$h" || fail "clean tree: $h"

echo a >"$scratch/tree/file" && git -C "$scratch/tree" add file
grep -q 'KEYFORM_GIT_DIRTY 1' <<<"$(header)" || fail "a staged change is not dirty: $(header)"
git -C "$scratch/tree" -c user.name=t -c user.email=t@example.com commit -q -m two
echo b >"$scratch/tree/file"
grep -q 'KEYFORM_GIT_DIRTY 1' <<<"$(header)" || fail "an edited file is not dirty: $(header)"
git -C "$scratch/tree" checkout -q file
touch "$scratch/tree/untracked"
h=$(header)
second=$(git -C "$scratch/tree" rev-parse --short=12 HEAD)
grep -q "KEYFORM_GIT_COMMIT \"$second\"" <<<"$h" && grep -q 'KEYFORM_GIT_DIRTY 0' <<<"$h" ||
  fail "after a new commit (an untracked file aside): $h"

# An unchanged header is not rewritten, so a build with nothing new recompiles nothing.
before=$(stat -c %Y "$scratch/h"); sleep 1; header >/dev/null
[ "$(stat -c %Y "$scratch/h")" = "$before" ] || fail "the header was rewritten with the same text"
finish
