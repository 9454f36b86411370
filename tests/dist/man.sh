#!/bin/sh
# man.sh - the man page: man renders it without a warning, and every option
# and command of `mockrun --help` is in it, with the sections the manual
# promises (exit statuses, environment, scenario format, examples).
#
#   sh tests/dist/man.sh MOCKRUN MAN_PAGE
set -u
mockrun=$1
page=$2
fail=0
say() { printf 'dist.man: %s\n' "$*"; }

if ! command -v man >/dev/null 2>&1; then
    say "error: man is missing; run ci/setup (package man-db)"
    exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockrun-man.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# --warnings: groff's own warnings (bad requests, unknown escapes, lines it
# cannot break); any text on stderr fails the test.
MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" >"$tmp/page" 2>"$tmp/warnings"
if [ -s "$tmp/warnings" ]; then
    say "man --warnings printed:"
    cat "$tmp/warnings"
    fail=1
fi
# Wide, so that no option is broken across lines; col -b drops bold and
# underline.
MANWIDTH=200 LC_ALL=C.UTF-8 man -l "$page" 2>/dev/null | col -b >"$tmp/text"
[ -s "$tmp/text" ] || { say "the page renders to nothing"; exit 1; }

# Every option, alias and command --help lists.
"$mockrun" --help >"$tmp/help" || { say "mockrun --help failed"; exit 1; }
# (an entry's names start its line: "  -v, --verbose", "  --junit PATH")
grep -E '^  -' "$tmp/help" | sed -E 's/^  ((-[a-z]), )?(--[a-z-]+).*/\2 \3/' | tr ' ' '\n' |
    grep . | sort -u >"$tmp/options"
sed -n '/^commands/,/^$/p' "$tmp/help" | grep -oE '^  [a-z]+' | sed 's/^ *//' >>"$tmp/options"
n=0
while read -r opt; do
    n=$((n + 1))
    if ! grep -qe "$opt" "$tmp/text"; then
        say "'$opt' is in --help but not in the man page"
        fail=1
    fi
done <"$tmp/options"
[ "$n" -ge 25 ] || { say "only $n options found in --help"; fail=1; }

for section in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "SCENARIO FORMAT" "EXIT STATUS" \
    ENVIRONMENT FILES EXAMPLES; do
    grep -qx "$section" "$tmp/text" || { say "no section $section"; fail=1; }
done
for status in 0 1 2 3; do
    grep -qE "^ +$status +[A-Za-z]" "$tmp/text" || { say "exit status $status not described"; fail=1; }
done
for var in MOCKRUN_URL GITHUB_ACTIONS GITHUB_STEP_SUMMARY NO_COLOR; do
    grep -q "$var" "$tmp/text" || { say "environment variable $var not described"; fail=1; }
done
# the page is for this version
version=$("$mockrun" --version | sed -n '1s/^mockrun //p')
grep -q "mockrun $version" "$tmp/text" || { say "the page does not say mockrun $version"; fail=1; }

[ "$fail" -eq 0 ] && say "ok: $n options and commands, no warnings"
exit "$fail"
