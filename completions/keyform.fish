# fish completion for keyform, installed as share/fish/vendor_completions.d/keyform.fish.
# tests/install/completions_test.sh checks that every option each command's --help prints is here.

set -l commands plan apply export show validate
complete -c keyform -f
complete -c keyform -n "not __fish_seen_subcommand_from $commands" -a plan -d 'Show the changes that would make the org match the configuration'
complete -c keyform -n "not __fish_seen_subcommand_from $commands" -a apply -d 'Make the changes: plan afresh and confirm, or apply a saved plan'
complete -c keyform -n "not __fish_seen_subcommand_from $commands" -a export -d 'Print a keyform.toml that describes the org as it is'
complete -c keyform -n "not __fish_seen_subcommand_from $commands" -a show -d "Print the org's live access graph"
complete -c keyform -n "not __fish_seen_subcommand_from $commands" -a validate -d 'Check the configuration offline'
complete -c keyform -n "not __fish_seen_subcommand_from $commands" -l version -d 'Print the version and the commit it was built from'
complete -c keyform -s h -l help -d 'Show the help'
complete -c keyform -l no-color -d 'Never colour the output'

# Every command reads a config file.
complete -c keyform -n "__fish_seen_subcommand_from $commands" -s c -l config -r -F -d 'Configuration file (default: keyform.toml)'

# Commands that talk to the API.
set -l network plan apply export show
complete -c keyform -n "__fish_seen_subcommand_from $network" -l max-retries -x -d 'Retries per call (0-20, default 5)'
complete -c keyform -n "__fish_seen_subcommand_from $network" -l timeout -x -d 'Seconds one call may take (1-3600, default 300)'
complete -c keyform -n "__fish_seen_subcommand_from $network" -l cacert -r -F -d 'PEM file of trusted CAs'
complete -c keyform -n "__fish_seen_subcommand_from $network" -l credentials-file -r -F -d 'TOML file with the credentials'
complete -c keyform -n "__fish_seen_subcommand_from $network" -l no-pacing -d 'Do not pace calls to the rate limits'
complete -c keyform -n "__fish_seen_subcommand_from $network" -s v -l verbose -d 'Trace HTTP headers, credentials redacted'

complete -c keyform -n "__fish_seen_subcommand_from plan show" -l format -x -a 'text json markdown' -d 'Output format'
complete -c keyform -n "__fish_seen_subcommand_from plan" -l detailed-exitcode -d 'Exit 2 when there are changes'
complete -c keyform -n "__fish_seen_subcommand_from plan" -l out -r -F -d 'Also save the plan to PLANFILE'

complete -c keyform -n "__fish_seen_subcommand_from apply" -F -d 'Plan file'
complete -c keyform -n "__fish_seen_subcommand_from apply" -l auto-approve -d "Skip the interactive 'yes'"
complete -c keyform -n "__fish_seen_subcommand_from apply" -l parallelism -x -d 'Actions in flight at once (1-256, default 10)'
complete -c keyform -n "__fish_seen_subcommand_from apply" -l format -x -a 'text json' -d 'Output format'
complete -c keyform -n "__fish_seen_subcommand_from apply" -l no-verify -d 'Do not read the org again after applying'
complete -c keyform -n "__fish_seen_subcommand_from apply" -l secrets-out -r -F -d "Append created keys' private keys to FILE"
complete -c keyform -n "__fish_seen_subcommand_from apply" -l secrets-command -x -a '(__fish_complete_command)' -d 'Run CMD with each private key on stdin'

set -l target export show
complete -c keyform -n "__fish_seen_subcommand_from $target" -l org -x -d 'Organization id (24 hex digits)'
complete -c keyform -n "__fish_seen_subcommand_from $target" -l api -x -a 'atlas-v2 atlas-v1 cloud-manager ops-manager' -d 'API family'
complete -c keyform -n "__fish_seen_subcommand_from $target" -l base-url -x -d 'API host'
complete -c keyform -n "__fish_seen_subcommand_from export" -l by-name -d 'Name projects by name where unambiguous'
complete -c keyform -n "__fish_seen_subcommand_from export" -l out -r -F -d 'Write the file here instead of stdout'
complete -c keyform -n "__fish_seen_subcommand_from export" -l mirror-key -x -d "Print a service account entry with this key's access"
complete -c keyform -n "__fish_seen_subcommand_from export" -l as-service-account -x -d 'The name of that service account'
complete -c keyform -n "__fish_seen_subcommand_from show" -l access-lists -d "Also read every key's IP access list"
