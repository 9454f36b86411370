#!/bin/sh
# rules.sh - CTest's entry to the Mockoon rules oracle test (conformance.mockoon-rules).
#
#   sh tests/conformance/rules.sh MOCKRUN SOURCE_DIR NPM_PREFIX [rules.js options...]
#
# run.sh does the rest: it skips (exit 77) when node or npm is missing,
# installs the pinned @mockoon/cli into NPM_PREFIX when needed (exit 2 when
# that fails), then runs rules.js, whose exit status this returns.
set -u
if [ $# -lt 3 ]; then
    echo "usage: sh rules.sh MOCKRUN SOURCE_DIR NPM_PREFIX [rules.js options...]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mockrun=$1
src=$2
prefix=$3
shift 3
exec sh "$here/run.sh" "$mockrun" "$src" "$prefix" --script rules.js "$@"
