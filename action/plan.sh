#!/usr/bin/env bash
# Plan mode: `keyform plan --format markdown --out plan.json --detailed-exitcode` in the working
# directory, then the comment body and job summary from its output. Exits 0 whatever keyform
# said, so that the comment and the artifact steps still run; the action's last step fails the job
# when exit-code is neither 0 nor 2.
#
# Inputs: INPUT_CONFIG, INPUT_WORKING_DIRECTORY, INPUT_PLAN_ARTIFACT, KEYFORM (the binary, default
# keyform on PATH), KEYFORM_WORK_DIR (default $RUNNER_TEMP/keyform).
# Outputs: exit-code, has-changes (true|false), plan-file (only when a plan was saved), comment-file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=action/lib.sh
. "$here/lib.sh"

out=$(work_dir)
out=$(cd "$out" && pwd)
config=${INPUT_CONFIG:-keyform.toml}
cd "${INPUT_WORKING_DIRECTORY:-.}"
# A plan file left by an earlier run must not be uploaded as this run's.
rm -f "$out/plan.json"

set +e
"${KEYFORM:-keyform}" plan -c "$config" --format markdown --out "$out/plan.json" --detailed-exitcode \
  >"$out/plan.md" 2>"$out/plan.err"
code=$?
set -e
cat "$out/plan.err" >&2   # notes and errors stay in the log too (keyform escapes them for a terminal)

output exit-code "$code"
output has-changes "$([ "$code" -eq 2 ] && echo true || echo false)"
if { [ "$code" -eq 0 ] || [ "$code" -eq 2 ]; } && [ -f "$out/plan.json" ]; then
  output plan-file "$out/plan.json"
fi

body() {  # body OUT [--full]: the comment, or with --full the unshortened job summary
  python3 "$here/plan_comment.py" --marker "$(comment_marker)" \
    --exit-code "$code" --plan-md "$out/plan.md" --stderr "$out/plan.err" --config "$config" \
    --artifact "${INPUT_PLAN_ARTIFACT:-}" --out "$@"
}
body "$out/comment.md"
output comment-file "$out/comment.md"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  body "$out/summary.md" --full
  cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
case $code in
  0) echo "keyform plan: no changes" ;;
  2) echo "keyform plan: changes (saved to $out/plan.json)" ;;
  *) notice error "keyform plan failed (exit $code): see the log above" ;;
esac
