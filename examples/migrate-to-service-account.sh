#!/usr/bin/env bash
# The README's move from an API key to a service account on an existing build:
# examples/migrate-to-service-account.sh BUILD_DIR. Starts keyform-sandbox with
# examples/sandbox-org.json and, as the admin key, applies examples/migration/step1..3.toml:
# step 2 adds the service account that `keyform export --mirror-key zmmrboas --as-service-account
# ci-deployer` prints (the script checks step2.toml holds exactly that entry); between steps 2 and
# 3 the consumer moves: it obtains an OAuth token with the delivered secret and calls the API with
# it; step 3 deletes the key. Exit 0 only when the last plan says "No changes".
# The secret is a secret even here: it is never printed, only passed to the token request.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}

source examples/lib.sh
start_sandbox
secret_kind="new secret"
secrets="$work/atlas-secrets.jsonl"   # what --secrets-out writes: one JSON line per new secret
output="$work/output.log"             # everything keyform prints, searched for the secret at the end

# consumer CLIENT_ID: what the deploy job does once it has moved (the secret comes on stdin):
# obtain a token with the client credentials grant, then list the org's projects with it. Prints
# the two HTTP statuses ("200 200").
consumer() {
  python3 -c 'import base64, json, sys, urllib.error, urllib.request
base, client_id, secret = sys.argv[1], sys.argv[2], sys.stdin.read().rstrip("\n")
basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
def call(request):
    try:
        with urllib.request.urlopen(request) as answer: return answer.status, json.load(answer)
    except urllib.error.HTTPError as error: return error.code, None
status, token = call(urllib.request.Request(base + "/api/oauth/token", data=b"grant_type=client_credentials",
    headers={"Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"}))
if status != 200: print(status, "-"); sys.exit(0)
listed, _ = call(urllib.request.Request(base + "/api/atlas/v2/orgs/5a0a1e7e0f2912c554080adc/groups",
    headers={"Authorization": "Bearer " + token["access_token"], "Accept": "application/vnd.atlas.2023-01-01+json"}))
print(status, listed)' "$MONGODB_ATLAS_BASE_URL" "$1"
}

# entry_lines FILE: FILE from its [[service_accounts]] line on, to compare what export prints with
# what step2.toml holds.
entry_lines() {
  python3 -c 'import sys
text = open(sys.argv[1]).read()
print(text[text.index("[[service_accounts]]"):].rstrip())' "$1"
}

echo "==> keyform-sandbox on $MONGODB_ATLAS_BASE_URL with examples/sandbox-org.json"
echo; echo "==> step 1: keyform apply -c examples/migration/step1.toml --auto-approve   (today's file)"
keyform apply -c examples/migration/step1.toml --auto-approve

echo; echo "==> keyform export --mirror-key zmmrboas --as-service-account ci-deployer"
MONGODB_ATLAS_PUBLIC_API_KEY=kfadmin1 MONGODB_ATLAS_PRIVATE_API_KEY=9f1c2a6e-3b7d-4e21-8a55-0c6b9d2f1e01 \
  "$bin/keyform" export --org 5a0a1e7e0f2912c554080adc --api atlas-v2 --mirror-key zmmrboas \
  --as-service-account ci-deployer >"$work/mirrored.toml"   # the entry alone: the summary line goes to stderr
cat "$work/mirrored.toml"
if ! diff <(entry_lines "$work/mirrored.toml") <(entry_lines examples/migration/step2.toml); then
  echo "FAIL: examples/migration/step2.toml does not hold the entry export printed (diff above)" >&2; exit 1
fi
echo "    examples/migration/step2.toml holds exactly the entry export printed"

echo; echo "==> step 2's plan, as the README shows it: keyform plan -c examples/migration/step2.toml"
keyform plan -c examples/migration/step2.toml --no-color >"$work/step2-plan.txt"
cat "$work/step2-plan.txt"
python3 -c 'import sys
if "```text\n" + open(sys.argv[1]).read() + "```" not in open("README.md").read():
    sys.exit("FAIL: README.md does not show the plan of step 2 as keyform prints it (above)")' "$work/step2-plan.txt"

echo; echo "==> step 2: keyform apply -c examples/migration/step2.toml --auto-approve --secrets-out atlas-secrets.jsonl"
keyform apply -c examples/migration/step2.toml --auto-approve --secrets-out "$secrets"
mode=$(stat -c %a "$secrets")
[ "$mode" = 600 ] || { echo "FAIL: the secrets file has mode $mode, not 600" >&2; exit 1; }
client_id=$(field client_id)
echo "    the secrets file is mode 600 and holds one secret of $client_id \"$(field name)\"," \
  "expiring $(field expires_at) (secret not shown)"

echo; echo "==> move the consumer: a token for $client_id with the delivered secret, then one API call with it"
statuses=$(field secret | consumer "$client_id")
[ "$statuses" = "200 200" ] || { echo "FAIL: token and call as $client_id answered [$statuses]" >&2; exit 1; }
echo "    the sandbox issued a token ($statuses): the consumer signs in as the service account"

echo; echo "==> step 3: keyform apply -c examples/migration/step3.toml --auto-approve   (the key is deleted)"
keyform apply -c examples/migration/step3.toml --auto-approve
if MONGODB_ATLAS_PUBLIC_API_KEY=zmmrboas MONGODB_ATLAS_PRIVATE_API_KEY=2b7e4c1d-8f3a-4d6b-9e20-5a1c7f3e9d02 \
  "$bin/keyform" plan -c examples/migration/step3.toml >/dev/null 2>&1; then
  echo "FAIL: the old key zmmrboas still signs in" >&2; exit 1
fi
echo "    the old key zmmrboas no longer signs in"
statuses=$(field secret | consumer "$client_id")
[ "$statuses" = "200 200" ] || { echo "FAIL: after step 3, $client_id answered [$statuses]" >&2; exit 1; }

python3 -c 'import json, sys
secret = json.loads(open(sys.argv[1]).readline())["secret"]
if secret in open(sys.argv[2]).read(): sys.exit("FAIL: the secret appeared in keyform'"'"'s output")' \
  "$secrets" "$output"

echo; echo "==> keyform plan -c examples/migration/step3.toml   (again: nothing left to change)"
keyform plan -c examples/migration/step3.toml --detailed-exitcode
echo; echo "Migrated: service account ci-deployer ($client_id) replaces the key zmmrboas, and the org matches" \
  "examples/migration/step3.toml."
