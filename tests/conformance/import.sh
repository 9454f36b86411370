#!/bin/sh
# import.sh - CTest's entry to the `mockrun --import-mockoon` oracle test.
#
#   sh tests/conformance/import.sh MOCKRUN SOURCE_DIR NPM_PREFIX [import.js options...]
#
# run.sh does the rest: it skips (exit 77) when node or npm is missing,
# installs the pinned @mockoon/cli into NPM_PREFIX when needed (exit 2 when
# that fails), then runs import.js, whose exit status this returns.
set -u
if [ $# -lt 3 ]; then
    echo "usage: sh import.sh MOCKRUN SOURCE_DIR NPM_PREFIX [import.js options...]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mockrun=$1
src=$2
prefix=$3
shift 3
exec sh "$here/run.sh" "$mockrun" "$src" "$prefix" --script import.js "$@"
