#!/usr/bin/env bash
# The demo on an existing build: examples/run-demo.sh BUILD_DIR. Starts keyform-sandbox on a free
# loopback port with examples/sandbox-org.json, runs keyform plan, apply --auto-approve and plan
# again (exit 0 only when that last plan says "No changes"), and stops the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}

source examples/lib.sh
start_sandbox

# The sandbox's fixture says which key keyform runs as: kfadmin1, an org owner.
export MONGODB_ATLAS_PUBLIC_API_KEY=kfadmin1
export MONGODB_ATLAS_PRIVATE_API_KEY=9f1c2a6e-3b7d-4e21-8a55-0c6b9d2f1e01
echo "==> keyform-sandbox on $MONGODB_ATLAS_BASE_URL with examples/sandbox-org.json"

echo; echo "==> keyform plan -c examples/keyform.toml"
"$bin/keyform" plan -c examples/keyform.toml
echo; echo "==> keyform apply -c examples/keyform.toml --auto-approve"
"$bin/keyform" apply -c examples/keyform.toml --auto-approve
echo; echo "==> keyform plan -c examples/keyform.toml   (again: nothing left to change; the protected key is left alone)"
"$bin/keyform" plan -c examples/keyform.toml --detailed-exitcode
