#!/usr/bin/env bash
# Every command's --help names each option's default or accepted values where it takes a value,
# and the command's exit statuses; --no-color is accepted by every command, also before it.
#   tests/install/help_test.sh KEYFORM_BIN SOURCE_DIR
set -uo pipefail
keyform=$1 source=$2
source "$(dirname "$0")/lib.sh"

for command in $(keyform_commands "$keyform"); do
  help=$("$keyform" "$command" --help)
  grep -q '^EXIT STATUS$' <<<"$help" || fail "$command --help has no EXIT STATUS section"
  grep -q '^  1  ' <<<"$help" || fail "$command --help does not list exit status 1"
  # An option with a value ("  --timeout SECONDS", one space) shows =DEFAULT, {values}, [range] or
  # says "default:" in its description, which CLI11 puts on the next line when the first is full.
  while IFS= read -r line; do
    grep -Eq '=[^ ]|\{|\[|default:' <<<"$line" || fail "$command: no default or accepted values: $line"
  done < <(awk '/^Options:/ { on = 1; next } on && /^$/ { exit }
                on && /^  -[^ ]+ [^ ]/ { line = $0; if (NF == 2) { getline rest; line = line " " rest } print line }' \
             <<<"$help")
done
grep -q '^  2  .*changes' <<<"$("$keyform" plan --help)" || fail "plan --help does not list exit status 2"
grep -q '^  130, 143' <<<"$("$keyform" apply --help)" || fail "apply --help does not list 130, 143"
grep -q '^  2 ' <<<"$("$keyform" show --help)" && fail "show --help lists exit status 2, which only plan has"

# --no-color: validate runs offline, so it must pass; the other commands must get past the parser
# (an unknown flag is CLI11's "not expected" error; here they fail later, on a missing config).
config=$source/examples/keyform.toml
"$keyform" --no-color validate -c "$config" >/dev/null || fail "keyform --no-color validate"
"$keyform" validate --no-color -c "$config" >/dev/null || fail "keyform validate --no-color"
for command in $(keyform_commands "$keyform"); do
  for args in "--no-color $command" "$command --no-color"; do
    out=$(cd / && env -u MONGODB_ATLAS_ORG_ID -u MONGODB_ATLAS_PUBLIC_API_KEY -u MONGODB_ATLAS_CLIENT_ID \
      "$keyform" $args -c /nonexistent/keyform.toml 2>&1)
    grep -qi 'not expected\|extra' <<<"$out" && fail "keyform $args: $out"
  done
done
# ... and the same check notices a flag that is not accepted, so it can fail.
out=$("$keyform" plan --no-such-flag -c /nonexistent/keyform.toml 2>&1)
grep -qi 'not expected\|extra' <<<"$out" || fail "an unknown flag was not reported as such: $out"
finish
