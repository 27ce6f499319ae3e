#!/usr/bin/env bash
# The generated man pages cannot drift from what they document: every option every command's
# --help prints appears in keyform(1), every field of schemas/keyform.schema.json is a term in
# keyform.toml(5), and both render without a warning from man.
#   tests/install/man_test.sh KEYFORM_BIN MAN_DIR SOURCE_DIR
set -uo pipefail
keyform=$1 man_dir=$2 source=$3
source "$(dirname "$0")/lib.sh"

# roff writes a hyphen as \-; compare with it undone.
page=$(sed 's/\\-/-/g' "$man_dir/keyform.1")
for command in "" $(keyform_commands "$keyform"); do
  while IFS= read -r option; do
    grep -qe "$option" <<<"$page" || fail "keyform.1 lacks ${command:-keyform}'s $option"
  done < <("$keyform" $command --help | help_options)
  [ -z "$command" ] || grep -q "^\.SS \"keyform $command\"" <<<"$page" || fail "keyform.1 has no section for $command"
done
for section in NAME SYNOPSIS OPTIONS COMMANDS ENVIRONMENT FILES '"EXIT STATUS"' EXAMPLES; do
  grep -q "^\.SH $section" <<<"$page" || fail "keyform.1 has no $section section"
done

# Every property name the schema defines, at any depth, is a .TP term of keyform.toml(5).
terms=$(awk '/^\.TP$/ { getline; print }' "$man_dir/keyform.toml.5" | sed -e 's/\\f[BRI]//g' -e 's/\\-/-/g')
fields=$(python3 -c '
import json, sys
def walk(node):
    if isinstance(node, dict):
        for name, child in node.get("properties", {}).items():
            print(name); walk(child)
        for child in node.values(): walk(child)
    elif isinstance(node, list):
        for child in node: walk(child)
walk(json.load(open(sys.argv[1])))' "$source/schemas/keyform.schema.json" | sort -u)
[ -n "$fields" ] || fail "no field read from keyform.schema.json"
for field in $fields; do
  # Tables ([target], [policy], [[keys]], [[service_accounts]]) are the sections.
  grep -qx "$field" <<<"$terms" || grep -q "^\.SH .*\[$field\]" "$man_dir/keyform.toml.5" ||
    fail "keyform.toml.5 does not describe $field"
done

for page in keyform.1 keyform.toml.5; do
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man_dir/$page" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "$page: $warnings"
done
finish
