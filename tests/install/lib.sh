# Shared by the tests/install scripts: failing checks and the option lists of keyform's --help.

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
finish() {
  if ((failures)); then echo "$failures check(s) failed" >&2; exit 1; fi
  echo "PASS"
}

# The commands `keyform --help` lists under "Subcommands:".
keyform_commands() {
  "$1" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

# Every option one help text prints, one per line: "-c,--config FILE  ..." gives -c and --config.
help_options() {
  awk '/^Options:/ { on = 1; next } on && /^$/ { exit }
       on && /^  -/ { n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i] }'
}
