# Sourced by the example scripts (run-demo.sh, rotate-key.sh, migrate-to-service-account.sh), after
# `cd` to the repository and with $bin set to the build directory.

# start_sandbox: keyform-sandbox with examples/sandbox-org.json on a free loopback port, stopped
# (and $work removed) when the script exits. Sets $work and exports MONGODB_ATLAS_BASE_URL.
start_sandbox() {
  work=$(mktemp -d)
  sandbox_pid=
  trap '[ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
  "$bin/src/sandbox/keyform-sandbox" --fixture examples/sandbox-org.json --port 0 --port-file "$work/port" \
    >"$work/sandbox.log" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "keyform-sandbox did not start:" >&2; cat "$work/sandbox.log" >&2; exit 1; }
  MONGODB_ATLAS_BASE_URL="http://127.0.0.1:$(cat "$work/port")"
  export MONGODB_ATLAS_BASE_URL
}

# keyform ARGS...: run keyform as the admin key (an ORG_OWNER in the fixture: creating and deleting
# keys and service accounts needs one), showing its output and appending a copy to $output.
keyform() {
  MONGODB_ATLAS_PUBLIC_API_KEY=kfadmin1 MONGODB_ATLAS_PRIVATE_API_KEY=9f1c2a6e-3b7d-4e21-8a55-0c6b9d2f1e01 \
    "$bin/keyform" "$@" 2>&1 | tee -a "$output"
}

# field NAME: that field of the one line in the secrets file $secrets, for a variable (never
# echoed); $secret_kind names what the line is, for the error when there is not exactly one.
field() {
  python3 -c 'import json, sys
lines = open(sys.argv[1]).read().splitlines()
if len(lines) != 1: sys.exit(f"expected one {sys.argv[3]} in the secrets file, found {len(lines)}")
print(json.loads(lines[0])[sys.argv[2]])' "$secrets" "$1" "$secret_kind"
}
