#!/usr/bin/env bash
# First step of the action: refuse inputs it does not understand (before anything is installed or
# any call is made), and mask every credential so that no later log line can show it.
set -euo pipefail
# shellcheck source=action/lib.sh
. "$(dirname "$0")/lib.sh"

check() {  # check INPUT VALUE ALLOWED...: VALUE must be one of ALLOWED
  local input=$1 value=$2
  shift 2
  local allowed
  for allowed in "$@"; do [ "$value" = "$allowed" ] && return 0; done
  notice error "keyform action: input $input is \"$value\"; expected one of: $*"
  exit 1
}
check mode "${INPUT_MODE:-}" plan apply
check comment "${INPUT_COMMENT:-true}" true false
check build-from-source "${INPUT_BUILD_FROM_SOURCE:-false}" true false
if [ -n "${INPUT_PLAN_FROM:-}" ] && [[ ! $INPUT_PLAN_FROM =~ ^(this-run|pull-request|[0-9]+)$ ]]; then
  notice error "keyform action: input plan-from is \"$INPUT_PLAN_FROM\"; expected this-run, pull-request or a run id"
  exit 1
fi
if [[ ! ${INPUT_COMMENT_TAG:-} =~ ^[A-Za-z0-9._/-]*$ ]]; then
  notice error "keyform action: input comment-tag may hold only letters, digits, '.', '_', '/' and '-'"
  exit 1
fi

# Secrets passed from `secrets.` are masked already; a value from elsewhere (vars, another step's
# output) is not. One mask per line: the runner masks lines, and a multi-line value would leave
# its later lines visible otherwise.
mask() {
  local line
  while IFS= read -r line; do
    [ -n "$line" ] && printf '::add-mask::%s\n' "$line"
  done <<<"$1"
}
# Public keys and client ids are not secret: plans and warnings name them, and masking them would
# hide which key a plan line is about.
for secret in "${MONGODB_ATLAS_PRIVATE_API_KEY:-}" "${MONGODB_ATLAS_CLIENT_SECRET:-}" "${GITHUB_TOKEN:-}"; do
  [ -n "$secret" ] && mask "$secret"
done
if [ -z "${MONGODB_ATLAS_PRIVATE_API_KEY:-}${MONGODB_ATLAS_CLIENT_SECRET:-}" ]; then
  notice error "keyform action: no credentials: set public-key and private-key, or client-id and client-secret (from secrets)"
  exit 1
fi
