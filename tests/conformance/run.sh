#!/bin/sh
# run.sh - CTest's entry to the Mockoon conformance test.
#
#   sh tests/conformance/run.sh MOCKRUN SOURCE_DIR NPM_PREFIX [--script FILE.js] [options...]
#
# Skips (exit 77) when node or npm is missing. Installs the pinned
# @mockoon/cli into NPM_PREFIX when it is not there yet (once; later runs
# reuse it), then runs run.js (or, with --script, another driver in this
# folder: import.sh passes import.js), which does the work. Exit status: the
# script's, 77 for a skip, 2 when the install fails.
set -u

MOCKOON_CLI_VERSION=9.9.0

if [ $# -lt 3 ]; then
    echo "usage: sh run.sh MOCKRUN SOURCE_DIR NPM_PREFIX [--script FILE.js] [options...]" >&2
    exit 2
fi
mockrun=$1
src=$2
prefix=$3
# absolute, so that node's require() of the installed package.json (below)
# does not resolve it against this script's folder
case $prefix in
/*) ;;
*) prefix=$(pwd)/$prefix ;;
esac
shift 3
here=$(cd "$(dirname "$0")" && pwd)
script=run.js
if [ $# -ge 2 ] && [ "$1" = --script ]; then
    script=$2
    shift 2
fi

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "conformance: skipped: '$tool' is not in PATH (the Mockoon oracle needs Node.js and npm)"
        exit 77
    fi
done

cli=$prefix/node_modules/.bin/mockoon-cli
pkg=$prefix/node_modules/@mockoon/cli/package.json
have=$(node -e 'try { console.log(require(process.argv[1]).version) } catch (e) {}' "$pkg" 2>/dev/null)
if [ ! -x "$cli" ] || [ "$have" != "$MOCKOON_CLI_VERSION" ]; then
    echo "conformance: installing @mockoon/cli@$MOCKOON_CLI_VERSION into $prefix"
    mkdir -p "$prefix" || exit 2
    log=$prefix/npm-install.log
    if ! npm install --no-audit --no-fund --prefix "$prefix" \
        "@mockoon/cli@$MOCKOON_CLI_VERSION" >"$log" 2>&1; then
        tail -n 30 "$log"
        echo "conformance: error: 'npm install @mockoon/cli@$MOCKOON_CLI_VERSION' failed (log above and in $log); the npm registry must be reachable"
        exit 2
    fi
fi

exec node "$here/$script" --mockrun "$mockrun" --mockoon-cli "$cli" --source-dir "$src" "$@"
