#!/usr/bin/env bash
# Apply mode with plan-from: pull-request. Finds the workflow run whose saved plan was reviewed:
# the pull request that GITHUB_SHA (the merge, squash or rebase commit on the base branch) came
# from, then the latest successful pull_request run at that pull request's head commit that
# holds the plan artifact (only runs of INPUT_PLAN_WORKFLOW when given, e.g.
# plan-on-pull-request.yml). No such run is an error: keyform applies only reviewed plans.
#
# Inputs: GITHUB_SHA, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_TOKEN (actions: read,
# pull-requests: read), INPUT_PLAN_ARTIFACT, INPUT_PLAN_WORKFLOW. Output: run-id.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=action/lib.sh
. "$here/lib.sh"

repo=${GITHUB_REPOSITORY:?}
sha=${GITHUB_SHA:?}
artifact=${INPUT_PLAN_ARTIFACT:-keyform-plan}

fail() {
  notice error "keyform action: $1"
  exit 1
}

github_api GET "/repos/$repo/commits/$sha/pulls"
api_ok || fail "finding the pull request of $sha: HTTP $api_status"
read -r pr head < <(python3 -c 'import json, sys
pulls = json.load(open(sys.argv[1]))
merged = [p for p in pulls if p.get("merge_commit_sha") == sys.argv[2]] or pulls
print(merged[0]["number"], merged[0]["head"]["sha"]) if merged else print("", "")' "$api_body" "$sha") || true
[ -n "${pr:-}" ] || fail "$sha did not come from a pull request: keyform applies only reviewed plans"

if [ -n "${INPUT_PLAN_WORKFLOW:-}" ]; then
  runs="/repos/$repo/actions/workflows/$INPUT_PLAN_WORKFLOW/runs"
else
  runs="/repos/$repo/actions/runs"
fi
github_api GET "$runs?head_sha=$head&event=pull_request&status=success&per_page=20"
api_ok || fail "listing the runs for pull request #$pr at $head: HTTP $api_status"
candidates=$(json '" ".join(str(r["id"]) for r in d["workflow_runs"])' "$api_body")
for run in $candidates; do
  github_api GET "/repos/$repo/actions/runs/$run/artifacts?name=$artifact"
  api_ok || fail "listing the artifacts of run $run: HTTP $api_status"
  if [ "$(json 'any(not a["expired"] for a in d["artifacts"])' "$api_body")" = True ]; then
    echo "keyform action: applying the plan reviewed on pull request #$pr (run $run, commit $head)"
    output run-id "$run"
    exit 0
  fi
done
fail "no successful run for pull request #$pr at $head holds the plan artifact \"$artifact\": re-run the pull request's plan"
