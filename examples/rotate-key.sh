#!/usr/bin/env bash
# The README's key rotation on an existing build: examples/rotate-key.sh BUILD_DIR. Starts
# keyform-sandbox with examples/sandbox-org.json, applies examples/rotation/step1..3.toml as the
# admin key, and between steps 2 and 3 proves the new key works by planning as that key, with the
# private key read from the --secrets-out file. Exit 0 only when the last plan says "No changes".
# The private key is a secret even here: it is never printed, only passed to keyform.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}

source examples/lib.sh
start_sandbox
secret_kind="created key"
secrets="$work/atlas-keys.jsonl"   # what --secrets-out writes: one JSON line per created key
output="$work/output.log"          # everything keyform prints, searched for the secret at the end

# statuses_of USER: the statuses of the API requests signed by USER since the last call, as the
# sandbox's request log has them ("200,200,200"), and that log cleared.
statuses_of() {
  python3 -c 'import json, sys, urllib.request
base = sys.argv[1] + "/__sandbox/requests"
log = json.load(urllib.request.urlopen(base))["requests"]
urllib.request.urlopen(urllib.request.Request(base, method="DELETE"))
print(",".join(str(r["status"]) for r in log if r["user"] == sys.argv[2]))' "$MONGODB_ATLAS_BASE_URL" "$1"
}

echo "==> keyform-sandbox on $MONGODB_ATLAS_BASE_URL with examples/sandbox-org.json"
echo; echo "==> step 1: keyform apply -c examples/rotation/step1.toml --auto-approve   (today's file)"
keyform apply -c examples/rotation/step1.toml --auto-approve

echo; echo "==> step 2: keyform apply -c examples/rotation/step2.toml --auto-approve --secrets-out atlas-keys.jsonl"
keyform apply -c examples/rotation/step2.toml --auto-approve --secrets-out "$secrets"
mode=$(stat -c %a "$secrets")
[ "$mode" = 600 ] || { echo "FAIL: the secrets file has mode $mode, not 600" >&2; exit 1; }
new_public=$(field public_key)
echo "    the secrets file is mode 600 and holds one key: $new_public \"$(field desc)\" (private key not shown)"

echo; echo "==> move the consumer: keyform plan -c examples/rotation/step2.toml, signed in as $new_public"
statuses_of "$new_public" >/dev/null
new_private=$(field private_key)
MONGODB_ATLAS_PUBLIC_API_KEY=$new_public MONGODB_ATLAS_PRIVATE_API_KEY=$new_private \
  "$bin/keyform" plan -c examples/rotation/step2.toml --detailed-exitcode 2>&1 | tee -a "$output"
unset new_private
statuses=$(statuses_of "$new_public")
[[ "$statuses" =~ ^200(,200)*$ ]] || { echo "FAIL: requests signed by $new_public answered [$statuses]" >&2; exit 1; }
echo "    the sandbox answered every request signed by $new_public with 200 ($statuses)"

echo; echo "==> step 3: keyform apply -c examples/rotation/step3.toml --auto-approve   (the old key is deleted)"
keyform apply -c examples/rotation/step3.toml --auto-approve
statuses_of zmmrboas >/dev/null
if MONGODB_ATLAS_PUBLIC_API_KEY=zmmrboas MONGODB_ATLAS_PRIVATE_API_KEY=2b7e4c1d-8f3a-4d6b-9e20-5a1c7f3e9d02 \
  "$bin/keyform" plan -c examples/rotation/step3.toml >/dev/null 2>&1; then
  echo "FAIL: the old key zmmrboas still signs in" >&2; exit 1
fi
statuses=$(statuses_of zmmrboas)
[[ "$statuses" =~ ^401(,401)*$ ]] || { echo "FAIL: requests signed by zmmrboas answered [$statuses]" >&2; exit 1; }
echo "    the old key zmmrboas no longer signs in: the sandbox answered it 401"

python3 -c 'import json, sys
secret = json.loads(open(sys.argv[1]).readline())["private_key"]
if secret in open(sys.argv[2]).read(): sys.exit("FAIL: the private key appeared in keyform'"'"'s output")' \
  "$secrets" "$output"

echo; echo "==> keyform plan -c examples/rotation/step3.toml   (again: nothing left to change)"
keyform plan -c examples/rotation/step3.toml --detailed-exitcode
echo; echo "Rotated: $new_public replaces zmmrboas, and the org matches examples/rotation/step3.toml."
