# bash completion for qwen(1)                                        -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/qwen (loaded on the first Tab after `qwen`), or
# sourced by hand. Needs nothing from the bash-completion package.
#
# Sign-in method and front-end ids come from the plugins actually installed: `qwen plugins --porcelain`
# prints one "KIND<TAB>ID" line per usable plugin (no network, nothing else), so a third party's plugin
# completes like the default ones. The qwen asked is the one being completed (COMP_WORDS[0]).

# The ids of the installed plugins of one kind. $1: the qwen to ask; $2: auth or frontend.
_qwen_plugin_ids() {
  local kind id
  while IFS=$'\t' read -r kind id; do
    [[ $kind == "$2" && -n $id ]] && printf '%s\n' "$id"
  done < <("$1" plugins --porcelain 2>/dev/null </dev/null)
}

# Sets COMPREPLY to the words of $1 that start with the current word, one per array element.
_qwen_reply() {
  local IFS=$'\n'
  COMPREPLY=($(compgen -W "$1" -- "$2"))
}

_qwen() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev="" qwen=${COMP_WORDS[0]}
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  # "--auth-type=op": bash splits at '=' (COMP_WORDBREAKS), giving "--auth-type" "=" "op".
  if [[ $cur == "=" ]]; then
    cur=""
  elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi
  [[ $qwen == "~/"* ]] && qwen=$HOME/${qwen#"~/"}
  type -P -- "$qwen" >/dev/null 2>&1 || qwen=qwen

  # The options that take a value: the next word is that value, never a subcommand.
  local valued='-p --prompt -m --model --auth-type --frontend --output-format --openai-api-key --openai-base-url
    --account -u --base-url -k --key'
  local global='-p --prompt -m --model --auth-type --frontend --acp --experimental-acp --output-format
    --openai-api-key --openai-base-url --account -d --debug -h --help -v --version'

  case $prev in
    --auth-type)
      _qwen_reply "$(_qwen_plugin_ids "$qwen" auth)" "$cur"
      return 0 ;;
    --frontend)
      _qwen_reply "$(_qwen_plugin_ids "$qwen" frontend)" "$cur"
      return 0 ;;
    --output-format)
      _qwen_reply $'text\njson\nstream-json' "$cur"
      return 0 ;;
    -p | --prompt | -m | --model | --openai-api-key | --openai-base-url | --account | -u | --base-url | -k | --key)
      return 0 ;;  # free text: nothing to offer
  esac

  # Which subcommand (and, under auth, which verb) the words before the cursor name.
  local sub="" verb="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word == "=" ]]; then
      continue
    elif [[ $word == -* ]]; then
      # "--opt value" skips the value; "--opt=value" is split by bash into three words (skip "=" and value).
      if [[ " ${valued//$'\n'/ } " == *" $word "* ]]; then
        ((i++))
        [[ ${COMP_WORDS[i]} == "=" ]] && ((i++))
      fi
    elif [[ -z $sub ]]; then
      sub=$word
    elif [[ $sub == auth && -z $verb ]]; then
      verb=$word
    fi
  done

  local words="" opts=""
  case $sub in
    "")
      words=$'auth\nmodels\nplugins\ntrust' ;;
    plugins)
      opts='--porcelain' ;;
    models)
      opts='--auth-type' ;;
    trust)
      opts='--list --revoke'
      if [[ $cur != -* ]]; then
        local IFS=$'\n'
        compopt -o filenames 2>/dev/null  # a '/' after each directory, names with spaces quoted
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0
      fi ;;
    auth)
      case $verb in
        "")
          words=$'login\nlogout\nstatus\ntoken\nlist\nswitch\napi-key\n'$(_qwen_plugin_ids "$qwen" auth)
          opts='-u --base-url -k --key --with-key' ;;
        login) opts='--auth-type -u --base-url -k --key --with-key' ;;
        status) opts='--auth-type --all --json' ;;
        list) opts='--auth-type --json' ;;
        logout | token) opts='--auth-type' ;;
        switch) words=$(_qwen_plugin_ids "$qwen" auth) ;;
        *) opts='-u --base-url -k --key --with-key' ;;  # qwen auth METHOD
      esac ;;
  esac
  if [[ $cur == -* ]]; then
    _qwen_reply "$(printf '%s\n' $opts $global)" "$cur"
  else
    _qwen_reply "$words" "$cur"
  fi
  return 0
}

complete -F _qwen qwen
