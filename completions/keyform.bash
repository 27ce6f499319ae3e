# bash completion for keyform                                     -*- shell-script -*-
# Installed as share/bash-completion/completions/keyform. tests/install/completions_test.sh checks
# that every option each command's --help prints is offered here, so the lists cannot drift.

_keyform_options() {
  local network="--max-retries --timeout --cacert --credentials-file --no-pacing -v --verbose"
  case $1 in
    plan) echo "-h --help -c --config --no-color --format --detailed-exitcode --out $network" ;;
    apply) echo "-h --help -c --config --no-color --auto-approve --parallelism --format --no-verify" \
                "--secrets-out --secrets-command $network" ;;
    export) echo "-h --help --org --api --base-url --by-name --out --mirror-key --as-service-account" \
                 "-c --config --no-color $network" ;;
    show) echo "-h --help --org --api --base-url --format --access-lists -c --config --no-color $network" ;;
    validate) echo "-h --help -c --config --no-color" ;;
    *) echo "-h --help --version --no-color" ;;
  esac
}

# Files, or directories to descend into: bash-completion's _filedir when it is loaded, else compgen.
_keyform_files() {
  if declare -F _filedir >/dev/null; then
    _filedir "$@"
  else
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}

_keyform() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local commands="plan apply export show validate" command="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word != -* && " $commands " == *" $word "* ]]; then command=$word; break; fi
  done

  case $prev in
    --format)
      case $command in
        apply) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text json markdown" -- "$cur")) ;;
      esac
      return ;;
    --api) COMPREPLY=($(compgen -W "atlas-v2 atlas-v1 cloud-manager ops-manager" -- "$cur")); return ;;
    -c | --config) _keyform_files '@(toml)'; return ;;
    --out) [[ $command == plan ]] && _keyform_files '@(json)' || _keyform_files '@(toml)'; return ;;
    --secrets-out | --cacert | --credentials-file) _keyform_files; return ;;
    --secrets-command) COMPREPLY=($(compgen -c -- "$cur")); return ;;
    --max-retries | --timeout | --parallelism | --org | --base-url | --mirror-key | --as-service-account)
      return ;;  # a value only the user knows
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_keyform_options "$command")" -- "$cur"))
  elif [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  elif [[ $command == apply ]]; then
    _keyform_files '@(json)'  # PLANFILE
  fi
}
complete -F _keyform keyform
