#!/usr/bin/env bash
# The shell completions: bash's answers for a few partial command lines (the script sourced as
# bash-completion would), and, for bash, zsh and fish, every option every command's --help prints,
# so that a new option without a completion fails here.
#   tests/install/completions_test.sh KEYFORM_BIN SOURCE_DIR
set -uo pipefail
keyform=$1 source=$2
source "$(dirname "$0")/lib.sh"
source "$source/completions/keyform.bash"

# What bash would offer for LINE (the cursor at its end; a trailing space starts a new word).
complete_line() {
  local line=$1
  read -ra COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line COMP_POINT=${#line}
  COMPREPLY=()
  _keyform keyform "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort | xargs
}

expect() {  # expect LINE WORDS...
  local line=$1; shift
  local got; got=$(complete_line "$line")
  [ "$got" = "$*" ] || fail "'$line<TAB>' offers '$got', expected '$*'"
}

[[ $(complete -p keyform 2>/dev/null) == *"-F _keyform keyform"* ]] || fail "the script does not register _keyform"
expect "keyform pl" plan
expect "keyform " apply export plan show validate
expect "keyform --no-color v" validate
expect "keyform plan --format " json markdown text
expect "keyform apply --format " json text
expect "keyform show --api " atlas-v1 atlas-v2 cloud-manager ops-manager
expect "keyform export --api cl" cloud-manager
expect "keyform plan --detailed" --detailed-exitcode
expect "keyform validate --" --config --help --no-color

# File names for -c, --out and a plan file: run in a directory with known files.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
touch "$scratch/keyform.toml" "$scratch/plan.json"
mkdir "$scratch/teams"
file_names() {
  cd "$scratch"
  expect "keyform plan -c key" keyform.toml
  expect "keyform plan --out pl" plan.json
  expect "keyform apply pl" plan.json
  expect "keyform validate --config te" teams
  cd - >/dev/null
}
file_names
# Again with bash-completion loaded, as in an interactive shell: its _filedir is used then.
if [ -f /usr/share/bash-completion/bash_completion ]; then
  source /usr/share/bash-completion/bash_completion
  declare -F _filedir >/dev/null || fail "bash-completion did not define _filedir"
  file_names
fi

# fish's answers too, where fish is installed (it is not a build dependency).
if command -v fish >/dev/null; then
  fish_expect() {  # fish_expect LINE WORDS...
    local line=$1; shift
    local got
    got=$(fish -c "source $source/completions/keyform.fish; complete -C '$line'" | cut -f1 | sort | xargs)
    [ "$got" = "$*" ] || fail "fish: '$line<TAB>' offers '$got', expected '$*'"
  }
  fish_expect "keyform pl" plan
  fish_expect "keyform plan --format " json markdown text
  fish_expect "keyform apply --format " json text
  fish_expect "keyform show --api " atlas-v1 atlas-v2 cloud-manager ops-manager
fi

for command in "" $(keyform_commands "$keyform"); do
  bash_words=" $(_keyform_options "$command") "
  while IFS= read -r option; do
    [[ $bash_words == *" $option "* ]] || fail "bash: ${command:-keyform} does not complete $option"
    grep -qe "$option" "$source/completions/_keyform" || fail "zsh: no $option"
    if [[ $option == --* ]]; then
      grep -q -- "-l ${option#--}\b" "$source/completions/keyform.fish" || fail "fish: no $option"
    else
      grep -q -- "-s ${option#-}\b" "$source/completions/keyform.fish" || fail "fish: no $option"
    fi
  done < <("$keyform" $command --help | help_options)
done
finish
