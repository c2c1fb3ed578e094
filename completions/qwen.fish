# fish completion for qwen(1), installed as /usr/share/fish/vendor_completions.d/qwen.fish.
# Sign-in method and front-end ids come from the plugins actually installed: `qwen plugins --porcelain`
# prints one "KIND<TAB>ID" line per usable plugin (no network, nothing else).

# The ids of the installed plugins of kind $argv[1] (auth or frontend), from the qwen being completed.
function __qwen_plugin_ids
    set -l qwen (commandline -opc)[1]
    command -q -- $qwen; or set qwen qwen
    $qwen plugins --porcelain 2>/dev/null </dev/null | while read -l -d \t kind id
        test "$kind" = $argv[1]; and test -n "$id"; and echo $id
    end
end

set -l subcommands auth models plugins trust
set -l auth_verbs login logout status token list switch

complete -c qwen -f
# Options of every command.
complete -c qwen -s p -l prompt -x -d 'Answer this prompt and exit'
complete -c qwen -s m -l model -x -d 'The model to use'
complete -c qwen -l auth-type -x -a '(__qwen_plugin_ids auth)' -d 'The sign-in method (plugin id)'
complete -c qwen -l frontend -x -a '(__qwen_plugin_ids frontend)' -d 'The front-end (plugin id)'
complete -c qwen -l acp -d 'Serve an editor over the Agent Client Protocol'
complete -c qwen -l experimental-acp -d 'Serve an editor over the Agent Client Protocol'
complete -c qwen -l output-format -x -a 'text json stream-json' -d 'Headless output'
complete -c qwen -l openai-api-key -x -d 'API key for the OpenAI-compatible method'
complete -c qwen -l openai-base-url -x -d 'Base URL for the OpenAI-compatible method'
complete -c qwen -l account -x -d 'Which login of the sign-in method to use'
complete -c qwen -s d -l debug -d 'Debug logging to stderr'
complete -c qwen -s h -l help -d 'Show the help and exit'
complete -c qwen -s v -l version -d 'Show the version and exit'

# Subcommands.
complete -c qwen -n "not __fish_seen_subcommand_from $subcommands" -a auth -d 'Sign in, sign out, show the sign-in state'
complete -c qwen -n "not __fish_seen_subcommand_from $subcommands" -a models -d 'List the models of the selected method'
complete -c qwen -n "not __fish_seen_subcommand_from $subcommands" -a plugins -d 'List the plugins found'
complete -c qwen -n "not __fish_seen_subcommand_from $subcommands" -a trust -d "Trust this directory's project files"

complete -c qwen -n '__fish_seen_subcommand_from plugins' -l porcelain -d 'One KIND<TAB>ID line per usable plugin'
complete -c qwen -n '__fish_seen_subcommand_from trust' -l list -d 'List the trusted directories'
complete -c qwen -n '__fish_seen_subcommand_from trust' -l revoke -d 'Stop trusting the directory'
complete -c qwen -n '__fish_seen_subcommand_from trust' -F

# qwen auth VERB, or qwen auth METHOD.
set -l auth_top "__fish_seen_subcommand_from auth; and not __fish_seen_subcommand_from $auth_verbs"
complete -c qwen -n $auth_top -a login -d 'Sign in with the selected method'
complete -c qwen -n $auth_top -a logout -d 'Forget the cached credentials'
complete -c qwen -n $auth_top -a status -d 'Show the selected method and its state'
complete -c qwen -n $auth_top -a token -d 'Print the access token or key'
complete -c qwen -n $auth_top -a list -d 'Every sign-in method and account'
complete -c qwen -n $auth_top -a switch -d 'Make a method the one qwen uses'
complete -c qwen -n $auth_top -a api-key -d 'Sign in with an OpenAI-compatible key'
complete -c qwen -n $auth_top -a '(__qwen_plugin_ids auth)' -d 'Sign in with this method'
complete -c qwen -n '__fish_seen_subcommand_from switch' -a '(__qwen_plugin_ids auth)' -d 'Sign-in method'
# The sign-in options: after `auth`, `auth login` and `auth METHOD`, not after the other verbs.
set -l signing_in "__fish_seen_subcommand_from auth; and not __fish_seen_subcommand_from logout status token list switch"
complete -c qwen -n $signing_in -s u -l base-url -x -d 'Sign in against this base URL'
complete -c qwen -n $signing_in -s k -l key -x -d 'Sign in with this key'
complete -c qwen -n $signing_in -l with-key -d 'Read the key from standard input'
complete -c qwen -n '__fish_seen_subcommand_from status' -l all -d 'Every installed sign-in method'
complete -c qwen -n '__fish_seen_subcommand_from status list' -l json -d 'One JSON object'
