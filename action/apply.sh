#!/usr/bin/env bash
# Apply mode: `keyform apply PLANFILE --auto-approve` in the working directory, with the plan
# downloaded from the artifact. keyform refuses, changing nothing, a plan that was edited, is for
# another org than the config, or is stale (the org changed since it was reviewed).
#
# The config (INPUT_CONFIG) is read only to check the plan's target against it: a plan for another
# org or host than the repository's keyform.toml is refused before any request.
#
# Inputs: PLAN_FILE, INPUT_CONFIG, INPUT_WORKING_DIRECTORY, INPUT_SECRETS_COMMAND (where the private key of a
# key the plan creates goes: keyform's --secrets-command), KEYFORM. Output: exit-code.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=action/lib.sh
. "$here/lib.sh"

[ -f "${PLAN_FILE:?}" ] || { notice error "keyform action: no saved plan at $PLAN_FILE"; exit 1; }
plan=$(cd "$(dirname "$PLAN_FILE")" && pwd)/$(basename "$PLAN_FILE")   # absolute: we change directory
cd "${INPUT_WORKING_DIRECTORY:-.}"
args=(apply "$plan" -c "${INPUT_CONFIG:-keyform.toml}" --auto-approve)
[ -n "${INPUT_SECRETS_COMMAND:-}" ] && args+=(--secrets-command "$INPUT_SECRETS_COMMAND")
set +e
"${KEYFORM:-keyform}" "${args[@]}"
code=$?
set -e
output exit-code "$code"
[ "$code" -eq 0 ] || notice error "keyform apply failed (exit $code): see the log above"
