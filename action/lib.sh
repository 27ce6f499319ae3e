# shellcheck shell=bash
# Sourced by the action's steps (action.yml runs each script with the inputs as INPUT_* variables).
# Everything GitHub-specific is read from the variables the runner sets (GITHUB_OUTPUT,
# GITHUB_API_URL, ...), so the scripts run the same outside GitHub, as tests/action/ does.

# output NAME VALUE: a step output (one line; values here never hold a newline).
output() {
  printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:-/dev/null}"
}

# notice LEVEL MESSAGE: a workflow command (::error::, ::warning::) with the message escaped as the
# runner expects, so a path or an API message cannot end the command early or start another.
notice() {
  local message=$2
  message=${message//'%'/%25}
  message=${message//$'\r'/%0D}
  message=${message//$'\n'/%0A}
  printf '::%s::%s\n' "$1" "$message"
}

# github_api METHOD PATH [BODY_FILE]: one GitHub REST call. The answer's body goes to $api_body
# (a file), its status to $api_status. The token travels on curl's standard input, never in its
# arguments (where `ps` shows them), and is never printed.
github_api() {
  local method=$1 path=$2 body=${3:-}
  local args=(--silent --show-error --request "$method" --output "$api_body" --write-out '%{http_code}'
              --header 'Accept: application/vnd.github+json' --header 'X-GitHub-Api-Version: 2022-11-28'
              --max-time 60 --header @-)
  # Reads are retried on a transient failure; a write is not, so a lost answer cannot post twice.
  [ "$method" = GET ] && args+=(--retry 3)
  [ -n "$body" ] && args+=(--header 'Content-Type: application/json' --data-binary "@$body")
  api_status=$(printf 'Authorization: Bearer %s\n' "${GITHUB_TOKEN:?the github-token input is empty}" |
                 curl "${args[@]}" "${GITHUB_API_URL:-https://api.github.com}$path") || api_status=000
}

api_body=$(mktemp "${RUNNER_TEMP:-/tmp}/keyform-api.XXXXXX")
trap 'rm -f "$api_body"' EXIT

# api_ok: whether the last github_api call answered 2xx.
api_ok() {
  [[ $api_status == 2?? ]]
}

# json EXPR FILE: a value read from a JSON file with a Python expression over `d`, printed
# as text ('' for None). Python, not jq: every runner image and keyform's build machine have it.
json() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[2]))
v = eval(sys.argv[1], {"d": d})
print("" if v is None else v)' "$1" "$2"
}

# work_dir: where this run's files go (the plan, its markdown, the comment); created once.
work_dir() {
  local dir=${KEYFORM_WORK_DIR:-${RUNNER_TEMP:-/tmp}/keyform}
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# comment_marker: the hidden first line by which the action finds its own comment again. Two uses
# of the action in one workflow (two configs) keep two comments with different comment-tag inputs
# (checked by prepare.sh: letters, digits, . _ / -, so it cannot end the HTML comment).
comment_marker() {
  if [ -n "${INPUT_COMMENT_TAG:-}" ]; then
    printf '<!-- keyform-plan:%s -->\n' "$INPUT_COMMENT_TAG"
  else
    printf '<!-- keyform-plan -->\n'
  fi
}
