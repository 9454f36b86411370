#!/bin/sh
# completion_zsh.sh - the zsh completion: zsh -n finds no syntax error, and
# zsh's completion system, driven on a pseudo-terminal (zsh_complete.zsh),
# offers every option --help lists, the values' files, scenario files
# (*.json and folders), the commands, and after "--" the command under test
# and its own arguments. Skipped (77) without zsh; ci/setup installs it.
#
#   sh tests/dist/completion_zsh.sh MOCKRUN COMPLETION_FILE
set -u
mockrun=$1
completion=$2
here=$(cd "$(dirname "$0")" && pwd)
fail=0
say() { printf 'dist.completion-zsh: %s\n' "$*"; }

if ! command -v zsh >/dev/null 2>&1; then
    say "skipped: zsh is not installed (ci/setup installs it)"
    exit 77
fi
if ! zsh -n "$completion"; then
    say "zsh -n: syntax errors in $completion"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockrun-zsh.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/fpath" "$tmp/work/mocks" "$tmp/bin"
cp "$completion" "$tmp/fpath/_mockrun"
: >"$tmp/work/checkout.json"
: >"$tmp/work/auth.json"
: >"$tmp/work/notes.txt"
: >"$tmp/work/mocks/api.json"
: >"$tmp/work/two words.json"
# "mockrun" is a command for "-- mockrun ...": the one under test
ln -s "$(cd "$(dirname "$mockrun")" && pwd)/$(basename "$mockrun")" "$tmp/bin/mockrun"
"$mockrun" --help >"$tmp/help" || { say "mockrun --help failed"; exit 1; }

complete_line() {
    (cd "$tmp/work" && env -i PATH="$tmp/bin:$PATH" HOME="$tmp" TERM=dumb \
        timeout 20 zsh -f "$here/zsh_complete.zsh" "$tmp/fpath" "$tmp/zcompdump" "$1") |
        grep . | sort -u
}
# offers LINE WANT...: each WANT is among the matches
offers() {
    line=$1
    shift
    got=$(complete_line "$line")
    for w in "$@"; do
        if ! printf '%s\n' "$got" | grep -qxF -e "$w"; then
            say "'$line' does not offer '$w'; it offers: $(printf '%s\n' "$got" | tr '\n' ' ')"
            fail=1
        fi
    done
}
# refuses LINE NOT...: no NOT is among the matches
refuses() {
    line=$1
    shift
    got=$(complete_line "$line")
    for w in "$@"; do
        if printf '%s\n' "$got" | grep -qxF -e "$w"; then
            say "'$line' offers '$w', which it should not"
            fail=1
        fi
    done
}
nothing() {
    got=$(complete_line "$1")
    [ -z "$got" ] || { say "'$1' should offer nothing; it offers: $(printf '%s\n' "$got" | tr '\n' ' ')"; fail=1; }
}

# every option and alias of --help (an entry's names start its line)
options=$(grep -E '^  -' "$tmp/help" | sed -E 's/^  ((-[a-z]), )?(--[a-z-]+).*/\2 \3/')
# shellcheck disable=SC2086 # one word an option
set -- $options
[ $# -ge 25 ] || { say "only $# options in --help"; fail=1; }
offers "mockrun -" "$@"
offers "mockrun --ju" --junit
offers "mockrun " checkout.json auth.json mocks schema init
refuses "mockrun " notes.txt
offers "mockrun mocks/" api.json
offers "mockrun tw" "two\\ words.json" # as zsh inserts it, quoted
offers "mockrun checkout.json " auth.json
refuses "mockrun checkout.json " schema init notes.txt
offers "mockrun --junit " notes.txt checkout.json
offers "mockrun --junit=" notes.txt
offers "mockrun --import-mockoon " checkout.json mocks
refuses "mockrun --import-mockoon " notes.txt
nothing "mockrun --timeout "
offers "mockrun init " notes.txt
nothing "mockrun schema "
offers "mockrun import " openapi mockoon wiremock
offers "mockrun import openapi " notes.txt checkout.json
nothing "mockrun import openapi api.yaml "
offers "mockrun checkout.json -- ech" echo
offers "mockrun checkout.json -- mockrun --ju" --junit
refuses "mockrun checkout.json -- ech" --junit

[ "$fail" -eq 0 ] && say "ok"
exit "$fail"
