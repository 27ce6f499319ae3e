#!/usr/bin/env bash
# Posts the plan on the pull request, or updates the comment an earlier run of the action posted
# there (found by its hidden marker line), so a pull request carries one plan comment, the latest.
#
# Inputs: COMMENT_FILE (from plan.sh), GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY,
# GITHUB_EVENT_PATH, INPUT_COMMENT_TAG. Output: comment-id.
# A comment that cannot be posted (a fork's read-only token, say) is a warning, not a failure: the
# plan is in the job summary either way.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=action/lib.sh
. "$here/lib.sh"

pr=$(python3 -c 'import json, sys
event = json.load(open(sys.argv[1]))
pr = event.get("pull_request") or (event.get("issue") or {}).get("pull_request") and event["issue"]
print(pr["number"] if pr else "")' "${GITHUB_EVENT_PATH:?}")
if [ -z "$pr" ]; then
  echo "keyform action: not a pull request event: no comment"
  exit 0
fi
marker=$(comment_marker)
repo=${GITHUB_REPOSITORY:?}

# find_comment: the id of the first comment that starts with the marker (one that quotes it
# further down is someone's reply, not ours), reading the comments 100 at a time.
find_comment() {
  local page=1 found
  while :; do
    github_api GET "/repos/$repo/issues/$pr/comments?per_page=100&page=$page"
    api_ok || { notice warning "keyform action: listing the comments of #$pr: HTTP $api_status"; return 1; }
    found=$(python3 -c 'import json, sys
comments = json.load(open(sys.argv[1]))
ours = [c["id"] for c in comments if (c.get("body") or "").startswith(sys.argv[2])]
print(ours[0] if ours else ("" if len(comments) == 100 else "none"))' "$api_body" "$marker")
    [ -n "$found" ] && { [ "$found" = none ] || printf '%s\n' "$found"; return 0; }
    page=$((page + 1))
  done
}

request=$(mktemp "${RUNNER_TEMP:-/tmp}/keyform-comment.XXXXXX")
trap 'rm -f "$api_body" "$request"' EXIT
python3 -c 'import json, sys; json.dump({"body": open(sys.argv[1], encoding="utf-8").read()}, sys.stdout)' \
  "${COMMENT_FILE:?}" >"$request"

id=$(find_comment) || id=
if [ -n "$id" ]; then
  github_api PATCH "/repos/$repo/issues/comments/$id" "$request"
  if api_ok; then
    echo "keyform action: updated the plan comment on #$pr"
    output comment-id "$id"
    exit 0
  fi
  notice warning "keyform action: updating comment $id on #$pr: HTTP $api_status; posting a new one"
fi
github_api POST "/repos/$repo/issues/$pr/comments" "$request"
if ! api_ok; then
  notice warning "keyform action: posting the plan on #$pr: HTTP $api_status (the job needs permissions: pull-requests: write)"
  exit 0
fi
echo "keyform action: posted the plan on #$pr"
output comment-id "$(json 'd["id"]' "$api_body")"
