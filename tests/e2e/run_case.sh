#!/bin/sh
# run_case.sh - runs one end-to-end case against the built mockrun binary.
#
#   sh tests/e2e/run_case.sh MOCKRUN CASE_DIR JUNIT_XSD
#
# The case folder is copied into a fresh temporary directory, its optional
# `setup` script runs there, then mockrun runs (or the case's own `run`
# script), then every line of `expect` is checked, every JUnit report that
# appeared is validated against the Jenkins schema, and the optional `check`
# script runs. Exit status 0 means the case passed. The file format is
# documented in tests/e2e/README.md.
#
# MOCKRUN_E2E_KEEP=1 keeps the temporary directory and prints its path.
set -u

if [ $# -ne 3 ]; then
    echo "usage: sh run_case.sh MOCKRUN CASE_DIR JUNIT_XSD" >&2
    exit 2
fi
case_dir=$(cd "$2" 2>/dev/null && pwd) || {
    echo "run_case.sh: no case folder '$2'" >&2
    exit 2
}
name=e2e.$(basename "$case_dir")
MOCKRUN=$(cd "$(dirname "$1")" 2>/dev/null && pwd)/$(basename "$1")
xsd=$3

say() {
    printf '%s: %s\n' "$name" "$*"
}

# The pre-flight problems are the harness's, not mockrun's: say how to fix them.
if [ ! -x "$MOCKRUN" ]; then
    say "error: mockrun binary '$1' is missing; build it first"
    exit 2
fi
if [ ! -f "$case_dir/expect" ]; then
    say "error: $case_dir has no 'expect' file"
    exit 2
fi
if [ ! -f "$xsd" ]; then
    say "error: JUnit schema '$xsd' is missing; run ci/setup to fetch it"
    exit 2
fi
if ! command -v xmllint >/dev/null 2>&1; then
    say "error: xmllint is missing; run ci/setup (package libxml2-utils)"
    exit 2
fi

# `needs`: programs the case cannot run without (one a line); a missing one
# skips the case (exit 77, which CTest reports as skipped) with a message.
if [ -f "$case_dir/needs" ]; then
    while read -r prog _; do
        case $prog in '' | '#'*) continue ;; esac
        if ! command -v "$prog" >/dev/null 2>&1; then
            say "skipped: needs '$prog' (ci/setup installs it)"
            exit 77
        fi
    done <"$case_dir/needs"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockrun-e2e.XXXXXX") || exit 2
WORK=$tmp/work
PIDFILE=$tmp/pids
STDOUT=$tmp/stdout
STDERR=$tmp/stderr
: >"$PIDFILE"
: >"$STDOUT"
: >"$STDERR"

cleanup() {
    # Processes a setup or run script started (one pid a line): ours alone.
    while read -r pid; do
        case $pid in
        '' | *[!0-9]*) ;;
        *) kill "$pid" 2>/dev/null ;;
        esac
    done <"$PIDFILE"
    if [ -n "${MOCKRUN_E2E_KEEP:-}" ]; then
        say "kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

cp -R "$case_dir" "$WORK" || exit 2
cd "$WORK" || exit 2

# One-line files (`cmd`, `args`): comments and blank lines are ignored.
one_line() {
    [ -f "$1" ] || return 0
    sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$1" | {
        IFS= read -r first
        if IFS= read -r _; then
            say "error: '$1' must hold one line" >&2
            exit 1
        fi
        printf '%s' "$first"
    }
}
cmd_text=$(one_line cmd) || exit 2
args_text=$(one_line args) || exit 2

# Where the reports go: --junit/--journal in `args`, else mockrun's defaults.
JUNIT=$WORK/mockrun-junit.xml
JOURNAL=
eval "set -- $args_text"
while [ $# -gt 0 ]; do
    case $1 in
    --junit) [ $# -gt 1 ] && JUNIT=$2 && shift ;;
    --junit=*) JUNIT=${1#--junit=} ;;
    --journal) [ $# -gt 1 ] && JOURNAL=$2 && shift ;;
    --journal=*) JOURNAL=${1#--journal=} ;;
    --) break ;;
    esac
    shift
done
case $JUNIT in /*) ;; *) JUNIT=$WORK/$JUNIT ;; esac
case $JOURNAL in /* | '') ;; *) JOURNAL=$WORK/$JOURNAL ;; esac

# No proxy may stand between the clients and the mocks; no color in the output.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
# The machine running the tests may be a CI shard: mockrun would name its suites and
# write its snapshots accordingly. Cases about that set these themselves.
unset CI CI_NODE_INDEX CI_NODE_TOTAL CIRCLE_NODE_INDEX CIRCLE_NODE_TOTAL \
    BUILDKITE_PARALLEL_JOB BUILDKITE_PARALLEL_JOB_COUNT
NO_PROXY=127.0.0.1,localhost
no_proxy=$NO_PROXY
NO_COLOR=1
CASE_DIR=$case_dir
export CASE_DIR MOCKRUN WORK PIDFILE STDOUT STDERR JUNIT JOURNAL NO_PROXY no_proxy NO_COLOR

if [ -f setup ]; then
    if ! sh ./setup >"$tmp/setup.log" 2>&1; then
        say "error: setup failed:"
        sed 's/^/  | /' "$tmp/setup.log"
        exit 1
    fi
fi

# Reports present before the run are not mockrun's (unless it rewrites them).
find "$WORK" -name '*.xml' -type f >"$tmp/xml-before"

words=$args_text
[ -f scenario.json ] && words="${words:+$words }scenario.json"
[ -n "$cmd_text" ] && words="${words:+$words }-- $cmd_text"

guard=${MOCKRUN_E2E_GUARD:-60}
start=$(date +%s%N) # GNU date: nanoseconds
if [ -f run ]; then
    # A custom driver for what one invocation cannot show (signals sent to
    # mockrun): it writes $STDOUT and $STDERR and exits with mockrun's status.
    shown="sh ./run"
    timeout -k 5 "$guard" sh ./run </dev/null
    EXIT=$?
else
    shown="mockrun $words"
    eval "timeout -k 5 \"\$guard\" \"\$MOCKRUN\" $words" </dev/null >"$STDOUT" 2>"$STDERR"
    EXIT=$?
fi
end=$(date +%s%N)
ELAPSED_MS=$(((end - start) / 1000000))
export EXIT ELAPSED_MS

failures=0
# A failed expectation: what was expected, then what happened.
mismatch() {
    failures=$((failures + 1))
    printf '%s: FAIL  expected: %s\n' "$name" "$1"
    shift
    for line in "$@"; do
        printf '%s:            got: %s\n' "$name" "$line"
    done
}

# The last lines of a file, for a "got" that is a whole stream.
tail_of() {
    if [ ! -f "$1" ]; then
        echo "(no file)"
    elif [ ! -s "$1" ]; then
        echo "(empty)"
    else
        echo "(last 40 lines)"
        tail -n 40 "$1" | sed 's/^/  | /'
    fi
}

# Where a failed text check looks: the streams are shown in full at the end.
got_text() { # got_text FILE LABEL
    case $2 in
    stdout | stderr) echo "no such text in $2 (shown below)" ;;
    *)
        if [ -f "$1" ]; then
            echo "$2 (first 60 lines)"
            head -n 60 "$1" | sed 's/^/  | /'
        else
            echo "no $2 was written"
        fi
        ;;
    esac
}

contains() { # contains FILE TEXT WANT(yes|no) LABEL EXPECTATION
    if [ "$3" = yes ]; then
        [ -f "$1" ] && grep -qF -- "$2" "$1" && return
        mismatch "$5" "$(got_text "$1" "$4")"
    elif [ -f "$1" ] && grep -qF -- "$2" "$1"; then
        mismatch "$5" "$4 has it: $(grep -nF -m 3 -- "$2" "$1")"
    fi
}

has_line() { # has_line FILE LINE LABEL EXPECTATION
    [ -f "$1" ] && grep -qxF -- "$2" "$1" && return
    mismatch "$4" "$(got_text "$1" "$3")"
}

suite_attr() {
    xmllint --xpath "string(/testsuites/testsuite[1]/@$1)" "$JUNIT" 2>/dev/null
}

if [ $EXIT -eq 124 ] || [ $EXIT -eq 137 ]; then
    mismatch "mockrun to finish" "it was still running after ${guard}s and was killed (status $EXIT)"
fi

# junit-contains reads the report with XML's five entities decoded.
junit_text=$tmp/junit.txt
if [ -f "$JUNIT" ]; then
    sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' \
        -e 's/&amp;/\&/g' "$JUNIT" >"$junit_text"
fi

saw_exit=false
while IFS= read -r line || [ -n "$line" ]; do
    case $line in '' | '#'*) continue ;; esac
    key=${line%% *}
    arg=
    [ "$key" != "$line" ] && arg=${line#* }
    case $key in
    exit)
        saw_exit=true
        if [ "$EXIT" != "$arg" ]; then
            died=
            [ "$EXIT" -gt 128 ] && died=" (killed by signal $((EXIT - 128))?)"
            mismatch "$line" "exit $EXIT$died"
        fi
        ;;
    stdout-contains) contains "$STDOUT" "$arg" yes "stdout" "$line" ;;
    stdout-lacks) contains "$STDOUT" "$arg" no "stdout" "$line" ;;
    stdout-line) has_line "$STDOUT" "$arg" "stdout" "$line" ;;
    stderr-contains) contains "$STDERR" "$arg" yes "stderr" "$line" ;;
    stderr-lacks) contains "$STDERR" "$arg" no "stderr" "$line" ;;
    stderr-line) has_line "$STDERR" "$arg" "stderr" "$line" ;;
    junit-contains) contains "$junit_text" "$arg" yes "report" "$line" ;;
    junit-lacks) contains "$junit_text" "$arg" no "report" "$line" ;;
    junit-tests | junit-failures | junit-errors | junit-skipped)
        if [ ! -f "$JUNIT" ]; then
            mismatch "$line" "no report at $JUNIT"
        else
            got=$(suite_attr "${key#junit-}")
            [ "$got" = "$arg" ] || mismatch "$line" "${key#junit-}=\"$got\""
        fi
        ;;
    no-junit)
        [ -e "$JUNIT" ] && mismatch "$line" "a report at ${JUNIT#"$WORK"/}"
        ;;
    journal-contains)
        if [ -z "$JOURNAL" ]; then
            mismatch "$line" "no --journal in 'args'"
        else
            contains "$JOURNAL" "$arg" yes "journal" "$line"
        fi
        ;;
    file-exists) [ -e "$arg" ] || mismatch "$line" "no file $arg" ;;
    no-file) [ -e "$arg" ] && mismatch "$line" "a file $arg" ;;
    max-seconds)
        if [ "$ELAPSED_MS" -gt $((arg * 1000)) ]; then
            mismatch "$line" "took ${ELAPSED_MS} ms"
        fi
        ;;
    *)
        mismatch "a known expectation" "'$line' in expect (see tests/e2e/README.md)"
        ;;
    esac
done <expect
$saw_exit || mismatch "an 'exit N' line in expect" "none"

# Sanitizer reports fail every case, whatever the case expects.
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$STDERR"; then
    mismatch "no sanitizer report" "$(grep -E -m 3 -A 8 'Sanitizer|runtime error:' "$STDERR")"
fi

# Every report mockrun wrote must pass the Jenkins JUnit schema.
{
    find "$WORK" -name '*.xml' -type f | grep -vxF -f "$tmp/xml-before"
    [ -f "$JUNIT" ] && echo "$JUNIT"
} | sort -u | while IFS= read -r report; do
    # <testcase file= line=> (the attributes GitLab and pytest write) have no place in
    # the Jenkins schema: validate the report without them.
    sed -E 's/(<testcase [^>]*) file="[^"]*"( line="[0-9]*")?/\1/' "$report" >"$tmp/schema.xml"
    if ! out=$(xmllint --noout --schema "$xsd" "$tmp/schema.xml" 2>&1); then
        printf '%s: FAIL  expected: %s to pass %s\n' "$name" "$report" "$xsd"
        printf '%s\n' "$out" | head -n 10 | sed 's/^/  | /'
        echo x >>"$tmp/schema-failures"
    fi
done
[ -f "$tmp/schema-failures" ] && failures=$((failures + 1))

# A journal, when one was asked for, must be valid JSON.
if [ -n "$JOURNAL" ] && [ -f "$JOURNAL" ]; then
    if ! out=$(python3 -m json.tool "$JOURNAL" 2>&1 >/dev/null); then
        mismatch "the journal to be valid JSON" "$out"
    fi
fi

if [ -f check ]; then
    if ! out=$(sh ./check 2>&1); then
        mismatch "the 'check' script to pass" "$(printf '%s' "$out" | sed 's/^/  | /')"
    fi
fi

if [ $failures -gt 0 ]; then
    echo "$name: ran: $shown"
    echo "$name: exit $EXIT after ${ELAPSED_MS} ms"
    echo "$name: stdout $(tail_of "$STDOUT")"
    echo "$name: stderr $(tail_of "$STDERR")"
    echo "$name: $failures expectation(s) failed"
    exit 1
fi
echo "$name: ok (${ELAPSED_MS} ms)"
exit 0
