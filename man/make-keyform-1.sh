#!/usr/bin/env bash
# Generates keyform(1) at build time from the real --help output, so it cannot drift from it:
#
#   man/make-keyform-1.sh KEYFORM_BIN INCLUDE.h2m OUTPUT VERSION
#
# help2man makes NAME, SYNOPSIS, DESCRIPTION and OPTIONS from `keyform --help` above its footer. The
# footer's own sections (TARGET, ENVIRONMENT, EXIT STATUS, EXAMPLES: capitals alone on a line) and
# a COMMANDS section with every command's --help become help2man include blocks, after the
# hand-written ones in INCLUDE.h2m (FILES, SEE ALSO).
set -euo pipefail
keyform=$1 include=$2 output=$3 version=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# roff for verbatim text: backslashes, leading dots and quotes, and hyphens (\- so that options are
# searchable and copy-pasteable).
roff_verbatim() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\([.']\)/\\\\\&\1/"; }

# The top-level help, split at its first capitalised heading.
"$keyform" --help >"$work/help"
awk '/^[A-Z][A-Z ]+$/ { exit } { print }' "$work/help" >"$work/top"
{
  cat "$include"
  awk '/^[A-Z][A-Z ]+$/ { if (found) print ".fi"; printf "\n[%s]\n.nf\n", $0; found = 1; next }
       found { gsub(/\\/, "\\e"); gsub(/-/, "\\-"); sub(/^[.\047]/, "\\\\&&"); print }
       END { if (found) print ".fi" }' "$work/help"
  echo
  echo "[COMMANDS]"
  for command in $(awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }' "$work/help"); do
    printf '.SS "keyform %s"\n.nf\n' "$command"
    "$keyform" "$command" --help | roff_verbatim
    printf '.fi\n'
  done
} >"$work/include.h2m"

# help2man runs the program it documents; this stand-in answers with the real binary's output.
cat >"$work/keyform" <<STANDIN
#!/bin/sh
case "\$1" in
  --help) cat "$work/top" ;;
  --version) echo "keyform $version" ;;
esac
STANDIN
chmod +x "$work/keyform"
help2man --no-info --section=1 --version-string="$version" --include="$work/include.h2m" \
  --name="declarative MongoDB organization API key and service account access" \
  --output="$output" "$work/keyform"
