# zsh_complete.zsh - what zsh's completion system offers for a command line.
#
#   zsh -f tests/dist/zsh_complete.zsh FPATH_DIR DUMP 'mockrun --ju'
#
# Starts an interactive zsh on a pseudo-terminal (zpty) with FPATH_DIR first
# in its fpath and compinit run (DUMP: its cache file), types the line and a
# Tab, and prints each match the completion functions add, one a line: a
# compadd wrapper prints what the real compadd accepts (the matches a person
# would be shown), and a function run after completion marks the end.
zmodload zsh/zpty || exit 2
dir=$1 dump=$2 line=$3
zpty z zsh -f -i
zpty -w z "unsetopt prompt_sp; PROMPT= RPROMPT= PS2= fpath=(${(q)dir} \$fpath)"
zpty -w z "autoload -U compinit && compinit -u -d ${(q)dump}"
zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' select-prompt ''"
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  local -a hits; builtin compadd -A hits "$@"
  local h; for h in $hits; do print -r -- "<match>$h"; done
  builtin compadd "$@"
}'
zpty -w z 'comppostfuncs=(zsh_complete_done); zsh_complete_done() { print -r -- "<done>"; exit }'
zpty -w z 'print -r -- "<ready>"'
local out
while zpty -r z out; do [[ $out == *'<ready>'* && $out != *print* ]] && break; done
zpty -w -n z "$line"$'\t'
while zpty -r z out; do
  [[ $out == *'<done>'* ]] && break
  out=${${out//$'\r'/}%$'\n'} # a line as zpty reads it ends in CR LF
  [[ $out == *'<match>'* ]] && print -r -- ${out##*<match>}
done
zpty -d z
