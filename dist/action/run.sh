#!/usr/bin/env bash
# run.sh - action.yml's second step:
#
#     mockrun --junit J [--html H] OPTIONS... SCENARIO... [--shell -- COMMAND]
#
# Environment (from the action's inputs): MOCKRUN_SCENARIO (files separated
# by spaces or new lines), MOCKRUN_COMMAND, MOCKRUN_OPTIONS (split on
# spaces), MOCKRUN_JUNIT, MOCKRUN_HTML. mockrun sees GITHUB_ACTIONS=true and
# writes its annotations and job summary itself.
#
# The step succeeds whatever mockrun's verdict, so that the next step uploads
# the reports; it writes to $GITHUB_OUTPUT exit-code (mockrun's status), junit
# and html (absolute paths) and reports (the files that exist, one a line),
# and the last step fails when exit-code is not 0.
set -uo pipefail

out=${GITHUB_OUTPUT:-/dev/null}
set -f # split the lists on spaces, but expand no pattern
# shellcheck disable=SC2206
scenarios=(${MOCKRUN_SCENARIO:-})
# shellcheck disable=SC2206
options=(${MOCKRUN_OPTIONS:-})
set +f

junit=${MOCKRUN_JUNIT:-mockrun-junit.xml}
html=${MOCKRUN_HTML:-}
args=(--junit "$junit")
[ -n "$html" ] && args+=(--html "$html")
args+=("${options[@]}")
args+=("${scenarios[@]}")
[ -n "${MOCKRUN_COMMAND:-}" ] && args+=(--shell -- "$MOCKRUN_COMMAND")

if [ ${#scenarios[@]} -eq 0 ]; then
    echo "::error title=mockrun action::the input 'scenario' is empty"
    code=2
else
    echo "mockrun ${args[*]}"
    mockrun "${args[@]}"
    code=$?
fi

absolute() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/$1" ;;
    esac
}
{
    echo "exit-code=$code"
    echo "junit=$(absolute "$junit")"
    echo "html=$([ -n "$html" ] && absolute "$html")"
    echo "reports<<MOCKRUN_REPORTS_END"
    [ -f "$junit" ] && absolute "$junit"
    [ -n "$html" ] && [ -f "$html" ] && absolute "$html"
    echo "MOCKRUN_REPORTS_END"
} >>"$out"
exit 0
