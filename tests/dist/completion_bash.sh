#!/bin/bash
# completion_bash.sh - the bash completion, driven as bash drives it: the
# words of a command line in COMP_WORDS, _mockrun called, COMPREPLY read.
# Options (every one --help lists), their values (files, JSON files, nothing
# for numbers), scenario files (*.json and folders), the commands, and after
# "--" the command under test; then again with bash-completion loaded, which
# completes the command's own arguments.
#
#   bash tests/dist/completion_bash.sh MOCKRUN COMPLETION_FILE
set -u
mockrun=$1
completion=$2
fail=0
say() { printf 'dist.completion-bash: %s\n' "$*"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockrun-bash.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
"$mockrun" --help >"$tmp/help" || { say "mockrun --help failed"; exit 1; }

# A folder to complete in: scenario files, other files, a folder.
mkdir -p "$tmp/work/mocks"
: >"$tmp/work/checkout.json"
: >"$tmp/work/auth.json"
: >"$tmp/work/notes.txt"
: >"$tmp/work/mocks/api.json"
: >"$tmp/work/two words.json"

# The checks run in a fresh bash (no rc files); $1 is what to load first.
cat >"$tmp/checks.bash" <<'CHECKS'
fail=0
# complete WORD...: the completions of the command line "WORD..." with the
# cursor at the end of the last word (give '' for a new, empty word).
complete_line() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _mockrun mockrun "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
    printf '%s\n' "${COMPREPLY[@]}" | sort -u
}
# offers WORD... ::: WANT...: each WANT is among the completions
offers() {
    local -a line=()
    while [[ $1 != ::: ]]; do line+=("$1"); shift; done
    shift
    local got w
    got=$(complete_line "${line[@]}")
    for w in "$@"; do
        if ! grep -qxF -- "$w" <<<"$got"; then
            echo "dist.completion-bash: 'mockrun ${line[*]:1}' does not offer '$w'; it offers: $(echo $got)"
            fail=1
        fi
    done
}
# refuses WORD... ::: NOT...: no NOT is among the completions
refuses() {
    local -a line=()
    while [[ $1 != ::: ]]; do line+=("$1"); shift; done
    shift
    local got w
    got=$(complete_line "${line[@]}")
    for w in "$@"; do
        if grep -qxF -- "$w" <<<"$got"; then
            echo "dist.completion-bash: 'mockrun ${line[*]:1}' offers '$w', which it should not"
            fail=1
        fi
    done
}
# nothing WORD...: no completion at all
nothing() {
    local got
    got=$(complete_line "$@")
    if [[ -n $got ]]; then
        echo "dist.completion-bash: 'mockrun ${*:2}' should offer nothing; it offers: $(echo $got)"
        fail=1
    fi
}

[[ -n $1 ]] && source "$1"
source "$COMPLETION"
if [[ $(complete -p mockrun) != "complete -F _mockrun mockrun" ]]; then
    echo "dist.completion-bash: complete -p mockrun says: $(complete -p mockrun 2>&1)"
    fail=1
fi
cd "$WORK" || exit 2

# every option and alias of --help, from "-"
mapfile -t options < <(grep -E '^  -' "$HELP" | sed -E 's/^  ((-[a-z]), )?(--[a-z-]+).*/\2 \3/' |
    tr ' ' '\n' | grep . | sort -u)
((${#options[@]} >= 25)) || { echo "dist.completion-bash: only ${#options[@]} options in --help"; fail=1; }
offers mockrun - ::: "${options[@]}"
offers mockrun --ju ::: --junit
refuses mockrun --ju ::: --journal --journal-limit
offers mockrun --journ ::: --journal --journal-limit
# scenario files and folders, and the commands first
offers mockrun '' ::: checkout.json auth.json mocks schema init
refuses mockrun '' ::: notes.txt
offers mockrun c ::: checkout.json
offers mockrun tw ::: 'two words.json'
offers mockrun mocks/ ::: mocks/api.json
offers mockrun checkout.json '' ::: auth.json
refuses mockrun checkout.json '' ::: schema init notes.txt
offers mockrun -v --timeout 5 ch ::: checkout.json
# values: any file for PATH, JSON files for ENV, nothing for numbers
offers mockrun --junit '' ::: notes.txt checkout.json
offers mockrun --html n ::: notes.txt
offers mockrun --junit = '' ::: notes.txt
offers mockrun --junit = n ::: notes.txt
offers mockrun --import-mockoon '' ::: checkout.json mocks
refuses mockrun --import-mockoon '' ::: notes.txt
nothing mockrun --timeout ''
nothing mockrun --port ''
nothing mockrun --seed = ''
# commands: init takes a file, schema nothing
offers mockrun init '' ::: notes.txt checkout.json
nothing mockrun schema ''
nothing mockrun init out.json ''
# import: what to import, then its file
offers mockrun import '' ::: openapi mockoon wiremock
offers mockrun import openapi '' ::: notes.txt checkout.json
nothing mockrun import openapi api.yaml ''
# after "--": commands, then (with bash-completion) the command's own
offers mockrun checkout.json -- ech ::: echo
offers mockrun checkout.json -- '' ::: mockrun
refuses mockrun checkout.json -- '' ::: --junit
refuses mockrun -v checkout.json -- sh ::: --junit
if declare -F _command_offset >/dev/null; then
    # bash-completion hands the command's words to the command's completion
    offers mockrun checkout.json -- mockrun --ju ::: --junit
    offers mockrun -- mockrun '' ::: checkout.json
else
    nothing mockrun checkout.json -- mockrun --ju
fi
exit $fail
CHECKS

run() {
    env -i PATH="$PATH" HOME="$tmp" HELP="$tmp/help" WORK="$tmp/work" \
        COMPLETION="$completion" bash --norc --noprofile "$tmp/checks.bash" "$1"
}
# "mockrun" must be a command for "-- '' offers mockrun": the one under test.
mkdir -p "$tmp/bin"
ln -s "$(cd "$(dirname "$mockrun")" && pwd)/$(basename "$mockrun")" "$tmp/bin/mockrun"
PATH=$tmp/bin:$PATH

run "" || fail=1
bc=/usr/share/bash-completion/bash_completion
if [ -f "$bc" ]; then
    run "$bc" || fail=1
else
    say "note: bash-completion is not installed; checked without it only (ci/setup installs it)"
fi
[ "$fail" -eq 0 ] && say "ok"
exit "$fail"
