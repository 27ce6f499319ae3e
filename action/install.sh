#!/usr/bin/env bash
# Installs keyform on the runner: the Debian package attached to a release of the action's own
# repository (INPUT_VERSION: a tag, or "latest"), or, with INPUT_BUILD_FROM_SOURCE=true, a build of
# the action's own checkout (GITHUB_ACTION_PATH) with tests/bootstrap.sh, put on PATH.
# INPUT_VERSION=none installs nothing and uses the keyform already on PATH (a self-hosted runner).
#
# Inputs: INPUT_VERSION, INPUT_BUILD_FROM_SOURCE, KEYFORM_REPOSITORY (owner/name of the release),
# GITHUB_API_URL, GITHUB_TOKEN (optional for a public repository), GITHUB_PATH.
# KEYFORM_DEB_INSTALL: the command that installs the downloaded .deb (default: apt-get install
# through sudo when not root); tests replace it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=action/lib.sh
. "$here/lib.sh"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

from_source() {
  local build=${RUNNER_TEMP:-/tmp}/keyform-build
  echo "keyform action: building keyform from $here/.. into $build"
  as_root env KEYFORM_BUILD_DIR="$build" KEYFORM_BUILD_TARGETS="keyform keyform-sandbox" "$here/../tests/bootstrap.sh"
  printf '%s\n' "$build" >>"${GITHUB_PATH:?}"
  "$build/keyform" --version
}

# release_deb: downloads this machine's .deb of the release into the work directory; prints its
# path (so its errors go to stderr, where the runner reads workflow commands too).
release_deb() {
  local repo=${KEYFORM_REPOSITORY:-}
  # github.action_repository is empty inside some composite actions (a known runner bug); the
  # action's checkout is at .../_actions/OWNER/NAME/REF.
  if [ -z "$repo" ] && [[ ${GITHUB_ACTION_PATH:-} =~ /_actions/([^/]+)/([^/]+)/[^/]+/?$ ]]; then
    repo=${BASH_REMATCH[1]}/${BASH_REMATCH[2]}
  fi
  if [ -z "$repo" ]; then
    notice error "keyform action: no repository to download a release from (a local action?): use build-from-source: true" >&2
    exit 1
  fi
  local arch release asset
  arch=$(dpkg --print-architecture)
  if [ "$INPUT_VERSION" = latest ]; then release=latest; else release="tags/$INPUT_VERSION"; fi
  github_api GET "/repos/$repo/releases/$release"
  api_ok || { notice error "keyform action: release $INPUT_VERSION of $repo: HTTP $api_status" >&2; exit 1; }
  asset=$(python3 -c 'import json, re, sys
assets = json.load(open(sys.argv[1]))["assets"]
debs = [a for a in assets if re.fullmatch(r"keyform_[^_/]+_" + re.escape(sys.argv[2]) + r"\.deb", a["name"])]
print(debs[0]["url"], debs[0]["name"]) if debs else print("")' "$api_body" "$arch")
  [ -n "$asset" ] || { notice error "keyform action: release $INPUT_VERSION of $repo has no keyform_*_$arch.deb" >&2; exit 1; }
  local url=${asset% *} name=${asset#* } dir
  dir=$(work_dir)
  # The asset's API URL answers with a redirect to the file; curl does not carry the token to
  # that other host.
  printf 'Authorization: Bearer %s\n' "${GITHUB_TOKEN:-}" |
    curl --silent --show-error --fail --location --retry 3 --max-time 300 --header @- \
      --header 'Accept: application/octet-stream' --output "$dir/$name" "$url"
  printf '%s\n' "$dir/$name"
}

case "${INPUT_VERSION:-latest}" in
  none) keyform --version; exit 0 ;;
esac
if [ "${INPUT_BUILD_FROM_SOURCE:-false}" = true ]; then
  from_source
  exit 0
fi
INPUT_VERSION=${INPUT_VERSION:-latest}
deb=$(release_deb)
echo "keyform action: installing $(basename "$deb")"
if [ -n "${KEYFORM_DEB_INSTALL:-}" ]; then
  $KEYFORM_DEB_INSTALL "$deb"
else
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "$deb"
fi
keyform --version
